"""Uploads from the dashboard: check workbooks cell by cell before anything is loaded, then (editors
only) add them to the inbox folder and rebuild the warehouse from the previous inputs plus the inbox.

No Streamlit here: app_pages/upload.py draws it. A file in the inbox replaces a file of the same name
among the previous inputs (a country office sending a corrected workbook), and the as-of date of
the previous load is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl import REPOSITORY, database_path
from etl.errors import EtlError
from etl.extract import input_files
from etl.load import LoadSummary, dry_run, run_load
from etl.reference import load_reference

INBOX_ENVIRONMENT_VARIABLE = "MM_INBOX_DIR"
ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".xml")


def inbox_dir() -> Path:
    configured = os.environ.get(INBOX_ENVIRONMENT_VARIABLE)
    return Path(configured) if configured else REPOSITORY / "data" / "inbox"


def safe_name(name: str) -> str:
    """A file name from the browser, reduced to a plain name in the inbox (no folders, no odd characters)."""
    stem = re.sub(r"[^A-Za-z0-9._ -]+", "_", Path(name.replace("\\", "/")).name).strip(" .") or "upload"
    return stem if stem.lower().endswith(ACCEPTED_SUFFIXES) else stem + ".xlsx"


@dataclass
class Check:
    """What a load of these files would do: rows per table, every rejected value, every warning."""

    rows_by_table: dict[str, int] = field(default_factory=dict)
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: pd.DataFrame = field(default_factory=pd.DataFrame)
    unreadable: str | None = None

    @property
    def rows_rejected(self) -> int:
        return 0 if self.problems.empty else self.problems[["file", "sheet", "row"]].drop_duplicates().shape[0]


def check_files(paths: list[Path], database: Path | None = None) -> Check:
    """What loading these files would do, checked together with the files of the last load (as a load
    would combine them), reported for the uploaded files. Nothing is written but a scratch database, thrown away."""
    database = database or database_path()
    names = {path.name for path in paths}
    try:
        extracted, by_file = dry_run(planned_inputs(paths, database), load_reference())
    except EtlError as error:
        return Check(unreadable=str(error))
    rows = {}
    for table, counts in by_file.items():
        count = sum(n for file, n in counts.items() if file in names)
        if count:
            rows[table] = count
    rows.update({table: count for table, count in extracted.iati_data.rows_by_table.items() if count})
    problems = pd.DataFrame(
        [(p.file, p.sheet, p.row, p.column, p.found, p.expected) for r in extracted.rejected() for p in r.problems
         if p.file in names],
        columns=["file", "sheet", "row", "column", "found", "expected"])
    warnings = pd.DataFrame([(w.file, w.sheet, w.row, w.column, w.kind, w.message) for w in extracted.warnings
                             if w.file in names],
                            columns=["file", "sheet", "row", "column", "kind", "message"])
    return Check(rows, problems, warnings)


def planned_inputs(uploaded: list[Path], database: Path) -> list[Path]:
    """The files a load with these uploads reads: the uploads first (on a duplicate key the first row wins,
    so newer data wins), then the inbox and the last load's files, less any of the same name."""
    inbox = inbox_dir()
    taken = {path.name.casefold() for path in uploaded}
    files = list(uploaded)
    previous, _ = previous_load(database)
    earlier = input_files([inbox] if inbox.exists() else []) + input_files(
        [p for p in previous if p.exists() and p.resolve() != inbox.resolve()])
    for path in earlier:
        if path.name.casefold() not in taken:
            taken.add(path.name.casefold())
            files.append(path)
    return files


def previous_load(database: Path) -> tuple[list[Path], dt.date | None]:
    """The inputs and the as-of date of the load that built `database` (none if there is no database)."""
    if not database.exists():
        return [], None
    connection = duckdb.connect(str(database), read_only=True)
    try:
        settings = dict(connection.execute("SELECT name, value FROM settings").fetchall())
    except duckdb.Error:
        return [], None
    finally:
        connection.close()
    inputs = [Path(p) for p in json.loads(settings.get("inputs") or "[]")]
    as_of = dt.date.fromisoformat(settings["as_of_date"]) if settings.get("as_of_date") else None
    return inputs, as_of


def load_with_uploads(uploaded: list[Path], progress=lambda message: None,
                      database: Path | None = None) -> LoadSummary:
    """Put the uploaded files in the inbox and rebuild the warehouse from them, the inbox and the last
    load's files (see planned_inputs), as of the last load's as-of date. Raises the ETL's errors; then the
    previous database is untouched and the inbox is as it was."""
    database = database or database_path()
    inbox = inbox_dir()
    inbox.mkdir(parents=True, exist_ok=True)
    _, as_of = previous_load(database)
    placed, set_aside = [], []
    try:
        for path in uploaded:
            target = inbox / safe_name(path.name)
            if target.exists():
                aside = target.with_name(f".{target.name}.previous")
                os.replace(target, aside)
                set_aside.append((aside, target))
            shutil.copyfile(path, target)
            placed.append(target)
        summary = run_load(planned_inputs(placed, database), database, as_of=as_of, progress=progress)
    except BaseException:
        for target in placed:
            target.unlink(missing_ok=True)
        for aside, target in set_aside:
            os.replace(aside, target)
        raise
    for aside, _ in set_aside:
        aside.unlink(missing_ok=True)
    return summary
