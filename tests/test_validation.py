"""Each validation rule, with a bad input, gives one rejected row whose message names file, sheet, row and column."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl import spec
from etl.load import run_load

from .helpers.rows import good_rows

ALL_OUTPUTS = "an output number: " + ", ".join(f"Output {n}" for n in range(1, 8))
COUNTRIES = "a programme country (BGD, ECU, JAM, KGZ, MAR, MDA, SRB, TUN) or GLOBAL"

CASES = [
    # (rule, sheet kind, row index, changes, column header, "found ..., expected ...")
    ("number type", "expenditure", 0, {"budget": "lots"}, "Budget", "found 'lots', expected a number"),
    ("required", "workplan", 0, {"activity_title": None}, "Activity",
     "found an empty cell, expected a value: Activity is required (What will be done)"),
    ("allowed values", "workplan", 0, {"status": "done"}, "Status",
     "found 'done', expected one of planned, ongoing, completed, delayed, cancelled"),
    ("allowed values", "results", 0, {"direction": "up"}, "Direction",
     "found 'up', expected one of higher is better, lower is better"),
    ("known output", "results", 0, {"output_code": "Output 9"}, "Output", f"found 'Output 9', expected {ALL_OUTPUTS}"),
    ("known country", "milestones", 0, {"country": "Atlantis"}, "Country", f"found 'Atlantis', expected {COUNTRIES}"),
    ("date in range", "milestones", 0, {"due_date": dt.date(2031, 1, 1)}, "Due date",
     "found '2031-01-01', expected a date from 01 Jan 2011 to 31 Jan 2019"),
    ("date type", "milestones", 0, {"achieved_date": "soon"}, "Achieved date",
     "found 'soon', expected a date (2014-06-30, 30/06/2014 or an Excel date)"),
    ("month or quarter", "workplan", 0, {"planned_start": "sometime"}, "Planned start",
     "found 'sometime', expected a date, a month (2014-06, Jun 2014) or a quarter (Q2 2014)"),
    ("no negative money", "expenditure", 0, {"expenditure": -10}, "Expenditure",
     "found '-10', expected an amount of zero or more (money is never negative)"),
    ("money fits the database", "expenditure", 0, {"budget": 1e17}, "Budget",
     "found '100000000000000000', expected an amount below 10^16"),
    ("money fits once converted", "expenditure", 1, {"budget": 9.9e15}, "Budget",
     "found '9900000000000000.00', expected an amount below 10^16 US dollars once converted (at 0.9627 CHF per USD)"),
    ("known period", "narrative", 0, {"period": "2019/20 H1"}, "Period",
     "found '2019/20 H1', expected a reporting half-year such as 2014/15 H1 (Feb-Jul) or 2014/15 H2 (Aug-Jan)"),
    ("programme year", "expenditure", 0, {"programme_year": 2019}, "Programme year",
     "found '2019', expected a programme year from 2014 to 2017 (2014 or 2014/15 = Feb 2014 - Jan 2015)"),
    ("percent range", "workplan", 1, {"percent_complete": 140}, "% complete",
     "found '140', expected a percentage from 0 to 100"),
    ("known currency", "expenditure", 0, {"currency": "XYZ"}, "Currency",
     "found 'XYZ', expected a currency with a shipped exchange rate: BDT, CHF, EUR, JMD, KGS, MAD, MDL, RSD, TND, USD"),
    ("end after start", "workplan", 1, {"planned_end": "Q1 2014"}, "Planned end",
     "found '2014-03-31', expected a date on or after the planned start 01 Sep 2014"),
    ("completed needs an end", "workplan", 1, {"status": "completed"}, "Actual end",
     "found an empty cell, expected the date the activity ended, because its status is completed"),
    ("global output is GLOBAL", "results", 1, {"country": "Jamaica"}, "Country",
     "found 'JAM', expected GLOBAL, because Output 5 is a global-level output"),
    ("adjusted baseline needs a reason", "results", 0, {"baseline_adjusted": 1}, "Adjustment reason",
     "found an empty cell, expected the reason for the adjusted baseline"),
    ("indicator rows agree", "results", 2, {"unit": "documents"}, "Unit",
     "found 'documents', expected 'policies' as on report.xlsx › Results matrix › row 2 "
     "(every period row of indicator 1.1 must give the same Unit)"),
]


@pytest.mark.parametrize("rule, kind, index, changes, header, found_expected", CASES, ids=[c[0] for c in CASES])
def test_bad_value_is_rejected_with_its_location(write_workbook, database, rule, kind, index, changes, header,
                                                 found_expected):
    rows = good_rows()
    rows[kind][index].update(changes)
    summary = run_load([write_workbook(rows)], database)

    assert summary.rows_rejected == 1
    [rejected] = summary.rejected
    sheet_title = spec.SHEETS_BY_KIND[kind].title
    assert [p.message for p in rejected.problems] == [
        f"report.xlsx › {sheet_title} › row {index + 2} › column {header}: {found_expected}"]
    # the good rows still load
    good = good_rows()
    assert summary.rows_loaded == sum(len(v) for v in good.values()) - 1


def test_duplicate_key_rejects_the_second_row_and_names_the_first(write_workbook, database):
    rows = good_rows()
    rows["milestones"].append(dict(rows["milestones"][0], achieved_date=dt.date(2014, 5, 1)))
    summary = run_load([write_workbook(rows)], database)

    [rejected] = summary.rejected
    assert [p.message for p in rejected.problems] == [
        "report.xlsx › Milestones › row 3 › column Country + Milestone: found a second row for Country JAM, "
        "Milestone Government endorsement, expected one row per Country + Milestone "
        "(Milestone compared whatever its capitals, and as the milestone it names where the programme file gives "
        "milestones other titles; first given at report.xlsx › Milestones › row 2)"]


def test_duplicate_across_two_files_names_the_other_file(write_workbook, database):
    first = write_workbook(good_rows(), name="a.xlsx")
    second = write_workbook({"expenditure": good_rows()["expenditure"][:1]}, name="b.xlsx", kind="expenditure")
    summary = run_load([first, second], database)

    [rejected] = summary.rejected
    assert rejected.file == "b.xlsx"
    assert "(first given at a.xlsx › Expenditure › row 2)" in rejected.problems[0].message


def test_every_problem_of_a_row_is_reported(write_workbook, database):
    rows = good_rows()
    rows["workplan"][0].update(country="Atlantis", lead_agency="WHO", budget=-1)
    summary = run_load([write_workbook(rows)], database)

    [rejected] = summary.rejected
    assert [p.column for p in rejected.problems] == ["Country", "Lead agency", "Budget"]


def test_rejected_rows_are_kept_in_the_database_with_their_values(write_workbook, database):
    rows = good_rows()
    rows["expenditure"][0]["budget"] = "lots"
    run_load([write_workbook(rows)], database)

    with duckdb.connect(str(database), read_only=True) as connection:
        kept = connection.execute(
            'SELECT file, sheet, "row", "column", found, expected, row_values FROM rejected_rows').fetchall()
        loaded = connection.execute("SELECT count(*) FROM expenditure").fetchone()[0]
    assert kept == [("report.xlsx", "Expenditure", 2, "Budget", "'lots'", "a number",
                     '{"Agency": "UNDP", "Budget": "lots", "Country": "Jamaica", "Currency": "USD", '
                     '"Expenditure": "45000.55", "Funds received": "60000", "Output": "Output 1", '
                     '"Programme year": "2014"}')]
    assert loaded == 1
