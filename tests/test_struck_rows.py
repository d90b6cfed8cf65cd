"""Rows struck through (a line a person marks deleted but keeps in sight): a row whose every value is struck
through is not loaded, and said, as a hidden row is; a struck value in a row that is not is read, and said
(etl/ooxml.py `struck_styles` and the scan, etl/cells.py). Both lanes: the scan sends such a sheet cell by cell."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
from openpyxl import Workbook
from openpyxl.styles import Font

from etl.ooxml import scan_sheets, struck_styles

from .helpers.lanes import assert_same, load_both
from .helpers.rows import good_rows


def expenditure(path: Path, struck: list[str]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Expenses"
    for row in (["Operating Unit: Jamaica"], ["Period: Jan–Dec 2016"], ["Currency: USD"], [],
                ["Output", "Agency", "Budget", "Expenditure"], ["Output 1", "UNDP", 50000, 41000.5],
                ["Output 2", "UNDP", 30000, 12000], ["Output 3", "IOM", 10000, 5000], ["Output 4", "IOM", 900, 800]):
        sheet.append(row)
    sheet["E6"].font = Font(strike=False, bold=True)  # another font, not struck
    for cell in struck:
        sheet[cell].font = Font(strike=True)
    book.save(path)
    return path


def rows_of(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


KPI = [["Output", "Indicator", "Target 2015"], ["Output 1", "Officials trained", 20],
       [None, "Profiles published", 1], [None, "Policies adopted", 2]]  # one output's label over rows 2 to 4


def kpi(path: Path, rows: list[list], struck: tuple[str, ...], merged: str | None = None) -> Path:
    """A KPI table laid out by others (sheet 'KPI'), the cells `struck` struck through, `merged` merged."""
    book = Workbook()
    sheet = book.active
    sheet.title = "KPI"
    for row in rows:
        sheet.append(row)
    if merged:
        sheet.merge_cells(merged)
    for cell in struck:
        sheet[cell].font = Font(strike=True)
    book.save(path)
    return path


def test_a_row_struck_through_is_not_loaded_and_a_struck_value_is_said(tmp_path, monkeypatch):
    path = expenditure(tmp_path / "JAM-expenditure.xlsx", ["A7", "B7", "C7", "D7", "E7", "A9", "B9", "C9", "D9", "D8"])
    per_cell, fast, _ = load_both([path], tmp_path, monkeypatch)
    found = assert_same(per_cell, fast)
    assert found["rejected_rows"] == []
    assert rows_of(per_cell, "SELECT output_code, budget FROM expenditure ORDER BY output_code") == [
        ("1", Decimal("50000.00")), ("3", Decimal("10000.00"))]
    assert rows_of(per_cell, """SELECT kind, "row", "column", message FROM load_warnings
                                WHERE kind LIKE 'struck%' ORDER BY kind""") == [
        ("struck-through cell", 8, "Expenditure", "JAM-expenditure.xlsx › Expenses › row 8 › column Expenditure: its "
         "value struck through, but not the rest of its row: read as any other value; if it no longer holds, delete "
         "it"),
        ("struck-through rows", 7, None, "JAM-expenditure.xlsx › Expenses › row 7: rows 7, 9: their values struck "
         "through (a line marked deleted but kept in sight), so not loaded; remove the strikethrough in Excel to "
         "load them")]


def test_the_styles_struck_through_are_found_and_a_strike_set_off_is_none(tmp_path):
    path = expenditure(tmp_path / "JAM-expenditure.xlsx", ["A7"])
    with zipfile.ZipFile(path) as archive:
        styles = archive.read("xl/styles.xml").decode()
        struck = struck_styles(archive)
    assert len(struck) == 1 and "<strike" in styles
    assert scan_sheets(path)["Expenses"].struck == {7: {0}}
    off = tmp_path / "off.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(off, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = data.replace(b"<strike val=\"1\"/>", b"<strike val=\"0\"/>").replace(b"<strike/>",
                                                                                             b"<strike val=\"0\"/>")
            target.writestr(item, data)
    with zipfile.ZipFile(off) as archive:
        assert struck_styles(archive) == frozenset()


def test_a_template_sheet_with_a_struck_row_leaves_the_fast_lane(write_workbook, tmp_path, monkeypatch):
    book = openpyxl.load_workbook(write_workbook(good_rows()))
    sheet = book["Milestones"]
    for cell in sheet[2]:
        cell.font = Font(strike=True)
    book.save(tmp_path / "struck.xlsx")
    per_cell, fast, _ = load_both([tmp_path / "struck.xlsx"], tmp_path, monkeypatch)
    assert_same(per_cell, fast)
    assert rows_of(per_cell, "SELECT count(*) FROM load_warnings WHERE kind = 'struck-through rows'") == [(1,)]


def test_struck_empty_cells_leave_the_sheet_in_the_fast_lane(write_workbook, tmp_path):
    book = openpyxl.load_workbook(write_workbook(good_rows()))
    sheet = book["Milestones"]
    for row in range(40, 60):
        for column in range(1, 5):
            sheet.cell(row, column).font = Font(strike=True)  # styled, never typed in
    book.save(tmp_path / "styled.xlsx")
    scan = scan_sheets(tmp_path / "styled.xlsx")["Milestones"]
    assert scan.struck == {} and scan.plain


def test_a_struck_group_label_still_stands_over_the_rows_below_it(tmp_path, database):
    """In a sheet laid out by others a blank Output cell repeats the one above; a struck row's label still does."""
    from etl.load import run_load
    rows = KPI[:2] + [["Output 2", "Profiles published", 1]] + KPI[3:]
    run_load([kpi(tmp_path / "kpi.xlsx", rows, ("A3", "B3", "C3"))], database)
    assert rows_of(database, "SELECT source_row, output, indicator FROM indicator_table ORDER BY 1") == [
        (2, "Output 1", "Officials trained"), (4, "Output 2", "Policies adopted")]


def test_a_column_struck_through_is_said_once(tmp_path, database):
    from etl.load import run_load
    path = expenditure(tmp_path / "JAM-expenditure.xlsx", ["D6", "D7", "D8"])
    summary = run_load([path], database)
    assert [(w.row, w.column, w.detail) for w in summary.warnings if w.kind == "struck-through cell"] == [
        (6, "Expenditure", "rows 6-8: values struck through, but not the rest of their rows: read as any other "
                           "value; if it no longer holds, delete it")]


def test_a_struck_row_under_a_group_label_it_does_not_repeat_is_not_loaded(tmp_path, database):
    """A work plan laid out by others names the output on its first row only; a later row of it struck through
    is a struck row still (the label carried into it is not a value of its own)."""
    from etl.load import run_load
    run_load([kpi(tmp_path / "kpi.xlsx", KPI, ("B3", "C3"))], database)
    assert rows_of(database, "SELECT source_row, output FROM indicator_table ORDER BY 1") == [
        (2, "Output 1"), (4, "Output 1")]


def test_a_struck_row_under_a_label_merged_down_over_it_is_not_loaded(tmp_path, database):
    """'Output 1' merged down over rows 2 to 4: rows 2 and 3 struck through but for the label are struck rows; the
    merge's label is not a value of row 3, and a group label left plain does not keep row 2."""
    from etl.load import run_load
    # row 2 too, its label (which stands over rows 3 and 4) left plain
    summary = run_load([kpi(tmp_path / "kpi.xlsx", KPI, ("B3", "C3", "B2", "C2"), merged="A2:A4")], database)
    assert rows_of(database, "SELECT source_row, output FROM indicator_table ORDER BY 1") == [(4, "Output 1")]
    assert [(w.kind, w.row) for w in summary.warnings if w.kind.startswith("struck")] == [("struck-through rows", 2)]
