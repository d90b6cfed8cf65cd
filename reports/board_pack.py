"""The Global Project Board's pack for a period: one .xlsx and one .pdf with the same content."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pandas as pd

from mm_dashboard import queries

from . import content, pdf, xlsx

YEAR_PREFIX = "Year "  # as in the dashboard's period filter: 'Year 2016/17' is a programme year


class BoardPackError(Exception):
    """The pack cannot be made: no database, not a warehouse, or an unknown period or country."""


def resolve_period(option: str, period_table: pd.DataFrame) -> tuple[str, int]:
    """(half-year shown for indicators, programme year shown for money) for a period option: a half-year
    like '2016/17 H2', or a programme year like 'Year 2016/17', which shows its last half-year that had
    started by the as-of date. The same rule as the dashboard's filter (mm_dashboard.filters.resolve)."""
    option = option.strip()
    if option.startswith(YEAR_PREFIX):
        match = re.fullmatch(r"(\d{4})(/\d{2})?", option[len(YEAR_PREFIX):].strip())
        rows = period_table[period_table["programme_year"] == int(match.group(1))] if match else period_table[:0]
        if rows.empty:
            raise BoardPackError(f"unknown programme year '{option}': choose from "
                                 + ", ".join(_year_options(period_table)))
        started = rows[rows["has_started"]]
        chosen = started if len(started) else rows
        return str(chosen["period"].iloc[-1]), int(match.group(1))
    rows = period_table[period_table["period"] == option]
    if rows.empty:
        raise BoardPackError(f"unknown period '{option}': choose a half-year ("
                             + ", ".join(period_table["period"]) + ") or a programme year ("
                             + ", ".join(_year_options(period_table)) + ")")
    return option, int(rows["programme_year"].iloc[0])


def _year_options(period_table: pd.DataFrame) -> list[str]:
    return [f"{YEAR_PREFIX}{y}/{(y + 1) % 100:02d}" for y in sorted(period_table["programme_year"].unique())]


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
    returns both paths. With `country` (an ISO-3 code or GLOBAL) the pack covers that country only.

    Each file is written beside its final name and renamed into place, so a failure leaves no half-written pack.
    """
    connection = open_database(Path(database))
    try:
        pack = collect(connection, period, country)
    finally:
        connection.close()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = pack_name(period, country)
    paths = []
    for suffix, writer in ((".xlsx", xlsx.write_workbook), (".pdf", pdf.write_pdf)):
        final = out_dir / f"{stem}{suffix}"
        partial = out_dir / f".{stem}{suffix}.partial"
        try:
            writer(pack, partial)
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        paths.append(final)
    return paths[0], paths[1]
