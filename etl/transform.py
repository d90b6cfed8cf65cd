"""Validate raw sheet rows: every cell parsed, cross-field and cross-row rules applied.

A row with any problem is rejected whole and kept, with every problem found in it; the rows that
pass become typed records carrying their source (file, sheet, row).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable

from . import spec
from .errors import Problem, ValueProblem, describe
from .extract import RawSheet
from .parse import CENT, clean_text, is_blank, parser_for
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
    """Accepted records and rejected rows of every sheet of one table."""

    sheet: spec.Sheet
    records: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)


class RowProblems:
    """Collects the problems of one row, naming each cell's location."""

    def __init__(self, raw: RawSheet, row_number: int):
        self.raw = raw
        self.row_number = row_number
        self.problems: list[Problem] = []

    def add(self, column_key: str, found: Any, expected: str) -> None:
        header = self.raw.headers.get(column_key) or self.raw.spec.column(column_key).header
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


def check_expenditure(record: dict, problems: RowProblems, reference: Reference) -> None:
    rate = reference.fx_rates.get((record["currency"], record["programme_year"]))
    if rate is None:
        problems.add("currency", record["currency"],
                     f"a currency with an exchange rate for {record['programme_year']} in data/reference/fx_rates.csv")
        return
    record["fx_rate"] = rate
    for amount in ("budget", "received", "expenditure"):
        record[f"{amount}_usd"] = _to_usd(record[amount], rate)


def check_nothing(record: dict, problems: RowProblems, reference: Reference) -> None:
    return None


ROW_CHECKS: dict[str, Callable[[dict, RowProblems, Reference], None]] = {
    "results": check_results, "workplan": check_workplan, "expenditure": check_expenditure,
    "milestones": check_nothing, "narrative": check_nothing,
}


def _row_values(raw: RawSheet, cells: list[Any]) -> dict[str, str]:
    return {raw.headers[key]: clean_text(cells[position])
            for key, position in raw.columns.items()
            if position < len(cells) and not is_blank(cells[position])}


def validate_sheet(raw: RawSheet, reference: Reference, into: Validated) -> None:
    """Parse every row of `raw`; good rows go to into.records, bad ones to into.rejected."""
    parsers = {c.key: parser_for(c, reference) for c in raw.spec.columns}
    row_check = ROW_CHECKS[raw.spec.kind]
    for row_number, cells in raw.rows:
        problems = RowProblems(raw, row_number)
        record: dict[str, Any] = {}
        for column in raw.spec.columns:
            position = raw.columns.get(column.key)
            value = cells[position] if position is not None and position < len(cells) else None
            if is_blank(value):
                record[column.key] = None
                if column.required:
                    problems.add(column.key, None, f"a value: {column.header} is required ({column.note})")
                continue
            try:
                record[column.key] = parsers[column.key](value)
            except ValueProblem as problem:
                record[column.key] = None
                problems.add(column.key, value, problem.expected)
        if not problems.problems:
            row_check(record, problems, reference)
        if problems.problems:
            into.rejected.append(RejectedRow(raw.file, raw.sheet, row_number, raw.spec.table, problems.problems,
                                             _row_values(raw, cells)))
            continue
        record.update(source_file=raw.file, source_sheet=raw.sheet, source_row=row_number)
        into.records.append(record)


def _key_text(sheet: spec.Sheet, record: dict) -> str:
    return ", ".join(f"{sheet.column(k).header} {record[k] if record[k] is not None else '(empty)'}"
                     for k in sheet.key if k != "text")


def reject_duplicates(validated: Validated) -> None:
    """A second row with the same key as an earlier one (in any file) is rejected, naming the first."""
    sheet = validated.sheet
    first_seen: dict[tuple, dict] = {}
    indicator_first: dict[tuple, dict] = {}
    kept = []
    for record in validated.records:
        key = tuple(record[k] for k in sheet.key)
        problems: list[Problem] = []
        where = (record["source_file"], record["source_sheet"], record["source_row"])
        if key in first_seen:
            first = first_seen[key]
            key_headers = " + ".join(sheet.column(k).header for k in sheet.key)
            problems.append(Problem(*where, key_headers, f"a second row for {_key_text(sheet, record)}",
                                    f"one row per {key_headers} (first given at {_location(first)})"))
        elif sheet.kind == "results":
            problems.extend(_indicator_conflicts(sheet, record, indicator_first, where))
        if problems:
            validated.rejected.append(RejectedRow(*where, sheet.table, problems, _record_values(sheet, record)))
            continue
        first_seen[key] = record
        kept.append(record)
    validated.records = kept


def _indicator_conflicts(sheet: spec.Sheet, record: dict, indicator_first: dict, where: tuple) -> list[Problem]:
    indicator = (record["country"], record["indicator_code"])
    first = indicator_first.setdefault(indicator, record)
    problems = []
    for attribute in INDICATOR_ATTRIBUTES:
        if record[attribute] != first[attribute]:
            header = sheet.column(attribute).header
            problems.append(Problem(*where, header, describe(record[attribute]),
                                    f"{describe(first[attribute])} as on {_location(first)} "
                                    f"(every period row of indicator {record['indicator_code']} "
                                    f"must give the same {header})"))
    return problems


def _location(record: dict) -> str:
    return f"{record['source_file']} › {record['source_sheet']} › row {record['source_row']}"


def _record_values(sheet: spec.Sheet, record: dict) -> dict[str, str]:
    return {c.header: clean_text(record[c.key]) for c in sheet.columns if record.get(c.key) is not None}
