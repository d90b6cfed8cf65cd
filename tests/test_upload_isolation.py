"""The Upload page's check and load run in a child process with a memory and a time limit: a workbook that
crashes a reader, uses up memory or never finishes ends the child, never the server; the inbox, the
database and the temporary folders are as they were; folders left by a server that died are cleaned."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE
from etl.load import run_load
from etl.templates import write_template
from mm_core import upload, upload_process
from mm_core.safety import markdown_literal, without_folders

from .helpers.loading import huge_range_workbook
from .helpers.paths import APP, REPOSITORY
from .helpers.rows import good_rows

pytestmark = pytest.mark.slow  # upload isolation: child processes killed, servers that died, journals

NOTHING_LOADED = "nothing was loaded and the previous database is unchanged."


@pytest.fixture(autouse=True)
def reader_reached(monkeypatch):
    """The ETL's cell budget (MM_MAX_CELLS) set out of the way: the child must survive the reader itself."""
    monkeypatch.setenv("MM_MAX_CELLS", "1000000000000000")


@pytest.fixture
def server_temp(tmp_path, monkeypatch) -> Path:
    """The server's temporary folder (the children get their own folders inside the page's)."""
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def inbox(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "SRB.xlsx").write_bytes(b"the earlier upload")
    monkeypatch.setenv(upload.INBOX_ENVIRONMENT_VARIABLE, str(folder))
    return folder


@pytest.fixture
def built(tmp_path, monkeypatch) -> Path:
    source = tmp_path / "source"
    rows = good_rows()
    write_template("all", source / "JAM.xlsx", {k: v for k, v in rows.items() if k != "workplan"})
    database = tmp_path / "data" / "warehouse.duckdb"  # a folder of its own, to see everything a load leaves
    run_load([source], database, as_of=dt.date(2015, 7, 31))
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(database))  # the server's database
    return database


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in a folder and its subfolders (the warehouse's records), hidden ones too, and a hash of its
    bytes; not the empty files only there to be locked (a load's, the records')."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (p.name.endswith(".lock") and p.stat().st_size == 0)}


def workbook(tmp_path: Path, name: str) -> Path:
    rows = good_rows()
    return write_template("workplan", tmp_path / "uploaded" / name, {"workplan": rows["workplan"]})


def test_a_workbook_that_makes_the_reader_abort_is_reported_and_leaves_nothing(tmp_path, server_temp, caplog):
    with upload_process.Workspace() as workspace, caplog.at_level(logging.INFO, logger="mm_dashboard"):
        path = workspace.add("huge.xlsx", huge_range_workbook(tmp_path / "huge.xlsx").read_bytes())
        with pytest.raises(upload_process.UploadFailed) as failure:
            workspace.check([path], database=tmp_path / "none.duckdb")
    assert str(failure.value) == ("Checking huge.xlsx needed more than 6,144 MB of memory (MM_UPLOAD_MAX_MEMORY_MB) "
                                  f"and was stopped: {NOTHING_LOADED}")
    assert "memory allocation of 549755813888 bytes failed" in caplog.text  # the child's own words, in the log
    assert list(server_temp.iterdir()) == []


def test_a_check_that_needs_more_memory_than_allowed_is_stopped(tmp_path, server_temp, monkeypatch):
    monkeypatch.setenv("MM_UPLOAD_MAX_MEMORY_MB", "150")  # less than pandas and DuckDB take to load
    with upload_process.Workspace() as workspace:
        path = workspace.add("SRB.xlsx", workbook(tmp_path, "SRB.xlsx").read_bytes())
        with pytest.raises(upload_process.UploadFailed, match=r"^Checking SRB\.xlsx needed more than 150 MB of memory "
                                                              r"\(MM_UPLOAD_MAX_MEMORY_MB\) and was stopped: nothing"):
            workspace.check([path], database=tmp_path / "none.duckdb")
    assert list(server_temp.iterdir()) == []


def test_a_check_that_takes_too_long_is_stopped_with_its_process_group(tmp_path, server_temp, monkeypatch):
    monkeypatch.setenv("MM_UPLOAD_MAX_SECONDS", "0.1")  # less than the child's imports take (0.4 s here)
    with upload_process.Workspace() as workspace:
        path = workspace.add("SRB.xlsx", workbook(tmp_path, "SRB.xlsx").read_bytes())
        with pytest.raises(upload_process.UploadFailed) as failure:
            workspace.check([path], database=tmp_path / "none.duckdb")
    assert str(failure.value) == ("Checking SRB.xlsx took longer than 0.1 s (MM_UPLOAD_MAX_SECONDS) and was stopped: "
                                  f"{NOTHING_LOADED}")
    assert list(server_temp.iterdir()) == []
    assert children_of_this_process() == []


def children_of_this_process() -> list[int]:
    children = []
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    return children


class NoThread(threading.Thread):
    """A thread that cannot start, as when the server has reached its limit of threads."""

    def start(self):
        raise RuntimeError("can't start new thread")


@pytest.mark.parametrize("action, failing", [("check", "a thread"), ("check", "the process number's file"),
                                             ("load", "a thread")])
def test_a_failure_just_after_the_child_started_stops_it_and_is_reported(built, inbox, tmp_path, server_temp,
                                                                         monkeypatch, action, failing):
    """The child runs, but nobody would read its answer or stop it: it is killed and reaped, and the page
    gets a message, not a traceback. A load's child cannot swap in a database after the inbox was put back."""
    inbox_before, database_before = snapshot(inbox), snapshot(built.parent)
    if failing == "a thread":
        monkeypatch.setattr(threading, "Thread", NoThread)
    else:
        write_text = Path.write_text

        def disk_full_for_the_process_number(path, *arguments, **keywords):
            if path.name.startswith("child-"):
                raise OSError(errno.ENOSPC, "No space left on device")
            return write_text(path, *arguments, **keywords)
        monkeypatch.setattr(Path, "write_text", disk_full_for_the_process_number)
    with upload_process.Workspace() as workspace:
        path = workspace.add("SRB.xlsx", workbook(tmp_path, "SRB.xlsx").read_bytes())
        with pytest.raises(upload_process.UploadFailed) as failure:
            getattr(workspace, action)([path], database=built)
    assert str(failure.value) == (f"{ {'check': 'Checking', 'load': 'Loading'}[action]} SRB.xlsx could not start "
                                  f"({'RuntimeError' if failing == 'a thread' else 'OSError'}): {NOTHING_LOADED} "
                                  "The server log has the details.")
    assert children_of_this_process() == []
    assert snapshot(inbox) == inbox_before and snapshot(built.parent) == database_before
    assert list(server_temp.iterdir()) == []


def test_a_child_killed_while_writing_its_answer_is_reported(tmp_path, server_temp, monkeypatch):
    """Its last line is cut short: the page says the child stopped, as when it ends without a word."""
    cut_short = 'import os; os.write(1, b\'{"result": {"rows_by_table": {"activ\'); os.kill(os.getpid(), 9)'
    monkeypatch.setattr(upload_process, "WORKER", (sys.executable, "-c", cut_short))
    with upload_process.Workspace() as workspace:
        path = workspace.add("SRB.xlsx", workbook(tmp_path, "SRB.xlsx").read_bytes())
        with pytest.raises(upload_process.UploadFailed) as failure:
            workspace.check([path], database=tmp_path / "none.duckdb")
    assert str(failure.value) == (f"Checking SRB.xlsx stopped unexpectedly (signal 9): {NOTHING_LOADED} "
                                  "The server log has the details.")
    assert list(server_temp.iterdir()) == []


def test_a_load_killed_midway_leaves_inbox_database_and_temporary_folder_as_they_were(
        built, inbox, tmp_path, server_temp):
    inbox_before, database_before = snapshot(inbox), snapshot(built.parent)
    seen = []

    def kill_the_child_once_it_writes(message: str) -> None:
        seen.append(message)
        if message.startswith("writing"):  # the new database is being built and the inbox holds the upload
            assert (inbox / ".SRB.xlsx.previous").exists() and any(built.parent.glob(".warehouse.duckdb.building-*"))
            for child in children_of_this_process():
                os.kill(child, signal.SIGKILL)

    with upload_process.Workspace() as workspace:
        path = workspace.add("SRB.xlsx", workbook(tmp_path, "SRB.xlsx").read_bytes())
        with pytest.raises(upload_process.UploadFailed) as failure:
            workspace.load([path], progress=kill_the_child_once_it_writes, database=built)
    assert str(failure.value) == ("Loading SRB.xlsx stopped unexpectedly (signal 9): nothing was loaded and the "
                                  "previous database is unchanged. The server log has the details.")
    assert any(m.startswith("writing") for m in seen)
    assert snapshot(inbox) == inbox_before
    assert snapshot(built.parent) == database_before  # no new database, no part-built file
    assert list(server_temp.iterdir()) == []


def test_a_load_in_the_child_replaces_the_file_of_the_same_name(built, inbox, tmp_path, server_temp):
    progress = []
    uploaded = workbook(tmp_path, "SRB.xlsx").read_bytes()
    with upload_process.Workspace() as workspace:
        path = workspace.add("SRB.xlsx", uploaded)
        result = workspace.load([path], progress=progress.append, database=built)
    assert result == upload_process.LoadResult(rows_loaded=12, files=2, rows_rejected=0)
    assert progress[0] == "[1/2] reading SRB.xlsx"
    assert snapshot(inbox) == {"SRB.xlsx": hashlib.sha256(uploaded).hexdigest()}
    assert list(server_temp.iterdir()) == []


def test_two_uploads_load_one_after_the_other(built, inbox, tmp_path, server_temp):
    """While one upload's load holds the inbox, another waits: they never set aside the same file in turn."""
    progress, outcome = [], {}
    with upload_process.Workspace() as workspace:
        path = workspace.add("SRB.xlsx", workbook(tmp_path, "SRB.xlsx").read_bytes())
        with upload_process.inbox_turn() as turn:  # another upload is loading
            assert turn
            waiting = threading.Thread(target=lambda: outcome.update(result=workspace.load(
                [path], progress=progress.append, database=built)))
            waiting.start()
            deadline = time.monotonic() + 60
            while not progress and time.monotonic() < deadline:
                time.sleep(0.05)
            assert progress == ["waiting for another upload's load to finish"]
            assert snapshot(inbox) == {"SRB.xlsx": hashlib.sha256(b"the earlier upload").hexdigest()}
        waiting.join(timeout=120)
    assert outcome["result"].files == 2
    assert progress[1] == "[1/2] reading SRB.xlsx"


@pytest.mark.parametrize("text, shown", [
    ("/tmp/mm-upload-x/uploads/JAM.xlsx: no such file or folder", "JAM.xlsx: no such file or folder"),
    ("[Errno 21] Is a directory: '/srv/data/.warehouse.duckdb.lock'",
     "[Errno 21] Is a directory: '.warehouse.duckdb.lock'"),
    ("found '![x](http://evil.example/a.png)'", "found '![x](http://evil.example/a.png)'"),  # a URL is not a path
    ("2014/15 H1", "2014/15 H1"),
])
def test_messages_lose_their_folders(text, shown):
    assert without_folders(text) == shown


def test_a_known_folder_with_spaces_is_removed_too():
    assert without_folders("cannot open '/srv/My Data/inbox/SRB.xlsx'", (Path("/srv/My Data/inbox"),)) \
        == "cannot open 'SRB.xlsx'"


# --- Leftovers of a server that died -------------------------------------------------------------------

def left_by_a_dead_server(parent: Path, journal: dict | None = None, name: str = "mm-upload-dead") -> Path:
    """A folder as Workspace makes it (mkdtemp: this user's, open to nobody else) whose server died: nobody
    holds its lock. With the journal of a load that was under way, if given."""
    folder = parent / name
    folder.mkdir()
    folder.chmod(0o700)
    (folder / upload_process.OWNER_LOCK).write_text("")
    if journal is not None:
        (folder / upload_process.JOURNAL).write_text(json.dumps(journal))
    return folder


def test_folders_of_dead_servers_are_removed_and_a_live_servers_kept(tmp_path, server_temp):
    with upload_process.Workspace() as live:
        dead = left_by_a_dead_server(server_temp)
        (dead / "uploads").mkdir()
        (dead / "uploads" / "huge.xlsx").write_bytes(b"x")
        (dead / "tmp" / "tmpabc").mkdir(parents=True)
        (dead / "tmp" / "tmpabc" / "check.duckdb").write_bytes(b"x")
        starting = server_temp / "mm-upload-starting"  # no lock file yet: being created
        starting.mkdir()
        old = server_temp / "mm-upload-old"  # no lock file, two hours old: left by an earlier version
        old.mkdir(mode=0o700)
        os.utime(old, (old.stat().st_atime - 7200, old.stat().st_mtime - 7200))
        other = server_temp / "something-else"
        other.mkdir()
        assert sorted(upload_process.clean_leftovers()) == [dead, old]
        assert sorted(p.name for p in server_temp.iterdir()) == sorted([live.folder.name, "mm-upload-starting",
                                                                        "something-else"])
    assert sorted(p.name for p in server_temp.iterdir()) == ["mm-upload-starting", "something-else"]


def test_a_new_server_cleans_a_dead_servers_folders_at_its_first_page(server_temp, monkeypatch, sample_database,
                                                                      clear_streamlit_caches):
    dead = left_by_a_dead_server(server_temp)
    (dead / "uploads").mkdir()
    (dead / "uploads" / "huge.xlsx").write_bytes(b"x")
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(sample_database))
    AppTest.from_file(str(REPOSITORY / "dashboard.py"), default_timeout=60).run()  # the Overview, not Upload
    assert not dead.exists()


@pytest.fixture
def victim(tmp_path) -> Path:
    """A file of the server's user outside the inbox, which a planted journal names."""
    path = tmp_path / "victim" / "warehouse.duckdb"
    path.parent.mkdir()
    path.write_bytes(b"precious")
    return path


def journal_undoing(target: Path, database: Path, replaced: bool = False) -> dict:
    """The journal of a load that was under way: undoing it deletes `target`, or (`replaced`) moves the file
    set aside as `.<name>.previous` over it."""
    return {"database": str(database), "database_before": None,
            "entries": [{"target": str(target), "replaced": replaced, "sha256": "0" * 64}]}


@pytest.mark.parametrize("planted_by", ["another user", "a folder open to others", "a link to a folder"])
def test_a_folder_this_server_did_not_make_is_left_alone(built, inbox, tmp_path, server_temp, monkeypatch,
                                                         planted_by):
    """The temporary folder is shared: anyone can make a folder named mm-upload-* with a journal that has the
    server delete a file. Only folders as mkdtemp makes them for this user are cleaned."""
    journal = journal_undoing(inbox / "SRB.xlsx", built)
    if planted_by == "a link to a folder":
        planted = server_temp / "mm-upload-link"
        planted.symlink_to(left_by_a_dead_server(tmp_path, journal, name="elsewhere"), target_is_directory=True)
    else:
        planted = left_by_a_dead_server(server_temp, journal)
        if planted_by == "another user":
            uid = os.getuid()
            monkeypatch.setattr(os, "getuid", lambda: uid + 1)
        else:
            planted.chmod(0o755)
    assert upload_process.clean_leftovers() == []
    assert (planted / upload_process.JOURNAL).exists()
    assert snapshot(inbox) == {"SRB.xlsx": hashlib.sha256(b"the earlier upload").hexdigest()}


@pytest.mark.parametrize("case", ["a file elsewhere, another database", "a file elsewhere",
                                  "a file elsewhere, replaced", "a file elsewhere, through ..", "another database"])
def test_a_journal_naming_files_outside_the_inbox_or_another_database_is_refused(built, inbox, server_temp, victim,
                                                                                  caplog, case):
    """Even in a folder of this user's (written by a server with other settings, or by hand): the inbox is
    put back only when every file the journal names is in this server's inbox, and its database is this one."""
    elsewhere, through_parent = "a file elsewhere, another database", inbox / ".." / "victim" / "warehouse.duckdb"
    journal, reason = {
        elsewhere: (journal_undoing(victim, Path("/nonexistent/x.duckdb")), "names another database "
                                                                                    "(/nonexistent/x.duckdb)"),
        "a file elsewhere": (journal_undoing(victim, built), f"names a file outside the inbox ({victim})"),
        "a file elsewhere, replaced": (journal_undoing(victim, built, replaced=True),
                                       f"names a file outside the inbox ({victim})"),
        "a file elsewhere, through ..": (journal_undoing(through_parent, built),
                                         f"names a file outside the inbox ({through_parent})"),
        "another database": (journal_undoing(inbox / "SRB.xlsx", Path("/nonexistent/x.duckdb")),
                             "names another database (/nonexistent/x.duckdb)"),
    }[case]
    victim.with_name(".warehouse.duckdb.previous").write_bytes(b"the attacker's")
    planted = left_by_a_dead_server(server_temp, journal)
    with caplog.at_level(logging.INFO, logger="mm_dashboard"):
        assert upload_process.clean_leftovers() == []
    assert victim.read_bytes() == b"precious"
    assert snapshot(inbox) == {"SRB.xlsx": hashlib.sha256(b"the earlier upload").hexdigest()}
    assert (planted / upload_process.JOURNAL).exists()
    assert f"upload: {planted} was left alone: its journal {reason}" in caplog.messages


def test_a_dead_servers_load_is_settled_holding_the_databases_load_lock(built, inbox, tmp_path, server_temp,
                                                                         monkeypatch):
    """A load from the command line starting while the inbox is settled could read it half put back, and a
    new process could by then carry the dead child's number: the lock is held until both are done."""
    folder = left_by_a_dead_server(server_temp)
    upload.place_in_inbox([workbook(tmp_path, "SRB.xlsx")], built, journal=folder / upload_process.JOURNAL)
    (folder / "child-load.pid").write_text("4242")

    def load_lock_taken() -> bool:
        with open(built.with_name(f".{built.name}.lock"), "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            return False

    seen, settle, remove = [], upload.Placement.settle, upload_process.remove_building_files
    monkeypatch.setattr(upload.Placement, "settle",
                        lambda placement: seen.append(("settle", load_lock_taken())) or settle(placement))
    monkeypatch.setattr(upload_process, "remove_building_files",
                        lambda database, pid: seen.append(("remove", load_lock_taken())) or remove(database, pid))
    assert upload_process.clean_leftovers() == [folder]
    assert seen == [("settle", True), ("remove", True)]
    assert snapshot(inbox) == {"SRB.xlsx": hashlib.sha256(b"the earlier upload").hexdigest()}


def test_a_dead_servers_folder_waits_while_a_load_holds_the_database(built, inbox, tmp_path, server_temp):
    folder = left_by_a_dead_server(server_temp)
    upload.place_in_inbox([workbook(tmp_path, "SRB.xlsx")], built, journal=folder / upload_process.JOURNAL)
    with open(built.with_name(f".{built.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a load from the command line is running
        assert upload_process.clean_leftovers() == []
    assert (inbox / ".SRB.xlsx.previous").exists()
    assert upload_process.clean_leftovers() == [folder]
    assert snapshot(inbox) == {"SRB.xlsx": hashlib.sha256(b"the earlier upload").hexdigest()}


SERVER_DIES = """
import os, signal, sys
from pathlib import Path
from mm_core import upload, upload_process
workspace = upload_process.Workspace(Path(sys.argv[1]))
path = workspace.add("SRB.xlsx", Path(sys.argv[2]).read_bytes())
placement = upload.place_in_inbox([path], Path(sys.argv[3]), journal=workspace.folder / upload_process.JOURNAL)
if sys.argv[4] == "after the swap":
    upload.rebuild_with_uploads(placement.placed, Path(sys.argv[3]))
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("moment", ["during the load", "after the swap"])
def test_the_inbox_changes_of_a_server_that_died_are_undone_or_kept(built, inbox, tmp_path, server_temp, moment):
    """A server killed while its load ran: the next visit of the page puts the inbox back, unless the new
    database (which lists the upload's bytes) was already in place."""
    upload_file = workbook(tmp_path, "SRB.xlsx")
    database_before = snapshot(built.parent)
    died = subprocess.run([sys.executable, "-c", SERVER_DIES, str(server_temp), str(upload_file), str(built), moment],
                          cwd=REPOSITORY, env=dict(os.environ, PYTHONPATH=str(REPOSITORY)), capture_output=True)
    assert died.returncode == -signal.SIGKILL, died.stderr.decode()
    assert (inbox / ".SRB.xlsx.previous").exists() and len(list(server_temp.iterdir())) == 1
    assert len(upload_process.clean_leftovers()) == 1
    assert list(server_temp.iterdir()) == []
    if moment == "during the load":
        assert snapshot(inbox) == {"SRB.xlsx": hashlib.sha256(b"the earlier upload").hexdigest()}
        assert snapshot(built.parent) == database_before
    else:
        assert snapshot(inbox) == {"SRB.xlsx": hashlib.sha256(upload_file.read_bytes()).hexdigest()}


SERVER_KILLED_MID_LOAD = """
import os, signal, sys
from pathlib import Path
from mm_core import upload_process

def die(message):
    if message.startswith("writing"):  # the child is building the new database
        tasks = Path(f"/proc/{os.getpid()}/task").iterdir()
        children = [child for task in tasks for child in (task / "children").read_text().split()]
        Path(sys.argv[4]).write_text(" ".join(children))
        os.kill(os.getpid(), signal.SIGKILL)

with upload_process.Workspace(Path(sys.argv[1])) as workspace:
    path = workspace.add("SRB.xlsx", Path(sys.argv[2]).read_bytes())
    workspace.load([path], progress=die, database=Path(sys.argv[3]))
"""


def test_a_server_killed_mid_load_takes_its_child_along_and_the_next_visit_cleans_up(built, inbox, tmp_path,
                                                                                     server_temp):
    upload_file, children = workbook(tmp_path, "SRB.xlsx"), tmp_path / "children"
    inbox_before, database_before = snapshot(inbox), snapshot(built.parent)
    died = subprocess.run([sys.executable, "-c", SERVER_KILLED_MID_LOAD, str(server_temp), str(upload_file), str(built),
                           str(children)], cwd=REPOSITORY, env=dict(os.environ, PYTHONPATH=str(REPOSITORY)),
                          capture_output=True, timeout=120)
    assert died.returncode == -signal.SIGKILL, died.stderr.decode()
    child = int(children.read_text())
    deadline = time.monotonic() + 30
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:  # killed by the kernel with its parent
        time.sleep(0.1)
    assert not Path(f"/proc/{child}").exists()
    assert any(built.parent.glob(".warehouse.duckdb.building-*")) and (inbox / ".SRB.xlsx.previous").exists()
    assert len(upload_process.clean_leftovers()) == 1
    assert snapshot(inbox) == inbox_before
    assert snapshot(built.parent) == database_before
    assert list(server_temp.iterdir()) == []


# --- The page ------------------------------------------------------------------------------------------

def test_the_page_reports_a_workbook_that_crashes_the_reader_and_goes_on(sample_database, tmp_path, server_temp,
                                                                        monkeypatch, clear_streamlit_caches):
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(sample_database))
    monkeypatch.setenv(upload.INBOX_ENVIRONMENT_VARIABLE, str(tmp_path / "inbox"))
    app = AppTest.from_file(APP, default_timeout=120).run()
    app.switch_page("app_pages/upload.py").run()
    app.get("file_uploader")[0].upload("huge.xlsx", huge_range_workbook(tmp_path / "huge.xlsx").read_bytes()).run()
    assert not app.exception
    assert [e.value for e in app.error] == ["**This upload cannot be checked.** " + markdown_literal(
        f"Checking huge.xlsx needed more than 6,144 MB of memory (MM_UPLOAD_MAX_MEMORY_MB) and was stopped: "
        f"{NOTHING_LOADED}")]
    assert not app.get("button")  # nothing to load
    assert list(server_temp.iterdir()) == []
    app.switch_page("app_pages/overview.py").run()  # this process, the "server", goes on
    assert app.metric and not app.exception


def test_an_upload_whose_records_cannot_be_written_loads_nothing_and_says_so(
        built, inbox, tmp_path, server_temp, monkeypatch):
    """The rebuild reads the last load's files under the records' lock (an approval's): records that cannot be
    locked stop it before anything is loaded, and the inbox is as it was."""
    blocked = tmp_path / "records-here"
    blocked.write_text("a file where the records folder should be")
    monkeypatch.setenv("MM_RECORDS_DIR", str(blocked))
    uploaded = workbook(tmp_path, "SRB.xlsx").read_bytes()
    before, inbox_before = sha256_of(built), snapshot(inbox) if inbox.exists() else {}
    with upload_process.Workspace() as workspace:
        path = workspace.add("SRB.xlsx", uploaded)
        with pytest.raises(upload_process.UploadFailed) as raised:
            workspace.load([path], database=built)
    assert str(raised.value) == ("the records beside warehouse.duckdb cannot be locked (File exists): nothing was "
                                 "loaded")
    assert not raised.value.loaded
    assert sha256_of(built) == before
    assert (snapshot(inbox) if inbox.exists() else {}) == inbox_before


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
