"""A delivery report read into expenditure rows: a UNDP Combined Delivery Report (CDR) as a country office
exports it (xlsx or CSV), or an ERP export of its account lines.

A CDR has a title block (Operating Unit, Award, Period, Currency), a header row (Activity, Fund, Donor,
Account, Account Description, Budget, Expenditures, Commitments, Total, Balance: the words are in
data/reference/delivery_report.csv and the language files, etl/delivery_words.py), account lines, a subtotal
row per activity (Excel's 'ACTIVITY1 Total', 'Total ACTIVITY1', or a blank activity beside a 'Total' label) and
a grand total.
An ERP export is the account lines alone. Read here:

- the account lines are summed per activity, and each activity becomes one expenditure row (its Line
  '<award> <activity>'), of the output the award's mapping file gives it (etl/delivery_mapping.py); the
  warehouse's expenditure_by_year then sums the activities of an output;
- subtotal and grand-total rows are never loaded: each subtotal is checked against the account lines
  between it and the subtotal before, the grand total against every account line (budget and
  expenditures);
- commitments are not expenditure: not loaded, and a warning gives their sum.

A report is loaded whole or not at all: a line that cannot be read, an activity without an output, or a
total that differs from its lines is a rejected row naming its row, and then none of the report's rows is
loaded (a warning says so), so that what is loaded always adds up to the report's own grand total. The rows
built here are validated like any expenditure sheet's (etl/transform.py), each at the row of its
activity's subtotal (else its first account line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from . import spec
from .delivery_mapping import Mapping, find_mapping, where_to_write
from .delivery_words import GRAND_TOTAL, SUBTOTAL, Vocabulary, folded, load_vocabulary, normalise, title_values
from .errors import LoadWarning, Problem, ValueProblem, describe, quoted
from .layout import HeaderMatch, RawSheet, SheetContext, row_ranges, sheet_context, skipped_rows_warnings
from .title_block import (Scale, currency_codes, label_currency, scale_of_another, scale_of_another_expected,
                          shared_codes, unclear_scale_expected, whole_amount)
from .conventions import distinct_texts, infer_numbers
from .formatted import ScaledShown, SuffixShown
from .parse import CENT, FormatCurrencies, clean_text, is_blank, parse_number
from .reference import Reference
from .transform import RejectedRow, kept_by_header

CSV_SHEET = "Delivery report"  # the sheet name of a delivery report read from a CSV file
AMOUNT_ROLES = ("budget", "expenditure", "commitments", "total", "balance")
CHECKED_ROLES = ("budget", "expenditure")  # the amounts loaded, so the amounts checked against the totals
LABEL_ROLES = ("activity", "account", "account_description", "fund", "donor", "department", "implementing_agent")
# The expenditure columns of the rows built here, in this order (their positions in each built row).
BUILT_COLUMNS = ("country", "output_code", "agency", "programme_year", "budget", "received", "expenditure",
                 "currency", "comment", "line")


@dataclass
class Line:
    """An account line: its activity, the report-wide values it may override, its amounts."""

    number: int
    activity: str
    award: str | None
    country: Any
    year: Any
    currency: Any
    amounts: dict[str, Decimal]


@dataclass
class Total:
    number: int
    label: str
    grand: bool
    amounts: dict[str, Decimal | None]
    cells: dict[str, Any]
    lines: list[Line] = field(default_factory=list)  # a subtotal's: the account lines since the one before


@dataclass
class Report:
    """What the title block says, and where."""

    award: str | None
    country: Any
    year: Any
    currency: Any
    agency: str | None
    said: list[str]  # 'country 'Jamaica' (title row 2)', ... for the warning
    scales: tuple[Scale, ...] = ()  # words of the title rows or names saying the amounts are in thousands


class DeliveryReportReader:
    def __init__(self, path: Path | None, file: str, sheet: str, rows: list[list[Any]], match: HeaderMatch,
                 reference: Reference, hidden_rows: set[int] = frozenset()):
        self.path, self.file, self.sheet, self.rows = path, file, sheet, rows
        self.match, self.reference, self.hidden_rows = match, reference, hidden_rows
        self.vocabulary: Vocabulary = load_vocabulary(reference)
        self.roles = match.columns  # role -> position
        self.header = rows[match.index]
        self.rejected: list[RejectedRow] = []
        self.warnings: list[LoadWarning] = []
        self.scales = SheetContext()  # the scales the title says the amounts are in (`report`)
        self.scale_of_another: str | None = None  # what each amount expects where its scale's currency is another's
        self.formatted: dict[type, Any] = {}  # an amount of each kind a number format shows in thousands, said once
        self.formats = FormatCurrencies(reference)  # a scale word a format shows ('" тыс."': etl/parse.py)
        # how each amount column writes its numbers ('10 000,00'), from all its cells (etl/conventions.py)
        below = list(enumerate(rows[match.index + 1:], start=match.index + 2))
        self.conventions = {role: infer_numbers(distinct_texts(
            (values[position], number) for number, values in below if position < len(values)))
            for role, position in self.roles.items() if role in AMOUNT_ROLES}

    # --- helpers -----------------------------------------------------------------------------------------

    def _header(self, role: str, fallback: str) -> str:
        position = self.roles.get(role)
        if position is None or position >= len(self.header) or is_blank(self.header[position]):
            return fallback
        return clean_text(self.header[position])

    def _cell(self, values: list[Any], role: str) -> Any:
        position = self.roles.get(role)
        return values[position] if position is not None and position < len(values) else None

    def _values(self, values: list[Any]) -> dict[str, str]:
        """A row's cells as typed, by header (a column without a header by its number): what a rejection keeps."""
        def name(p: int) -> str:
            given = p < len(self.header) and not is_blank(self.header[p])
            return clean_text(self.header[p]) if given else f"column {p + 1}"
        return kept_by_header((name(p), f"column {p + 1}", cell) for p, cell in enumerate(values))

    def _reject(self, number: int, values: list[Any], problems: list[tuple[str, Any, str]]) -> None:
        self.rejected.append(RejectedRow(
            self.file, self.sheet, number, spec.EXPENDITURE.table,
            [Problem(self.file, self.sheet, number, column, describe(found), expected)
             for column, found, expected in problems], self._values(values)))

    def _warn(self, kind: str, detail: str, row: int | None = None, column: str | None = None) -> None:
        self.warnings.append(LoadWarning(self.file, self.sheet, row, column, kind, detail))

    # --- the title block -----------------------------------------------------------------------------------

    def report(self) -> Report:
        title_rows = self.rows[:self.match.index]
        told = title_values(title_rows, self.vocabulary)
        context = sheet_context(title_rows, [(self.sheet, "sheet name"),
                                             (Path(self.file).stem, "file name")], self.reference)
        self.scales = SheetContext(scales=context.scales)  # what the amounts are in, read as meant in _amounts
        said = []
        award = None
        if "title_award" in told:
            text, row = told["title_award"]
            found = re.search(r"[A-Za-z0-9][A-Za-z0-9_/.-]*", text)
            award = found.group(0) if found else None
            if award:
                said.append(f"award {award} (title row {row})")
        values: dict[str, Any] = {}
        period_row = None
        for role, name in (("title_country", "country"), ("title_period", "period"), ("title_currency", "currency"),
                           ("title_agency", "agency")):
            if role in told:
                values[name], row = told[role]
                if name == "period":
                    period_row = row
                else:
                    said.append(f"{name} {quoted(values[name])} (title row {row})")
        if "country" not in values and context.country:
            values["country"] = context.country
            said.append(context.where)
        year = _year_of(values["period"]) if "period" in values else None
        if year is None and context.year is not None and "period" not in values:
            year = context.year
        if year is not None:
            said.append(self._programme_year_said(year, values.get("period"), period_row))
        elif "period" in values:
            said.append(f"period {quoted(values['period'])} (title row {period_row}): no year found in it")
        currency = _currency_code(values.get("currency"), self.reference)
        self._check_scale_currency(currency, told.get("title_currency"), context.scales)
        return Report(award, values.get("country"), year if year is not None else values.get("period"),
                      currency, values.get("agency"), said, context.scales)

    def _check_scale_currency(self, currency: Any, told: tuple[str, int] | None, scales: tuple[Scale, ...]) -> None:
        """Where the report's currency is none of those its title's scale words stand beside ('Currency: USD'
        under 'Amounts in thousands of KGS'), each amount is refused saying so (`_amounts`), as an expenditure
        sheet's row is (etl/transform.py)."""
        words = self.reference.scale_words
        if not isinstance(currency, str) or not (currency in self.reference.currencies
                                                 or shared_codes(currency, words)):
            return
        scale = scale_of_another(scales, currency_codes(currency, words))
        if scale is not None and told is not None:
            self.scale_of_another = scale_of_another_expected(
                scale, quoted(currency) if shared_codes(currency, words) else currency,
                f"the report's currency, title row {told[1]}", "correct the one that is wrong")

    def _programme_year_said(self, year: int, period: str | None, row: int | None) -> str:
        phase = self.reference.programme.phase_of_year(year)
        span = f"{phase.year_start(year):%b %Y} – {phase.year_end(year):%b %Y}"
        where = f"period {quoted(period)} (title row {row})" if period else f"year {year}"
        return f"{where} read as programme year {phase.year_label(year)} ({span})"


    # --- the rows ----------------------------------------------------------------------------------------

    def _total_label(self, values: list[Any]) -> tuple[bool, str] | None:
        """(whether a grand total, the label) of a subtotal or grand-total row, else None."""
        grand, sub = self.vocabulary.of(GRAND_TOTAL), self.vocabulary.of(SUBTOTAL)
        amounts = {self.roles[r] for r in AMOUNT_ROLES if r in self.roles}
        for position, cell in enumerate(values):
            if position in amounts or not isinstance(cell, str) or not cell.strip():
                continue
            text = folded(cell)
            if any(text == word or text.startswith(word + " ") or text.startswith(word + "(") for word in grand):
                return True, clean_text(cell)
            if text in sub:
                return False, clean_text(cell)
            if position == self.roles.get("activity"):
                words = "|".join(re.escape(word) for word in sorted(sub, key=len, reverse=True))
                if re.fullmatch(rf"(?:\S.*\s+(?:{words})|(?:{words})\s+\S.*)", text):
                    return False, clean_text(cell)
        return None

    def _amounts(self, values: list[Any], roles: tuple[str, ...], problems: list) -> dict[str, Decimal | None]:
        amounts: dict[str, Decimal | None] = {}
        for role in roles:
            if role not in self.roles:
                continue
            value = self._cell(values, role)
            if is_blank(value):
                amounts[role] = None
                continue
            try:
                if self.scales.scale_unclear(role) is not None:
                    raise ValueProblem(value, unclear_scale_expected(self.scales.scale_unclear(role)))
                amount = Decimal(repr(parse_number(value, self.conventions.get(role), percent=False)))
                if self.scale_of_another is not None and amount:
                    raise ValueProblem(value, self.scale_of_another)
                value = self.formats.in_scale(value)  # '26 тыс.': 26,000, as '26 K' is
                if isinstance(value, (ScaledShown, SuffixShown)):
                    self.formatted[ScaledShown if isinstance(value, ScaledShown) else SuffixShown] = value
                # as meant: the title's scale, the cell's format (etl/title_block.py); whole from here on
                amounts[role] = whole_amount(value, amount, self.scales.scale(role), "; ".join(
                    scale.said() for scale in self.scales.scales)).quantize(CENT, rounding=ROUND_HALF_UP)
            except (ValueProblem, InvalidOperation) as problem:
                problems.append((self._header(role, role), value,
                                 getattr(problem, "expected", "a number")))
        return amounts

    def read_rows(self, report: Report) -> tuple[list[Line], list[Total], bool]:
        """The account lines and the total rows; and whether every amount of the lines could be read."""
        lines: list[Line] = []
        totals: list[Total] = []
        group: list[Line] = []
        last_activity: str | None = None
        amounts_read = True
        hidden = []
        for index in range(self.match.index + 1, len(self.rows)):
            number, values = index + 1, list(self.rows[index])
            if all(is_blank(v) for v in values):
                continue
            if number in self.hidden_rows:
                hidden.append(number)
                continue
            problems: list[tuple[str, Any, str]] = []
            label = self._total_label(values)
            if label is not None:
                amounts = self._amounts(values, AMOUNT_ROLES, problems)
                grand = label[0] or not group  # a 'Total' with no line since the last subtotal: the grand total
                totals.append(Total(number, label[1], grand, amounts, dict(zip(range(len(values)), values)),
                                    [] if grand else group))
                group, last_activity = [], None
                if problems:
                    self._reject(number, values, problems)
                continue
            activity = self._cell(values, "activity")
            if is_blank(activity):
                activity = last_activity
            if activity is None:
                problems.append((self._header("activity", "Activity"), None,
                                 "a value: the activity the account line is charged to"))
            amounts = self._amounts(values, CHECKED_ROLES + ("commitments",), problems)
            if problems:
                amounts_read &= all(column not in {self._header(r, r) for r in AMOUNT_ROLES}
                                    for column, _, _ in problems)
                self._reject(number, values, problems)
                continue
            last_activity = clean_text(activity)
            award = self._cell(values, "award")
            line = Line(number, last_activity, clean_text(award) if not is_blank(award) else report.award,
                        *(self._cell(values, role) if not is_blank(self._cell(values, role)) else default
                          for role, default in (("country", report.country), ("year", report.year),
                                                ("currency", report.currency))),
                        {role: amount or Decimal(0) for role, amount in amounts.items()})
            if isinstance(line.year, str) and _year_of(line.year) is not None and "year" in self.roles:
                line.year = _year_of(line.year)
            lines.append(line)
            group.append(line)
        if hidden:
            self.warnings.extend(skipped_rows_warnings(self.file, self.sheet, hidden, []))
        return lines, totals, amounts_read

    # --- the checks -----------------------------------------------------------------------------------------

    def check_totals(self, lines: list[Line], totals: list[Total]) -> None:
        for total in totals:
            covered = lines if total.grand else total.lines
            problems = []
            for role in CHECKED_ROLES:
                if role not in self.roles:
                    continue
                given = total.amounts.get(role) or Decimal(0)
                summed = sum((line.amounts[role] for line in covered), Decimal(0))
                if given != summed:
                    what = ("the sum of the report's account lines" if total.grand
                            else "the sum of the account lines since the subtotal before it")
                    problems.append((self._header(role, role), total.cells.get(self.roles[role]),
                                     f"{what} ({_rows(covered)}), {summed:,.2f}: "
                                     f"the {'grand total' if total.grand else 'subtotal'} {quoted(total.label)} says "
                                     f"{given:,.2f}, a difference of {given - summed:,.2f}; correct the report "
                                     "or export it again"))
            if problems:
                self._reject(total.number, list(total.cells.values()), problems)

    def map_activities(self, lines: list[Line]) -> dict[tuple, Any]:
        """Each activity's output (and agency), from the mapping file of its award; an activity without one
        is rejected at its first account line."""
        mappings: dict[str | None, Mapping] = {}
        mapped = {}
        seen: dict[tuple, list[Line]] = {}
        for line in lines:
            seen.setdefault((line.award, normalise(line.activity)), []).append(line)
        for (award, _), its_lines in seen.items():
            if award not in mappings:
                mappings[award] = find_mapping(self.path, award, self.reference)
            mapping = mappings[award]
            found = mapping.output_of(its_lines[0].activity)
            if found is not None:
                mapped[(award, normalise(its_lines[0].activity))] = found
                continue
            activity = its_lines[0].activity
            rows = _rows(its_lines)
            if mapping.path is not None:
                expected = (f"an activity of the mapping file {mapping.path}: add the line '{activity},<output>' "
                            f"to it (the activity's account lines: {rows})"
                            + (f"; {mapping.misread}" if mapping.misread else ""))
            else:
                expected = (f"an activity with an output: no mapping file was found for "
                            f"{'award ' + award if award else 'this report'}; create "
                            f"{where_to_write(self.path, award)} with the lines 'activity,output,agency' and "
                            f"'{activity},<output>,' (the activity's account lines: {rows})")
            first = its_lines[0].number
            self._reject(first, list(self.rows[first - 1]), [(self._header("activity", "Activity"), activity,
                                                               expected)])
        return mapped

    # --- the rows built ---------------------------------------------------------------------------------

    def built_rows(self, report: Report, lines: list[Line], totals: list[Total], mapped: dict
                   ) -> list[tuple[int, list[Any]]]:
        subtotal_of: dict[int, Total] = {id(line): total for total in totals if not total.grand
                                         for line in total.lines}
        groups: dict[tuple, list[Line]] = {}
        for line in lines:
            groups.setdefault((line.award, normalise(line.activity), clean_text(line.country or ""),
                               clean_text(line.year or ""), clean_text(line.currency or "")), []).append(line)
        built = []
        for (award, activity_key, *_), its_lines in groups.items():
            first = its_lines[0]
            target = mapped[(award, activity_key)]
            subtotals = {id(subtotal_of.get(id(line))) for line in its_lines}
            closing = subtotal_of.get(id(first))
            number = (closing.number if closing is not None and len(subtotals) == 1
                      and all(line.activity == first.activity for line in closing.lines) else first.number)
            budget = sum((line.amounts.get("budget", Decimal(0)) for line in its_lines), Decimal(0))
            expenditure = sum((line.amounts["expenditure"] for line in its_lines), Decimal(0))
            name = f"{award} {first.activity}" if award else first.activity
            cells = {
                "country": first.country, "output_code": target.output,
                "agency": target.agency or report.agency or self.vocabulary.default_agency,
                "programme_year": first.year, "budget": str(budget) if "budget" in self.roles else None,
                "received": None, "expenditure": str(expenditure), "currency": first.currency,
                "comment": _lines_comment(its_lines),
                "line": name}
            built.append((number, [cells[key] for key in BUILT_COLUMNS]))
        return sorted(built, key=lambda row: row[0])

    def warn_about(self, report: Report, lines: list[Line], totals: list[Total]) -> None:
        if report.said:
            self._warn("value from the title", "delivery report: " + "; ".join(report.said))
        for kind, value in self.formatted.items():
            self._warn("scaled format", f"delivery report: amounts whose number format shows them in {value.scale} "
                                        "(150000 as 150) are read as stored, the whole amount" if kind is ScaledShown
                                        else f"delivery report: amounts whose number format follows them with a sign "
                                             f"for {value.scale} ('150 K') are read as that many {value.scale}")
        if "commitments" in self.roles:
            committed = [line for line in lines if line.amounts.get("commitments")]
            total = sum((line.amounts["commitments"] for line in committed), Decimal(0))
            header = self._header("commitments", "Commitments")
            self._warn("commitments not loaded",
                       f"commitments are not expenditure and were not loaded: {total:,.2f}"
                       f"{' ' + clean_text(report.currency) if report.currency else ''} on {len(committed)} account "
                       f"line{'' if len(committed) == 1 else 's'}"
                       f"{' (' + _rows(committed) + ')' if committed else ''}",
                       self.match.index + 1, header)
        unused = [self._header(role, role) for role in AMOUNT_ROLES + LABEL_ROLES
                  if role in self.roles and role not in CHECKED_ROLES + ("activity", "commitments")]
        if unused:
            self._warn("columns not used", "delivery report: the account lines are summed per activity; these "
                                           "columns are not loaded: " + ", ".join(unused), self.match.index + 1)
        if totals:
            self._warn("total row", "subtotal and grand-total rows checked against the account lines and not "
                                    f"loaded: rows {row_ranges([t.number for t in totals])}")
        elif lines:
            self._warn("no grand total", "no subtotal or grand-total row: the loaded sums could not be checked "
                                         "against the report's own totals")
        if "budget" not in self.roles:
            self._warn("no budget", "no Budget column: every activity is rejected, the expenditure table needs "
                                    "a budget; export the report with its Budget column")

    def read(self) -> RawSheet:
        report = self.report()
        lines, totals, amounts_read = self.read_rows(report)
        if amounts_read:
            self.check_totals(lines, totals)
        mapped = self.map_activities(lines)
        self.warn_about(report, lines, totals)
        built = []
        if self.rejected:
            self._warn("delivery report not loaded",
                       f"none of its rows was loaded: {len(self.rejected)} row(s) rejected (the rejected rows say "
                       "why); a delivery report is loaded whole, so that the loaded sums equal its grand total")
        else:
            built = self.built_rows(report, lines, totals, mapped)
        headers = {"country": self._header("country", "Operating Unit"), "output_code": "Output (mapping file)",
                   "agency": "Agency", "programme_year": self._header("year", "Period"),
                   "budget": self._header("budget", "Budget"), "received": "Funds received",
                   "expenditure": self._header("expenditure", "Expenditures"),
                   "currency": self._header("currency", "Currency"), "comment": "Comment",
                   "line": self._header("activity", "Activity")}
        raw = RawSheet(self.file, self.sheet, spec.EXPENDITURE, self.match.index + 1,
                       {key: position for position, key in enumerate(BUILT_COLUMNS)}, headers, built,
                       context=SheetContext(scales=report.scales), laid_out_by_others=True, warnings=self.warnings,
                       amounts_whole=True)
        raw.rejected = self.rejected
        return raw


def read_report(path: Path | None, file: str, sheet: str, rows: list[list[Any]], match: HeaderMatch,
                reference: Reference, hidden_rows: set[int] = frozenset()) -> RawSheet:
    """A delivery report's sheet as expenditure rows, one per activity (see the module's docstring)."""
    return DeliveryReportReader(path, file, sheet, rows, match, reference, hidden_rows).read()


def _rows(lines: list[Line]) -> str:
    """'row 15', 'rows 8-10, 12', 'no row'."""
    if not lines:
        return "no row"
    return f"row{'s' if len(lines) > 1 else ''} {row_ranges([line.number for line in lines])}"


def _lines_comment(lines: list[Line]) -> str:
    return f"delivery report, {len(lines)} account line{'s' if len(lines) > 1 else ''} ({_rows(lines)})"


def _year_of(value: Any) -> int | None:
    """The (first) year a period names: 'Jan–Dec 2016' → 2016, 'Feb 2016 – Jan 2017' → 2016."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    found = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", clean_text(value))
    return int(found.group(1)) if found else None


def _currency_code(text: Any, reference: Reference) -> Any:
    """'USD', 'US Dollar (USD)' → USD; other text as a title's currency label is read (title_block.label_currency:
    'k€' → EUR; '$000' → '$', which the currency parser refuses naming the dollars it may be; else as written, and
    the parser says what it expects)."""
    if text is None:
        return None
    found = re.search(r"\b([A-Z]{3})\b", clean_text(text))
    return found.group(1) if found else label_currency(clean_text(text), reference)
