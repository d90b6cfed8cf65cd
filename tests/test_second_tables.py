"""A sheet holding a second table under the first (a UNDP block, then an IOM block whose header puts the columns
elsewhere), or its header repeated (etl/layout.py, HeaderAgain; etl/cells.py): the rows below a second header
are read under it, in both lanes, and it is said; a repeated header is no data row."""

from __future__ import annotations

import csv
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pytest
from openpyxl import Workbook

from etl import spec
from etl.columnar import Cells, FastSheet, _header_names
from etl.files import read_file
from etl.layout import HeaderAgain
from etl.load import run_load
from etl.reference import load_reference
from etl.title_block import sheet_context

from .helpers.lanes import assert_same, load_both
from .helpers.paths import SAMPLE_AS_OF
from .helpers.rows import good_rows

TITLE = [["Operating Unit: Jamaica"], ["Period: Jan–Dec 2016"], ["Currency: USD"], []]
UNDP = [["UNDP"], ["Output", "Agency", "Budget", "Expenditure"], ["Output 1", "UNDP", 50000, 41000.5],
        ["Output 2", "UNDP", 30000, 12000]]
IOM = [["IOM"], ["Output", "Agency", "Expenditure", "Budget"], ["Output 1", "IOM", 5000, 20000],
       ["Output 2", "IOM", 1000, 9000]]


def workbook(path: Path, rows: list[list], title: str = "Expenses") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def rows_of(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


AMOUNTS = "SELECT agency, output_code, budget, expenditure FROM expenditure ORDER BY agency, output_code"
WARNINGS = "SELECT \"row\", kind, message FROM load_warnings WHERE kind IN ('second header', 'header repeated')"


def test_the_rows_below_a_second_header_are_read_under_it_in_both_lanes(tmp_path, monkeypatch):
    path = workbook(tmp_path / "JAM-expenditure.xlsx", TITLE + UNDP + [[]] + IOM)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert rows_of(per_cell, AMOUNTS) == [
        ("IOM", "1", Decimal("20000.00"), Decimal("5000.00")),
        ("IOM", "2", Decimal("9000.00"), Decimal("1000.00")),
        ("UNDP", "1", Decimal("50000.00"), Decimal("41000.50")),
        ("UNDP", "2", Decimal("30000.00"), Decimal("12000.00"))]
    assert rows_of(per_cell, WARNINGS) == [(11, "second header", (
        "JAM-expenditure.xlsx › Expenses › row 11: a header again, with 'Expenditure' in column C, 'Budget' in "
        "column D: the rows below it are read under it, not under row 6's header"))]
    assert [row[2] for row in found["rejected_rows"]] == [10, 10, 10]  # the 'IOM' label, said as a row


def test_a_repeated_header_is_no_data_row_and_is_said(tmp_path, monkeypatch):
    repeated = [UNDP[1]]
    path = workbook(tmp_path / "JAM-expenditure.xlsx", TITLE + UNDP[1:3] + repeated + UNDP[3:] + repeated)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert len(rows_of(per_cell, AMOUNTS)) == 2
    assert rows_of(per_cell, WARNINGS) == [(7, "header repeated", "JAM-expenditure.xlsx › Expenses › row 7: rows 7, "
                                                                   "9 repeat the header: not read as data")]


def test_a_second_table_of_a_work_plan_goes_on_numbering_its_activities(tmp_path, database):
    header = ["Expected Outputs", "Planned Activities", "Q1", "Q2", "Q3", "Q4", "Responsible Party", "Amount"]
    rows = [["Work plan 2015 – Ecuador"], [], header,
            ["Output 1", "Consultations with the Government", "X", None, None, None, "UNDP", 10000],
            ["Output 1", "Stakeholder mapping", None, "X", None, None, "UNDP", 5000],
            [], ["Amount", "Responsible Party", "Expected Outputs", "Planned Activities", "Q1", "Q2", "Q3", "Q4"],
            [7000, "IOM", "Output 1", "Migration profile", None, None, "X", "X"]]
    run_load([workbook(tmp_path / "ECU-awp.xlsx", rows, "AWP")], database, as_of=SAMPLE_AS_OF)
    assert rows_of(database, "SELECT activity_code, lead_agency, budget, planned_start FROM activities "
                             "ORDER BY activity_code") == [
        ("1.1 (AWP)", "UNDP", Decimal("10000.00"), rows_of(database, "SELECT DATE '2015-01-01'")[0][0]),
        ("1.2 (AWP)", "UNDP", Decimal("5000.00"), rows_of(database, "SELECT DATE '2015-04-01'")[0][0]),
        ("1.3 (AWP)", "IOM", Decimal("7000.00"), rows_of(database, "SELECT DATE '2015-07-01'")[0][0])]


def template_csv(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_a_csv_file_with_a_second_table_leaves_the_fast_lane(tmp_path, monkeypatch):
    header = [c.header for c in spec.EXPENDITURE.columns]
    swapped = [{"Budget": "Expenditure", "Expenditure": "Budget"}.get(name, name) for name in header]
    first = ["Jamaica", "Output 1", "UNDP", "2016", "50000", "", "41000.50", "USD", "", ""]
    second = ["Jamaica", "Output 1", "IOM", "2016", "5000", "", "20000", "USD", "", ""]
    path = template_csv(tmp_path / "expenditure.csv", [header, first, swapped, second])
    monkeypatch.delenv("MM_FAST_LANE", raising=False)
    assert [type(sheet) for sheet in read_file(path)[0]] != [FastSheet]
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(per_cell, AMOUNTS) == [("IOM", "1", Decimal("20000.00"), Decimal("5000.00")),
                                          ("UNDP", "1", Decimal("50000.00"), Decimal("41000.50"))]


def test_a_template_sheet_with_its_header_repeated_leaves_the_fast_lane(write_workbook, tmp_path, monkeypatch):
    book = openpyxl.load_workbook(write_workbook(good_rows()))
    sheet = book["Milestones"]
    sheet.append([cell.value for cell in sheet[1]])
    book.save(tmp_path / "repeated.xlsx")
    monkeypatch.delenv("MM_FAST_LANE", raising=False)
    lanes = {sheet.sheet: type(sheet) for sheet in read_file(tmp_path / "repeated.xlsx")[0]}
    assert lanes["Milestones"] is not FastSheet and lanes["Results matrix"] is FastSheet
    per_cell, fast, _ = load_both([tmp_path / "repeated.xlsx"], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert [row[1] for row in rows_of(per_cell, WARNINGS)] == ["header repeated"]


@pytest.mark.parametrize("row, is_header", [
    (["Output", "Agency", "Budget", "Expenditure"], True),
    (["Produit", "Agence", "Budget", "Dépenses"], True),  # a header in another language of the programme's
    (["Output", "Agency", 5000, 4000], False),  # two names, but no Budget: a data row (rejected as one)
    (["Output 1", "UNDP", "Budget", "Expenditure"], False),
    (["Output 1", "UNDP", 5000, 4000], False),
    (["Output", "Agency", "Budget 2016", "Expenditure 2016"], True),  # a year's amounts
    (["Output 2016", "Agency", "Budget", "Expenditure"], False),  # an output has no values by year: no Output
])
def test_only_a_row_naming_every_required_column_is_a_header_again(row, is_header):
    reference = load_reference()
    again = HeaderAgain(spec.EXPENDITURE, reference, sheet_context(TITLE, [], reference))  # country, year, currency
    assert (again.match(row) is not None) is is_header


def test_the_fast_lane_finds_header_names_as_the_per_cell_path_does():
    """etl/columnar.py `_header_names` reads a column at once; HeaderAgain.is_name one text at a time: on
    header names written every way (case, spaces, '_', '*', ':', accents, other scripts) and texts near them,
    they agree cell for cell."""
    reference = load_reference()
    again = HeaderAgain(spec.EXPENDITURE, reference, sheet_context(TITLE, [], reference))
    generator = random.Random(17)
    pieces = ["Budget", "budget", "BUDGET", "Dépenses", "Расходы", "Funds received", "funds_received", "Output",
              "Agency", "Currency", "Programme year", "Line", " ", "  ", "\t", "\u00a0", "\x1c", "_", "*", ":", "1",
              "é", "e\u0301", "\u200b", "Output 1", "UNDP", "x" * 40, " 2016", "2015 ", "(2015/16 H1)", "Q1 2016",
              "·", "2015-2016", "20161"]
    texts = ["".join(generator.choice(pieces) for _ in range(generator.randint(1, 3))) for _ in range(3000)]
    texts += [None, "", "Budget", "Budget *", "Budget:", " Budget", "Expenditure ", "Budget 2016", "2016 Budget",
              "Expenditure (2015/16 H1)", "Output 2016", "Budget 2015 2016"]
    found = _header_names(Cells.of(pa.array(texts, pa.string())), again, pa.array(sorted(again.names)))
    expected = [text is not None and text.strip() != "" and again.is_name(text) for text in texts]
    assert found.tolist() == expected
    assert sum(expected) > 100  # the texts hold many names, written many ways
    named = {text for text, name in zip(texts, expected) if name}
    assert {"Budget 2016", "2016 Budget", "Expenditure (2015/16 H1)"} <= named  # a value's name with a period
    assert not {"Output 2016", "Budget 2015 2016"} & named  # Output has no values by period; two periods: none


def test_a_second_header_naming_its_periods_is_read_as_one(tmp_path, database):
    """A KPI table for 2015 and another for 2016 below it, each header naming one column without a period
    ('Indicator') and its values with one ('Target 2016'): the rows of the second are of 2016, and its header
    is no data row."""
    rows = [["Indicator", "Target 2015", "Actual 2015"], ["Officials trained", 20, 18], ["Profiles published", 1, 1],
            [], ["Indicator", "Target 2016", "Actual 2016"], ["Officials trained", 40, 35],
            ["Profiles published", 2, 0]]
    summary = run_load([workbook(tmp_path / "kpi.xlsx", rows, "KPI")], database, as_of=SAMPLE_AS_OF)
    assert summary.rejected == []
    assert rows_of(database, "SELECT source_row, indicator, period, target, actual FROM indicator_table "
                             "ORDER BY source_row") == [
        (2, "Officials trained", "2015", 20.0, 18.0), (3, "Profiles published", "2015", 1.0, 1.0),
        (6, "Officials trained", "2016", 40.0, 35.0), (7, "Profiles published", "2016", 2.0, 0.0)]
    assert [(w.row, w.detail) for w in summary.warnings if w.kind in ("second header", "text kept")] == [
        (5, "a header again, with the same columns of 2016: the rows below it are read under it, not under row 1's "
            "header")]


def test_a_header_of_the_same_columns_for_another_year_is_a_second_table(tmp_path, database):
    """'Q1 2015' ... 'Q4 2015', then lower down 'Q1 2016' ... 'Q4 2016' in the same columns: the rows below the
    second are of 2016, not a repeat of the first header."""
    header = ["Expected Outputs", "Planned Activities", "Q1 {0}", "Q2 {0}", "Q3 {0}", "Q4 {0}", "Responsible Party"]
    rows = [["Work plan – Ecuador"], [], [cell.format(2015) for cell in header],
            ["Output 1", "Consultations", "X", None, None, None, "UNDP"], [],
            [cell.format(2016) for cell in header], ["Output 1", "Migration profile", None, None, "X", None, "IOM"]]
    summary = run_load([workbook(tmp_path / "ECU-awp.xlsx", rows, "AWP")], database, as_of=SAMPLE_AS_OF)
    assert rows_of(database, "SELECT lead_agency, planned_start FROM activities ORDER BY source_row") == [
        ("UNDP", dt.date(2015, 1, 1)), ("IOM", dt.date(2016, 7, 1))]
    assert [(w.row, w.detail) for w in summary.warnings if w.kind == "second header"] == [
        (6, "a header again, with the same columns of 2016: the rows below it are read under it, not under row 3's "
            "header")]


def test_a_second_stacked_header_is_read_as_one(tmp_path, monkeypatch):
    """A UNDP block and an IOM block, each under '2015' and '2016' over Budget and Expenditure, the IOM label in
    the group row: the IOM rows are read for both years, as the UNDP rows are."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Expenses"
    for row in TITLE:
        sheet.append(row)
    for agency, first in ((None, 5), ("IOM", 9)):
        sheet.append([agency, None, "2015", None, "2016", None])
        sheet.append(["Output", "Agency", "Budget", "Expenditure", "Budget", "Expenditure"])
        sheet.merge_cells(f"C{first}:D{first}")
        sheet.merge_cells(f"E{first}:F{first}")
        sheet.append(["Output 1", agency or "UNDP", 50000, 41000, 60000, 10000])
        sheet.append([])
    book.save(tmp_path / "JAM-expenditure.xlsx")
    per_cell, fast, _ = load_both([tmp_path / "JAM-expenditure.xlsx"], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(per_cell, "SELECT agency, programme_year, budget FROM expenditure ORDER BY agency, 2") == [
        ("IOM", 2015, Decimal("50000.00")), ("IOM", 2016, Decimal("60000.00")),
        ("UNDP", 2015, Decimal("50000.00")), ("UNDP", 2016, Decimal("60000.00"))]
    assert [row[0] for row in rows_of(per_cell, WARNINGS)] == [9]  # 'header repeated', at the IOM group row


def test_title_rows_above_a_second_table_are_its_own(tmp_path, monkeypatch):
    """'Currency: EUR' above the IOM block: its rows are in euros, and said so; the 'IOM' label says nothing, and
    stays a row of the first table, rejected as one."""
    rows = TITLE + UNDP[1:3] + [[], ["IOM"], ["Currency: EUR"]] + IOM[1:]
    path = workbook(tmp_path / "JAM-expenditure.xlsx", rows)
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert rows_of(per_cell, "SELECT agency, currency, budget FROM expenditure ORDER BY agency, output_code") == [
        ("IOM", "EUR", Decimal("20000.00")), ("IOM", "EUR", Decimal("9000.00")),
        ("UNDP", "USD", Decimal("50000.00"))]
    assert sorted({row[2] for row in found["rejected_rows"]}) == [8]  # 'IOM'; 'Currency: EUR' is a title row
    assert ("JAM-expenditure.xlsx › Expenses: no Currency column: every row is read as currency 'EUR' (from the "
            "title row 9 'Currency: EUR')",) in rows_of(per_cell, "SELECT message FROM load_warnings")


def test_a_work_plan_s_second_block_under_a_year_merged_over_its_quarters_is_of_that_year(tmp_path, database):
    """The usual AWP layout, block after block: identity headers merged down two rows, '2016' merged over Q1 to
    Q4. The second block's activities are of 2016, and its header rows are no data rows, nor merged data cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = "AWP"
    sheet.append(["Work plan – Ecuador"])
    for year, activity, marks in ((2015, "Consultations", ["X", None, None, None]),
                                  (2016, "Migration profile", [None, None, "X", None])):
        sheet.append([])
        first = sheet._current_row + 1  # max_row does not count the empty row just appended
        sheet.append(["Expected Outputs", "Planned Activities", str(year), None, None, None, "Responsible Party",
                      "Amount"])
        sheet.append([None, None, "Q1", "Q2", "Q3", "Q4", None, None])
        for column in "ABGH":
            sheet.merge_cells(f"{column}{first}:{column}{first + 1}")
        sheet.merge_cells(f"C{first}:F{first}")
        sheet.append(["Output 1", activity, *marks, "UNDP", 1000])
    book.save(tmp_path / "ECU-awp.xlsx")
    summary = run_load([tmp_path / "ECU-awp.xlsx"], database, as_of=SAMPLE_AS_OF)
    assert summary.rejected == []
    assert rows_of(database, "SELECT activity_title, planned_start FROM activities ORDER BY source_row") == [
        ("Consultations", dt.date(2015, 1, 1)), ("Migration profile", dt.date(2016, 7, 1))]
    assert not [w for w in summary.warnings if w.kind == "merged cells"]


def test_a_year_over_a_header_like_the_first_makes_a_second_table_of_that_year(tmp_path, database):
    rows = [["Country: Jamaica"], ["Currency: USD"], [], [None, None, "2015", None],
            ["Output", "Agency", "Budget", "Expenditure"], ["Output 1", "UNDP", 50000, 41000], [],
            ["IOM", None, "2016", None], ["Output", "Agency", "Budget", "Expenditure"], ["Output 1", "IOM", 7000, 6000]]
    run_load([workbook(tmp_path / "JAM-expenditure.xlsx", rows)], database, as_of=SAMPLE_AS_OF)
    assert rows_of(database, "SELECT agency, programme_year FROM expenditure ORDER BY 1") == [
        ("IOM", 2016), ("UNDP", 2015)]


EXPENSES = ["Country", "Output", "Agency", "Programme year", "Budget", "Currency"]


@pytest.mark.parametrize("first, between, budget", [
    ("Budget ('000)", [], Decimal("9000.00")),  # before, read as the header repeated: times 1,000, unsaid
    ("Budget", [["Amounts in thousands"]], Decimal("9000000.00")),  # before, the title row was a rejected data row
])
def test_a_header_like_the_first_but_read_otherwise_is_a_second_table(tmp_path, monkeypatch, first, between,
                                                                        budget):
    """A header with the first's columns whose amounts' header or title rows say another scale is a table of its
    own, read under them, not the header repeated (which was read under the first's)."""
    rows = ([[first if name == "Budget" else name for name in EXPENSES], ["Kyrgyzstan", "Output 1", "UNDP", 2015, 50,
                                                                             "KGS"], []]
            + between + [EXPENSES, ["Kyrgyzstan", "Output 2", "IOM", 2015, 9000, "KGS"]])
    per_cell, fast, _ = load_both([workbook(tmp_path / "KGZ.xlsx", rows)], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert rows_of(per_cell, "SELECT output_code, budget FROM expenditure ORDER BY 1") == [
        ("1", Decimal("50000.00") if "000" in first else Decimal("50.00")), ("2", budget)]
    assert [row[1:] for row in rows_of(per_cell, WARNINGS)] == [(
        "second header", "KGZ.xlsx › Expenses › row " + str(len(rows) - 1) + ": a header again, with "
        + ("'Budget' where row 1 has 'Budget ('000)'" if between == [] else
           "title rows of its own (its title: row 4 'Amounts in thousands')")
        + ": the rows below it are read under it, not under row 1's header")]


def test_a_label_over_a_header_like_the_first_is_its_table_s_title(tmp_path, monkeypatch):
    """'Currency: EUR' above a header like the first: its rows are in euros (before, the header was read as
    repeated and the label as a data row, rejected, its rows' empty Currency cells refused)."""
    rows = [EXPENSES, ["Kyrgyzstan", "Output 1", "UNDP", 2015, 50, "KGS"], [], ["Currency: EUR"], EXPENSES,
            ["Kyrgyzstan", "Output 2", "IOM", 2015, 9000, None]]
    per_cell, fast, _ = load_both([workbook(tmp_path / "KGZ.xlsx", rows)], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert rows_of(per_cell, "SELECT output_code, currency FROM expenditure ORDER BY 1") == [("1", "KGS"), ("2", "EUR")]


AWP = ["Expected Outputs", "Planned Activities", "Q1", "Q2", "Responsible Party", "Budget", "Currency"]


@pytest.mark.parametrize("above", [[None, "2016 labour migration census"], ["Annual Work Plan 2015 – Kyrgyzstan"]])
def test_a_line_above_a_repeated_header_naming_a_year_or_the_title_leaves_it_repeated(tmp_path, monkeypatch, above):
    """A wrapped line of an activity's text (right of the first column) or the sheet's title said again above the
    header repeated (a printout's page) is no title of another table: the rows below are read under the sheet's
    year and the Output above them, and the header is said repeated (a first mend read a table of 2016 there, its
    rows refused for an empty Output)."""
    rows = [["Annual Work Plan 2015 – Kyrgyzstan"], AWP, ["Output 1", "Consultations", "X", None, "UNDP", 500, "USD"],
            [None, "Mapping", None, "X", "UNDP", 600, "USD"], above, AWP,
            [None if above[0] is None else "Output 1", "Profile", "X", None, "IOM", 700, "USD"]]
    per_cell, fast, _ = load_both([workbook(tmp_path / "KGZ-awp.xlsx", rows, "AWP")], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert {row[2] for row in found["rejected_rows"]} == {5}  # the line itself: a data row of the table, as before
    assert rows_of(per_cell, "SELECT activity_title, output_code, planned_start FROM activities ORDER BY 1") == [
        ("Consultations", "1", dt.date(2015, 1, 1)), ("Mapping", "1", dt.date(2015, 4, 1)),
        ("Profile", "1", dt.date(2015, 1, 1))]
    assert [row[1:] for row in rows_of(per_cell, WARNINGS)] == [
        ("header repeated", "KGZ-awp.xlsx › AWP › row 6: the header repeated: not read as data")]


@pytest.mark.parametrize("label, year", [(["Period: 2016"], 2016), (["2016"], 2016), (["Budget 2016"], 2016),
                                         (["Printed 12 March 2016"], 2016), (["Country: Kyrgyzstan"], 2015)])
def test_a_label_naming_another_year_over_a_header_like_the_first_starts_a_table_of_that_year(tmp_path, monkeypatch,
                                                                                             label, year):
    """'Period: 2016' (or a year in a label's words) above a header like the first's: the rows below are of 2016,
    and the warning quotes the label (a second mend read the header as repeated, the rows of 2015, the label
    rejected as a data row); the sheet's own country said again is no other table."""
    header = ["Output", "Agency", "Budget", "Expenditure"]
    rows = [["Country: Kyrgyzstan"], ["Period: 2015"], ["Currency: USD"], header, ["Output 1", "UNDP", 100, 90],
            label, header, ["Output 2", "IOM", 7, 6]]
    per_cell, fast, _ = load_both([workbook(tmp_path / "KGZ.xlsx", rows)], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert rows_of(per_cell, "SELECT agency, programme_year FROM expenditure ORDER BY 1") == [("IOM", year),
                                                                                            ("UNDP", 2015)]
    again = ("the same columns of 2016" if label == ["2016"] else  # read as a year over its columns
             f"title rows of its own (its title: row 6 '{label[0]}')")
    assert [row[1:] for row in rows_of(per_cell, WARNINGS)] == [
        ("second header", f"KGZ.xlsx › Expenses › row 7: a header again, with {again}: the rows below it are read "
                          "under it, not under row 4's header") if year == 2016 else
        ("header repeated", "KGZ.xlsx › Expenses › row 7: the header repeated: not read as data")]
    assert {row[2] for row in found["rejected_rows"]} == (set() if year == 2016 else {6})
