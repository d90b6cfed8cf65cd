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
from etl.guard import check_input
from etl.load import LoadSummary, extract_and_validate, run_load
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


def check_files(paths: list[Path]) -> Check:
    """Validate without loading: nothing is written anywhere."""
    try:
        for path in paths:
            check_input(path, path.name)
        extracted = extract_and_validate(paths, load_reference(), lambda message: None)
    except EtlError as error:
        return Check(unreadable=str(error))
    rows = {result.sheet.table: result.accepted for result in extracted.validated.values() if result.accepted}
    rows.update({table: count for table, count in extracted.iati_data.rows_by_table.items() if count})
    problems = pd.DataFrame(
        [(p.file, p.sheet, p.row, p.column, p.found, p.expected) for r in extracted.rejected() for p in r.problems],
        columns=["file", "sheet", "row", "column", "found", "expected"])
    warnings = pd.DataFrame([(w.file, w.sheet, w.row, w.column, w.kind, w.message) for w in extracted.warnings],
                            columns=["file", "sheet", "row", "column", "kind", "message"])
    return Check(rows, problems, warnings)


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
    """Copy the uploaded files into the inbox and rebuild the warehouse from the previous inputs plus the
    inbox. Raises the ETL's errors; then the previous database is untouched (the inbox keeps the files)."""
    database = database or database_path()
    inbox = inbox_dir()
    inbox.mkdir(parents=True, exist_ok=True)
    for path in uploaded:
        shutil.copyfile(path, inbox / safe_name(path.name))
    previous, as_of = previous_load(database)
    in_inbox = input_files([inbox])
    replaced = {path.name for path in in_inbox}
    earlier = [path for path in input_files([p for p in previous if p.exists() and p.resolve() != inbox.resolve()])
               if path.name not in replaced and inbox.resolve() not in path.resolve().parents]
    return run_load(earlier + in_inbox, database, as_of=as_of, progress=progress)
