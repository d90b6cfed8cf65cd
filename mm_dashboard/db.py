"""The one place that opens the warehouse: read-only, one consistent snapshot per script run, and a new
file picked up as soon as the ETL swaps it in.

- The ETL replaces the file with os.replace, so a new load is a new inode. A run opens the file once
  (os.open), reads the version (inode, mtime, size) from that open descriptor, and ATTACHes exactly
  that inode through /proc/self/fd: the version and the content cannot disagree, even when a load
  lands in between.
- Every query of one run uses that snapshot (`begin_run` in dashboard.py starts a new one), so a page
  never shows part old data, part new.
- Connections are cached per version; old ones are dropped once newer ones replace them, and any
  query still running on one finishes on the file it started with.
- The file is opened by etl.warehouse.open_read_only, the one function that opens the warehouse for reading.
- Which file: the Board's (etl.database_path()), or the preview built with pending submissions
  (etl.records.preview_path()) for an editor who chose it (session state PREVIEW_CHOICE, the sidebar toggle
  of dashboard.py). The role is checked here, by `may_preview` (set by auth.py, which this module cannot
  import: auth reads the warehouse through it), not only by the widget: a session of anyone else, whatever its
  state says, reads the Board's warehouse.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import duckdb
import streamlit as st

from etl import database_path, records
from etl.warehouse import Version, open_read_only, reading_warehouse, version_of

_run = threading.local()
PREVIEW_CHOICE = "preview_pending"  # session state: the editor's choice to read the preview warehouse
may_preview: Callable[[], bool] = lambda: False  # whether this session's user may read it: auth.py sets it


class DatabaseMissing(Exception):
    """There is no database file yet at the configured path."""


class DatabaseUnusable(Exception):
    """The file exists but is not a warehouse this dashboard can read."""


class ProgrammeMismatch(DatabaseUnusable):
    """The warehouse was built with another programme file than the one $MM_PROGRAMME chooses (or that file
    cannot be read)."""


@dataclass(frozen=True)
class Snapshot:
    version: Version
    connection: duckdb.DuckDBPyConnection
    preview: bool = False  # read from the preview warehouse (pending submissions included), not the Board's


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
    source = by_descriptor if os.path.exists(by_descriptor) else path
    return open_read_only(source)


def _open_snapshot() -> Snapshot:
    preview = reads_preview()
    path = warehouse_path(preview)
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise DatabaseMissing(str(path)) from None
    try:
        version = version_of(os.fstat(descriptor))
        return Snapshot(version, _attach(str(path), version, descriptor), preview)
    except duckdb.Error as error:
        raise DatabaseUnusable(f"{path}: {error}") from None
    finally:
        os.close(descriptor)


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
    """A cursor per query: DuckDB connections are not shared between threads (one per session)."""
    return reading_warehouse((connection or snapshot().connection).cursor())
