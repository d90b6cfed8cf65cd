"""Command line: a thin layer that turns the ETL's typed errors into messages and exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from . import database_path
from .errors import EtlError

if TYPE_CHECKING:
    from .load import LoadSummary

# Each command imports what it uses when it runs (in `main`): a load does not pay for openpyxl (templates),
# the diff or the IATI writer (pyarrow still imports pandas itself, on its first array of Python objects).

MAX_PROBLEMS_SHOWN = 50
MAX_WARNINGS_SHOWN = 20


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2017-07-31") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    template = commands.add_parser("template", help="write an Excel template for country offices")
    template.add_argument("kind", help="all, results, workplan, expenditure, milestones or narrative")
    template.add_argument("out", type=Path, help="the .xlsx file to write")
    _programme_option(template)
    load = commands.add_parser("load", help="validate workbooks and build the database from them")
    load.add_argument("inputs", nargs="+", type=Path,
                      help=".xlsx / .csv files, IATI activity .xml files, or folders holding them")
    load.add_argument("--db", type=Path, default=None, help="database file (default: $MM_DB_PATH or "
                                                             "data/warehouse.duckdb)")
    load.add_argument("--strict", action="store_true", help="fail the whole load if any row is rejected")
    load.add_argument("--as-of", type=_date, default=None,
                      help="judge indicator and activity status as of this date (default: today)")
    load.add_argument("--quiet", action="store_true", help="no progress messages")
    _programme_option(load)
    export = commands.add_parser("export-iati", help="write the programme's results and finance as IATI 2.03 XML")
    export.add_argument("--db", type=Path, default=None, help="database file (default: $MM_DB_PATH or "
                                                               "data/warehouse.duckdb)")
    export.add_argument("--out", type=Path, required=True, help="the .xml file to write")
    export.add_argument("--reporting-org", default=None, help="IATI organisation identifier of the publisher "
                        "(default: that of the programme's reporting agency, programme.toml)")
    export.add_argument("--reporting-org-name", default=None, help="the publisher's name")
    _programme_option(export, reading=True)
    reload = commands.add_parser("reload", help="load the database again from the files and as-of date of its "
                                                 "last load (after an update of the ETL: see etl/reload.py)")
    reload.add_argument("--db", type=Path, default=None, help="database file (default: $MM_DB_PATH or "
                                                               "data/warehouse.duckdb)")
    reload.add_argument("--if-outdated", action="store_true", help="only if it was built by another version of "
                                                                   "the ETL (else do nothing)")
    reload.add_argument("--quiet", action="store_true", help="no progress messages")
    reload.add_argument("--no-strict", action="store_true", help="load the files whatever rows they reject, even if "
                        "the last load was --strict (which a reload is too, else)")
    reload.add_argument("--programme", type=Path, default=None, help="the programme file (default: the one it was "
                        "built with, if that is the one $MM_PROGRAMME or data/reference/programme.toml names)")
    history = commands.add_parser("history", help="list the warehouses built, newest first")
    history.add_argument("--db", type=Path, default=None, help="database file whose records to read (default: "
                                                                "$MM_DB_PATH or data/warehouse.duckdb)")
    diff = commands.add_parser("diff", help="what changed between two builds")
    diff.add_argument("--from", dest="from_id", required=True, help="a load id from `python -m etl history`, "
                                                                      "or 'now' (the current warehouse)")
    diff.add_argument("--to", dest="to_id", default="now", help="a load id, or 'now' (the default)")
    diff.add_argument("--db", type=Path, default=None, help="database file (default: $MM_DB_PATH or "
                                                             "data/warehouse.duckdb)")
    return parser


def _programme_option(command: argparse.ArgumentParser, reading: bool = False) -> None:
    """--programme on a command: the programme file a load or template uses; on a command that reads a
    warehouse, a check that the warehouse was built with that file."""
    command.add_argument("--programme", type=Path, default=None, help=(
        "the programme file the warehouse must have been built with (default: the one it was built with)"
        if reading else "the programme file (default: $MM_PROGRAMME, else data/reference/programme.toml)"))


def print_summary(summary: LoadSummary) -> None:
    print(f"Loaded {len(summary.files)} file(s) into {summary.database}")
    for table, count in summary.rows_by_table.items():
        print(f"  {table:<18} {count:>8,} rows")
    print(f"Rows loaded: {summary.rows_loaded:,}   rows rejected: {summary.rows_rejected:,}")
    problems = [p for r in summary.rejected for p in r.problems]
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        print(f"  rejected: {problem.message}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        print(f"  ... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems (see the rejected_rows table)")
    if summary.warnings:
        print(f"Warnings: {len(summary.warnings):,} (all in the load_warnings table)")
    for warning in summary.warnings[:MAX_WARNINGS_SHOWN]:
        print(f"  warning: {warning.message}")
    if len(summary.warnings) > MAX_WARNINGS_SHOWN:
        print(f"  ... and {len(summary.warnings) - MAX_WARNINGS_SHOWN} more warnings")


def print_history(database: Path) -> None:
    from .history import history_table

    rows = history_table(database)
    if not rows:
        print(f"No build recorded for {database} yet: `python -m etl load …` records each one.")
        return
    print("\n".join(rows))


def print_changes(database: Path, from_id: str, to_id: str) -> None:
    from .diff import compare_builds

    changes = compare_builds(from_id, to_id, database)
    print(f"Changes from build {changes.from_id} to build {changes.to_id}")
    for section in changes.sections():
        print(f"\n{section.title}: {len(section.frame):,}")
        if not section.frame.empty:
            print(section.frame.to_string(index=False))


def reload_database(database: Path, programme: Path | None, if_outdated: bool, quiet: bool, no_strict: bool) -> int:
    from .reload import reload

    progress = (lambda message: None) if quiet else (lambda message: print(message, file=sys.stderr))
    summary = reload(database, programme=programme, only_outdated=if_outdated, progress=progress,
                     strict=False if no_strict else None)
    if summary is not None:
        print_summary(summary)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "template":
            from .reference import load_reference
            from .templates import kinds_for, write_template

            try:
                kinds_for(args.kind)
            except ValueError as error:
                print(f"error: {error}", file=sys.stderr)
                return 1
            path = write_template(args.kind, args.out, reference=load_reference(programme=args.programme))
            print(f"Wrote {path}")
            return 0
        if args.command == "export-iati":
            from .export_iati import export_iati

            result = export_iati(args.db or database_path(), args.out, args.reporting_org, args.reporting_org_name,
                                 programme=args.programme)
            print(f"Wrote {result.path}: {result.activities} activities, {result.indicators} indicators, "
                  f"{result.periods} periods, {result.budgets} budgets, {result.transactions} transactions")
            return 0
        if args.command == "history":
            print_history(args.db or database_path())
            return 0
        if args.command == "diff":
            print_changes(args.db or database_path(), args.from_id, args.to_id)
            return 0
        if args.command == "reload":
            return reload_database(args.db or database_path(), args.programme, args.if_outdated, args.quiet,
                                   args.no_strict)
        from .prescan import Prescan

        with Prescan.start(args.inputs) as prescan:  # the workbooks' scans, beside the imports below
            from .load import run_load

            progress = (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr))
            summary = run_load(args.inputs, args.db or database_path(), strict=args.strict, as_of=args.as_of,
                               progress=progress, programme=args.programme, prescan=prescan)
        print_summary(summary)
        return 0
    except EtlError as error:
        print(f"error: {error}", file=sys.stderr)
        from .history import RecordsFailed  # imported already by the load that raised

        if args.command in ("load", "reload") and not isinstance(error, RecordsFailed):
            print("The previous database was left unchanged.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
