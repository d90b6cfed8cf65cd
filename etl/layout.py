"""How a sheet is laid out, the same for both lanes: which kind of sheet it is (its header row), what its
title rows say, and which of its rows are not loaded. Workbooks arrive as people made them, so reading is
tolerant (docs/schema.md, "Tolerant reading", lists the rules); the rules of layout are here:

- a sheet is recognised by its name or, failing that, by its header row, found anywhere in the
  first 30 rows; header names are matched case- and space-insensitively against the column's own
  header, its key and the aliases in data/reference/header_aliases.csv;
- quarter or month columns (Q1 ... Q4, Jan ... Dec) marked with X are a timeframe;
- a group row over sub-headers (a stacked header) reads as combined names ('Baseline · Value'), and a period
  named in a header ('2015 · Target', 'Target 2015') makes a results matrix laid out wide, one row per
  indicator and period (etl/header_cells.py);
- the title rows, the sheet name and the file name give the sheet's country, period and currency
  (etl/title_block.py), and a required column they give need not be in the header;
- blank rows, hidden rows and total rows are not loaded, and a warning says so of hidden and total rows
  (of hidden sheets too: etl/workbook.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from . import spec
from .errors import LoadWarning, UnreadableFile
from .header_cells import (HeaderCell, is_group_row, merged_spans, normalise_header, single_row, split_period,
                           stacked_rows)
from .parse import MONTHS, clean_text, is_blank
from .reference import Reference, load_reference
from .title_block import SheetContext, period_of_values, sheet_context, title_value_for

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
    # a results matrix laid out wide (a Target and an Actual column per period): this sheet holds the first
    # period's values, `parts` the others', each read as rows of its own (etl/transform.py validates them
    # after this one); what is said of the sheet as a whole is said by this one only
    parts: list["RawSheet"] = field(default_factory=list)
    first_part: bool = True
    language: str | None = None  # the language its headers are written in (a vocabulary's code: 'fr'), if known
    decimal_hint: str | None = None  # ',' or '.': the decimal mark of that language, where it has one


@dataclass(frozen=True)
class PeriodColumns:
    """The columns of one period in a sheet laid out wide: 'Target' and 'Actual' under '2015'."""

    period: str  # as the headers name it: '2015', '2015/16 H1'
    columns: dict[str, int]  # column key -> position


@dataclass(frozen=True)
class HeaderMatch:
    index: int  # row index of the header (of its lower row, for a stacked header)
    columns: dict[str, int]
    timeframe: list[TimeframeColumn]
    through_aliases: bool
    group_index: int | None = None  # row index of the group row of a stacked header
    texts: dict[int, str] = field(default_factory=dict)  # position -> header as shown in messages
    periods: tuple[PeriodColumns, ...] = ()  # a sheet laid out wide
    notes: tuple[str, ...] = ()  # headers naming a period the programme does not have

    @property
    def size(self) -> int:
        return len(self.columns) + sum(len(p.columns) for p in self.periods) + len(self.timeframe)

    @property
    def title_end(self) -> int:
        """The rows above this index are the title block."""
        return self.index if self.group_index is None else self.group_index


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


def match_header_row(sheet_spec: spec.Sheet, row: list[Any], reference: Reference, top: list[Any] | None = None,
                     spans: dict[int, int] | None = None, context: Callable[[], SheetContext] | None = None
                     ) -> HeaderMatch | None:
    """The columns `row` names, read under its group row `top` where given (a stacked header); None unless
    every required column is named, or given by the title block (`context`: what the rows above say)."""
    cells = single_row(row) if top is None else stacked_rows(top, row, spans)
    found: dict[str, int] = {}
    through_aliases = False
    names = {column.key: header_names(sheet_spec, column, reference) for column in sheet_spec.columns}
    periods, notes = _period_columns(sheet_spec, cells, names, reference)
    taken = {p for group in periods for p in group.columns.values()}
    for column in sheet_spec.columns:
        for column_names, is_alias in zip(names[column.key], (False, True)):
            position = next((p for p, cell in cells.items() if p not in taken and p not in found.values()
                             and any(name in column_names for name in cell.names)), None)
            if position is not None:
                found[column.key] = position
                through_aliases |= is_alias
                break
    timeframe = []
    if sheet_spec.kind == "workplan":
        timeframe = [t for p, cell in cells.items() if p not in found.values() and cell.sub is not None
                     for t in [_timeframe_column(p, cell.sub)] if t]
    given = set(found) | ({"period"} if periods else set())
    missing = [key for key in _required_keys(sheet_spec) if key not in given]
    if missing and (context is None or not all(title_value_for(sheet_spec.column(key), context()) for key in missing)):
        return None
    if sheet_spec.needs_one_of and not any(key in given or any(key in p.columns for p in periods)
                                           for key in sheet_spec.needs_one_of):
        return None
    if sheet_spec.kind == "workplan" and not timeframe and not {"planned_start", "planned_end"} <= found.keys():
        return None
    return HeaderMatch(0, found, timeframe, through_aliases, None, {p: cell.text for p, cell in cells.items()},
                       tuple(periods), tuple(notes))


def _period_columns(sheet_spec: spec.Sheet, cells: dict[int, HeaderCell],
                    names: dict[str, tuple[set[str], set[str]]], reference: Reference
                    ) -> tuple[list[PeriodColumns], list[str]]:
    """The columns of a sheet laid out wide ('2015 · Target', 'Actual 2016'), by period in their order; and
    what is said of headers naming a period the programme does not have. None where the sheet has a Period
    column, or its kind has no values by period."""
    if not sheet_spec.per_period or any(name in set.union(*names["period"]) for cell in cells.values()
                                        for name in cell.names):
        return [], []
    by_period: dict[str, dict[str, int]] = {}
    notes = []
    for position, cell in cells.items():
        for name in cell.names:
            split = split_period(name)
            key = split and next((k for k in sheet_spec.per_period if split[1] in set.union(*names[k])), None)
            if not key:
                continue
            period = split[0].upper()
            if sheet_spec.column("period").kind == spec.PERIOD and period_of_values(period, reference) is None:
                notes.append(f"the header '{cell.text}' names {period}, not a period of the programme: "
                             "its column is not read")
                break
            if key not in by_period.setdefault(period, {}):
                by_period[period][key] = position
            break
    return [PeriodColumns(period, columns) for period, columns in by_period.items() if columns], notes


def find_header(sheet_spec: spec.Sheet, rows: list[list[Any]], reference: Reference | None = None,
                names: list[tuple[str, str]] = (), merged=()) -> HeaderMatch | None:
    """The first of the first 30 rows that names every required column (or None): a row of its own, or the
    lower row of a stacked header (a group row over sub-headers) where that names more columns. `names`: the
    sheet name and the file name (which may give the country); `merged`: the sheet's merged ranges, where
    known."""
    reference = reference or load_reference()
    contexts: dict[int, SheetContext] = {}

    def context_above(index: int) -> Callable[[], SheetContext]:
        def context() -> SheetContext:
            if index not in contexts:
                contexts[index] = sheet_context(rows[:index], list(names), reference)
            return contexts[index]
        return context

    searched = rows[:HEADER_SEARCH_ROWS]
    for index, row in enumerate(searched):
        single = match_header_row(sheet_spec, row, reference, context=context_above(index))
        stacked = None
        if index + 1 < len(searched):
            spans = merged_spans(merged, index)
            if is_group_row(row, searched[index + 1], spans):
                stacked = match_header_row(sheet_spec, searched[index + 1], reference, row, spans, context_above(index))
        if stacked is not None:
            below = match_header_row(sheet_spec, searched[index + 1], reference, context=context_above(index + 1))
            if all(other is None or stacked.size > other.size for other in (single, below)):
                return replace(stacked, index=index + 1, group_index=index)
        if single is not None:
            return replace(single, index=index)
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


def recognise_sheet(file: str, title: str, rows: list[list[Any]], reference: Reference, merged=()
                    ) -> tuple[spec.Sheet, HeaderMatch] | None:
    """The kind of a sheet: by its name where it is one of ours, else by its header row. A sheet named as one
    of ours without its header is refused."""
    named = spec.sheet_for_title(title)
    candidates = ([named] if named else []) + [s for s in spec.ALL_SHEETS if s is not named]
    names = [(title, "sheet name"), (Path(file).stem, "file name")]
    for sheet_spec in candidates:
        match = find_header(sheet_spec, rows, reference, names, merged)
        if match is not None:
            return sheet_spec, match
    if named is not None:
        raise UnreadableFile(file, _missing_header_reason(named, rows, reference), title)
    return None


def recognise_csv(rows: list[list[Any]], reference: Reference, file: str = ""
                  ) -> tuple[spec.Sheet, HeaderMatch] | None:
    """The kind of a CSV file (one sheet) by its header row, and that row."""
    names = [(Path(file).stem, "file name")] if file else []
    for sheet_spec in spec.ALL_SHEETS:
        match = find_header(sheet_spec, rows, reference, names)
        if match is not None:
            return sheet_spec, match
    return None


def header_texts(header: list[Any], columns: dict[str, int], texts: dict[int, str] | None = None) -> dict[str, str]:
    """Each column's header as written in the file (`texts`: as a stacked header reads), for messages."""
    texts = texts or {}
    return {key: texts.get(position) or clean_text(header[position]) for key, position in columns.items()}


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
                                    f"hidden row(s) {_row_ranges(hidden)} not loaded: unhide them in Excel to load them"))
    for number in totals:
        warnings.append(LoadWarning(file, sheet, number, None, "total row",
                                    "a total row, not loaded (totals are computed from the rows)"))
    return warnings


def _row_ranges(numbers: list[int]) -> str:
    ranges, start = [], None
    for index, number in enumerate(numbers):
        if start is None:
            start = number
        if index + 1 == len(numbers) or numbers[index + 1] != number + 1:
            ranges.append(str(start) if start == number else f"{start}-{number}")
            start = None
    return ", ".join(ranges)
