"""The programme's own results and finance as IATI 2.03 activity XML (`python -m etl export-iati`).

Layout, following how UNDP publishes projects and their outputs to IATI:

- one parent activity per country (and one for GLOBAL), hierarchy 1, identifier
  `{reporting org}-{programme code}-{ISO-3}`, holding the results: one <result> per output, one <indicator> per
  indicator code (the code is the indicator's <reference vocabulary="99">), the baseline in force,
  and one <period> per reporting period that has a target or an actual;
- one child activity per country, output and agency with money, hierarchy 2, identifier
  `{reporting org}-{programme code}-{ISO-3}-O{output}-{agency}`: one <budget> per programme year (as the
  programme's calendar has it, status committed) and one incoming-funds (type 1) and one expenditure (type 4)
  <transaction> per year, each in the currency reported, value-dated on the first day of the
  programme year so that a re-import converts at the same year's rate.

Elements are written in the order the 2.03 schema's sequences require. Re-importing the file
(`python -m etl load file.xml`) gives back the same numbers: tests/test_iati_export.py checks it.
"""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from . import schema
from .errors import LoadFailed
from .programme import Programme, check_built_with, from_warehouse, read_programme
from .reference import GLOBAL
from .warehouse import open_read_only


@dataclass
class ExportSummary:
    path: Path
    activities: int
    indicators: int
    periods: int
    budgets: int
    transactions: int


def _number(value: float | Decimal) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _narrative(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    ET.SubElement(element, "narrative").text = text
    return element


class IatiWriter:
    def __init__(self, connection: duckdb.DuckDBPyConnection, programme: Programme, org_ref: str | None,
                 org_name: str | None):
        """The programme's facts (its agencies, dates, titles) come from the warehouse; the publisher is the
        programme's reporting agency unless `org_ref` names another."""
        self.connection, self.programme = connection, programme
        agency = next(a for a in programme.agencies if a.code == programme.reporting_agency)
        self.org_ref = org_ref or agency.iati_org
        self.org_name = org_name or (agency.name if self.org_ref == agency.iati_org else self.org_ref)
        self.countries = dict(connection.execute("SELECT iso3, name FROM countries").fetchall())
        self.iso2 = {iso3: iso2 for iso3, iso2 in connection.execute("SELECT iso3, iso2 FROM countries").fetchall()
                     if iso2}
        self.as_of = connection.execute("SELECT as_of_date FROM reporting_date").fetchone()[0]
        self.outputs = dict(connection.execute("SELECT output_code, title FROM outputs").fetchall())
        self.counts = dict(activities=0, indicators=0, periods=0, budgets=0, transactions=0)

    def identifier(self, country: str) -> str:
        return f"{self.org_ref}-{self.programme.code}-{country}"

    def country_name(self, country: str) -> str:
        return "global level" if country == GLOBAL else self.countries.get(country, country)

    def activity(self, root: ET.Element, identifier: str, title: str, country: str, hierarchy: int,
                 currency: str | None = None, outputs: list[str] | None = None,
                 indicator_targets: tuple[str, ...] = ()) -> ET.Element:
        """The header elements every activity has, in schema order, up to its tags: the SDG targets of the
        outputs it covers (`outputs`: default, every output of its scope), as IATI tags of vocabulary 3
        (UN SDG targets)."""
        attributes = {"{http://www.w3.org/XML/1998/namespace}lang": "en", "hierarchy": str(hierarchy),
                      "last-updated-datetime": dt.datetime.now().replace(microsecond=0).isoformat()}
        if currency:
            attributes["default-currency"] = currency
        activity = ET.SubElement(root, "iati-activity", attributes)
        ET.SubElement(activity, "iati-identifier").text = identifier
        _narrative(activity, "reporting-org", self.org_name).attrib.update(ref=self.org_ref, type="40")
        _narrative(activity, "title", title)
        programme = self.programme
        phases = ", ".join(phase.name for phase in programme.phases)
        _narrative(activity, "description", f"{programme.short_title} '{programme.title}', {phases} "
                                            f"({programme.start:%B %Y} - {programme.end:%B %Y}): "
                                            f"{self.country_name(country)}.").set("type", "1")
        if programme.donor:
            _narrative(activity, "participating-org", programme.donor).set("role", "1")
        for agency in programme.agencies:
            element = _narrative(activity, "participating-org", agency.name)
            element.attrib.update(role="4", **({"ref": agency.iati_org} if agency.iati_org else {}), type="40")
        ET.SubElement(activity, "activity-status", code="2" if self.as_of <= programme.end else "4")
        ET.SubElement(activity, "activity-date", {"iso-date": programme.start.isoformat(), "type": "1"})
        ET.SubElement(activity, "activity-date", {"iso-date": programme.end.isoformat(), "type": "3"})
        ET.SubElement(activity, "activity-scope", code="1" if country == GLOBAL else "4")
        if country != GLOBAL and country in self.iso2:
            ET.SubElement(activity, "recipient-country", code=self.iso2[country], percentage="100")
        scope = "global" if country == GLOBAL else "country"
        covered = [o for o in self.programme.outputs
                   if (o.code in outputs if outputs is not None else o.scope == scope)]
        targets = [target for output in covered for target in output.sdg_targets] + list(indicator_targets)
        for target in dict.fromkeys(targets):
            ET.SubElement(activity, "tag", vocabulary="3", code=target)
        self.counts["activities"] += 1
        return activity

    def country_activity(self, root: ET.Element, country: str) -> None:
        own = tuple(row[0] for row in self.connection.execute(  # the SDG targets its indicators carry themselves
            "SELECT DISTINCT unnest(sdg_targets) FROM indicator_progress WHERE country = ? ORDER BY 1", [country]
        ).fetchall())
        activity = self.activity(root, self.identifier(country),
                                 f"{self.programme.title} - {self.country_name(country)}", country, 1,
                                 indicator_targets=own)
        rows = self.connection.execute("""
            SELECT output_code, indicator_code, indicator_title, unit, direction, baseline, baseline_year,
                   baseline_is_adjusted, baseline_original, baseline_adjustment_note, period_start, period_end,
                   target, actual
            FROM indicator_progress WHERE country = ? ORDER BY output_code, indicator_code, period_start""",
                                       [country]).fetchall()
        results: dict[str, dict[str, list]] = {}
        for row in rows:
            results.setdefault(row[0], {}).setdefault(row[1], []).append(row)
        parts: dict[tuple, list[tuple]] = {}  # (indicator, period start) -> (dimension, category, target, actual)
        for code, start, *part in self.connection.execute("""
                SELECT p.indicator_code, r.period_start, p.dimension, p.category, p.target, p.actual
                FROM indicator_parts p JOIN periods r USING (period)
                WHERE p.country = ? ORDER BY p.indicator_code, r.period_start, p.dimension, p.category""",
                                                          [country]).fetchall():
            parts.setdefault((code, start), []).append(part)
        for output, indicators in results.items():
            result = ET.SubElement(activity, "result", type="1", **{"aggregation-status": "0"})
            _narrative(result, "title", f"Output {output}: {self.outputs.get(output, '')}".strip())
            for code, periods in indicators.items():
                self.indicator(result, code, periods, parts)

    def indicator(self, result: ET.Element, code: str, periods: list[tuple],
                  parts: dict[tuple, list[tuple]]) -> None:
        """An indicator with its periods; a period's parts by dimension (indicator_parts) follow its total
        target and actual as targets and actuals with a <dimension> each."""
        (_, _, title, unit, direction, baseline, baseline_year, adjusted, original, note, *_rest) = periods[0]
        indicator = ET.SubElement(result, "indicator", measure="2" if "%" in (unit or "") else "1",
                                  ascending="0" if direction == "lower is better" else "1")
        _narrative(indicator, "title", title)
        _narrative(indicator, "description", f"Unit: {unit}")
        ET.SubElement(indicator, "reference", vocabulary="99", code=code)
        if baseline is not None:
            element = ET.SubElement(indicator, "baseline", year=str(baseline_year or self.programme.start.year),
                                    value=_number(baseline))
            if adjusted:
                _narrative(element, "comment", f"Adjusted from {_number(original) if original is not None else '-'}: "
                                               f"{note}")
        self.counts["indicators"] += 1
        for *_, start, end, target, actual in periods:
            if target is None and actual is None:
                continue
            period = ET.SubElement(indicator, "period")
            ET.SubElement(period, "period-start", {"iso-date": start.isoformat()})
            ET.SubElement(period, "period-end", {"iso-date": end.isoformat()})
            split = parts.get((code, start), [])
            for tag, total, position in (("target", target, 2), ("actual", actual, 3)):
                if total is not None:
                    ET.SubElement(period, tag, value=_number(total))
                for dimension, category, *values in split:
                    if values[position - 2] is not None:
                        element = ET.SubElement(period, tag, value=_number(values[position - 2]))
                        ET.SubElement(element, "dimension", name=dimension, value=category)
            self.counts["periods"] += 1

    def finance_activities(self, root: ET.Element, country: str) -> None:
        rows = self.connection.execute("""
            SELECT output_code, agency, programme_year, currency, budget, received, expenditure
            FROM finance_summary WHERE country = ? ORDER BY output_code, agency, programme_year""",
                                       [country]).fetchall()
        groups: dict[tuple[str, str], list[tuple]] = {}
        for row in rows:
            groups.setdefault((row[0], row[1]), []).append(row)
        for (output, agency), years in groups.items():
            # Each value names its own currency: a country may report some years in USD, others locally.
            activity = self.activity(root, f"{self.identifier(country)}-O{output}-{agency}",
                                     f"{self.programme.title} - {self.country_name(country)} - "
                                     f"Output {output} ({agency})",
                                     country, 2, years[0][3], [output])
            for _, _, year, currency, budget, _, _ in years:
                element = ET.SubElement(activity, "budget", type="1", status="2")
                start, end = self.programme.year_start(year), self.programme.year_end(year)
                ET.SubElement(element, "period-start", {"iso-date": start.isoformat()})
                ET.SubElement(element, "period-end", {"iso-date": end.isoformat()})
                ET.SubElement(element, "value", currency=currency,
                              **{"value-date": start.isoformat()}).text = _number(budget)
                self.counts["budgets"] += 1
            for _, _, year, currency, _, received, expenditure in years:
                for code, amount in (("1", received), ("4", expenditure)):
                    if amount is None:
                        continue
                    transaction = ET.SubElement(activity, "transaction")
                    ET.SubElement(transaction, "transaction-type", code=code)
                    ET.SubElement(transaction, "transaction-date",
                                  {"iso-date": self.programme.year_end(year).isoformat()})
                    ET.SubElement(transaction, "value", currency=currency,
                                  **{"value-date": self.programme.year_start(year).isoformat()}).text = _number(amount)
                    _narrative(transaction, "description",
                               f"{'Funds received' if code == '1' else 'Expenditure'}, programme year "
                               f"{self.programme.year_label(year)}")
                    self.counts["transactions"] += 1
            ET.SubElement(activity, "related-activity", ref=self.identifier(country), type="1")


def export_iati(database: Path, out: Path, reporting_org: str | None = None, reporting_org_name: str | None = None,
                programme: Path | None = None) -> ExportSummary:
    """Write the programme's results and finance in `database` to `out` as IATI 2.03 XML. The programme's
    facts come from the warehouse; `programme` (a programme file), if given, must be the one it was built
    with."""
    if not database.exists():
        raise LoadFailed(f"{database}: no such database (build it with python -m etl load)")
    try:
        with open_read_only(database) as connection:
            connection.execute("DESCRIBE indicator_progress").fetchall()  # the views the export reads
            connection.execute("DESCRIBE finance_summary").fetchall()
            built_with = from_warehouse(connection)
            outdated = schema.outdated(connection)
    except duckdb.Error as error:
        raise LoadFailed(f"{database} is not a warehouse built by `python -m etl load`: {error}") from None
    if outdated:
        raise LoadFailed(schema.outdated_words(str(database)))
    if programme is not None:
        check_built_with(built_with, read_programme(programme), database)
    with open_read_only(database) as connection:
        writer = IatiWriter(connection, built_with, reporting_org, reporting_org_name)
        countries = [row[0] for row in connection.execute(
            "SELECT country FROM indicator_progress UNION SELECT country FROM finance_summary ORDER BY 1").fetchall()]
        root = ET.Element("iati-activities", version="2.03",
                          **{"generated-datetime": dt.datetime.now().replace(microsecond=0).isoformat()})
        for country in countries:
            writer.country_activity(root, country)
            writer.finance_activities(root, country)
    ET.indent(root)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.writing-{os.getpid()}")
    try:
        ET.ElementTree(root).write(partial, encoding="utf-8", xml_declaration=True)
        os.replace(partial, out)
    finally:
        if partial.exists():
            partial.unlink()
    return ExportSummary(out, **writer.counts)
