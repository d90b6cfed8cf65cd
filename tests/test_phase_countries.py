"""Rows from a country for a period of a phase the programme file leaves it out of (etl/phase_countries.py):
loaded, and said once per file, sheet, country and phase, at the first such row."""

from __future__ import annotations

import datetime as dt

import duckdb

from etl.load import run_load

from .helpers.programme import bundled, write_programme
from .helpers.rows import good_rows

KIND = "country outside the phase"


def programme_with_jamaica_in(tmp_path, phases):
    document = bundled()
    document["phases"].append({"code": "III", "name": "Phase III", "start": dt.date(2019, 1, 1),
                               "end": dt.date(2022, 12, 31), "year_start_month": 1, "reporting": "quarter"})
    for country in document["countries"]:
        if country["iso3"] == "JAM":
            country["phases"] = phases
    return write_programme(tmp_path / "programme.toml", document)


def test_a_countrys_rows_outside_its_phases_load_and_are_said(write_workbook, database, tmp_path):
    workbook = write_workbook(good_rows())
    summary = run_load([workbook], database, programme=programme_with_jamaica_in(tmp_path, ["III"]))
    said = [w.message for w in summary.warnings if w.kind == KIND]
    assert said == [
        "report.xlsx › Narrative › row 2 › column Country: Jamaica reports for 2014/15 H2, a period of Phase II, "
        "but the programme file has it take part in Phase III only: the rows are loaded and shown, "
        "while the country map and the reporting checks leave it out of Phase II; add the phase to its phases in "
        "the programme file if it takes part",
        "report.xlsx › Results matrix › row 2 › column Country: Jamaica reports for 2014/15 H1 (and 2 more row(s) "
        "of that phase), a period of Phase II, but the programme file has it take part in Phase III only: the rows "
        "are loaded and shown, while the country map and the reporting checks leave it out of "
        "Phase II; add the phase to its phases in the programme file if it takes part"]
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM results WHERE country = 'JAM'").fetchone() == (3,)
        logged = connection.execute("SELECT count(*) FROM load_warnings WHERE kind = ?", [KIND]).fetchone()
    assert logged == (2,)


def test_a_country_of_the_phase_is_not_warned_about(write_workbook, database, tmp_path):
    summary = run_load([write_workbook(good_rows())], database,
                       programme=programme_with_jamaica_in(tmp_path, ["II", "III"]))
    assert [w for w in summary.warnings if w.kind == KIND] == []


def test_a_country_of_no_phase_is_said_to_be_so(write_workbook, database, tmp_path):
    summary = run_load([write_workbook({"narrative": good_rows()["narrative"]}, kind="narrative")], database,
                       programme=programme_with_jamaica_in(tmp_path, []))
    [said] = [w.message for w in summary.warnings if w.kind == KIND]
    assert "but the programme file has it take part in no phase: the rows are loaded" in said
