"""The Upload page's check and load, each run in a child process with a memory and a time limit.

A workbook can make a reader abort (a sheet claiming cell XFD1048576 asks for 512 GiB), use up memory or
never finish; in the server that would stop the dashboard for every user. So the page's work runs in
`python -m mm_core.upload_worker` (a fresh interpreter, not a fork of the threaded server), which
limits its own memory to $MM_UPLOAD_MAX_MEMORY_MB and is killed, with its process group, after
$MM_UPLOAD_MAX_SECONDS. Its failure becomes a one-line message (UploadFailed) naming the files; paths and
tracebacks go to the server log (logger "mm_dashboard") only.

Every file of an upload lives in one folder this process owns (`Workspace`: the uploads, the child's
TMPDIR with its scratch database, its standard error, the journal of a load's changes to the inbox). The
folder is removed on every way out; the inbox is put back by this process when the child dies mid-load.
If the server itself dies, `clean_leftovers` (run when the page is opened) removes its folders and undoes
its inbox changes: a folder is its owner's while the owner holds a lock on it, so the folder of a live
server is never touched. The folders stay in the shared temporary folder, where mkdtemp makes each one
private (this user's, mode 0700) under a name nobody else can take; so clean_leftovers touches only such
folders (not links, not other users'), and acts on a journal only when every file it names is in this
server's inbox and its database is this server's. (A private parent folder would need the same checks and
could be squatted by another user under its fixed name.)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import queue
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, MutableMapping

import pandas as pd

from etl import REPOSITORY, database_path
from etl.load import building_path, lock_path, remove_building
from etl.settings import positive_setting

from . import upload
from .safety import without_folders

LOG = logging.getLogger("mm_dashboard")

MEMORY_VARIABLE = "MM_UPLOAD_MAX_MEMORY_MB"
# Measured (2 cores, shared): a check of the bundled sample peaks at 2.5 GB of address space (200 MB
# resident: DuckDB and the reader threads reserve far more than they touch); a check or load of the
# benchmark's portfolio (1.07 million rows: six workbooks, or a 67 MB CSV) at 2.7 GB (580 MB / 1 GB
# resident) and takes 14-26 s. The defaults leave twice that memory and twenty times that time.
DEFAULT_MEMORY_MB = 6144
SECONDS_VARIABLE = "MM_UPLOAD_MAX_SECONDS"
DEFAULT_SECONDS = 600.0
FOLDER_PREFIX = "mm-upload-"
OWNER_LOCK = "owner.lock"
JOURNAL = "inbox-journal.json"
UNLOCKED_FOLDER_AGE = 3600  # seconds: a folder without its lock is being created, or was left by old code
# Problems and warnings a check sends to the server, each (the counts are of all of them): a file with a
# million bad rows must not make the server hold, and the page send, a table of a million problems.
LISTED_AT_MOST = 10_000
REMEMBERED_CHECK = "upload_check"  # in the session's state: (upload.check_key, upload.Check)
NOTHING_LOADED = "nothing was loaded and the previous database is unchanged"
# What a child that ran out of memory leaves on its standard error when it could not say so itself.
OUT_OF_MEMORY = re.compile(r"(?i)memory allocation|MemoryError|bad_alloc|out of memory|"
                           r"cannot allocate memory|failed to map segment|can.t start new thread")
MEMORY_KINDS = {"MemoryError", "OutOfMemoryException", "ArrowMemoryError"}
Progress = Callable[[str], None]
# A fresh interpreter (not a fork of the threaded server); the request file's path is added.
WORKER = (sys.executable, "-m", "mm_core.upload_worker")
# What the child does, as the messages name it: check uploads, load them with the inbox (the Upload page), or
# build a warehouse from exactly the files given (mm_core/submissions.py).
ACTIONS = {"check": "Checking", "load": "Loading", "build": "Building the warehouse from"}


@dataclass(frozen=True)
class Limits:
    memory_mb: int
    seconds: float


def limits() -> Limits:
    """The child's limits, from the environment (a value that is not a positive number: the default)."""
    return Limits(positive_setting(MEMORY_VARIABLE, DEFAULT_MEMORY_MB),
                  positive_setting(SECONDS_VARIABLE, DEFAULT_SECONDS))


class UploadFailed(Exception):
    """The check or load did not finish, or the ETL refused the files. str(): one line for the page.
    `loaded`: the load's process died, but only after its new database was in place."""

    def __init__(self, message: str, loaded: bool = False):
        super().__init__(message)
        self.loaded = loaded


class ChildFailed(Exception):
    """The child did not finish. str(): what was done and how it ended ("Checking a.xlsx took longer than 5 s
    (MM_UPLOAD_MAX_SECONDS) and was stopped"), to which the caller adds what it means for the database."""

    def __init__(self, message: str, details_in_log: bool):
        super().__init__(message)
        self.details_in_log = details_in_log

    def told(self, consequence: str, loaded: bool = False) -> UploadFailed:
        details = " The server log has the details." if self.details_in_log else ""
        return UploadFailed(f"{self}: {consequence}.{details}", loaded)


@dataclass(frozen=True)
class LoadResult:
    rows_loaded: int
    files: int
    rows_rejected: int


class Workspace:
    """A folder owned by this process for one run of the page: `add` the uploads, then `check` and `load`
    them. Leaving the `with` block removes the folder, whatever happened."""

    def __init__(self, root: Path | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX, dir=root))
        # The lock is taken on a file under another name, then renamed: `owner.lock` is never unlocked
        # while its owner lives, so clean_leftovers cannot take the folder of a server starting up.
        self._lock = open(self.folder / f".{OWNER_LOCK}", "w")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        os.rename(self.folder / f".{OWNER_LOCK}", self.folder / OWNER_LOCK)
        (self.folder / "uploads").mkdir()

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exception) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self._lock.close()

    def add(self, name: str, content: bytes) -> Path:
        path = self.folder / "uploads" / name
        try:
            path.write_bytes(content)
        except OSError as error:  # a full disk: the page says so without the folder's path
            LOG.exception("upload: could not store %s", path)
            raise UploadFailed(f"{name} could not be stored on the server ({type(error).__name__}): "
                               f"{NOTHING_LOADED}. The server log has the details.") from None
        return path

    def check(self, paths: list[Path], database: Path | None = None) -> upload.Check:
        """upload.check_files in a child process. Raises UploadFailed when the child does not finish."""
        try:
            answer = self._run("check", paths, database or database_path(), lambda message: None)
        except ChildFailed as failure:
            raise failure.told(NOTHING_LOADED) from None
        if "error" in answer:
            LOG.warning("upload check refused the files: %s", answer["error"])  # with its paths
            return upload.Check(unreadable=self.without_folders(answer["error"]))
        return decode_check(answer["result"], self.without_folders)

    def load(self, paths: list[Path], progress: Progress = lambda message: None,
             database: Path | None = None, actor: str | None = None) -> LoadResult:
        """Put the uploads in the inbox (here, journaled), rebuild the warehouse in a child process (recorded as
        built by `actor`), then keep the inbox or put it back. Raises UploadFailed; then nothing was loaded."""
        database = database or database_path()
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(inbox_turn(progress))
            except OSError as error:
                raise _inbox_failed(paths, error) from None
            return self._place_and_load(paths, progress, database, actor)

    def _place_and_load(self, paths: list[Path], progress: Progress, database: Path,
                        actor: str | None = None) -> LoadResult:
        try:
            placement = upload.place_in_inbox(paths, database, journal=self.folder / JOURNAL)
        except OSError as error:  # the inbox cannot be written: it was put back as it was
            raise _inbox_failed(paths, error) from None
        try:
            answer = self._run("load", placement.placed, database,
                               lambda message: progress(self.without_folders(message, database)), {"actor": actor})
        except ChildFailed as failure:
            if placement.settle():  # the child died just after swapping in the new database: it is loaded
                raise failure.told("the new database had just been put in place, so the upload is loaded",
                                   loaded=True) from None
            raise failure.told(NOTHING_LOADED) from None
        except BaseException:  # the page was left or rerun mid-load: the child was stopped
            placement.settle()
            raise
        if "error" in answer and answer.get("loaded"):  # loaded, but the records could not be written
            LOG.error("upload loaded, but: %s", answer["error"])
            placement.commit()
            raise UploadFailed(self.without_folders(answer["error"], database), loaded=True)
        if "error" in answer:
            LOG.warning("upload load refused the files: %s", answer["error"])  # with its paths
            placement.restore()
            raise UploadFailed(self.without_folders(answer["error"], database))
        placement.commit()
        result = answer["result"]
        return LoadResult(result["rows_loaded"], result["files"], result["rows_rejected"])

    def build(self, paths: list[Path], database: Path, as_of, actor: str, kind: str,
              progress: Progress = lambda message: None) -> LoadResult:
        """Build `database` from exactly these files (no inbox, no earlier inputs) in a child process, as of
        `as_of`, recorded as built by `actor` (kind 'board' or 'preview'). Raises UploadFailed; then the
        previous database is untouched."""
        request = {"as_of": as_of.isoformat() if as_of else None, "actor": actor, "kind": kind}
        try:
            answer = self._run("build", paths, database,
                               lambda message: progress(self.without_folders(message, database)), request)
        except ChildFailed as failure:
            raise failure.told(NOTHING_LOADED) from None
        if "error" in answer:
            LOG.warning("build of %s refused the files: %s", database, answer["error"])  # with its paths
            raise UploadFailed(self.without_folders(answer["error"], database))
        result = answer["result"]
        return LoadResult(result["rows_loaded"], result["files"], result["rows_rejected"])

    def without_folders(self, text: str, database: Path | None = None) -> str:
        known = (self.folder, upload.inbox_dir(), (database or database_path()).parent, Path(tempfile.gettempdir()))
        return without_folders(text, tuple(folder.absolute() for folder in known))

    def _run(self, action: str, paths: list[Path], database: Path, progress: Progress,
             request: dict | None = None) -> dict:
        what = f"{ACTIONS[action]} {_names(paths)}"
        try:
            child = Child(self.folder, action, paths, database, limits(), request)
        except (OSError, RuntimeError) as error:  # no process or thread to be had, or a full disk
            LOG.error("upload: could not start the %s process", action, exc_info=error)
            raise ChildFailed(f"{what} could not start ({type(error).__name__})", True) from None
        started = time.monotonic()
        try:
            answer = child.run(progress)
        finally:
            child.stop()
        seconds = time.monotonic() - started
        if answer is not None and "failure" not in answer:
            LOG.info("upload %s of %d file(s): %.1f s, peak %s MB resident, %s MB address space", action, len(paths),
                     seconds, answer.get("peak_rss_mb"), answer.get("peak_address_space_mb"))
            return answer
        failure = child.failure(what, answer)
        LOG.error("upload %s of %s failed after %.1f s: %s\nthe child's standard error:\n%s", action,
                  [str(p) for p in paths], seconds, failure, child.error_output())
        raise failure


def decode_check(result: dict, without_folders: Callable[[str], str] = lambda text: text) -> upload.Check:
    """The upload.Check a child sent (upload_worker.encode_check)."""
    def frame(name: str) -> pd.DataFrame:
        return pd.DataFrame(result[name]["rows"], columns=result[name]["columns"])
    return upload.Check(result["rows_by_table"], frame("problems"), frame("warnings"),
                        result["unreadable"] and without_folders(result["unreadable"]),
                        result["rows_rejected"], result["problem_count"], result["warning_count"],
                        countries=frame("countries"), kinds=frame("kinds"))


def check_uploads(uploads: list[upload.Upload], remembered: MutableMapping, database: Path | None = None
                  ) -> upload.Check:
    """The check of these uploads (Workspace.check), or the one kept in `remembered` (the session's state)
    when nothing it read has changed (upload.check_key): a rerun of the page, pressing Load or changing a
    filter, shows it again instead of starting a child to check again. Raises UploadFailed; a check that
    did not finish is not kept, so the next run tries again."""
    database = database or database_path()
    key = upload.check_key(uploads, database)
    kept = remembered.get(REMEMBERED_CHECK)
    if key is not None and kept is not None and kept[0] == key:
        return kept[1]
    remembered.pop(REMEMBERED_CHECK, None)
    with Workspace() as workspace:
        check = workspace.check([workspace.add(chosen.stored_name, chosen.content) for chosen in uploads], database)
    remembered[REMEMBERED_CHECK] = (key, check)
    return check


def _inbox_failed(paths: list[Path], error: OSError) -> UploadFailed:
    LOG.error("upload: could not place %s in the inbox", [str(p) for p in paths], exc_info=error)
    return UploadFailed(f"Loading {_names(paths)} failed: the files could not be put in the inbox "
                        f"({type(error).__name__}): {NOTHING_LOADED}. The server log has the details.")


@contextlib.contextmanager
def inbox_turn(progress: Progress = lambda message: None, wait: bool = True) -> Iterator[bool]:
    """One upload's load at a time per inbox: two must not set aside and put back the same file in turn.
    Without `wait`, yields False at once when another holds the turn."""
    inbox = upload.inbox_dir()
    inbox.mkdir(parents=True, exist_ok=True)
    with open(inbox.with_name(f".{inbox.name}.lock"), "a") as lock:  # beside the inbox, as the database's
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                yield False
                return
            progress("waiting for another upload's load to finish")
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield True


def _names(paths: list[Path], shown: int = 3) -> str:
    names = [path.name for path in paths]
    if len(names) <= shown:
        return ", ".join(names)
    return f"{len(names)} files ({', '.join(names[:shown])}, …)"


class Child:
    """One run of mm_core.upload_worker, and what became of it."""

    def __init__(self, folder: Path, action: str, paths: list[Path], database: Path, limits: Limits,
                 request: dict | None = None):
        self.limits, self.timed_out = limits, False
        self.database = database
        scratch = folder / "tmp"
        scratch.mkdir(exist_ok=True)
        asked = folder / f"request-{action}.json"
        asked.write_text(json.dumps({**(request or {}), "action": action, "paths": [str(p) for p in paths],
                                     "database": str(database), "memory_bytes": limits.memory_mb * 1024 * 1024,
                                     "parent": os.getpid(), "listed_at_most": LISTED_AT_MOST}))
        self.stderr_path = folder / f"stderr-{action}.log"
        environment = dict(os.environ, TMPDIR=str(scratch),
                           PYTHONPATH=os.pathsep.join(filter(None, [str(REPOSITORY), os.environ.get("PYTHONPATH")])))
        with open(self.stderr_path, "wb") as stderr:
            # start_new_session: the child leads its own process group, which is killed as a whole
            self.process = subprocess.Popen([*WORKER, str(asked)],
                                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
                                            cwd=REPOSITORY, env=environment, start_new_session=True)
        self.lines: queue.Queue = queue.Queue()
        self.reader: threading.Thread | None = None
        try:
            # its number, for whoever cleans up after this server if it dies: the files a load leaves carry it
            (folder / f"child-{action}.pid").write_text(str(self.process.pid))
            reader = threading.Thread(target=self._read, daemon=True)
            reader.start()  # RuntimeError when the server has no thread left to give
            self.reader = reader
        except BaseException:  # the child runs, but nobody would read or stop it (a load could swap in a
            self.stop()        # database after the caller put the inbox back): stop it before saying so
            raise

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def run(self, progress: Progress) -> dict | None:
        """Pass progress on (in the calling thread: Streamlit's), and return the child's last word, or
        None when it ended without one or ran out of time."""
        deadline = time.monotonic() + self.limits.seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.timed_out = True
                return None
            try:
                line = self.lines.get(timeout=min(remaining, 1.0))
            except queue.Empty:
                continue
            if line is None:
                return None
            try:
                message = json.loads(line)
            except ValueError:  # a line cut short: the child was killed while writing it
                return None
            if not isinstance(message, dict):
                return None
            if "progress" not in message:
                return message
            progress(message["progress"])

    def stop(self) -> None:
        """Kill the child and its process group unless it has ended; remove what a killed load leaves
        beside the database (the ETL's next load would, but the folder is the parent's to keep clean)."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        if self.reader is not None:
            self.reader.join(timeout=10)
        self.process.stdout.close()
        if self.process.returncode != 0:
            remove_building_files(self.database, self.process.pid)

    def error_output(self, limit: int = 20_000) -> str:
        try:
            text = self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""
        return text[-limit:]

    def failure(self, what: str, answer: dict | None) -> ChildFailed:
        """What the child needed, or how it ended."""
        kind = (answer or {}).get("failure")
        code = self.process.returncode
        if self.timed_out:
            return ChildFailed(f"{what} took longer than {self.limits.seconds:g} s ({SECONDS_VARIABLE}) "
                               "and was stopped", False)
        if kind in MEMORY_KINDS or OUT_OF_MEMORY.search(self.error_output()):
            return ChildFailed(f"{what} needed more than {self.limits.memory_mb:,} MB of memory ({MEMORY_VARIABLE}) "
                               "and was stopped", False)
        if kind:
            return ChildFailed(f"{what} failed unexpectedly ({kind})", True)
        if code is not None and code < 0:
            return ChildFailed(f"{what} stopped unexpectedly (signal {-code})", True)
        return ChildFailed(f"{what} stopped unexpectedly (exit status {code})", True)


def remove_building_files(database: Path, pid: int) -> None:
    """What a load killed by a signal leaves beside the database: its part-built file (named after the
    process), its write-ahead log and DuckDB's spill folder."""
    remove_building(building_path(database, pid))


def clean_leftovers(root: Path | None = None) -> list[Path]:
    """Remove the upload folders of servers that died (their lock is free), after undoing the inbox
    changes of a load that was under way. Returns the folders removed."""
    removed = []
    for folder in Path(root or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            if _made_by_this_user(folder) and _clean_folder(folder):
                removed.append(folder)
        except Exception:  # a damaged journal, say: logged, and the page still opens
            LOG.exception("upload: could not clean %s", folder)
    return removed


def _made_by_this_user(folder: Path) -> bool:
    """A folder as mkdtemp makes one for this server's user: a real folder (not a link to one), this user's,
    open to nobody else. The temporary folder is shared: anyone can make a folder named like ours, with a
    journal telling us what to delete; other users' folders are theirs to clean."""
    try:
        status = os.lstat(folder)
    except FileNotFoundError:
        return False
    return (stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid()
            and stat.S_IMODE(status.st_mode) == 0o700)


def _clean_folder(folder: Path) -> bool:
    owner_lock = folder / OWNER_LOCK
    try:
        lock = open(owner_lock, "r")
    except FileNotFoundError:
        try:
            old = time.time() - folder.stat().st_mtime > UNLOCKED_FOLDER_AGE
        except FileNotFoundError:
            return False
        if old:
            shutil.rmtree(folder, ignore_errors=True)
        return old
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its server is alive
        journal = folder / JOURNAL
        if journal.exists() and not _settle_journal(journal):
            return False
        shutil.rmtree(folder, ignore_errors=True)
    return True


def _settle_journal(journal: Path) -> bool:
    """Keep or undo the inbox changes of a load whose server died, holding the inbox's turn and the
    database's load lock (the one etl.load.exclusive_load takes) so that no load runs meanwhile. False when
    either is taken: another upload is loading, or a child that outlived its server still is; the folder
    then waits for the next visit."""
    placement = upload.Placement.from_journal(journal)
    refused = _distrusted(placement)
    if refused:
        LOG.warning("upload: %s was left alone: its journal %s", journal.parent, refused)
        return False
    with inbox_turn(wait=False) as turn, load_lock(placement.database) as no_load:
        if not (turn and no_load):
            return False
        kept = placement.settle()
        child = journal.with_name("child-load.pid")
        if child.exists():
            remove_building_files(placement.database, int(child.read_text()))
    LOG.warning("upload: a server died during a load of %s; its changes to the inbox were %s",
                [str(p) for p in placement.placed], "kept (the load had finished)" if kept else "undone")
    return True


def _distrusted(placement: upload.Placement) -> str | None:
    """Why a journal must not be acted on, or None: undoing it deletes or replaces the files it names, so
    every one must be in this server's inbox, and the database whose load it settles must be this one."""
    if placement.database.resolve() != database_path().resolve():
        return f"names another database ({placement.database})"
    inbox = upload.inbox_dir().resolve()
    for target in placement.placed:
        if any(path.parent.resolve() != inbox for path in (target, upload.aside(target))):
            return f"names a file outside the inbox ({target})"
    return None


@contextlib.contextmanager
def load_lock(database: Path) -> Iterator[bool]:
    """The database's load lock, held for the `with` block (so no load starts meanwhile), or False at once
    when a load holds it."""
    database.parent.mkdir(parents=True, exist_ok=True)  # as a load would
    with open(lock_path(database), "a") as lock:  # the lock a load of this database takes
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
