"""Query functions: a DuckDB cursor and parameters in, a DataFrame out. No Streamlit here.

Every value from a widget is passed as a parameter; SQL text is constant.
"""

from __future__ import annotations

import duckdb
import pandas as pd

Cursor = duckdb.DuckDBPyConnection


def data_info(cursor: Cursor) -> pd.DataFrame:
    """One row: the as-of date, when the data was loaded, how many files, rows loaded and rejected."""
    return cursor.execute("""
        SELECT (SELECT as_of_date FROM reporting_date) AS as_of_date,
               max(loaded_at) AS loaded_at, count(*) AS files,
               coalesce(sum(rows_loaded), 0) AS rows_loaded, coalesce(sum(rows_rejected), 0) AS rows_rejected
        FROM load_log""").df()


def current_period(cursor: Cursor) -> pd.DataFrame:
    """The reporting period in which the as-of date falls (or the last one before it)."""
    return cursor.execute("""
        SELECT period, period_start, period_end FROM periods
        WHERE period_start <= (SELECT as_of_date FROM reporting_date)
        ORDER BY period_start DESC LIMIT 1""").df()


def indicator_status_counts(cursor: Cursor, period: str) -> pd.DataFrame:
    return cursor.execute("""
        SELECT status, count(*) AS indicators FROM indicator_progress WHERE period = ?
        GROUP BY status""", [period]).df()


def indicator_status_by_country(cursor: Cursor, period: str) -> pd.DataFrame:
    return cursor.execute("""
        SELECT coalesce(any_value(c.name), p.country) AS country,
               count(*) FILTER (WHERE status = 'on track') AS on_track,
               count(*) FILTER (WHERE status = 'at risk') AS at_risk,
               count(*) FILTER (WHERE status = 'off track') AS off_track,
               count(*) FILTER (WHERE status = 'no data') AS no_data
        FROM indicator_progress p LEFT JOIN countries c ON c.iso3 = p.country
        WHERE period = ?
        GROUP BY p.country ORDER BY (p.country = 'GLOBAL'), 1""", [period]).df()


def activity_counts(cursor: Cursor) -> pd.DataFrame:
    return cursor.execute("""
        SELECT count(*) AS activities,
               count(*) FILTER (WHERE status = 'completed') AS completed,
               count(*) FILTER (WHERE status = 'delayed') AS delayed,
               count(*) FILTER (WHERE is_overdue) AS overdue
        FROM activity_status""").df()


def finance_totals(cursor: Cursor) -> pd.DataFrame:
    return cursor.execute("""
        SELECT sum(budget_usd) AS budget_usd, sum(received_usd) AS received_usd,
               sum(expenditure_usd) AS expenditure_usd
        FROM finance_summary""").df()


def inception_summary(cursor: Cursor) -> pd.DataFrame:
    return cursor.execute("""
        SELECT count(*) FILTER (WHERE inception_complete) AS complete, count(*) AS countries
        FROM country_inception""").df()
