"""Loading: summary, log, strict mode, unreadable files, atomic swap and idempotence."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from etl.__main__ import main
from etl.errors import LoadFailed, UnreadableFile
from etl.history import IDENTITY_SETTINGS
from etl.load import file_sha256, run_load

from .helpers.rows import good_rows

DATA_TABLES = ("results", "activities", "expenditure", "milestones", "narrative", "rejected_rows", "countries",
               "outputs", "periods", "fx_rates", "settings")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_contents(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        contents = {t: connection.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in DATA_TABLES}
        # which build it is (load id, time, who: etl/history.py) differs from build to build by design
        contents["settings"] = [row for row in contents["settings"] if row[0] not in IDENTITY_SETTINGS]
        contents["load_log"] = connection.execute(
            "SELECT file, sha256, rows_loaded, rows_rejected, status FROM load_log ORDER BY ALL").fetchall()
    return contents


def test_load_writes_rows_with_their_source_and_logs_the_file(write_workbook, database):
    path = write_workbook(good_rows())
    summary = run_load([path], database)

    assert summary.rows_by_table == {"results": 6, "activities": 2, "expenditure": 2, "milestones": 1,
                                     "narrative": 1, "recommendations": 0}
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute(
            "SELECT source_file, source_sheet, source_row FROM activities ORDER BY source_row").fetchall() == [
            ("report.xlsx", "Work plan", 2), ("report.xlsx", "Work plan", 3)]
        log = connection.execute("SELECT file, sha256, rows_loaded, rows_rejected, status FROM load_log").fetchall()
    assert log == [("report.xlsx", file_sha256(path), 12, 0, "loaded")]


def test_money_is_converted_to_usd_with_the_shipped_rate(write_workbook, database):
    run_load([write_workbook(good_rows())], database)
    with duckdb.connect(str(database), read_only=True) as connection:
        activity = connection.execute(
            "SELECT budget, currency, fx_rate, budget_usd FROM activity_status WHERE activity_code = '1.1.1'").fetchone()
        finance = connection.execute(
            "SELECT budget_usd, expenditure_usd FROM finance_summary WHERE country = 'GLOBAL'").fetchone()
    assert [float(v) if not isinstance(v, str) else v for v in activity] == [1_000_000.0, "RSD", 88.54, 11294.33]
    assert [float(v) for v in finance] == [round(50_000 / 0.9627, 2), round(10_000 / 0.9627, 2)]


def test_strict_load_fails_on_any_rejection_and_keeps_the_old_database(write_workbook, database):
    run_load([write_workbook(good_rows(), name="good.xlsx")], database)
    before = sha256(database)
    rows = good_rows()
    rows["expenditure"][0]["budget"] = -5
    with pytest.raises(LoadFailed, match=r"--strict: 1 row\(s\) rejected, nothing loaded; the first: "
                                         r"bad.xlsx › Expenditure › row 2 › column Budget"):
        run_load([write_workbook(rows, name="bad.xlsx")], database, strict=True)
    assert sha256(database) == before


def test_cli_prints_a_summary_and_exits_0(write_workbook, database, capsys):
    rows = good_rows()
    rows["workplan"][0]["status"] = "done"
    assert main(["load", str(write_workbook(rows)), "--db", str(database)]) == 0
    out = capsys.readouterr()
    assert "Loaded 1 file(s)" in out.out
    assert "Rows loaded: 11   rows rejected: 1" in out.out
    assert "rejected: report.xlsx › Work plan › row 2 › column Status: found 'done'" in out.out
    assert "[1/1] reading report.xlsx" in out.err  # progress


def not_a_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "notes.xlsx"
    path.write_text("this is not a spreadsheet")
    return path


def truncated_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "truncated.xlsx"
    Workbook().save(path)
    path.write_bytes(path.read_bytes()[:300])
    return path


def no_known_sheet(tmp_path: Path) -> Path:
    path = tmp_path / "other.xlsx"
    workbook = Workbook()
    workbook.active.title = "Budget 2015"
    workbook.save(path)
    return path


def no_header(tmp_path: Path) -> Path:
    path = tmp_path / "noheader.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Expenditure"
    sheet.append(["Jamaica", "Output 1", "UNDP", 2014, 1000])
    workbook.save(path)
    return path


UNREADABLE = [
    (not_a_workbook, "notes.xlsx: not a readable Excel workbook"),
    (truncated_workbook, "truncated.xlsx: not a readable Excel workbook"),
    (no_known_sheet, "other.xlsx: no known sheet: expected at least one of 'Results matrix', 'Work plan', "
                     "'Expenditure', 'Milestones', 'Narrative', 'Recommendations'; found 'Budget 2015'"),
    (no_header, "noheader.xlsx › Expenditure: no header row found in the first 30 rows: expected the columns "
                "'Country', 'Output', 'Agency', 'Programme year', 'Budget', 'Currency'"),
]


@pytest.mark.slow  # a sweep of cases; each loads a database
@pytest.mark.parametrize("make_file, message", UNREADABLE, ids=[u[0].__name__ for u in UNREADABLE])
def test_unreadable_file_fails_the_load_with_exit_1_and_keeps_the_old_database(
        tmp_path, write_workbook, database, capsys, make_file, message):
    run_load([write_workbook(good_rows())], database)
    before = sha256(database)

    status = main(["load", str(write_workbook(good_rows(), name="fine.xlsx")), str(make_file(tmp_path)),
                   "--db", str(database)])

    err = capsys.readouterr().err
    assert status == 1
    assert f"error: {message}" in err
    assert "The previous database was left unchanged." in err
    assert sha256(database) == before
    assert not list(database.parent.glob(".*building*"))


def test_missing_input_path_fails(database):
    with pytest.raises(UnreadableFile, match="nowhere.xlsx: no such file or folder"):
        run_load([Path("nowhere.xlsx")], database)
    assert not database.exists()


@pytest.mark.slow
def test_failed_database_check_leaves_old_file_untouched(write_workbook, database, monkeypatch):
    run_load([write_workbook(good_rows())], database)
    before = sha256(database)
    monkeypatch.setattr("etl.checks.run_checks", lambda connection: ["unique(results.country): 1 row(s)"])
    with pytest.raises(LoadFailed, match=r"failed its checks, so it was not used: unique\(results.country\)"):
        run_load([write_workbook(good_rows(), name="again.xlsx")], database)
    assert sha256(database) == before
    assert sorted(p.name for p in database.parent.iterdir() if "duckdb" in p.name and not p.name.endswith(".lock")
                  ) == ["warehouse.duckdb"]


@pytest.mark.slow
def test_reloading_the_same_inputs_gives_the_same_contents(write_workbook, database, tmp_path):
    rows = good_rows()
    rows["results"][3]["actual"] = "n/a"  # a rejected row too
    inputs = [write_workbook(rows)]
    run_load(inputs, database)
    first = table_contents(database)
    other = tmp_path / "second.duckdb"
    run_load(inputs, other)
    run_load(inputs, database)
    assert table_contents(other) == first
    assert table_contents(database) == first
    assert len(first["rejected_rows"]) == 1


def test_folder_input_loads_every_workbook_in_name_order(write_workbook, database, tmp_path):
    rows = good_rows()
    write_workbook({"milestones": rows["milestones"]}, name="b.xlsx", kind="milestones")
    write_workbook({"narrative": rows["narrative"]}, name="a.xlsx", kind="narrative")
    (tmp_path / "~$a.xlsx").write_text("excel lock file")
    summary = run_load([tmp_path], database)
    assert [f.file for f in summary.files] == ["a.xlsx", "b.xlsx"]
    assert summary.rows_loaded == 2


def test_csv_input_is_recognised_by_its_header(database, tmp_path):
    path = tmp_path / "milestones.csv"
    path.write_bytes("Country,Milestone,Category,Due date,Achieved date\r\n"
                     "Serbia,Budget endorsed,inception,30/04/2014,2014-05-02\r\n".encode("utf-8-sig"))
    summary = run_load([path], database)
    assert summary.rows_by_table["milestones"] == 1
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT country, status FROM milestone_status").fetchall() == [
            ("SRB", "achieved late")]


def test_no_inputs_fails(database, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(LoadFailed, match="no input files"):
        run_load([tmp_path / "empty"], database)


def test_zip_that_is_not_a_workbook(database, tmp_path):
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableFile, match="archive.xlsx: not a readable Excel workbook"):
        run_load([path], database)


@pytest.mark.slow
def test_a_killed_load_leaves_the_old_database_and_its_leftovers_are_cleared(write_workbook, database):
    run_load([write_workbook(good_rows())], database)
    before = sha256(database)
    leftover = database.with_name(f".{database.name}.building-999999")
    leftover.write_bytes(b"half-written by a load that was killed")
    log = leftover.with_name(leftover.name + ".wal")
    log.write_bytes(b"its write-ahead log")
    spill = leftover.with_name(leftover.name + ".tmp")  # DuckDB's spill folder, when it ran out of memory
    (spill / "duckdb_temp_storage-0.tmp").parent.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"spilled")
    assert sha256(database) == before
    run_load([write_workbook(good_rows(), name="again.xlsx")], database)
    assert not leftover.exists() and not log.exists() and not spill.exists()
    orphan = database.with_name(f".{database.name}.building-888888.wal")  # its database file already gone
    orphan.write_bytes(b"a write-ahead log alone")
    run_load([write_workbook(good_rows(), name="third.xlsx")], database)
    assert not orphan.exists()


def test_a_warehouse_carries_no_staging(write_workbook, database):
    """The staging tables (etl/rules.py) live in an in-memory database attached to the load's connection:
    nothing of them is left beside the warehouse or in it."""
    run_load([write_workbook(good_rows())], database)
    assert sorted(path.name for path in database.parent.iterdir() if path.name.startswith(f".{database.name}")) == [
        f".{database.name}.lock"]
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM duckdb_databases() WHERE NOT internal").fetchone()[0] == 1
        assert connection.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%staging%' "
                                  "OR database_name = 'staging'").fetchone()[0] == 0


def test_the_inputs_of_the_load_are_recorded(write_workbook, database, tmp_path):
    write_workbook(good_rows())
    run_load([tmp_path], database)
    with duckdb.connect(str(database), read_only=True) as connection:
        inputs = connection.execute("SELECT value FROM settings WHERE name = 'inputs'").fetchone()[0]
    assert json.loads(inputs) == [str(tmp_path.resolve())]  # the folder, so a rebuild sees files added since


def test_an_input_that_cannot_be_read_again_is_not_said_to_be_the_database_folder(write_workbook, database,
                                                                                  monkeypatch):
    """The fast lane reads a few rows of a workbook again while it validates them (a 'NaN' text read as a
    number): an error there is the input's, not a write into the database folder, so it is not turned into
    "cannot write in <folder>" (the error of a write to the new database)."""
    spending = dict(country="Jamaica", output_code="Output 1", agency="UNDP", programme_year=2014, budget=100,
                    received=10, expenditure=5, currency="USD")
    path = write_workbook({"expenditure": [spending | dict(received="NaN"), spending | dict(agency="IOM")]},
                          kind="expenditure")
    read_again = []

    def vanished(path, *args, **kwargs):
        read_again.append(path)
        raise FileNotFoundError(2, "No such file or directory", str(path))

    monkeypatch.setattr("etl.columnar.read_rows", vanished)
    with pytest.raises(FileNotFoundError):
        run_load([path], database)
    assert read_again, "no row was read again: the test no longer covers the fast lane's second read"
    assert not database.exists()


def test_rows_written_from_python_keep_nan_as_null_and_never_cut_a_fraction():
    """etl.load.arrow_column, how rows written from Python reach DuckDB: NaN is NULL (as the pandas frames it
    replaced gave it), a fraction in a whole-number column stays a fraction for DuckDB's cast to judge, mixed
    values go as text."""
    from etl.load import arrow_column

    assert arrow_column([float("nan"), 1.0], "DOUBLE").to_pylist() == [None, 1.0]
    assert arrow_column([1.5, 2.0], "INTEGER").to_pylist() == [1.5, 2.0]
    assert str(arrow_column([1, 2], "INTEGER").type) == "int64"
    assert arrow_column([1, "a", None], "VARCHAR").to_pylist() == ["1", "a", None]
