"""The bundled sample's warehouse for `make run` and `make database` (scripts/sample_database.py): built from the
sample when absent or stale, and never put in place of a warehouse loaded from other files."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time

import duckdb
import pytest

from etl import records
from etl.__main__ import main
from etl.load import run_load
from scripts import sample_database
from scripts.sample_database import BUILD, CURRENT, KEEP, RELOAD, UNREADABLE, what_to_do

from .helpers.loading import sha256
from .helpers.rows import good_rows

AS_OF = dt.date(2015, 6, 30)
OTHER_LAYOUT = "UPDATE settings SET value = 'another layout' WHERE name = 'schema'"


@pytest.fixture
def sample(write_workbook, tmp_path):
    """A sample folder holding one workbook, BGD.xlsx."""
    folder = tmp_path / "sample"
    folder.mkdir()
    write_workbook(good_rows(), name="sample/BGD.xlsx")
    return folder


def aged(database, seconds=3600):
    """The warehouse's file dated `seconds` earlier, as if built before its inputs last changed."""
    stamp = database.stat().st_mtime - seconds
    os.utime(database, (stamp, stamp))


def test_the_samples_warehouse_is_built_when_absent_or_stale(database, sample):
    workbook = sample / "BGD.xlsx"
    assert what_to_do(database, sample, [workbook]) == BUILD  # absent
    run_load([sample], database, as_of=AS_OF)
    assert what_to_do(database, sample, [workbook]) == CURRENT
    aged(database)  # the workbook (or the reference data, the programme file) changed since
    assert what_to_do(database, sample, [workbook]) == BUILD
    run_load([sample], database, as_of=AS_OF)
    with duckdb.connect(str(database)) as connection:
        connection.execute(OTHER_LAYOUT)
    assert what_to_do(database, sample, [workbook]) == BUILD  # an earlier version built it


def test_a_warehouse_of_other_files_is_never_replaced_by_the_sample(write_workbook, database, tmp_path, capsys):
    sample = tmp_path / "sample"
    sample.mkdir()
    own = write_workbook(good_rows(), name="own/report.xlsx")
    run_load([own], database, as_of=AS_OF)
    aged(database)
    assert what_to_do(database, sample, [own]) == KEEP  # stale against the sample: still not the sample's
    before = sha256(database)
    assert sample_database.main(["--db", str(database)]) == 0
    assert capsys.readouterr().out == (f"{database} holds a load of other files than the sample: served as it is "
                                       "(move it aside, or set MM_DB_PATH to another file, to get the sample).\n")
    assert sha256(database) == before
    with duckdb.connect(str(database)) as connection:
        connection.execute(OTHER_LAYOUT)
    assert what_to_do(database, sample, [own]) == RELOAD  # its own files, again, by this version
    assert sample_database.main(["--db", str(database)]) == 0
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT value FROM settings WHERE name = 'inputs'").fetchone()[0] == (
            f'["{own.resolve()}"]')
    assert what_to_do(database, sample, [own]) == KEEP


def test_a_file_that_is_no_warehouse_is_left_alone(tmp_path):
    path = tmp_path / "w.duckdb"
    path.write_bytes(b"not a database" * 100)
    assert what_to_do(path, tmp_path, []) == UNREADABLE
    duckdb.connect(str(tmp_path / "other.duckdb")).execute("CREATE TABLE t (x INTEGER)").close()
    assert what_to_do(tmp_path / "other.duckdb", tmp_path, []) == KEEP


def test_only_this_checkouts_sample_folder_is_the_sample(tmp_path):
    """A folder of that name elsewhere, there or gone (a checkout moved, a server's copy), may hold anyone's data:
    never replaced by the sample."""
    sample = tmp_path / "now" / "data" / "sample"
    sample.mkdir(parents=True)
    assert sample_database.is_sample([sample.resolve()], sample)
    assert not sample_database.is_sample([tmp_path / "before" / "data" / "sample"], sample)
    assert not sample_database.is_sample([sample.resolve(), tmp_path / "upload.xlsx"], sample)


def test_a_deleted_sample_file_makes_the_samples_warehouse_stale(write_workbook, database, sample):
    extra = write_workbook(good_rows(), name="sample/JAM.xlsx")
    run_load([sample], database, as_of=AS_OF)
    earlier = database.stat().st_mtime - 10
    os.utime(sample, (earlier, earlier))  # the folder as it was when the warehouse was built
    os.utime(database, (earlier + 5, earlier + 5))  # both in the past: a deletion now is later, on any clock
    assert what_to_do(database, sample, [sample]) == CURRENT
    extra.unlink()  # the folder's time moves, not a file's
    assert what_to_do(database, sample, [sample]) == BUILD


def test_an_outdated_warehouse_that_records_no_files_is_served_as_it_is(write_workbook, database, capsys):
    """Built before loads recorded their files: nothing to load again, and make run still serves it."""
    run_load([write_workbook(good_rows())], database, as_of=AS_OF)
    with duckdb.connect(str(database)) as connection:
        connection.execute(OTHER_LAYOUT)
        connection.execute("DELETE FROM settings WHERE name = 'inputs'")
    assert what_to_do(database) == KEEP
    before = sha256(database)
    assert sample_database.main(["--db", str(database)]) == 0
    assert "holds a load of other files than the sample: served as it is" in capsys.readouterr().out
    assert sha256(database) == before


def test_a_warehouse_whose_files_are_gone_is_served_as_it_is_and_said(write_workbook, database, capsys):
    own = write_workbook(good_rows(), name="own/report.xlsx")
    run_load([own], database, as_of=AS_OF)
    with duckdb.connect(str(database)) as connection:
        connection.execute(OTHER_LAYOUT)
    own.unlink()
    before = sha256(database)
    assert sample_database.main(["--db", str(database)]) == 1  # make run goes on: its pages say what to do
    said = capsys.readouterr().err
    assert "are no longer all there" in said and f"{database} was not loaded again: served as it is" in said
    assert sha256(database) == before


def test_a_file_that_is_no_warehouse_is_named_and_left(tmp_path, capsys):
    path = tmp_path / "w.duckdb"
    path.write_bytes(b"not a database" * 100)
    assert sample_database.main(["--db", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"{path} cannot be read as a warehouse: left as it is")
    assert path.read_bytes() == b"not a database" * 100 and not (tmp_path / "w.records").exists()


def test_records_that_cannot_be_locked_stop_a_reload_saying_so(write_workbook, database, capsys, monkeypatch):
    run_load([write_workbook(good_rows())], database, as_of=AS_OF)
    with duckdb.connect(str(database)) as connection:
        connection.execute(OTHER_LAYOUT)
    monkeypatch.setenv("MM_RECORDS_DIR", "/dev/null/records")
    assert main(["reload", "--if-outdated", "--db", str(database)]) == 1
    assert capsys.readouterr().err.startswith(f"error: the records beside {database.name} cannot be locked (Not a "
                                              "directory): nothing was loaded")


def test_clean_removes_only_a_warehouse_the_sample_built(write_workbook, database, sample):
    """`make clean` (`--clean`): a warehouse of anyone's own files, or one that cannot be read, is kept."""
    own = write_workbook(good_rows(), name="own/report.xlsx")
    run_load([own], database, as_of=AS_OF)
    before = sha256(database)
    assert sample_database.clean(database, sample.resolve()) == (
        f"{database} holds a load of other files than {sample.resolve()}: kept (move it aside yourself if it is "
        "no longer needed).")
    assert sha256(database) == before
    run_load([sample], database, as_of=AS_OF)
    assert sample_database.main(["--clean", "--db", str(database), "--sample", str(sample)]) == 0
    assert not database.exists()
    assert sample_database.clean(database, sample) == f"{database}: no warehouse to remove."
    database.write_bytes(b"not a database" * 100)
    assert "cannot be read as a warehouse: kept" in sample_database.clean(database, sample)
    assert database.exists()


def test_clean_waits_for_an_approval_and_decides_again(write_workbook, database, capsys, sample):
    """An approval under way holds the records' lock: clean waits for it, saying so, and decides on the warehouse
    the approval swapped in (here: one of other files, kept), not on the one it found first."""
    run_load([sample], database, as_of=AS_OF)
    own = write_workbook(good_rows(), name="own/report.xlsx")
    said = {}
    with records.exclusive(database):
        cleaning = threading.Thread(target=lambda: said.setdefault("out", sample_database.clean(database, sample)))
        cleaning.start()
        deadline = time.monotonic() + 30
        while "Waiting for an approval" not in capsys.readouterr().err and time.monotonic() < deadline:
            time.sleep(0.05)
        assert cleaning.is_alive()
        run_load([own], database, as_of=AS_OF)  # the approval's rebuild
    cleaning.join(60)
    assert said["out"].endswith("kept (move it aside yourself if it is no longer needed).")
    assert database.exists()
