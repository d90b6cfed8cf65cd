"""Loading a warehouse again from the files of its last load (etl/reload.py, `python -m etl reload`): what makes
a warehouse built by an earlier version of the ETL readable again, called by `make run` and `make database`."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import threading
import time

import duckdb
import pytest

from etl import records
from etl import reload as reload_module
from etl.__main__ import main
from etl.history import history_table
from etl.load import run_load
from etl.reload import last_load
from etl.schema import outdated

from .helpers.loading import sha256
from .helpers.programme import BUNDLED
from .helpers.rows import good_rows

AS_OF = dt.date(2015, 6, 30)
OTHER_LAYOUT = "UPDATE settings SET value = 'another layout' WHERE name = 'schema'"


def built(write_workbook, database, **load):
    """A warehouse built from one workbook as of AS_OF, then changed as if an earlier version had built it."""
    workbook = write_workbook(good_rows())
    run_load([workbook], database, as_of=AS_OF, **load)
    with duckdb.connect(str(database)) as connection:
        connection.execute(OTHER_LAYOUT)
    return workbook


def rows(database, sql):
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_an_outdated_warehouse_is_loaded_again_from_its_last_load(write_workbook, database, capsys):
    workbook = built(write_workbook, database)
    before = rows(database, "SELECT count(*) FROM results")
    assert last_load(database).outdated and last_load(database).inputs == [workbook.resolve()]

    assert main(["reload", "--if-outdated", "--db", str(database)]) == 0
    said = capsys.readouterr()
    assert said.err.startswith(f"Loading {database} (built by another version of the ETL) again from what its last "
                               f"load read ({workbook.resolve()}), as of 2015-06-30\n")
    assert f"Loaded 1 file(s) into {database}" in said.out
    with duckdb.connect(str(database), read_only=True) as connection:
        assert not outdated(connection)
    assert rows(database, "SELECT count(*) FROM results") == before
    assert rows(database, "SELECT value FROM settings WHERE name IN ('as_of_date', 'build_kind') ORDER BY name") == [
        ("2015-06-30",), ("board",)]
    assert len([line for line in history_table(database) if "board" in line]) == 2  # the first build, and this one


def test_a_current_warehouse_is_left_alone(write_workbook, database, capsys):
    run_load([write_workbook(good_rows())], database, as_of=AS_OF)
    identity = (database.stat().st_ino, database.stat().st_mtime_ns, sha256(database))
    assert main(["reload", "--if-outdated", "--db", str(database)]) == 0
    assert capsys.readouterr() == ("", "")
    assert (database.stat().st_ino, database.stat().st_mtime_ns, sha256(database)) == identity
    assert main(["reload", "--if-outdated", "--db", str(database.with_name("none.duckdb"))]) == 0  # nothing to do
    assert not database.with_name("none.duckdb").exists()


def test_a_warehouse_whose_files_are_gone_is_left_untouched_saying_what_to_do(write_workbook, database, capsys):
    workbook = built(write_workbook, database)
    workbook.unlink()
    before = sha256(database)
    assert main(["reload", "--if-outdated", "--db", str(database)]) == 1
    assert capsys.readouterr().err == (
        f"error: the files of the last load of {database} are no longer all there ({workbook.resolve()} missing): "
        "load the workbooks again with python -m etl load …\nThe previous database was left unchanged.\n")
    assert sha256(database) == before


def test_another_programme_file_is_not_taken_without_being_named(write_workbook, database, tmp_path, capsys,
                                                                 monkeypatch):
    """Built with a programme file other than the one a load would take now: loaded again only with the
    programme file named, never with another programme's facts unasked."""
    other = tmp_path / "other.toml"
    other.write_text(BUNDLED.read_text(encoding="utf-8").replace('name = "Phase II"', 'name = "Second phase"'),
                     encoding="utf-8")
    monkeypatch.delenv("MM_PROGRAMME", raising=False)
    built(write_workbook, database, programme=other)
    before = sha256(database)
    assert main(["reload", "--db", str(database)]) == 1
    err = capsys.readouterr().err
    assert err == (f"error: {database} was built with the programme file other.toml, not with {BUNDLED.resolve()}: "
                   "name the programme file to load it with (--programme), the same one to take it as it is now\n"
                   "The previous database was left unchanged.\n")
    assert sha256(database) == before
    assert main(["reload", "--db", str(database), "--programme", str(other)]) == 0
    assert rows(database, "SELECT name FROM phases WHERE code = 'II'") == [("Second phase",)]


@pytest.mark.parametrize("content", [None, b"not a database" * 100])
def test_a_file_that_records_no_load_is_refused(tmp_path, capsys, content):
    path = tmp_path / "w.duckdb"
    if content is None:
        duckdb.connect(str(path)).execute("CREATE TABLE t (x INTEGER)").close()
    else:
        path.write_bytes(content)
    assert main(["reload", "--db", str(path)]) == 1
    assert f"{path} records no files of its last load" in capsys.readouterr().err


def test_a_programme_file_changed_in_place_is_said_to_have_changed(write_workbook, database, tmp_path, capsys,
                                                                   monkeypatch):
    programme = tmp_path / "programme.toml"
    shutil.copy(BUNDLED, programme)
    monkeypatch.setenv("MM_PROGRAMME", str(programme))
    built(write_workbook, database)
    programme.write_text(BUNDLED.read_text(encoding="utf-8").replace('name = "Phase II"', 'name = "Second phase"'),
                         encoding="utf-8")
    assert main(["reload", "--db", str(database)]) == 1
    assert capsys.readouterr().err.startswith(
        f"error: the programme file {programme} has changed since {database} was built with it: name the programme "
        "file to load it with (--programme), the same one to take it as it is now\n")


def test_a_warehouse_that_does_not_say_its_programme_file_needs_one_named(write_workbook, database, capsys):
    built(write_workbook, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute("ALTER TABLE programme DROP COLUMN sha256")  # as a version before the column
    assert main(["reload", "--db", str(database)]) == 1
    assert f"{database} does not say which programme file it was built with" in capsys.readouterr().err
    assert main(["reload", "--db", str(database), "--programme", str(BUNDLED)]) == 0


def test_a_preview_is_built_again_on_the_submissions_page_not_reloaded(write_workbook, database, capsys):
    built(write_workbook, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute("UPDATE settings SET value = 'preview' WHERE name = 'build_kind'")
    before = sha256(database)
    assert main(["reload", "--if-outdated", "--db", str(database)]) == 1
    assert capsys.readouterr().err.startswith(f"error: {database} is a preview build: build it again on the "
                                              "Submissions page")
    assert sha256(database) == before


def test_a_reload_holds_the_records_lock_an_approval_holds(write_workbook, database, monkeypatch):
    """An approval rebuilds under the records' lock: a reload reads the files of the last load and loads them
    under it too, so that it cannot swap in a warehouse without a submission approved meanwhile."""
    built(write_workbook, database)
    held = []
    real_exclusive, real_load = records.exclusive, reload_module.run_load

    @contextlib.contextmanager
    def exclusive(path, waiting):
        with real_exclusive(path, waiting):
            held.append(True)
            yield
            held.pop()

    def load(*arguments, **options):
        assert held == [True]
        return real_load(*arguments, **options)
    monkeypatch.setattr(records, "exclusive", exclusive)
    monkeypatch.setattr(reload_module, "run_load", load)
    assert reload_module.reload(database, only_outdated=True) is not None


def test_a_strict_load_is_loaded_again_strictly(write_workbook, database, capsys):
    """A load made with --strict is reloaded with it: a row its files now reject refuses the reload whole, as the
    first load would have been refused."""
    rows = good_rows()
    workbook = write_workbook(rows)
    run_load([workbook], database, as_of=AS_OF, strict=True)
    assert last_load(database).strict
    rows["expenditure"][0]["budget"] = -5
    write_workbook(rows)  # the same file, now with a row to reject
    before = sha256(database)
    assert main(["reload", "--db", str(database)]) != 0
    said = capsys.readouterr().err
    assert ", refusing it whole if any row is rejected, as its last load did (--strict)" in said
    assert "--strict: 1 row(s) rejected, nothing loaded; the first: report.xlsx › Expenditure › row 2" in said
    assert (f"; the last load of {database} was --strict, and so was this one: load it again with --no-strict to "
            "load the other rows\nThe previous database was left unchanged.") in said
    assert sha256(database) == before
    assert main(["reload", "--db", str(database), "--no-strict"]) == 0  # the way out: recorded as not strict
    assert not last_load(database).strict
    assert main(["reload", "--db", str(database)]) == 0


def test_a_reload_that_waits_for_the_records_lock_says_so(write_workbook, database, capsys):
    built(write_workbook, database)
    with records.exclusive(database):  # an approval under way
        reloading = threading.Thread(target=main, args=(["reload", "--db", str(database)],))
        reloading.start()
        err, deadline = "", time.monotonic() + 30
        while not err and time.monotonic() < deadline:
            time.sleep(0.05)
            err = capsys.readouterr().err
        assert reloading.is_alive()
        assert err == (f"Waiting for an approval or another load of {database.name} to finish (it holds the records' "
                       "lock) …\n")
    reloading.join(60)
    assert capsys.readouterr().err.startswith(f"Loading {database} (built by another version of the ETL) again")
