"""Validate raw sheet rows: every cell parsed, cross-field and cross-row rules applied.

A row with any problem is rejected whole and kept, with every problem found in it; the rows that
pass become typed records carrying their source (file, sheet, row).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

import pyarrow as pa

from . import spec
from .errors import LoadWarning, Problem, ValueProblem, describe
from .layout import TIMEFRAME_MARKS, RawSheet
from .parse import CENT, MONEY_LIMIT, Reported, clean_text, currency_in_text, is_blank, parser_for
from .reference import GLOBAL, Reference

# Attributes of an indicator that every period row of it must repeat unchanged.
INDICATOR_ATTRIBUTES = ("output_code", "indicator_title", "unit", "direction", "baseline", "baseline_year",
                        "baseline_adjusted", "end_target")


@dataclass
class RejectedRow:
    file: str
    sheet: str
    row: int
    table: str
    problems: list[Problem]
    values: dict[str, str]  # header -> the cell as typed

    @property
    def values_json(self) -> str:
        return json.dumps(self.values, ensure_ascii=False, sort_keys=True)


@dataclass
class Validated:
    """Accepted and rejected rows of every sheet of one table.

    The accepted rows not yet written to the database are `records` (dicts, from the per-cell path)
    and `frames` (Arrow tables, from the fast lane, etl/columnar.py); a load hands them over file by
    file. `accepted` counts every row accepted so far. Rows repeating a key are found by the database
    once every file is in (etl/duplicates.py), which moves them to `rejected`."""

    sheet: spec.Sheet
    records: list[dict[str, Any]] = field(default_factory=list)
    frames: list[pa.Table] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)
    accepted: int = 0

    def take(self) -> tuple[list[dict[str, Any]], list[pa.Table]]:
        """The accepted rows not yet written, which leave memory."""
        taken = self.records, self.frames
        self.records, self.frames = [], []
        return taken


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


def _rate_year(currency: str, year: int, reference: Reference) -> int:
    """Work-plan budgets use the rate of their start year, or the nearest year shipped for that currency."""
    years = [y for c, y in reference.fx_rates if c == currency]
    return min(years, key=lambda y: (abs(y - year), y))


def _to_usd(amount: Decimal | None, rate: Decimal) -> Decimal | None:
    if amount is None:
        return None
    return (amount / rate).quantize(CENT, rounding=ROUND_HALF_UP)


def _check_usd_range(record: dict, amounts: tuple[str, ...], problems: RowProblems) -> None:
    for amount in amounts:
        usd = record.get(f"{amount}_usd")
        if usd is not None and usd >= MONEY_LIMIT:
            problems.add(amount, str(record[amount]), f"an amount below 10^16 US dollars once converted "
                                                      f"(at {record['fx_rate']} {record['currency']} per USD)")


def _programme_year_of(day: dt.date) -> int:
    return day.year if day.month >= 2 else day.year - 1


def check_results(record: dict, problems: RowProblems, reference: Reference) -> None:
    level = reference.outputs[record["output_code"]]["level"]
    if level == "global" and record["country"] != GLOBAL:
        problems.add("country", record["country"],
                     f"GLOBAL, because Output {record['output_code']} is a global-level output")
    if level == "country" and record["country"] == GLOBAL:
        problems.add("country", record["country"],
                     f"a programme country, because Output {record['output_code']} is a country-level output")
    if record["baseline_adjusted"] is not None and not record["baseline_adjustment_note"]:
        problems.add("baseline_adjustment_note", None, "the reason for the adjusted baseline")


def check_workplan(record: dict, problems: RowProblems, reference: Reference) -> None:
    if record["planned_end"] < record["planned_start"]:
        problems.add("planned_end", record["planned_end"].isoformat(),
                     f"a date on or after the planned start {record['planned_start']:%d %b %Y}")
    if record["actual_start"] and record["actual_end"] and record["actual_end"] < record["actual_start"]:
        problems.add("actual_end", record["actual_end"].isoformat(),
                     f"a date on or after the actual start {record['actual_start']:%d %b %Y}")
    if record["status"] == "completed" and record["actual_end"] is None:
        problems.add("actual_end", None, "the date the activity ended, because its status is completed")
    record["currency"] = record["currency"] or "USD"
    rate_year = _rate_year(record["currency"], _programme_year_of(record["planned_start"]), reference)
    record["fx_rate"] = reference.fx_rates[(record["currency"], rate_year)]
    record["budget_usd"] = _to_usd(record["budget"], record["fx_rate"])
    _check_usd_range(record, ("budget",), problems)


def check_expenditure(record: dict, problems: RowProblems, reference: Reference) -> None:
    rate = reference.fx_rates.get((record["currency"], record["programme_year"]))
    if rate is None:
        problems.add("currency", record["currency"],
                     f"a currency with an exchange rate for {record['programme_year']} in data/reference/fx_rates.csv")
        return
    record["fx_rate"] = rate
    for amount in ("budget", "received", "expenditure"):
        record[f"{amount}_usd"] = _to_usd(record[amount], rate)
    _check_usd_range(record, ("budget", "received", "expenditure"), problems)


def check_nothing(record: dict, problems: RowProblems, reference: Reference) -> None:
    return None


ROW_CHECKS: dict[str, Callable[[dict, RowProblems, Reference], None]] = {
    "results": check_results, "workplan": check_workplan, "expenditure": check_expenditure,
    "milestones": check_nothing, "narrative": check_nothing, "indicators": check_nothing,
    "recommendations": check_nothing,
}
MONEY_COLUMNS = {"workplan": ("budget",), "expenditure": ("budget", "received", "expenditure")}


def _row_values(raw: RawSheet, cells: list[Any]) -> dict[str, str]:
    values = {raw.headers[key]: clean_text(cells[position])
              for key, position in raw.columns.items()
              if position < len(cells) and not is_blank(cells[position])}
    values.update({t.header: clean_text(cells[t.position]) for t in raw.timeframe
                   if t.position < len(cells) and not is_blank(cells[t.position])})
    return values


class Derivations:
    """Values a sheet laid out by others leaves implicit, filled in per row (docs/schema.md lists them):
    the country named in a title row, the planned start and end from X marks under quarter or month
    columns, the status 'planned' where a work plan has no Status column, activity codes from the
    output and the row order, and the currency a money cell names ('$12,500')."""

    def __init__(self, raw: RawSheet, into: Validated):
        self.raw = raw
        self.into = into
        self.sequence: dict[str, int] = {}
        self.absent = {c.key for c in raw.spec.columns if c.key not in raw.columns}
        self._warn_once_for_absent_columns()

    def _warn(self, kind: str, detail: str, row: int | None = None, column: str | None = None) -> None:
        self.into.warnings.append(LoadWarning(self.raw.file, self.raw.sheet, row, column, kind, detail))

    def _warn_once_for_absent_columns(self) -> None:
        raw, absent = self.raw, self.absent
        if "country" in absent and raw.context.country:
            self._warn("value from the title", f"no Country column: every row is read as country "
                                               f"'{raw.context.country}' ({raw.context.where})")
        if raw.spec.kind != "workplan":
            return
        if "status" in absent:
            self._warn("default value", "no Status column: every activity is read as 'planned'")
        if "activity_code" in absent:
            self._warn("default value", "no Activity code column: each activity's code is the code at the start "
                                        "of its title, else its output and its order under that output "
                                        f"('1.2 ({raw.sheet})')")
        if raw.timeframe:
            headers = ", ".join(t.header for t in raw.timeframe)
            year = raw.timeframe[0].year
            self._warn("timeframe", f"planned start and end read from the marks under {headers}"
                                    + (f" (year {year}: {raw.context.where or 'from the headers'})" if year else ""))

    def fill(self, given: dict[str, Any], cells: list[Any], problems: RowProblems) -> set[str]:
        """Fill `given` in place; returns the columns whose missing value a problem already explains."""
        raw = self.raw
        explained: set[str] = set()
        if "country" in self.absent and raw.context.country:
            given["country"] = raw.context.country
        if raw.spec.kind == "workplan":
            if "status" in self.absent:
                given["status"] = "planned"
            if raw.timeframe and (is_blank(given["planned_start"]) or is_blank(given["planned_end"])):
                self._timeframe(given, cells, problems)
                explained |= {"planned_start", "planned_end"}
        if raw.spec.kind in MONEY_COLUMNS:
            self._currency(given, problems)
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
                headers = ", ".join(t.header for t in self.raw.timeframe)
                problems.add("planned_start", None, f"an X under the quarter(s) or month(s) the activity is planned "
                                                    f"in ({headers})")
            return
        spans = [column.span() for column in marked]
        if None in spans:
            problems.add("planned_start", "X under " + ", ".join(c.header for c in marked),
                         "a year for the timeframe columns: name it in a title row (e.g. 'Annual Work Plan 2015'), "
                         "the sheet name or the headers ('Q1 2015')")
            return
        given["planned_start"] = given["planned_start"] if not is_blank(given["planned_start"]) else min(
            s[0] for s in spans)
        given["planned_end"] = given["planned_end"] if not is_blank(given["planned_end"]) else max(s[1] for s in spans)

    def _currency(self, given: dict[str, Any], problems: RowProblems) -> None:
        named = {key: currency_in_text(given[key]) for key in MONEY_COLUMNS[self.raw.spec.kind]}
        named = {key: code for key, code in named.items() if code}
        if not named:
            return
        if is_blank(given.get("currency")):
            codes = set(named.values())
            if len(codes) == 1:
                given["currency"] = codes.pop()
                return
        stated = clean_text(given.get("currency") or "").upper()
        for key, code in named.items():
            if code != stated:
                problems.add(key, given[key], f"an amount in {stated or 'one currency'} (the Currency column), "
                                              f"not in {code}: fix the amount or the currency")

    def activity_code(self, record: dict[str, Any]) -> str:
        output = record["output_code"]
        self.sequence[output] = self.sequence.get(output, 0) + 1
        leading = re.match(r"(\d+(?:\.\d+)+)[\s.:)\u2013-]", record["activity_title"] + " ")
        if leading:
            return leading.group(1)
        suffix = f" ({self.raw.sheet})" if spec.sheet_for_title(self.raw.sheet) is not self.raw.spec else ""
        return f"{output}.{self.sequence[output]}{suffix}"


# Columns whose cells repeat a few values (codes, choices, periods): each distinct cell is parsed once.
REPEATING_KINDS = {spec.COUNTRY, spec.OUTPUT, spec.AGENCY, spec.CHOICE, spec.PERIOD, spec.CURRENCY,
                   spec.PROGRAMME_YEAR}
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


def validate_sheet(raw: RawSheet, reference: Reference, into: Validated) -> None:
    """Parse every row of `raw`; good rows go to into.records, bad ones to into.rejected."""
    parsers = {c.key: remembered(parser_for(c, reference)) if c.kind in REPEATING_KINDS else parser_for(c, reference)
               for c in raw.spec.columns}
    row_check = ROW_CHECKS[raw.spec.kind]
    derivations = Derivations(raw, into)
    into.warnings.extend(raw.warnings)
    positions = [(c.key, raw.columns.get(c.key)) for c in raw.spec.columns]
    for row_number, cells in raw.rows:
        problems = RowProblems(raw, row_number)
        width = len(cells)
        given = {key: (cells[position] if position is not None and position < width else None)
                 for key, position in positions}
        explained = derivations.fill(given, cells, problems)
        record: dict[str, Any] = {}
        for column in raw.spec.columns:
            value = given[column.key]
            if column.kind == spec.REPORTED_NUMBER:
                record[f"{column.key}_note"] = None
            if is_blank(value):
                record[column.key] = None
                if column.required and column.key not in explained and not (
                        column.key == "activity_code" and column.key in derivations.absent):
                    hint = (f"; this sheet has no {column.header} column, so name it in a title row above the "
                            f"header (e.g. '{column.header}: ...')" if column.key in derivations.absent else "")
                    problems.add(column.key, None, f"a value: {column.header} is required ({column.note}){hint}")
                continue
            try:
                parsed = parsers[column.key](value)
            except ValueProblem as problem:
                record[column.key] = None
                problems.add(column.key, value, problem.expected)
                continue
            if isinstance(parsed, Reported):
                record[column.key], record[f"{column.key}_note"] = parsed.number, parsed.note
                if parsed.how == "text":
                    derivations._warn("text kept", f"'{parsed.note}' is not a number: kept as text in "
                                                   f"{column.key}_note, {column.key} left empty",
                                      row_number, raw.headers.get(column.key, column.header))
            else:
                record[column.key] = parsed
        if not problems.problems and "activity_code" in derivations.absent and raw.spec.kind == "workplan":
            record["activity_code"] = derivations.activity_code(record)
        if not problems.problems:
            row_check(record, problems, reference)
        if problems.problems:
            into.rejected.append(RejectedRow(raw.file, raw.sheet, row_number, raw.spec.table, problems.problems,
                                             _row_values(raw, cells)))
            continue
        record.update(source_file=raw.file, source_sheet=raw.sheet, source_row=row_number)
        into.records.append(record)
        into.accepted += 1
