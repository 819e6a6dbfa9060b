"""The command line: ``pdu-manager`` (also ``python -m app``), SPEC.md section 6.

It acts as the system account "command line", recorded in the audit with the
operating-system login: it may import extracts, make the demo, build returns
and maintain the database (the first Head of PDU, a Head's password), nothing
else (SPEC.md 1). Errors print one clear line on stderr and exit non-zero.
"""

from __future__ import annotations

import argparse
import contextlib
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
    imp.add_argument(
        "kind",
        choices=["cases", "staff", "upw-projects", "upw-sessions", "vcs-cases"],
        help="what the file holds",
    )
    imp.add_argument("file", type=Path, help="the extract: CSV (UTF-8) or .xlsx, one header row")
    imp.add_argument("--dry-run", action="store_true", help="check and report; write nothing")
    imp.add_argument(
        "--end-missing",
        action="store_true",
        help="end cases of the extract's PDUs that are missing from it",
    )
    imp.add_argument(
        "--pdu", help="the PDU (name or number) of an unpaid work file without a pdu column"
    )

    db = sub.add_parser("db", parents=[common], help="database upkeep")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser(
        "upgrade", parents=[common], help="apply pending schema migrations (after a backup)"
    )
    check = db_sub.add_parser(
        "check", parents=[common], help="integrity check and audit chain verification"
    )
    check.add_argument(
        "--expect-head",
        metavar="HASH",
        help="the audit head printed on a return's cover: it must still be in the audit log",
    )
    backup = db_sub.add_parser("backup", parents=[common], help="copy the database to FILE")
    backup.add_argument("file", type=Path)
    restore = db_sub.add_parser(
        "restore", parents=[common], help="replace the database with the backup FILE"
    )
    restore.add_argument("file", type=Path)

    _users_parser(sub, common)
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
    bench.add_argument(
        "--batch",
        action="store_true",
        help="instead: the batch allocation proposal against list order on synthetic teams",
    )
    bench.add_argument("--seeds", type=int, default=20, help="with --batch: seeds per queue")
    return parser


def _users_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    users = sub.add_parser(
        "users", parents=[common], help="the first Head of PDU; a Head's password"
    )
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    head = users_sub.add_parser(
        "create-head",
        parents=[common],
        help="make the first Head of PDU of PDUs that have none (asks for the password)",
    )
    head.add_argument("--username", required=True, help="their username, e.g. jo.bloggs")
    head.add_argument("--name", required=True, help="their name as colleagues know it")
    head.add_argument(
        "--pdu",
        type=int,
        action="append",
        required=True,
        metavar="NUMBER",
        help="a PDU they cover, by number (repeat for several)",
    )
    reset = users_sub.add_parser(
        "reset-password",
        parents=[common],
        help="give a Head of PDU a new password, to change at their next sign-in",
    )
    reset.add_argument("username")


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
    out(summary)
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
            pdu=args.pdu,
        )
    finally:
        store.close()
    out(report.text())
    return EXIT_OK if report.accepted else EXIT_REFUSED


def _cmd_db(args: argparse.Namespace) -> int:
    from app.services import maintenance

    url = _database_url(args)
    if args.db_command == "upgrade":
        upgraded = maintenance.upgrade(url)
        backup = f" (backup: {upgraded.backup})" if upgraded.backup else ""
        out(f"Database is at schema {upgraded.revision}{backup}")
        return EXIT_OK
    if args.db_command == "check":
        checked = maintenance.check(url, expect_head=args.expect_head)
        for line in checked.lines:
            out(line)
        return EXIT_OK if checked.ok else EXIT_ERROR
    if args.db_command == "backup":
        out(f"Backed up to {maintenance.backup(url, args.file)}")
        return EXIT_OK
    restored = maintenance.restore(url, args.file)
    out(f"Restored the database from {restored.backup}")
    if restored.safety_copy is not None:
        out(f"The database as it was before is kept in {restored.safety_copy}")
    for line in restored.differences:
        out(f"  {line}")
    return EXIT_OK


def _new_password() -> str:
    """The new password: typed twice at a terminal, or the first line of standard input."""
    import getpass

    from app.services.core.errors import UserError

    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("The same again: ") != first:
        raise UserError("The two passwords differ; nothing was changed.")
    return first


def _cmd_users(args: argparse.Namespace) -> int:
    from app.services.core.actor import system_actor
    from app.services.core.store import open_store
    from app.services.users import credentials

    store = open_store(_database_url(args))
    try:
        password = _new_password()
        with store.sessions.begin() as session:
            actor = system_actor(session)
            if args.users_command == "create-head":
                credentials.create_head(
                    session, actor, args.username, args.name, password, args.pdu
                )
                print(
                    f"Head of PDU {args.username.strip().lower()} created: they change the "
                    "password at their first sign-in."
                )
            else:
                credentials.reset_head_password(session, actor, args.username, password)
                print(f"Password of {args.username} reset: they change it at their next sign-in.")
    finally:
        store.close()
    return EXIT_OK


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
    if args.batch:
        from app.bench.batch import run_batch_bench

        return run_batch_bench(seeds=args.seeds, json_file=args.json_file)
    from app.bench.run import run_bench

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
    "users": _cmd_users,
    "bench": _cmd_bench,
    "return": _cmd_return,
}


def out(text: object) -> None:
    """Print to stdout, control characters escaped; a closed pipe (``| head``) ends quietly."""
    from app.domain.parsing import printable

    try:
        print(printable(str(text)))
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    """The reader went away: send the rest nowhere, so exiting prints no second error."""
    import os

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _start_up() -> None:
    """Once per process: owner-only files from birth, a log file for the unexpected."""
    import logging
    import os

    if hasattr(os, "umask"):
        os.umask(0o077)
    from app.db.engine import data_dir
    from app.services.core.logfile import start_log

    logging.getLogger("pdu_manager").propagate = False  # never a traceback on the terminal
    with contextlib.suppress(OSError):
        start_log(data_dir() / "logs")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _start_up()
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print("Stopped: nothing half written.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (``| head``)
        _silence_stdout()
        return 128 + 13  # as a shell reports a command ended by SIGPIPE
    except Exception as exc:  # one clear line, never a traceback for the user's mistakes
        return _report(exc)


def _report(exc: Exception) -> int:
    """One line on stderr for anything that stops a command; the details go to the log."""
    import logging
    import sqlite3

    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError

    from app.db.migrate import SchemaError
    from app.domain.parsing import printable
    from app.services.core.errors import UserError

    if isinstance(exc, UserError | SchemaError):
        message = str(exc)
    elif isinstance(exc, OperationalError):
        message = f"the database is not available ({exc.orig})"
    elif isinstance(exc, NoSuchModuleError | ArgumentError):
        message = f"that is not a database address PDU Manager can use ({exc})"
    elif isinstance(exc, ModuleNotFoundError) and (exc.name or "").startswith("psycopg"):
        message = (
            f"a database driver is missing ({exc.name}): for PostgreSQL install "
            "pip install 'pdu-manager[postgresql]'"
        )
    elif isinstance(exc, ModuleNotFoundError):
        message = (
            f"a part of PDU Manager is missing ({exc.name}): reinstall it; nothing was changed"
        )
    elif isinstance(exc, OSError):
        message = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    elif isinstance(exc, SQLAlchemyError | sqlite3.Error):
        reason = getattr(exc, "orig", None) or exc
        message = f"the database could not be used ({reason}); nothing was changed"
    else:
        logging.getLogger("pdu_manager").exception("Unexpected error in the command line")
        message = f"unexpected {type(exc).__name__}: {exc} (please report this)"
    with contextlib.suppress(OSError):
        print(f"pdu-manager: {printable(message, keep_lines=False)}", file=sys.stderr)
    return EXIT_ERROR
