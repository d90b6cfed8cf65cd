"""Cached access to the query functions, keyed on the database version so a new load is seen at once."""

from __future__ import annotations

from typing import Any, Callable

import duckdb
import pandas as pd
import streamlit as st

from mm_core import queries

from . import db


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(query_name: str, version: db.Version, arguments: tuple,
            _connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    query: Callable[..., pd.DataFrame] = getattr(queries, query_name)
    try:
        return query(db.cursor(_connection), *arguments)
    except duckdb.CatalogException as error:  # a missing view means this file is not a warehouse
        raise db.DatabaseUnusable(f"{db.database_path()} is not a programme warehouse ({error})") from None


def load(query: Callable[..., pd.DataFrame], *arguments: Any) -> pd.DataFrame:
    """The query's result on this run's snapshot of the warehouse."""
    snapshot = db.snapshot()
    return _cached(query.__name__, snapshot.version, arguments, snapshot.connection)
