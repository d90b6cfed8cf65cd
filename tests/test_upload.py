"""Uploading from the dashboard: checked cell by cell before anything is loaded; a load adds the files to
the inbox and rebuilds from the previous inputs, a same-named file replacing the old one."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE
from etl.load import run_load
from mm_dashboard import upload

from .conftest import good_rows

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture
def inbox(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "inbox"
    monkeypatch.setenv(upload.INBOX_ENVIRONMENT_VARIABLE, str(folder))
    return folder


@pytest.fixture
def built(tmp_path, write_workbook) -> Path:
    """A warehouse built from a folder of two workbooks, as of 31 July 2015."""
    source = tmp_path / "source"
    source.mkdir()
    rows = good_rows()
    from etl.templates import write_template
    write_template("all", source / "JAM.xlsx", {k: v for k, v in rows.items() if k != "workplan"})
    write_template("workplan", source / "SRB.xlsx", {"workplan": rows["workplan"]})
    database = tmp_path / "warehouse.duckdb"
    run_load([source], database, as_of=dt.date(2015, 7, 31))
    return database


def test_safe_names_keep_uploads_inside_the_inbox():
    assert upload.safe_name("../../etc/passwd") == "passwd.xlsx"
    assert upload.safe_name("C:\\Users\\x\\Report 2015 (final).xlsx") == "Report 2015 _final_.xlsx"
    assert upload.safe_name("data.csv") == "data.csv"


def test_checking_reports_every_problem_and_writes_nothing(built, write_workbook, inbox):
    before = hashlib.sha256(built.read_bytes()).hexdigest()
    rows = good_rows()
    rows["expenditure"][0]["budget"] = -3
    check = upload.check_files([write_workbook({"expenditure": rows["expenditure"]}, name="money.xlsx",
                                               kind="expenditure")], database=built)
    assert check.rows_by_table == {"expenditure": 1}
    assert check.problems[["file", "sheet", "row", "column", "found"]].values.tolist() == [
        ["money.xlsx", "Expenditure", 2, "Budget", "'-3'"]]
    assert check.rows_rejected == 1
    assert hashlib.sha256(built.read_bytes()).hexdigest() == before
    assert not inbox.exists()


def test_an_unreadable_upload_is_explained(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    assert upload.check_files([path], database=tmp_path / "none.duckdb").unreadable.startswith(
        "notes.xlsx: not a readable Excel workbook")


def test_a_corrected_workbook_replaces_the_one_of_the_same_name(built, tmp_path, inbox):
    rows = good_rows()
    rows["workplan"][1].update(status="completed", actual_start=dt.date(2014, 9, 1), actual_end=dt.date(2015, 3, 1))
    corrected = tmp_path / "upload" / "SRB.xlsx"
    from etl.templates import write_template
    write_template("workplan", corrected, {"workplan": rows["workplan"]})
    summary = upload.load_with_uploads([corrected], database=built)
    assert summary.rows_rejected == 0  # no duplicate of the old SRB.xlsx
    assert sorted(f.file for f in summary.files) == ["JAM.xlsx", "SRB.xlsx"]
    assert (inbox / "SRB.xlsx").exists()
    with duckdb.connect(str(built), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FILTER (WHERE status = 'completed'), count(*) "
                                  "FROM activities").fetchone() == (2, 2)
        assert connection.execute("SELECT as_of_date FROM reporting_date").fetchone()[0] == dt.date(2015, 7, 31)


def test_an_editor_checks_then_loads_from_the_page(built, write_workbook, inbox, monkeypatch,
                                                   clear_streamlit_caches):
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(built))
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page("app_pages/upload.py").run()
    rows = good_rows()
    rows["narrative"][0]["text"] = "The NPB endorsed the migration chapter."
    rows["narrative"].append(dict(rows["narrative"][0], kind="lesson", text="Bad kind"))
    workbook = write_workbook({"narrative": rows["narrative"]}, name="notes.xlsx", kind="narrative")
    app.get("file_uploader")[0].upload("notes.xlsx", workbook.read_bytes()).run()
    values = {m.label: m.value for m in app.metric}
    assert (values["Rows that would load"], values["Rows that would be rejected"]) == ("1", "1")
    problems = app.dataframe[0].value
    assert problems[["sheet", "row", "column", "found"]].values.tolist() == [["Narrative", 3, "Kind", "'lesson'"]]
    with duckdb.connect(str(built), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM load_log").fetchone()[0] == 2  # nothing loaded yet
    app.button(key="upload_load").click().run()
    assert not app.exception
    with duckdb.connect(str(built), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM load_log").fetchone()[0] == 3
        assert connection.execute("SELECT count(*) FROM rejected_rows WHERE file = 'notes.xlsx'").fetchone()[0] == 1


def test_a_check_sees_the_upload_together_with_the_last_load(built, tmp_path, inbox):
    """A corrected copy under another name: its rows come first and win; the check shows them as loading."""
    from etl.templates import write_template
    rows = good_rows()
    corrected = write_template("all", tmp_path / "upload" / "JAM-corrected.xlsx",
                               {k: v for k, v in rows.items() if k != "workplan"})
    check = upload.check_files([corrected], database=built)
    assert check.rows_rejected == 0
    assert check.rows_by_table["results"] == 6


def test_a_failed_load_leaves_the_inbox_as_it_was(built, tmp_path, inbox):
    inbox.mkdir()
    (inbox / "SRB.xlsx").write_bytes(b"the earlier upload")
    broken = tmp_path / "upload" / "SRB.xlsx"
    broken.parent.mkdir()
    broken.write_text("not a workbook")
    before = hashlib.sha256(built.read_bytes()).hexdigest()
    with pytest.raises(Exception, match="SRB.xlsx: not a readable Excel workbook"):
        upload.load_with_uploads([broken], database=built)
    assert (inbox / "SRB.xlsx").read_bytes() == b"the earlier upload"
    assert sorted(p.name for p in inbox.iterdir()) == ["SRB.xlsx"]
    assert hashlib.sha256(built.read_bytes()).hexdigest() == before
