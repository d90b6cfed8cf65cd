"""docs/schema.md is the contract for BI tools: every documented view and column exists with its type,
and every column of a documented view is documented."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs" / "schema.md"
REQUIRED = {  # the columns the foundation issue names
    "indicator_progress": ["indicator_code", "indicator_title", "output_code", "country", "period_start",
                           "period_end", "baseline", "target", "actual", "unit", "status"],
    "activity_status": ["activity_code", "activity_title", "output_code", "country", "lead_agency",
                        "planned_start", "planned_end", "actual_end", "status", "percent_complete", "budget_usd"],
    "finance_summary": ["country", "output_code", "agency", "programme_year", "budget_usd", "received_usd",
                        "expenditure_usd"],
    "milestone_status": ["country", "milestone", "due_date", "achieved_date"],
    "load_log": [], "rejected_rows": [],
}


def documented() -> dict[str, list[tuple[str, str]]]:
    relations: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"### `(\w+)`", line)
        if heading:
            current = heading.group(1)
            relations[current] = []
            continue
        cell = re.match(r"\| (\w+) \| ([A-Z]+(?:\(\d+,\d+\))?(?:\[\])?) \|", line)
        if current and cell:
            relations[current].append((cell.group(1), cell.group(2)))
    return relations


def test_the_required_views_are_documented_with_their_columns_first():
    docs = documented()
    for view, columns in REQUIRED.items():
        assert [name for name, _ in docs[view][:len(columns)]] == columns


@pytest.mark.parametrize("relation", sorted(documented()))
def test_documented_columns_match_the_database(sample_database, relation):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        actual = [(row[0], row[1]) for row in connection.execute(f'DESCRIBE "{relation}"').fetchall()]
    assert actual == documented()[relation]
