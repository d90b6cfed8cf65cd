"""The Global Project Board's pack for a period: one .xlsx and one .pdf with the same content."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from mm_core import periods, queries

from . import content, pdf, xlsx
from .publish import PublishError, publish_together


class BoardPackError(Exception):
    """The pack cannot be made: no database, not a warehouse, an unknown period or country, or a file that
    cannot be written."""


def resolve_period(option: str, period_table: pd.DataFrame) -> tuple[str, int]:
    """(half-year, programme year) for a period choice; the dashboard's rule (mm_core.periods)."""
    try:
        return periods.resolve(option, period_table)
    except ValueError as error:
        raise BoardPackError(str(error)) from None


def pack_name(period_option: str, country: str | None = None) -> str:
    """File name stem: 'board-pack-2016-17-H2', 'board-pack-Year-2016-17-JAM'."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", period_option).strip("-")
    return f"board-pack-{slug}" + (f"-{re.sub(r'[^A-Za-z0-9]+', '', country)}" if country else "")


def open_database(database: Path) -> duckdb.DuckDBPyConnection:
    if not Path(database).is_file():
        raise BoardPackError(f"no database at {database}: build one with `python -m etl load …`")
    try:
        connection = duckdb.connect(str(database), read_only=True)
        connection.execute("SET python_enable_replacements = false")
        connection.execute("SELECT as_of_date FROM reporting_date").fetchall()
    except duckdb.Error as error:
        raise BoardPackError(f"{database} is not a warehouse built by `python -m etl load`: {error}") from None
    return connection


def collect(connection: duckdb.DuckDBPyConnection, period: str, country: str | None = None) -> content.BoardPack:
    period_table = queries.periods(connection)
    half_year, programme_year = resolve_period(period, period_table)
    if country is not None:
        names = content.country_names(connection)
        if country not in names:
            raise BoardPackError(f"unknown country '{country}': choose from " + ", ".join(names))
    scope = queries.Scope(period=half_year, programme_year=programme_year, country=country)
    return content.collect(connection, scope, period.strip())


def build_board_pack(database: Path, period: str, out_dir: Path, *, country: str | None = None
                     ) -> tuple[Path, Path]:
    """Write <out_dir>/board-pack-<period>.xlsx and .pdf for the period (e.g. '2016/17 H2' or 'Year 2016/17');
    returns both paths. With `country` (an ISO-3 code or GLOBAL) the pack covers that country only."""
    connection = open_database(Path(database))
    try:
        return write_board_pack(connection, period, out_dir, country=country)
    finally:
        connection.close()


def write_board_pack(connection: duckdb.DuckDBPyConnection, period: str, out_dir: Path, *,
                     country: str | None = None) -> tuple[Path, Path]:
    """The same from an open connection (the dashboard passes its snapshot's cursor).

    Both files are written under temporary names and then renamed into place together: on any failure
    neither new file is left, and an older pack of the same name stays as it was.
    """
    pack = collect(connection, period, country)
    out_dir = Path(out_dir)
    _make_folder(out_dir)
    stem = pack_name(period, country)
    paths = (out_dir / f"{stem}.xlsx", out_dir / f"{stem}.pdf")
    try:
        publish_together([(paths[0], lambda path: xlsx.write_workbook(pack, path)),
                          (paths[1], lambda path: pdf.write_pdf(pack, path))])
    except PublishError as error:
        raise BoardPackError(f"{error} (no file of the pack was written or replaced)") from error
    return paths


def _make_folder(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise BoardPackError(f"{out_dir} is a file: the pack needs a folder to write its two files into")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BoardPackError(f"cannot create the folder {out_dir}: {error.strerror or error}") from None
