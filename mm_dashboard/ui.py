"""Display blocks shared by pages: formatted numbers, KPI rows, explanations instead of stack traces."""

from __future__ import annotations

import math

import streamlit as st

from etl import DATABASE_ENVIRONMENT_VARIABLE

from . import db


def usd(amount: float | None) -> str:
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "—"
    return f"US$ {amount:,.0f}"


def percent(share: float | None, decimals: int = 1) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "—"
    return f"{share * 100:.{decimals}f}%"


def explain_missing_database(error: Exception) -> None:
    """What to do when there is nothing to show, then stop the page."""
    if isinstance(error, db.DatabaseMissing):
        st.warning(
            f"**No programme data loaded yet.** The dashboard looks for the database at `{error}`.\n\n"
            "Build it from the bundled sample with `make database`, or load your own workbooks with "
            "`python -m etl load path/to/workbooks/` (set `" + DATABASE_ENVIRONMENT_VARIABLE +
            "` to use another file).")
    else:
        st.error(f"**The database cannot be read.** {error}\n\nRebuild it with `make database` or "
                 "`python -m etl load …`; the dashboard will pick up the new file without a restart.")
    st.stop()
