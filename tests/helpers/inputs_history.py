"""Inputs for the history and diff tests: a copy of the bundled sample, and the same with Morocco's workbook
restated the way a country office resubmits it (one past actual changed, one activity's end moved)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl

from .paths import SAMPLE_DIR

# The restatement: Morocco's indicator 1.1 in 2014/15 H2, actual 1 -> 2 (Results matrix, row 3); activity 1.1.2's
# planned end 'Dec 2014' -> 31 March 2015 (Work plan, row 3).
RESTATED_INDICATOR, RESTATED_PERIOD, OLD_ACTUAL, NEW_ACTUAL = "1.1", "2014/15 H2", 1.0, 2.0
REPLANNED_ACTIVITY, NEW_PLANNED_END = "1.1.2", dt.date(2015, 3, 31)


def sample_copy(folder: Path) -> Path:
    """The sample's workbooks copied into `folder` (created), which is returned."""
    folder.mkdir(parents=True, exist_ok=True)
    for workbook in SAMPLE_DIR.glob("*.xlsx"):
        shutil.copyfile(workbook, folder / workbook.name)
    return folder


def restate_morocco(folder: Path) -> Path:
    """Edit MAR.xlsx in `folder` as described above; returns its path."""
    path = folder / "MAR.xlsx"
    workbook = openpyxl.load_workbook(path)
    results = workbook["Results matrix"]
    headers = [cell.value for cell in results[1]]
    code, period, actual = (headers.index(h) for h in ("Indicator code", "Period", "Period actual"))
    row = next(r for r in results.iter_rows(min_row=2)
               if r[code].value == RESTATED_INDICATOR and r[period].value == RESTATED_PERIOD)
    assert row[actual].value == OLD_ACTUAL
    row[actual].value = NEW_ACTUAL
    plan = workbook["Work plan"]
    headers = [cell.value for cell in plan[1]]
    code, end = headers.index("Activity code"), headers.index("Planned end")
    row = next(r for r in plan.iter_rows(min_row=2) if r[code].value == REPLANNED_ACTIVITY)
    row[end].value = dt.datetime.combine(NEW_PLANNED_END, dt.time())
    workbook.save(path)
    return path
