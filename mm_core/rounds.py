"""Reporting rounds: one per reporting period of the programme's calendar (the warehouse's `periods` table),
named by the period's label. A round opens when its period ends; what is expected from whom, its deadline and
the tracker of what arrived are built on these (issue 16)."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def round_labels(period_table: pd.DataFrame) -> list[str]:
    """Every round, oldest first: the periods of `queries.periods`, in their order."""
    return period_table.sort_values("period_start")["period"].tolist()


def current_round(period_table: pd.DataFrame, as_of: dt.date) -> str | None:
    """The round being collected on `as_of`: the last period that ended on or before it (its reports are
    due); the first period when none has ended yet; None when there are no periods."""
    if period_table.empty:
        return None
    ordered = period_table.sort_values("period_start")
    ended = ordered[pd.to_datetime(ordered["period_end"]).dt.date <= as_of]
    return str((ended if not ended.empty else ordered.head(1))["period"].iloc[-1])
