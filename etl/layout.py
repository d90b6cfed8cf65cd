"""How a sheet is laid out, the same for both lanes: which kind of sheet it is (its header row), what its
title rows say, and which of its rows are not loaded. Workbooks arrive as people made them, so reading is
tolerant (docs/schema.md, "Tolerant reading", lists the rules); the rules of layout are here:

- a sheet is recognised by its name or, failing that, by its header row, found anywhere in the
  first 30 rows; header names are matched case- and space-insensitively against the column's own
  header, its key and the aliases in data/reference/header_aliases.csv;
- a sheet no kind takes may be a delivery report (a CDR, an ERP export: etl/delivery_words.py), recognised
  by its header and read as expenditure rows by etl/delivery_report.py;
- quarter or month columns (Q1 ... Q4, Jan ... Dec) marked with X are a timeframe;
- a year and a country named in the title rows, the sheet name or the file name are the sheet's context;
- blank rows, hidden rows and total rows are not loaded, and a warning says so of hidden and total rows
  (of hidden sheets too: etl/workbook.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from . import delivery_words, spec
from .errors import LoadWarning, UnreadableFile
from .parse import MONTHS, clean_text, is_blank
from .reference import Reference, load_reference

HEADER_SEARCH_ROWS = 30
TIMEFRAME_MARKS = {"x", "✓", "✔", "√", "1", "yes"}
TOTAL_ROW = re.compile(r"(?i)(grand\s+|sub[\s-]?)?totals?\b[\w\s()$:.-]{0,25}")


@dataclass(frozen=True)
class TimeframeColumn:
    """A quarter or month column of a work plan (Q1, Q2 2015, Jan ...): an X under it plans that span."""

    position: int
    header: str
    first_month: int
    last_month: int
    year: int | None  # from the header ('Q1 2015'), else the year of the sheet's title

    def span(self) -> tuple[dt.date, dt.date] | None:
        if self.year is None:
            return None
        last_day = (dt.date(self.year + (self.last_month == 12), self.last_month % 12 + 1, 1) - dt.timedelta(days=1))
        return dt.date(self.year, self.first_month, 1), last_day


@dataclass(frozen=True)
class SheetContext:
    """What the title rows above the header (or the sheet or file name) say: a year, a country."""

    year: int | None = None
    country: str | None = None  # the text naming a programme country
    where: str = ""


@dataclass
class RawSheet:
    """One sheet's data rows, as typed in the file, with the positions needed for messages."""

    file: str  # file name as shown in messages
    sheet: str  # sheet name as in the file
    spec: spec.Sheet
    header_row: int
    columns: dict[str, int]  # column key -> position in each row
    headers: dict[str, str]  # column key -> header text as in the file
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cell values)
    timeframe: list[TimeframeColumn] = field(default_factory=list)
    context: SheetContext = field(default_factory=SheetContext)
    laid_out_by_others: bool = False  # recognised through aliases or by its header, not our template
    warnings: list[LoadWarning] = field(default_factory=list)
    language: str | None = None  # the language its headers are written in (a vocabulary's code: 'fr'), if known
    decimal_hint: str | None = None  # ',' or '.': the decimal mark of that language, where it has one
    rejected: list = field(default_factory=list)  # rows rejected while reading (etl/transform.py RejectedRow):
    # a delivery report's lines and totals (etl/delivery_report.py)


@dataclass(frozen=True)
class HeaderMatch:
    index: int  # row index of the header
    columns: dict[str, int]
    timeframe: list[TimeframeColumn]
    through_aliases: bool
    delivery_report: bool = False  # a delivery report's header: `columns` maps its roles (etl/delivery_words.py)


def normalise_header(text: Any) -> str:
    text = " ".join(str(text).replace("_", " ").split()).casefold()
    return text.rstrip(" *:").strip()


def header_names(sheet_spec: spec.Sheet, column: spec.Column, reference: Reference) -> tuple[set[str], set[str]]:
    """(the column's own names, its aliases), normalised."""
    own = {normalise_header(column.header), normalise_header(column.key)}
    aliases = {normalise_header(a) for a in reference.header_aliases.get(sheet_spec.kind, {}).get(column.key, ())}
    return own, aliases - own


def _timeframe_column(position: int, cell: Any) -> TimeframeColumn | None:
    text = normalise_header(cell)
    match = (re.fullmatch(r"(?:q|quarter\s*)([1-4])(?:[\s/-]*(\d{4}))?", text)
             or re.fullmatch(r"(\d{4})[\s/-]*q([1-4])", text))
    if match:
        quarter, year = match.groups() if not text[0].isdigit() else (match.group(2), match.group(1))
        first = 3 * int(quarter) - 2
        return TimeframeColumn(position, clean_text(cell), first, first + 2, int(year) if year else None)
    match = re.fullmatch(r"([a-z]+)\.?(?:[\s/-]*(\d{4}))?", text)
    if match and match.group(1) in MONTHS:
        month = MONTHS[match.group(1)]
        return TimeframeColumn(position, clean_text(cell), month, month, int(match.group(2)) if match.group(2) else None)
    return None


def _required_keys(sheet_spec: spec.Sheet) -> list[str]:
    return [c.key for c in sheet_spec.columns if c.required and c.key not in sheet_spec.derivable]


def match_header_row(sheet_spec: spec.Sheet, row: list[Any], reference: Reference) -> HeaderMatch | None:
    cells = {position: normalise_header(cell) for position, cell in enumerate(row)
             if cell is not None and str(cell).strip()}
    found: dict[str, int] = {}
    through_aliases = False
    for column in sheet_spec.columns:
        own, aliases = header_names(sheet_spec, column, reference)
        for names, is_alias in ((own, False), (aliases, True)):
            position = next((p for p, name in cells.items() if name in names and p not in found.values()), None)
            if position is not None:
                found[column.key] = position
                through_aliases |= is_alias
                break
    timeframe = []
    if sheet_spec.kind == "workplan":
        timeframe = [t for p, cell in enumerate(row) if p not in found.values() and cell is not None
                     for t in [_timeframe_column(p, cell)] if t]
    if not all(key in found for key in _required_keys(sheet_spec)):
        return None
    if sheet_spec.needs_one_of and not any(key in found for key in sheet_spec.needs_one_of):
        return None
    if sheet_spec.kind == "workplan" and not timeframe and not {"planned_start", "planned_end"} <= found.keys():
        return None
    return HeaderMatch(0, found, timeframe, through_aliases)


def find_header(sheet_spec: spec.Sheet, rows: list[list[Any]], reference: Reference | None = None
                ) -> HeaderMatch | None:
    """The first of the first 30 rows that names every required column (or None)."""
    reference = reference or load_reference()
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        match = match_header_row(sheet_spec, row, reference)
        if match is not None:
            return HeaderMatch(index, match.columns, match.timeframe, match.through_aliases)
    return None


def _missing_header_reason(sheet_spec: spec.Sheet, rows: list[list[Any]], reference: Reference) -> str:
    best: set[str] = set()
    for row in rows[:HEADER_SEARCH_ROWS]:
        names = {normalise_header(cell) for cell in row if cell is not None}
        present = {c.key for c in sheet_spec.columns if set.union(*header_names(sheet_spec, c, reference)) & names}
        if len(present) > len(best):
            best = present
    missing = [c.header for c in sheet_spec.columns if c.required and c.key not in best]
    return (f"no header row found in the first {HEADER_SEARCH_ROWS} rows: expected the columns "
            + ", ".join(f"'{name}'" for name in missing))


def recognise_sheet(file: str, title: str, rows: list[list[Any]], reference: Reference
                    ) -> tuple[spec.Sheet, HeaderMatch] | None:
    """The kind of a sheet: by its name where it is one of ours, else by its header row. A sheet named as one
    of ours without its header is refused."""
    named = spec.sheet_for_title(title)
    candidates = ([named] if named else []) + [s for s in spec.ALL_SHEETS if s is not named]
    for sheet_spec in candidates:
        match = find_header(sheet_spec, rows, reference)
        if match is not None:
            return sheet_spec, match
    delivery = find_delivery_header(rows)
    if delivery is not None:
        return delivery
    if named is not None:
        raise UnreadableFile(file, _missing_header_reason(named, rows, reference), title)
    return None


def recognise_csv(rows: list[list[Any]], reference: Reference) -> tuple[spec.Sheet, HeaderMatch] | None:
    """The kind of a CSV file (one sheet) by its header row, and that row."""
    for sheet_spec in spec.ALL_SHEETS:
        match = find_header(sheet_spec, rows, reference)
        if match is not None:
            return sheet_spec, match
    return find_delivery_header(rows)


def find_delivery_header(rows: list[list[Any]]) -> tuple[spec.Sheet, HeaderMatch] | None:
    """A delivery report's header (etl/delivery_words.py): its rows become expenditure rows
    (etl/delivery_report.py), so it is recognised as an expenditure sheet laid out by others."""
    found = delivery_words.find_header(rows)
    if found is None:
        return None
    index, roles = found
    return spec.EXPENDITURE, HeaderMatch(index, roles, [], True, delivery_report=True)


def header_texts(header: list[Any], columns: dict[str, int]) -> dict[str, str]:
    """Each column's header as written in the file, for messages."""
    return {key: clean_text(header[position]) for key, position in columns.items()}


def sheet_context(title_rows: list[list[Any]], names: list[tuple[str, str]], reference: Reference) -> SheetContext:
    """A year and a country named in the title rows, else in the sheet or file name: a programme country
    if one is named, else any ISO 3166 country (which the country check then names as not of this
    programme, rather than saying that the sheet has no Country column)."""
    places = [(" ".join(clean_text(c) for c in row if c is not None), f"title row {i + 1}")
              for i, row in enumerate(title_rows)] + names
    year = country = None
    where = []
    for text, place in places:
        found = re.search(r"\b(20\d{2})\b", text)
        if found:
            year = int(found.group(1))
            where.append(f"year {year} from the {place}")
            break
    for lookup, names_of in ((reference.country_lookup, reference.countries),
                             (reference.world_lookup, reference.world_names)):
        spellings = sorted((s for s in lookup if len(s) > 3), key=len, reverse=True)
        for text, place in places:
            folded = text.casefold()
            spelling = next((s for s in spellings if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", folded)), None)
            if spelling:
                country = names_of.get(lookup[spelling], spelling)
                where.append(f"country '{country}' from the {place}")
                break
        if country is not None:
            break
    return SheetContext(year, country, "; ".join(where))


def row_skipped(values: list[Any], number: int, hidden_rows: set[int]) -> str | None:
    """Why a data row is not loaded: 'blank', 'hidden' or 'total' (a total row), else None."""
    if all(is_blank(v) for v in values):
        return "blank"
    if number in hidden_rows:
        return "hidden"
    if total_row(values):
        return "total"
    return None


def total_row(values: list[Any]) -> bool:
    """A row whose only text is a label like 'Total', 'Sub-total' or 'Grand total (USD)'."""
    texts = [v for v in values if isinstance(v, str) and v.strip()]  # cleaned only when there is one
    return len(texts) == 1 and bool(TOTAL_ROW.fullmatch(clean_text(texts[0])))


def blank_to_none(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows with every '' as None: an empty cell, whichever reader gave the row."""
    return [[None if cell == "" else cell for cell in row] for row in rows]


def skipped_rows_warnings(file: str, sheet: str, hidden: list[int], totals: list[int]) -> list[LoadWarning]:
    """What a load says about the hidden rows and the total rows it did not load."""
    warnings = []
    if hidden:
        warnings.append(LoadWarning(file, sheet, None, None, "hidden rows",
                                    f"hidden row(s) {row_ranges(hidden)} not loaded: unhide them in Excel to load them"))
    for number in totals:
        warnings.append(LoadWarning(file, sheet, number, None, "total row",
                                    "a total row, not loaded (totals are computed from the rows)"))
    return warnings


def row_ranges(numbers: list[int]) -> str:
    """Row numbers as ranges: [3, 4, 5, 9] -> '3-5, 9'."""
    ranges, start = [], None
    for index, number in enumerate(numbers):
        if start is None:
            start = number
        if index + 1 == len(numbers) or numbers[index + 1] != number + 1:
            ranges.append(str(start) if start == number else f"{start}-{number}")
            start = None
    return ", ".join(ranges)
