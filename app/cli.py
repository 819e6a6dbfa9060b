"""The command line: ``pdu-manager`` (also ``python -m app``), SPEC.md section 6.

It acts as the system account "command line", recorded in the audit with the
operating-system login. Errors print one clear line on stderr and exit non-zero.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.domain.progress import Progress

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_REFUSED = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pdu-manager",
        description="PDU Manager: caseload, allocation and workload of a Probation Delivery Unit.",
    )
    parser.add_argument(
        "--database", metavar="URL", help="database URL or SQLite file (default: your own database)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app on the built-in demo PDU (created on first use)",
    )
    # --database is accepted before or after the command: users add it at the end.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL or SQLite file (default: your own database)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = sub.add_parser(
        "demo", parents=[common], help="write a synthetic demo PDU into a database"
    )
    demo.add_argument("path", nargs="?", help="SQLite file to write (default: --database)")
    demo.add_argument("--cases", type=int, default=1500, help="active cases (default 1,500)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    imp = sub.add_parser("import", parents=[common], help="import an extract (CSV or .xlsx)")
    imp.add_argument("kind", choices=["cases", "staff"], help="what the file holds")
    imp.add_argument("file", type=Path, help="the extract: CSV (UTF-8) or .xlsx, one header row")
    imp.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    imp.add_argument(
        "--end-missing",
        action="store_true",
        help="end cases of the extract's PDUs that are missing from it",
    )

    db = sub.add_parser("db", parents=[common], help="database upkeep")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser(
        "upgrade", parents=[common], help="apply pending schema migrations (after a backup)"
    )
    db_sub.add_parser(
        "check", parents=[common], help="integrity check and audit chain verification"
    )
    backup = db_sub.add_parser("backup", parents=[common], help="copy the database to FILE")
    backup.add_argument("file", type=Path)
    restore = db_sub.add_parser(
        "restore", parents=[common], help="replace the database with the backup FILE"
    )
    restore.add_argument("file", type=Path)

    ret = sub.add_parser(
        "return",
        parents=[common],
        help="build and export a PDU's weekly return (JSON, Excel, PDF)",
        description="Build a weekly return as the command line's system account and write "
        "each file asked for; with no file, the JSON is printed.",
    )
    ret.add_argument("--pdu", required=True, help="the PDU, by name or number")
    ret.add_argument(
        "--week-ending",
        required=True,
        metavar="YYYY-MM-DD",
        help="the last day of the week (the week-end day setting, Friday by default)",
    )
    ret.add_argument("--json", type=Path, dest="json_file", metavar="FILE")
    ret.add_argument("--xlsx", type=Path, metavar="FILE")
    ret.add_argument("--pdf", type=Path, metavar="FILE")

    bench = sub.add_parser(
        "bench", parents=[common], help="measure speed and memory against the performance targets"
    )
    bench.add_argument("--cases", type=int, default=250_000)
    bench.add_argument("--json", type=Path, dest="json_file")
    return parser


def _database_url(args: argparse.Namespace) -> str:
    from app.db.engine import default_database_url, normalise_url

    return normalise_url(args.database) if args.database else default_database_url()


class StderrProgress(Progress):
    """A progress bar on stderr, for long commands."""

    def __init__(self) -> None:
        super().__init__(listener=self._draw)
        self._last = -1

    def _draw(self, done: int, total: int, message: str) -> None:
        if not sys.stderr.isatty() or total <= 0:
            return
        percent = int(done * 100 / total)
        if percent != self._last:
            self._last = percent
            bar = "#" * (percent // 4)
            sys.stderr.write(f"\r[{bar:<25}] {percent:3d}% {message[:40]:<40}")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def _cmd_demo(args: argparse.Namespace) -> int:
    from app.db.engine import normalise_url
    from app.services.core.errors import UserError
    from app.services.core.store import open_store
    from app.services.demo import create_demo

    if args.cases < 1:
        raise UserError("The demo needs at least one case: give --cases 1 or more.")
    url = normalise_url(args.path) if args.path else _database_url(args)
    store = open_store(url)
    try:
        summary = create_demo(store, cases=args.cases, seed=args.seed, progress=StderrProgress())
    finally:
        store.close()
    print(summary)
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from app.services.core.actor import system_actor
    from app.services.core.store import open_store
    from app.services.imports import run_import

    store = open_store(_database_url(args))
    try:
        with store.sessions.begin() as session:
            actor = system_actor(session)
        report = run_import(
            store.sessions,
            actor,
            args.kind,
            args.file,
            dry_run=args.dry_run,
            end_missing=args.end_missing,
            progress=StderrProgress(),
        )
    finally:
        store.close()
    print(report.text())
    return EXIT_OK if report.accepted else EXIT_REFUSED


def _cmd_db(args: argparse.Namespace) -> int:
    from app.db import migrate
    from app.db.engine import data_dir, make_engine, sqlite_path

    url = _database_url(args)
    path = sqlite_path(url)
    if args.db_command in ("check", "backup") and path is not None and not path.exists():
        raise migrate.SchemaError(f"There is no database at {path}.")
    engine = make_engine(url)
    try:
        if args.db_command == "upgrade":
            state = migrate.schema_state(engine)
            if state == "newer":
                raise migrate.SchemaError(
                    "This database is newer than this version of PDU Manager."
                )
            backup = migrate.upgrade(
                engine, backup_dir=data_dir() / "backups" if state == "older" else None
            )
            _load_reference_data(engine)
            print(
                f"Database is at schema {migrate.SCHEMA_HEAD}"
                + (f" (backup: {backup})" if backup else "")
            )
            return EXIT_OK
        if args.db_command == "check":
            return _db_check(engine)
        if args.db_command == "backup":
            print(f"Backed up to {migrate.backup_file(engine, args.file)}")
            return EXIT_OK
        safety = migrate.restore_file(args.file, engine, safety_dir=data_dir() / "backups")
        _audit_restore(url, args.file, safety)
        print(f"Restored the database from {args.file}")
        if safety is not None:
            print(f"The database as it was before is kept in {safety}")
        return EXIT_OK
    finally:
        engine.dispose()


def _audit_restore(url: str, backup: Path, safety: Path | None) -> None:
    """The restored database records who restored it, from what, and where the old one is."""
    from app.services.core.actor import system_actor
    from app.services.core.audit import record
    from app.services.core.store import open_store

    store = open_store(url)
    try:
        with store.sessions.begin() as session:
            record(
                session,
                system_actor(session),
                "db.restored",
                "database",
                "",
                summary=f"Restored from {backup.name}",
                extra={"backup": str(backup), "previous_kept_in": str(safety or "")},
            )
    finally:
        store.close()


def _load_reference_data(engine: Any) -> None:
    from sqlalchemy.orm import Session

    from app.services.core.reference import load_reference_data

    with Session(engine) as session, session.begin():
        load_reference_data(session)


def _db_check(engine: Any) -> int:
    from sqlalchemy.orm import Session

    from app.db import migrate
    from app.services.core.audit import verify_chain

    report = migrate.check(engine)
    for problem in report.problems:
        print(f"Problem: {problem}")
    chain_ok = True
    if report.revision is not None:
        with Session(engine) as session:
            chain = verify_chain(session)
        chain_ok = chain.ok
        if chain.ok:
            entries = "1 entry" if chain.entries == 1 else f"{chain.entries:,} entries"
            print(f"Audit chain intact: {entries}, head {chain.head}")
        else:
            print(f"Problem: the audit chain is broken at entry {chain.first_bad_id}")
    if report.ok and chain_ok:
        print(f"Database OK (schema {report.revision})")
        return EXIT_OK
    return EXIT_ERROR


def _cmd_return(args: argparse.Namespace) -> int:
    from datetime import date

    from app.services.core.actor import system_actor
    from app.services.core.errors import UserError
    from app.services.core.reference import find_pdu
    from app.services.core.store import open_store, write_session
    from app.services.returns.export import export_return

    try:
        ending = date.fromisoformat(args.week_ending)
    except ValueError:
        raise UserError(
            f"--week-ending {args.week_ending!r} is not a date in the form YYYY-MM-DD"
        ) from None
    store = open_store(_database_url(args))
    try:
        with store.sessions.begin() as session:
            actor = system_actor(session)
        with write_session(store, actor) as session:
            pdu = find_pdu(session, args.pdu)
            result = export_return(
                session,
                actor,
                pdu.id,
                ending,
                xlsx=args.xlsx,
                pdf=args.pdf,
                json_file=args.json_file,
                progress=StderrProgress(),
            )
    finally:
        store.close()
    version = result.version
    if not result.files:
        sys.stdout.write(result.json)
        return EXIT_OK
    print(
        f"Weekly return of {pdu.label}, week ending {version.week_ending:%d/%m/%Y}, "
        f"version {version.version}: wrote " + ", ".join(str(p) for p in result.files)
    )
    return EXIT_OK


def _cmd_bench(args: argparse.Namespace) -> int:
    from app.bench import run_bench

    return run_bench(cases=args.cases, json_file=args.json_file)


def _cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.display import display_problem

    problem = display_problem()
    if problem is not None:
        print(problem, file=sys.stderr)
        return EXIT_ERROR
    from app.ui.app import run_gui

    return run_gui(database=args.database, demo=args.demo)


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: _cmd_gui,
    "demo": _cmd_demo,
    "import": _cmd_import,
    "db": _cmd_db,
    "bench": _cmd_bench,
    "return": _cmd_return,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("Stopped: nothing half written.", file=sys.stderr)
        return 130
    except Exception as exc:  # one clear line, never a traceback for the user's mistakes
        return _report(exc)


def _report(exc: Exception) -> int:
    """One line on stderr for anything that stops a command; the details go to the log."""
    import logging
    import sqlite3

    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

    from app.db.migrate import SchemaError
    from app.services.core.errors import UserError

    if isinstance(exc, UserError | SchemaError):
        message = str(exc)
    elif isinstance(exc, OperationalError):
        message = f"the database is not available ({exc.orig})"
    elif isinstance(exc, NoSuchModuleError | ArgumentError):
        message = f"that is not a database address PDU Manager can use ({exc})"
    elif isinstance(exc, ModuleNotFoundError):
        message = (
            f"a database driver is missing ({exc.name}): for PostgreSQL install "
            "pip install 'pdu-manager[postgresql]'"
        )
    elif isinstance(exc, OSError):
        message = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    elif isinstance(exc, SQLAlchemyError | sqlite3.Error):
        reason = getattr(exc, "orig", None) or exc
        message = f"the database could not be used ({reason}); nothing was changed"
    else:
        logging.getLogger("pdu_manager").exception("Unexpected error in the command line")
        message = f"unexpected {type(exc).__name__}: {exc} (please report this)"
    print(f"pdu-manager: {message}", file=sys.stderr)
    return EXIT_ERROR
