"""Each cross-field rule of etl/rules.py with its expected verdict: a row meeting it and a row breaking it,
with the exact message; and the values derived with them (currency, exchange rate, amounts in USD), run
in SQL over staged rows as both lanes stage them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from etl import spec
from etl.layout import RawSheet
from etl.load import insert_staged
from etl.schema import create_schema
from etl.reference import load_reference
from etl.rules import RULES, Rules, problems_of, programme_year_macro, rates_table, staged_schema, staging_table
from etl.transform import Validated, stage

RESULT = dict(output_code="1", indicator_code="1.1", indicator_title="Policies", unit="policies",
              direction="higher is better", country="JAM", period="2014/15 H1")
ACTIVITY = dict(activity_code="1.1.1", activity_title="Launch", output_code="1", country="SRB", lead_agency="UNDP",
                planned_start=dt.date(2014, 9, 1), planned_end=dt.date(2014, 12, 31), status="ongoing",
                budget=2_500_000, currency="RSD")
SPENDING = dict(country="JAM", output_code="1", agency="UNDP", programme_year=2015, budget=10_000_000,
                received=5_000_000, expenditure=1_000_000, currency="CHF")
PART = dict(country="JAM", indicator_code="1.1", period="2014/15 H1", dimension="sex", category="female", actual=3.0)
BASE = {"results": RESULT, "workplan": ACTIVITY, "expenditure": SPENDING, "disaggregation": PART}
TOO_MANY_CENTS = 990_000_000_000_000_000  # 9.9 * 10^15 francs: more than 10^16 dollars at 0.9627 CHF per USD
OVER_THE_LIMIT = "an amount below 10^16 US dollars once converted (at 0.9627 CHF per USD)"

# rule name: (sheet kind, changes that meet it, changes that break it, the column header, "found ..., expected ...")
CASES = {
    "global output, country row": (
        "results", dict(output_code="5", country="GLOBAL"), dict(output_code="5", country="JAM"), "Country",
        "found 'JAM', expected GLOBAL, because Output 5 is a global-level output"),
    "country output, GLOBAL row": (
        "results", dict(output_code="1", country="JAM"), dict(output_code="1", country="GLOBAL"), "Country",
        "found 'GLOBAL', expected a programme country, because Output 1 is a country-level output"),
    "adjusted baseline has a reason": (
        "results", dict(baseline_adjusted=2.0, baseline_adjustment_note="Recounted"), dict(baseline_adjusted=2.0),
        "Adjustment reason", "found an empty cell, expected the reason for the adjusted baseline"),
    "planned end on or after the start": (
        "workplan", dict(planned_end=dt.date(2014, 9, 1)), dict(planned_end=dt.date(2014, 3, 31)), "Planned end",
        "found '2014-03-31', expected a date on or after the planned start 01 Sep 2014"),
    "actual end on or after the start": (
        "workplan", dict(actual_start=dt.date(2014, 5, 2), actual_end=dt.date(2014, 5, 2)),
        dict(actual_start=dt.date(2014, 5, 2), actual_end=dt.date(2014, 5, 1)), "Actual end",
        "found '2014-05-01', expected a date on or after the actual start 02 May 2014"),
    "completed activity has an end": (
        "workplan", dict(status="completed", actual_end=dt.date(2014, 12, 1)), dict(status="completed"), "Actual end",
        "found an empty cell, expected the date the activity ended, because its status is completed"),
    "budget below 10^16 US dollars": (  # the work plan's and the expenditure's: see test_rules_are_all_tested
        "workplan", dict(budget=TOO_MANY_CENTS, currency="USD"),
        dict(budget=TOO_MANY_CENTS, currency="CHF", planned_start=dt.date(2015, 3, 1), planned_end=dt.date(2015, 6, 30)),
        "Budget", f"found '9900000000000000.00', expected {OVER_THE_LIMIT}"),
    "exchange rate for the programme year": (
        "expenditure", dict(currency="GBP", programme_year=2018), dict(currency="GBP", programme_year=2015),
        "Currency", "found 'GBP', expected a currency with an exchange rate for 2015 in data/reference/fx_rates.csv"),
    "received below 10^16 US dollars": (
        "expenditure", dict(received=TOO_MANY_CENTS, currency="USD"), dict(received=TOO_MANY_CENTS), "Funds received",
        f"found '9900000000000000.00', expected {OVER_THE_LIMIT}"),
    "category of its dimension": (  # the dimensions of the programme: sex (female, male), as the fixture writes
        "disaggregation", dict(category="male"), dict(category="girls"), "Category",
        "found 'girls', expected a category of the dimension sex: female, male"),
    "expenditure below 10^16 US dollars": (
        "expenditure", dict(expenditure=TOO_MANY_CENTS, currency="USD"), dict(expenditure=TOO_MANY_CENTS),
        "Expenditure", f"found '9900000000000000.00', expected {OVER_THE_LIMIT}"),
}
EXPENDITURE_BUDGET = ("expenditure", dict(budget=TOO_MANY_CENTS, currency="USD"), dict(budget=TOO_MANY_CENTS),
                      "Budget", f"found '9900000000000000.00', expected {OVER_THE_LIMIT}")


@pytest.fixture
def database(building_rules):
    return building_rules


def _stage(rules: Rules, kind: str, *rows: dict) -> dict:
    """Rows staged as a lane stages them (etl.transform.stage): the rules each breaking row breaks."""
    sheet = spec.ALL_SHEETS_BY_KIND[kind]
    return rules.stage(kind, pa.Table.from_pylist([BASE[kind] | row | dict(source_file="report.xlsx", source_sheet=sheet.title,
                                                         source_row=number, line=str(number))
                                 for number, row in enumerate(rows, start=2)], schema=staged_schema(sheet)))


def _messages(rules: Rules, kind: str, *rows: dict) -> dict[int, list[str]]:
    sheet = spec.ALL_SHEETS_BY_KIND[kind]
    broken = _stage(rules, kind, *rows)
    rules.connection.execute(f'DELETE FROM {staging_table(kind)}')  # staging as it was
    return {row: [p.message for p in problems_of(row, found, "report.xlsx", sheet.title, {}, sheet)]
            for row, found in broken.items()}


def _case(name: str, kind: str) -> tuple:
    return EXPENDITURE_BUDGET if (name, kind) == ("budget below 10^16 US dollars", "expenditure") else CASES[name]


@pytest.mark.parametrize("name, kind", [(rule.name, rule.kind) for rule in RULES])
def test_rule_verdict(database, name, kind):
    connection, rules = database
    case_kind, meets, breaks, header, found_expected = _case(name, kind)
    assert case_kind == kind
    title = spec.ALL_SHEETS_BY_KIND[kind].title
    assert _messages(rules, kind, meets) == {}
    assert _messages(rules, kind, meets, breaks) == {3: [f"report.xlsx › {title} › row 3 › column {header}: "
                                                         f"{found_expected}"]}
    sheet = spec.ALL_SHEETS_BY_KIND[kind]
    raw = RawSheet("report.xlsx", title, sheet, 1, {}, {}, [])
    into = Validated(sheet)
    staged = pa.Table.from_pylist([BASE[kind] | row | dict(source_file="report.xlsx", source_sheet=title,
                                                           source_row=number, line=str(number))
                                   for number, row in ((2, meets), (3, breaks))], schema=staged_schema(sheet))
    stage(raw, staged, rules, into, lambda numbers: {number: ["as typed"] for number in numbers})
    assert [(r.row, [p.message for p in r.problems]) for r in into.rejected] == [
        (3, [f"report.xlsx › {title} › row 3 › column {header}: {found_expected}"])]
    assert into.accepted == 1
    insert_staged(connection, sheet)  # only the row meeting the rule is written
    assert connection.execute(f'SELECT source_row FROM "{sheet.table}"').fetchall() == [(2,)]


def test_rules_are_all_tested():
    assert {(rule.name, rule.kind) for rule in RULES} == (
        {(name, case[0]) for name, case in CASES.items()} | {("budget below 10^16 US dollars", "expenditure")})


def test_a_row_breaking_several_rules_gets_every_problem_in_rule_order(database):
    _, rules = database
    assert _messages(rules, "workplan", dict(planned_end=dt.date(2014, 3, 31), actual_start=dt.date(2014, 5, 2),
                                             actual_end=dt.date(2014, 5, 1))) == {2: [
        "report.xlsx › Work plan › row 2 › column Planned end: found '2014-03-31', expected a date on or after "
        "the planned start 01 Sep 2014",
        "report.xlsx › Work plan › row 2 › column Actual end: found '2014-05-01', expected a date on or after the "
        "actual start 02 May 2014"]}


def test_no_rate_means_no_dollar_check(database):
    """An expenditure row without a rate is rejected for its currency only (the amounts cannot be converted)."""
    _, rules = database
    messages = _messages(rules, "expenditure", dict(currency="GBP", budget=TOO_MANY_CENTS))
    assert [m.split(": found")[0] for m in messages[2]] == ["report.xlsx › Expenditure › row 2 › column Currency"]


def _written(connection, rules: Rules, kind: str, *rows: dict) -> list[tuple]:
    sheet = spec.ALL_SHEETS_BY_KIND[kind]
    _stage(rules, kind, *rows)
    insert_staged(connection, sheet)
    return connection.execute(f'SELECT currency, fx_rate, budget, budget_usd FROM "{sheet.table}" '
                              "ORDER BY source_row").fetchall()


def test_work_plan_budget_uses_the_rate_of_the_programme_year_of_its_start(database):
    """The programme year starts in February: a start in January 2015 takes the 2014 rate."""
    connection, rules = database
    assert _written(connection, rules, "workplan", dict(planned_start=dt.date(2015, 1, 31), currency="EUR", budget=100_000,
                                            planned_end=dt.date(2015, 12, 31)),
                    dict(planned_start=dt.date(2015, 2, 1), planned_end=dt.date(2015, 12, 31), currency="EUR",
                         budget=100_000, activity_code="2")) == [
        ("EUR", Decimal("0.7538"), Decimal("1000.00"), Decimal("1326.61")),
        ("EUR", Decimal("0.9013"), Decimal("1000.00"), Decimal("1109.51"))]


def test_work_plan_without_a_currency_is_in_dollars(database):
    connection, rules = database
    assert _written(connection, rules, "workplan", dict(currency=None, budget=12_345)) == [
        ("USD", Decimal("1"), Decimal("123.45"), Decimal("123.45"))]


def test_work_plan_takes_the_nearest_year_with_a_rate_the_earlier_on_a_tie():
    reference = load_reference()
    rates = {key: rate for key, rate in reference.fx_rates.items() if key != ("CHF", 2015)}
    connection = duckdb.connect()
    create_schema(connection)
    rules = Rules(connection, replace(reference, fx_rates=rates))
    rows = [dict(planned_start=dt.date(2012, 6, 1), planned_end=dt.date(2014, 6, 1), currency="CHF", activity_code="a"),
            dict(planned_start=dt.date(2015, 6, 1), planned_end=dt.date(2015, 7, 1), currency="CHF", activity_code="b"),  # 2014 and 2016 are as near
            dict(planned_start=dt.date(2021, 6, 1), planned_end=dt.date(2021, 7, 1), currency="CHF", activity_code="c")]
    assert [row[1] for row in _written(connection, rules, "workplan", *rows)] == [
        Decimal("0.9152"), Decimal("0.9152"), Decimal("0.9847")]


def test_expenditure_uses_the_rate_of_its_programme_year_exactly(database):
    connection, rules = database
    assert _written(connection, rules, "expenditure", dict(currency="JMD", programme_year=2017, budget=12_780)) == [
        ("JMD", Decimal("127.80"), Decimal("127.80"), Decimal("1.00"))]


def test_rates_are_exact_fractions_quoted_as_shipped():
    """A message quotes a rate as fx_rates.csv writes it (127.80, not 127.800000); amounts are converted with
    the exact fraction."""
    rates = rates_table(load_reference()).to_pylist()
    assert dict(currency="JMD", year=2017, rate_text="127.80", rate_num=639, rate_den=5) in rates


@pytest.mark.parametrize("day, year", [(dt.date(2015, 1, 31), 2014), (dt.date(2015, 2, 1), 2015),
                                       (dt.date(2014, 12, 31), 2014), (dt.date(2011, 1, 1), 2010)])
def test_programme_year_of_a_day(day, year):
    connection = duckdb.connect()
    connection.execute(programme_year_macro([(dt.date(2014, 2, 1), 2)]))
    assert connection.execute("SELECT programme_year_of(?)", [day]).fetchone()[0] == year


@pytest.mark.parametrize("day, year", [(dt.date(2018, 1, 31), 2017), (dt.date(2018, 12, 31), 2018),
                                       (dt.date(2019, 1, 15), 2019), (dt.date(2013, 1, 5), 2012)])
def test_programme_year_of_a_day_follows_the_calendar_of_its_phase(day, year):
    """Phase II's years start in February, Phase III's (from 2019) in January."""
    connection = duckdb.connect()
    connection.execute(programme_year_macro([(dt.date(2014, 2, 1), 2), (dt.date(2019, 1, 1), 1)]))
    assert connection.execute("SELECT programme_year_of(?)", [day]).fetchone()[0] == year


def test_every_start_a_work_plan_may_give_finds_a_rate(database):
    """The rate lookup covers every year the parsers let through: a start on the first or the last day
    accepted (the programme's earliest and latest dates) converts at the nearest year's rate."""
    connection, rules = database
    earliest, latest = load_reference().earliest_date, load_reference().latest_date
    rows = [dict(planned_start=earliest, planned_end=earliest, currency="EUR", activity_code="a"),
            dict(planned_start=latest, planned_end=latest, currency="EUR", activity_code="b")]
    assert [row[1] for row in _written(connection, rules, "workplan", *rows)] == [Decimal("0.7192"), Decimal("0.8475")]
