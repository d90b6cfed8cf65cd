"""Every built warehouse is recorded: its identity in its settings, a kept copy, a builds row and an audit line;
retention of the kept copies; a failed load records nothing; `python -m etl history`."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from types import SimpleNamespace

import duckdb
import pytest

from etl import history, records
from etl.__main__ import main
from etl.errors import LoadFailed
from etl.history import RecordsFailed
from etl.load import dry_run, run_load
from etl.reference import load_reference

from .helpers.loading import sha256
from .helpers.rows import good_rows

LOAD_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}(-\d+)?$")


def ledger(database):
    return records.records_dir(database) / records.LEDGER_NAME


def rows_of(database, sql):
    with records.connect(database) as connection:
        return [tuple(row) for row in connection.execute(sql)]


def settings_of(database):
    with duckdb.connect(str(database), read_only=True) as connection:
        return dict(connection.execute("SELECT name, value FROM settings").fetchall())


@pytest.fixture
def workbook(write_workbook):
    return write_workbook(good_rows())


def test_a_load_records_its_build_keeps_a_copy_and_writes_the_audit(workbook, database):
    summary = run_load([workbook], database, actor="Amina")

    settings = settings_of(database)
    load_id = settings["load_id"]
    assert LOAD_ID.match(load_id)
    assert settings["built_by"] == "Amina" and settings["build_kind"] == "board"
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", settings["loaded_at"])
    kept = records.builds_dir(database) / f"{load_id}.duckdb"
    assert os.path.samefile(kept, database)  # a hard link: no copy made
    assert rows_of(database, "SELECT load_id, built_by, kind, kept_path, inputs, rows_loaded, rows_rejected "
                             "FROM builds") == [
        (load_id, "Amina", "board", str(kept), f'["{workbook.resolve()}"]', summary.rows_loaded, 0)]
    assert rows_of(database, "SELECT actor, action, object, detail FROM audit") == [
        ("Amina", "loaded", f"build {load_id}", f"1 file(s), {summary.rows_loaded} rows loaded, 0 rejected")]


def test_the_kept_copy_keeps_its_build_when_the_next_load_replaces_the_warehouse(workbook, write_workbook, database):
    run_load([workbook], database)
    first = settings_of(database)["load_id"]
    first_bytes = sha256(database)
    rows = good_rows()
    rows["results"][3]["actual"] = 7
    run_load([write_workbook(rows, name="second.xlsx")], database)
    assert settings_of(database)["load_id"] != first
    assert sha256(records.builds_dir(database) / f"{first}.duckdb") == first_bytes


def test_without_an_actor_the_operating_system_user_built_it(workbook, database):
    run_load([workbook], database)
    assert settings_of(database)["built_by"] == records.system_user()


def test_retention_keeps_the_newest_copies_and_every_row(workbook, database, monkeypatch):
    monkeypatch.setenv("MM_HISTORY_KEEP", "2")
    for _ in range(3):
        run_load([workbook], database)
    builds = rows_of(database, "SELECT load_id, kept_path FROM builds ORDER BY rowid")
    assert len(builds) == 3
    (oldest, gone), *newer = builds
    assert gone is None
    assert not (records.builds_dir(database) / f"{oldest}.duckdb").exists()
    assert all(path and os.path.exists(path) for _, path in newer)
    assert sorted(p.stem for p in records.builds_dir(database).iterdir()) == [load_id for load_id, _ in newer]


def test_two_loads_of_the_same_inputs_in_one_second_get_two_ids(workbook, database, monkeypatch):
    class FrozenClock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 12, 3, 6, 50, 12, tzinfo=dt.timezone.utc)

    monkeypatch.setattr(history, "dt", SimpleNamespace(datetime=FrozenClock, timezone=dt.timezone))  # history's alone
    run_load([workbook], database)
    run_load([workbook], database)
    ids = [row[0] for row in rows_of(database, "SELECT load_id FROM builds ORDER BY rowid")]
    assert ids[0].startswith("20261203-065012-") and ids[1] == ids[0] + "-2"


def test_builds_of_one_second_are_listed_in_the_order_they_were_made(workbook, write_workbook, database, monkeypatch):
    class FrozenClock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 12, 6, 11, 45, 21, tzinfo=dt.timezone.utc)

    monkeypatch.setattr(history, "dt", SimpleNamespace(datetime=FrozenClock, timezone=dt.timezone))  # history's alone
    other = write_workbook({"milestones": good_rows()["milestones"]}, name="m.xlsx", kind="milestones")
    made = []
    for inputs in ([workbook], [other], [workbook]):  # ids a, b, a-2: by id alone, b is first or last
        run_load(inputs, database)
        made.append(history.current_load_id(database))
    assert made[2] == made[0] + "-2"
    assert [build.load_id for build in history.builds(database)] == made[::-1]
    assert history.history_table(database)[1].split()[:2] == ["*", made[2]]


def test_a_preview_build_is_recorded_but_not_kept(workbook, tmp_path):
    board = tmp_path / "warehouse.duckdb"
    preview = records.preview_path(board)
    run_load([workbook], preview, kind="preview", actor="PMU reviewer")
    load_id = settings_of(preview)["load_id"]
    assert settings_of(preview)["build_kind"] == "preview"
    assert rows_of(board, "SELECT load_id, kind, kept_path FROM builds") == [(load_id, "preview", None)]
    assert rows_of(board, "SELECT actor, action, object FROM audit") == [
        ("PMU reviewer", "previewed", f"build {load_id}")]
    assert not records.builds_dir(board).exists()


def test_a_failed_load_records_nothing(workbook, database, monkeypatch):
    monkeypatch.setattr("etl.checks.run_checks", lambda connection: ["unique(results.country): 1 row(s)"])
    with pytest.raises(LoadFailed):
        run_load([workbook], database)
    assert not records.records_dir(database).exists()


def test_a_failed_load_leaves_existing_records_untouched(workbook, database, monkeypatch):
    run_load([workbook], database)
    before = sha256(ledger(database))
    kept = sorted(records.builds_dir(database).iterdir())
    monkeypatch.setattr("etl.checks.run_checks", lambda connection: ["unique(results.country): 1 row(s)"])
    with pytest.raises(LoadFailed):
        run_load([workbook], database)
    assert sha256(ledger(database)) == before
    assert sorted(records.builds_dir(database).iterdir()) == kept


def test_a_check_of_uploads_records_nothing(workbook, database):
    dry_run([workbook], load_reference())
    assert not records.records_dir(database).exists()
    assert not any(path.name.endswith(".records") for path in workbook.parent.iterdir())


def test_records_that_cannot_be_written_fail_the_load_loudly_with_the_warehouse_in_place(
        workbook, database, tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "records-here"
    blocked.write_text("a file where the records folder should be")
    monkeypatch.setenv("MM_RECORDS_DIR", str(blocked))
    with pytest.raises(RecordsFailed, match=rf"the new warehouse is in place at {re.escape(str(database))} "
                                            rf"\(build \d{{8}}-\d{{6}}-[0-9a-f]{{6}}\), but its build could not "
                                            rf"be written in the records at {re.escape(str(blocked))}"):
        run_load([workbook], database)
    assert settings_of(database)["load_id"]
    assert main(["load", str(workbook), "--db", str(database), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "the new warehouse is in place" in err and "left unchanged" not in err


def test_history_lists_builds_newest_first_and_marks_the_current_one(workbook, write_workbook, database, capsys):
    assert main(["history", "--db", str(database)]) == 0
    assert "No build recorded" in capsys.readouterr().out
    run_load([workbook], database, actor="Amina")
    # the second file repeats the first's milestone: rejected as a second row of its key
    run_load([workbook, write_workbook({"milestones": good_rows()["milestones"]}, name="m.xlsx", kind="milestones")],
             database, actor="Omar")
    first, second = [row[0] for row in rows_of(database, "SELECT load_id FROM builds ORDER BY rowid")]
    assert main(["history", "--db", str(database)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["load", "id", "built", "at", "by", "kind", "files", "rows", "loaded", "rejected",
                                "kept"]
    assert lines[1].split()[:2] == ["*", second] and lines[1].split()[5:] == ["Omar", "board", "2", "12", "1", "kept"]
    assert lines[2].split()[0] == first and lines[2].split()[4:] == ["Amina", "board", "1", "12", "0", "kept"]
    assert lines[-1] == "* the current warehouse"


def test_a_build_whose_records_are_unreadable_is_not_half_recorded(workbook, database, monkeypatch):
    run_load([workbook], database)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(history, "_expire", broken)
    with pytest.raises(RecordsFailed, match="database is locked"):
        run_load([workbook], database)
    assert len(rows_of(database, "SELECT load_id FROM builds")) == 1  # the transaction rolled back
    assert len(list(records.builds_dir(database).iterdir())) == 1  # and its kept copy went with it
