"""Records of a reporting round for tests: submissions inserted with SQL as etl/sql/records.sql defines them (the
Submissions part writes them for real), in the records of a warehouse (etl.records.connect)."""

from __future__ import annotations

import json
from pathlib import Path

from etl import records


def add_submission(database: Path, round_label: str, countries: list[str], kinds: list[str], state: str,
                   submitted_at: str, submitted_by: str = "office@example.org", replaces: int | None = None) -> int:
    """One row of `submissions` (a checked file with no problem); its id."""
    with records.connect(database) as connection:
        cursor = connection.execute(
            "INSERT INTO submissions (round, countries, kinds, file_name, stored_path, sha256, submitted_by, "
            "submitted_at, rows_loaded, rows_rejected, warnings, problems, state, replaces) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, '[]', ?, ?)",
            [round_label, json.dumps(countries), json.dumps(kinds), "report.xlsx", "submissions/x/report.xlsx",
             "0" * 64, submitted_by, submitted_at, state, replaces])
        return int(cursor.lastrowid)
