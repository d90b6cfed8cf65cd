"""The one place that opens the warehouse: read-only, one consistent snapshot per script run, and a new
file picked up as soon as the ETL swaps it in.

- The ETL replaces the file with os.replace, so a new load is a new inode. A run opens the file once
  (os.open), reads the version (inode, mtime, size) from that open descriptor, and ATTACHes exactly
  that inode through /proc/self/fd: the version and the content cannot disagree, even when a load
  lands in between.
- Every query of one run uses that snapshot (`begin_run` in dashboard.py starts a new one), so a page
  never shows part old data, part new.
- A snapshot also holds the day its statuses are judged as of (the warehouse's view `reporting_date`: the
  load's --as-of, else the day it is read), and results are cached per file version *and* that day
  (`Snapshot.key`): a dashboard left open past midnight judges "overdue" and the latest started period as of
  the new day, not the day its cache was filled.
- The status roll-ups (JUDGED_VIEWS: every result, indicator and SDG target judged for every period and scope;
  every country's inception; who owes what each period) are worked out once per connection and day, into
  tables of an in-memory database attached beside the warehouse (JUDGED), which each cursor searches first: a
  filter change reads them instead of rolling up the whole programme again. They are the views' own rows,
  taken in one transaction with the day they were judged as of. A roll-up that cannot be taken (or a view the
  file lacks) is not held, and is read from the warehouse's view as before. The search path makes JUDGED a
  cursor's default database: nothing in the dashboard writes, and the warehouse itself stays read-only.
  A run that crosses midnight may read one roll-up as of either day (another session may take them again
  meanwhile); what it caches is under the day it started with, which no later run asks for.
- Connections are cached per version; old ones are dropped once newer ones replace them, and any
  query still running on one finishes on the file it started with.
- The file is opened by etl.warehouse.open_read_only, the one function that opens the warehouse for reading. A
  file built by another version of the ETL (etl/schema.py `outdated`) is not read: WarehouseOutdated says so.
- Which file: the Board's (etl.database_path()), or the preview built with pending submissions
  (etl.records.preview_path()) for an editor who chose it (session state PREVIEW_CHOICE, the sidebar toggle
  of dashboard.py). The role is checked here, by `may_preview` (set by auth.py, which this module cannot
  import: auth reads the warehouse through it), not only by the widget: a session of anyone else, whatever its
  state says, reads the Board's warehouse.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import streamlit as st

from etl import database_path, records, schema
from etl.warehouse import CATALOG, Version, open_read_only, reading_warehouse, version_of

_run = threading.local()
SnapshotKey = tuple[Version, "dt.date | None"]  # Snapshot.key: a file's version and the day of its statuses
PREVIEW_CHOICE = "preview_pending"  # session state: the editor's choice to read the preview warehouse
may_preview: Callable[[], bool] = lambda: False  # whether this session's user may read it: auth.py sets it
JUDGED = "judged"  # the in-memory database beside the warehouse holding JUDGED_VIEWS as of one day
JUDGED_VIEWS = ("indicator_progress", "result_status", "sdg_target_status",  # roll-ups over the whole programme
                "inception_milestones", "country_inception", "reporting_due")  # and who owes what, read on most pages
_judging: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection -> the lock of its JUDGED
_judging_lock = threading.Lock()


class DatabaseMissing(Exception):
    """There is no database file yet at the configured path."""


class DatabaseUnusable(Exception):
    """The file exists but is not a warehouse this dashboard can read."""


class WarehouseOutdated(DatabaseUnusable):
    """The warehouse was built by another version of the ETL: its tables and views are not those this version
    reads (etl/schema.py). `file`: its name; `preview`: the preview warehouse, built again on the Submissions
    page, rather than the Board's."""

    def __init__(self, file: str, preview: bool = False):
        super().__init__(schema.outdated_words(file))
        self.file, self.preview = file, preview

    def __reduce__(self):  # copied or pickled from its file, not from its message
        return type(self), (self.file, self.preview)


class ProgrammeMismatch(DatabaseUnusable):
    """The warehouse was built with another programme file than the one $MM_PROGRAMME chooses (or that file
    cannot be read)."""


@dataclass(frozen=True)
class Snapshot:
    version: Version
    connection: duckdb.DuckDBPyConnection
    preview: bool = False  # read from the preview warehouse (pending submissions included), not the Board's
    as_of: dt.date | None = None  # the day statuses are judged as of in this run (view reporting_date)

    @property
    def key(self) -> SnapshotKey:
        """What a result read from this snapshot depends on: the file's version and the day its statuses are
        judged as of. Caches of results are keyed on it."""
        return self.version, self.as_of


def preview_available() -> bool:
    """A preview warehouse exists beside the Board's."""
    return records.preview_path(database_path()).exists()


def reads_preview() -> bool:
    """This session reads the preview: its user may (an editor), chose to, and a preview exists."""
    return bool(st.session_state.get(PREVIEW_CHOICE)) and may_preview() and preview_available()


def warehouse_path(preview: bool | None = None) -> Path:
    """The file this session reads (`preview` None: as `reads_preview` decides): the preview for an editor who
    chose it, else the Board's."""
    preview = reads_preview() if preview is None else preview
    return records.preview_path(database_path()) if preview else Path(database_path())


@st.cache_resource(max_entries=4, show_spinner=False)  # the Board's and the preview, each across one reload
def _attach(path: str, version: Version, _descriptor: int) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the file open on `_descriptor` (whose version is `version`)."""
    by_descriptor = f"/proc/self/fd/{_descriptor}"
    connection = open_reading(by_descriptor if os.path.exists(by_descriptor) else path)
    if schema.outdated(connection):  # not cached: the next run tries again, and a new load is a new version
        connection.close()
        raise WarehouseOutdated(Path(path).name)
    return connection


def open_reading(source: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse at `source`, with JUDGED beside it (settled by `judge`)."""
    connection = open_read_only(source)
    try:
        connection.execute("ATTACH ':memory:' AS " + JUDGED)
        connection.execute("CREATE TABLE " + JUDGED + ".judged_as_of (as_of DATE)")  # the day it was settled for
    except BaseException:
        connection.close()
        raise
    return connection


def _open_snapshot() -> Snapshot:
    preview = reads_preview()
    path = warehouse_path(preview)
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise DatabaseMissing(str(path)) from None
    try:
        version = version_of(os.fstat(descriptor))
        connection = _attach(str(path), version, descriptor)
    except WarehouseOutdated as outdated:
        raise WarehouseOutdated(outdated.file, preview) from None
    except duckdb.Error as error:
        raise DatabaseUnusable(f"{path}: {error}") from None
    finally:
        os.close(descriptor)
    return Snapshot(version, connection, preview, judge(connection, path))


def judge(connection: duckdb.DuckDBPyConnection, path: Path) -> dt.date:
    """The day the warehouse's statuses are judged as of, now (its load's --as-of, else today by DuckDB's
    current_date, the views' own clock), with JUDGED settled for that day: JUDGED_VIEWS taken into it when it
    was settled for another, by one run at a time per connection."""
    reading = connection.cursor()
    try:
        as_of, settled = _settled(reading)
    except duckdb.CatalogException as error:  # no such view: not a warehouse of this ETL
        raise not_a_warehouse(path, error) from None
    finally:
        reading.close()
    if settled:
        return as_of
    with _judging_lock:
        lock = _judging.setdefault(connection, threading.Lock())
    with lock:
        return _take(connection, path)


def _take(connection: duckdb.DuckDBPyConnection, path: Path) -> dt.date:
    """JUDGED_VIEWS taken into JUDGED, and the day they are judged as of, in one transaction (current_date is
    its start's), unless another run has just done it. If they cannot be (a view failing, memory), none is
    held: each is read from the warehouse's view, as without JUDGED."""
    judging = connection.cursor()
    try:
        judging.execute("BEGIN TRANSACTION")
        as_of, settled = _settled(judging)
        if settled:
            judging.execute("COMMIT")
            return as_of
        try:
            present = {name for (name,) in judging.execute(
                "SELECT view_name FROM duckdb_views() WHERE database_name = ?", [CATALOG]).fetchall()}
            for view in (view for view in JUDGED_VIEWS if view in present):
                judging.execute(f"CREATE OR REPLACE TABLE {JUDGED}.{view} AS SELECT * FROM {CATALOG}.{view}")
        except duckdb.Error:
            judging.execute("ROLLBACK")
            judging.execute("BEGIN TRANSACTION")
            for view in JUDGED_VIEWS:  # none held: yesterday's would be read otherwise
                judging.execute(f"DROP TABLE IF EXISTS {JUDGED}.{view}")
        judging.execute("DELETE FROM " + JUDGED + ".judged_as_of")
        judging.execute("INSERT INTO " + JUDGED + ".judged_as_of VALUES (?)", [as_of])  # not tried again today
        judging.execute("COMMIT")
        return as_of
    except duckdb.Error as error:
        raise DatabaseUnusable(f"{path}: {error}") from None
    finally:
        judging.close()  # a transaction not committed is rolled back


def _settled(reading: duckdb.DuckDBPyConnection) -> tuple[dt.date, bool]:
    """The day the warehouse's statuses are judged as of, now, and whether JUDGED is settled for that day."""
    as_of = reading.execute("SELECT as_of_date FROM " + CATALOG + ".reporting_date").fetchone()[0]
    return as_of, reading.execute("SELECT as_of FROM " + JUDGED + ".judged_as_of").fetchall() == [(as_of,)]


def not_a_warehouse(path: Path | str, error: BaseException) -> DatabaseUnusable:
    """The error of a file without the warehouse's views or tables: not built by this ETL."""
    return DatabaseUnusable(f"{path} is not a programme warehouse ({error})")


def begin_run() -> None:
    """Forget the previous run's snapshot; the next query of this run opens the current file."""
    _run.snapshot = None


def snapshot() -> Snapshot:
    """This run's snapshot of the warehouse (opened on first use)."""
    current = getattr(_run, "snapshot", None)
    if current is None:
        current = _open_snapshot()
        _run.snapshot = current
    return current


def cursor(connection: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor per query: DuckDB connections are not shared between threads (one per session). It reads the
    status roll-ups from JUDGED, and everything else (and any roll-up not held there) from the warehouse."""
    reading = reading_warehouse((connection or snapshot().connection).cursor())
    reading.execute("SET search_path = '" + JUDGED + ".main," + CATALOG + ".main'")
    return reading
