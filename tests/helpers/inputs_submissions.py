"""Workbooks for the submissions' tests: a small board warehouse built from three of the bundled sample's
workbooks, and copies of a sample workbook with some cells changed (as a country office corrects one)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from etl.load import run_load

from .paths import SAMPLE_AS_OF, SAMPLE_DIR

BASE_FILES = ("MAR.xlsx", "SRB.xlsx", "MTR-recommendations.xlsx")


def edited_sample(name: str, target: Path, cells: dict[tuple[str, str], object] | None = None,
                  only: tuple[str, ...] = ()) -> Path:
    """The sample's workbook `name` saved as `target`, with each (sheet, cell) of `cells` set to its value
    (and with `only`, only those sheets kept)."""
    workbook = openpyxl.load_workbook(SAMPLE_DIR / name)
    for sheet in [sheet for sheet in workbook.sheetnames if only and sheet not in only]:
        del workbook[sheet]
    for (sheet, cell), value in (cells or {}).items():
        workbook[sheet][cell] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def base_warehouse(folder: Path) -> Path:
    """A board warehouse built from MAR, SRB and the recommendations (copied to folder/base), as of the
    sample's date: its settings name the three files."""
    base = folder / "base"
    for name in BASE_FILES:
        edited_sample(name, base / name)
    database = folder / "warehouse.duckdb"
    run_load(sorted(base.iterdir()), database, as_of=SAMPLE_AS_OF)
    return database
