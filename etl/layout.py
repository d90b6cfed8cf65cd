"""How a sheet is laid out, the same for both lanes: which kind of sheet it is (its header row), what its
title rows say, and which of its rows are not loaded. Workbooks arrive as people made them, so reading is
tolerant (docs/schema.md, "Tolerant reading", lists the rules); the rules of layout are here:

- a sheet is recognised by its name or, failing that, by its header row, found anywhere in the
  first 30 rows; header names are matched accent-, case- and space-insensitively against the column's own
  header, its key, the aliases in data/reference/header_aliases.csv and the column names of each language
  (data/reference/languages/, etl/languages.py); the language whose names matched most is the sheet's;
- a sheet no kind takes may be a delivery report (a CDR, an ERP export: etl/delivery_words.py), recognised
  by its header and read as expenditure rows by etl/delivery_report.py;
- quarter or month columns (Q1 ... Q4, Jan ... Dec, T1, 1er trimestre, I квартал, enero) marked with X are a
  timeframe;
- a year and a country named in the title rows, the sheet name or the file name are the sheet's context;
- blank rows, hidden rows and total rows (a label in any language's total words, or Excel's 'X Total', as
  the row's only text) are not loaded, and a warning says so of hidden and total rows (of hidden sheets
  too: etl/workbook.py), and of the columns the reader does not use;
- when no sheet is recognised, the nearest sheet kind says which required columns it lacks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import delivery_words, spec
from .errors import LoadWarning, UnreadableFile
from .languages import ENGLISH, Language, fold
from .ooxml import column_letters
from .parse import MONTHS, clean_text, is_blank
from .reference import Reference, load_reference

HEADER_SEARCH_ROWS = 30
TIMEFRAME_MARKS = {"x", "✓", "✔", "√", "1", "yes"}
# A text that reads as a number ('12,500', '1 234,50', '$300', '(15)', '40%'): in a total row it is not the
# row's label. Arrow's RE2 and Python's re read it alike (both lanes count a row's texts with it).
NUMBER_LIKE = r"[(+\-−]?(?:[$€£]|[A-Z]{3} ?)?[0-9]+(?:[ .,'  ]?[0-9]+)*%?\)?(?: ?[A-Z]{3})?"


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
    language: str | None = None  # the language whose names matched most ('en' for the template's own)


def normalise_header(text: Any) -> str:
    """A header as names are compared: accents, case, spaces and a trailing '*' or ':' ignored."""
    return fold(str(text).replace("_", " ")).rstrip(" *:").strip()


def header_names(sheet_spec: spec.Sheet, column: spec.Column, reference: Reference) -> tuple[set[str], set[str]]:
    """(the column's own names, its aliases in header_aliases.csv and in every language), normalised."""
    own = {normalise_header(column.header), normalise_header(column.key)}
    aliases = set(column_languages(sheet_spec, column, reference))
    return own, aliases - own


def column_languages(sheet_spec: spec.Sheet, column: spec.Column, reference: Reference) -> dict[str, set[str]]:
    """Every name of a column, normalised, and the languages it is a name in: English for the template's own
    names and header_aliases.csv, each language file for its [columns]."""
    names: dict[str, set[str]] = {}
    for name in (column.header, column.key, *reference.header_aliases.get(sheet_spec.kind, {}).get(column.key, ())):
        names.setdefault(normalise_header(name), set()).add(ENGLISH)
    for language in reference.languages.values():
        for name in language.columns.get(sheet_spec.kind, {}).get(column.key, ()):
            names.setdefault(normalise_header(name), set()).add(language.code)
    return names


QUARTER = re.compile(r"(?:q|quarter\s*)([1-4])")
YEAR_AFTER = re.compile(r"(.*?)[\s/-]*(\d{4})")
YEAR_BEFORE = re.compile(r"(\d{4})[\s/-]*(.*?)")


def _timeframe_column(position: int, cell: Any, words: list[Language] = ()) -> TimeframeColumn | None:
    """A quarter or month column: English (Q1, Quarter 1, Jan, January) or a word of `words` (T1, 1er
    trimestre, I квартал, enero), with or without a year before or after it ('Q1 2015', '2015 T1')."""
    text = normalise_header(cell)
    name, year = text, None
    for pattern, order in ((YEAR_AFTER, (1, 2)), (YEAR_BEFORE, (2, 1))):
        match = pattern.fullmatch(text)
        if match and match.group(order[0]):
            name, year = match.group(order[0]), int(match.group(order[1]))
            break
    for candidate in dict.fromkeys([name, name.rstrip(".")]):
        quarter = QUARTER.fullmatch(candidate)
        quarter = int(quarter.group(1)) if quarter else next(
            (w.quarters[candidate] for w in words if candidate in w.quarters), None)
        if quarter:
            return TimeframeColumn(position, clean_text(cell), 3 * quarter - 2, 3 * quarter, year)
        month = MONTHS.get(candidate) or next((w.months[candidate] for w in words if candidate in w.months), None)
        if month:
            return TimeframeColumn(position, clean_text(cell), month, month, year)
    return None


def _required_keys(sheet_spec: spec.Sheet) -> list[str]:
    return [c.key for c in sheet_spec.columns if c.required and c.key not in sheet_spec.derivable]


def _columns_found(sheet_spec: spec.Sheet, row: list[Any], reference: Reference) -> HeaderMatch:
    """The columns of a kind a row names (column key -> position), whatever is missing, with its timeframe
    columns and the language whose names matched most."""
    cells = {position: normalise_header(cell) for position, cell in enumerate(row)
             if cell is not None and str(cell).strip()}
    found: dict[str, int] = {}
    through_aliases = False
    votes: Counter[str] = Counter()
    for column in sheet_spec.columns:
        languages = column_languages(sheet_spec, column, reference)
        own, aliases = header_names(sheet_spec, column, reference)
        for names, is_alias in ((own, False), (aliases, True)):
            position = next((p for p, name in cells.items() if name in names and p not in found.values()), None)
            if position is not None:
                found[column.key] = position
                through_aliases |= is_alias
                votes.update(languages[cells[position]])
                break
    language = _most_named(votes)
    timeframe = []
    if sheet_spec.kind == "workplan":
        words = reference.vocabularies(language)
        timeframe = [t for p, cell in enumerate(row) if p not in found.values() and cell is not None
                     for t in [_timeframe_column(p, cell, words)] if t]
    return HeaderMatch(0, found, timeframe, through_aliases, language=language)


def _most_named(votes: Counter[str]) -> str | None:
    """The language most header names are in; English (the template's) where another is named no more."""
    if not votes:
        return None
    most = max(votes.values())
    return ENGLISH if votes.get(ENGLISH) == most else min(code for code, count in votes.items() if count == most)


def _missing(sheet_spec: spec.Sheet, found: HeaderMatch) -> list[str]:
    """What a header row lacks to be one of this kind, each said as the header to add ('Output')."""
    columns = found.columns
    missing = [f"'{sheet_spec.column(key).header}'" for key in _required_keys(sheet_spec) if key not in columns]
    if sheet_spec.needs_one_of and not any(key in columns for key in sheet_spec.needs_one_of):
        missing.append("one of " + " or ".join(f"'{sheet_spec.column(k).header}'" for k in sheet_spec.needs_one_of))
    if sheet_spec.kind == "workplan" and not found.timeframe and not {"planned_start", "planned_end"} <= columns.keys():
        missing.append("'Planned start' and 'Planned end', or quarter or month columns (Q1, Jan ...)")
    return missing


def match_header_row(sheet_spec: spec.Sheet, row: list[Any], reference: Reference) -> HeaderMatch | None:
    found = _columns_found(sheet_spec, row, reference)
    return None if _missing(sheet_spec, found) else found


def find_header(sheet_spec: spec.Sheet, rows: list[list[Any]], reference: Reference | None = None
                ) -> HeaderMatch | None:
    """The first of the first 30 rows that names every required column (or None)."""
    reference = reference or load_reference()
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        match = match_header_row(sheet_spec, row, reference)
        if match is not None:
            return HeaderMatch(index, match.columns, match.timeframe, match.through_aliases, language=match.language)
    return None


SEEN_SHOWN = 15  # header texts a 'no known sheet' message shows


@dataclass(frozen=True)
class NearestKind:
    """For a sheet no kind recognised: the kind its most header-like row comes nearest to (the most required
    columns found), what that row lacks, and the texts it holds."""

    sheet_spec: spec.Sheet | None  # None: no row names any known column
    row: int  # row number in the sheet
    missing: list[str]
    seen: list[str]
    score: tuple[int, int]  # (required columns found, columns found)

    def describe(self, sheet: str | None = None) -> str:
        where = (f"sheet '{sheet}', " if sheet else "") + f"row {self.row}"
        shown = ["".join(c for c in text if c.isprintable())[:40] for text in self.seen[:SEEN_SHOWN]]
        seen = ", ".join(f"'{text}'" for text in shown if text) + (" ..." if len(self.seen) > SEEN_SHOWN else "")
        if self.sheet_spec is None:
            return f"no row names a known column; the headers seen ({where}): {seen}"
        return (f"nearest is {self.sheet_spec.title!r} ({where}), which lacks {', '.join(self.missing)}; "
                f"the headers seen: {seen}")


def nearest_kind(rows: list[list[Any]], reference: Reference) -> NearestKind | None:
    """The sheet kind the first 30 rows come nearest to, or None for a sheet without text."""
    best: NearestKind | None = None
    texts_by_row = [[clean_text(c) for c in row if isinstance(c, str) and c.strip()] for row in rows[:HEADER_SEARCH_ROWS]]
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not texts_by_row[index]:
            continue
        for sheet_spec in spec.ALL_SHEETS:
            found = _columns_found(sheet_spec, row, reference)
            required = [k for k in _required_keys(sheet_spec) if k in found.columns]
            score = (len(required), len(found.columns))
            if score[1] and (best is None or score > best.score):
                best = NearestKind(sheet_spec, index + 1, _missing(sheet_spec, found), texts_by_row[index], score)
    if best is not None:
        return best
    most = max(range(len(texts_by_row)), key=lambda i: len(texts_by_row[i]), default=None)
    if most is None or not texts_by_row[most]:
        return None
    return NearestKind(None, most + 1, [], texts_by_row[most], (0, 0))


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


def row_skipped(values: list[Any], number: int, hidden_rows: set[int], total_words: tuple[str, ...]) -> str | None:
    """Why a data row is not loaded: 'blank', 'hidden' or 'total' (a total row), else None."""
    if all(is_blank(v) for v in values):
        return "blank"
    if number in hidden_rows:
        return "hidden"
    if total_row(values, total_words):
        return "total"
    return None


def is_text(value: Any) -> bool:
    """A cell that counts as text for a total row: not empty, and not a number typed as text ('12,500')."""
    return isinstance(value, str) and bool(value.strip()) and not re.fullmatch(f" *{NUMBER_LIKE} *", value)


def total_row(values: list[Any], total_words: tuple[str, ...]) -> bool:
    """A row whose only text is a total label of any language ('Total', 'Sub-total', 'Grand total (USD)',
    'Итого', 'Total general') or Excel's subtotal label ('ACTIVITY1 Total', 'Output 1 Total'). A number
    typed as text (every cell of a CSV) is not text here."""
    texts = [v for v in values if is_text(v)]  # cleaned only when there is one
    return len(texts) == 1 and bool(total_pattern(total_words).fullmatch(fold(texts[0])))


@lru_cache(maxsize=8)
def total_pattern(total_words: tuple[str, ...]) -> re.Pattern:
    """A total label, folded (etl/languages.py, fold): a total word and a short tail ('total (usd)'), or one
    to three words before it ('activity1 total', as Excel's subtotals write it)."""
    words = "|".join(r"[\s-]?".join(map(re.escape, re.split(r"[\s-]+", word)))
                     for word in sorted(total_words, key=len, reverse=True))
    return re.compile(rf"(?:{words})s?\b[\w\s()$:.-]{{0,25}}|(?:\S+\s){{1,3}}(?:{words})s?")


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


def unused_columns_warning(file: str, sheet: str, header_row: int, header: list[Any], used: set[int],
                           with_data: set[int]) -> LoadWarning | None:
    """One warning naming every column the reader does not use: those with a header it does not know, and
    those without a header but with data under it (`with_data`: positions with a value in a loaded row)."""
    named = {p for p, cell in enumerate(header) if not is_blank(cell)}
    unused = sorted((named | with_data) - used)
    if not unused:
        return None
    listed = ", ".join(f"'{clean_text(header[p])}' ({column_letters(p)})" if p in named
                       else f"a column without a header ({column_letters(p)})" for p in unused)
    return LoadWarning(file, sheet, header_row, None, "column not used",
                       f"not loaded, as no known column has its header: {listed}; to load a column, name it as the "
                       "template does or add its header to data/reference/header_aliases.csv or to a language "
                       "file (data/reference/languages/)")


def language_warning(file: str, sheet: str, header_row: int, language: str | None, headers: dict[str, str],
                     reference: Reference) -> LoadWarning | None:
    """Which language a sheet's headers were recognised in, when it is not the template's English."""
    words = reference.languages.get(language) if language and language != ENGLISH else None
    if words is None:
        return None
    mark = {",": "a decimal comma", ".": "a decimal point"}.get(words.decimal_mark or "", "no decimal mark given")
    return LoadWarning(file, sheet, header_row, None, "language",
                       f"headers read as {words.name} ({words.source.name}: {', '.join(repr(h) for h in headers.values())}); "
                       f"its words are read in {words.name} too (agencies, statuses, outputs, currencies, "
                       f"totals, 'no value'), and its numbers may use {mark}")
