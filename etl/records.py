"""The records of reporting rounds: one SQLite file (schema: etl/sql/records.sql) beside the warehouse, holding
every submission received and its review, every warehouse built, and the audit trail; with the kept copies of
submitted files and of built warehouses in folders next to it.

Why SQLite and not DuckDB: the records are small rows written one at a time by several processes (the
dashboard's sessions, the upload worker, the command line), and DuckDB lets one process at a time open a file
for writing. SQLite, in Python's standard library, locks per write. The warehouse itself stays DuckDB.

Where: `$MM_RECORDS_DIR` when set, else `<warehouse folder>/<warehouse name>.records/` (for
data/warehouse.duckdb: data/warehouse.records/), so a test's warehouse in a temporary folder has its own; the
preview warehouse (`preview_path`) shares its board warehouse's records.
This module is the one place that opens the records.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import os
import sqlite3
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from typing import Callable, Iterator

from . import database_path

RECORDS_ENVIRONMENT_VARIABLE = "MM_RECORDS_DIR"
SCHEMA = Path(__file__).parent / "sql" / "records.sql"
LEDGER_NAME = "records.sqlite"
BUSY_TIMEOUT_SECONDS = 30
PREVIEW_TAG = ".preview"  # data/warehouse.duckdb -> data/warehouse.preview.duckdb


def records_dir(database: Path | None = None) -> Path:
    configured = os.environ.get(RECORDS_ENVIRONMENT_VARIABLE)
    if configured:
        return Path(configured)
    database = Path(database or database_path())
    board = database.stem.removesuffix(PREVIEW_TAG)  # a preview's records are its board warehouse's
    return database.with_name(f"{board}.records")


def submissions_dir(database: Path | None = None) -> Path:
    """Where each received file is kept, as `<id>/<safe name>`: never overwritten, never deleted."""
    return records_dir(database) / "submissions"


def builds_dir(database: Path | None = None) -> Path:
    """Where each built warehouse is kept, as `<load id>.duckdb` (retention: etl/history.py)."""
    return records_dir(database) / "builds"


def preview_path(database: Path | None = None) -> Path:
    """The preview warehouse beside the board's: built from approved and pending submissions, for the PMU."""
    database = Path(database or database_path())
    return database.with_name(f"{database.stem}{PREVIEW_TAG}{database.suffix}")


def now() -> str:
    """The time records are written with: UTC, to the second, ISO 8601."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def system_user() -> str:
    """Who acts from the command line: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "command line"


@contextmanager
def connect(database: Path | None = None) -> Iterator[sqlite3.Connection]:
    """The records of the warehouse `database` (default: the configured one), created if absent. One
    transaction: committed when the block ends normally, rolled back on an exception."""
    folder = records_dir(database)
    folder.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(folder / LEDGER_NAME, timeout=BUSY_TIMEOUT_SECONDS)) as connection:
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys = ON")
        connection.executescript(SCHEMA.read_text(encoding="utf-8"))
        with connection:  # commit or roll back
            yield connection


@contextmanager
def exclusive(database: Path | None = None, waiting: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Held by whatever changes a submission's state or rebuilds from the submissions (approve, return, start a
    review, submit an answer, build the preview), for the whole of it: the states it checked are still true when
    it writes them, and the inputs it chose are those of the build that lands. Others wait (an approval's rebuild
    takes about a minute at most), `waiting` called once before they do."""
    folder = records_dir(database)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "rounds.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def exclusive_for_load(database: Path, progress: Callable[[str], None] = lambda message: None) -> Iterator[None]:
    """`exclusive`, for a load that reads the last load's files (a reload, an upload's rebuild), saying through
    `progress` when it waits for it: records that cannot be locked (a file where their folder should be, a
    read-only share) stop it before anything is loaded, said as a failed load (LoadFailed), not as the OSError.
    Errors inside are left as they are."""
    from .errors import LoadFailed

    def waiting() -> None:
        progress(f"Waiting for an approval or another load of {Path(database).name} to finish (it holds the "
                 "records' lock) …")

    held = ExitStack()
    try:
        held.enter_context(exclusive(database, waiting))
    except OSError as error:
        raise LoadFailed(f"the records beside {Path(database).name} cannot be locked "
                         f"({error.strerror or type(error).__name__}): nothing was loaded") from None
    with held:
        yield


def audit(connection: sqlite3.Connection, actor: str, action: str, object_: str, detail: str = "") -> None:
    """One line of the audit trail, in the caller's transaction: the code that acts writes it as it acts."""
    connection.execute("INSERT INTO audit (at, actor, action, object, detail) VALUES (?, ?, ?, ?, ?)",
                       [now(), actor, action, object_, detail])
