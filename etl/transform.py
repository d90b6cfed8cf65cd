"""Validate raw sheet rows cell by cell: every cell parsed, the values a sheet leaves implicit derived.

A row with any problem is rejected whole and kept, with every problem found in it; the rows whose
cells all parse are staged (typed Arrow columns carrying their source: file, sheet, row, appended to the
staging table of the building database), and the cross-field rules of etl/rules.py, run in SQL over the
staged rows, reject those breaking one (`stage`, which the fast lane, etl/columnar.py, uses too).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Iterable

import pyarrow as pa
import pyarrow.compute as pc

from . import spec
from .conventions import ISO_CURRENCIES, Convention, DateOrder, infer_conventions, sign_currency
from .errors import LoadWarning, Problem, ValueProblem, cut, describe, listed, quoted
from .formatted import (CurrencyShown, NotShown, PercentFormatted, ScaledShown, ShownBySize, SuffixShown,
                        plain_number)
from .layout import TIMEFRAME_MARKS, RawSheet, row_ranges
from .ooxml import column_letters
from .parse import (FormatCurrencies, FormatReading, Reported, clean_text, currency_in_text, explicit_currency,
                    is_blank, parser_for, shared_name_expected)
from .plausibility import VALUE_COLUMNS, check_row, currency_findings
from .reference import Reference
from .rules import CONVERSIONS, Rules, problems_of, staged_schema
from .title_block import (FILLED_FROM_THE_TITLE, TitleValue, currency_codes, header_currencies, scale_of_another,
                          scale_of_another_expected, shared_codes, title_checks, title_value_for,
                          unclear_scale_expected, whole_amount)


@dataclass
class RejectedRow:
    file: str
    sheet: str
    row: int
    table: str
    problems: list[Problem]
    values: dict[str, str]  # header -> the cell as typed

    def __post_init__(self) -> None:
        self.sheet = cut(self.sheet)  # an IATI activity's identifier, said with every row

    @property
    def values_json(self) -> str:
        return json.dumps(self.values, ensure_ascii=False, sort_keys=True)


@dataclass
class Validated:
    """Accepted and rejected rows of every sheet of one table.

    The accepted rows are in the kind's staging table of the building database (etl/rules.py, Rules.stage:
    the staged rows breaking a rule are rejected here, and leave staging); `accepted` counts them. Rows
    breaking a cross-row rule (a repeated key) are found once every file is in (etl/cross_row.py), which
    moves them to `rejected`."""

    sheet: spec.Sheet
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    accepted: int = 0


class RowProblems:
    """Collects the problems of one row, naming each cell's location."""

    def __init__(self, raw: RawSheet, row_number: int):
        self.raw = raw
        self.row_number = row_number
        self.problems: list[Problem] = []

    def add(self, column_key: str | None, found: Any, expected: str, header: str | None = None) -> None:
        header = header or self.raw.headers.get(column_key) or self.raw.spec.column(column_key).header
        self.problems.append(Problem(self.raw.file, self.raw.sheet, self.row_number, header, describe(found),
                                     expected))


MONEY_COLUMNS = {"workplan": ("budget",), "expenditure": ("budget", "received", "expenditure")}


def row_values(raw: RawSheet, cells: list[Any]) -> dict[str, str]:
    """A row's cells as typed, by header: what a rejected row keeps (`kept_by_header`; two columns told apart by
    their letters)."""
    named = [*((raw.headers[key], position) for key, position in raw.columns.items()),
             *((t.header, t.position) for t in raw.timeframe)]
    return kept_by_header((header, column_letters(position), cells[position])
                          for header, position in named if position < len(cells))


def kept_by_header(cells: Iterable[tuple[str, str, Any]]) -> dict[str, str]:
    """A rejected row's cells as typed, by their headers ((header, where, cell)), the empty ones left out: each
    header cut (etl/errors.py, `cut`: kept with every row), and two that read the same (two long ones cut alike)
    told apart by where they are ('Budget (F)')."""
    kept: dict[str, str] = {}
    for header, where, cell in cells:
        if not is_blank(cell):
            header = cut(header)
            kept[header if header not in kept else f"{header} ({where})"] = clean_text(cell)
    return kept


class Derivations:
    """Values a sheet laid out by others leaves implicit, filled in per row (docs/schema.md lists them):
    the country named in a title row, the planned start and end from X marks under quarter or month
    columns, the status 'planned' where a work plan has no Status column, activity codes from the
    output and the row order, and the currency a money cell names ('$12,500')."""

    def __init__(self, raw: RawSheet, into: Validated, reference: Reference | None = None,
                 parsers: dict[str, Callable[[Any], Any]] | None = None):
        self.raw = raw
        self.parsers = parsers or {}  # each column's, to say a title's value that no row can take
        self.into = into
        self.sequence = raw.activity_numbers
        self.formats = FormatCurrencies(reference) if reference is not None else None
        self.currencies = self.formats.known if self.formats is not None else set()
        self.rated = reference.currencies if reference is not None else set()
        self.words = reference.scale_words if reference is not None else None  # and the names several currencies share
        # the currency an amount column's header names ('Budget (USD)'): key -> (code, header as written)
        # (none where the context's currency is the headers' own: a Currency cell is checked against it as a title's)
        said = raw.context.values.get("currency")
        self.headed = (header_currencies(raw.spec, raw.headers, reference.scale_words)
                       if reference is not None and (said is None or said.place != "header") else {})
        # (row, amount column, what the format shows: "'сом' is KGS", "'KGS'"): currencies from a format
        self.from_format: list[tuple[int, str, str]] = []
        # (row, amount column, what the format shows, the row's currency): a format's currency the row's own
        # Currency was read over where the format may say another ('R$' may be BRL; 'CA$'), said (`say_formats`)
        self.set_aside: list[tuple[int, str, str, str]] = []
        self.absent = {c.key for c in raw.spec.columns if c.key not in raw.columns}
        # the currency a title's words name ('All amounts in USD'), and the rows read in another (`say_formats`)
        self.prose = (raw.context.prose_currency if said is None or shared_codes(said.value, self.words)
                      else None)  # under 'Budget ($)', 'All amounts in USD' says which dollar
        self.unlike_prose: list[tuple[int, str, str]] = []  # (row, its currency, whence: a key of READ_IN)
        # the scales said of each amount column that stand beside currencies, checked against each row's (`scaled_in`:
        # "Expenditure ($000); exchange rate used: 69.5 KGS" over a row in KGS); none for a delivery report, whose
        # reader checks its own (etl/delivery_report.py); and the currencies the sheet's currency may be
        self.scaled_in_scales = {} if raw.amounts_whole else {
            key: scales for key in MONEY_COLUMNS.get(raw.spec.kind, ()) if raw.context.scale(key)
            for scales in [[scale for scale in raw.context.scales_of(key) if scale.of]] if scales}
        self.said_codes = currency_codes(said.value, self.words) if said is not None else set()
        self.default = CONVERSIONS[raw.spec.kind].currency_default if raw.spec.kind in CONVERSIONS else None
        given = {c.key: title_value_for(c, raw.context) for c in raw.spec.columns}
        # values the title block gives: for the columns the sheet lacks, every row's; for those it has, what
        # each row's cell must agree with (a title row's only)
        self.fills = {key: value for key, value in given.items() if value is not None and key in self.absent}
        self.checks = title_checks(raw.spec, raw.context, self.absent)
        # and, for a column the sheet has whose empty cells would be read by default (a currency), its empty cells
        # (a name's too: 'Expenditure (USD '000)' fills an empty Currency cell, and is no check)
        self.blanks = {key: given[key] for key in FILLED_FROM_THE_TITLE if key not in self.absent and given.get(key)}
        self.blanks_filled: dict[str, list[int]] = {key: [] for key in self.blanks}  # the rows whose cells it filled
        if raw.first_part:
            self._warn_once_for_absent_columns()

    def _warn(self, kind: str, detail: str, row: int | None = None, column: str | None = None) -> None:
        self.into.warnings.append(LoadWarning(self.raw.file, self.raw.sheet, row, column, kind, detail))

    def _warn_once_for_absent_columns(self) -> None:
        raw, absent = self.raw, self.absent
        for key, value in self.fills.items():
            if value.place.startswith("headers"):
                continue  # a period of a sheet laid out wide: etl/cells.py says how its headers were read
            header = raw.spec.column(key).header
            codes = self._shared(key, value)
            refused = None if codes else self._refused(key, value.value)
            if codes:
                self._warn("value from the title", f"no {header} column, and {value.said()} gives "
                                                   f"{quoted(value.value)}, which may be {' or '.join(codes)}: each "
                                                   "row is read in the one its amounts' number format or text shows, "
                                                   "and refused where none does")
            elif refused:
                self._warn("value from the title", f"no {header} column, and {value.said()} gives "
                                                   f"{quoted(value.value)}, which is not read (expected {refused}): "
                                                   "every row is refused for it")
            elif key == "country":
                self._warn("value from the title", f"no Country column: every row is read as country "
                                                   f"{quoted(value.value)} ({raw.context.where})")
            else:
                self._warn("value from the title", f"no {header} column: every row is read as "
                                                   f"{header[0].lower() + header[1:]} {quoted(value.value)} (from "
                                                   f"{value.said()})")
        for note in raw.context.notes:
            self._warn("title not used", note)
        self._warn_of_scale()
        if raw.spec.kind != "workplan":
            return
        if "status" in absent:
            self._warn("default value", "no Status column: every activity is read as 'planned'")
        default = CONVERSIONS["workplan"].currency_default
        if "currency" in absent and "currency" not in self.fills and "budget" in raw.columns \
                and default:
            self._warn("default value", f"no Currency column: a budget that names no currency ('€', 'EUR') is read "
                                        f"in {default}; if it is another, add a Currency column or a title row "
                                        "('Currency: ...')")
        if "activity_code" in absent:
            self._warn("default value", "no Activity code column: each activity's code is the code at the start "
                                        "of its title, else its output and its order under that output "
                                        f"('1.2 ({raw.sheet})')")
        if raw.timeframe:
            headers = listed([cut(t.header) for t in raw.timeframe])  # read whole (their group's year), cut where said
            year = raw.timeframe[0].year
            runs: list[list] = []  # the columns of each year, in their order
            for column in raw.timeframe:
                if runs and runs[-1][0].year == column.year:
                    runs[-1].append(column)
                else:
                    runs.append([column])
            years = "; " + listed([f"{cut(run[0].header)}{f' to {cut(run[-1].header)}' if len(run) > 1 else ''} in "
                                   f"{run[0].year}" for run in runs]) if len(runs) > 1 else ""
            where = "from the headers" if raw.timeframe[0].year_from else (raw.context.where or "from the headers")
            self._warn("timeframe", f"planned start and end read from the marks under {headers}"
                                    + (f" (year {year}: {where}{years})" if year else ""))

    def _shared(self, key: str, value: TitleValue) -> tuple[str, ...]:
        """The currencies a title's currency may be where it is a name several share ('dollars', '$'), in any
        language; () for another value, or another column's."""
        return shared_codes(value.value, self.words) if key == "currency" else ()

    def _refused(self, key: str, value: Any) -> str | None:
        """What a column's parser expects where it refuses `value`; None where it reads it (or there is none)."""
        try:
            self.parsers.get(key, lambda given: given)(value)
        except ValueProblem as problem:
            return problem.expected
        return None

    def _warn_of_scale(self) -> None:
        """Say how the sheet's amounts are read where its title rows, names or group headers say they are in
        thousands or millions; that nothing was scaled where what they stand over holds no amounts."""
        raw = self.raw
        money = [c.key for c in raw.spec.columns if c.kind == spec.MONEY and c.key in raw.columns]
        unscaled = [raw.headers[key] for key in money if not raw.context.scale(key)]
        for word in raw.context.unplaced if unscaled else ():  # 'Expenditure, thousands': a scale, or a name?
            columns = " and ".join([", ".join(unscaled[:-1]), unscaled[-1]] if len(unscaled) > 1 else unscaled)
            self._warn("title not used", (
                f"the {word.place} {quoted(word.text)} has {quoted(word.words)} with no currency beside it, so it "
                f"scales no amount: {columns} {'is' if len(unscaled) == 1 else 'are'} read as written; if the amounts "
                f"are in {word.name}, write 'in {word.name}' or their currency beside the word"))
        if not raw.context.scales:
            return
        read: dict[tuple, list[str]] = {}  # (power, the scales said) -> the amount columns read so
        for key in money:
            power = raw.context.scale(key)
            if power:  # else none said, or two (each row's amounts are then refused: `unclear_scale`)
                read.setdefault((power, raw.context.scales_of(key)), []).append(raw.headers[key])
        for (power, scales), headers in read.items():
            said = "; ".join(scale.said() for scale in scales)
            columns = " and ".join([", ".join(headers[:-1]), headers[-1]] if len(headers) > 1 else headers)
            factor = 10 ** power
            self._warn("amounts scaled", f"{said}: {columns} {'is' if len(headers) == 1 else 'are'} read as "
                                         f"written times {factor:,} (150 is read as {150 * factor:,}); if the amounts "
                                         "are whole, take the words out")
        unused = [scale for scale in raw.context.scales if not any(key in money for key in scale.columns or money)]
        for scale in unused:
            over = ", ".join(raw.headers.get(key, key) for key in scale.columns)
            self._warn("title not used", f"{scale.said()}, but {f'{over} holds' if over else 'this sheet has'} no "
                                         "amounts: nothing was scaled, and its values are read as written")

    def unclear_scale(self, key: str) -> str | None:
        """What a problem says of an amount where two scales are said of its column, else None."""
        unclear = self.raw.context.scale_unclear(key)
        return None if unclear is None else unclear_scale_expected(unclear)

    def missing_hint(self, column: spec.Column) -> str:
        """What a problem for an empty required cell adds where the sheet has no such column."""
        if column.key not in self.absent:
            return ""
        notes = self.raw.context.notes  # said in every row: three, the rest in the 'title not used' warnings
        said = (f" ({'; '.join(notes[:3])}" + (f"; and {len(notes) - 3:,} more" if len(notes) > 3 else "") + ")"
                if notes else "")
        return (f"; this sheet has no {column.header} column and no {column.header.lower()} was found in "
                f"{self.raw.context.looked}{said}: add a {column.header} column, or a title row above the header "
                f"such as '{column.header}: ...'")

    def disagrees(self, key: str, parsed: Any, parse: Callable[[Any], Any], written: bool = True) -> str | None:
        """What a problem says when a cell disagrees with what a title row gives its column, else None; `written`:
        False where the cell is empty and the value is the amounts' (their number format's or text's currency)."""
        title = self.checks.get(key)
        if title is None:
            return None
        where = "header" if title.place == "header" else "title"
        what = "cell" if written else f"amounts' currency ({parsed})"
        try:
            stated = parse(title.value)
        except ValueProblem:
            if key not in FILLED_FROM_THE_TITLE or parsed is None:
                return None  # the title's value is not one the column takes: nothing to compare
            codes = self._shared(key, title)  # a name several share, in any language
            if codes:  # 'Currency: dollars' (JMD or USD) over a cell of KGS: no dollar; one of USD says which
                return None if parsed in codes else (
                    f"{self._said(title.value)}, as {title.said()} says: the {what} and the {where} disagree, so "
                    "correct the one that is wrong")
            # a currency without a rate ('Currency: RUB', 'Budget (RUB)'): a cell naming another still disagrees;
            # a title naming none as a code ('Currency: local currency', 'USD, KGS') is compared with nothing
            stated = self.formats.named(clean_text(title.value).upper()) if self.formats is not None else title.value
            if stated not in ISO_CURRENCIES:
                return None
        if stated == parsed:
            return None
        return (f"{quoted(title.value)}, as {title.said()} says: the {what} and the {where} disagree, so correct the "
                "one that is wrong")

    def fill(self, given: dict[str, Any], cells: list[Any], problems: RowProblems) -> set[str]:
        """Fill `given` in place; returns the columns whose missing value a problem already explains."""
        raw = self.raw
        explained: set[str] = set()
        shared: dict[str, TitleValue] = {}  # 'thousands of dollars': what the amounts show says which (below)
        for key, value in self.fills.items():
            if self._shared(key, value):
                shared[key] = value
            else:
                given[key] = value.value
        for key, value in self.blanks.items():
            if is_blank(given[key]):
                if self._shared(key, value):
                    shared[key] = value
                    continue
                given[key] = value.value
                self.blanks_filled[key].append(problems.row_number)
        if raw.spec.kind == "workplan":
            if "status" in self.absent:
                given["status"] = "planned"
            if raw.timeframe and (is_blank(given["planned_start"]) or is_blank(given["planned_end"])):
                self._timeframe(given, cells, problems)
                explained |= {"planned_start", "planned_end"}
        if raw.spec.kind in MONEY_COLUMNS:
            self._currency(given, problems)
        for key, value in shared.items():
            codes = self._shared(key, value)
            amounts = [given[money] for money in MONEY_COLUMNS.get(raw.spec.kind, ())]
            if self.default and all(map(is_blank, amounts)):
                continue  # a work plan's activity without a budget: in no currency (read as the default's)
            typed = [explicit_currency(amount) for amount in amounts if isinstance(amount, str)]
            if given[key] in codes and None in typed and not any(typed) and not any(map(self.shown, amounts)) and any(
                    currency_in_text(amount) for amount in amounts if isinstance(amount, str)):
                given[key] = None  # '$150' under '$000': any dollar still, unless another amount says which ('US$80')
            if is_blank(given[key]):  # refused naming them, whatever the sheet's language
                if key in self.blanks:
                    self.blanks_filled[key].append(problems.row_number)
                problems.add(key, value.value, shared_name_expected(clean_text(value.value), codes)
                             + self.filled_from_title(key, problems.row_number))
                explained.add(key)
            elif given[key] not in codes and key not in self.checks:  # a cell's is compared in `disagrees`
                where = "header" if value.place == "header" else "title"  # an empty cell is said so
                problems.add(key, given[key] if key in self.absent else None,
                             f"{self._said(value.value)}, as {value.said()} says: the amounts' currency "
                             f"({given[key]}) and the {where} disagree, so correct the one that is wrong")
        return explained

    def _timeframe(self, given: dict[str, Any], cells: list[Any], problems: RowProblems) -> None:
        marked = []
        for column in self.raw.timeframe:
            value = cells[column.position] if column.position < len(cells) else None
            if is_blank(value):
                continue
            if clean_text(value).casefold() not in TIMEFRAME_MARKS:
                problems.add(None, value, "a mark (X, ✓ or 1) or an empty cell", header=column.header)
                continue
            marked.append(column)
        if not marked:
            if not problems.problems:
                headers = listed([cut(t.header) for t in self.raw.timeframe])
                problems.add("planned_start", None, f"an X under the quarter(s) or month(s) the activity is planned "
                                                    f"in ({headers})")
            return
        spans = [column.span() for column in marked]
        if None in spans:
            problems.add("planned_start", "X under " + listed([cut(c.header) for c in marked]),
                         "a year for the timeframe columns: name it in a title row (e.g. 'Annual Work Plan 2015'), "
                         "the sheet name or the headers ('Q1 2015')")
            return
        given["planned_start"] = given["planned_start"] if not is_blank(given["planned_start"]) else min(
            s[0] for s in spans)
        given["planned_end"] = given["planned_end"] if not is_blank(given["planned_end"]) else max(s[1] for s in spans)

    def _currency(self, given: dict[str, Any], problems: RowProblems) -> None:
        """A row's currency where its cell names none: the one its amounts' number formats or texts show; and each
        amount checked against the row's currency, what its format or text shows and what its header names
        ('Budget (USD)', 'Budget ($)': JMD or USD), where the headers do not name one currency for the sheet."""
        keys = MONEY_COLUMNS[self.raw.spec.kind]
        shown = {key: reading for key in keys for reading in [self.shown(given[key])] if reading is not None}
        named = {key: shown[key].code if key in shown else currency_in_text(given[key]) for key in keys}
        named = {key: code for key, code in named.items() if code}
        headed = {key: code for key, (code, _) in self.headed.items() if not is_blank(given[key])}
        untold = [key for key, reading in shown.items() if reading.untold]
        if untold and is_blank(given.get("currency")):  # not read in the default currency: whose is it?
            for key in untold:
                where = ("the Currency column" if "currency" not in self.absent
                         else "a Currency column or a title row ('Currency: ...')")
                problems.add(key, given[key], f"the amount's currency in {where}: its number format shows "
                                              f"{quoted(shown[key].sign)}, which this reader cannot tell as one "
                                              "currency")
            return
        if not is_blank(given.get("currency")):
            self._set_aside(given, shown, problems.row_number)
        if not named and not headed:
            return
        source = None  # where the row's currency is its amounts': said so
        if is_blank(given.get("currency")):
            codes = set(named.values())
            unrated = [key for key in named if key in shown and named[key] not in self.rated]
            for key in unrated:  # 'R$': BRL, refused as a Currency cell would be, but said of the amount
                problems.add(key, given[key], f"an amount in a currency with a shipped exchange rate "
                                              f"({', '.join(sorted(self.rated))}): its number format shows "
                                              f"{quoted(shown[key].sign)}, which is {named[key]}")
            if unrated:
                return
            if len(codes) == 1:
                given["currency"] = codes.pop()
                formatted = [key for key in named if key in shown]
                if formatted:
                    reading = shown[formatted[0]]
                    self.from_format.append((problems.row_number, formatted[0], repr(reading.sign) + (
                        f" is {reading.code}" if reading.sign != reading.code else "")))
                source = "its amounts' number format" if formatted else "its amounts' text"
        stated = self._stated(given)
        source = source or self._source(problems.row_number)
        # what each amount says of its currency: its format or text, then its header (one problem an amount)
        told = [(key, code, False) for key, code in named.items()] + [(key, code, True) for key, code in headed.items()]
        said = " and ".join(sorted({self._said(code) for _, code, _ in told}))  # where the row names none
        where = ("the Currency column" if "currency" not in self.absent
                 else "a Currency column or a title row ('Currency: ...')")
        refused = set()
        for key, code, by_header in told:
            may_be = shared_codes(code, self.words)  # a header's '($)': JMD or USD
            if key in refused or code == stated or stated in may_be or (not stated and may_be) or (
                    not by_header and key in shown and shown[key].weak):  # a dollar, a locale: the cell says which
                continue
            how = (f" (its header {quoted(self.headed[key][1])} says)" if by_header else
                   f" (its number format shows {quoted(shown[key].sign)})" if key in shown else "")
            refused.add(key)
            problems.add(key, given[key], f"an amount in {stated} ({source}), not in {self._said(code)}{how}: fix the "
                                          "amount or the currency" if stated else
                         f"the amounts of a row in one currency, but they name {said}: this one "
                         f"{self._said(code)}{how}; write the row's currency in {where}, and fix the amounts in "
                         "another")

    def scaled_in(self, given: dict[str, Any], record: dict[str, Any], written: Any, problems: RowProblems) -> None:
        """Each amount read (`record`) in thousands (or millions) of currencies its scale words stand beside, where
        the title's currency is not one of them, checked against the row's currency (`given`'s: its cell's,
        `written`, a title's or its amounts' where empty; else a work plan's default): a row in another is refused,
        its amount no number of thousands of them ('$000' over a row in KGS); zero is zero in any. One problem an
        amount: none where another is already said of it."""
        if not self.scaled_in_scales:
            return
        refused = {problem.column for problem in problems.problems}
        stated = self._stated(given)
        row = problems.row_number
        if stated and not is_blank(written):
            source, fix = "the Currency column", "correct the row's currency or the {}"
        elif stated and (self.filled_from_title("currency", row) or "currency" in self.fills):
            source, fix = self._source(row), "correct the one that is wrong"
        elif stated:
            source, fix = "its amounts' number format or text", "correct the amounts' number format or the {}"
        else:
            stated, source = self.default, "the work plan's default currency: the row names none"
            fix = ("name the row's currency in a Currency column, or correct the {}" if "currency" in self.absent
                   else "write the row's currency in its Currency cell, or correct the {}")
        if not stated or not (stated in self.rated or shared_codes(stated, self.words)):
            return  # none (a required cell: refused for it), or one the currency parser refuses
        codes = currency_codes(stated, self.words)
        for key, scales in self.scaled_in_scales.items():
            scale = scale_of_another(scales, codes, self.said_codes)
            header = self.raw.headers.get(key, self.raw.spec.column(key).header)
            if scale is None or not record.get(key) or cut(header) in refused:
                continue
            where = "header" if scale.place.endswith("header") else "title"
            problems.add(key, given[key],
                         scale_of_another_expected(scale, self._said(stated), source, fix.format(where)))

    def _said(self, code: str) -> str:
        """A currency an amount or its header names, for a message: its code, or a name several share with theirs."""
        may_be = shared_codes(code, self.words)
        return f"{quoted(code)} ({' or '.join(may_be)})" if may_be else code

    def _stated(self, given: dict[str, Any]) -> str:
        """The currency a row names (its cell, the title's or a fill), as a code where it is a currency's name."""
        written = clean_text(given.get("currency") or "")
        if shared_codes(written, self.words):  # 'dollars', '$': said as written
            return cut(written)
        stated = sign_currency(written) or cut(written.upper())  # '€' is EUR; a long title's text: said in each row
        return self.formats.named(stated) if self.formats is not None else stated

    def _source(self, row: int) -> str:
        """Where a row's currency comes from, for a message: its Currency cell, or the title's value."""
        filled = "currency" in self.fills or bool(self.filled_from_title("currency", row))
        return (self.fills.get("currency") or self.blanks["currency"]).said() if filled else "the Currency column"

    def _set_aside(self, given: dict[str, Any], shown: dict[str, FormatReading], row: int) -> None:
        """Where an amount's format may show another currency than the one its row names, and the row's is read
        (a dollar or a locale's currency, weak: 'R$' may be BRL; one this reader cannot tell: 'CA$'), the first
        such amount of the row is kept for one warning (`say_formats`): the reader is not sure."""
        stated = self._stated(given)
        for key, reading in shown.items():
            if reading.untold or (reading.weak and reading.code != stated):
                self.set_aside.append((row, key, repr(reading.sign) + (
                    f" may be {reading.code}" if reading.code and reading.sign != reading.code else ""),
                                       f"{stated} from {self._source(row)}"))
                return

    def filled_from_title(self, key: str, row: int) -> str:
        """Where a row's empty cell was given the title's value (`fill`), that said, for a message on it."""
        if row in self.blanks_filled.get(key, ())[-1:]:
            return f" (the cell is empty: its value is from {self.blanks[key].said()})"
        return ""

    def shown(self, value: Any) -> FormatReading | None:
        """What a number's format shows beside it says (its currency, its scale), or None for a number without."""
        return self.formats.read(value) if isinstance(value, CurrencyShown) and self.formats is not None else None

    def in_scale(self, given: dict[str, Any]) -> None:
        """An amount whose format shows a scale word beside it ('150 тыс.') is read in that scale (CurrencyInScale),
        as one followed by 'K' is."""
        if self.formats is not None:
            for key in MONEY_COLUMNS.get(self.raw.spec.kind, ()):
                given[key] = self.formats.in_scale(given[key])

    def read_in(self, record: dict[str, Any], written: Any, row: int) -> None:
        """A row is read (`record`; `written`: its Currency cell as written): its currency kept where the title's
        words name another (`say_formats`), with whence it came: its Currency cell, its amounts' number format or
        text, or the default of a row with an amount naming none (etl/rules.py, CONVERSIONS)."""
        if self.prose is None:
            return
        currency, whence = record.get("currency"), "cell" if not is_blank(written) else "amounts"
        if currency is None and self.default and any(record.get(key) is not None
                                                     for key in MONEY_COLUMNS[self.raw.spec.kind]):
            currency, whence = self.default, "default"
        if currency is not None and currency != self.prose.value:
            self.unlike_prose.append((row, currency, whence))

    def say_formats(self) -> None:
        """One warning per sheet for the rows whose currency their amount's number format gave (`_currency`), one
        for those whose empty Currency cell the title's currency filled (`fill`), and one for those read in another
        currency than the title's words name (`read_in`)."""
        rejected = {r.row for r in self.into.rejected if (r.file, r.sheet) == (self.raw.file, self.raw.sheet)}
        unlike = [(row, code, whence) for row, code, whence in self.unlike_prose if row not in rejected]
        if unlike:
            said = []
            for whence, how in READ_IN.items():
                for code in sorted({code for _, code, source in unlike if source == whence}):
                    rows = [row for row, named, source in unlike if (source, named) == (whence, code)]
                    said.append((f"rows {row_ranges(rows)} are" if len(rows) > 1 else f"row {rows[0]} is")
                                + f" read in {code}, {how.format(s='their' if len(rows) > 1 else 'its')}")
            count = {source: sum(whence == source for _, _, whence in unlike) for source in READ_IN}
            empty = count["amounts"] + count["default"]
            fixes = ([f"fix the cell{'s' if count['cell'] > 1 else ''}"] if count["cell"] else []) + (
                [f"write the currency in the empty cell{'s' if empty > 1 else ''}" if "currency" in self.raw.columns
                 else "add a Currency column"] if empty else []) + (
                ["correct the amounts' number format or text"] if count["amounts"] else [])
            fix = ", ".join(fixes[:-1]) + " and " + fixes[-1] if len(fixes) > 1 else fixes[0]
            code = self.prose.value
            self._warn("title not used", (
                f"the {self.prose.place} {quoted(self.prose.text)} names {code}, but {'; '.join(said)} (a title's "
                f"words are not read as the rows' currency): if the title is right, {fix}; or write "
                f"'Currency: {code}' above the header to have each row checked against it"),
                min(row for row, _, _ in unlike), self.raw.headers.get("currency"))
        for key, filled in self.blanks_filled.items():
            rows = [row for row in filled if row not in rejected]
            if rows:
                header = self.raw.headers.get(key, self.raw.spec.column(key).header)
                self._warn("value from the title", (
                    f"rows {row_ranges(rows)} have no {header}: read as" if len(rows) > 1 else
                    f"no {header}: read as") + f" {quoted(self.blanks[key].value)}, from {self.blanks[key].said()}",
                    rows[0], header)
        aside = [(row, key, sign, stated) for row, key, sign, stated in self.set_aside if row not in rejected]
        if aside:
            rows, signs = [row for row, *_ in aside], sorted({sign for _, _, sign, _ in aside})
            row, key, _, _ = aside[0]
            stated = sorted({stated for *_, stated in aside})
            self._warn("currency of the format set aside", (
                f"rows {row_ranges(rows)} are read in their rows' currency ({'; '.join(stated)}), not in the one "
                "their amounts' number formats may show" if len(rows) > 1 else
                f"read in {stated[0]}, not in the one its number format may show") + (
                f" ({', '.join(signs)}); if the format is right, fix the currency"), row,
                self.raw.headers.get(key, self.raw.spec.column(key).header))
        read = [(row, key, sign) for row, key, sign in self.from_format if row not in rejected]
        if not read:
            return
        rows = [row for row, _, _ in read]
        signs = sorted({sign for _, _, sign in read})
        row, key, _ = read[0]
        self._warn("currency from the format", (
            (f"rows {row_ranges(rows)} name no currency: read" if len(rows) > 1 else "no currency: read")
            + (" in the one the amount's number format shows" if len(rows) == 1 else
               " each in the one its amount's number format shows") + f" ({', '.join(signs)}); if that is"
            " right, write it in the Currency column"), row,
            self.raw.headers.get(key, self.raw.spec.column(key).header))

    def activity_code(self, record: dict[str, Any]) -> str:
        output = record["output_code"]
        self.sequence[output] = self.sequence.get(output, 0) + 1
        leading = re.match(r"(\d+(?:\.\d+)+)[\s.:)\u2013-]", record["activity_title"] + " ")
        if leading:
            return leading.group(1)
        suffix = f" ({self.raw.sheet})" if spec.sheet_for_title(self.raw.sheet) is not self.raw.spec else ""
        return f"{output}.{self.sequence[output]}{suffix}"


# Whence a row's currency came, as a warning on rows read in another than a title's words name says it
READ_IN = {"cell": "as the Currency column says", "amounts": "as {s} amounts' number format or text shows",
           "default": "the default for a row naming no currency"}

# Columns whose cells repeat a few values (codes, choices, periods): each distinct cell is parsed once.
REPEATING_KINDS = {spec.COUNTRY, spec.OUTPUT, spec.AGENCY, spec.CHOICE, spec.PERIOD, spec.CURRENCY,
                   spec.PROGRAMME_YEAR, spec.DIMENSION, spec.CATEGORY}
MEMO_LIMIT = 10_000


def remembered(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`parse`, remembering its result or its ValueProblem per distinct cell (type and value, so 1,
    1.0 and '1' stay apart). The problem is raised again as it was; its message names the cell, so it
    is the same for every cell with that value."""
    memo: dict[tuple[type, Any], tuple[bool, Any]] = {}

    def parse_remembered(value: Any) -> Any:
        key = (type(value), value)
        try:
            found = memo.get(key)
        except TypeError:  # an unhashable cell: parsed every time
            return parse(value)
        if found is None:
            try:
                found = (True, parse(value))
            except ValueProblem as problem:
                found = (False, problem)
            if len(memo) >= MEMO_LIMIT:
                memo.clear()
            memo[key] = found
        if found[0]:
            return found[1]
        raise found[1]

    return parse_remembered


def stage(raw: RawSheet, staged: pa.Table, rules: Rules, into: Validated,
          cells_of: Callable[[set[int]], dict[int, list[Any]]]) -> None:
    """Rows whose every cell parsed (`staged`, of etl.rules.staged_schema) into the kind's staging table,
    through the derivations and the cross-field rules of etl/rules.py (Rules.stage): those breaking a rule
    go to into.rejected with their cells as typed (`cells_of` the rows' numbers), the others stay staged."""
    broken = rules.stage(raw.spec.kind, staged)
    into.warnings.extend(_no_currency(raw, staged, set(broken)))
    if broken:
        cells = cells_of(set(broken))
        for row in sorted(broken):
            into.rejected.append(RejectedRow(raw.file, raw.sheet, row, raw.spec.table,
                                             problems_of(row, broken[row], raw.file, raw.sheet, raw.headers, raw.spec),
                                             row_values(raw, cells[row])))
    into.accepted += staged.num_rows - len(broken)


NO_CURRENCY = "currency by default"


def _no_currency(raw: RawSheet, staged: pa.Table, broken: set[int]) -> list[LoadWarning]:
    """A row with an amount and an empty Currency cell, in a sheet laid out by others whose kind reads such an
    amount in a default currency (etl/rules.py, CONVERSIONS: a work plan's, USD): one warning per row, which the
    load merges into one per sheet (`merged_no_currency`). The template's own sheet says the rule under its
    Currency header ('USD when empty'); a sheet without a Currency column says it once (Derivations)."""
    default = CONVERSIONS[raw.spec.kind].currency_default if raw.spec.kind in CONVERSIONS else None
    if not default or not raw.laid_out_by_others or "currency" not in raw.columns or not staged.num_rows:
        return []
    amounts = CONVERSIONS[raw.spec.kind].amounts
    has_amount = pc.or_(*[pc.is_valid(staged.column(a)) for a in amounts]) if len(amounts) > 1 else pc.is_valid(
        staged.column(amounts[0]))
    blank = pc.and_(pc.is_null(staged.column("currency")), has_amount)
    rows = pc.filter(staged.column("source_row"), blank).to_pylist()
    return [LoadWarning(raw.file, raw.sheet, row, raw.headers["currency"], NO_CURRENCY, default)
            for row in rows if row not in broken]


def merged_no_currency(warnings: list[LoadWarning], named: dict[tuple[str, str], set[str]]) -> list[LoadWarning]:
    """`warnings`, the rows of each sheet read in the default currency (NO_CURRENCY) said in one warning, at the
    first such row, where other rows of the sheet name another currency (`named`: (file, sheet) -> the currencies
    its loaded rows have): an empty cell under 'KGS' may mean 'the same', and is read as the default. Where every
    other row is in the default too, the template's rule ('USD when empty') goes without saying. The same in both
    lanes, whichever rows each read."""
    rows: dict[tuple[str, str], list[LoadWarning]] = {}
    kept = []
    for warning in warnings:
        if warning.kind == NO_CURRENCY:
            rows.setdefault((warning.file, warning.sheet), []).append(warning)
        else:
            kept.append(warning)
    for (file, sheet), found in rows.items():
        default = found[0].detail
        others = sorted(named.get((file, sheet), set()) - {default})
        if not others:
            continue
        found.sort(key=lambda w: w.row)
        numbers = [w.row for w in found]
        kept.append(LoadWarning(file, sheet, numbers[0], found[0].column, NO_CURRENCY,
                                f"no currency in row{'s' if len(numbers) > 1 else ''} {row_ranges(numbers)}: "
                                f"{'its amount is' if len(numbers) == 1 else 'their amounts are'} read in {default}, "
                                f"the default, while other rows name {', '.join(others)}; write the currency in each "
                                "row (an empty cell does not repeat the one above)"))
    return kept


REPORTED_PER_COLUMN = 20  # cells reported one by one per column, sheet and kind of report; the rest summed up
PERCENT_FORMAT = "percentage format"
SCALED_FORMAT = "scaled format"
NOT_SHOWN_FORMAT = "number not shown"
BY_SIZE_FORMAT = "number shown by size"


class CellReports:
    """What is said of single cells of the accepted rows: values read two ways (etl/conventions.py), reported by
    their column's convention, and numbers formatted as percentages, read as Excel shows them
    (etl/formatted.py); of each kind, each of the first REPORTED_PER_COLUMN of a column, then one warning for
    the rest."""

    def __init__(self, raw: RawSheet, conventions: dict[str, Convention], into: Validated):
        self.raw, self.conventions, self.into = raw, conventions, into
        self.more: dict[tuple[str, str], list[int]] = {}

    def _header(self, key: str) -> str:
        return self.raw.headers.get(key) or self.raw.spec.column(key).header

    def check(self, key: str, value: Any, row: int) -> tuple[str, LoadWarning] | None:
        """The report on a cell, if it reads two ways (added by `add` once its row is accepted)."""
        convention = self.conventions.get(key)
        detail = convention.reported(value) if convention is not None and isinstance(value, str) else None
        if detail is None:
            return None
        kind = "ambiguous date" if isinstance(convention, DateOrder) else "ambiguous number"
        return key, LoadWarning(self.raw.file, self.raw.sheet, row, self._header(key), kind, detail)

    def percent(self, key: str, value: PercentFormatted, parsed: Any, row: int) -> tuple[str, LoadWarning]:
        """The report on a number formatted as a percentage, read as shown (0.75 shown as 75%, read as 75)."""
        number = parsed.number if isinstance(parsed, Reported) else parsed
        read = plain_number(number) if isinstance(number, float) else quoted(clean_text(number))
        return key, LoadWarning(self.raw.file, self.raw.sheet, row, self._header(key), PERCENT_FORMAT,
                                f"formatted as a percentage{value.by}: {value.stored} shown as {value.shown}, "
                                f"read as {read}")

    def scaled(self, key: str, value: ScaledShown, title_power: int, row: int) -> tuple[str, LoadWarning]:
        """The report on a number whose format shows it in thousands (150000 shown as 150): read as stored."""
        whole = ", the whole amount the title's thousands stand for" if title_power == value.power == 3 else (
            f", the whole amount the title's {value.scale} stand for" if title_power == value.power else "")
        return key, LoadWarning(self.raw.file, self.raw.sheet, row, self._header(key), SCALED_FORMAT,
                                f"its number format shows {value.stored} as {value.shown_number}, in {value.scale}: "
                                f"read as stored, {value.stored}{whole}")

    def suffixed(self, key: str, value: SuffixShown, row: int) -> tuple[str, LoadWarning]:
        """The report on an amount its format follows with a sign for thousands ('150 K'): read as the sign says."""
        whole = plain_number(float(Decimal(repr(float(value))).scaleb(value.power)))
        return key, LoadWarning(self.raw.file, self.raw.sheet, row, self._header(key), SCALED_FORMAT,
                                f"its number format shows {value.stored} followed by a sign for {value.scale}: read "
                                f"as {whole}")

    def not_shown(self, key: str, value: NotShown, row: int) -> tuple[str, LoadWarning]:
        """The report on a number its format does not show (';;;', '"n/a"'): read as stored."""
        return key, LoadWarning(self.raw.file, self.raw.sheet, row, self._header(key), NOT_SHOWN_FORMAT,
                                f"its number format shows no number (nothing, or text only), but the cell holds "
                                f"{value.stored}: read as stored, {value.stored}; check it in Excel (format the cell "
                                "as a number, or clear it)")

    def by_size(self, key: str, value: ShownBySize, row: int) -> tuple[str, LoadWarning]:
        """The report on a number whose format shows numbers by their size, some with a sign for a scale or a
        currency ('[>=1000]#,##0" K";0'): read as stored."""
        money = ", in the row's currency" if key in MONEY_COLUMNS.get(self.raw.spec.kind, ()) else ""
        return key, LoadWarning(self.raw.file, self.raw.sheet, row, self._header(key), BY_SIZE_FORMAT,
                                f"its number format ({quoted(value.code)}) shows numbers one way or another by their "
                                "size, not with the same sign for a scale or a currency in each: read as stored, "
                                f"{value.stored}{money}; check it in Excel (give the cell a plain number format)")

    def add(self, reports: list[tuple[str, LoadWarning]]) -> None:
        for key, warning in reports:
            rows = self.more.setdefault((key, warning.kind), [])
            if len(rows) < REPORTED_PER_COLUMN:
                self.into.warnings.append(warning)
            rows.append(warning.row)

    def finish(self) -> None:
        for (key, kind), rows in self.more.items():
            if len(rows) <= REPORTED_PER_COLUMN:
                continue
            more = len(rows) - REPORTED_PER_COLUMN
            if kind == PERCENT_FORMAT:
                detail = f"{more} more numbers of this column formatted as percentages, read as shown like those above"
            elif kind == NOT_SHOWN_FORMAT:
                detail = (f"{more} more numbers of this column that their number format does not show, read as "
                          "stored like those above")
            elif kind == BY_SIZE_FORMAT:
                detail = (f"{more} more numbers of this column that their number format shows by their size, read as "
                          "stored like those above")
            elif kind == SCALED_FORMAT:
                detail = (f"{more} more numbers of this column whose number format shows them in thousands or "
                          "millions, read like those above")
            else:
                convention = self.conventions[key]
                what = "dates" if isinstance(convention, DateOrder) else "numbers"
                detail = (f"{more} more {what} of this column read two ways, read {convention.name} like those above "
                          f"({convention.why})")
            self.into.warnings.append(LoadWarning(self.raw.file, self.raw.sheet, None, self._header(key), kind, detail))


def _cents(value: Any, amount: Decimal, key: str, raw: RawSheet, unclear: str | None) -> int:
    """An amount as staged, in whole cents: as meant (title_block.whole_amount), by the scale said of its column;
    a delivery report's amounts are whole already (RawSheet.amounts_whole)."""
    if unclear:
        raise ValueProblem(value, unclear)
    if raw.amounts_whole:
        return int(amount.scaleb(2))
    scales = raw.context.scales_of(key)
    return int(whole_amount(value, amount, raw.context.scale(key), "; ".join(s.said() for s in scales)).scaleb(2))


def _plausible(raw: RawSheet, given: dict[str, Any], record: dict[str, Any], problems: RowProblems,
               derivations: Derivations, row_number: int, units: dict[str, str], currencies: set[str]) -> None:
    """The plausibility rules of etl/plausibility.py on a row whose cells all parsed: a negative count is a
    problem, a percentage above 100 a warning; in an indicator table without a unit a percent sign gives it."""
    columns = VALUE_COLUMNS[raw.spec.kind]
    signed = frozenset(c for c in columns if isinstance(given.get(c), PercentFormatted)
                       or isinstance(given.get(c), str) and "%" in given[c])
    percent_sign = bool(signed)
    unit = record.get("unit")
    if raw.spec.kind == "indicators" and is_blank(unit) and percent_sign:
        record["unit"] = "%"
        derivations._warn("value from the sign", "no unit: read as '%', the sign its values are written with",
                          row_number, raw.headers.get("unit", "Unit"))
    values = {c: record.get(c) for c in columns}
    readings = {c: derivations.shown(given.get(c)) for c in columns}
    named = {c: (reading.code if not reading.weak else None, reading.sign) if reading is not None
             else (explicit_currency(given.get(c)), None) for c, reading in readings.items()}
    # a format's code counts where it is surely a currency; a typed one is ISO 4217's (conventions.currency_code)
    named = {c: (code, sign) for c, (code, sign) in named.items() if code in currencies or (code and sign is None)}
    for finding in (check_row(raw.spec.kind, unit, values, percent_sign, units, signed)
                    + currency_findings(unit, named, values, currencies)):
        header = raw.headers.get(finding.column) or raw.spec.column(finding.column).header
        if finding.reject:
            problems.add(finding.column, given[finding.column], finding.expected)
        else:
            derivations._warn(finding.kind, finding.expected, row_number, header)


def validate_sheet(raw: RawSheet, reference: Reference, into: Validated, rules: Rules,
                   conventions: dict[str, Convention] | None = None) -> None:
    """Parse every row of `raw` (and of its other periods' parts, for a sheet laid out wide); rows with a bad
    cell go to into.rejected, the others are staged. How each number and date column is written
    (`conventions`, etl/conventions.py) is inferred from all of a part's rows unless given (the fast lane gives
    it, inferred from the whole sheet, when it hands over some rows)."""
    for part in [raw, *raw.parts]:
        _validate_part(part, reference, into, rules, conventions)


def _validate_part(raw: RawSheet, reference: Reference, into: Validated, rules: Rules,
                   conventions: dict[str, Convention] | None = None) -> None:
    if conventions is None:
        conventions = infer_conventions(raw.spec, raw.columns, raw.rows, raw.decimal_hint, raw.language,
                                        reference.day_first(raw.language))
    parsers = {c.key: remembered(parser_for(c, reference, raw.language, conventions.get(c.key)))
               if c.kind in REPEATING_KINDS else parser_for(c, reference, raw.language, conventions.get(c.key))
               for c in raw.spec.columns}
    cell_reports = CellReports(raw, conventions, into)
    money = {c.key for c in raw.spec.columns if c.kind == spec.MONEY}
    staged: list[dict[str, Any]] = []
    derivations = Derivations(raw, into, reference, parsers)
    unclear_scale = {key: derivations.unclear_scale(key) for key in money}  # of the sheet's amounts
    currencies = derivations.currencies
    into.warnings.extend(raw.warnings)
    into.rejected.extend(raw.rejected)  # rows rejected while reading (a delivery report's: etl/delivery_report.py)
    positions = [(c.key, raw.columns.get(c.key)) for c in raw.spec.columns]
    for row_number, cells in raw.rows:
        problems = RowProblems(raw, row_number)
        width = len(cells)
        given = {key: (cells[position] if position is not None and position < width else None)
                 for key, position in positions}
        derivations.in_scale(given)
        written_currency = given.get("currency")  # as written, before a title, a header or a format fills it
        explained = derivations.fill(given, cells, problems)
        record: dict[str, Any] = {}
        reports: list[tuple[str, LoadWarning]] = []
        for column in raw.spec.columns:
            value = given[column.key]
            if column.kind == spec.REPORTED_NUMBER:
                record[f"{column.key}_note"] = None
            if is_blank(value):
                record[column.key] = None
                if column.required and column.key not in explained and not (
                        column.key == "activity_code" and column.key in derivations.absent):
                    problems.add(column.key, None, f"a value: {column.header} is required "
                                                   f"({spec.note_of(column, reference.programme.words)})"
                                                   + derivations.missing_hint(column))
                continue
            try:
                parsed = parsers[column.key](value)
            except ValueProblem as problem:
                record[column.key] = None
                problems.add(column.key, value,
                             problem.expected + derivations.filled_from_title(column.key, row_number))
                continue
            if column.key in derivations.checks:
                written = column.key != "currency" or not is_blank(written_currency)
                disagreement = derivations.disagrees(column.key, parsed, parsers[column.key], written)
                if disagreement:  # an empty cell is said as such, the amounts' currency in the message
                    problems.add(column.key, value if written else None, disagreement)
            report = cell_reports.check(column.key, value, row_number)
            if report is not None:
                reports.append(report)
            if isinstance(value, PercentFormatted):
                reports.append(cell_reports.percent(column.key, value, parsed, row_number))
            if isinstance(parsed, Reported):
                record[column.key], record[f"{column.key}_note"] = parsed.number, parsed.note
                if parsed.how == "text":
                    derivations._warn("text kept", f"{quoted(parsed.note)} is not a number: kept as text in "
                                                   f"{column.key}_note, {column.key} left empty",
                                      row_number, raw.headers.get(column.key, column.header))
            elif column.key in money:
                try:
                    record[column.key] = _cents(value, parsed, column.key, raw, unclear_scale[column.key])
                except ValueProblem as problem:
                    record[column.key] = None
                    problems.add(column.key, value, problem.expected)
                    continue
            else:
                record[column.key] = parsed
            if isinstance(value, (ScaledShown, SuffixShown)) and value == 0:
                pass  # 0 in thousands is 0: nothing to say
            elif isinstance(value, ScaledShown):
                power = raw.context.scale(column.key) if column.key in money else 0
                reports.append(cell_reports.scaled(column.key, value, power, row_number))
            elif isinstance(value, NotShown):
                reports.append(cell_reports.not_shown(column.key, value, row_number))
            elif isinstance(value, ShownBySize):
                reports.append(cell_reports.by_size(column.key, value, row_number))
            elif isinstance(value, SuffixShown) and column.key in money:
                reports.append(cell_reports.suffixed(column.key, value, row_number))
        if raw.spec.kind in MONEY_COLUMNS:
            derivations.scaled_in(given, record, written_currency, problems)
        if not problems.problems and raw.spec.kind in VALUE_COLUMNS:
            _plausible(raw, given, record, problems, derivations, row_number, reference.units, currencies)
        if not problems.problems and "activity_code" in derivations.absent and raw.spec.kind == "workplan":
            record["activity_code"] = derivations.activity_code(record)
        if problems.problems:
            into.rejected.append(RejectedRow(raw.file, raw.sheet, row_number, raw.spec.table, problems.problems,
                                             row_values(raw, cells)))
            continue
        cell_reports.add(reports)
        derivations.read_in(record, written_currency, row_number)
        record.update(source_file=raw.file, source_sheet=raw.sheet, source_row=row_number)
        staged.append(record)
    cell_reports.finish()
    stage(raw, pa.Table.from_pylist(staged, schema=staged_schema(raw.spec)), rules, into,
          lambda numbers: {number: cells for number, cells in raw.rows if number in numbers})
    derivations.say_formats()  # once the rows a cross-row rule refuses are known: it names none of them
