"""The fast lane: large plain sheets of our own template, read and checked column by column.

A sheet qualifies when it is one of the template's sheets (its own name and headers), every required
column is there, and the workbook scan found no formula, error cell, merged cell or date stored as text
in it (etl/ooxml.py, `SheetScan.plain`). fastexcel reads it straight into Arrow columns with strict
types: a column holding both numbers and text is refused, and the sheet takes the per-cell path. So
every value is the cell calamine would have given, but for the few rows fastexcel may read apart from
calamine ('N/A' read as empty, 'nan' as a number, times of day as dates), which are read again as cells
(`FastSheet.refetch`), as are the rows holding a number formatted as a percentage (which fastexcel, like
calamine, reads as stored: 0.75 for 75%) so that they are read and reported as on the per-cell path.

Each column is then parsed as a whole where its values have a plain form — text without stray spaces,
amounts with at most two decimals, dates in range — and other columns (codes, choices, years) are
parsed once per distinct value by the per-cell parser itself. A value without a plain form goes
through the per-cell parser too. A row with any value not surely parsed is handed, as its cells, to
etl.transform.validate_sheet: rejected rows are reported word for word as on the per-cell path. The
rows that pass are staged as Arrow columns (amounts as whole cents) and go through the cross-field
rules of etl/rules.py in SQL, as the per-cell path's rows do (etl.transform.stage).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv

from . import spec
from .conventions import (COMMA, CURRENCY_SIGNS, DATE_KINDS, NUMBER_KINDS, Convention, NumberConvention,
                          infer_column)
from .csv_text import CSV_CELL_LIMIT, csv_delimiter, long_csv_cell
from .errors import LoadWarning, UnreadableFile, ValueProblem
from .layout import (
    CURRENCY_ALONE,
    HEADER_SEARCH_ROWS,
    NUMBER_LIKE,
    HeaderAgain,
    HeaderMatch,
    RawSheet,
    blank_to_none,
    header_texts,
    language_warning,
    normalise_header,
    recognise_csv,
    row_skipped,
    skipped_rows_warnings,
    total_row,
    unused_columns_warning,
)
from .ooxml import has_marker_texts
from .plausibility import PERCENT, VALUE_COLUMNS, unit_kind
from .parse import INVISIBLE, is_blank, parser_for
from .reference import Reference
from .rules import STAGED_TYPES, Rules
from .title_block import FILLED_FROM_THE_TITLE, SheetContext, title_checks, title_context
from .transform import Validated, stage, validate_sheet
from .xlsx_rows import read_rows

logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string" for empty columns

# Characters str.split() treats as whitespace (the last is U+3000), and those clean_text drops (parse.INVISIBLE): a
# text without them, but for single spaces, is its own clean form.
_WHITESPACE = "".join(f"\\x{{{ord(c):04x}}}" for c in map(chr, range(0x3100)) if c.isspace() and c != " ") + "".join(
    f"\\x{{{ord(c):04x}}}" for c in INVISIBLE)
PLAIN_TEXT = f"^[^ {_WHITESPACE}]+(?: [^ {_WHITESPACE}]+)*$"
MONEY_PLAIN_LIMIT = 1e13  # below it a double with two decimals is exactly its cents
MONEY_TEXT = r"^\d{1,13}(?:\.\d{1,2})?$"  # at most 15 digits: the double read from it gives it back
NUMBER_TEXT = r"^-?\d+(?:\.\d+)?$"
# Under a decimal comma only whole numbers have a plain form; under a decimal point, not '12.500' (read two
# ways: etl/conventions.py), whose row is read cell by cell and reported.
MONEY_TEXT_COMMA = r"^\d{1,13}$"
NUMBER_TEXT_COMMA = r"^-?\d+$"
TWO_WAY_PLAIN = r"^-?[1-9]\d{0,2}\.\d{3}$"
# Texts that may read two ways (checked one by one: etl/conventions.py, `reported`).
MAY_READ_TWO_WAYS = {"number": r"[.,]\d{3}", "date": r"\d{1,2}[/.]\d{1,2}[/.]\d{4}"}
ARROW_KINDS = (pa.types.is_string, pa.types.is_large_string, pa.types.is_float64, pa.types.is_boolean,
               pa.types.is_timestamp, pa.types.is_null)
# A superset of what etl/parse.py `currency_in_text` finds in a number typed as text
MAY_NAME_A_CURRENCY = "|".join([re.escape(sign) for sign in CURRENCY_SIGNS] + ["[A-Z]{3}"])
CSV_HEAD_BYTES = 1 << 16  # read to find a CSV file's header row


@dataclass
class FastSheet:
    """One sheet read by fastexcel: every column of the sheet (positions from `offset`), and the
    positions of the template's columns counted from column A, as in RawSheet."""

    file: str
    sheet: str
    spec: spec.Sheet
    header_row: int
    columns: dict[str, int]
    headers: dict[str, str]
    table: pa.Table
    offset: int  # the sheet's column A is position -offset of `table`
    hidden_rows: set[int] = field(default_factory=set)  # from the workbook scan
    # runs of rows (first, last) that may hold a number formatted as a percentage (the workbook scan,
    # SheetScan.percent_rows): read again as cells, which know it (etl/xlsx_rows.py), and validated cell by cell
    percent_rows: list[tuple[int, int]] = field(default_factory=list)
    # The cells of given rows as calamine reads them (workbooks), for the rows fastexcel may have read apart
    # from calamine: a number 'NaN' (the text 'nan'), a date before March 1900 (a time of day; Excel's 1900
    # leap-year bug) or after 9999, and, where `empty_may_be_text`, an empty cell in a number or date column.
    refetch: Callable[[list[int]], dict[int, list[Any]]] | None = None
    empty_may_be_text: bool = False  # the sheet may hold a text fastexcel reads as empty ('N/A', ...)
    header_cells: list[Any] = field(default_factory=list)  # the header row as in the file, from column A
    language: str | None = None  # as RawSheet.language
    decimal_hint: str | None = None  # as RawSheet.decimal_hint
    # what the rows above the header say: each row's cells are checked against it (etl/title_block.py)
    context: SheetContext = field(default_factory=SheetContext)
    cells: list["Cells"] | None = None  # each column's Cells (`column_cells`), found once for the checks of both

    def column_cells(self) -> list["Cells"]:
        if self.cells is None:
            self.cells = [Cells.of(_one_chunk(column)) for column in self.table.columns]
        return self.cells

    @property
    def row_count(self) -> int:
        return self.table.num_rows


def read_fast(path: Path, file: str, title: str, sheet_spec: spec.Sheet, match: HeaderMatch,
              top_rows: list[list[Any]]) -> FastSheet | None:
    """The sheet as Arrow columns, or None when it does not qualify (then the per-cell path reads it)."""
    if not _qualifies(title, sheet_spec, match):
        return None
    try:
        batch = fastexcel.read_excel(str(path)).load_sheet(
            title, header_row=match.index, dtype_coercion="strict", schema_sample_rows=None, eager=True)
    except Exception:  # mixed types in a column, or anything fastexcel cannot read: the per-cell path decides
        return None
    table = pa.Table.from_batches([batch])
    if not all(any(kind(t) for kind in ARROW_KINDS) for t in table.schema.types):
        return None  # durations (time-only cells) and the like
    header = top_rows[match.index]
    offset = _column_offset(table.column_names, header, match.columns)
    if offset is None:
        return None
    headers = header_texts(header, match.columns)
    fast = FastSheet(file, title, sheet_spec, match.index + 1, match.columns, headers, table, offset,
                     refetch=lambda numbers: read_rows(path, title, wanted=numbers), header_cells=list(header))
    fast.empty_may_be_text = any(column.null_count and not _is_text(column.type) for column in table.columns) \
        and has_marker_texts(path, title)
    return fast


def read_fast_csv(path: Path, file: str, reference: Reference) -> FastSheet | None:
    """A CSV file as Arrow columns of text (pyarrow's reader), or None for the per-cell path: a file that
    is not UTF-8, has ragged or empty lines, or a header the fast lane does not take."""
    with open(path, "rb") as handle:
        head = handle.read(CSV_HEAD_BYTES)
    text = head.decode("utf-8-sig", errors="replace")
    if len(head) == CSV_HEAD_BYTES:
        text = text[:max(text.rfind("\n"), text.rfind("\r"))]  # whole lines only
    delimiter = csv_delimiter(text)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[:HEADER_SEARCH_ROWS]
    recognised = recognise_csv(blank_to_none(records), reference)
    if recognised is None:
        return None
    sheet_spec, match = recognised
    if not _qualifies(sheet_spec.title, sheet_spec, match) or any(
            "\n" in cell or "\r" in cell for record in records[:match.index + 1] for cell in record):
        return None  # skip_rows counts lines: above the data, one line must be one row
    context = title_context(blank_to_none(records[:match.index]), [(Path(file).stem, "file name")], sheet_spec,
                            match, reference, header_texts(blank_to_none(records)[match.index], match.columns,
                                                           match.texts))
    if context is None:
        return None  # the title fills a column the sheet lacks: the per-cell path fills it
    names = [f"c{position}" for position in range(len(records[match.index]))]
    try:
        table = pyarrow.csv.read_csv(
            path, read_options=pyarrow.csv.ReadOptions(skip_rows=match.index + 1, column_names=names),
            parse_options=pyarrow.csv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                                   newlines_in_values=True),
            convert_options=pyarrow.csv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                       strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    too_long = _first_row_over(table, CSV_CELL_LIMIT)
    if too_long is not None:  # the per-cell path's csv module cannot read it: both lanes refuse the file
        raise UnreadableFile(file, long_csv_cell(match.index + 2 + too_long))
    table = pa.table({name: pc.if_else(pc.equal(column, ""), pa.nulls(len(column), pa.string()), column)
                      for name, column in zip(names, table.columns)})  # '' is an empty cell, as on the per-cell path
    headers = header_texts(records[match.index], match.columns)
    return FastSheet(file, sheet_spec.title, sheet_spec, match.index + 1, match.columns, headers, table, 0,
                     header_cells=blank_to_none(records[match.index:match.index + 1])[0], language=match.language,
                     decimal_hint=reference.decimal_mark(match.language), context=context)


def holds_a_header(sheet: FastSheet, reference: Reference) -> bool:
    """Whether a row below the header may be a header of the sheet's kind again (etl/layout.py, HeaderAgain): a
    row with two cells or more whose text is a header name (`_header_names`). The per-cell path reads such a
    sheet, and tells a second table, a header repeated (a stacked one too) and a data row apart."""
    again = HeaderAgain(sheet.spec, reference, sheet.context)
    names = pa.array(sorted(again.names), pa.string())
    named = np.zeros(sheet.row_count, dtype=np.int32)
    for cells in sheet.column_cells():
        if cells.plain is not None:
            named += _header_names(cells, again, names)
    return bool((named >= 2).any())


def _header_names(cells: Cells, again: HeaderAgain, names: pa.Array) -> np.ndarray:
    """Which cells of a text column are a header name, as `again.is_name` says. A plain ASCII text (`Cells.plain`)
    without '_' or a trailing '*' or ':' is its normalised form but for its case (etl/header_cells.py,
    `normalise_header`), where it cannot be a name with a period ('Target 2016': a year and a word of a name of
    values by period, `_period_name`); any other text of a header name's length is looked at once per distinct
    value."""
    array = cells.array
    short = _numpy_bool(pc.less_equal(pc.utf8_length(array), again.longest)) & ~cells.blank
    odd = pc.or_(pc.match_substring(array, "_"), pc.or_(pc.ends_with(array, "*"), pc.ends_with(array, ":")))
    period_name = _period_name(frozenset(again.period_names))
    if period_name:
        odd = pc.or_(odd, pc.match_substring_regex(array, period_name))
    simple = short & cells.plain & _numpy_bool(pc.string_is_ascii(array)) & ~_numpy_bool(odd)
    found = simple & _numpy_bool(pc.is_in(pc.utf8_lower(array), value_set=names))
    others = np.flatnonzero(short & ~simple)
    if len(others):
        named = [text for text in pc.unique(array.take(pa.array(others))).to_pylist() if again.is_name(text)]
        if named:
            found |= _numpy_bool(pc.is_in(array, value_set=pa.array(named, array.type)))
    return found


@lru_cache(maxsize=16)
def _period_name(names: frozenset[str]) -> str | None:
    """A pattern finding the ASCII texts that may be one of `names` (normalised) with a period ('Target 2016',
    'target-2016'): four digits, and before or after them the first run of letters of a name, which such a text
    holds, since the period is cut out at a boundary between words (etl/header_cells.py, `split_period`). A name
    without such a run (in another script) is no ASCII text's. None where there is no name."""
    words = "|".join(sorted({found.group() for name in names for found in [re.search(r"[a-z]{2,}", name)] if found}))
    return rf"(?i)\d{{4}}.*(?:{words})|(?:{words}).*\d{{4}}" if words else None


def _first_row_over(table: pa.Table, characters: int) -> int | None:
    """The index of the first row with a text longer than `characters`, or None."""
    first = None
    for column in table.columns:
        lengths = pc.utf8_length(column)
        if (pc.max(lengths).as_py() or 0) > characters:
            index = pc.index(pc.greater(lengths, characters), True).as_py()
            first = index if first is None else min(first, index)
    return first


def _qualifies(title: str, sheet_spec: spec.Sheet, match: HeaderMatch) -> bool:
    """A sheet of the template, as the template lays it out, with every required column."""
    return not (spec.sheet_for_title(title) is not sheet_spec or match.through_aliases or match.timeframe
                or match.delivery_report
                or match.group_index is not None or match.periods or match.notes
                or any(c.kind == spec.REPORTED_NUMBER for c in sheet_spec.columns)
                or any(c.required and c.key not in match.columns for c in sheet_spec.columns))


def _column_offset(names: list[str], header: list[Any], columns: dict[str, int]) -> int | None:
    """fastexcel counts columns from the first one used; find where column A falls by the header names."""
    for offset in range(min(columns.values()) + 1):
        if all(position - offset < len(names)
               and normalise_header(names[position - offset]) == normalise_header(header[position])
               for position in columns.values()):
            return offset
    return None


def _python_value(value: Any) -> Any:
    """A cell as calamine gives it: a date cell at midnight is a date, '' is an empty cell."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if value == "":
        return None
    return value


def _is_text(arrow_type: pa.DataType) -> bool:
    return pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)


def _numpy_bool(array: pa.Array) -> np.ndarray:
    return np.asarray(array.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


@dataclass
class Cells:
    """One column of the sheet, with what every check needs of it."""

    array: pa.Array
    blank: np.ndarray  # read as empty by the per-cell path: missing, or text of whitespace only
    plain: np.ndarray | None  # text that is its own clean form (string columns only)

    @classmethod
    def of(cls, array: pa.Array) -> "Cells":
        blank = _numpy_bool(array.is_null())
        if not _is_text(array.type):
            return cls(array, blank, None)
        plain = _numpy_bool(pc.match_substring_regex(array, PLAIN_TEXT))
        for index in np.flatnonzero(~plain & ~blank):
            blank[index] = is_blank(array[index].as_py())
        return cls(array, blank, plain)


@dataclass
class Parsed:
    values: pa.Array  # the database's value (money in cents); null where empty or not parsed
    ok: np.ndarray  # the value is surely what the per-cell parser gives and the cell is acceptable


def parse_column(column: spec.Column, cells: Cells, reference: Reference,
                 convention: Convention | None = None) -> Parsed:
    """A column parsed as the per-cell parser would, with its convention (etl/conventions.py); a value read
    two ways is not `ok`, so that its row is read cell by cell and the value reported."""
    parsed = _parse_column(column, cells, reference, convention)
    if convention is not None and cells.plain is not None:
        two_way = _read_two_ways(cells.array, convention)
        if two_way.any():
            return Parsed(parsed.values, parsed.ok & ~two_way)
    return parsed


def _read_two_ways(array: pa.Array, convention: Convention) -> np.ndarray:
    """Where a text column holds a value that reads two ways under `convention`."""
    pattern = MAY_READ_TWO_WAYS["number" if isinstance(convention, NumberConvention) else "date"]
    found = _numpy_bool(pc.match_substring_regex(array, pattern))
    verdicts: dict[str, bool] = {}
    for index in np.flatnonzero(found):
        text = array[int(index)].as_py()
        if text not in verdicts:
            verdicts[text] = convention.reported(text) is not None
        found[index] = verdicts[text]
    return found


def _parse_column(column: spec.Column, cells: Cells, reference: Reference, convention: Convention | None) -> Parsed:
    parser = parser_for(column, reference, convention=convention)
    comma = isinstance(convention, NumberConvention) and convention.decimal == COMMA
    target = STAGED_TYPES.get(column.kind, pa.string())
    array, blank = cells.array, cells.blank
    kind, arrow_type = column.kind, array.type
    if kind == spec.TEXT and cells.plain is not None:
        parsed = Parsed(pc.if_else(pa.array(cells.plain), array, pa.nulls(len(array), pa.string())), cells.plain)
    elif kind in (spec.MONEY, spec.NUMBER, spec.PERCENT) and pa.types.is_float64(arrow_type):
        parsed = _numbers(kind, array)
    elif kind in (spec.MONEY, spec.NUMBER, spec.PERCENT) and cells.plain is not None:
        parsed = _numbers_in_text(kind, array, comma)
        if kind == spec.MONEY:  # '$12,500' may name the row's currency: the per-cell path reads such rows
            return _with_blanks(parsed, column, target, blank)
    elif kind in (spec.DATE, spec.MONTH_START, spec.MONTH_END) and pa.types.is_timestamp(arrow_type):
        days = pc.cast(pc.floor_temporal(array, unit="day"), pa.date32())
        in_range = pc.and_(pc.greater_equal(days, pa.scalar(reference.earliest_date)),
                          pc.less_equal(days, pa.scalar(reference.latest_date)))
        parsed = Parsed(days, _numpy_bool(in_range))
    else:
        return _by_distinct(array, parser, target, column, blank)
    return _rescue(parsed, array, parser, target, column, blank)


def _numbers(kind: str, array: pa.Array) -> Parsed:
    x = array.to_numpy(zero_copy_only=False).astype(float)  # nulls -> NaN
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(x)
        if kind == spec.MONEY:
            cents = np.round(np.where(finite, x, 0) * 100)
            ok = finite & (x >= 0) & (x < MONEY_PLAIN_LIMIT) & (cents / 100 == x)
            return Parsed(pa.array(cents.astype(np.int64), mask=~ok), ok)
        ok = finite & ((x >= 0) & (x <= 100) if kind == spec.PERCENT else True)
    return Parsed(pa.array(x, mask=~ok), ok)


def _numbers_in_text(kind: str, array: pa.Array, comma: bool = False) -> Parsed:
    """Numbers typed as plain text ('31650', '27819.63'): read as Python's float() reads them (Arrow's
    parser rounds correctly too); amounts only with at most two decimals, so that the cents are exact.
    Under a decimal comma (`comma`) only whole numbers are plain: the others go through the per-cell parser."""
    if comma:
        pattern = MONEY_TEXT_COMMA if kind == spec.MONEY else NUMBER_TEXT_COMMA
    else:
        pattern = MONEY_TEXT if kind == spec.MONEY else NUMBER_TEXT
    plain = _numpy_bool(pc.match_substring_regex(array, pattern))
    if not comma:
        plain &= ~_numpy_bool(pc.match_substring_regex(array, TWO_WAY_PLAIN))
    numbers = pc.cast(pc.if_else(pa.array(plain), array, pa.nulls(len(array), pa.string())), pa.float64())
    parsed = _numbers(kind, numbers)
    return Parsed(parsed.values, parsed.ok & plain)


def _to_target(value: Any, kind: str) -> Any:
    if kind == spec.MONEY and value is not None:
        return int(value * 100)  # a Decimal quantized to the cent
    return value


def _rescue(parsed: Parsed, array: pa.Array, parser: Callable, target: pa.DataType, column: spec.Column,
            blank: np.ndarray) -> Parsed:
    """Values without a plain form, through the per-cell parser; empty cells as the per-cell path has them."""
    ok = parsed.ok.copy()
    redo = np.flatnonzero(~parsed.ok & ~blank)
    values = parsed.values
    if len(redo):
        found = []
        for index in redo:
            try:
                found.append(_to_target(parser(_python_value(array[int(index)].as_py())), column.kind))
                ok[index] = True
            except ValueProblem:
                found.append(None)
        mask = np.zeros(len(array), dtype=bool)
        mask[redo] = True
        values = pc.replace_with_mask(values, pa.array(mask), pa.array(found, target))
    return _with_blanks(Parsed(values, ok), column, target, blank)


def _with_blanks(parsed: Parsed, column: spec.Column, target: pa.DataType, blank: np.ndarray) -> Parsed:
    """Empty cells as the per-cell path has them: no value, and a problem only in a required column."""
    ok = parsed.ok.copy()
    ok[blank] = not column.required
    if not blank.any():
        return Parsed(parsed.values, ok)
    return Parsed(pc.if_else(pa.array(blank), pa.nulls(len(blank), target), parsed.values), ok)


def _by_distinct(array: pa.Array, parser: Callable, target: pa.DataType, column: spec.Column,
                 blank: np.ndarray) -> Parsed:
    """Codes, choices, years and the like repeat a few values: each distinct cell is parsed once."""
    encoded = pc.dictionary_encode(array)
    results, oks = [], []
    for value in encoded.dictionary.to_pylist():
        value = _python_value(value)
        if is_blank(value):
            results.append(None)
            oks.append(not column.required)
            continue
        try:
            parsed = _to_target(parser(value), column.kind)
        except ValueProblem:
            parsed = None
        if isinstance(parsed, int) and not -2 ** 63 <= parsed < 2 ** 63:
            parsed = None  # too large for the column: the per-cell path says what happens to the row
        results.append(parsed)
        oks.append(parsed is not None)
    indices = encoded.indices
    ok = np.asarray(oks + [not column.required], dtype=bool)[
        indices.fill_null(len(oks)).to_numpy(zero_copy_only=False)]
    return Parsed(pa.array(results, target).take(indices), ok)


def validate_fast(sheet: FastSheet, reference: Reference, into: Validated, rules: Rules) -> None:
    """Rows whose every value is surely parsed are staged as Arrow columns (etl.transform.stage, which
    applies the cross-field rules); the others go through the per-cell validator."""
    table = sheet.table
    rows = table.num_rows
    numbers = np.arange(sheet.header_row + 1, sheet.header_row + 1 + rows)
    columns = sheet.column_cells()
    blanks = [cells.blank for cells in columns]
    refetched = _to_read_again(sheet, columns)
    again = _refetch(sheet, numbers[refetched].tolist(), reference.total_words)
    blank_row = (np.logical_and.reduce(blanks) if blanks else np.ones(rows, dtype=bool)) & ~refetched
    hidden = np.isin(numbers, list(sheet.hidden_rows)) & ~blank_row & ~refetched
    texts = sum(_texts(cells) for cells in columns if cells.plain is not None) if blanks else np.zeros(rows, dtype=int)
    total = np.zeros(rows, dtype=bool)
    for index in np.flatnonzero((np.asarray(texts) == 1) & ~blank_row & ~hidden & ~refetched):
        total[index] = total_row([_python_value(v) for v in table.slice(int(index), 1).to_pylist()[0].values()],
                                 reference.total_words)
    warning = language_warning(sheet.file, sheet.sheet, sheet.header_row, sheet.language, sheet.headers, reference)
    into.warnings.extend([warning] if warning else [])
    into.warnings.extend(skipped_rows_warnings(sheet.file, sheet.sheet,
                                               sorted(numbers[hidden].tolist() + again.hidden),
                                               sorted(numbers[total].tolist() + again.totals)))
    blank_row |= refetched  # those rows are validated from their cells below
    kept = ~blank_row & ~hidden & ~total
    keep = np.flatnonzero(kept)
    unused = unused_columns_warning(sheet.file, sheet.sheet, sheet.header_row, sheet.header_cells,
                                    set(sheet.columns.values()), _with_data(sheet, columns, keep, again.rows))
    into.warnings.extend([unused] if unused else [])
    # The sheet's rows are not copied: a row of those kept is found in `table` by `keep` (most often all rows)
    every_row = len(keep) == rows
    kept_mask = None if every_row else pa.array(kept)
    table_numbers, numbers = numbers, numbers[keep]
    conventions = _conventions(sheet, columns, keep, numbers, again.rows, reference.day_first(sheet.language))
    values: dict[str, pa.Array] = {}
    ok = np.ones(len(keep), dtype=bool)
    for column in sheet.spec.columns:
        position = sheet.columns.get(column.key)
        if position is None:
            cells = Cells.of(pa.nulls(len(keep)))
        elif every_row:
            cells = columns[position - sheet.offset]
        else:
            whole = columns[position - sheet.offset]
            cells = Cells(whole.array.filter(kept_mask), whole.blank[keep],
                          None if whole.plain is None else whole.plain[keep])
        parsed = parse_column(column, cells, reference, conventions.get(column.key))
        values[column.key] = parsed.values
        ok &= parsed.ok
        if cells.plain is not None and column.key in VALUE_COLUMNS.get(sheet.spec.kind, ()):
            # a value typed with a currency ('KGS 450 000'): the per-cell path compares it with the unit
            ok &= ~_numpy_bool(pc.match_substring_regex(cells.array, MAY_NAME_A_CURRENCY))
    if sheet.spec.kind in VALUE_COLUMNS:
        ok &= ~_implausible(sheet.spec.kind, values, reference.units)
    raw = RawSheet(sheet.file, sheet.sheet, sheet.spec, sheet.header_row, sheet.columns, sheet.headers, [],
                   context=sheet.context, first_part=False, language=sheet.language, decimal_hint=sheet.decimal_hint)
    into.warnings.extend(LoadWarning(sheet.file, sheet.sheet, None, None, "title not used", note)
                         for note in sheet.context.notes)
    for key, title in title_checks(sheet.spec, sheet.context).items():
        try:  # a row whose cell disagrees with a title row goes cell by cell, which rejects it saying so
            stated = parser_for(sheet.spec.column(key), reference)(title.value)
        except ValueProblem:
            if key in FILLED_FROM_THE_TITLE:  # a currency without a rate ('Currency: RUB'): every row cell by cell
                ok &= False
            continue
        found = values[key].to_pylist()
        empty_ok = key not in FILLED_FROM_THE_TITLE  # an empty Currency cell: the per-cell path fills it, and says so
        ok &= np.array([value == stated or value is None and empty_ok for value in found], dtype=bool)
    prose = sheet.context.prose_currency
    if prose is not None and "currency" in values:  # said of the rows in another (an empty cell's: the default)
        ok &= np.array([value == prose.value for value in values["currency"].to_pylist()], dtype=bool)
    _per_cell(sheet, raw, table, table_numbers, keep[np.flatnonzero(~ok)], again.rows, reference, into, rules,
              conventions)
    accepted = int(ok.sum())
    if accepted < len(ok):
        accepted_mask = pa.array(ok)
        values = {key: array.filter(accepted_mask) for key, array in values.items()}
    frame = dict(values)
    frame.update(source_file=pa.repeat(pa.scalar(sheet.file, pa.string()), accepted),
                 source_sheet=pa.repeat(pa.scalar(sheet.sheet, pa.string()), accepted),
                 source_row=pa.array(numbers[ok].astype(np.int32)))
    del values, columns, blanks  # the parsed columns leave memory before their rows are written to staging

    def cells_of(wanted: set[int]) -> dict[int, list[Any]]:
        return dict(_cells(sheet, table, table_numbers, np.flatnonzero(np.isin(table_numbers, list(wanted)))))

    stage(raw, pa.table(frame), rules, into, cells_of)


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    """The column as one array (fastexcel reads a sheet as one batch: its only chunk, not copied)."""
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _texts(cells: Cells) -> np.ndarray:
    """1 where a text column's cell counts as text for a total row (etl/layout.py, is_text), else 0."""
    number_like = _numpy_bool(pc.match_substring_regex(cells.array, f"^ *{NUMBER_LIKE} *$"))
    currency = _numpy_bool(pc.match_substring_regex(cells.array, CURRENCY_TEXT))
    return (~cells.blank & ~number_like & ~currency).astype(int)


# a currency alone, as str.strip() leaves it (etl/layout.py, is_text): matched in place, no trimmed copy made
SPACE = r"[\s\p{Z}\x1c-\x1f\x85]*"  # what str.strip() takes off
CURRENCY_TEXT = f"^{SPACE}(?:" + "|".join(re.escape(text) for text in sorted(CURRENCY_ALONE, key=len, reverse=True)) + (
    f"){SPACE}$")


def _with_data(sheet: FastSheet, columns: list[Cells], keep: np.ndarray, again: list[tuple[int, list[Any]]]
               ) -> set[int]:
    """Positions (from column A) of the columns the reader does not use with a value in a loaded row."""
    used = set(sheet.columns.values())
    found = {index + sheet.offset for index, cells in enumerate(columns)
             if index + sheet.offset not in used and not cells.blank[keep].all()}
    found |= {p for _, cells in again for p, value in enumerate(cells) if p not in used and not is_blank(value)}
    return found


def _implausible(kind: str, values: dict[str, pa.Array], unit_words: dict[str, str]) -> np.ndarray:
    """Rows etl/plausibility.py may have something to say about (a negative value; a value above 100 or below 1
    with a percent unit): read cell by cell, where its rules apply."""
    units = pc.dictionary_encode(values["unit"])
    percent = np.asarray([unit_kind(unit, unit_words) == PERCENT for unit in units.dictionary.to_pylist()] + [False],
                         dtype=bool)
    percent_unit = percent[units.indices.fill_null(len(percent) - 1).to_numpy(zero_copy_only=False)]
    found = np.zeros(len(values["unit"]), dtype=bool)
    for key in VALUE_COLUMNS[kind]:
        numbers = pc.cast(values[key], pa.float64()).to_numpy(zero_copy_only=False)
        with np.errstate(invalid="ignore"):
            found |= (numbers < 0) | ((numbers > 100) & percent_unit) | ((numbers > 0) & (numbers < 1) & percent_unit)
    return found


EARLIEST_PLAIN_TIMESTAMP = np.datetime64("1900-03-01")  # before: times of day, Excel's 29 Feb 1900
LATEST_PLAIN_TIMESTAMP = np.datetime64("9999-12-31T23:59:59.999")


def _to_read_again(sheet: FastSheet, columns: list[Cells]) -> np.ndarray:
    """Rows whose cells are read again as calamine reads them (FastSheet.refetch)."""
    again = np.zeros(sheet.table.num_rows, dtype=bool)
    if sheet.refetch is None:
        return again
    first = sheet.header_row + 1  # the row number of the table's first row
    for start, end in sheet.percent_rows:
        again[max(start - first, 0):max(end - first + 1, 0)] = True
    for cells in columns:
        arrow_type = cells.array.type
        if pa.types.is_float64(arrow_type):
            with np.errstate(invalid="ignore"):
                again |= np.isnan(cells.array.to_numpy(zero_copy_only=False)) & ~cells.blank
        elif pa.types.is_timestamp(arrow_type):
            stamps = pc.cast(cells.array, pa.timestamp("ms")).to_numpy(zero_copy_only=False)
            again |= ~cells.blank & ((stamps < EARLIEST_PLAIN_TIMESTAMP) | (stamps > LATEST_PLAIN_TIMESTAMP))
        if sheet.empty_may_be_text and not _is_text(arrow_type):
            again |= cells.blank
    return again


@dataclass
class Refetched:
    """Rows read again as cells, in row order, as the per-cell reader gives them (etl.cells.raw_sheet)."""

    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)


def _refetch(sheet: FastSheet, numbers: list[int], total_words: tuple[str, ...]) -> Refetched:
    found = Refetched()
    if not numbers:
        return found
    cells_by_row = sheet.refetch(numbers)
    for number in numbers:
        cells = cells_by_row.get(number, [])
        skipped = row_skipped(cells, number, sheet.hidden_rows, total_words)
        if skipped == "hidden":
            found.hidden.append(number)
        elif skipped == "total":
            found.totals.append(number)
        elif skipped is None:
            found.rows.append((number, cells))
    return found


def _cells(sheet: FastSheet, table: pa.Table, numbers: np.ndarray, indices: np.ndarray) -> list[tuple[int, list[Any]]]:
    """Rows of `table` (by index) as the cells calamine gives, positioned from column A."""
    if not len(indices):
        return []
    return [(number, [None] * sheet.offset + [_python_value(v) for v in cells.values()])
            for number, cells in zip(numbers[indices].tolist(), table.take(pa.array(indices)).to_pylist())]


def _per_cell(sheet: FastSheet, raw: RawSheet, table: pa.Table, numbers: np.ndarray, indices: np.ndarray,
              refetched: list[tuple[int, list[Any]]], reference: Reference, into: Validated, rules: Rules,
              conventions: dict[str, Convention]) -> None:
    """The rows not surely clean, as cells, through etl.transform.validate_sheet (with the conventions of the
    whole sheet, not of those rows alone)."""
    rows = list(refetched) + _cells(sheet, table, numbers, indices)
    if not rows:
        return
    validate_sheet(replace(raw, rows=sorted(rows, key=lambda row: row[0])), reference, into, rules, conventions)


PLAIN_WHOLE = r"^[+-]?\d+$"
PLAIN_POINTED = r"^[+-]?(\d+\.(\d{1,2}|\d{4,})|\.\d+)$"


def _conventions(sheet: FastSheet, columns: list[Cells], keep: np.ndarray, numbers: np.ndarray,
                 refetched: list[tuple[int, list[Any]]], day_first: bool | None) -> dict[str, Convention]:
    """The convention of each number and date column (etl/conventions.py) from its texts in every row the
    per-cell lane would read: the rows kept and those read again as cells."""
    found = {}
    for column in sheet.spec.columns:
        position = sheet.columns.get(column.key)
        if position is None or column.kind not in NUMBER_KINDS | DATE_KINDS:
            continue
        texts: dict[str, list[int]] = {}
        array = columns[position - sheet.offset].array
        if _is_text(array.type) and len(keep):
            kept, rows_kept = array.take(pa.array(keep)), numbers
            if column.kind in NUMBER_KINDS:
                # The plain forms, told apart in Arrow rather than one by one (a column of a million amounts):
                # a whole number proves nothing; one with 1-2 or 4+ decimals after a point proves a decimal point,
                # as conventions.readings would say. Their evidence goes in as its first text, row and count.
                whole = _numpy_bool(pc.match_substring_regex(kept, PLAIN_WHOLE))
                pointed = _numpy_bool(pc.match_substring_regex(kept, PLAIN_POINTED))
                if pointed.any():
                    at = int(np.argmax(pointed))  # the rows are in order: the first is the earliest
                    texts[kept[at].as_py()] = [int(rows_kept[at]), int(pointed.sum())]
                rest = np.flatnonzero(~whole & ~pointed)
                kept, rows_kept = kept.take(pa.array(rest)), rows_kept[rest]
            encoded = pc.dictionary_encode(kept)
            indices = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            codes, first, counts = np.unique(indices, return_index=True, return_counts=True)
            dictionary = encoded.dictionary
            for code, index, count in zip(codes.tolist(), first.tolist(), counts.tolist()):
                if code >= 0:
                    texts[dictionary[code].as_py()] = [int(rows_kept[index]), count]
        for number, cells in refetched:
            value = cells[position] if position < len(cells) else None
            if isinstance(value, str):
                seen = texts.setdefault(value, [number, 0])
                seen[0], seen[1] = min(seen[0], number), seen[1] + 1
        found[column.key] = infer_column(column.kind, [(text, row, count) for text, (row, count) in texts.items()],
                                         sheet.decimal_hint, sheet.language, day_first)
    return found
