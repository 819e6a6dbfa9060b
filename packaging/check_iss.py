"""Check that every file the installer script names is in the built bundle.

    python packaging/check_iss.py "dist/PDU Manager"

No Windows machine builds the installer here, so CI runs this against the Linux
bundle: a program named ``pdu-manager.exe`` in the script is ``pdu-manager``
there. Paths under the repository (the setup icon) are checked too. Exits 1,
naming each missing path.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SCRIPT = Path(__file__).resolve().parent / "pdu-manager.iss"
_PARAM = re.compile(r'(\w+):\s*"([^"]*)"')


@dataclass(frozen=True)
class Named:
    """A path the script names: inside the bundle, or beside the script."""

    line: int
    text: str
    in_bundle: bool
    parts: tuple[str, ...]
    wildcard: bool = False


def _defines(script: str) -> dict[str, str]:
    return dict(re.findall(r'^#define\s+(\w+)\s+"([^"]*)"', script, flags=re.MULTILINE))


def named_paths(script: str) -> list[Named]:
    """Every file or folder the script reads from the bundle or installs from it."""
    defines = _defines(script)
    bundle = defines.get("Bundle", "")
    out: list[Named] = []
    for number, raw in enumerate(script.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        params = dict(_PARAM.findall(line))
        for key in ("Source", "Filename"):
            value = params.get(key)
            if value is not None:
                out += _bundle_path(number, value, bundle)
        setting = re.match(r"(SetupIconFile|UninstallDisplayIcon|LicenseFile)=(.+)$", line)
        if setting:
            out += _bundle_path(number, setting.group(2).strip(), bundle, beside_script=True)
    return out


def _bundle_path(number: int, value: str, bundle: str, beside_script: bool = False) -> list[Named]:
    value = value.replace("{#Bundle}", bundle)
    for prefix in (bundle, "{app}"):
        if prefix and value.startswith(prefix + "\\"):
            rest = value[len(prefix) + 1 :]
            wildcard = rest.endswith("\\*")
            rest = rest.removesuffix("\\*")
            return [Named(number, value, True, tuple(rest.split("\\")), wildcard)]
    if beside_script and not value.startswith("{"):
        return [Named(number, value, False, tuple(value.split("\\")))]
    return []


def missing(script: str, bundle_dir: Path, script_dir: Path = SCRIPT.parent) -> list[str]:
    """The paths the script names that are not there, each with its line number."""
    windows_bundle = (bundle_dir / "pdu-manager.exe").exists()
    problems = []
    for named in named_paths(script):
        if named.in_bundle:
            parts = list(named.parts)
            if not windows_bundle:
                parts[-1] = parts[-1].removesuffix(".exe")
            target = bundle_dir.joinpath(*parts)
        else:
            target = (script_dir / PurePosixPath(*named.parts)).resolve()
        there = target.is_dir() and any(target.iterdir()) if named.wildcard else target.exists()
        if not there:
            problems.append(f"line {named.line}: {named.text} (looked for {target})")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    script = SCRIPT.read_text(encoding="utf-8")
    named = named_paths(script)
    problems = missing(script, Path(argv[0]))
    for problem in problems:
        print(f"missing from the bundle: {problem}", file=sys.stderr)
    if not problems:
        print(f"all {len(named)} paths the installer script names are in {argv[0]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
