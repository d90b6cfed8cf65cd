"""Period choices shared by the dashboard's filter and the board pack (no Streamlit here).

A choice is a reporting period ('2016/17 H2') or a programme year ('Year 2016/17'). The periods and the
years' labels come from the warehouse's periods table (queries.periods), which the ETL writes from the
programme's calendar.
"""

from __future__ import annotations

import pandas as pd

from etl.programme import REPORTING

from . import wording

YEAR_PREFIX = "Year "
RHYTHM = {count: rhythm for rhythm, count in REPORTING.items()}  # periods per year -> half-year, quarter, year


def coming(period_table: pd.DataFrame) -> dict[str, str]:
    """Each period not started by the as-of date, with what it is after its name (wording.not_started: 'starts on
    1 August 2017, after the as-of date: nothing of it is due yet'): the dashboard's pages and the board pack say
    it where a period's statuses would otherwise read as not reported."""
    return {row.period: wording.not_started(row.period_start)
            for row in period_table[~period_table["has_started"]].itertuples()}


def period_kind(period_table: pd.DataFrame) -> str:
    """What one period is: half-year, quarter or year (from the periods of a year in the table)."""
    return RHYTHM.get(int(period_table["half"].max()), "period") if len(period_table) else "period"


def year_label(period_table: pd.DataFrame, programme_year: int) -> str:
    """The label of a programme year ('2016/17', or '2020' for a calendar year), from the periods table; the
    year's number for a year the table does not have."""
    labels = period_table.loc[period_table["programme_year"] == programme_year, "year_label"]
    return str(labels.iloc[0]) if len(labels) else str(programme_year)


def year_labels(period_table: pd.DataFrame) -> dict[int, str]:
    """Every programme year of the table by its label: {2016: '2016/17'}."""
    years = period_table.drop_duplicates("programme_year")
    return {int(year): str(label) for year, label in zip(years["programme_year"], years["year_label"])}


def year_option(period_table: pd.DataFrame, programme_year: int) -> str:
    return YEAR_PREFIX + year_label(period_table, programme_year)


def options(period_table: pd.DataFrame) -> list[str]:
    """Every reporting period, each programme year after its periods."""
    choices = []
    for year, rows in period_table.groupby("programme_year", sort=True):
        choices.extend(rows["period"])
        choices.append(YEAR_PREFIX + str(rows["year_label"].iloc[0]))
    return choices


def resolve(option: str, period_table: pd.DataFrame) -> tuple[str, int]:
    """(period shown for indicators, programme year shown for money) for a choice. A programme year shows its
    last period that had started by the as-of date. A year is named by its label ('Year 2016/17') or the
    calendar year it starts in ('Year 2016'). Raises ValueError for an unknown choice."""
    option = option.strip()
    if option.startswith(YEAR_PREFIX):
        name = option[len(YEAR_PREFIX):]
        rows = period_table[(period_table["year_label"].astype(str) == name)
                            | (period_table["programme_year"].astype(str) == name)]
        if rows.empty:
            raise ValueError(_unknown(option, period_table))
        started = rows[rows["has_started"]]
        chosen = started if len(started) else rows
        return str(chosen["period"].iloc[-1]), int(rows["programme_year"].iloc[0])
    rows = period_table[period_table["period"] == option]
    if rows.empty:
        raise ValueError(_unknown(option, period_table))
    return option, int(rows["programme_year"].iloc[0])


def _unknown(option: str, period_table: pd.DataFrame) -> str:
    years = [year_option(period_table, int(y)) for y in sorted(period_table["programme_year"].unique())]
    return (f"unknown period '{option}': choose a {period_kind(period_table)} (" + ", ".join(period_table["period"])
            + ") or a programme year (" + ", ".join(years) + ")")
