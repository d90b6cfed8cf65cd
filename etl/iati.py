"""IATI activity XML (versions 2.01-2.03) into the iati_* tables.

The file is streamed with iterparse, and memory is bounded by parts, not by activities: each child of
an <iati-activity> (a budget, a transaction, a result with its indicators and periods, …) is read into
rows when it ends and then dropped, so memory grows neither with the number of activities nor with the
number of parts in one. Only the activity-level elements its own row needs (iati-identifier, title,
dates, …) are kept until the activity ends. One part, or those activity-level elements, can still be
large: $MM_IATI_MAX_ELEMENTS caps the elements of one activity, and so what is held at any time. What
happens when an activity is out of the usual order or too large is in ActivityReader's docstring.
Parsing goes through defusedxml with DTDs, entity declarations and external references forbidden: a
file carrying any of them (the vehicle of 'billion laughs' entity expansion and external-entity
attacks) is refused as unreadable.

IATI data describe other publishers' activities, in their countries and calendar periods, so they
land in tables of their own and never in the programme's `results`: the programme's reference
checks (its countries, outputs and reporting periods) stay as they are. Money keeps its own currency
and value date; the USD figure uses the shipped rate of the value date's year, and where there is
none the USD figure is NULL and `conversion_note` says why.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree

from .errors import QUOTED_LENGTH, LoadWarning, Problem, UnreadableFile, describe
from .reference import REFERENCE_DIR, Reference
from .schema import IATI_TABLES as TABLES
from .settings import positive_setting
from .transform import RejectedRow

SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CENT = Decimal("0.01")
# What the rows of each table are called in messages.
ELEMENT_TABLES = {"iati-activity": "iati_activities", "result": "iati_results", "indicator": "iati_indicators",
                  "period": "iati_periods", "baseline": "iati_values", "target": "iati_values",
                  "actual": "iati_values", "budget": "iati_budgets", "transaction": "iati_transactions"}
# IATI files that hold no activities: reported and skipped, so a folder of IATI downloads loads.
NOT_ACTIVITY_FILES = {"codelist": "an IATI codelist", "codelists": "IATI codelists",
                      "iati-organisations": "IATI organisation data"}
DEFAULT_BUDGET_TYPE, DEFAULT_BUDGET_STATUS = "1", "1"  # IATI: Original, Indicative when not given
# The children of an activity that its own row is made of (ActivityReader.activity_row): kept until it ends.
HEAD = frozenset({"iati-identifier", "title", "reporting-org", "activity-status", "activity-date",
                  "recipient-country"})
# The children read into rows of their own, in the order an activity held whole reads them.
PARTS = ("budget", "transaction", "result")
# An activity of more elements than this is no longer held whole: its parts are read as they end.
READ_IN_PARTS_ABOVE = 20_000
# Elements one activity may have. Real activities stay far below: IATI's validator refuses files over
# 60 MB, and IATI XML takes about 70 bytes an element (the D-Portal and IATI example fixtures: 72 and
# 68), so the largest activity IATI's own tools accept has about 900,000 elements.
MAX_ELEMENTS_VARIABLE = "MM_IATI_MAX_ELEMENTS"
DEFAULT_MAX_ELEMENTS = 1_000_000


def max_activity_elements() -> int:
    """$MM_IATI_MAX_ELEMENTS, else DEFAULT_MAX_ELEMENTS: the elements one <iati-activity> may have."""
    return positive_setting(MAX_ELEMENTS_VARIABLE, DEFAULT_MAX_ELEMENTS)


@lru_cache(maxsize=1)
def codelists(directory: Path = REFERENCE_DIR / "iati") -> dict[str, dict[str, str]]:
    """IATI codelists shipped in data/reference/iati: list name -> code -> English name."""
    lists = {}
    for path in sorted(directory.glob("*.xml")):
        root = SafeElementTree.parse(str(path), forbid_dtd=True).getroot()
        items = {}
        for item in root.iter("codelist-item"):
            code = (item.findtext("code") or "").strip()
            names = item.find("name")
            items[code] = _narrative(names) if names is not None else None
        lists[root.get("name") or path.stem] = items
    return lists


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def attribute(element: Element, name: str) -> str | None:
    """An attribute by its local name, with or without a namespace ('version', 'iati-activities:version')."""
    if name in element.attrib:
        return element.attrib[name].strip()
    for key, value in element.attrib.items():
        if _local(key) == name and key != XML_LANG:
            return value.strip()
    return None


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def child(element: Element, name: str) -> Element | None:
    return next(iter(children(element, name)), None)


def _narrative(element: Element | None) -> str | None:
    """The English narrative (or the one without a language, else the first); 1.x text directly inside."""
    if element is None:
        return None
    narratives = children(element, "narrative")
    if not narratives:
        text = " ".join((element.text or "").split())
        return text or None
    english = [n for n in narratives if (n.get(XML_LANG) or "en").casefold() in ("en", "eng")]
    text = " ".join(((english or narratives)[0].text or "").split())
    return text or None


class ElementProblem(Exception):
    """One element cannot be used: it is rejected, its siblings are kept."""

    def __init__(self, path: str, found: Any, expected: str):
        super().__init__(f"{path}: found {describe(found)}, expected {expected}")
        self.path, self.found, self.expected = path, found, expected


def _date(element: Element | None, path: str, required: bool = True) -> dt.date | None:
    text = attribute(element, "iso-date") if element is not None else None
    if not text:
        if required:
            raise ElementProblem(path, None, "an iso-date attribute (YYYY-MM-DD)")
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ElementProblem(path + "/@iso-date", text, "a date YYYY-MM-DD") from None


def _number(text: str | None, path: str) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        number = float(text.strip())
    except ValueError:
        raise ElementProblem(path, text, "a number (IATI values use a point for decimals and no separators)") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ElementProblem(path, text, "a finite number")
    return number


def _amount(text: str | None, path: str) -> Decimal:
    if text is None or not text.strip():
        raise ElementProblem(path, None, "an amount")
    try:
        amount = Decimal(text.strip()).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ElementProblem(path, text, "an amount such as 1500.50 (a point for decimals, no separators)") from None
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 16:
        raise ElementProblem(path, text, "a finite amount below 10^16")
    return amount


@dataclass
class IatiData:
    """Rows of the iati_* tables read from one or more files, with rejections and warnings.

    Rows are buffered per table and handed to `sink` (the database being built) every FLUSH_ROWS rows,
    so a file of several hundred MB is read in bounded memory."""

    FLUSH_ROWS = 20_000

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in TABLES})
    rejected: list = field(default_factory=list)  # transform.RejectedRow
    warnings: list[LoadWarning] = field(default_factory=list)
    identifiers: dict[str, str] = field(default_factory=dict)  # iati-identifier -> where first read
    next_value_id: int = 1
    sink: Callable[[str, list[dict[str, Any]]], None] | None = None
    rows_by_table: Counter = field(default_factory=Counter)
    rows_by_file: Counter = field(default_factory=Counter)

    def add(self, table: str, row: dict[str, Any]) -> None:
        buffer = self.rows[table]
        buffer.append(row)
        self.rows_by_table[table] += 1
        if "source_file" in row:
            self.rows_by_file[row["source_file"]] += 1
        if self.sink is not None and len(buffer) >= self.FLUSH_ROWS:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        """Hand the buffered rows (of one table, or of all) to the sink."""
        if self.sink is None:
            return
        for name in [table] if table else list(self.rows):
            if self.rows[name]:
                self.sink(name, self.rows[name])
                self.rows[name] = []

    def rows_from(self, file: str) -> int:
        return self.rows_by_file[file]


class ActivityReader:
    """Turns one <iati-activity> into rows, a child at a time as each ends; a bad element is rejected on its own.

    While an activity has at most READ_IN_PARTS_ABOVE elements, its budgets, transactions and results are
    held, and read when it ends exactly as a whole activity was: whether it loads is decided on all its
    elements, whatever their order. Past that, it is read in parts: the decision is taken on the elements
    seen so far (the IATI schema puts iati-identifier, activity-status and activity-date before any
    budget, transaction or result), the held parts are read, and each later part is read when it ends
    and dropped. The activity's own row is made when it ends, so a title or country given late is used.
    If elements after the decision would change it — an iati-identifier given only after the results,
    a second activity-date of a type that is not a date — the file is refused (UnreadableFile naming
    the activity): its rows are already written, and loading half an activity would be a silent misread.

    An activity of more than $MM_IATI_MAX_ELEMENTS elements refuses the whole file (read_iati), rather
    than being rejected on its own: such an activity is generated or hostile, not a publisher's, and
    rejecting it alone would mean taking back rows already written, after parsing it to its end. The
    load fails, the previous database is kept, and the message names the file, the activity's number
    and identifier, and the variable that raises the limit."""

    def __init__(self, data: IatiData, file: str, number: int, reference: Reference, file_version: str | None):
        self.data, self.file, self.number, self.reference = data, file, number, reference
        self.file_version = file_version
        self.identifier = "iati-activity"
        self.lists = codelists()
        self.where = f"{file} › activity {number}"
        self.numbers: Counter = Counter()  # budgets, transactions, results met so far: each one's number
        self.held: list[tuple[str, int, Element]] | None = []  # parts met before the decision; None after it
        self.decision: ElementProblem | None = None  # why the activity is not loaded; None when it is
        self.read_in_parts = False
        self.row: dict[str, Any] | None = None
        self.planned_disbursements = 0

    def reject(self, table: str, problem: ElementProblem, element: Element | None) -> None:
        where = Problem(self.file, self.identifier, self.number, problem.path, describe(problem.found),
                        problem.expected)
        values = {"element": problem.path.split("/@")[0]}
        if element is not None:
            values.update({_local(k): v for k, v in element.attrib.items()})
            if (element.text or "").strip():
                values["text"] = element.text.strip()
        self.data.rejected.append(RejectedRow(self.file, self.identifier, self.number, table, [where],
                                              {k: str(v) for k, v in values.items()}))

    def warn(self, kind: str, detail: str, path: str | None = None) -> None:
        self.data.warnings.append(LoadWarning(self.file, self.identifier, None, path, kind, detail))

    def source(self, path: str | None) -> dict[str, Any]:
        return {"source_file": self.file, "source_activity": self.number, "source_path": path}

    def child_ended(self, activity: Element, child_element: Element, elements: int) -> bool:
        """A child of the activity has ended (`elements` met in the activity so far); returns whether the
        activity keeps it (its row is made of it), else the caller drops it."""
        name = _local(child_element.tag)
        if name in PARTS:
            self.numbers[name] += 1
            if self.held is not None:
                self.held.append((name, self.numbers[name], child_element))
            elif self.decision is None:
                self.read_part(name, self.numbers[name], child_element)
        elif name == "planned-disbursement":
            self.planned_disbursements += 1
        if self.held is not None and elements > READ_IN_PARTS_ABOVE:
            self.read_in_parts = True
            self.decide(activity)
        return name in HEAD

    def finish(self, activity: Element) -> None:
        """The activity has ended: decide (if not yet), check a decision taken early, add its row."""
        if self.held is not None:
            self.decide(activity)
        elif self.read_in_parts:
            self.row, problem, _ = self.verdict(activity, warn=False)
            if str(problem) != str(self.decision):
                raise UnreadableFile(self.file, self.changed_decision(activity, problem))
        if self.decision is not None:
            return
        self.data.add("iati_activities", self.row)
        if self.planned_disbursements:
            self.warn("not imported", f"{self.planned_disbursements} planned-disbursement element(s) not imported "
                                      "(budgets and transactions are)")

    def changed_decision(self, activity: Element, problem: ElementProblem | None) -> str:
        def said(outcome: ElementProblem | None) -> str:
            return "loaded" if outcome is None else f"not loaded, {outcome}"
        return (f"refused: activity {self.number} ({_identifier_so_far(activity)}) has more than "
                f"{READ_IN_PARTS_ABOVE:,} elements, so it is read in parts and whether it is loaded is decided on "
                f"its first {READ_IN_PARTS_ABOVE:,}; elements after those change that (at first: "
                f"{said(self.decision)}; at its end: {said(problem)}): put iati-identifier and activity-date before "
                "any budget, transaction or result, as the IATI schema does")

    def verdict(self, activity: Element, warn: bool
                ) -> tuple[dict[str, Any] | None, ElementProblem | None, Element | None]:
        """The activity's row, or why it is not loaded and which element the rejection shows."""
        self.identifier = " ".join((activity.findtext("iati-identifier") or "").split()) or "iati-activity"
        try:
            row = self.activity_row(activity, warn)
        except ElementProblem as problem:
            return None, problem, activity
        first = self.data.identifiers.get(row["iati_identifier"])
        if first and first != self.where:
            return None, ElementProblem("iati-identifier", row["iati_identifier"],
                                        f"one activity per iati-identifier (first given at {first}); the second "
                                        "is not loaded"), None
        return row, None, None

    def decide(self, activity: Element) -> None:
        """Whether the activity is loaded, on its elements so far; then read the parts held until now."""
        self.row, self.decision, shown = self.verdict(activity, warn=True)
        held, self.held = self.held, None
        if self.decision is not None:
            self.reject("iati_activities", self.decision, shown)
            return
        self.data.identifiers[self.row["iati_identifier"]] = self.where
        for name, number, element in sorted(held, key=lambda part: PARTS.index(part[0])):
            self.read_part(name, number, element)

    def read_part(self, name: str, number: int, element: Element) -> None:
        currency = self.row["default_currency"]
        if name == "budget":
            self.guarded("iati_budgets", element, lambda: self.budget(element, number, currency))
        elif name == "transaction":
            self.guarded("iati_transactions", element, lambda: self.transaction(element, number, currency))
        else:
            self.guarded("iati_results", element, lambda: self.result(element, number))

    def guarded(self, table: str, element: Element, read) -> None:
        try:
            read()
        except ElementProblem as problem:
            self.reject(table, problem, element)

    def activity_row(self, activity: Element, warn: bool = True) -> dict[str, Any]:
        if self.identifier == "iati-activity":
            raise ElementProblem("iati-identifier", None, "the activity's iati-identifier")
        if len(self.identifier) > QUOTED_LENGTH:  # stored with each of its rows, and said as their place
            raise ElementProblem("iati-identifier", self.identifier,
                                 f"an iati-identifier of at most {QUOTED_LENGTH} characters, as a message says it "
                                 f"whole (the publisher's organisation identifier and the activity's own "
                                 f"reference); this one has {len(self.identifier):,}")
        version = attribute(activity, "version") or self.file_version
        if version is None:
            if warn:  # once per activity: an activity read in parts has its row made twice (ActivityReader)
                self.warn("no version", "neither the activity nor the file gives an IATI version: read as 2.03")
        elif version not in SUPPORTED_VERSIONS:
            raise ElementProblem("@version", version, "IATI version 2.01, 2.02 or 2.03 (1.x files have another "
                                                      "structure: convert them with IATI's tools)")
        dates = {attribute(d, "type"): d for d in children(activity, "activity-date")}
        status = child(activity, "activity-status")
        status_code = attribute(status, "code") if status is not None else None
        org = child(activity, "reporting-org")
        countries = [f"{attribute(c, 'code')} {attribute(c, 'percentage')}%" if attribute(c, "percentage")
                     else attribute(c, "code") for c in children(activity, "recipient-country")]
        hierarchy = attribute(activity, "hierarchy")
        return {
            "iati_identifier": self.identifier, "title": _narrative(child(activity, "title")),
            "reporting_org_ref": attribute(org, "ref") if org is not None else None,
            "reporting_org": _narrative(org), "activity_status": status_code,
            "activity_status_name": self.lists.get("ActivityStatus", {}).get(status_code),
            "planned_start": _date(dates.get("1"), "activity-date[@type=1]", False),
            "actual_start": _date(dates.get("2"), "activity-date[@type=2]", False),
            "planned_end": _date(dates.get("3"), "activity-date[@type=3]", False),
            "actual_end": _date(dates.get("4"), "activity-date[@type=4]", False),
            "default_currency": (attribute(activity, "default-currency") or "").upper() or None,
            "recipient_countries": "; ".join(c for c in countries if c) or None,
            "iati_version": version, "hierarchy": int(hierarchy) if (hierarchy or "").isdigit() else 1,
            **self.source(None),
        }

    def money(self, element: Element, path: str, default_currency: str | None, fallback_date: dt.date | None
              ) -> dict[str, Any]:
        """value, its currency and value date, and the USD figure with the rate used (or why there is none)."""
        value = child(element, "value")
        if value is None:
            raise ElementProblem(f"{path}/value", None, "a value element")
        amount = _amount(value.text, f"{path}/value")
        currency = (attribute(value, "currency") or "").upper() or default_currency
        currency_from = "value" if attribute(value, "currency") else ("activity default" if currency else None)
        value_date = None
        if attribute(value, "value-date"):
            try:
                value_date = dt.date.fromisoformat(attribute(value, "value-date")[:10])
            except ValueError:
                raise ElementProblem(f"{path}/value/@value-date", attribute(value, "value-date"),
                                     "a date YYYY-MM-DD") from None
        row = {"value": amount, "currency": currency, "currency_from": currency_from, "value_date": value_date,
               "fx_rate": None, "fx_year": None, "value_usd": None, "conversion_note": None}
        rate_date = value_date or fallback_date
        if currency is None:
            row["conversion_note"] = "no currency: neither value/@currency nor the activity's default-currency"
        elif rate_date is None:
            row["conversion_note"] = "no value-date to choose a rate by"
        elif currency == "USD":
            row.update(fx_rate=Decimal(1), fx_year=rate_date.year, value_usd=amount)
        elif (currency, rate_date.year) in self.reference.fx_rates:
            rate = self.reference.fx_rates[(currency, rate_date.year)]
            row.update(fx_rate=rate, fx_year=rate_date.year, value_usd=(amount / rate).quantize(CENT, ROUND_HALF_UP))
        else:
            row["conversion_note"] = (f"no {currency} rate for {rate_date.year} in data/reference/fx_rates.csv: "
                                      f"kept in {currency} only")
        if value_date is None and row["fx_rate"] is not None:
            row["conversion_note"] = "no value-date: converted at the rate of the year of " + (
                "the transaction date" if path.startswith("transaction") else "the budget period start")
        return row

    def budget(self, budget: Element, number: int, default_currency: str | None) -> None:
        path = f"budget[{number}]"
        start = _date(child(budget, "period-start"), f"{path}/period-start")
        end = _date(child(budget, "period-end"), f"{path}/period-end")
        if end < start:
            raise ElementProblem(f"{path}/period-end", end.isoformat(), f"a date on or after the start {start}")
        budget_type, status = attribute(budget, "type"), attribute(budget, "status")
        self.data.add("iati_budgets", {
            "iati_identifier": self.identifier, "budget_number": number,
            "budget_type": budget_type or DEFAULT_BUDGET_TYPE,
            "budget_type_name": self.lists.get("BudgetType", {}).get(budget_type or DEFAULT_BUDGET_TYPE),
            "budget_type_given": budget_type is not None, "budget_status": status or DEFAULT_BUDGET_STATUS,
            "budget_status_name": self.lists.get("BudgetStatus", {}).get(status or DEFAULT_BUDGET_STATUS),
            "budget_status_given": status is not None, "period_start": start, "period_end": end,
            **self.money(budget, path, default_currency, start), **self.source(path)})

    def transaction(self, transaction: Element, number: int, default_currency: str | None) -> None:
        path = f"transaction[{number}]"
        kind = child(transaction, "transaction-type")
        code = attribute(kind, "code") if kind is not None else None
        if not code:
            raise ElementProblem(f"{path}/transaction-type", None, "a transaction-type code")
        day = _date(child(transaction, "transaction-date"), f"{path}/transaction-date")
        provider, receiver = child(transaction, "provider-org"), child(transaction, "receiver-org")
        self.data.add("iati_transactions", {
            "iati_identifier": self.identifier, "transaction_number": number,
            "transaction_ref": attribute(transaction, "ref"), "transaction_type": code,
            "transaction_type_name": self.lists.get("TransactionType", {}).get(code), "transaction_date": day,
            **self.money(transaction, path, default_currency, day),
            "provider_org_ref": attribute(provider, "ref") if provider is not None else None,
            "provider_org": _narrative(provider), "receiver_org_ref": attribute(receiver, "ref") if receiver is not None
            else None, "receiver_org": _narrative(receiver),
            "description": _narrative(child(transaction, "description")), **self.source(path)})

    def result(self, result: Element, number: int) -> None:
        path = f"result[{number}]"
        result_type = attribute(result, "type")
        aggregation = attribute(result, "aggregation-status")
        self.data.add("iati_results", {
            "iati_identifier": self.identifier, "result_number": number, "result_type": result_type,
            "result_type_name": self.lists.get("ResultType", {}).get(result_type),
            "title": _narrative(child(result, "title")), "description": _narrative(child(result, "description")),
            "aggregation_status": None if aggregation is None else aggregation in ("1", "true"),
            **self.source(path)})
        for indicator_number, indicator in enumerate(children(result, "indicator"), start=1):
            self.guarded("iati_indicators", indicator,
                         lambda i=indicator, n=indicator_number: self.indicator(i, number, n, f"{path}/indicator[{n}]"))

    def indicator(self, indicator: Element, result_number: int, number: int, path: str) -> None:
        measure = attribute(indicator, "measure")
        reference = child(indicator, "reference")
        keys = {"iati_identifier": self.identifier, "result_number": result_number, "indicator_number": number}
        self.data.add("iati_indicators", {
            **keys, "title": _narrative(child(indicator, "title")),
            "description": _narrative(child(indicator, "description")), "measure": measure,
            "measure_name": self.lists.get("IndicatorMeasure", {}).get(measure),
            "ascending": attribute(indicator, "ascending") not in ("0", "false"),
            "reference_vocabulary": attribute(reference, "vocabulary") if reference is not None else None,
            "reference_code": attribute(reference, "code") if reference is not None else None, **self.source(path)})
        for baseline_number, baseline in enumerate(children(indicator, "baseline"), start=1):
            self.guarded("iati_values", baseline, lambda b=baseline, n=baseline_number: self.value(
                b, "baseline", keys, None, f"{path}/baseline[{n}]"))
        for period_number, period in enumerate(children(indicator, "period"), start=1):
            self.guarded("iati_periods", period, lambda p=period, n=period_number: self.period(
                p, keys, n, f"{path}/period[{n}]"))

    def period(self, period: Element, keys: dict[str, Any], number: int, path: str) -> None:
        start = _date(child(period, "period-start"), f"{path}/period-start")
        end = _date(child(period, "period-end"), f"{path}/period-end")
        if end < start:
            raise ElementProblem(f"{path}/period-end", end.isoformat(), f"a date on or after the start {start}")
        self.data.add("iati_periods", {**keys, "period_number": number, "period_start": start,
                                               "period_end": end, **self.source(path)})
        for kind in ("target", "actual"):
            for value_number, element in enumerate(children(period, kind), start=1):
                self.guarded("iati_values", element, lambda e=element, k=kind, n=value_number: self.value(
                    e, k, keys, number, f"{path}/{k}[{n}]"))

    def value(self, element: Element, kind: str, keys: dict[str, Any], period_number: int | None, path: str) -> None:
        number = _number(attribute(element, "value"), f"{path}/@value")
        year = attribute(element, "year")
        if kind == "baseline" and year and not year.isdigit():
            raise ElementProblem(f"{path}/@year", year, "a year such as 2012")
        dimensions = [(attribute(d, "name") or "", attribute(d, "value")) for d in children(element, "dimension")]
        value_id = self.data.next_value_id
        self.data.next_value_id += 1
        self.data.add("iati_values", {
            "value_id": value_id, **keys, "period_number": period_number, "value_kind": kind, "value": number,
            "baseline_year": int(year) if kind == "baseline" and year else None,
            "baseline_date": _date(element, path, required=False) if kind == "baseline" else None,
            "dimensions": "; ".join(f"{name}={value}" for name, value in dimensions) or None,
            "comment": _narrative(child(element, "comment")), **self.source(path)})
        for name, value in dimensions:
            self.data.add("iati_dimensions", {"value_id": value_id, "name": name, "value": value})


def read_iati(path: Path, file: str, reference: Reference, into: IatiData) -> int:
    """Stream the activities of one IATI file into `into`; returns how many were read.

    Raises UnreadableFile for XML that is not well formed, not IATI activity XML, or carries a DTD,
    entity declarations or external references; for an activity of more than $MM_IATI_MAX_ELEMENTS
    elements or holding another activity; and for an activity read in parts whose late elements
    change whether it is loaded (ActivityReader)."""
    limit = max_activity_elements()
    count = 0
    root: Element | None = None
    file_version = None
    open_elements: list[Element] = []  # the element being parsed and its ancestors
    activity: Element | None = None  # the <iati-activity> being read
    reader: ActivityReader | None = None
    elements = 0  # met so far inside `activity`
    try:
        for event, element in SafeElementTree.iterparse(str(path), events=("start", "end"), forbid_dtd=True,
                                                        forbid_entities=True, forbid_external=True):
            if event == "start":
                if root is None:
                    root = element
                    if _local(root.tag) in NOT_ACTIVITY_FILES:
                        into.warnings.append(LoadWarning(file, _local(root.tag), None, None, "file skipped",
                                                         f"{NOT_ACTIVITY_FILES[_local(root.tag)]}, not activity "
                                                         "data: skipped"))
                        return 0
                    if _local(root.tag) not in ("iati-activities", "iati-activity"):
                        raise UnreadableFile(file, f"not IATI activity XML: the root element is <{_local(root.tag)}>, "
                                                   "expected <iati-activities> or <iati-activity>")
                    file_version = attribute(root, "version") if _local(root.tag) == "iati-activities" else None
                if activity is not None:
                    elements += 1
                    if elements > limit:
                        raise UnreadableFile(file, _too_large(activity, count, limit))
                    if _local(element.tag) == "iati-activity":
                        raise UnreadableFile(file, f"not IATI activity XML: activity {count} "
                                                   f"({_identifier_so_far(activity)}) holds another <iati-activity>")
                elif _local(element.tag) == "iati-activity":
                    count += 1
                    activity, elements = element, 0
                    reader = ActivityReader(into, file, count, reference, file_version)
                open_elements.append(element)
                continue
            open_elements.pop()
            parent = open_elements[-1] if open_elements else None
            if element is activity:
                reader.finish(activity)
                activity = reader = None
            elif activity is not None and (parent is not activity or reader.child_ended(activity, element, elements)):
                continue  # a grandchild stays in its part until the part ends; the activity's head until it ends
            if parent is not None:
                _drop(parent, element)  # read, or not needed: memory holds what is still to read
    except DefusedXmlException as error:
        raise UnreadableFile(file, f"refused: the XML carries a DTD, an entity declaration or an external "
                                   f"reference ({type(error).__name__}), which could expand without bound or "
                                   "read other files") from None
    except ParseError as error:
        raise UnreadableFile(file, f"not well-formed XML ({error})") from None
    if root is None:
        raise UnreadableFile(file, "an empty XML file")
    if count == 0:
        raise UnreadableFile(file, "IATI XML without any <iati-activity>")
    return count


def _identifier_so_far(activity: Element) -> str:
    identifier = " ".join((activity.findtext("iati-identifier") or "").split())
    return describe(identifier) if identifier else "no iati-identifier yet"


def _too_large(activity: Element, number: int, limit: int) -> str:
    return (f"refused: activity {number} ({_identifier_so_far(activity)}) has more than {limit:,} elements, the limit "
            f"for one activity (one in a file IATI's validator accepts, up to 60 MB, has at most about 900,000; "
            f"set {MAX_ELEMENTS_VARIABLE} to change it)")


def _drop(parent: Element, element: Element) -> None:
    """Take an ended element out of its parent. iterparse reads 16 KB ahead, so later siblings may already
    follow it: look from the end, which keeps this quick however many children the parent keeps."""
    for index in range(len(parent) - 1, -1, -1):
        if parent[index] is element:
            del parent[index]
            return
