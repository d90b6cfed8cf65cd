"""What changed between two builds: a value restated for a past period, with who submitted it; an activity
re-planned; nothing when nothing changed; `python -m etl diff`."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl import history, records
from etl.__main__ import main
from etl.diff import compare, compare_builds
from etl.errors import EtlError
from etl.load import file_sha256, run_load

from .helpers.inputs_history import (NEW_ACTUAL, NEW_PLANNED_END, OLD_ACTUAL, REPLANNED_ACTIVITY, RESTATED_INDICATOR,
                                     RESTATED_PERIOD, restate_morocco, sample_copy)
from .helpers.paths import SAMPLE_AS_OF

SUBMITTER = "Leila Benali (Morocco office)"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    """(warehouse, id of build A from the sample, id of build B with Morocco restated); the records hold a
    submission of B's MAR.xlsx."""
    folder = tmp_path_factory.mktemp("history")
    database = folder / "warehouse.duckdb"
    run_load([sample_copy(folder / "a")], database, as_of=SAMPLE_AS_OF, actor="pmu")
    first = history.current_load_id(database)
    restated = restate_morocco(sample_copy(folder / "b"))
    with records.connect(database) as connection:
        connection.execute(
            "INSERT INTO submissions (round, countries, kinds, file_name, stored_path, sha256, submitted_by, "
            "submitted_at, rows_loaded, rows_rejected, warnings, problems, state) "
            "VALUES ('2016/17 H2', '[\"MAR\"]', '[\"results\"]', 'MAR.xlsx', 'kept/MAR.xlsx', ?, ?, "
            "'2026-12-01T09:00:00Z', 1, 0, 0, '[]', 'approved')", [file_sha256(restated), SUBMITTER])
    run_load([folder / "b"], database, as_of=SAMPLE_AS_OF, actor="pmu")
    return database, first, history.current_load_id(database)


def test_a_restated_past_actual_is_listed_with_who_submitted_it(two_builds):
    database, first, second = two_builds
    changes = compare_builds(first, second, database)
    assert (changes.from_id, changes.to_id) == (first, second)
    assert changes.restated.to_dict("records") == [{
        "Indicator": RESTATED_INDICATOR, "Country": "MAR", "Period": RESTATED_PERIOD, "Field": "actual",
        "Before": OLD_ACTUAL, "Now": NEW_ACTUAL, "Source file": "MAR.xlsx", "Sheet": "Results matrix", "Row": 3,
        "Submitted by": SUBMITTER}]


def test_a_replanned_activity_is_listed(two_builds):
    database, first, second = two_builds
    activities = compare_builds(first, second, database).activities
    assert activities[["Change", "Activity", "Country"]].to_dict("records") == [
        {"Change": "re-planned", "Activity": REPLANNED_ACTIVITY, "Country": "MAR"}]
    row = activities.iloc[0]
    assert pd.Timestamp(row["Planned end before"]).date() == dt.date(2014, 12, 31)
    assert pd.Timestamp(row["Planned end now"]).date() == NEW_PLANNED_END
    assert pd.Timestamp(row["Planned start before"]) == pd.Timestamp(row["Planned start now"])


def test_nothing_changed_between_a_build_and_itself(two_builds):
    database, first, _ = two_builds
    kept = history.warehouse_of(first, database)
    changes = compare(kept, kept, database)
    assert changes.count == 0
    assert all(section.frame.empty for section in changes.sections())


def test_without_a_submission_the_value_was_loaded_by_the_builder(two_builds, tmp_path):
    database, first, second = two_builds
    changes = compare(history.warehouse_of(first, database), history.warehouse_of(second, database),
                      tmp_path / "no-records.duckdb")
    assert changes.restated["Submitted by"].tolist() == ["loaded by pmu"]


def test_the_other_sections_stay_empty_for_this_change(two_builds):
    database, first, second = two_builds
    changes = compare_builds(first, second, database)
    assert changes.money.empty and changes.rejections.empty
    assert list(changes.money.columns)[:6] == ["Change", "Country", "Output", "Agency", "Programme year", "Line"]


def test_diff_prints_each_section_with_its_count(two_builds, capsys):
    database, first, second = two_builds
    assert main(["diff", "--from", first, "--db", str(database)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Changes from build {first} to build {second}\n")
    assert "\nValues restated for periods already reported: 1\n" in out
    assert "\nActivities added, removed, re-planned or newly overdue: 1\n" in out
    assert "\nNew rejections: 0\n" in out
    assert SUBMITTER in out


def test_diff_of_an_unknown_or_removed_build_says_why(two_builds, capsys, monkeypatch):
    database, first, _ = two_builds
    assert main(["diff", "--from", "20000101-000000-abcdef", "--db", str(database)]) == 1
    assert "no build '20000101-000000-abcdef'" in capsys.readouterr().err
    kept = history.warehouse_of(first, database)
    with records.connect(database) as connection:
        connection.execute("UPDATE builds SET kept_path = NULL WHERE load_id = ?", [first])
    try:
        monkeypatch.setenv("MM_HISTORY_KEEP", "1")
        with pytest.raises(EtlError, match=rf"build {first} is no longer kept: retention keeps the newest 1 board "
                                           r"builds \(MM_HISTORY_KEEP\)"):
            compare_builds(first, "now", database)
    finally:
        with records.connect(database) as connection:
            connection.execute("UPDATE builds SET kept_path = ? WHERE load_id = ?", [str(kept), first])


def test_a_past_value_whose_row_is_gone_is_listed_as_restated_to_nothing(tmp_path):
    """A resubmission that leaves out a row already reported: its values are listed with 'Now' empty and the
    file and row they came from (never silently gone from the change list)."""
    import openpyxl

    database = tmp_path / "warehouse.duckdb"
    run_load([sample_copy(tmp_path / "a")], database, as_of=SAMPLE_AS_OF, actor="pmu")
    first = history.current_load_id(database)
    folder = sample_copy(tmp_path / "b")
    workbook = openpyxl.load_workbook(folder / "MAR.xlsx")
    sheet = workbook["Results matrix"]
    assert (sheet["B5"].value, sheet["K5"].value, sheet["M5"].value) == ("1.1", "2015/16 H2", 3)
    sheet.delete_rows(5)
    workbook.save(folder / "MAR.xlsx")
    run_load([folder], database, as_of=SAMPLE_AS_OF, actor="pmu")
    gone = compare_builds(first, history.current_load_id(database), database).restated
    listed = gone[["Indicator", "Country", "Period", "Field", "Before", "Source file", "Row"]].values.tolist()
    assert [[*row[:4], float(row[4]), *row[5:]] for row in listed] == [
        ["1.1", "MAR", "2015/16 H2", field, value, "MAR.xlsx", 5]
        for field, value in (("actual", 3.0), ("baseline", 0.0), ("target", 4.0))]
    assert gone["Now"].isna().all()
