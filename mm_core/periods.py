"""Period choices shared by the dashboard's filter and the board pack (no Streamlit here).

A choice is a half-year ('2016/17 H2') or a programme year ('Year 2016/17', February to January).
"""

from __future__ import annotations

import pandas as pd

from etl.reference import programme_year_label

YEAR_PREFIX = "Year "


def year_option(programme_year: int) -> str:
    return YEAR_PREFIX + programme_year_label(programme_year)


def options(period_table: pd.DataFrame) -> list[str]:
    """Every half-year, each programme year after its two halves."""
    choices = []
    for year, rows in period_table.groupby("programme_year", sort=True):
        choices.extend(rows["period"])
        choices.append(year_option(int(year)))
    return choices


def resolve(option: str, period_table: pd.DataFrame) -> tuple[str, int]:
    """(half-year shown for indicators, programme year shown for money) for a choice. A programme year
    shows its last half-year that had started by the as-of date. Raises ValueError for an unknown choice."""
    option = option.strip()
    if option.startswith(YEAR_PREFIX):
        year_text = option[len(YEAR_PREFIX):len(YEAR_PREFIX) + 4]
        rows = period_table[period_table["programme_year"] == int(year_text)] if year_text.isdigit() else \
            period_table[:0]
        if rows.empty or option != year_option(int(year_text)) and option != f"{YEAR_PREFIX}{year_text}":
            raise ValueError(_unknown(option, period_table))
        started = rows[rows["has_started"]]
        chosen = started if len(started) else rows
        return str(chosen["period"].iloc[-1]), int(year_text)
    rows = period_table[period_table["period"] == option]
    if rows.empty:
        raise ValueError(_unknown(option, period_table))
    return option, int(rows["programme_year"].iloc[0])


def _unknown(option: str, period_table: pd.DataFrame) -> str:
    years = [year_option(int(y)) for y in sorted(period_table["programme_year"].unique())]
    return (f"unknown period '{option}': choose a half-year (" + ", ".join(period_table["period"])
            + ") or a programme year (" + ", ".join(years) + ")")
