"""The programme's ratios, defined once: the pages and the board pack show these, and divide nothing themselves.

Money comes from queries.finance_totals / finance_by / finance_by_year (US dollars); a ratio whose whole is
zero is not a number to show (None, or NaN in a column), never a division error. The per-line delivery
rate of the finance_summary view is the same rule, rounded there for its table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd


def share(part: float, whole: float) -> float | None:
    """part ÷ whole; None when the whole is zero."""
    return float(part) / float(whole) if whole else None


def shares(part: pd.Series, whole: pd.Series) -> pd.Series:
    """part ÷ whole for each row; NaN where the whole is zero."""
    return part / whole.where(whole != 0)


def year_delivery(totals: Mapping[str, Any]) -> float | None:
    """Spent ÷ budget in the programme year (a row of queries.finance_totals)."""
    return share(totals["expenditure_usd"], totals["budget_usd"])


def year_spent_of_received(totals: Mapping[str, Any]) -> float | None:
    """Spent ÷ funds received in the programme year (a row of queries.finance_totals)."""
    return share(totals["expenditure_usd"], totals["received_usd"])


def phase_delivery(totals: Mapping[str, Any]) -> float | None:
    """Spent ÷ budget over the phases to date (a row of queries.finance_totals)."""
    return share(totals["phase_expenditure_usd"], totals["phase_budget_usd"])


def delivery_rates(money: pd.DataFrame, prefix: str = "") -> pd.Series:
    """Spent ÷ budget for each row of a money table (columns <prefix>expenditure_usd, <prefix>budget_usd)."""
    return shares(money[f"{prefix}expenditure_usd"], money[f"{prefix}budget_usd"])


def inception_share(inception: Mapping[str, Any]) -> float | None:
    """Countries whose inception was complete in year 1 ÷ programme countries judged (a row of
    queries.inception_summary: every programme country, those that sent no milestone row counted as not complete,
    whenever the programme file declares inception milestones)."""
    return share(inception["complete"], inception["countries"])


def delays(counts: Mapping[str, Any]) -> str:
    """How 'delayed or overdue' splits (a row of queries.activity_counts), so that the overview's one figure, the
    work plan's two and the needs-attention list's overdue count read as the same facts: '20 with the status
    delayed, 32 past their planned end (19 both)'."""
    delayed, overdue, either = (int(counts[k]) for k in ("delayed", "overdue", "delayed_or_overdue"))
    both = delayed + overdue - either
    return (f"{delayed} with the status delayed, {overdue} past their planned end and neither completed nor "
            f"cancelled" + (f" ({both} both)" if both else ""))
