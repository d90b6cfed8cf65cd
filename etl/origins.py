"""Where rows come from: which sheet kinds and which countries each input file's rows are for, read from the
rows themselves (the tables' `country` and `source_*` columns, and the cells of rejected rows), never from a
file's name.

Used on the database a check builds (etl/load.py, inspect_inputs: is a country office's file only for its
own country?) and on a built warehouse (mm_core/submissions.py: which earlier files a newer submission
supersedes).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from . import spec
from .errors import ValueProblem
from .header_cells import normalise_header
from .layout import header_names
from .parse import country_parser
from .reference import Reference

KIND_OF_TABLE = {sheet.table: sheet.kind for sheet in spec.ALL_SHEETS}
COUNTRY_SHEETS = spec.COUNTRY_SHEETS


@dataclass(frozen=True)
class SheetRows:
    """Rows of one sheet kind from one file: the first one's location, how many loaded and were rejected."""

    file: str
    kind: str
    sheet: str
    row: int
    loaded: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class CountryRow:
    """The first row of a file for a country (an ISO3 code or GLOBAL)."""

    file: str
    country: str
    sheet: str
    row: int


def loaded_sheets(connection: duckdb.DuckDBPyConnection) -> list[SheetRows]:
    """Per file and sheet kind, the rows of the tables of etl/spec.py, with the first one's location."""
    found = []
    for sheet in spec.ALL_SHEETS:
        for file, sheet_name, row, count in connection.execute(
                f'SELECT source_file, arg_min(source_sheet, source_row), min(source_row), count(*) '
                f'FROM "{sheet.table}" GROUP BY source_file ORDER BY source_file').fetchall():
            found.append(SheetRows(file, sheet.kind, sheet_name, row, loaded=count))
    return found


def loaded_countries(connection: duckdb.DuckDBPyConnection) -> list[CountryRow]:
    """Per file and country, the first row of the tables whose rows name a programme country."""
    first: dict[tuple[str, str], CountryRow] = {}
    for sheet in COUNTRY_SHEETS:
        for file, country, sheet_name, row in connection.execute(
                f'SELECT source_file, country, arg_min(source_sheet, source_row), min(source_row) '
                f'FROM "{sheet.table}" GROUP BY source_file, country').fetchall():
            _keep_first(first, CountryRow(file, country, sheet_name, row))
    return sorted(first.values(), key=lambda found: (found.file, found.country))


def rejected_countries(rejected: list, reference: Reference) -> list[CountryRow]:
    """Per file and country, the first rejected row naming that country in its Country cell (read as a load
    reads it: a code or a name). A row whose country cannot be read is left out: it is listed among the
    rejected rows, with its cell, already."""
    parse = country_parser(reference)
    names = {sheet.table: set().union(*header_names(sheet, sheet.column("country"), reference))
             for sheet in COUNTRY_SHEETS}
    first: dict[tuple[str, str], CountryRow] = {}
    for row in rejected:
        wanted = names.get(row.table)
        if not wanted:
            continue
        for header, value in row.values.items():
            if normalise_header(header) in wanted:
                try:
                    _keep_first(first, CountryRow(row.file, parse(value), row.sheet, row.row))
                except ValueProblem:
                    pass
                break
    return sorted(first.values(), key=lambda found: (found.file, found.country))


def rejected_sheets(rejected: list) -> list[SheetRows]:
    """Per file and sheet kind, the rejected rows of the tables of etl/spec.py, with the first one's location."""
    counted: dict[tuple[str, str], SheetRows] = {}
    for row in rejected:
        kind = KIND_OF_TABLE.get(row.table)
        if kind is None:
            continue
        before = counted.get((row.file, kind))
        if before is None:
            counted[(row.file, kind)] = SheetRows(row.file, kind, row.sheet, row.row, rejected=1)
        else:
            earlier = (row.row, row.sheet) < (before.row, before.sheet)
            counted[(row.file, kind)] = SheetRows(row.file, kind, row.sheet if earlier else before.sheet,
                                                  row.row if earlier else before.row, rejected=before.rejected + 1)
    return list(counted.values())


def combined_sheets(loaded: list[SheetRows], rejected: list[SheetRows]) -> list[SheetRows]:
    """Loaded and rejected rows of each file and kind together, the first location of either."""
    merged: dict[tuple[str, str], SheetRows] = {}
    for rows in [*loaded, *rejected]:
        before = merged.get((rows.file, rows.kind))
        if before is None:
            merged[(rows.file, rows.kind)] = rows
            continue
        first = min((before.row, before.sheet), (rows.row, rows.sheet))
        merged[(rows.file, rows.kind)] = SheetRows(rows.file, rows.kind, first[1], first[0],
                                                   before.loaded + rows.loaded, before.rejected + rows.rejected)
    return sorted(merged.values(), key=lambda rows: (rows.file, rows.kind))


def combined_countries(*lists: list[CountryRow]) -> list[CountryRow]:
    first: dict[tuple[str, str], CountryRow] = {}
    for found in (found for countries in lists for found in countries):
        _keep_first(first, found)
    return sorted(first.values(), key=lambda found: (found.file, found.country))


def _keep_first(first: dict[tuple[str, str], CountryRow], found: CountryRow) -> None:
    before = first.get((found.file, found.country))
    if before is None or (found.row, found.sheet) < (before.row, before.sheet):
        first[(found.file, found.country)] = found
