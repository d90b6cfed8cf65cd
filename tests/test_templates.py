"""Templates: the sheets, headers, notes, dropdowns and frozen panes a country office needs; and the round trip."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from openpyxl import load_workbook

from etl import spec
from etl.__main__ import main
from etl.load import run_load
from etl.reference import load_reference


def test_all_template_has_every_sheet_with_headers_notes_and_frozen_panes(tmp_path, capsys):
    path = tmp_path / "template.xlsx"
    assert main(["template", "all", str(path)]) == 0
    assert f"Wrote {path}" in capsys.readouterr().out

    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Guide", "Results matrix", "Work plan", "Expenditure", "Milestones",
                                   "Narrative", "Recommendations", "Lists"]
    assert workbook["Lists"].sheet_state == "hidden"
    for sheet in [s for s in spec.SHEETS if not s.only_with]:  # Disaggregation: only for a programme with dimensions
        worksheet = workbook[sheet.title]
        assert [c.value for c in worksheet[1]] == [c.header for c in sheet.columns]
        assert worksheet.freeze_panes in ("A2", "C2")
        for cell, column in zip(worksheet[1], sheet.columns):
            note = spec.note_of(column, load_reference().programme.words)
            assert "{" not in note, "every programme word of a note is filled in"
            assert cell.comment.text == ("Required. " if column.required else "Optional. ") + note
    guide_rows = list(workbook["Guide"].iter_rows(min_row=5, values_only=True))
    assert len(guide_rows) == sum(len(s.columns) for s in spec.SHEETS if not s.only_with)


def dropdowns(worksheet) -> dict[str, str]:
    """first cell of each validated range -> list formula"""
    return {str(v.sqref).split(":")[0]: v.formula1 for v in worksheet.data_validations.dataValidation}


def test_dropdowns_offer_countries_outputs_agencies_and_statuses(tmp_path):
    path = tmp_path / "workplan.xlsx"
    main(["template", "work-plan", str(path)])
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Guide", "Work plan", "Lists"]
    worksheet = workbook["Work plan"]
    validations = dropdowns(worksheet)
    lists = workbook["Lists"]

    def values(formula: str) -> list[str]:
        cells = lists[formula.split("!")[1].replace("$", "")]
        return [row[0].value for row in cells]

    headers = [c.value for c in worksheet[1]]
    column = {h: chr(ord("A") + i) for i, h in enumerate(headers)}
    assert values(validations[column["Country"] + "2"]) == [
        "Bangladesh", "Ecuador", "Jamaica", "Kyrgyzstan", "Morocco", "Republic of Moldova", "Serbia", "Tunisia",
        "GLOBAL"]
    assert values(validations[column["Output"] + "2"]) == [f"Output {n}" for n in range(1, 8)]
    assert values(validations[column["Lead agency"] + "2"]) == ["UNDP", "IOM"]
    assert values(validations[column["Status"] + "2"]) == list(spec.ACTIVITY_STATUSES)


def test_unknown_template_kind_exits_1(tmp_path, capsys):
    assert main(["template", "budget", str(tmp_path / "x.xlsx")]) == 1
    assert "unknown template kind 'budget'" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_round_trip_generate_fill_in_excel_style_and_load(tmp_path):
    """Generate a blank template, type rows into it as a user would (openpyxl), save, load."""
    path = tmp_path / "country.xlsx"
    main(["template", "all", str(path)])
    workbook = load_workbook(path)
    typed = {
        "Results matrix": ["Output 2", "2.1", "Migration in the national development plan", "plans",
                           "higher is better", "Kyrgyzstan", 0, 2013, None, None, "2015/16 H2", 1, 1, 1,
                           "Government decree", "Adopted"],
        "Work plan": ["2.1.1", "Draft the migration chapter", "Output 2", "KGZ", "IOM", "UNDP", "Q3 2015",
                      "Q4 2015", dt.datetime(2015, 8, 3), None, "ongoing", 60, 1_200_000, "KGS", None],
        "Expenditure": ["Kyrgyzstan", "Output 2", "IOM", "2015/16", 30_000, 25_000, 12_500.5, "USD", None],
        "Milestones": ["Kyrgyzstan", "Budget endorsed", "inception", dt.datetime(2014, 6, 30),
                       dt.datetime(2014, 7, 15), None],
        "Narrative": ["Kyrgyzstan", "Output 2", "2015/16 H2", "challenge",
                      "Elections delayed the adoption of the chapter."],
    }
    for title, row in typed.items():
        workbook[title].append(row)
    workbook.save(path)

    database = tmp_path / "w.duckdb"
    summary = run_load([path], database)
    assert summary.rows_rejected == 0
    assert summary.rows_by_table == {"results": 1, "activities": 1, "expenditure": 1, "milestones": 1,
                                     "narrative": 1, "recommendations": 0}
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute(
            "SELECT country, indicator_code, period, baseline, target, actual, status FROM indicator_progress"
        ).fetchall() == [("KGZ", "2.1", "2015/16 H2", 0.0, 1.0, 1.0, "on track")]
        assert connection.execute(
            "SELECT planned_start, planned_end, status, percent_complete, budget_usd FROM activity_status"
        ).fetchall()[0][:4] == (dt.date(2015, 7, 1), dt.date(2015, 12, 31), "ongoing", 60.0)
        assert connection.execute("SELECT programme_year, expenditure_usd FROM finance_summary").fetchall()[0] == (
            2015, pytest.approx(12500.5))
        assert connection.execute("SELECT status FROM milestone_status").fetchall() == [("achieved late",)]


def test_the_upload_page_offers_the_blank_template_of_every_sheet():
    import io

    import openpyxl

    from etl.templates import kinds_for
    from mm_core import upload

    workbook = openpyxl.load_workbook(io.BytesIO(upload.blank_template()))
    expected = [spec.SHEETS_BY_KIND[kind].title for kind in kinds_for("all")
                if spec.SHEETS_BY_KIND[kind] in load_reference().sheets]
    assert [name for name in workbook.sheetnames if name in expected] == expected
    assert all(workbook[name].max_row >= 1 for name in expected)
