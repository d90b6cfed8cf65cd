"""Workbooks as country offices and agencies really make them: each quirk of issue 4 with the values and
messages it gives (UNDP annual work plans, IOM results-matrix annexes, formulas, hidden sheets and rows,
CSV encodings and line endings, numbers and dates typed as text)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook, load_workbook

from etl.errors import describe
from etl.files import read_csv, read_file
from etl.formatted import MonthShown
from etl.layout import find_header
from etl.load import run_load
from etl.parse import (parse_date, parse_month_end, parse_month_start, parse_number, output_parser,
                       reported_number_parser)
from etl.reference import REFERENCE_DIR, load_reference
from etl import spec

from .helpers.rows import good_rows
from .helpers.styles import with_normal_style

OUTPUT_1 = "Output 1: Key migration and development stakeholders are engaged in the migration mainstreaming process"


def patch_cells(path: Path, cells: dict[str, str], sheet: int = 1) -> None:
    """Rewrite cells of a saved xlsx in its XML: what openpyxl cannot write (cached formula values, errors)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = f"xl/worksheets/sheet{sheet}.xml"
    xml = parts[name].decode("utf-8")
    for reference, replacement in cells.items():
        xml, count = re.subn(rf'<c r="{reference}"[^>]*?(/>|>.*?</c>)', replacement, xml, count=1)
        assert count == 1, reference
    parts[name] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)


def rows_of(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


# --- UNDP annual work plan -------------------------------------------------------------------------------

def undp_awp(path: Path) -> Path:
    """Title rows, 'Timeframe' merged over the quarters, outputs merged down the left, X marks, $ amounts,
    a total row and a hidden row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "AWP 2015"
    sheet.append(["UNDP Annual Work Plan 2015"])
    sheet.append(["Country: Jamaica"])
    sheet.append([])
    sheet.append([None, None, "Timeframe"])
    sheet.merge_cells("C4:F4")
    sheet.append(["Expected Outputs", "Planned Activities", "Q1", "Q2", "Q3", "Q4", "Responsible Party", "Amount"])
    sheet.append([OUTPUT_1, "1.1 National launch event", "X", None, None, None, "UNDP", "$12,500"])
    sheet.append([None, "Stakeholder mapping", None, "x", "✓", None, "IOM", "8,000 "])
    sheet.append([None, "Training of focal points", None, None, None, 1, "UNDP", "USD 3,200"])
    sheet.merge_cells("A6:A8")
    sheet.append(["Output 2", "Migration profile", None, "X", None, "5000", "IOM", 20000])
    sheet.append([None, "Policy review", None, None, "X", "X", "IOM", "1,000"])
    sheet.append(["Total", None, None, None, None, None, None, 44700])
    sheet.append(["Output 3", "An activity dropped from the plan", "X", None, None, None, "IOM", 999])
    sheet.row_dimensions[12].hidden = True
    workbook.save(path)
    return path


@pytest.fixture
def awp_database(tmp_path, database):
    summary = run_load([undp_awp(tmp_path / "jamaica-awp.xlsx")], database)
    return database, summary


def test_undp_awp_merged_outputs_x_marks_and_amounts_become_activities(awp_database):
    database, summary = awp_database
    assert rows_of(database, """
        SELECT activity_code, output_code, country, lead_agency, planned_start, planned_end, status, budget, currency,
               budget_usd, source_row
        FROM activity_status ORDER BY source_row""") == [
        ("1.1", "1", "JAM", "UNDP", dt.date(2015, 1, 1), dt.date(2015, 3, 31), "planned", 12500, "USD", 12500, 6),
        ("1.2 (AWP 2015)", "1", "JAM", "IOM", dt.date(2015, 4, 1), dt.date(2015, 9, 30), "planned", 8000, "USD", 8000, 7),
        ("1.3 (AWP 2015)", "1", "JAM", "UNDP", dt.date(2015, 10, 1), dt.date(2015, 12, 31), "planned", 3200, "USD",
         3200, 8),
        ("2.1 (AWP 2015)", "2", "JAM", "IOM", dt.date(2015, 7, 1), dt.date(2015, 12, 31), "planned", 1000, "USD", 1000,
         10),
    ]


@pytest.mark.parametrize("fast_lane", ["1", "0"])
def test_a_date_shown_as_its_month_is_read_as_the_month_typed(write_workbook, tmp_path, monkeypatch, fast_lane):
    """'Jun 2015' typed into Excel is stored as 1 June 2015 shown as Jun-15 (format mmm-yy): a planned end shown so
    is the end of June, as the text 'Jun 2015' is, not the 1st; a due date too. A date shown with its day is the
    date. In both lanes."""
    monkeypatch.setenv("MM_FAST_LANE", fast_lane)
    activity = dict(activity_title="Migration profile", output_code="Output 1", country="Serbia", lead_agency="IOM",
                    status="ongoing", planned_start=dt.date(2014, 6, 1), planned_end=dt.date(2015, 6, 1))
    rows = {"workplan": [dict(activity, activity_code="1.1.1"), dict(activity, activity_code="1.1.2"),
                         dict(activity, activity_code="1.1.3")],  # dates only, as fastexcel reads a column
            "milestones": [dict(good_rows()["milestones"][0], due_date=dt.date(2015, 6, 1))]}
    path = write_workbook(rows)
    workbook = load_workbook(path)
    for title, headers in (("Work plan", ("Planned start", "Planned end")), ("Milestones", ("Due date",))):
        sheet = workbook[title]
        for cell in sheet[1]:
            if cell.value in headers:
                sheet.cell(2, cell.column).number_format = "mmm-yy"
                sheet.cell(3, cell.column).number_format = "mmmm yyyy"
    workbook.save(path)
    database = tmp_path / f"months-{fast_lane}.duckdb"
    run_load([path], database)
    june = (dt.date(2014, 6, 1), dt.date(2015, 6, 30))
    assert rows_of(database, "SELECT activity_code, planned_start, planned_end FROM activities ORDER BY 1") == [
        ("1.1.1", *june), ("1.1.2", *june), ("1.1.3", dt.date(2014, 6, 1), dt.date(2015, 6, 1))]  # shown as a date
    assert rows_of(database, "SELECT due_date FROM milestones") == [(dt.date(2015, 6, 30),)]
    assert describe(MonthShown(2015, 6, 1)) == "'Jun 2015' (1 June 2015 shown as its month)"  # in a rejection


@pytest.mark.parametrize("fast_lane", ["1", "0"])
def test_a_code_typed_as_a_number_under_a_fixed_decimals_format_is_read_as_shown(tmp_path, monkeypatch, fast_lane):
    """'1.10' typed into Excel is stored as 1.1; formatted '0.00' it shows 1.10 again, the tenth indicator of output
    1. A code column reads it as shown, so it is not indicator 1.1; a number column under the same format reads the
    number, and an output typed 1 under '0.0' is still output 1. In both lanes."""
    monkeypatch.setenv("MM_FAST_LANE", fast_lane)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Results matrix"
    sheet.append(["Output", "Indicator code", "Indicator", "Unit", "Direction", "Country", "Period", "Period target",
                  "Period actual"])
    for code, title in ((1.1, "Consultations held"), (1.1, "Officials trained"), (1.2, "Profiles")):
        sheet.append([1, code, title, "number", "higher is better", "Moldova", "2015/16 H1", 12, 10])
    for column, number_format in (("A", "0.0"), ("H", "0.00")):
        for row in range(2, 5):
            sheet[f"{column}{row}"].number_format = number_format
    sheet["B3"].number_format = "0.00"  # the tenth, typed 1.10; 1.1 and 1.2 are General
    sheet.append([1, 1e30, "A code too long to show", "number", "higher is better", "Moldova", "2015/16 H1", 1, 1])
    sheet["B5"].number_format = "0.00"  # more digits than a decimal holds: as stored, not a stopped load
    workbook.save(tmp_path / "MDA.xlsx")
    database = tmp_path / f"codes-{fast_lane}.duckdb"
    summary = run_load([tmp_path / "MDA.xlsx"], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT output_code, indicator_code, indicator_title, target FROM results ORDER BY 3") == [
        ("1", "1000000000000000019884624838656", "A code too long to show", 1.0),
        ("1", "1.1", "Consultations held", 12.0), ("1", "1.10", "Officials trained", 12.0),
        ("1", "1.2", "Profiles", 12.0)]


@pytest.mark.parametrize("fast_lane", ["1", "0"])
def test_a_code_with_an_invisible_character_is_the_same_code(write_workbook, tmp_path, monkeypatch, fast_lane):
    """'1.1' followed by a zero-width space (pasted from the web or a PDF; Excel shows '1.1') is indicator 1.1, not a
    new indicator beside it; a byte-order mark or a soft hyphen likewise shows nothing and means nothing."""
    monkeypatch.setenv("MM_FAST_LANE", fast_lane)
    rows = good_rows()["results"]
    rows[2]["indicator_code"] = "1.1\u200b"  # Jamaica, 2014/15 H2
    rows[4]["indicator_code"] = "\ufeff1.1"
    rows[3]["indicator_title"] = "Global meet\u00adings held"
    database = tmp_path / f"invisible-{fast_lane}.duckdb"
    summary = run_load([write_workbook({"results": rows}, kind="results")], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT DISTINCT indicator_code, indicator_title FROM results ORDER BY 1") == [
        ("1.1", "National policies that integrate migration"), ("5.1", "Global meetings held")]


@pytest.mark.parametrize("fast_lane", ["1", "0"])
def test_a_hidden_column_is_read_and_said(write_workbook, tmp_path, monkeypatch, fast_lane):
    """A hidden row is not loaded; a hidden column is (it is often the sheet's own workings), and a warning at its
    header says so; a hidden column the sheet does not read says nothing. In both lanes."""
    monkeypatch.setenv("MM_FAST_LANE", fast_lane)
    path = write_workbook({"results": good_rows()["results"]}, kind="results")
    workbook = load_workbook(path)
    sheet = workbook["Results matrix"]
    actual = next(cell.column_letter for cell in sheet[1] if cell.value == "Period actual")
    sheet.column_dimensions[actual].hidden = True
    sheet.column_dimensions["Z"].hidden = True
    workbook.save(path)
    database = tmp_path / f"hidden-{fast_lane}.duckdb"
    summary = run_load([path], database)
    assert [w.message for w in summary.warnings if w.kind == "hidden column"] == [
        "report.xlsx › Results matrix › row 1 › column Period actual: the column is hidden in Excel, and its values "
        "are loaded: unhide it to check them"]
    assert rows_of(database, "SELECT count(actual) FROM results") == [(4,)]


def awp_2015(path: Path, rows: list[list], merged: str) -> Path:
    """A UNDP annual work plan for 2015 from Jamaica: its title row, its header (quarters in C to F), `rows` from row
    3, and the cells `merged` merged."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "AWP 2015"
    sheet.append(["Annual Work Plan 2015 — Jamaica"])
    sheet.append(["Expected Outputs", "Planned Activities", "Q1", "Q2", "Q3", "Q4", "Responsible Party", "Amount"])
    for row in rows:
        sheet.append(row)
    sheet.merge_cells(merged)
    workbook.save(path)
    return path


def test_a_timeframe_mark_merged_across_quarters_marks_each_of_them(tmp_path, database):
    """An X merged across Q1 to Q3 (a bar, as Gantt-style plans draw one) shows across the three quarters: the
    activity is planned for all three, not for the first alone."""
    run_load([awp_2015(tmp_path / "bars.xlsx", [[OUTPUT_1, "1.1 Migration profile", "X", None, None, None, "IOM", 25000],
                                               [OUTPUT_1, "1.2 Diaspora mapping", None, "X", None, None, "IOM", 5000]],
                       "C3:E3")], database)
    assert rows_of(database, "SELECT activity_code, planned_start, planned_end FROM activities ORDER BY 1") == [
        ("1.1", dt.date(2015, 1, 1), dt.date(2015, 9, 30)), ("1.2", dt.date(2015, 4, 1), dt.date(2015, 6, 30))]


def test_a_total_row_merged_across_the_quarters_is_still_a_total_row(tmp_path, database):
    """A merge starting outside the timeframe columns (a Total, a heading, across the sheet) marks no quarter."""
    summary = run_load([awp_2015(tmp_path / "total.xlsx", [[OUTPUT_1, "1.1 Migration profile", "X", None, None, None,
                                                            "IOM", 25000],
                                                           ["Total", None, None, None, None, None, None, 25000]],
                                 "A4:G4")], database)
    assert summary.rejected == []
    assert [(w.kind, w.row) for w in summary.warnings if w.kind == "total row"] == [("total row", 4)]


def test_a_value_merged_over_rows_is_read_for_the_first_and_said(write_workbook, database):
    """A Period target merged over two period rows shows one 4 across both; the second row is read as empty (no
    target), and a warning names the merged cell."""
    path = write_workbook({"results": [r for r in good_rows()["results"] if r["country"] == "Jamaica"]},
                          kind="results")
    workbook = load_workbook(path)
    sheet = workbook["Results matrix"]
    target = next(cell.column_letter for cell in sheet[1] if cell.value == "Period target")
    sheet[f"{target}3"], sheet[f"{target}4"] = 4, None
    sheet.merge_cells(f"{target}3:{target}4")
    workbook.save(path)
    summary = run_load([path], database)
    assert rows_of(database, "SELECT source_row, target FROM results ORDER BY 1") == [(2, 0), (3, 4), (4, None)]
    assert [w.message for w in summary.warnings if w.kind == "merged cells"] == [
        "report.xlsx › Results matrix › row 3 › column Period target: a cell merged over rows 3 to 4: its value is "
        "read for row 3 only, and the rows below it as empty in this column; unmerge it and type the value in each "
        "row it is for"]


def test_undp_awp_a_number_under_a_quarter_is_rejected_with_the_reason(awp_database):
    _, summary = awp_database
    assert [p.message for r in summary.rejected for p in r.problems] == [
        "jamaica-awp.xlsx › AWP 2015 › row 9 › column Q4: found '5000', expected a mark (X, ✓ or 1) or an empty cell"]


def test_undp_awp_warnings_say_what_was_filled_in_or_left_out(awp_database):
    database, summary = awp_database
    assert sorted((w.kind, w.row, w.detail) for w in summary.warnings) == sorted([
        ("hidden rows", None, "hidden row(s) 12 not loaded: unhide them in Excel to load them"),
        ("total row", 11, "a total row, not loaded (totals are computed from the rows)"),
        ("value from the title", None, "no Country column: every row is read as country 'Jamaica' "
                                       "(year 2015 from the title row 1; country 'Jamaica' from the title row 2)"),
        ("default value", None, "no Status column: every activity is read as 'planned'"),
        ("default value", None, "no Currency column: a budget that names no currency ('€', 'EUR') is read in USD; "
                                "if it is another, add a Currency column or a title row ('Currency: ...')"),
        ("default value", None, "no Activity code column: each activity's code is the code at the start of its "
                                "title, else its output and its order under that output ('1.2 (AWP 2015)')"),
        ("timeframe", None, "planned start and end read from the marks under Q1, Q2, Q3, Q4 (year 2015: year 2015 "
                            "from the title row 1; country 'Jamaica' from the title row 2)"),
        # '12,500' is 12.5 where a comma is the decimal mark: read by the sheet's language (English), and said so
        *[("ambiguous number", row, f"'{text}' read as {number}, not {other} (no cell of this column shows its "
                                    "decimal mark; the sheet's language (en) writes decimal points)")
          for row, text, number, other in [(6, "$12,500", 12500, 12.5), (7, "8,000", 8000, 8),
                                           (8, "USD 3,200", 3200, 3.2), (10, "1,000", 1000, 1)]],
    ])
    assert rows_of(database, "SELECT count(*) FROM load_warnings") == [(11,)]


def test_timeframe_without_a_year_is_rejected_with_the_way_to_give_one(tmp_path, database):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Country: Serbia"])
    sheet.append(["Output", "Activity", "Lead agency", "Jan", "Feb", "Mar"])
    sheet.append(["Output 1", "Launch", "UNDP", None, "X", None])
    workbook.save(tmp_path / "plan.xlsx")
    summary = run_load([tmp_path / "plan.xlsx"], database)
    assert [p.message for r in summary.rejected for p in r.problems] == [
        "plan.xlsx › Plan › row 3 › column Planned start: found 'X under Feb', expected a year for the timeframe "
        "columns: name it in a title row (e.g. 'Annual Work Plan 2015'), the sheet name or the headers ('Q1 2015')"]


def test_month_columns_with_their_year_in_the_header(tmp_path, database):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Country", "Output", "Activity", "Lead agency", "Jan 2016", "Feb 2016", "Mar 2016"])
    sheet.append(["Serbia", 1, "Launch", "UNDP", None, "✔", "√"])
    workbook.save(tmp_path / "plan.xlsx")
    run_load([tmp_path / "plan.xlsx"], database)
    assert rows_of(database, "SELECT planned_start, planned_end FROM activities") == [
        (dt.date(2016, 2, 1), dt.date(2016, 3, 31))]


@pytest.mark.parametrize("months", [
    [dt.datetime(2016, month, 1) for month in range(2, 13)] + [dt.datetime(2017, 1, 1)],  # dates shown 'mmm-yy'
    [dt.datetime(2016, month, day) for month, day in zip(range(2, 13), (29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))]
    + [dt.datetime(2017, 1, 31)],  # dates of each month's last day (EOMONTH)
    ["févr.-16", "mars-16", "avr.-16", "mai-16", "juin-16", "juil.-16", "août-16", "sept.-16", "oct.-16",
     "nov.-16", "déc.-16", "janv.-17"],  # as text, with Excel's two-figure year
])
def test_month_columns_headed_by_dates_or_a_two_figure_year(tmp_path, database, months):
    """Before, a French work plan whose month columns were headed 'févr.-16' … 'janv.-17' (typed so, or typed as
    dates Excel shows so) was not recognised: the whole file was refused."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "PTA 2016"
    sheet.append(["Plan de travail annuel 2016 - Maroc"])
    sheet.append(["Produit", "Code activité", "Activité", "Agence responsable", "Statut", *months, "Budget", "Devise"])
    for column in range(6, 18):
        sheet.cell(2, column).number_format = "mmm-yy"
    sheet.append(["Produit 1", "1.1", "Atelier", "PNUD", "En cours", *[None] * 10, "X", "X", 1000, "USD"])
    sheet.append(["Produit 1", "1.2", "Étude", "PNUD", "En cours", "X", "X", *[None] * 10, 1000, "USD"])
    workbook.save(tmp_path / "MAR.xlsx")
    run_load([tmp_path / "MAR.xlsx"], database, as_of=dt.date(2017, 7, 31))
    assert rows_of(database, "SELECT activity_code, planned_start, planned_end FROM activities ORDER BY 1") == [
        ("1.1", dt.date(2016, 12, 1), dt.date(2017, 1, 31)), ("1.2", dt.date(2016, 2, 1), dt.date(2016, 3, 31))]


def test_quarter_columns_with_a_two_figure_year(tmp_path, database):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Country", "Output", "Activity", "Lead agency", "Q3-16", "Q4-16", "Q1-17", "Q2 17"])
    sheet.append(["Serbia", 1, "Launch", "UNDP", None, "X", "X", None])
    workbook.save(tmp_path / "plan.xlsx")
    run_load([tmp_path / "plan.xlsx"], database, as_of=dt.date(2017, 7, 31))
    assert rows_of(database, "SELECT planned_start, planned_end FROM activities") == [
        (dt.date(2016, 10, 1), dt.date(2017, 3, 31))]


def test_a_date_heading_one_column_of_a_work_plan_is_no_month_of_its_plan(tmp_path, database):
    """Columns headed by dates beside a Planned start and end (a progress date '30/06/2016', 'As of 01/07/2016'),
    or by 'June 30', are no timeframe columns: a mark under them plans nothing."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Country", "Output", "Activity", "Lead agency", "Planned start", "Planned end",
                  dt.datetime(2016, 6, 30), dt.datetime(2016, 7, 1), "June 30"])
    sheet.append(["Serbia", "Output 1", "Launch", "UNDP", dt.date(2016, 2, 1), None, 1, 1, 1])
    workbook.save(tmp_path / "plan.xlsx")
    summary = run_load([tmp_path / "plan.xlsx"], database, as_of=dt.date(2017, 7, 31))
    assert [(r.row, [p.column for p in r.problems]) for r in summary.rejected] == [(2, ["Planned end"])]
    assert not [w for w in summary.warnings if w.kind == "timeframe"]


def test_month_columns_past_december_are_in_the_next_year(tmp_path, database):
    """A plan over the programme's year (August to July) with month columns Aug ... Dec, Jan ... Jul under a title
    naming 2015: January to July are 2016, as a quarter grid's second year under a group cell '2016' is; the
    warning says which columns are of which year."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Annual Work Plan 2015/16 (August 2015 – July 2016), Serbia"])
    months = ["Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul"]
    sheet.append(["Output", "Activity", "Lead agency", *months])
    sheet.append(["Output 1", "Final review", "UNDP", *("X" if m in ("Dec", "Jan") else None for m in months)])
    sheet.append(["Output 1", "Closing event", "UNDP", *("X" if m == "Jul" else None for m in months)])
    grid = workbook.create_sheet("Two years")
    grid.append(["Multi-year work plan, Serbia"])
    grid.append(["Output", "Activity", "Lead agency", "2015", None, None, None, "2016", None, None, None])
    grid.append([None, None, None, "Q1", "Q2", "Q3", "Q4", "Q1", "Q2", "Q3", "Q4"])
    grid.merge_cells("D2:G2")
    grid.merge_cells("H2:K2")
    for column in "ABC":
        grid.merge_cells(f"{column}2:{column}3")
    grid.append(["Output 2", "Runs Q4 2015 to Q1 2016", "IOM", None, None, None, "X", "X", None, None, None])
    grouped = workbook.create_sheet("Grouped")  # a group cell naming the programme year over Aug ... Jul
    grouped.append(["Serbia"])
    grouped.append(["Output", "Activity", "Lead agency", "Timeframe 2015/16", *[None] * 11])
    grouped.append([None, None, None, *months])
    grouped.merge_cells("D2:O2")
    for column in "ABC":
        grouped.merge_cells(f"{column}2:{column}3")
    grouped.append(["Output 3", "Grouped review", "UNDP", *("X" if m in ("Dec", "Jan") else None for m in months)])
    workbook.save(tmp_path / "plan.xlsx")
    summary = run_load([tmp_path / "plan.xlsx"], database)
    assert summary.rejected == []
    assert rows_of(database, "SELECT activity_title, planned_start, planned_end FROM activities ORDER BY 2") == [
        ("Runs Q4 2015 to Q1 2016", dt.date(2015, 10, 1), dt.date(2016, 3, 31)),
        ("Final review", dt.date(2015, 12, 1), dt.date(2016, 1, 31)),
        ("Grouped review", dt.date(2015, 12, 1), dt.date(2016, 1, 31)),
        ("Closing event", dt.date(2016, 7, 1), dt.date(2016, 7, 31))]
    said = [w.detail for w in summary.warnings if w.kind == "timeframe" and w.sheet == "Plan"]
    assert len(said) == 1 and said[0].endswith("; Aug to Dec in 2015, Jan to Jul in 2016)")


def test_an_empty_currency_under_another_currency_is_read_as_usd_and_said(tmp_path, write_workbook):
    """The template reads an empty Currency cell of a work plan as USD, as its Currency header says ('USD when
    empty'). A work plan laid out by others does not say it: where other rows of the sheet name another currency,
    an empty cell may mean 'the same as above', so the rows read as USD are said, in one warning per sheet. The
    template's own sheet, or a sheet whose other rows are USD too, says nothing."""
    def plan(name: str, currencies: list[str | None], budgets: list[float | None]) -> Path:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "AWP 2015"
        sheet.append(["Country", "Expected Outputs", "Planned Activities", "Q1", "Q2", "Q3", "Q4", "Responsible Party",
                      "Amount", "Currency"])
        for number, (currency, budget) in enumerate(zip(currencies, budgets), start=1):
            sheet.append(["Serbia", "Output 1", f"1.{number} Activity", "X", None, None, None, "UNDP", budget,
                          currency])
        workbook.save(tmp_path / name)
        return tmp_path / name

    summary = run_load([plan("awp.xlsx", ["RSD", None, None, None, None], [1000, 20, 30, None, 50])],
                       tmp_path / "awp.duckdb")
    assert rows_of(tmp_path / "awp.duckdb", "SELECT activity_code, currency FROM activities ORDER BY 1") == [
        ("1.1", "RSD"), ("1.2", "USD"), ("1.3", "USD"), ("1.4", "USD"), ("1.5", "USD")]
    assert [(w.row, w.column, w.detail) for w in summary.warnings if w.kind == "currency by default"] == [
        (3, "Currency", "no currency in rows 3-4, 6: their amounts are read in USD, the default, while other rows "
                        "name RSD; write the currency in each row (an empty cell does not repeat the one above)")]
    summary = run_load([plan("usd.xlsx", ["USD", None], [1000, 20])], tmp_path / "usd.duckdb")
    assert [w for w in summary.warnings if w.kind == "currency by default"] == []
    first = good_rows()["workplan"][0]  # the template's own work plan, 1,000,000 RSD, then an empty Currency cell
    rows = [first, dict(first, activity_code="1.1.2", currency=None)]
    summary = run_load([write_workbook({"workplan": rows}, kind="workplan")], tmp_path / "template.duckdb")
    assert [w for w in summary.warnings if w.kind == "currency by default"] == []


def test_timeframe_years_roll_over_within_a_group_and_start_again_under_the_next():
    """Two groups naming the same year each start at it; an explicit 'Jan 2016' inside a '2015/16' group carries on
    to February and March 2016; columns without a year roll over after December."""
    from etl.layout import TimeframeColumn, timeframe_years

    def under(position: int, label: str, month: int, year: int) -> TimeframeColumn:
        return TimeframeColumn(position, f"{label} · {month}", month, month, year, "group")

    two = [under(0, "Timeframe 2015", 1, 2015), under(1, "Timeframe 2015", 10, 2015), under(2, "Budget 2015", 1, 2015)]
    assert [c.year for c in timeframe_years(two, None)] == [2015, 2015, 2015]
    months = [under(i, "Timeframe 2015/16", m, 2015) for i, m in enumerate([8, 12, 1, 2, 3])]
    months[2] = TimeframeColumn(2, "Jan 2016", 1, 1, 2016, "header")
    assert [c.year for c in timeframe_years(months, None)] == [2015, 2015, 2016, 2016, 2016]
    plain = [TimeframeColumn(i, str(m), m, m, None) for i, m in enumerate([11, 12, 1, 2])]
    assert [c.year for c in timeframe_years(plain, 2015)] == [2015, 2015, 2016, 2016]


def test_currency_named_in_an_amount_must_agree_with_the_currency_column(write_workbook, database):
    rows = good_rows()
    rows["workplan"][0]["budget"] = "$1,000"  # the row says RSD
    summary = run_load([write_workbook(rows)], database)
    assert [p.message for r in summary.rejected for p in r.problems] == [
        "report.xlsx › Work plan › row 2 › column Budget: found '$1,000', expected an amount in RSD (the Currency "
        "column), not in USD: fix the amount or the currency"]


# --- IOM results-matrix annex ----------------------------------------------------------------------------

def iom_annex(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Annex 1"
    sheet.append(["Progress Achieved Compared to Indicators in the Results Matrix"])
    sheet.append(["Republic of Moldova, reporting year 2015"])
    sheet.append(["Results", "Indicators", "Baseline", "Target", "Progress achieved"])
    sheet.append([OUTPUT_1, "1.1 National Project Board meetings", 0, "4", "3 (two in 2015, one in 2016)"])
    sheet.append([None, "1.2 Policy documents integrating migration", "N/A", "TBD", "Draft submitted to Parliament"])
    sheet.append(["Output 2: Migration is integrated into national policies", "2.1 Diaspora associations engaged",
                  "1,200", "$15,000 ", "=C6/0"])
    sheet.append([None, "2.2 Share of municipalities with a migration focal point", "(5%)", "No target", "-15%"])
    workbook.save(path)
    patch_cells(path, {"E6": '<c r="E6" t="e"><f>C6/0</f><v>#DIV/0!</v></c>'})
    return path


def test_iom_annex_loads_as_an_indicator_table_with_text_kept_beside_the_numbers(tmp_path, database):
    summary = run_load([iom_annex(tmp_path / "mda-annex.xlsx")], database)
    assert rows_of(database, """
        SELECT country, result, indicator, baseline, baseline_note, target, target_note, actual, actual_note, source_row
        FROM indicator_table ORDER BY source_row""") == [
        ("Republic of Moldova", OUTPUT_1, "1.1 National Project Board meetings", 0.0, None, 4.0, None, 3.0,
         "3 (two in 2015, one in 2016)", 4),
        ("Republic of Moldova", OUTPUT_1, "1.2 Policy documents integrating migration", None, "N/A", None, "TBD", None,
         "Draft submitted to Parliament", 5),
        ("Republic of Moldova", "Output 2: Migration is integrated into national policies",
         "2.2 Share of municipalities with a migration focal point", -5.0, None, None, "No target", -15.0, None, 7),
    ]
    assert [p.message for r in summary.rejected for p in r.problems] == [
        "mda-annex.xlsx › Annex 1 › row 6 › column Progress achieved: found '#DIV/0!', expected a number, not the "
        "Excel error #DIV/0! (a division by zero in the cell's formula: fix the formula or type the value)"]
    assert [w.message for w in summary.warnings if w.kind == "text kept"] == [
        "mda-annex.xlsx › Annex 1 › row 5 › column Progress achieved: 'Draft submitted to Parliament' is not a "
        "number: kept as text in actual_note, actual left empty"]


def test_no_value_marker_in_the_programme_template_asks_for_an_empty_cell(write_workbook, database):
    rows = good_rows()
    rows["results"][1]["actual"] = "Pending"
    summary = run_load([write_workbook(rows)], database)
    assert [p.message for r in summary.rejected for p in r.problems] == [
        "report.xlsx › Results matrix › row 3 › column Period actual: found 'Pending', expected a number: 'Pending' "
        "means not yet measured, so leave the cell empty and give the reason in Comment"]


# --- header aliases ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("header", ["Responsible Party", "  responsible   PARTY ", "Lead agency", "lead_agency"])
def test_header_names_match_case_and_space_insensitively_and_through_aliases(header):
    rows = [["Country", "Output", "Activity", header, "Q1 2015"]]
    match = find_header(spec.WORKPLAN, rows, load_reference())
    assert match is not None and match.columns["lead_agency"] == 3


def test_a_user_can_add_a_header_alias_without_code(tmp_path):
    directory = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, directory)
    with open(directory / "header_aliases.csv", "a", encoding="utf-8") as handle:
        handle.write("workplan,lead_agency,Quien lidera\n")
    rows = [["País", "Output", "Activity", "Quien lidera", "Q1 2015"]]
    assert find_header(spec.WORKPLAN, rows, load_reference()) is None
    assert find_header(spec.WORKPLAN, rows, load_reference(directory)).columns["lead_agency"] == 3


# --- formulas, hidden sheets and rows -------------------------------------------------------------------

def test_formulas_are_read_as_their_cached_values_and_uncalculated_ones_reported(tmp_path, database):
    path = tmp_path / "formulas.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Expenditure"
    sheet.append(["Country", "Output", "Agency", "Programme year", "Budget", "Expenditure", "Currency"])
    sheet.append(["Jamaica", 1, "UNDP", 2014, "=40000+2500", "=E2/2", "USD"])
    sheet.append(["Jamaica", 2, "IOM", 2014, 1000, "=E3/2", "USD"])
    workbook.save(path)
    # openpyxl writes formulas without results; Excel would have saved E2 = 42500 and F2 = 21250.
    patch_cells(path, {"E2": '<c r="E2"><f>40000+2500</f><v>42500</v></c>',
                       "F2": '<c r="F2"><f>E2/2</f><v>21250</v></c>'})
    summary = run_load([path], database)
    assert rows_of(database, "SELECT output_code, budget, expenditure FROM expenditure ORDER BY 1") == [
        ("1", 42500, 21250), ("2", 1000, None)]
    assert [w.message for w in summary.warnings] == [
        "formulas.xlsx › Expenditure › row 3 › column F: a formula saved without its calculated value (the file was "
        "not saved by Excel): read as an empty cell; open and save it in Excel or LibreOffice"]


def test_hidden_sheets_and_rows_are_not_loaded_and_are_reported(write_workbook, database):
    rows = good_rows()
    rows["milestones"].append(dict(rows["milestones"][0], milestone="Budget endorsed"))
    path = write_workbook(rows)
    workbook = load_workbook(path)
    workbook["Milestones"].row_dimensions[3].hidden = True
    old = workbook.copy_worksheet(workbook["Expenditure"])
    old.title = "Expenditure (old)"
    old.sheet_state = "hidden"
    workbook.save(path)

    summary = run_load([path], database)
    assert rows_of(database, "SELECT milestone FROM milestones") == [("Government endorsement",)]
    assert rows_of(database, "SELECT count(*) FROM expenditure") == [(2,)]  # not 4: the hidden copy is left out
    assert sorted(w.message for w in summary.warnings) == [
        "report.xlsx › Expenditure (old): a hidden sheet holding 'Expenditure' rows, not loaded: unhide it in "
        "Excel to load it",
        "report.xlsx › Milestones: hidden row(s) 3 not loaded: unhide them in Excel to load them"]


@pytest.mark.parametrize("attributes, hidden", [(b'ht="0" customHeight="1"', True), (b'customHeight="true" ht="0.0"', True),
                                                (b'ht="0"', False)])
def test_a_row_of_no_height_is_a_hidden_row(write_workbook, database, attributes, hidden):
    """A row dragged to no height (ht="0" customHeight="1", without hidden="1", as some writers save it) is out of
    sight as a hidden one is: not loaded, and said. A height of 0 not set by hand Excel works out again: loaded."""
    rows = good_rows()
    rows["milestones"].append(dict(rows["milestones"][0], milestone="Budget endorsed"))
    path = write_workbook(rows)
    sheet = load_workbook(path, read_only=True).sheetnames.index("Milestones") + 1
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    name = f"xl/worksheets/sheet{sheet}.xml"  # openpyxl writes no height of 0: the XML is edited
    parts[name], count = re.subn(rb'<row r="3"', b'<row r="3" ' + attributes, parts[name])
    assert count == 1 and b"hidden=" not in parts[name]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in parts.items():
            archive.writestr(part, data)
    summary = run_load([path], database)
    assert len(rows_of(database, "SELECT milestone FROM milestones")) == (1 if hidden else 2)
    assert [w.message for w in summary.warnings if w.kind == "hidden rows"] == [
        "report.xlsx › Milestones: hidden row(s) 3 not loaded: unhide them in Excel to load them"][:hidden]


# --- Numbers formatted as percentages -------------------------------------------------------------------

def percent_formatted(path: Path, formats: dict[tuple[str, int, str], tuple[float, str]]) -> Path:
    """The workbook with cells set to a number under a number format: {(sheet, row, header): (number, format)}."""
    workbook = load_workbook(path)
    for (title, row, header), (number, number_format) in formats.items():
        sheet = workbook[title]
        cell = sheet.cell(row, [c.value for c in sheet[1]].index(header) + 1, number)
        cell.number_format = number_format
    workbook.save(path)
    return path


def rows_with_percent_unit() -> dict[str, list[dict]]:
    rows = good_rows()
    for row in rows["results"]:
        if row["indicator_code"] == "1.1":
            row["unit"] = "%"
    return rows


PERCENT_FORMATS = {
    ("Work plan", 3, "% complete"): (0.75, "0%"),  # typed 75% in Excel
    ("Results matrix", 4, "Period actual"): (0.45, "0%"),  # typed 45%: against a target of 2 (%)
    ("Results matrix", 6, "Period actual"): (0.034, "0.0%"),  # a custom format: 3.4%
    ("Results matrix", 7, "Period actual"): (3, '0"%"'),  # a quoted sign: Excel shows 3%, the number stored
    ("Results matrix", 5, "Period target"): (1, "0\\%"),  # an escaped sign: Excel shows 1%
    ("Results matrix", 2, "End-of-programme target"): (6, "0.00"),  # no percent: as stored
}
PERCENT_WARNINGS = [
    "report.xlsx › Results matrix › row 4 › column Period actual: formatted as a percentage: 0.45 shown as 45%, read "
    "as 45",
    "report.xlsx › Results matrix › row 6 › column Period actual: formatted as a percentage: 0.034 shown as 3.4%, "
    "read as 3.4",
    "report.xlsx › Work plan › row 3 › column % complete: formatted as a percentage: 0.75 shown as 75%, read as 75"]


@pytest.mark.parametrize("fast_lane", [pytest.param("1", marks=pytest.mark.slow), "0"],  # slow: reads it twice
                         ids=["fast lane", "per-cell lane"])
def test_a_number_formatted_as_a_percentage_is_read_as_shown_and_reported(write_workbook, database, monkeypatch,
                                                                          fast_lane):
    """0.75 under '0%' is what a person typing 75% stores: read as 75 where the text '75%' is, and said. In the
    fast lane the Results matrix is read by fastexcel, whose rows holding such a number are read again as cells."""
    monkeypatch.setenv("MM_FAST_LANE", fast_lane)
    path = percent_formatted(write_workbook(rows_with_percent_unit()), PERCENT_FORMATS)
    if fast_lane == "1":
        assert [type(s).__name__ for s in read_file(path)[0] if s.sheet == "Results matrix"] == ["FastSheet"]
    summary = run_load([path], database)
    assert summary.rejected == []
    assert sorted(w.message for w in summary.warnings if w.kind == "percentage format") == PERCENT_WARNINGS
    assert rows_of(database, "SELECT activity_code, percent_complete FROM activities ORDER BY 1") == [
        ("1.1.1", 100.0), ("2.1.1", 75.0)]
    assert rows_of(database, "SELECT source_row, target, actual, end_target FROM results ORDER BY source_row") == [
        (2, 0.0, None, 6.0), (3, 0.0, None, 4.0), (4, 2.0, 45.0, 6.0), (5, 1.0, 2.0, 4.0), (6, 4.0, 3.4, 6.0),
        (7, 2.0, 3.0, 4.0)]


def test_a_workbook_without_percent_formats_is_read_as_stored_without_warnings(write_workbook, database):
    path = percent_formatted(write_workbook(rows_with_percent_unit()),
                             {("Results matrix", 4, "Period actual"): (0.45, "0.00")})
    summary = run_load([path], database)
    assert [w for w in summary.warnings if w.kind == "percentage format"] == []
    assert rows_of(database, "SELECT actual FROM results WHERE source_row = 4") == [(0.45,)]


@pytest.mark.slow  # two loads
def test_a_workbook_whose_normal_style_is_a_percentage_reads_every_unstyled_number_as_shown(write_workbook, database):
    """A workbook whose default style (Excel's Normal, which a cell without a style of its own has) shows numbers
    as percentages: each such number is one, to the person and so to the load. The years show as 201300%, so
    the rows are refused, the message saying where the format comes from; nothing is read as stored."""
    path = percent_formatted(write_workbook(rows_with_percent_unit(), kind="results"),
                             {("Results matrix", 4, "Period actual"): (0.45, "General")})
    summary = run_load([with_normal_style(path, 9)], database)
    assert rows_of(database, "SELECT count(*) FROM results") == [(0,)]
    refused = {r.row: r for r in summary.rejected if r.sheet == "Results matrix"}
    assert sorted(refused) == [2, 3, 4, 5, 6, 7]
    assert [p.message for p in refused[4].problems] == [
        "report.xlsx › Results matrix › row 4 › column Baseline year: found '201300%' (2013 formatted as a "
        "percentage by the workbook's Normal style), expected a year such as 2013"]
    assert refused[4].values["Period actual"] == "45%"


@pytest.mark.slow  # two loads
@pytest.mark.parametrize("number_format, shown", [(14, "dates"), (46, "durations (hours:minutes)")])
def test_a_workbook_whose_normal_style_is_a_date_reads_numbers_as_stored_and_says_so(write_workbook, tmp_path,
                                                                                    number_format, shown):
    """Excel shows every number of a cell without a style of its own as a date (or a duration) where the Normal
    style is one; nothing tells whether the person meant the number or the date, so the number is read as stored
    (the same tables as under a General Normal style) and each sheet loaded says so."""
    plain = run_load([write_workbook(good_rows(), name="plain.xlsx")], tmp_path / "plain.duckdb")
    path = with_normal_style(write_workbook(good_rows(), name="dated.xlsx"), number_format)
    dated = run_load([path], tmp_path / "dated.duckdb")
    for table in ("results", "expenditure", "activities", "milestones"):
        sql = f"SELECT * EXCLUDE (source_file) FROM {table} ORDER BY ALL"
        assert rows_of(tmp_path / "dated.duckdb", sql) == rows_of(tmp_path / "plain.duckdb", sql)
    said = [w for w in dated.warnings if w.kind == "Normal style not a number"]
    assert {w.sheet for w in said} >= {"Results matrix", "Work plan", "Expenditure", "Milestones"}
    assert len(said) == len({w.sheet for w in said})  # once a sheet
    assert said[0].message.startswith(
        f"dated.xlsx › {said[0].sheet}: the workbook's Normal style shows numbers as {shown}: a number in a cell "
        "with no style of its own is read as the number it holds")
    assert not [w for w in plain.warnings if w.kind == "Normal style not a number"]


def test_a_percentage_where_none_belongs_is_rejected_as_the_text_would_be(write_workbook, tmp_path):
    """An amount shown as 75% is refused as the text '75%' is, and the message says what the cell holds."""
    rows = good_rows()
    path = percent_formatted(write_workbook(rows), {("Expenditure", 2, "Budget"): (0.75, "0%")})
    rows["expenditure"][0]["budget"] = "75%"
    typed = write_workbook(rows, name="typed.xlsx")
    expected = "expected a number without a percent sign (a percent sign belongs to percentages and indicator values)"
    messages = [p.message for file in (path, typed)
                for r in run_load([file], tmp_path / f"{file.stem}.duckdb").rejected for p in r.problems]
    assert messages == [
        f"report.xlsx › Expenditure › row 2 › column Budget: found '75%' (0.75 formatted as a percentage), {expected}",
        f"typed.xlsx › Expenditure › row 2 › column Budget: found '75%', {expected}"]


def test_a_date_formatted_as_a_percentage_is_rejected_as_the_text_would_be(write_workbook, database):
    """A due date stored as Excel's serial 41800 under '0%' shows as 4180000%: not a date to anyone reading the
    sheet, so it is refused as the text '4180000%' is (it loaded as 2014-06-10 before)."""
    path = percent_formatted(write_workbook(good_rows()), {("Milestones", 2, "Due date"): (41800, "0%")})
    summary = run_load([path], database)
    assert [p.message for r in summary.rejected for p in r.problems] == [
        "report.xlsx › Milestones › row 2 › column Due date: found '4180000%' (41800 formatted as a percentage), "
        "expected a date (2014-06-30, 30/06/2014 or an Excel date)"]
    assert rows_of(database, "SELECT count(*) FROM milestones") == [(0,)]


def test_percentages_are_reported_one_by_one_then_counted_and_not_for_a_rejected_row(write_workbook, database):
    """Twenty-five activities whose % complete is 50% typed in Excel (0.5 under '0%'): the first twenty are said
    one by one, then one warning counts the other four read; the row rejected for its status says nothing of its
    percentage (the row is in rejected_rows, with its own problem)."""
    rows = good_rows()
    template = rows["workplan"][1]
    rows["workplan"] = [dict(template, activity_code=f"2.1.{n}", percent_complete=0.5) for n in range(1, 26)]
    rows["workplan"][22]["status"] = "postponed indefinitely"  # not a status: the row is rejected (row 24)
    path = percent_formatted(write_workbook(rows), {("Work plan", row, "% complete"): (0.5, "0%")
                                                    for row in range(2, 27)})
    summary = run_load([path], database)
    [rejected] = summary.rejected
    assert rejected.row == 24 and [p.column for p in rejected.problems] == ["Status"]
    said = [w for w in summary.warnings if w.kind == "percentage format"]
    assert [w.row for w in said[:20]] == list(range(2, 22))
    assert [(w.row, w.detail) for w in said[20:]] == [
        (None, "4 more numbers of this column formatted as percentages, read as shown like those above")]
    assert rows_of(database, "SELECT DISTINCT percent_complete FROM activities") == [(50.0,)]


# --- CSV encodings and line endings ---------------------------------------------------------------------

CSV_TEXT = ("Country,Milestone,Category,Due date,Achieved date,Comment\n"
            'Serbia,Budget endorsed,inception,30/04/2014,Jun 2014,"Signed in Belgrade – “final” text, café"\n')


@pytest.mark.slow  # a sweep of cases; each loads a database
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("ending", ["\r", "\n", "\r\n"], ids=["CR", "LF", "CRLF"])
def test_csv_in_any_encoding_and_line_ending(tmp_path, database, encoding, ending):
    path = tmp_path / "milestones.csv"
    path.write_bytes(CSV_TEXT.replace("\n", ending).encode(encoding))
    run_load([path], database)
    assert rows_of(database, "SELECT country, due_date, achieved_date, comment FROM milestones") == [
        ("SRB", dt.date(2014, 4, 30), dt.date(2014, 6, 30), "Signed in Belgrade – “final” text, café")]
    said = rows_of(database, "SELECT \"row\", \"column\" FROM load_warnings WHERE kind = 'not UTF-8'")
    assert said == ([(2, "Comment")] if encoding == "cp1252" else [])  # where 'Signed in Belgrade – ...' is


def test_a_csv_file_not_in_utf8_is_read_as_windows_1252_and_said_to_be(tmp_path, database):
    """A Cyrillic file saved in Windows-1251 reads as Windows-1252 into other letters: the warning says where its
    first letter beyond ASCII is and how it reads there; a UTF-8 file gets no such warning."""
    cyrillic = tmp_path / "in" / "KGZ-milestones.csv"
    cyrillic.parent.mkdir()
    cyrillic.write_bytes("Country,Milestone,Category,Due date,Comment\n"
                         "Kyrgyzstan,Budget endorsed,inception,30/04/2014,Проведено первое заседание\n"
                         .encode("cp1251"))
    (tmp_path / "in" / "SRB-milestones.csv").write_bytes(CSV_TEXT.encode("utf-8"))
    run_load([cyrillic.parent], database)
    [(file, sheet, row, column, detail)] = rows_of(
        database, "SELECT file, sheet, \"row\", \"column\", message FROM load_warnings WHERE kind = 'not UTF-8'")
    assert (file, row, column) == ("KGZ-milestones.csv", 2, "Comment")
    assert "read as Windows-1252" in detail and "'Ïðîâåäåíî ïåðâîå çàñåäàíèå'" in detail
    assert detail.endswith("where this cell reads 'Ïðîâåäåíî ïåðâîå çàñåäàíèå'; if other letters were typed "
                           "(Cyrillic, Greek, ...), save it as 'CSV UTF-8' and run the load again")
    assert rows_of(database, "SELECT comment FROM milestones WHERE country = 'KGZ'") == [
        ("Ïðîâåäåíî ïåðâîå çàñåäàíèå",)]  # loaded as read, and said to be


def test_the_not_utf8_warning_names_the_column_by_its_header_below_it_and_by_its_letter_elsewhere():
    from etl.cells import not_utf8_warning
    header = ["Country", "Milestone", None]
    where = [(w.row, w.column) for w in (
        not_utf8_warning("f.csv", "CSV", [["Rapport annuel Ã©tabli"], header, ["Serbia", "CafÃ©"]], 1),
        not_utf8_warning("f.csv", "CSV", [["Title"], header, ["Serbia", "Budget", "CafÃ©"]], 1),
        not_utf8_warning("f.csv", "CSV", [["Title"], header, ["Serbia", "CafÃ©"]], 1),
        not_utf8_warning("f.csv", "CSV", [["Country", "MilestÃ³ne"], ["Serbia", "x"]], 0))]
    assert where == [(1, "A"), (3, "C"), (3, "Milestone"), (1, "B")]  # above, blank header, below, the header
    stacked = not_utf8_warning("f.csv", "CSV", [["", "2015"], ["Country", "Target"], ["Serbia", "CafÃ©"]], 1,
                               {1: "2015 · Target"})
    assert stacked.column == "2015 · Target"  # as the row's problems name it


def test_semicolon_separated_csv(tmp_path, monkeypatch):
    path = tmp_path / "milestones.csv"
    path.write_text("Country;Milestone;Category;Due date\nSerbia;Budget endorsed;inception;2014-04-30\n")
    [fast], _ = read_csv(path)  # the fast lane (etl/columnar.py): Arrow columns
    assert fast.spec.kind == "milestones" and fast.table.to_pylist() == [
        {"c0": "Serbia", "c1": "Budget endorsed", "c2": "inception", "c3": "2014-04-30"}]
    monkeypatch.setenv("MM_FAST_LANE", "0")
    [sheet], _ = read_csv(path)
    assert sheet.spec.kind == "milestones" and sheet.rows == [(2, ["Serbia", "Budget endorsed", "inception",
                                                                   "2014-04-30"])]


# --- numbers and dates typed as text ----------------------------------------------------------------------

NUMBERS = [
    ("14,100", 14100.0), ("$15,200,000 ", 15200000.0), ("USD 2 500", 2500.0), ("1,000 EUR", 1000.0),
    ("£1,250.50", 1250.5), ("-15%", -15.0), ("0.50%", 0.5), ("(1,234.5)", -1234.5), ("1'000", 1000.0),
    ("\u00a012\u00a0", 12.0), (7, 7.0), (3.25, 3.25),
]


@pytest.mark.parametrize("text, number", NUMBERS, ids=[repr(n[0]) for n in NUMBERS])
def test_numbers_typed_as_text(text, number):
    assert parse_number(text) == number


NOT_NUMBERS = [
    ("12,5", "a number"),  # a comma is only a thousands separator: never read as 125
    ("lots", "a number"),
    ("#DIV/0!", "a number, not the Excel error #DIV/0! (a division by zero in the cell's formula: fix the formula "
                "or type the value)"),
    ("#N/A", "a number, not the Excel error #N/A (a value not available to the formula in the cell's formula: fix "
             "the formula or type the value)"),
    ("#VALUE!", "a number, not the Excel error #VALUE! (a formula given the wrong type of value in the cell's "
                "formula: fix the formula or type the value)"),
    (True, "a number"),
]


@pytest.mark.parametrize("text, expected", NOT_NUMBERS, ids=[repr(n[0]) for n in NOT_NUMBERS])
def test_what_is_not_a_number_is_a_problem_with_the_reason(text, expected):
    from etl.errors import ValueProblem
    with pytest.raises(ValueProblem) as problem:
        parse_number(text)
    assert problem.value.expected == expected


@pytest.mark.parametrize("text, how, number, note", [
    ("Pending", "no value", None, "Pending"), ("N/A", "no value", None, "N/A"), ("TBD", "no value", None, "TBD"),
    ("No target", "no value", None, "No target"), ("No Target", "no value", None, "No Target"),
    ("25.43 (Q13-Q16)", "number with a note", 25.43, "25.43 (Q13-Q16)"),
    ("50% reduction", "text", None, "50% reduction"), ("14,100", "number", 14100.0, None),
])
def test_reported_numbers_keep_the_text_that_stood_in_their_place(text, how, number, note):
    reported = reported_number_parser(load_reference())(text)
    assert (reported.how, reported.number, reported.note) == (how, number, note)


DATES = [(41820, dt.date(2014, 6, 30)), (dt.datetime(2014, 6, 30, 0, 0), dt.date(2014, 6, 30)),
         ("2014-06-30", dt.date(2014, 6, 30)), ("30/06/2014", dt.date(2014, 6, 30)),
         ("06/30/2014", dt.date(2014, 6, 30)), ("30 June 2014", dt.date(2014, 6, 30)),
         ("Jun 2014", dt.date(2014, 6, 30)), ("Q2 2014", dt.date(2014, 6, 30))]


@pytest.mark.parametrize("value, day", DATES, ids=[str(d[0]) for d in DATES])
def test_dates_as_serials_real_dates_or_text(value, day):
    assert parse_date(value) == day


@pytest.mark.parametrize("value, start, end", [
    ("Jun 2014", dt.date(2014, 6, 1), dt.date(2014, 6, 30)), ("Q2 2014", dt.date(2014, 4, 1), dt.date(2014, 6, 30)),
    ("2014-06", dt.date(2014, 6, 1), dt.date(2014, 6, 30)), (41820, dt.date(2014, 6, 30), dt.date(2014, 6, 30))])
def test_months_and_quarters_read_as_their_first_and_last_days(value, start, end):
    assert (parse_month_start(value), parse_month_end(value)) == (start, end)


@pytest.mark.parametrize("text, code", [("Output 1", "1"), (OUTPUT_1, "1"), ("3 Institutional capacity", "3"),
                                        ("O2", "2"), ("Output 2 – 2.1 Migration profile", "2"),
                                        ("Output 1: engaged in 2 countries", "1"), ("Output 1 (2015)", "1"),
                                        ("Output 1 – 2 national strategies adopted", "1"),
                                        ("Output 1 - 25 officials trained", "1"), ("Output 2 in 2016 and beyond", "2")])
def test_outputs_named_with_their_statement(text, code):
    assert output_parser(load_reference())(text) == code


@pytest.mark.parametrize("text", ["Output 1 and 2", "Output 1 & 3", "Output 1-2", "Output 1 + 2", "Output 3 / Output 4",
                                  "Produit 1 et 2", "Output 1 to 3", "Output 1 & 2 Strengthened capacity",
                                  "Output 1 and Output 2 joint"])
def test_a_cell_naming_two_outputs_is_refused_not_read_as_the_first(text):
    """'Output 1 and 2' was read as output 1, with the whole amount: refused, saying why."""
    from etl.errors import ValueProblem
    with pytest.raises(ValueProblem, match="one output: this names two; give each output its own row"):
        output_parser(load_reference(), "fr")(text)


def test_an_activity_code_is_never_read_as_an_output():
    from etl.errors import ValueProblem
    with pytest.raises(ValueProblem):
        output_parser(load_reference())("1.1")
