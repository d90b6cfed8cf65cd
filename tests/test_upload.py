"""Uploading from the dashboard: checked cell by cell before anything is loaded; a load adds the files to
the inbox and rebuilds from the previous inputs, a same-named file replacing the old one."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE
from etl.load import run_load
from mm_core import upload
from mm_core.safety import markdown_literal

from .helpers.paths import APP
from .helpers.rows import good_rows

pytestmark = pytest.mark.slow  # the upload page: every check runs `etl load` in a child process

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


@pytest.fixture
def upload_temp(tmp_path, monkeypatch) -> Path:
    """The server's temporary folder, where the Upload page's folders go (and must not stay)."""
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def editor_on_upload_page(database: Path, monkeypatch) -> AppTest:
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(database))
    app = AppTest.from_file(APP, default_timeout=120).run()
    return app.switch_page("app_pages/upload.py").run()


def stored_as(name: str, stored: str) -> str:
    """The page's note that a file was stored under another name: both names shown as typed."""
    return f"{markdown_literal(name, 80)} is stored as {markdown_literal(stored)}."


@pytest.mark.parametrize("name, stored", [
    ("../../etc/passwd", "passwd.xlsx"),
    ("/etc/cron.d/job.csv", "job.csv"),
    ("C:\\Users\\x\\Report 2015 (final).xlsx", "Report 2015 _final_.xlsx"),
    ("a\x00b.xlsx", "a_b.xlsx"),
    ("..", "upload.xlsx"),
    ("data.csv", "data.csv"),
    ("x" * 300 + ".xlsx", "x" * 95 + ".xlsx"),  # was kept whole: OSError 'File name too long'
    ("y" * 300 + ".CSV", "y" * 96 + ".CSV"),
    ("z" * 300, "z" * 95 + ".xlsx"),
    ("Отчёт 2015.xlsx", "Отчёт 2015.xlsx"),  # a country office's name, in its own script, is kept
    ("تقرير المغرب.csv", "تقرير المغرب.csv"),
    ("e\u0301te\u0301.xlsx", "\u00e9t\u00e9.xlsx"),  # as a Mac writes é: one form, as typed elsewhere
    ("a\u202eb.xlsx", "a_b.xlsx"),  # a direction control is no letter
    ("প্রতিবেদন বাংলাদেশ.xlsx", "প্রতিবেদন বাংলাদেশ.xlsx"),  # vowel signs and viramas are marks, kept
    ("a<>|b?*.csv", "a_b_.csv"),  # a run of others: one '_'
    ("a\u3164b.xlsx", "a_b.xlsx"),  # a letter no font draws (Hangul filler): two names would look alike
    ("報告" * 80 + ".xlsx", "報告" * 32 + "報.xlsx"),  # 200 bytes in UTF-8 (a file system allows 255)
])
def test_safe_names_keep_uploads_inside_the_inbox_and_short(name, stored):
    assert upload.safe_name(name) == stored


def test_names_that_clean_to_the_same_name_are_stored_under_distinct_names():
    assert upload.stored_names(["a\nb.xlsx", "a\x00b.xlsx", "A_B.xlsx", "x" * 300 + ".xlsx", "x" * 301 + ".xlsx"]) == [
        "a_b.xlsx", "a_b-2.xlsx", "A_B-3.xlsx", "x" * 95 + ".xlsx", "x" * 93 + "-2.xlsx"]


def test_a_file_chosen_twice_is_stored_once_and_a_different_one_of_that_name_too():
    uploads, repeated = upload.distinct_uploads([("r.xlsx", b"1"), ("r.xlsx", b"1"), ("r.xlsx", b"2")])
    assert [(u.name, u.stored_name, u.content) for u in uploads] == [("r.xlsx", "r.xlsx", b"1"),
                                                                      ("r.xlsx", "r-2.xlsx", b"2")]
    assert repeated == ["r.xlsx"]


def test_clashing_and_overlong_names_are_all_checked_and_the_stored_names_shown(
        built, write_workbook, inbox, upload_temp, monkeypatch, clear_streamlit_caches):
    rows = good_rows()
    narrative = write_workbook({"narrative": rows["narrative"]}, name="n.xlsx", kind="narrative").read_bytes()
    milestones = write_workbook({"milestones": rows["milestones"]}, name="m.xlsx", kind="milestones").read_bytes()
    long_name = "Quarterly report " * 18 + ".xlsx"  # 311 characters
    app = editor_on_upload_page(built, monkeypatch)
    # (Streamlit itself refuses a name with a NUL byte; the test above covers it for other callers)
    app.get("file_uploader")[0].set_value([("a\nb.xlsx", narrative, XLSX), ("a?b.xlsx", milestones, XLSX),
                                           (long_name, milestones, XLSX)]).run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Files"] == "3"
    assert [c.value for c in app.caption if "stored as" in c.value] == [
        stored_as("a\\x0ab.xlsx", "a_b.xlsx"), stored_as("a?b.xlsx", "a_b-2.xlsx"),
        stored_as(long_name, long_name[:95].rstrip() + ".xlsx")]
    assert app.metric[1].value == "2"  # rows that would load: 1 narrative + 1 milestone (the copy repeats its key)
    assert list(upload_temp.iterdir()) == []


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


def three_problems_and_three_warnings(write_workbook) -> Path:
    """Expenditure with three rows rejected (a negative budget) and three total rows (skipped, with a warning)."""
    rows = good_rows()["expenditure"]
    rows.append(dict(rows[0], programme_year=2015))
    for row in rows:
        row["budget"] = -3
    rows += [dict(country="Total", budget=5, received=5, expenditure=5)] * 3
    return write_workbook({"expenditure": rows}, name="money.xlsx", kind="expenditure")


def test_a_check_lists_the_first_problems_and_warnings_and_counts_them_all(write_workbook, inbox, tmp_path):
    check = upload.check_files([three_problems_and_three_warnings(write_workbook)], database=tmp_path / "none.duckdb",
                               listed_at_most=2)
    assert (len(check.problems), check.problem_count, len(check.warnings), check.warning_count) == (2, 3, 2, 3)
    assert check.rows_rejected == 3
    assert check.problems["row"].tolist() == [2, 3] and check.warnings["row"].tolist() == [5, 6]


def test_the_page_gets_and_shows_the_first_problems_and_says_how_many_there_are(
        built, write_workbook, inbox, upload_temp, monkeypatch, clear_streamlit_caches):
    """A file with a million bad rows must not make the server build and send a table of a million problems:
    the child sends the first LISTED_AT_MOST of each, and the counts."""
    from mm_core import upload_process
    monkeypatch.setattr(upload_process, "LISTED_AT_MOST", 2, raising=False)
    app = editor_on_upload_page(built, monkeypatch)
    money = three_problems_and_three_warnings(write_workbook)
    app.get("file_uploader")[0].upload("money.xlsx", money.read_bytes()).run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Rows that would be rejected"] == "3"
    assert [len(table.value) for table in app.dataframe] == [2, 2]
    assert [c.value for c in app.caption if c.value.startswith("The first")] == [
        "The first 2 of 3 problems are shown; all of them are listed on the Data quality page after loading.",
        "The first 2 of 3 warnings are shown; all of them are listed on the Data quality page after loading."]


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


def test_an_upload_rebuilds_from_the_files_of_an_approval_that_landed_while_it_waited(built, tmp_path, inbox):
    """An approval rebuilds under the records' lock; an upload's rebuild waits for it, then reads the last load's
    files: those of the approval's build, which it would otherwise undo."""
    from etl import records
    from etl.templates import write_template
    approved = tmp_path / "submissions" / "MDA.xlsx"
    rows = good_rows()
    write_template("workplan", approved, {"workplan": [dict(rows["workplan"][0], country="Moldova",
                                                            activity_code="9.9.9")]})
    corrected = tmp_path / "upload" / "SRB.xlsx"
    write_template("workplan", corrected, {"workplan": rows["workplan"]})
    outcome, said = {}, []
    with records.exclusive(built):  # an approval under way
        uploading = threading.Thread(target=lambda: outcome.setdefault(
            "summary", upload.load_with_uploads([corrected], database=built, progress=said.append)))
        uploading.start()
        deadline = time.monotonic() + 30
        while not said and time.monotonic() < deadline:
            time.sleep(0.05)
        assert uploading.is_alive()  # waiting for the approval, and saying so
        assert said == [f"Waiting for an approval or another load of {built.name} to finish (it holds the records' "
                        "lock) …"]
        run_load([tmp_path / "source", approved], built, as_of=dt.date(2015, 7, 31))  # the approval's rebuild
    uploading.join(60)
    assert sorted(f.file for f in outcome["summary"].files) == ["JAM.xlsx", "MDA.xlsx", "SRB.xlsx"]
    with duckdb.connect(str(built), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM activities WHERE activity_code = '9.9.9'").fetchone() == (1,)


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
    assert markdown_literal("[1/3] reading notes.xlsx") in [m.value for m in app.markdown]  # the load's progress
    assert app.success[-1].value == "The dashboard now shows the new data."
    with duckdb.connect(str(built), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM load_log").fetchone()[0] == 3
        assert connection.execute("SELECT count(*) FROM rejected_rows WHERE file = 'notes.xlsx'").fetchone()[0] == 1


def test_a_rerun_or_pressing_load_does_not_check_again_but_a_changed_inbox_or_database_does(
        built, write_workbook, inbox, upload_temp, monkeypatch, clear_streamlit_caches):
    """A check takes a new child process (1 s for the sample, up to 26 s for a portfolio): the page checks
    again only when something the check reads has changed."""
    from mm_core import upload_process
    started, start = [], upload_process.Child.__init__

    def counted(child, folder, action, *rest):
        started.append(action)
        start(child, folder, action, *rest)
    monkeypatch.setattr(upload_process.Child, "__init__", counted)
    rows = good_rows()
    notes = write_workbook({"narrative": rows["narrative"]}, name="notes.xlsx", kind="narrative")
    app = editor_on_upload_page(built, monkeypatch)
    app.get("file_uploader")[0].upload("notes.xlsx", notes.read_bytes()).run()
    assert started == ["check"]
    app.run()  # a filter changed, say
    assert started == ["check"]
    inbox.mkdir()
    (inbox / "milestones.xlsx").write_bytes(write_workbook({"milestones": rows["milestones"]}, name="m.xlsx",
                                                           kind="milestones").read_bytes())
    app.run()
    assert started == ["check"] * 2
    os.utime(built, ns=(built.stat().st_atime_ns, built.stat().st_mtime_ns + 1_000_000_000))  # another database
    app.run()
    assert started == ["check"] * 3
    assert {m.label: m.value for m in app.metric}["Rows that would load"] == "1"
    app.button(key="upload_load").click().run()
    assert not app.exception and app.success[-1].value == "The dashboard now shows the new data."
    assert started == ["check"] * 3 + ["load"]
    app.run()  # the new database, and the upload now in the inbox: checked again
    assert started == ["check"] * 3 + ["load", "check"]


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


def test_the_page_shows_file_names_and_the_log_gets_the_paths(built, write_workbook, inbox, upload_temp,
                                                              monkeypatch, clear_streamlit_caches, caplog):
    """A load that fails on the server's side (the database's lock file is a folder): no path on the page."""
    lock = built.with_name(f".{built.name}.lock")
    lock.unlink()  # left by the load that built it
    lock.mkdir()
    before = hashlib.sha256(built.read_bytes()).hexdigest()
    app = editor_on_upload_page(built, monkeypatch)
    rows = good_rows()
    app.get("file_uploader")[0].upload("notes.xlsx", write_workbook({"narrative": rows["narrative"]}, name="notes.xlsx",
                                                                    kind="narrative").read_bytes()).run()
    with caplog.at_level(logging.INFO, logger="mm_dashboard"):
        app.button(key="upload_load").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [markdown_literal(
        f"cannot write in {built.parent.name} (is a directory): choose a writable folder with --db (or MM_DB_PATH)")]
    assert f"cannot write in {built.parent} (is a directory)" in caplog.text  # the full path is in the server's log
    assert list(inbox.iterdir()) == []
    assert hashlib.sha256(built.read_bytes()).hexdigest() == before
    assert list(upload_temp.iterdir()) == []


def test_an_inbox_that_cannot_be_written_is_reported_without_its_path(built, write_workbook, tmp_path, upload_temp,
                                                                      monkeypatch, caplog):
    from mm_core import upload_process
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the inbox's parent folder should be")
    monkeypatch.setenv(upload.INBOX_ENVIRONMENT_VARIABLE, str(blocker / "inbox"))
    with upload_process.Workspace() as workspace, caplog.at_level(logging.INFO, logger="mm_dashboard"):
        path = workspace.add("notes.xlsx", b"any")
        with pytest.raises(upload_process.UploadFailed) as failure:
            workspace.load([path], database=built)
    assert str(failure.value) == ("Loading notes.xlsx failed: the files could not be put in the inbox "
                                  "(NotADirectoryError): nothing was loaded and the previous database is unchanged. "
                                  "The server log has the details.")
    assert f"Not a directory: '{blocker / 'inbox'}'" in caplog.text


def workbook_with_sheet(path: Path, sheet: str) -> Path:
    """A workbook whose one sheet has the given name (Excel and openpyxl refuse some characters in it)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
                         'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
        archive.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                         'main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
                         f'<sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                         '</Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", '<worksheet xmlns="http://schemas.openxmlformats.org/'
                         'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Notes</t>'
                         '</is></c></row></sheetData></worksheet>')
    return path


def test_text_from_a_file_and_its_name_shows_as_typed(tmp_path, inbox, upload_temp, monkeypatch,
                                                      clear_streamlit_caches):
    sheet = "![x](http://evil.example/a.png) **Pay here** [here](http://evil.example)"
    name = "[Click](mailto:pay@evil.example) **now**.xlsx"
    app = editor_on_upload_page(tmp_path / "none.duckdb", monkeypatch)
    app.get("file_uploader")[0].upload(name, workbook_with_sheet(tmp_path / "w.xlsx", sheet).read_bytes()).run()
    stored = "_Click_mailto_pay_evil.example_ _now_.xlsx"
    assert "](http" not in app.error[0].value and "**Pay" not in app.error[0].value
    assert app.error[0].value.startswith("**This upload cannot be loaded.** " + markdown_literal(
        f"{stored}: no known sheet: expected at least one of"))
    assert markdown_literal(f"found '{sheet}'") in app.error[0].value
    assert app.caption[1].value == stored_as(name, stored)


def test_a_check_is_made_again_when_the_programme_file_changes(built, tmp_path, monkeypatch):
    """The check reads the programme file ($MM_PROGRAMME, which may lie outside the reference folder): a
    changed file is a new check."""
    from etl.programme import PROGRAMME_ENVIRONMENT_VARIABLE
    from etl.reference import REFERENCE_DIR
    programme = tmp_path / "programme.toml"
    programme.write_bytes((REFERENCE_DIR / "programme.toml").read_bytes())
    monkeypatch.setenv(PROGRAMME_ENVIRONMENT_VARIABLE, str(programme))
    uploads = [upload.Upload("notes.xlsx", "notes.xlsx", b"bytes")]
    key = upload.check_key(uploads, built)
    assert key is not None and upload.check_key(uploads, built) == key
    os.utime(programme, ns=(programme.stat().st_atime_ns, programme.stat().st_mtime_ns + 1_000_000_000))
    changed = upload.check_key(uploads, built)
    assert changed not in (key, None)
    programme.unlink()
    assert upload.check_key(uploads, built) not in (key, changed)  # a file gone is a change too
