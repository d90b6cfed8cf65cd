"""Cached access to the query functions, keyed on the database version (so a new load is seen at once) and the
day its statuses are judged as of (db.Snapshot.key)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

import duckdb
import streamlit as st

from etl.programme import PROGRAMME_ENVIRONMENT_VARIABLE, Programme, ProgrammeError, check_built_with, read_programme
from mm_core import changes, cross_checks, queries, rounds

from . import db


QUERY_MODULES = {module.__name__: module for module in (queries, cross_checks, rounds, changes)}  # the query functions' homes


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(query_name: str, key: db.SnapshotKey, arguments: tuple,
            _connection: duckdb.DuckDBPyConnection, module: str = queries.__name__) -> Any:
    query: Callable[..., Any] = getattr(QUERY_MODULES[module], query_name)
    try:
        return query(db.cursor(_connection), *arguments)
    except duckdb.CatalogException as error:  # a missing view means this file is not a warehouse
        raise db.not_a_warehouse(db.warehouse_path(), error) from None


def load(query: Callable[..., Any], *arguments: Any) -> Any:
    """The query's result (a DataFrame, or the Programme) on this run's snapshot of the warehouse."""
    snapshot = db.snapshot()
    return _cached(query.__name__, snapshot.key, arguments, snapshot.connection, query.__module__)


def programme() -> Programme:
    """The programme the warehouse was built with: every programme fact a page names comes from it."""
    return load(queries.programme)


def title() -> str:
    """The dashboard's title: the programme's (from the warehouse), or a plain one without a usable warehouse."""
    try:
        return f"{programme().title} — Results Dashboard"
    except (db.DatabaseMissing, db.DatabaseUnusable):
        return "Results Dashboard"


@st.cache_data(show_spinner=False, max_entries=4)
def _chosen_programme(path: str, stamp: int) -> Programme:
    """The programme file at `path`, read again when it changes (`stamp`: its modification time)."""
    return read_programme(Path(path))


def check_programme() -> None:
    """With $MM_PROGRAMME set, the warehouse must have been built with that very file: otherwise its figures
    would be shown under another programme's facts. Raises db.ProgrammeMismatch saying which files differ."""
    chosen = os.environ.get(PROGRAMME_ENVIRONMENT_VARIABLE)
    if not chosen:
        return
    try:
        try:
            stamp = os.stat(chosen).st_mtime_ns
        except OSError:
            stamp = 0  # read_programme says why it cannot be read
        check_built_with(programme(), _chosen_programme(chosen, stamp), db.database_path())
    except ProgrammeError as error:
        raise db.ProgrammeMismatch(str(error)) from None
