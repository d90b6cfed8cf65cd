"""Write the bundled sample workbooks (data/sample/*.xlsx) from scripts/sample_content.py.

Run with `make sample`. The workbooks are the templates filled in, one per country plus GLOBAL, so
loading them exercises exactly the path a country office's file takes.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))
sys.path.insert(0, str(REPOSITORY / "scripts"))

from etl.templates import build_workbook  # noqa: E402
from sample_content import COUNTRIES, workbook_rows  # noqa: E402
from sample_recommendations import recommendation_rows  # noqa: E402

SAMPLE_DIR = REPOSITORY / "data" / "sample"
# The sample is a snapshot at this date (also used by `make database` and the tests).
AS_OF = dt.date.fromisoformat((SAMPLE_DIR / "AS_OF").read_text().strip())
# A fixed creation time: the sample describes the programme in mid-2017, not the day it was generated.
DOCUMENT_TIME = dt.datetime(2017, 8, 15, 9, 0, 0)


def _period_start(label: str) -> dt.date:
    """2017/18 H2 -> 1 Aug 2017 (programme years run February to January)."""
    year, half = int(label[:4]), label[-1]
    return dt.date(year, 2, 1) if half == "1" else dt.date(year, 8, 1)


def as_of_snapshot(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Nothing reported for periods that had not started by the as-of date, nor achieved after it."""
    for row in rows["results"]:
        if _period_start(row["period"]) > AS_OF:
            row["actual"] = None
    rows["narrative"] = [r for r in rows["narrative"] if _period_start(r["period"]) <= AS_OF]
    for row in rows["milestones"]:
        if row.get("achieved_date") and row["achieved_date"] > AS_OF:
            row["achieved_date"] = None
    return rows


def save(workbook, name: str) -> Path:
    workbook.properties.creator = "Programme Management Unit (sample data)"
    workbook.properties.created = DOCUMENT_TIME
    workbook.properties.modified = DOCUMENT_TIME
    path = SAMPLE_DIR / name
    workbook.save(path)
    return path


def main() -> None:
    SAMPLE_DIR.mkdir(parents=True, exist_ok=True)
    for unit in [*COUNTRIES, "GLOBAL"]:
        rows = as_of_snapshot(workbook_rows(unit))
        workbook = build_workbook([k for k in ("results", "workplan", "expenditure", "milestones", "narrative")],
                                  rows)
        path = save(workbook, f"{unit}.xlsx")
        counts = ", ".join(f"{kind} {len(items)}" for kind, items in rows.items())
        print(f"wrote {path.relative_to(REPOSITORY)}: {counts}")
    path = save(build_workbook(["recommendations"], {"recommendations": recommendation_rows()}),
                "MTR-recommendations.xlsx")
    print(f"wrote {path.relative_to(REPOSITORY)}: recommendations {len(recommendation_rows())}")


if __name__ == "__main__":
    main()
