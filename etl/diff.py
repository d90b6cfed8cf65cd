"""What changed between two builds of the warehouse: indicators whose status changed, values restated for
periods already reported, activities added, removed, re-planned or newly overdue, money changed by line, and
new rejections. `python -m etl diff`, the What changed page (mm_core/changes.py) and the board pack's "Changes
since the last pack" section all read `compare`.

Both warehouses are ATTACHed read-only to one in-memory database (etl.warehouse.open_two_read_only) as `before`
and `after`; every query is constant text. Who submitted a restated value comes from the records: the value's
source file, its SHA-256 in the `after` warehouse's load log, the submission with that SHA-256 (etl/records.py);
when no submission has it, the build's own `built_by` ('loaded by …').
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import database_path, history, records
from .warehouse import open_two_read_only

# (a) Per indicator and country, the status the dashboard shows (indicator_progress) in the latest period that
# has one other than 'no data', in each build; listed where it differs.
STATUS_CHANGES = """
WITH before_latest AS (
    SELECT indicator_code, country, arg_max(status, period_start) AS status, arg_max(period, period_start) AS period,
           any_value(indicator_title) AS title
    FROM before.indicator_progress WHERE status <> 'no data' GROUP BY ALL
), after_latest AS (
    SELECT indicator_code, country, arg_max(status, period_start) AS status, arg_max(period, period_start) AS period,
           any_value(indicator_title) AS title
    FROM after.indicator_progress WHERE status <> 'no data' GROUP BY ALL
)
SELECT coalesce(a.indicator_code, b.indicator_code) AS "Indicator", coalesce(a.title, b.title) AS "Title",
       coalesce(a.country, b.country) AS "Country",
       coalesce(b.status, 'no data') AS "Status before", b.period AS "Period before",
       coalesce(a.status, 'no data') AS "Status now", a.period AS "Period now"
FROM after_latest a FULL JOIN before_latest b USING (indicator_code, country)
WHERE a.status IS DISTINCT FROM b.status
ORDER BY "Indicator", "Country"
"""

# (b) Baseline, target or actual of a period row the `before` build had, given there and different now: changed,
# or gone (its row is no longer in the warehouse: 'Now' is empty, the file and row are the ones it came from).
RESTATED = """
WITH pairs AS (
    SELECT indicator_code, country, period, p.period_start, coalesce(a.source_file, b.source_file) AS source_file,
           coalesce(a.source_sheet, b.source_sheet) AS source_sheet,
           coalesce(a.source_row, b.source_row) AS source_row,
           [('baseline', b.baseline, a.baseline), ('target', b.target, a.target),
            ('actual', b.actual, a.actual)] AS fields
    FROM before.results b
    LEFT JOIN after.results a USING (indicator_code, country, period)
    JOIN before.periods p USING (period)
), unnested AS (
    SELECT * EXCLUDE (fields), unnest(fields) AS field FROM pairs
)
SELECT indicator_code AS "Indicator", country AS "Country", period AS "Period", field[1] AS "Field",
       field[2] AS "Before", field[3] AS "Now", source_file AS "Source file", source_sheet AS "Sheet",
       source_row AS "Row", l.sha256
FROM unnested
LEFT JOIN (SELECT file, any_value(sha256) AS sha256 FROM after.load_log GROUP BY file) l ON l.file = source_file
WHERE field[2] IS NOT NULL AND field[2] IS DISTINCT FROM field[3]
ORDER BY "Indicator", "Country", period_start, "Field"
"""

# (c) Activities by their key (country, activity code).
ACTIVITIES = """
WITH joined AS (
    SELECT coalesce(a.country, b.country) AS country, coalesce(a.activity_code, b.activity_code) AS activity_code,
           coalesce(a.activity_title, b.activity_title) AS title, a.country IS NULL AS removed,
           b.country IS NULL AS added,
           (a.planned_start IS DISTINCT FROM b.planned_start OR a.planned_end IS DISTINCT FROM b.planned_end)
               AS replanned,
           coalesce(a.is_overdue, false) AND NOT coalesce(b.is_overdue, false) AS newly_overdue,
           b.planned_start AS start_before, b.planned_end AS end_before, a.planned_start AS start_now,
           a.planned_end AS end_now, coalesce(a.status, b.status) AS status
    FROM after.activity_status a
    FULL JOIN before.activity_status b ON a.country = b.country AND a.activity_code = b.activity_code
)
SELECT CASE WHEN added THEN 'added' WHEN removed THEN 'removed' WHEN replanned AND newly_overdue
            THEN 're-planned, newly overdue' WHEN replanned THEN 're-planned' ELSE 'newly overdue' END AS "Change",
       activity_code AS "Activity", title AS "Title", country AS "Country",
       start_before AS "Planned start before", end_before AS "Planned end before",
       start_now AS "Planned start now", end_now AS "Planned end now", status AS "Status"
FROM joined
WHERE added OR removed OR replanned OR newly_overdue
ORDER BY "Country", "Activity"
"""

# (d) Expenditure lines by their key (country, output, agency, programme year, line), amounts in USD.
MONEY = """
SELECT CASE WHEN b.country IS NULL THEN 'added' WHEN a.country IS NULL THEN 'removed' ELSE 'changed' END
           AS "Change",
       coalesce(a.country, b.country) AS "Country", coalesce(a.output_code, b.output_code) AS "Output",
       coalesce(a.agency, b.agency) AS "Agency", coalesce(a.programme_year, b.programme_year) AS "Programme year",
       coalesce(a.line, b.line) AS "Line",
       b.budget_usd AS "Budget before (USD)", a.budget_usd AS "Budget now (USD)",
       b.received_usd AS "Received before (USD)", a.received_usd AS "Received now (USD)",
       b.expenditure_usd AS "Spent before (USD)", a.expenditure_usd AS "Spent now (USD)",
       coalesce(a.source_file, b.source_file) AS "Source file"
FROM after.expenditure a
FULL JOIN before.expenditure b
    ON a.country = b.country AND a.output_code = b.output_code AND a.agency = b.agency
   AND a.programme_year = b.programme_year AND a.line IS NOT DISTINCT FROM b.line
WHERE a.country IS NULL OR b.country IS NULL OR a.budget_usd IS DISTINCT FROM b.budget_usd
   OR a.received_usd IS DISTINCT FROM b.received_usd OR a.expenditure_usd IS DISTINCT FROM b.expenditure_usd
ORDER BY ALL
"""

# (e) Rejected rows' problems in `after` that `before` did not have.
REJECTIONS = """
SELECT file AS "File", sheet AS "Sheet", "row" AS "Row", "column" AS "Column", message AS "Problem"
FROM (SELECT file, sheet, "row", "column", message FROM after.rejected_rows
      EXCEPT SELECT file, sheet, "row", "column", message FROM before.rejected_rows)
ORDER BY "File", "Sheet", "Row", "Column"
"""

SUBMITTERS = "SELECT sha256, submitted_by FROM submissions WHERE sha256 = ? ORDER BY submitted_at DESC, id DESC"
BEFORE_IDENTITY = "SELECT name, value FROM before.settings WHERE name IN ('load_id', 'built_by')"
AFTER_IDENTITY = "SELECT name, value FROM after.settings WHERE name IN ('load_id', 'built_by')"


@dataclass(frozen=True)
class Section:
    title: str
    frame: pd.DataFrame
    empty: str  # what an empty section says


@dataclass
class Changes:
    """What changed from the build `from_id` to the build `to_id`, one DataFrame per section, columns in words."""

    from_id: str
    to_id: str
    statuses: pd.DataFrame
    restated: pd.DataFrame
    activities: pd.DataFrame
    money: pd.DataFrame
    rejections: pd.DataFrame

    def sections(self) -> list[Section]:
        return [
            Section("Indicators whose status changed", self.statuses, "No indicator changed status."),
            Section("Values restated for periods already reported", self.restated,
                    "No baseline, target or actual already reported was changed."),
            Section("Activities added, removed, re-planned or newly overdue", self.activities,
                    "No activity was added, removed, re-planned or became overdue."),
            Section("Money changed by line", self.money, "No expenditure line changed."),
            Section("New rejections", self.rejections, "No row was rejected that was not rejected before."),
        ]

    @property
    def count(self) -> int:
        return sum(len(section.frame) for section in self.sections())


def compare(from_db: Path, to_db: Path, records_database: Path | None = None) -> Changes:
    """The changes from the warehouse at `from_db` to the one at `to_db`; who submitted a restated value is read
    from the records of `records_database` (a warehouse path, default: the configured one)."""
    connection = open_two_read_only(from_db, to_db)
    try:
        before = dict(connection.execute(BEFORE_IDENTITY).fetchall())
        after = dict(connection.execute(AFTER_IDENTITY).fetchall())
        restated = connection.execute(RESTATED).df()
        changes = Changes(
            from_id=before.get("load_id") or str(from_db), to_id=after.get("load_id") or str(to_db),
            statuses=connection.execute(STATUS_CHANGES).df(),
            restated=_with_submitter(restated, Path(records_database or database_path()), after.get("built_by")),
            activities=connection.execute(ACTIVITIES).df(),
            money=connection.execute(MONEY).df(),
            rejections=connection.execute(REJECTIONS).df())
    finally:
        connection.close()
    return changes


def compare_builds(from_id: str, to_id: str = history.NOW, database: Path | None = None) -> Changes:
    """The changes between two builds named by load id (or 'now', the warehouse at `database`)."""
    database = Path(database or database_path())
    return compare(history.warehouse_of(from_id, database), history.warehouse_of(to_id, database), database)


def _with_submitter(restated: pd.DataFrame, records_database: Path, built_by: str | None) -> pd.DataFrame:
    """The column 'Submitted by': who submitted the file the new value came from (matched by SHA-256), else
    'loaded by <who built the warehouse>'."""
    submitters = _submitters(records_database, sorted(set(restated["sha256"].dropna())))
    loaded_by = f"loaded by {built_by}" if built_by else "loaded from the command line"
    restated["Submitted by"] = [submitters.get(sha, loaded_by) if isinstance(sha, str) else loaded_by
                                for sha in restated["sha256"]]
    return restated.drop(columns=["sha256"]).reset_index(drop=True)


def _submitters(records_database: Path, hashes: list[str]) -> dict[str, str]:
    if not hashes or not (records.records_dir(records_database) / records.LEDGER_NAME).is_file():
        return {}
    found: dict[str, str] = {}
    with records.connect(records_database) as connection:
        for sha in hashes:
            row = connection.execute(SUBMITTERS, [sha]).fetchone()
            if row:
                found[sha] = row["submitted_by"]
    return found


__all__ = ["Changes", "Section", "compare", "compare_builds"]
