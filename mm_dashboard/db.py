"""The one place that opens the warehouse: a read-only DuckDB connection, reopened when the file is replaced.

The ETL swaps a new database in with os.replace, which gives the path a new inode; the connection
cache is keyed on (inode, mtime, size), so the next query after a load reads the new file while
queries already running finish on the old one.

The file is ATTACHed to a fresh in-memory database rather than opened with duckdb.connect(path):
duckdb.connect reuses an instance already open on the same path in this process, which would keep
serving the replaced file.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import streamlit as st

from etl import database_path


class DatabaseMissing(Exception):
    """There is no database file yet at the configured path."""


class DatabaseUnusable(Exception):
    """The file exists but is not a warehouse this dashboard can read."""


def database_version(path: Path | None = None) -> tuple[int, int, int] | None:
    path = path or database_path()
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


SCHEMA = "warehouse"


def _sql_string(text: str) -> str:
    """A SQL string literal. Used only for the configured database path, never for user input."""
    return "'" + text.replace("'", "''") + "'"


@st.cache_resource(max_entries=2, show_spinner=False)
def _open(path: str, version: tuple[int, int, int]) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect(":memory:")
    connection.execute("ATTACH " + _sql_string(path) + " AS " + SCHEMA + " (READ_ONLY)")
    return connection


def connection() -> duckdb.DuckDBPyConnection:
    path = database_path()
    version = database_version(path)
    if version is None:
        raise DatabaseMissing(str(path))
    try:
        return _open(str(path), version)
    except duckdb.Error as error:
        raise DatabaseUnusable(f"{path}: {error}") from None


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor per query: DuckDB connections are not shared between threads (one per session)."""
    cursor = connection().cursor()
    cursor.execute("USE " + SCHEMA)
    # A missing table must be an error, not a lookup of a Python variable of that name.
    cursor.execute("SET python_enable_replacements = false")
    return cursor
