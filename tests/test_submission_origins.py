"""The check tells which countries and sheet kinds an uploaded file's rows are for, read from the rows
(loaded or rejected), not the file's name."""

from __future__ import annotations

import json

import pytest

from mm_core import upload, upload_process, upload_worker

from .helpers.inputs_submissions import edited_sample


@pytest.fixture(autouse=True)
def inbox(tmp_path, monkeypatch):
    monkeypatch.setenv(upload.INBOX_ENVIRONMENT_VARIABLE, str(tmp_path / "inbox"))


@pytest.fixture(scope="module")
def mixed_check(tmp_path_factory):
    """MAR's workbook with a milestone for Serbia (loaded) and an expenditure line for Serbia whose budget
    is not a number (rejected)."""
    folder = tmp_path_factory.mktemp("origins")
    path = edited_sample("MAR.xlsx", folder / "morocco.xlsx", {("Milestones", "A5"): "Serbia",
                                                                ("Expenditure", "A3"): "Serbia",
                                                                ("Expenditure", "E3"): "lots"})
    return upload.check_files([path], database=folder / "none.duckdb")


def test_countries_come_from_the_rows_with_their_first_row(mixed_check):
    assert mixed_check.rows_rejected == 1
    assert mixed_check.countries.values.tolist() == [["morocco.xlsx", "MAR", "Expenditure", 2],
                                                     ["morocco.xlsx", "SRB", "Expenditure", 3]]


def test_a_loaded_row_for_another_country_is_found_too(tmp_path):
    path = edited_sample("MAR.xlsx", tmp_path / "MAR.xlsx", {("Milestones", "A5"): "SRB"})
    check = upload.check_files([path], database=tmp_path / "none.duckdb")
    assert check.countries.values.tolist() == [["MAR.xlsx", "MAR", "Expenditure", 2],
                                               ["MAR.xlsx", "SRB", "Milestones", 5]]


def test_kinds_count_loaded_and_rejected_rows(mixed_check):
    assert mixed_check.kinds.values.tolist() == [
        ["morocco.xlsx", "expenditure", "Expenditure", 2, 15, 1],
        ["morocco.xlsx", "milestones", "Milestones", 2, 11, 0],
        ["morocco.xlsx", "narrative", "Narrative", 2, 23, 0],
        ["morocco.xlsx", "results", "Results matrix", 2, 200, 0],
        ["morocco.xlsx", "workplan", "Work plan", 2, 16, 0]]


def test_recommendations_are_for_no_country(tmp_path):
    path = edited_sample("MTR-recommendations.xlsx", tmp_path / "recommendations.xlsx")
    check = upload.check_files([path], database=tmp_path / "none.duckdb")
    assert check.countries.empty
    assert check.kinds.values.tolist() == [["recommendations.xlsx", "recommendations", "Recommendations", 2, 16, 0]]


def test_the_child_sends_them_to_the_server(mixed_check):
    sent = json.loads(json.dumps(upload_worker.encode_check(mixed_check), default=str))
    received = upload_process.decode_check(sent)
    assert received.countries.values.tolist() == mixed_check.countries.values.tolist()
    assert received.kinds.values.tolist() == mixed_check.kinds.values.tolist()
    assert received.rows_by_table == mixed_check.rows_by_table
