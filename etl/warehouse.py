"""The one way to open the warehouse for reading: the dashboard (mm_dashboard/db.py caches it), the board pack,
the Upload page's checks and the IATI export all open the file here.

It lives in etl, the lowest layer, because the ETL both builds the file (etl/load.py) and exports it
(etl/export_iati.py), and every layer above may import etl.

The file is ATTACHed, read-only, to a fresh in-memory database rather than opened with
duckdb.connect(path): duckdb.connect reuses an instance already open on the same path in this process,
which would keep serving a file the ETL has since replaced (a load swaps in a new file with os.replace).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

CATALOG = "warehouse"
BEFORE, AFTER = "before", "after"  # the catalogs of open_two_read_only
# A file's version: (inode, modification time in ns, size). A load swaps in a new file, so a new inode.
Version = tuple[int, int, int]


def open_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse file at `path` (a plain path or /proc/self/fd/N), its tables
    and views reachable by their bare names. Raises duckdb.Error when the file is not a DuckDB database."""
    connection = duckdb.connect(":memory:")
    try:
        connection.execute("ATTACH ? AS " + CATALOG + " (READ_ONLY)", [str(path)])
        return reading_warehouse(connection)
    except BaseException:
        connection.close()
        raise


def open_two_read_only(before: Path | str, after: Path | str) -> duckdb.DuckDBPyConnection:
    """One in-memory connection with two warehouse files ATTACHed read-only as `before` and `after` (the same file
    may be both), to compare two builds in one query (etl/diff.py)."""
    connection = duckdb.connect(":memory:")
    try:
        connection.execute("ATTACH ? AS " + BEFORE + " (READ_ONLY)", [str(before)])
        connection.execute("ATTACH ? AS " + AFTER + " (READ_ONLY)", [str(after)])
        connection.execute("SET python_enable_replacements = false")
        return connection
    except BaseException:
        connection.close()
        raise


def reading_warehouse(cursor: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """`cursor` (a connection from open_read_only, or a cursor of one, which starts in the in-memory
    database) set to read the warehouse; returned for chaining."""
    cursor.execute("USE " + CATALOG)
    # A missing table must be an error, not a lookup of a Python variable of that name.
    cursor.execute("SET python_enable_replacements = false")
    return cursor


def version_of(status: os.stat_result) -> Version:
    """The version of a file from its stat (os.stat or os.fstat of an open descriptor)."""
    return (status.st_ino, status.st_mtime_ns, status.st_size)


def file_version(path: Path | str) -> Version | None:
    """The version of the file at `path`; None when there is none."""
    try:
        return version_of(os.stat(path))
    except FileNotFoundError:
        return None
