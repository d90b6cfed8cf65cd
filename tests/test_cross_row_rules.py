"""Each cross-row rule of etl/rules.py (CROSS_ROW_RULES) with its expected verdict: rows staged as the lanes
stage them, the rule run over staging by etl/cross_row.py, the row breaking it rejected with the exact
message and gone from staging, the first row kept. And the order the rules take rows in: files in the order
read, then sheets, then rows; a row breaking its indicator's attributes is not the first of its key."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from etl import spec
from etl.cross_row import reject_cross_row
from etl.load import insert_staged
from etl.rules import CROSS_ROW_RULES, staged_schema, staging_table
from etl.transform import Validated

BASE = {
    "results": dict(output_code="1", indicator_code="1.1", indicator_title="Policies", unit="policies",
                    direction="higher is better", country="JAM", period="2014/15 H1"),
    "workplan": dict(activity_code="1.1.1", activity_title="Launch", output_code="1", country="SRB", lead_agency="UNDP",
                     planned_start=dt.date(2014, 9, 1), planned_end=dt.date(2014, 12, 31), status="ongoing",
                     budget=2_500_000, currency="RSD"),
    "expenditure": dict(country="JAM", output_code="1", agency="UNDP", programme_year=2015, budget=10_000_000,
                        received=5_000_000, expenditure=1_000_000, currency="CHF", line="a"),
    "milestones": dict(country="JAM", milestone="Government endorsement", category="inception",
                       due_date=dt.date(2014, 6, 30)),
    "narrative": dict(country="JAM", output_code="1", period="2014/15 H1", kind="achievement",
                      text="The national plan was endorsed."),
    "recommendations": dict(number=4, title="Hire a monitoring officer", addressee="HQs", phase="II",
                            status="in progress"),
    "disaggregation": dict(country="JAM", indicator_code="1.1", period="2014/15 H1", dimension="sex",
                           category="female", actual=3.0),
    "indicators": dict(country="Mongolia", result="Growth", output="Roads", indicator="Km built", period="2015",
                       target=120.0),
}

# (rule name, sheet kind): (the second row's changes, the column header, "found ..., expected ...")
CASES = {
    ("one row per key", "results"): (
        dict(actual=3.0), "Country + Indicator code + Period",
        "found a second row for Country JAM, Indicator code 1.1, Period 2014/15 H1, expected one row per "
        "Country + Indicator code + Period (first given at report.xlsx › Results matrix › row 2)"),
    ("one row per key", "workplan"): (
        dict(status="completed", actual_end=dt.date(2014, 12, 1)), "Country + Activity code",
        "found a second row for Country SRB, Activity code 1.1.1, expected one row per Country + Activity code "
        "(first given at report.xlsx › Work plan › row 2)"),
    ("one row per key", "expenditure"): (
        dict(expenditure=2_000_000), "Country + Output + Agency + Programme year + Line",
        "found a second row for Country JAM, Output 1, Agency UNDP, Programme year 2015, Line a, expected one row "
        "per Country + Output + Agency + Programme year + Line (first given at report.xlsx › Expenditure › row 2)"),
    ("one row per key", "milestones"): (  # its title compared whatever its capitals
        dict(milestone="government ENDORSEMENT", achieved_date=dt.date(2014, 5, 1)), "Country + Milestone",
        "found a second row for Country JAM, Milestone government ENDORSEMENT, expected one row per Country + "
        "Milestone (Milestone compared whatever its capitals, and as the milestone it names where the programme "
        "file gives milestones other titles; first given at report.xlsx › Milestones › row 2)"),
    ("one row per key", "narrative"): (  # the text is part of the key, named but not quoted
        {}, "Country + Output + Period + Kind + Text",
        "found a second row for Country JAM, Output 1, Period 2014/15 H1, Kind achievement, expected one row per "
        "Country + Output + Period + Kind + Text (first given at report.xlsx › Narrative › row 2)"),
    ("one row per key", "recommendations"): (
        dict(title="Hire two officers"), "No.",
        "found a second row for No. 4, expected one row per No. (first given at report.xlsx › Recommendations › "
        "row 2)"),
    ("one row per key", "indicators"): (
        dict(target=150.0), "Country + Result + Output + Indicator + Period",
        "found a second row for Country Mongolia, Result Growth, Output Roads, Indicator Km built, Period 2015, "
        "expected one row per Country + Result + Output + Indicator + Period (first given at report.xlsx › "
        "Indicator table › row 2)"),
    ("one row per key", "disaggregation"): (
        dict(actual=4.0), "Country + Indicator code + Period + Dimension + Category",
        "found a second row for Country JAM, Indicator code 1.1, Period 2014/15 H1, Dimension sex, Category female, "
        "expected one row per Country + Indicator code + Period + Dimension + Category (first given at "
        "report.xlsx › Disaggregation › row 2)"),
    ("an indicator's attributes in every period row", "results"): (
        dict(period="2014/15 H2", unit="documents"), "Unit",
        "found 'documents', expected 'policies' as on report.xlsx › Results matrix › row 2 (every period row of "
        "indicator 1.1 must give the same Unit)"),
}


@pytest.fixture
def database(building_rules):
    return building_rules


def _run(database, kind: str, *rows: dict, sheets: list[tuple[str, str]] | None = None) -> tuple[Validated, list]:
    """Stage rows (each BASE[kind] with its changes, numbered from row 2, of report.xlsx unless they say),
    run the cross-row rules with `sheets` as the load order, and return the verdict and the rows left in
    staging."""
    connection, rules = database
    sheet = spec.ALL_SHEETS_BY_KIND[kind]
    staged = [BASE[kind] | dict(source_file="report.xlsx", source_sheet=sheet.title, source_row=number) | row
              for number, row in enumerate(rows, start=2)]
    assert rules.stage(kind, pa.Table.from_pylist(staged, schema=staged_schema(sheet))) == {}
    into = Validated(sheet, accepted=len(rows))
    order = sheets or sorted({(row["source_file"], row["source_sheet"]) for row in staged})
    reject_cross_row(connection, {kind: into}, order)
    left = connection.execute(f"SELECT source_file, source_row FROM {staging_table(kind)} "
                              "ORDER BY source_file, source_row").fetchall()
    return into, left


def _messages(into: Validated) -> list[tuple[int, list[str]]]:
    return [(r.row, [p.message for p in r.problems]) for r in into.rejected]


@pytest.mark.parametrize("name, kind", [(rule.name, rule.kind) for rule in CROSS_ROW_RULES])
def test_cross_row_rule_verdict(database, name, kind):
    changes, header, found_expected = CASES[(name, kind)]
    title = spec.ALL_SHEETS_BY_KIND[kind].title
    into, left = _run(database, kind, {}, changes)
    assert _messages(into) == [(3, [f"report.xlsx › {title} › row 3 › column {header}: {found_expected}"])]
    assert into.accepted == 1
    assert left == [("report.xlsx", 2)]
    insert_staged(database[0], spec.ALL_SHEETS_BY_KIND[kind])  # the table gets the first row only
    assert database[0].execute(f'SELECT source_row FROM "{spec.ALL_SHEETS_BY_KIND[kind].table}"').fetchall() == [(2,)]


def test_cross_row_rules_are_all_tested():
    assert {(rule.name, rule.kind) for rule in CROSS_ROW_RULES} == set(CASES)


def test_rows_meeting_every_cross_row_rule_are_kept(database):
    into, left = _run(database, "results", {}, dict(period="2014/15 H2"), dict(indicator_code="1.2"))
    assert into.rejected == [] and into.accepted == 3
    assert left == [("report.xlsx", 2), ("report.xlsx", 3), ("report.xlsx", 4)]


def test_an_expenditure_line_is_named_only_where_given(database):
    into, _ = _run(database, "expenditure", dict(line=None), dict(line=None))
    assert _messages(into) == [(3, [
        "report.xlsx › Expenditure › row 3 › column Country + Output + Agency + Programme year: found a second row "
        "for Country JAM, Output 1, Agency UNDP, Programme year 2015, expected one row per Country + Output + "
        "Agency + Programme year (first given at report.xlsx › Expenditure › row 2)"])]


def test_the_first_row_is_the_first_in_the_order_read_not_by_name(database):
    """b.xlsx was read before a.xlsx: its row is the first, a.xlsx's the second."""
    title = spec.MILESTONES.title
    into, left = _run(database, "milestones", dict(source_file="a.xlsx"), dict(source_file="b.xlsx"),
                      sheets=[("b.xlsx", title), ("a.xlsx", title)])
    assert [(r.file, r.row) for r in into.rejected] == [("a.xlsx", 2)]
    assert "first given at b.xlsx › Milestones › row 3)" in into.rejected[0].problems[0].message
    assert left == [("b.xlsx", 3)]


def test_a_row_breaking_its_indicator_is_not_the_first_of_its_key(database):
    """Row 3 gives another unit: rejected for it; row 4, with row 3's key, is then the first of that key."""
    into, left = _run(database, "results", {}, dict(period="2014/15 H2", unit="documents"),
                      dict(period="2014/15 H2"))
    assert [(r.row, [p.column for p in r.problems]) for r in into.rejected] == [(3, ["Unit"])]
    assert left == [("report.xlsx", 2), ("report.xlsx", 4)]


def test_a_second_row_of_a_key_is_reported_as_that_only(database):
    """Row 3 repeats row 2's key and gives another unit: one problem, the repeated key."""
    into, _ = _run(database, "results", {}, dict(unit="documents"))
    assert [(r.row, [p.column for p in r.problems]) for r in into.rejected] == [
        (3, ["Country + Indicator code + Period"])]


def test_every_attribute_an_indicator_row_changes_is_a_problem(database):
    into, _ = _run(database, "results", {}, dict(period="2014/15 H2", unit="documents", direction="lower is better",
                                                 baseline=4.0))
    assert [(r.row, [p.column for p in r.problems]) for r in into.rejected] == [(3, ["Unit", "Direction", "Baseline"])]
    assert into.rejected[0].problems[2].message == (
        "report.xlsx › Results matrix › row 3 › column Baseline: found '4', expected an empty cell as on "
        "report.xlsx › Results matrix › row 2 (every period row of indicator 1.1 must give the same Baseline)")


def test_a_rejected_row_keeps_its_values_as_the_table_would_hold_them(database):
    """Amounts staged as whole cents are shown in units, as in the table."""
    into, _ = _run(database, "expenditure", {}, {})
    assert into.rejected[0].values == {"Agency": "UNDP", "Budget": "100000.00", "Country": "JAM", "Currency": "CHF",
                                       "Expenditure": "10000.00", "Funds received": "50000.00", "Line": "a",
                                       "Output": "1", "Programme year": "2015"}
