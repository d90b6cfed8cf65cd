"""Command line for the board's exports: `python -m reports board-pack --period … --out …`.
A thin layer that turns BoardPackError into a one-line message and exit status 1."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from etl import database_path
from etl.programme import PROGRAMME_ENVIRONMENT_VARIABLE

from .board_pack import BoardPackError, build_board_pack


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reports", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    pack = commands.add_parser("board-pack", help="write the programme board's pack (.xlsx, .pdf and .pptx slides)")
    pack.add_argument("--period", required=True,
                      help="a reporting period as the programme labels it ('2016/17 H2', '2019 Q3'), or a year "
                           "('Year 2016/17', 'Year 2020'); the periods are listed when one is not known")
    pack.add_argument("--out", type=Path, required=True, help="the folder to write the three files into")
    pack.add_argument("--db", type=Path, default=None, help="database file (default: $MM_DB_PATH or "
                                                             "data/warehouse.duckdb)")
    pack.add_argument("--country", default=None, help="an ISO-3 code (or GLOBAL) for a one-country pack")
    pack.add_argument("--programme", type=Path, default=None,
                      help="the programme file the database must have been built with (default: "
                           f"${PROGRAMME_ENVIRONMENT_VARIABLE} when set; the pack always shows the programme the "
                           "database holds)")
    return parser


def write_board_pack_files(args: argparse.Namespace) -> int:
    try:
        programme = args.programme or os.environ.get(PROGRAMME_ENVIRONMENT_VARIABLE) or None
        paths = build_board_pack(args.db or database_path(), args.period, args.out, country=args.country,
                                 programme=programme)
    except BoardPackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"Wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return write_board_pack_files(args)


if __name__ == "__main__":
    sys.exit(main())
