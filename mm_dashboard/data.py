"""Cached access to the query functions, keyed on the database version so a new load is seen at once."""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd
import streamlit as st

from . import db, queries


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(query_name: str, version: tuple[int, int, int], arguments: tuple) -> pd.DataFrame:
    query: Callable[..., pd.DataFrame] = getattr(queries, query_name)
    try:
        return query(db.cursor(), *arguments)
    except Exception as error:  # a missing view means this file is not a warehouse
        if "does not exist" in str(error):
            raise db.DatabaseUnusable(f"{db.database_path()} is not a programme warehouse ({error})") from None
        raise


def load(query: Callable[..., pd.DataFrame], *arguments: Any) -> pd.DataFrame:
    version = db.database_version()
    if version is None:
        raise db.DatabaseMissing(str(db.database_path()))
    return _cached(query.__name__, version, arguments)
