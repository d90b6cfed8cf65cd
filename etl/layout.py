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
- a group row over sub-headers (a stacked header) reads as combined names ('Baseline · Value'), and a period
  named in a header ('2015 · Target', 'Target 2015') makes a results matrix laid out wide, one row per
  indicator and period (etl/header_cells.py);
- the title rows, the sheet name and the file name give the sheet's country, period and currency
  (etl/title_block.py), and a required column they give need not be in the header;
- blank rows, hidden rows and total rows (a label in any language's total words, or Excel's 'X Total', as
  the row's only text) are not loaded, and a warning says so of hidden and total rows (of hidden sheets
  too: etl/workbook.py), and of the columns the reader does not use;
- when no sheet is recognised, the nearest sheet kind says which required columns it lacks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from . import delivery_words, spec
from .conventions import CURRENCY_SIGNS, ISO_CURRENCIES, bracket_currency
from .errors import LoadWarning, UnreadableFile, ValueProblem, quoted
from .languages import ENGLISH, Language, ScaleWords, fold
from .ooxml import column_letters
from .header_cells import (GROUP_SEPARATOR, HeaderCell, group_labels, is_group_row, merged_spans, normalise_header,
                           single_row, split_period, stacked_rows)
from .parse import MONTHS, clean_text, is_blank, parser_for
from .reference import Reference, load_reference
from .title_block import (SheetContext, besides_bracket_scale, bracket_name, header_currencies, period_of_values,
                          sheet_context, title_value_for)

HEADER_SEARCH_ROWS = 30
CURRENCY_ALONE = ISO_CURRENCIES | frozenset(CURRENCY_SIGNS)  # what a Currency cell holds: 'USD', '€'
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
    year_from: str = ""  # where its own year is from: 'header' ('Q1 2016'), 'group' ('2016' over Q1 to Q4), or ''

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
    rejected: list = field(default_factory=list)  # rows rejected while reading (etl/transform.py RejectedRow):
    # a delivery report's lines and totals (etl/delivery_report.py)
    amounts_whole: bool = False  # its amounts were read as meant already (a delivery report's sums), scales and all
    # activity codes numbered so far, by output, where the sheet has none (etl/transform.py, Derivations): one
    # count for the tables of one sheet (a second header's rows go on from the first's)
    activity_numbers: dict[str, int] = field(default_factory=dict)


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
    delivery_report: bool = False  # a delivery report's header: `columns` maps its roles (etl/delivery_words.py)
    language: str | None = None  # the language whose names matched most ('en' for the template's own)
    group_index: int | None = None  # row index of the group row of a stacked header
    texts: dict[int, str] = field(default_factory=dict)  # position -> header as shown in messages
    periods: tuple[PeriodColumns, ...] = ()  # a sheet laid out wide
    notes: tuple[str, ...] = ()  # why headers of the row are not read (a period the programme does not have)
    explained: tuple[int, ...] = ()  # the positions of those a note names: no 'column not used' repeats them
    # the title rows' texts as read while the sheet was recognised (TitleContexts.memo), for the sheet's context:
    # a long title is not read again
    readings: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.columns) + sum(len(p.columns) for p in self.periods) + len(self.timeframe)

    @property
    def used_positions(self) -> set[int]:
        """The positions of the columns the sheet reads: its columns, timeframe and (laid out wide) periods'."""
        return (set(self.columns.values()) | {t.position for t in self.timeframe}
                | {p for group in self.periods for p in group.columns.values()})

    @property
    def title_end(self) -> int:
        """The rows above this index are the title block."""
        return self.index if self.group_index is None else self.group_index


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
# 'févr.-16', 'Jan-16' (Excel's way of writing a month), 'Q1-16'
SHORT_YEAR_AFTER = re.compile(r"(.+?)[/.]*[-/](\d{2})")
YEAR_BEFORE = re.compile(r"(\d{4})[\s/-]*(.*?)")
GROUP_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _timeframe_column(position: int, cell: Any, words: list[Language] = ()) -> TimeframeColumn | None:
    """A quarter or month column: English (Q1, Quarter 1, Jan, January) or a word of `words` (T1, 1er
    trimestre, I квартал, enero), with or without a year before or after it ('Q1 2015', '2015 T1', 'févr.-16'); or
    a date, as Excel stores 'Feb-16' typed in a header (its month, of its year)."""
    if isinstance(cell, dt.date):  # 'Feb-16' typed, stored as the 1st (or a month's last day, by EOMONTH)
        return TimeframeColumn(position, f"{cell:%b %Y}", cell.month, cell.month, cell.year, "header")
    text = normalise_header(cell)
    name, year = text, None
    for pattern, order in ((YEAR_AFTER, (1, 2)), (YEAR_BEFORE, (2, 1)), (SHORT_YEAR_AFTER, (1, 2))):
        match = pattern.fullmatch(text)
        if match and match.group(order[0]):
            name, year = match.group(order[0]), int(match.group(order[1]))
            year += 0 if year >= 100 else 2000 if year < 30 else 1900  # Excel's reading of a two-figure year
            break
    for candidate in dict.fromkeys([name, name.rstrip(".")]):
        quarter = QUARTER.fullmatch(candidate)
        quarter = int(quarter.group(1)) if quarter else next(
            (w.quarters[candidate] for w in words if candidate in w.quarters), None)
        if quarter:
            return TimeframeColumn(position, clean_text(cell), 3 * quarter - 2, 3 * quarter, year,
                                  "header" if year is not None else "")
        month = MONTHS.get(candidate) or next((w.months[candidate] for w in words if candidate in w.months), None)
        if month:
            return TimeframeColumn(position, clean_text(cell), month, month, year,
                                  "header" if year is not None else "")
    return None


def _with_group_year(column: TimeframeColumn, cell: HeaderCell) -> TimeframeColumn:
    """A quarter or month column under a group cell naming one year ('2016' merged over Q1 to Q4) is of that
    year, where its own header names none."""
    if column.year is not None or GROUP_SEPARATOR not in cell.text:
        return column
    years = set(GROUP_YEAR.findall(cell.text.split(GROUP_SEPARATOR)[0]))
    return replace(column, year=int(years.pop()), header=cell.text, year_from="group") if len(years) == 1 else column


def timeframe_years(columns: list[TimeframeColumn], sheet_year: int | None) -> list[TimeframeColumn]:
    """The work plan's quarter and month columns, each with its year: its own ('Q1 2016', or its group's), else
    the sheet's, one more after each column whose months come before the last one's (Aug ... Dec, Jan ... Jul:
    a plan over a programme year running August to July)."""
    found, year, last, group = [], None, None, None
    for column in sorted(columns, key=lambda c: c.position):
        label = column.header.split(GROUP_SEPARATOR)[0] if column.year_from == "group" else None
        if column.year_from == "header" or (label is not None and label != group):
            year = column.year  # its own, or the first column under a group naming a year
            group = label if label is not None else group
        elif year is None:
            year = sheet_year
        elif last is not None and column.first_month < last:
            year += 1  # under a group naming a year ('2015/16' over Aug ... Jul), or the sheet's, rolls over too
        found.append(replace(column, year=year))
        last = column.first_month
    return found


def _required_keys(sheet_spec: spec.Sheet) -> list[str]:
    return [c.key for c in sheet_spec.columns if c.required and c.key not in sheet_spec.derivable]


def _columns_found(sheet_spec: spec.Sheet, row: list[Any], reference: Reference, top: list[Any] | None = None,
                   spans: dict[int, int] | None = None, above: list[Any] | None = None,
                   above_spans: dict[int, int] | None = None) -> HeaderMatch:
    """The columns of a kind a row names (column key -> position), read under its group row `top` where given
    (a stacked header), whatever is missing: with its timeframe columns, its periods (a sheet laid out wide)
    and the language whose names matched most. A column headed twice under two group labels (of `top`, or of
    the row `above` read alone: 'Meta' under 'Acumulado' and again under 'Del período') is read in neither."""
    cells = single_row(row) if top is None else stacked_rows(top, row, spans)
    found: dict[str, int] = {}
    through_aliases = False
    votes: Counter[str] = Counter()
    names = {column.key: header_names(sheet_spec, column, reference) for column in sheet_spec.columns}
    periods, notes = _period_columns(sheet_spec, cells, names, reference)
    taken = {p for group in periods for p in group.columns.values()}
    besides: dict[int, list[str] | None] = {}  # a cell's words beside the scale in its brackets, read once

    def beside_scale(position: int) -> list[str] | None:
        if position not in besides:
            besides[position] = besides_bracket_scale(cells[position].text, reference.scale_words)
        return besides[position]

    for column in sheet_spec.columns:
        languages = column_languages(sheet_spec, column, reference)
        for column_names, is_alias in zip(names[column.key], (False, True)):
            position, name = next(((p, n) for p, cell in cells.items() if p not in taken and p not in found.values()
                                   for n in cell.names if n in column_names), (None, None))
            if position is not None:
                found[column.key] = position
                through_aliases |= is_alias
                votes.update(languages.get(name, ()))
                break
        if column.key not in found and column.kind == spec.MONEY:  # 'Budget (KGS)', "Budget (USD '000)": the header
            position, name = next(((p, n) for p, cell in cells.items()  # names the amounts' currency or scale
                                   if p not in taken and p not in found.values()
                                   and (bracket_currency(cell.text) or beside_scale(p) == []
                                        or bracket_name(cell.text, reference.scale_words))
                                   for n in map(_without_currency, cell.names)
                                   if n and any(n in tier for tier in names[column.key])), (None, None))
            if position is not None:
                found[column.key], through_aliases = position, True
                votes.update(languages.get(name, ()))
            else:
                notes.extend(_scale_with_words(cells, names[column.key], beside_scale, reference))
    explained: list[int] = []
    # 'Meta' under 'Acumulado' and again under 'Del período': which? (a header repeated under one label or none,
    # a copy's, is the first one's, the others named as not used)
    labels = (group_labels(top, row, spans) if top is not None
              else group_labels(above, row, above_spans) if above is not None and is_group_row(above, row, above_spans)
              else {})
    for key, position in list(found.items()):
        again = [p for p, cell in cells.items() if p not in taken and p not in found.values()
                 and any(n in tier for n in cell.names for tier in names[key])]
        under = [labels.get(p) for p in [position, *again]]
        if again and None not in under and len(set(under)) > 1:  # each under a label of its own
            del found[key]
            explained += [position, *again]
            shown = ", ".join(f"{quoted(cells[p].text)} in column {column_letters(p)}" for p in [position, *again])
            notes.append(f"{len(again) + 1} columns are headed as the {sheet_spec.column(key).header} ({shown}): which "
                         "one to read cannot be told, so none is read; rename them, or delete the ones not meant")
    if sheet_spec.per_period and sheet_spec.period_column in found:  # 'Cible 2016' beside a Période column
        for position, cell in cells.items():
            split = next((s for s in map(split_period, cell.names) if s), None)
            key = split and next((k for k in sheet_spec.per_period if split[1] in set.union(*names[k])), None)
            if key and position not in found.values() and position not in explained:
                explained.append(position)
                notes.append(f"the header {quoted(cell.text)} names the {sheet_spec.column(key).header} of a period "
                             f"beside the {quoted(cells[found[sheet_spec.period_column]].text)} column, which gives "
                             "each row's period: its column is not read; head it without the period")
    money = [key for key in sheet_spec.per_period if key in found and sheet_spec.column(key).kind == spec.MONEY]
    totals = [key for key in money if periods and all(key in group.columns for group in periods)]
    for key in totals:  # 'Total expenditure' beside the expenditure of every year: a total, computed from those
        notes.append(f"the header {quoted(cells[found[key]].text)} names no year beside "
                     f"{', '.join(quoted(cells[group.columns[key]].text) for group in periods)}: read as their total, "
                     "which is not loaded (totals are computed from the rows)")
        del found[key]
    yearless = [key for key in money if key not in totals]
    if len(periods) > 1 and yearless:  # 'Budget' beside 'Expenditure 2015', 'Expenditure 2016': whose year is it?
        named = ", ".join(quoted(cells[p].text) for group in periods for p in group.columns.values())
        notes.append(f"the headers {named} name a {sheet_spec.column(sheet_spec.period_column).header.lower()} beside "
                     f"{', '.join(quoted(cells[found[key]].text) for key in yearless)}, which names none: an amount is "
                     "not copied into each year, so the sheet is read by its other columns and these are not read")
        periods = []
    language = _most_named(votes)
    timeframe = []
    if sheet_spec.kind == "workplan":
        words = reference.vocabularies(language)
        timeframe = [_with_group_year(t, cell) for p, cell in cells.items()
                     if p not in found.values() and cell.sub is not None
                     for t in [_timeframe_column(p, cell.sub, words)] if t]
        dated = [t for t in timeframe if isinstance(cells[t.position].sub, dt.date)]
        if len(dated) < 2 or {"planned_start", "planned_end"} & found.keys():
            # one date among the headers ('As of 01/07/2016'), or dates beside the planned start and end (a
            # progress date), are no months of a plan
            timeframe = [t for t in timeframe if t not in dated]
    return HeaderMatch(0, found, timeframe, through_aliases, language=language,
                       texts={p: cell.text for p, cell in cells.items()}, periods=tuple(periods), notes=tuple(notes),
                       explained=tuple(explained))


CURRENCY_IN_BRACKETS = re.compile(r"(.+?)\s*\(([^()]+)\)")


def _without_currency(name: str) -> str | None:
    """A header name without what is in brackets after it ('budget (kgs)' -> 'budget'), where the header names
    one currency there (conventions.bracket_currency, asked by the caller of the header as written: 'Budget
    (KGS)', not 'Amount (all)'; or a currency's name, title_block.bracket_name: 'Budget (US dollars)', 'Budget
    ($)') or a scale (title_block.besides_bracket_scale: "Budget (USD '000)"), or
    None. The currency is the amounts' (etl/title_block.py, header_currencies), so is the scale (header_scales)."""
    found = CURRENCY_IN_BRACKETS.fullmatch(name)
    return found.group(1) if found and "(" not in found.group(1) else None


def _scale_with_words(cells: dict[int, HeaderCell], tiers: list[set[str]],
                      beside_scale: Callable[[int], list[str] | None], reference: Reference) -> list[str]:
    """Why a header naming an amount column's name with a scale in brackets, and words beside it there ("Budget
    (2016, '000)"), is not read: the words may say what the column is not (another year's, another unit's;
    `beside_scale`: a cell's, by position, title_block.besides_bracket_scale); a currency's code the programme has
    no rate for is said so."""
    for position, cell in cells.items():
        besides = beside_scale(position)
        if besides and any(name in tier for name in map(_without_currency, cell.names) if name for tier in tiers):
            shown = ", ".join(map(repr, besides[:3])) + (" …" if len(besides) > 3 else "")
            unrated = [word for word in besides if len(besides) == 1
                       and word.upper() in ISO_CURRENCIES - reference.currencies
                       and re.search(rf"(?<![^\W\d_]){word.upper()}(?![^\W\d_])", cell.text)]  # 'UAH', not 'all'
            return [f"the header {quoted(cell.text)} has {shown} beside the scale in its brackets, "
                    + (f"a currency without a shipped exchange rate (data/reference/fx_rates.csv): its column is not "
                       f"read; write the amounts in a currency with one" if unrated else
                       "which this reader cannot place: its column is not read; keep only the scale and the currency "
                       "in the brackets")]
    return []


def _most_named(votes: Counter[str]) -> str | None:
    """The language most header names are in; English (the template's) where another is named no more."""
    if not votes:
        return None
    most = max(votes.values())
    return ENGLISH if votes.get(ENGLISH) == most else min(code for code, count in votes.items() if count == most)


def missing_as(sheet_spec: spec.Sheet, row: list[Any], reference: Reference, context: Callable[[], SheetContext]
               ) -> list[str]:
    """What a header row lacks to be one of `sheet_spec`'s kind (`_missing`): a sheet read as another kind says
    so where it is one column short of this one."""
    return _missing(sheet_spec, _columns_found(sheet_spec, row, reference), context, reference.scale_words)


def _missing(sheet_spec: spec.Sheet, found: HeaderMatch, context: Callable[[], SheetContext] | None = None,
             words: ScaleWords | None = None) -> list[str]:
    """What a header row lacks to be one of this kind, each said as the header to add ('Output'); a required
    column the title block gives (`context`: what the rows above say) or the amounts' headers name (`words`: the
    reference's scale words, for the currency they name: etl/title_block.py, header_currencies) is not lacking."""
    columns = found.columns
    given = set(columns) | ({sheet_spec.period_column, *(key for p in found.periods for key in p.columns)}
                            if found.periods else set())
    lacking = [key for key in _required_keys(sheet_spec) if key not in given]
    if lacking and context is not None:
        lacking = [key for key in lacking if not title_value_for(sheet_spec.column(key), context())]
    if "currency" in lacking and words is not None and header_currencies(
            sheet_spec, {key: found.texts.get(position, "") for key, position in columns.items()}, words):
        lacking.remove("currency")  # 'Budget (USD)', "Budget (KGS '000)" say it, as a title row would
    missing = [f"'{sheet_spec.column(key).header}'" for key in lacking]
    if sheet_spec.needs_one_of and not any(key in given or any(key in p.columns for p in found.periods)
                                           for key in sheet_spec.needs_one_of):
        missing.append("one of " + " or ".join(f"'{sheet_spec.column(k).header}'" for k in sheet_spec.needs_one_of))
    if sheet_spec.kind == "workplan" and not found.timeframe and not {"planned_start", "planned_end"} <= columns.keys():
        missing.append("'Planned start' and 'Planned end', or quarter or month columns (Q1, Jan ...)")
    return missing


def match_header_row(sheet_spec: spec.Sheet, row: list[Any], reference: Reference, top: list[Any] | None = None,
                     spans: dict[int, int] | None = None, context: Callable[[], SheetContext] | None = None,
                     above: list[Any] | None = None, above_spans: dict[int, int] | None = None
                     ) -> HeaderMatch | None:
    """The columns `row` names, read under its group row `top` where given (a stacked header); None unless
    every required column is named, or given by the title block (`context`: what the rows above say). `above`:
    the row above one read alone, whose group labels may tell a column headed twice is neither."""
    found = _columns_found(sheet_spec, row, reference, top, spans, above, above_spans)
    return None if _missing(sheet_spec, found, context, reference.scale_words) else found


class HeaderAgain:
    """Rows below a sheet's header that are a header of its kind again: a second table under the first (a UNDP
    block, then an IOM block with Expenditure before Budget), or the header repeated (a printout's, a copy
    pasted under another). Only a row with two cells or more that are header names of the kind is matched
    (`match`), as a header row is where the sheet's header is found; a name with a period ('Target 2016') is one
    where the kind has values by period. The title block above the sheet's header (`context`) may give a
    required column, as it does there."""

    def __init__(self, sheet_spec: spec.Sheet, reference: Reference, context: SheetContext):
        self.spec, self.reference, self.context = sheet_spec, reference, context
        self.names = {name for column in sheet_spec.columns for name in column_languages(sheet_spec, column,
                                                                                          reference)}
        self.period_names = {name for key in sheet_spec.per_period
                             for name in column_languages(sheet_spec, sheet_spec.column(key), reference)}
        self.longest = max(map(len, self.names)) + 16  # longer texts are no header name (with a period): not folded
        self.seen: dict[str, bool] = {}  # a text -> whether it is a header name of the kind

    def is_name(self, value: Any) -> bool:
        if not isinstance(value, str) or len(value) > self.longest:
            return False
        known = self.seen.get(value)
        if known is None:
            name = normalise_header(value)
            split = self.period_names and name not in self.names and split_period(name)
            known = self.seen[value] = name in self.names or bool(split) and split[1] in self.period_names
        return known

    def may_be_header(self, values: list[Any]) -> bool:
        """Whether two cells or more of a row are header names of the kind: only such a row is matched."""
        return sum(map(self.is_name, values)) >= 2

    def match(self, values: list[Any], below: list[Any] | None = None, spans: dict[int, int] | None = None
              ) -> HeaderMatch | None:
        """The columns the row names, where it is a header row of the kind: on its own, or as the group row of a
        stacked header over the row `below` (then its index is 1, its group index 0: add the row's), whichever
        names more, as `find_header` chooses."""
        named, named_below = self.may_be_header(values), below is not None and self.may_be_header(below)
        if not (named or named_below):
            return None
        context = lambda: self.context  # noqa: E731
        single = match_header_row(self.spec, values, self.reference, context=context) if named else None
        stacked = None if below is None else stacked_header(self.spec, values, below, self.reference, spans, context,
                                                            context, single)
        return single if stacked is None else replace(stacked, index=1, group_index=0)


def stacked_header(sheet_spec: spec.Sheet, top: list[Any], below: list[Any], reference: Reference,
                   spans: dict[int, int] | None, context: Callable[[], SheetContext],
                   context_below: Callable[[], SheetContext], single: HeaderMatch | None) -> HeaderMatch | None:
    """The header a group row `top` makes with the sub-headers `below` (a stacked header), where it is read so
    rather than either row alone (`single`: `top` alone): where it names more columns, or as many but of periods
    the others lack ('2016' over Budget and Expenditure); else None. `context`: what the rows above `top` say,
    `context_below` what those above `below` say."""
    if not is_group_row(top, below, spans):
        return None
    stacked = match_header_row(sheet_spec, below, reference, top, spans, context)
    if stacked is None:
        return None
    alone = match_header_row(sheet_spec, below, reference, context=context_below, above=top, above_spans=spans)
    wins = all(other is None or stacked.size > other.size
               or stacked.size == other.size and len(stacked.periods) > len(other.periods) for other in (single, alone))
    return stacked if wins else None


def same_columns(one: HeaderMatch, other: HeaderMatch) -> bool:
    """Whether two header rows read every column the sheet reads from the same place, and of the same period
    (a period's columns, a timeframe's year and months)."""
    return (one.columns == other.columns
            and [(p.period, p.columns) for p in one.periods] == [(p.period, p.columns) for p in other.periods]
            and [(t.position, t.year, t.first_month, t.last_month) for t in one.timeframe]
            == [(t.position, t.year, t.first_month, t.last_month) for t in other.timeframe])


def _period_columns(sheet_spec: spec.Sheet, cells: dict[int, HeaderCell],
                    names: dict[str, tuple[set[str], set[str]]], reference: Reference
                    ) -> tuple[list[PeriodColumns], list[str]]:
    """The columns of a sheet laid out wide ('2015 · Target', 'Actual 2016'), by period in their order; and
    what is said of headers naming a period the programme does not have. None where the sheet has a Period
    column, or its kind has no values by period."""
    if not sheet_spec.per_period or any(name in set.union(*names[sheet_spec.period_column])
                                        for cell in cells.values() for name in cell.names):
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
            if not _of_the_programme(sheet_spec.column(sheet_spec.period_column), period, reference):
                notes.append(f"the header {quoted(cell.text)} names {period}, not a period of the programme: "
                             "its column is not read")
                break
            if key not in by_period.setdefault(period, {}):
                by_period[period][key] = position
            break
    return [PeriodColumns(period, columns) for period, columns in by_period.items() if columns], notes


def _of_the_programme(column: spec.Column, period: str, reference: Reference) -> bool:
    """Whether a period a header names is one of the programme's, as the column it fills reads it: a reporting
    period ('2015' is 2015/16 H2), a programme year; any text of an indicator table's Period."""
    if column.kind == spec.PERIOD:
        return period_of_values(period, reference) is not None
    if column.kind == spec.PROGRAMME_YEAR:
        try:
            parser_for(column, reference)(period)
        except ValueProblem:
            return False
    return True


class TitleContexts:
    """The context of the title rows above each of a sheet's rows (etl/title_block.py), read when first asked
    for and then kept: the same for every sheet kind tried on the sheet, so a long title is read once, not
    once per kind, nor once for each row below it."""

    def __init__(self, rows: list[list[Any]], names: list[tuple[str, str]], reference: Reference):
        self.rows, self.names, self.reference = rows, list(names), reference
        self.read: dict[int, SheetContext] = {}
        self.memo: dict = {}  # each title row's text as read, for the contexts of the rows below it

    def above(self, index: int) -> Callable[[], SheetContext]:
        def context() -> SheetContext:
            if index not in self.read:
                self.read[index] = sheet_context(self.rows[:index], self.names, self.reference, self.memo)
            return self.read[index]
        return context


def find_header(sheet_spec: spec.Sheet, rows: list[list[Any]], reference: Reference | None = None,
                names: list[tuple[str, str]] = (), merged=(), contexts: TitleContexts | None = None
                ) -> HeaderMatch | None:
    """The first of the first 30 rows that names every required column (or None): a row of its own, or the
    lower row of a stacked header (a group row over sub-headers) where that names more columns. `names`: the
    sheet name and the file name (which may give the country); `merged`: the sheet's merged ranges, where
    known; `contexts`: the title rows' contexts of these rows and names, as read for other kinds."""
    reference = reference or load_reference()
    context_above = (contexts or TitleContexts(rows, names, reference)).above
    searched = rows[:HEADER_SEARCH_ROWS]
    for index, row in enumerate(searched):
        single = match_header_row(sheet_spec, row, reference, context=context_above(index),
                                  above=searched[index - 1] if index else None,
                                  above_spans=merged_spans(merged, index - 1) if index else None)
        stacked = None if index + 1 >= len(searched) else stacked_header(
            sheet_spec, row, searched[index + 1], reference, merged_spans(merged, index), context_above(index),
            context_above(index + 1), single)
        if stacked is not None:
            return replace(stacked, index=index + 1, group_index=index)
        if single is not None:
            return replace(single, index=index)
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
    notes: tuple[str, ...] = ()  # why headers of the row were not read (HeaderMatch.notes)

    def describe(self, sheet: str | None = None) -> str:
        where = (f"sheet '{sheet}', " if sheet else "") + f"row {self.row}"
        shown = ["".join(c for c in text if c.isprintable())[:40] for text in self.seen[:SEEN_SHOWN]]
        seen = ", ".join(f"'{text}'" for text in shown if text) + (" ..." if len(self.seen) > SEEN_SHOWN else "")
        if self.sheet_spec is None:
            return f"no row names a known column; the headers seen ({where}): {seen}"
        return (f"nearest is {self.sheet_spec.title!r} ({where}), which lacks {', '.join(self.missing)}"
                + "".join(f" ({note})" for note in self.notes) + f"; the headers seen: {seen}")


def nearest_kind(rows: list[list[Any]], reference: Reference) -> NearestKind | None:
    """The sheet kind the first 30 rows come nearest to, or None for a sheet without text."""
    best = _nearest(spec.ALL_SHEETS, rows, reference, TitleContexts(rows, [], reference))
    if best is not None:
        return best
    texts_by_row = _texts_by_row(rows)
    most = max(range(len(texts_by_row)), key=lambda i: len(texts_by_row[i]), default=None)
    if most is None or not texts_by_row[most]:
        return None
    return NearestKind(None, most + 1, [], texts_by_row[most], (0, 0))


def _texts_by_row(rows: list[list[Any]]) -> list[list[str]]:
    return [[clean_text(c) for c in row if isinstance(c, str) and c.strip()] for row in rows[:HEADER_SEARCH_ROWS]]


def _nearest(sheet_specs: list[spec.Sheet], rows: list[list[Any]], reference: Reference, contexts: TitleContexts
             ) -> NearestKind | None:
    """Of the first 30 rows and `sheet_specs`, the row and kind whose header is nearest (the most required
    columns found, then the most columns), what it lacks and why its headers were not read; None where no row
    names a column of them."""
    best: NearestKind | None = None
    texts_by_row = _texts_by_row(rows)
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not texts_by_row[index]:
            continue
        for sheet_spec in sheet_specs:
            found = _columns_found(sheet_spec, row, reference, above=rows[index - 1] if index else None)
            required = [k for k in _required_keys(sheet_spec) if k in found.columns]
            score = (len(required), len(found.columns))
            if score[1] and (best is None or score > best.score):
                missing = _missing(sheet_spec, found, contexts.above(index), reference.scale_words)
                best = NearestKind(sheet_spec, index + 1, missing, texts_by_row[index], score, found.notes)
    return best


def _missing_header_reason(sheet_spec: spec.Sheet, rows: list[list[Any]], reference: Reference,
                           contexts: TitleContexts) -> str:
    """Why a sheet named as one of ours has no header: what the row nearest its header lacks (`_nearest`, as a
    sheet named otherwise says), and why that row's headers were not read, where it says ("the header 'Budget
    (2016, '000)' has '2016' beside the scale in its brackets ...")."""
    nearest = _nearest([sheet_spec], rows, reference, contexts)
    missing = (nearest.missing if nearest is not None and nearest.missing
               else [f"'{c.header}'" for c in sheet_spec.columns if c.required])
    notes = nearest.notes if nearest is not None else ()
    return (f"no header row found in the first {HEADER_SEARCH_ROWS} rows: expected the columns " + ", ".join(missing)
            + "".join(f" ({note})" for note in notes))


def recognise_sheet(file: str, title: str, rows: list[list[Any]], reference: Reference, merged=()
                    ) -> tuple[spec.Sheet, HeaderMatch] | None:
    """The kind of a sheet: by its name where it is one of ours, else by its header row. A sheet named as one
    of ours without its header is refused."""
    named = spec.sheet_for_title(title)
    candidates = ([named] if named else []) + [s for s in spec.ALL_SHEETS if s is not named]
    names = [(title, "sheet name"), (Path(file).stem, "file name")]
    contexts = TitleContexts(rows, names, reference)
    for sheet_spec in candidates:
        match = find_header(sheet_spec, rows, reference, names, merged, contexts)
        if match is not None:
            return sheet_spec, replace(match, readings=contexts.memo)
    delivery = find_delivery_header(rows, reference)
    if delivery is not None:
        return delivery
    if named is not None:
        raise UnreadableFile(file, _missing_header_reason(named, rows, reference, contexts), title)
    return None


def recognise_csv(rows: list[list[Any]], reference: Reference, file: str = ""
                  ) -> tuple[spec.Sheet, HeaderMatch] | None:
    """The kind of a CSV file (one sheet) by its header row, and that row."""
    names = [(Path(file).stem, "file name")] if file else []
    contexts = TitleContexts(rows, names, reference)
    for sheet_spec in spec.ALL_SHEETS:
        match = find_header(sheet_spec, rows, reference, names, contexts=contexts)
        if match is not None:
            return sheet_spec, replace(match, readings=contexts.memo)
    return find_delivery_header(rows, reference)


def find_delivery_header(rows: list[list[Any]], reference: Reference) -> tuple[spec.Sheet, HeaderMatch] | None:
    """A delivery report's header (etl/delivery_words.py): its rows become expenditure rows
    (etl/delivery_report.py), so it is recognised as an expenditure sheet laid out by others."""
    found = delivery_words.find_header(rows, delivery_words.load_vocabulary(reference))
    if found is None:
        return None
    index, roles = found
    return spec.EXPENDITURE, HeaderMatch(index, roles, [], True, delivery_report=True)


def header_texts(header: list[Any], columns: dict[str, int], texts: dict[int, str] | None = None) -> dict[str, str]:
    """Each column's header as written in the file (`texts`: as a stacked header reads), for messages (cut where
    said: etl/errors.py) and the currency or scale it names."""
    texts = texts or {}
    return {key: texts.get(position) or clean_text(header[position]) for key, position in columns.items()}


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
    """A cell that counts as text for a total row: not empty, not a number typed as text ('12,500'), nor a
    currency alone (a total row's Currency cell: 'USD', '€')."""
    return (isinstance(value, str) and bool(value.strip()) and not re.fullmatch(f" *{NUMBER_LIKE} *", value)
            and value.strip() not in CURRENCY_ALONE)



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
    return re.compile(rf"(?:{words})s?\b[\w\s()$:.,/+&–-]{{0,25}}|(?:\S+\s){{1,3}}(?:{words})s?")


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
    listed = ", ".join(f"{quoted(clean_text(header[p]))} ({column_letters(p)})" if p in named
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
                       f"headers read as {words.name} ({words.source.name}: "
                       f"{', '.join(map(quoted, headers.values()))}); "
                       f"its words are read in {words.name} too (agencies, statuses, outputs, currencies, "
                       f"totals, 'no value'), and its numbers may use {mark}")
