"""Read workbooks and CSV files into sheets of raw rows, each row keeping its number in the file.

Reading uses python-calamine (a Rust xlsx reader, several times faster than openpyxl on large
files); openpyxl is used for writing templates. Workbooks arrive as people made them, so reading is
tolerant (docs/schema.md, "Tolerant reading", lists the rules):

- a sheet is recognised by its name or, failing that, by its header row, found anywhere in the
  first 30 rows; header names are matched case- and space-insensitively against the column's own
  header, its key and the aliases in data/reference/header_aliases.csv;
- merged cells fill every row they span in hierarchy columns (country, output, result); in sheets
  laid out by others a blank hierarchy cell repeats the one above;
- quarter or month columns (Q1 ... Q4, Jan ... Dec) marked with X are a timeframe;
- hidden sheets and hidden rows are not loaded, and a warning says so; so are total rows;
- cells holding an Excel error (#DIV/0!) reach the validator as that error text, and formulas saved
  without a calculated value are reported.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as SafeElementTree
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from . import guard, spec
from .errors import LoadWarning, UnreadableFile
from .parse import MONTHS, clean_text
from .reference import Reference, load_reference

HEADER_SEARCH_ROWS = 30
CSV_CELL_LIMIT = csv.field_size_limit()  # characters in one CSV field: the csv module's limit (131,072)
FAST_LANE_SWITCH = "MM_FAST_LANE"  # "0": every sheet through the per-cell path (to compare, or to rule it out)
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
XML_SUFFIXES = {".xml"}
INPUT_SUFFIXES = WORKBOOK_SUFFIXES | {".csv"} | XML_SUFFIXES
TEMPLATE_HELPER_SHEETS = {"guide", "lists"}  # the template's own sheets that hold no data
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


@dataclass(frozen=True)
class HeaderMatch:
    index: int  # row index of the header
    columns: dict[str, int]
    timeframe: list[TimeframeColumn]
    through_aliases: bool


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


def sheet_context(title_rows: list[list[Any]], names: list[tuple[str, str]], reference: Reference) -> SheetContext:
    """A year and a programme country named in the title rows, else in the sheet or file name."""
    places = [(" ".join(clean_text(c) for c in row if c is not None), f"title row {i + 1}")
              for i, row in enumerate(title_rows)] + names
    spellings = sorted((s for s in reference.country_lookup if len(s) > 3), key=len, reverse=True)
    year = country = None
    where = []
    for text, place in places:
        folded = text.casefold()
        if year is None:
            found = re.search(r"\b(20\d{2})\b", text)
            if found:
                year = int(found.group(1))
                where.append(f"year {year} from the {place}")
        if country is None:
            spelling = next((s for s in spellings if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", folded)), None)
            if spelling:
                country = reference.countries.get(reference.country_lookup[spelling], spelling)
                where.append(f"country '{country}' from the {place}")
    return SheetContext(year, country, "; ".join(where))


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _total_row(values: list[Any]) -> bool:
    """A row whose only text is a label like 'Total', 'Sub-total' or 'Grand total (USD)'."""
    texts = [v for v in values if isinstance(v, str) and v.strip()]  # cleaned only when there is one
    return len(texts) == 1 and bool(TOTAL_ROW.fullmatch(clean_text(texts[0])))


@dataclass
class SheetScan:
    """What calamine does not tell: hidden rows, cells holding Excel errors, formulas saved uncalculated;
    and whether the sheet is plain enough for the fast lane (etl/columnar.py): no formula, error cell or
    merged cell, nor date stored as text (t="d")."""

    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row index, column index) -> #DIV/0!
    uncalculated: list[tuple[int, int]] = field(default_factory=list)
    plain: bool = False


def _cell_position(reference: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", reference)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the archive, found as calamine finds it (etl/guard.py, `sheet_parts`):
    the first sheet of a name, the part's name matched regardless of case."""
    parts: dict[str, str] = {}
    for name, part in guard.sheet_parts(archive):
        if part is not None:
            parts.setdefault(name, part)
    return parts


HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
ROW_NUMBER = re.compile(rb'\br="(\d+)"')
CELL_MARKERS = (b't="e"', b"<f>", b"<f ", b"<f/>", b":f>", b":f ")
MERGED = (b"<mergeCell ", b"<mergeCell>", b":mergeCell ")
MERGE_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?mergeCell[\s/>]")
# Texts fastexcel reads as an empty cell (pandas' missing-value markers) or as a number ('nan') in a
# column of numbers or dates; in a column of texts they stay texts.
FASTEXCEL_EMPTY_TEXTS = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                         "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
MARKER_TEXTS = tuple(f">{text}</t>".encode() for text in FASTEXCEL_EMPTY_TEXTS) + (b"<t/>", b">&lt;NA&gt;</t>")
# A text can also be written with character references (&#78;), Excel's _xHHHH_ escapes or in rich-text runs
# (<r><t>N/</t></r><r><t>A</t></r>): where any of those appears, any text may be a marker.
MARKER_DISGUISES = (b"&#", b"_x", b"<r>", b"<r ", b":r>", b":r ")


def _byte_scan(archive: zipfile.ZipFile, part: str, scan: SheetScan, extent: guard.UsedRange, file: str) -> bool:
    """Hidden rows from the raw bytes (a regular expression over <row> tags, run only on blocks that have
    one, far cheaper than parsing); the sheet's used range (`extent`, etl/guard.py), which also finds the
    formulas, error cells and dates stored as text of a sheet whose tags have no prefix; whether the sheet
    is plain; the merged ranges (`extent.merges`); returns whether any cell holds an error or a formula, which
    needs the XML parsed. Each search is a pass over a megabyte block, so a block is searched for a few short
    marks, and for the exact ones only where a mark is found. The part is read as the Rust readers unzip it
    (etl/guard.py, `PartStream`)."""
    cells_to_parse = merged = iso_dates = False
    prefixed = None  # whether the tags carry a namespace prefix (<x:f>), known from the <sheetData> tag
    carry = b""
    with guard.PartStream(archive, part, file) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            text = carry + block
            cut = text.rfind(b"<")  # an element may straddle two blocks: keep its start for the next one
            text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            if prefixed is None and b"sheetData" in text:
                prefixed = b"<sheetData" not in text
                extent.needs_exact |= prefixed  # the quick bounds know unprefixed tags only
            if prefixed is False and not extent.needs_exact:
                back = extent.feed(text)
                if back is not None:  # a cell tag at the end of the block goes on in the next one
                    text, carry = text[:back], text[back:] + carry
            if b"hidden=" in text:
                for match in HIDDEN_ROW.finditer(text):
                    number = ROW_NUMBER.search(match.group(0))
                    if number:
                        scan.hidden_rows.add(int(number.group(1)))
            if prefixed is not False or extent.needs_exact:  # what the used range did not look for
                if not cells_to_parse and (b"<f" in text or b't="e"' in text
                                           or prefixed is not False and b":f" in text):
                    cells_to_parse = any(marker in text for marker in CELL_MARKERS)
                iso_dates = iso_dates or b't="d"' in text  # dates stored as text: calamine and fastexcel differ
            if b"mergeCell" in text:
                merged = merged or any(marker in text for marker in MERGED)
                extent.merges += len(MERGE_TAG.findall(text))
    if carry and guard.CELL_TAG.search(carry):
        extent.needs_exact = True  # a cell tag the file ends in the middle of
    cells_to_parse = cells_to_parse or extent.formulas or extent.errors
    iso_dates = iso_dates or extent.dates
    scan.plain = not (cells_to_parse or merged or iso_dates)
    return cells_to_parse


def has_marker_texts(path: Path, sheet: str) -> bool:
    """Whether the sheet (or the shared strings) may hold a text fastexcel reads as an empty cell in a
    column of numbers or dates ('N/A', 'null', ...); when unsure (escaped or rich text), yes. Read only
    when such a column has empty cells."""
    with zipfile.ZipFile(path) as archive:
        parts = [_sheet_parts(archive).get(sheet), guard.member_name(archive, "xl/sharedStrings.xml")]
        for part in (p for p in parts if p):
            carry = b""
            with archive.open(part) as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    text = carry + block
                    if any(marker in text for marker in MARKER_TEXTS + MARKER_DISGUISES):
                        return True
                    carry = text[-64:]
    return False


def scan_sheet(path: Path, part: str, file: str, sheet: str) -> SheetScan:
    """What calamine does not report about one sheet: hidden rows, error cells and formulas saved
    uncalculated; after its used range is checked against $MM_MAX_CELLS (raises UnreadableFile), before any
    reader opens the sheet. Bounded memory: bytes are read in blocks, and the XML is only parsed (streamed)
    when it has error cells or formulas."""
    scan = SheetScan()
    with zipfile.ZipFile(path) as archive:
        extent = guard.UsedRange(guard.max_cells(), archive.getinfo(part).file_size)
        cells_to_parse = _byte_scan(archive, part, scan, extent, file)
        extent.settle(lambda: guard.PartStream(archive, part, file))
        extent.check(file, sheet)
        if not cells_to_parse:
            return scan
        with guard.PartStream(archive, part, file) as stream:
            for _, element in SafeElementTree.iterparse(stream, events=("end",)):
                if _local(element.tag) != "row":
                    continue
                namespace = element.tag[:-3]  # '{...}row' -> '{...}'
                for cell in element:
                    value = cell.find(namespace + "v")
                    if cell.get("t") == "e" and value is not None and value.text:
                        scan.errors[_cell_position(cell.get("r"))] = value.text.strip()
                    elif cell.find(namespace + "f") is not None and (value is None or not value.text):
                        scan.uncalculated.append(_cell_position(cell.get("r")))
                element.clear()
    return scan


def scan_sheets(path: Path, file: str | None = None) -> dict[str, SheetScan]:
    """`scan_sheet` for every sheet of the workbook, one after the other; then the used range of the parts
    in the sheet folders that no sheet refers to (etl/guard.py, `unreferenced_sheet_parts`)."""
    file = file or path.name
    with zipfile.ZipFile(path) as archive:
        guard.check_part_names(archive, file)
        parts = _sheet_parts(archive)
        others = guard.unreferenced_sheet_parts(archive, parts.values())
    scans = {name: scan_sheet(path, part, file, name) for name, part in parts.items()}
    for part in others:
        scan_sheet(path, part, file, part)
    return scans


def scan_workbook(path: Path, file: str) -> dict[str, SheetScan]:
    """What `read_workbook` needs before a reader opens any sheet: the workbook's container checked
    (etl/guard.py: size, zip bomb, sheets), then every sheet scanned. The loader runs it in one thread for
    the files it reads, in their order (`read_workbook(..., scans=)`)."""
    guard.check_input(path, file)
    return scan_sheets(path, file)


def _blank_to_none(rows: list[list[Any]]) -> list[list[Any]]:
    return [[None if cell == "" else cell for cell in row] for row in rows]


def _letters(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _row_ranges(numbers: list[int]) -> str:
    ranges, start = [], None
    for index, number in enumerate(numbers):
        if start is None:
            start = number
        if index + 1 == len(numbers) or numbers[index + 1] != number + 1:
            ranges.append(str(start) if start == number else f"{start}-{number}")
            start = None
    return ", ".join(ranges)


def row_skipped(values: list[Any], number: int, hidden_rows: set[int]) -> str | None:
    """Why a data row is not loaded: 'blank', 'hidden' or 'total' (a total row), else None."""
    if all(_is_blank(v) for v in values):
        return "blank"
    if number in hidden_rows:
        return "hidden"
    if _total_row(values):
        return "total"
    return None


def header_texts(header: list[Any], columns: dict[str, int]) -> dict[str, str]:
    """Each column's header as written in the file, for messages."""
    return {key: clean_text(header[position]) for key, position in columns.items()}


def recognise_csv(rows: list[list[Any]], reference: Reference) -> tuple[spec.Sheet, HeaderMatch] | None:
    """The kind of a CSV file (one sheet) by its header row, and that row."""
    for sheet_spec in spec.ALL_SHEETS:
        match = find_header(sheet_spec, rows, reference)
        if match is not None:
            return sheet_spec, match
    return None


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


class SheetReader:
    """Turns one sheet's cells into a RawSheet of the kind it holds."""

    def __init__(self, file: str, reference: Reference):
        self.file = file
        self.reference = reference

    def recognise(self, title: str, rows: list[list[Any]]) -> tuple[spec.Sheet, HeaderMatch] | None:
        """The kind of a sheet: by its name where it is one of ours, else by its header row."""
        named = spec.sheet_for_title(title)
        candidates = ([named] if named else []) + [s for s in spec.ALL_SHEETS if s is not named]
        for sheet_spec in candidates:
            match = find_header(sheet_spec, rows, self.reference)
            if match is not None:
                return sheet_spec, match
        if named is not None:
            raise UnreadableFile(self.file, _missing_header_reason(named, rows, self.reference), title)
        return None

    def raw_sheet(self, title: str, sheet_spec: spec.Sheet, match: HeaderMatch, rows: list[list[Any]],
                  merged: list[tuple[tuple[int, int], tuple[int, int]]] = (), hidden_rows: set[int] = frozenset(),
                  ) -> RawSheet:
        header_index = match.index
        ours = spec.sheet_for_title(title) is sheet_spec
        by_others = match.through_aliases or not ours or bool(match.timeframe)
        context = sheet_context(rows[:header_index], [(title, "sheet name"), (Path(self.file).stem, "file name")],
                                self.reference)
        timeframe = [TimeframeColumn(t.position, t.header, t.first_month, t.last_month, t.year or context.year)
                     for t in match.timeframe]
        headers = header_texts(rows[header_index], match.columns)
        raw = RawSheet(self.file, title, sheet_spec, header_index + 1, match.columns, headers, [], timeframe,
                       context, by_others)
        hierarchy = [match.columns[c.key] for c in sheet_spec.columns if c.hierarchy and c.key in match.columns]
        self._fill_merged(rows, merged, hierarchy, header_index)
        hidden, totals = [], []
        last: dict[int, Any] = {}
        for index in range(header_index + 1, len(rows)):
            values = list(rows[index])
            skipped = row_skipped(values, index + 1, hidden_rows)
            if skipped == "hidden":
                hidden.append(index + 1)
            elif skipped == "total":
                totals.append(index + 1)
            if skipped:
                continue
            if by_others:  # a blank hierarchy cell repeats the one above (IOM annexes, AWPs, KPI tables)
                for position in hierarchy:
                    while len(values) <= position:
                        values.append(None)
                    if _is_blank(values[position]) and position in last:
                        values[position] = last[position]
                    elif not _is_blank(values[position]):
                        last[position] = values[position]
            raw.rows.append((index + 1, values))
        raw.warnings.extend(skipped_rows_warnings(self.file, title, hidden, totals))
        return raw

    @staticmethod
    def _fill_merged(rows: list[list[Any]], merged, hierarchy: list[int], header_index: int) -> None:
        for (first_row, first_column), (last_row, last_column) in merged:
            if last_row <= first_row or first_row <= header_index or first_row >= len(rows):
                continue  # one row, above the data, or below the last row with values: nothing to fill
            value = rows[first_row][first_column] if first_column < len(rows[first_row]) else None
            for position in hierarchy:
                if first_column <= position <= last_column:
                    for index in range(first_row, min(last_row, len(rows) - 1) + 1):
                        while len(rows[index]) <= position:
                            rows[index].append(None)
                        rows[index][position] = value


def read_workbook(path: Path, display_name: str | None = None, reference: Reference | None = None,
                  scans: Future | None = None) -> tuple[list[RawSheet], list[LoadWarning]]:
    """Every recognised sheet of an .xlsx workbook, and warnings. Raises UnreadableFile when it holds none.

    Each sheet is scanned (etl/guard.py checks its used range; hidden rows, formulas, errors) before any
    reader opens it: by `scans` (a Future of `scan_workbook`) when given, else here, one sheet ahead of
    fastexcel reading the sheet before."""
    file = display_name or path.name
    reference = reference or load_reference()
    reader = SheetReader(file, reference)
    if scans is None:  # the loader checked the container before; a caller of this function alone has not
        guard.check_workbook_container(path, file)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several unrelated types for a damaged file
        raise UnreadableFile(file, f"not a readable Excel workbook ({error})") from None
    sheets: list[RawSheet] = []
    warnings: list[LoadWarning] = []
    scanner = ThreadPoolExecutor(max_workers=1)  # a sheet is scanned while fastexcel (no GIL) reads the one before
    stack = contextlib.ExitStack()
    try:
        titles = [metadata.name for metadata in workbook.sheets_metadata]
        twice = next((title for index, title in enumerate(titles) if title in titles[:index]), None)
        if twice is not None:
            raise UnreadableFile(file, f"two sheets are named '{twice}': rename one of them")
        archive = stack.enter_context(zipfile.ZipFile(path))  # for the first rows of every sheet
        parts = _sheet_parts(archive)
        if scans is not None:
            scan_of = scans.result().get  # raises when a sheet is over the cell budget
        else:
            futures = {name: scanner.submit(scan_sheet, path, part, file, name) for name, part in parts.items()}
            others = [scanner.submit(scan_sheet, path, part, file, part)
                      for part in guard.unreferenced_sheet_parts(archive, parts.values())]
            for checked in others:
                checked.result()
            scan_of = lambda name: futures[name].result() if name in futures else None  # noqa: E731
        for metadata in workbook.sheets_metadata:
            raw = _read_sheet(path, workbook, reader, metadata, scan_of(metadata.name), warnings,
                              (archive, parts.get(metadata.name)))
            if raw is not None:
                sheets.append(raw)
    except UnreadableFile:
        raise
    except MemoryError:
        raise UnreadableFile(file, guard.OUT_OF_MEMORY) from None
    except Exception as error:
        raise UnreadableFile(file, f"the workbook is damaged ({guard.describe_error(error)})") from None
    finally:
        scanner.shutdown(wait=True, cancel_futures=True)
        stack.close()
        workbook.close()
    if not sheets:
        expected = ", ".join(f"'{s.title}'" for s in spec.SHEETS)
        raise UnreadableFile(file, f"no known sheet: expected at least one of {expected}; "
                                   f"found {', '.join(repr(t) for t in workbook.sheet_names) or 'none'} "
                                   "(nor a sheet whose header row matches one of them, or an indicator table)")
    return sheets, warnings


def _read_sheet(path: Path, workbook: CalamineWorkbook, reader: SheetReader, metadata, scan: SheetScan | None,
                warnings: list[LoadWarning], opened: tuple[zipfile.ZipFile, str | None]):
    """One sheet, scanned: recognised from its first 30 rows, read from the XML alone (a sheet
    that is not recognised, or hidden, is never read whole); then read by the fast lane (etl/columnar.py)
    where it is plain, else cell by cell by calamine. None for a sheet not loaded (with a warning)."""
    from .xlsx_rows import read_rows  # reads rows of the XML; builds on this module

    title, file = metadata.name, reader.file
    if scan is None:
        raise UnreadableFile(file, f"the workbook is damaged (no part holds the sheet '{title}')")
    archive, part = opened
    top = read_rows(path, title, first=HEADER_SEARCH_ROWS, archive=archive, part=part)
    top_rows = [list(top.get(number, [])) for number in range(1, max(top, default=0) + 1)]
    recognised = reader.recognise(title, top_rows)
    if recognised is None:
        if title.casefold() not in TEMPLATE_HELPER_SHEETS and metadata.visible == SheetVisibleEnum.Visible:
            warnings.append(LoadWarning(file, title, None, None, "sheet skipped",
                                        "neither its name nor a header row matches a known sheet, "
                                        "so it was not loaded"))
        return None
    if metadata.visible != SheetVisibleEnum.Visible:
        warnings.append(LoadWarning(file, title, None, None, "hidden sheet",
                                    f"a hidden sheet holding {recognised[0].title!r} rows, not loaded: "
                                    "unhide it in Excel to load it"))
        return None
    if scan.plain and os.environ.get(FAST_LANE_SWITCH) != "0":
        from .columnar import read_fast  # the fast lane builds on this module

        fast = read_fast(path, file, title, *recognised, top_rows)
        if fast is not None:
            fast.hidden_rows = scan.hidden_rows
            return fast
    sheet = workbook.get_sheet_by_name(title)
    rows = _blank_to_none(sheet.to_python(skip_empty_area=False))
    for (row, column), error in scan.errors.items():
        while len(rows) <= row:
            rows.append([])
        while len(rows[row]) <= column:
            rows[row].append(None)
        rows[row][column] = error
    recognised = reader.recognise(title, rows)
    if recognised is None:
        return None
    raw = reader.raw_sheet(title, *recognised, rows, sheet.merged_cell_ranges or [], scan.hidden_rows)
    for row, column in scan.uncalculated:
        if row + 1 > raw.header_row and row + 1 not in scan.hidden_rows:
            raw.warnings.append(LoadWarning(file, title, row + 1, _letters(column), "formula not calculated",
                                            "a formula saved without its calculated value (the file was not "
                                            "saved by Excel): read as an empty cell; open and save it in "
                                            "Excel or LibreOffice"))
    return raw


def decode_text(raw: bytes, file: str) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(file, "the text is neither UTF-8 nor Windows-1252")


def _delimiter(text: str) -> str:
    """The delimiter of the first line: a comma, or a semicolon or tab where those are more frequent."""
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_csv(path: Path, display_name: str | None = None, reference: Reference | None = None
             ) -> tuple[list[RawSheet], list[LoadWarning]]:
    """A CSV file holds one sheet; its kind is recognised from its header. Any line ending (CR, LF, CRLF)."""
    file = display_name or path.name
    reference = reference or load_reference()
    if os.environ.get(FAST_LANE_SWITCH) != "0":
        from .columnar import read_fast_csv  # the fast lane builds on this module

        fast = read_fast_csv(path, file, reference)
        if fast is not None:
            return [fast], []
    text = decode_text(path.read_bytes(), file)
    rows = _blank_to_none(csv_records(text, file))
    recognised = recognise_csv(rows, reference)
    if recognised is not None:
        sheet_spec, match = recognised
        return [SheetReader(file, reference).raw_sheet(sheet_spec.title, sheet_spec, match, rows)], []
    raise UnreadableFile(file, "no header row matches any sheet kind (" +
                         ", ".join(s.title for s in spec.ALL_SHEETS) + ")")


def csv_records(text: str, file: str) -> list[list[str]]:
    """The records of a CSV text; a record the csv module cannot read is refused with its row number."""
    records: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
            records.append(record)
    except csv.Error as error:
        if "field limit" in str(error):
            raise UnreadableFile(file, long_csv_cell(len(records) + 1)) from None
        raise UnreadableFile(file, f"row {len(records) + 1} cannot be read as CSV ({error})") from None
    return records


def long_csv_cell(row: int) -> str:
    """Why a CSV file with a cell longer than the csv module reads is refused (both lanes say the same)."""
    return (f"row {row} holds a cell of more than {CSV_CELL_LIMIT:,} characters, the most a CSV cell may have: "
            "shorten it (an unclosed quote also makes the rest of the file one cell)")


def read_file(path: Path, display_name: str | None = None, reference: Reference | None = None,
              scans: Future | None = None) -> tuple[list[RawSheet], list[LoadWarning]]:
    if path.suffix.lower() == ".csv":
        return read_csv(path, display_name, reference)
    return read_workbook(path, display_name, reference, scans)


def input_files(paths: list[Path]) -> list[Path]:
    """The files named, and the workbooks, CSVs and IATI XML files inside folders named, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                                and not p.name.startswith(("~$", "."))))
        elif path.exists():
            files.append(path)
        else:
            raise UnreadableFile(str(path), "no such file or folder")
    return files
