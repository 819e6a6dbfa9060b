"""Reading a CSV extract a line at a time, with every size bounded.

The encoding is settled by one pass over the bytes (UTF-8 with or without
BOM; failing that, Windows-1252 as Excel's plain "CSV" saves), which also
hashes the file; the second pass parses it line by line, so memory does not
grow with the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from app.services.imports import limits
from app.services.imports.problems import FileProblem

CHUNK = 1 << 20


@dataclass(frozen=True)
class Scan:
    """What one pass over the bytes found: the hash, the encoding, about how many lines."""

    digest: str
    encoding: str
    lines: int


def scan(path: Path, name: str) -> Scan:
    """Hash the file and settle its encoding, refusing UTF-16 and binary data."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, lines, first = True, 0, True
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            if first and chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise FileProblem(
                    f"{name} is in UTF-16, not UTF-8: save it from Excel as "
                    "'CSV UTF-8 (comma delimited)'."
                )
            if b"\x00" in chunk:
                raise FileProblem(f"{name} is not a CSV file: it holds binary data.")
            first = False
            digest.update(chunk)
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
            lines += chunk.count(b"\n")
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if not is_utf8:
        _check_cp1252(path, name)
    return Scan(digest.hexdigest(), "utf-8-sig" if is_utf8 else "cp1252", lines + 1)


def _check_cp1252(path: Path, name: str) -> None:
    """Not UTF-8: readable as Windows-1252 throughout, or refused naming the line."""
    lines = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            try:
                chunk.decode("cp1252")
            except UnicodeDecodeError as exc:
                line = lines + chunk[: exc.start].count(b"\n") + 1
                raise FileProblem(
                    f"{name} is not UTF-8 text (line {line:,} has the byte "
                    f"0x{chunk[exc.start]:02X}): save it from Excel as "
                    "'CSV UTF-8 (comma delimited)' and import it again."
                ) from None
            lines += chunk.count(b"\n")


def _lines(handle: IO[str], name: str) -> Iterator[str]:
    """Physical lines, none longer than the limit (a file with no line breaks is refused)."""
    number = 0
    while line := handle.readline(limits.MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > limits.MAX_LINE_CHARS:
            raise FileProblem(
                f"{name} is refused: line {number:,} is longer than "
                f"{limits.MAX_LINE_CHARS:,} characters, the most a line of an extract may hold."
            )
        yield line


def _delimiter(header: str) -> str:
    """Commas, unless the header line is plainly split by semicolons or tabs (European Excel)."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def rows(path: Path, name: str, encoding: str) -> Iterator[list[str]]:
    """The file's rows as lists of cells, each size checked as it is read."""
    csv.field_size_limit(limits.MAX_CELL_CHARS)
    with open(path, encoding=encoding, newline="") as handle:
        lines = _lines(handle, name)
        first = next(lines, None)
        if first is None:
            return
        reader = csv.reader(_chain(first, lines), delimiter=_delimiter(first))
        try:
            for cells in reader:
                if len(cells) > limits.MAX_COLUMNS:
                    raise FileProblem(
                        f"{name} is refused: line {reader.line_num:,} has {len(cells):,} cells; "
                        f"at most {limits.MAX_COLUMNS:,} columns are read."
                    )
                yield cells
        except csv.Error as exc:
            raise FileProblem(_csv_problem(name, reader.line_num, exc)) from None


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def _csv_problem(name: str, line: int, exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"{name} is refused: a cell on line {line:,} holds more than "
            f"{limits.MAX_CELL_CHARS:,} characters, the most a cell may hold."
        )
    return f"{name} is not a well-formed CSV file (line {line:,}: {exc})."
