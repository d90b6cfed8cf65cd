"""Reporting rounds: one per reporting period of the programme's calendar (the warehouse's `periods` table),
named by the period's label. A round opens when its period ends; what it expects from whom (the programme
file's [reporting], as the warehouse holds it: `expected`), its deadline (`deadline`), what arrived (the
records' submissions, read through etl.records: `submissions`), the tracker of each expected country × sheet
kind with its state and days late (`tracker`) and the reminder text for an e-mail (`reminders`) (issue 16).

Days late are counted to the warehouse's as-of date, the same 'today' as every status of the dashboard."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd

from etl import records, spec


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


# --- What a round expects, by when, and what arrived --------------------------------------------------------
GLOBAL, GLOBAL_NAME = "GLOBAL", "Global level"  # the global team, as the workbooks and the tables name it
NOT_RECEIVED = "not received"  # a cell no submission of the round covers (statuses.csv, family 'submission')
APPROVED = "approved"
ACTION_NEEDED = (NOT_RECEIVED, "returned")  # what a reminder asks a country office for
TRACKER_COLUMNS = ["country", "country_name", "kind", "state", "submission", "submitted_at", "submitted_by",
                   "days_late"]


def expected(cursor: duckdb.DuckDBPyConnection, round_label: str) -> pd.DataFrame:
    """What the round expects (the programme file's [reporting], as the warehouse holds it): each country of the
    round's phase × each of `expected`, then GLOBAL × each of `global_expected`. Columns country, country_name,
    kind, in that order (countries by name, the global level last; kinds in the file's order). Empty for a
    round that is not a period of the warehouse."""
    return cursor.execute("""
        SELECT d.country, coalesce(c.name, $global_name) AS country_name, d.kind
        FROM reporting_due d LEFT JOIN countries c ON c.iso3 = d.country
        WHERE d.period = $round
        ORDER BY d.country = 'GLOBAL', country_name, d.ordinal""",
        {"round": round_label, "global_name": GLOBAL_NAME}).df()


def deadline(cursor: duckdb.DuckDBPyConnection, round_label: str) -> dt.date | None:
    """The day a round's files are due: its period's end plus the programme's `deadline_days`; None for a round
    that is not a period of the warehouse."""
    row = cursor.execute("""
        SELECT p.period_end + (SELECT deadline_days FROM programme) * INTERVAL 1 DAY
        FROM periods p WHERE p.period = $round""", {"round": round_label}).fetchone()
    return pd.Timestamp(row[0]).date() if row else None


def submissions(round_label: str, database: Path | None = None) -> pd.DataFrame:
    """The records' submissions of a round (every state, replaced and returned ones too), oldest first: id,
    countries and kinds (JSON lists), state, submitted_at, submitted_by. `database`: the Board's warehouse
    (default: the configured one), whose records these are — never the preview's path."""
    with records.connect(database) as connection:
        rows = connection.execute(
            "SELECT id, countries, kinds, state, submitted_at, submitted_by FROM submissions WHERE round = ? "
            "ORDER BY submitted_at, id", [round_label]).fetchall()
    return pd.DataFrame([tuple(row) for row in rows],
                        columns=["id", "countries", "kinds", "state", "submitted_at", "submitted_by"])


def tracker(cursor: duckdb.DuckDBPyConnection, submitted: pd.DataFrame, round_label: str,
            as_of: dt.date) -> pd.DataFrame:
    """Per expected country × kind of the round, the state of the newest submission of the round (in
    `submitted`, as `submissions` gives them) whose countries and kinds cover it — 'not received' when none —
    with that submission's id, time and sender, and the days late: days from the deadline to `as_of` (the
    warehouse's as-of date) for a cell not yet approved (0 before the deadline), empty for an approved one."""
    cells = expected(cursor, round_label)
    newest: dict[tuple[str, str], tuple] = {}
    ordered = submitted.sort_values(["submitted_at", "id"]) if len(submitted) else submitted
    for row in ordered.itertuples(index=False):
        for country in json.loads(row.countries):
            for kind in json.loads(row.kinds):
                newest[(country, kind)] = (row.state, int(row.id), row.submitted_at, row.submitted_by)
    due = deadline(cursor, round_label)
    late = max(0, (as_of - due).days) if due else 0
    found = [newest.get((country, kind), (NOT_RECEIVED, None, None, None))
             for country, kind in zip(cells["country"], cells["kind"])]
    table = cells.assign(state=[f[0] for f in found], submission=pd.array([f[1] for f in found], dtype="Int64"),
                         submitted_at=pd.to_datetime(pd.Series([f[2] for f in found], dtype="object"), utc=True),
                         submitted_by=pd.array([f[3] for f in found], dtype="string"))
    table["days_late"] = pd.array([None if state == APPROVED else late for state in table["state"]], dtype="Int64")
    return table[TRACKER_COLUMNS]


def kind_title(kind: str) -> str:
    """A sheet kind as the templates title its sheet ('workplan' -> 'Work plan')."""
    sheet = spec.ALL_SHEETS_BY_KIND.get(kind)
    return sheet.title if sheet else kind


def reminders(table: pd.DataFrame) -> str:
    """Plain text for an e-mail: one line per country with something not received or returned, naming what
    and how many days late (countries in the tracker's order)."""
    lines = []
    wanted = table[table["state"].isin(ACTION_NEEDED)]
    for country, cells in wanted.groupby("country", sort=False):
        parts = [f"{state}: {', '.join(kind_title(kind) for kind in cells.loc[cells['state'] == state, 'kind'])}"
                 for state in ACTION_NEEDED if (cells["state"] == state).any()]
        days = int(cells["days_late"].max())
        late = f"{days} day{'s' if days != 1 else ''} late" if days else "not yet late"
        lines.append(f"{cells['country_name'].iloc[0]} ({country}): {'; '.join(parts)} — {late}")
    return "\n".join(lines)
