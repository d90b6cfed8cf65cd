"""The last load of a warehouse (its files, as-of date and kind, from its settings), and a load of the same
files again: what makes a warehouse built by another version of the ETL (etl/schema.py, `outdated`) readable
without anyone finding its workbooks (`python -m etl reload`, which `make run` and `make database` call).
The Upload and Submissions pages rebuild from the same record (mm_core/upload.py).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .errors import LoadFailed
from .load import LoadSummary, Progress, run_load
from .programme import programme_path, read_programme
from .reference import reference_dir
from .schema import outdated
from .warehouse import open_read_only

BOARD = "board"  # a build's kind (etl/history.py KINDS) when the file does not say


@dataclass(frozen=True)
class LastLoad:
    """What the load that built a warehouse was given; no files when there is no warehouse (or no record)."""

    inputs: list[Path] = field(default_factory=list)
    as_of: dt.date | None = None
    kind: str = BOARD
    outdated: bool = False  # built by another version of the ETL
    programme_sha256: str | None = None  # of the programme file it was built with, where it can be read
    programme_source: str | None = None


def last_load(database: Path) -> LastLoad:
    """The record of the load that built `database`, read from tables every version has (settings; programme
    where its columns can be read): an outdated warehouse is read too. Raises duckdb.Error when the file is no
    DuckDB database."""
    if not Path(database).exists():
        return LastLoad()
    connection = open_read_only(database)
    try:
        try:
            settings = dict(connection.execute("SELECT name, value FROM settings").fetchall())
        except duckdb.Error:
            return LastLoad()
        try:
            programme = connection.execute("SELECT sha256, source FROM programme").fetchone()
        except duckdb.Error:
            programme = None
        is_outdated = outdated(connection)
    finally:
        connection.close()
    return LastLoad(inputs=[Path(p) for p in json.loads(settings.get("inputs") or "[]")],
                    as_of=dt.date.fromisoformat(settings["as_of_date"]) if settings.get("as_of_date") else None,
                    kind=settings.get("build_kind") or BOARD, outdated=is_outdated,
                    programme_sha256=programme[0] if programme else None,
                    programme_source=programme[1] if programme else None)


def reload_plan(database: Path, programme: Path | None = None) -> LastLoad:
    """The last load of `database`, checked for loading again: its files still there, and the programme file
    the same bytes as the one it was built with unless one is chosen (`programme`). Raises LoadFailed, saying
    what to do instead."""
    again = "load the workbooks again with python -m etl load …"
    try:
        last = last_load(database)
    except duckdb.Error:
        last = LastLoad()
    if not last.inputs:
        raise LoadFailed(f"{database} records no files of its last load (it is missing or is no warehouse): {again}")
    missing = [str(path) for path in last.inputs if not path.exists()]
    if missing:
        raise LoadFailed(f"the files of the last load of {database} are no longer all there ({', '.join(missing)} "
                         f"missing): {again}")
    if programme is None and last.programme_sha256 is not None:
        chosen = read_programme(programme_path(None, reference_dir()))
        if chosen.sha256 != last.programme_sha256:
            raise LoadFailed(f"{database} was built with the programme file {last.programme_source}, not with "
                             f"{chosen.source} as it is now: name the programme file to load it with (--programme)")
    return last


def is_outdated(database: Path) -> bool:
    """Whether `database` is a warehouse built by another version of the ETL (not: missing, or no warehouse)."""
    try:
        return last_load(database).outdated
    except duckdb.Error:
        return False


def reload(database: Path, *, programme: Path | None = None, only_outdated: bool = False,
           progress: Progress = lambda message: None) -> LoadSummary | None:
    """Load `database` again from the files and as-of date of its last load, as the same kind of build; with
    `only_outdated`, only a warehouse built by another version of the ETL (else None, nothing done). Raises
    LoadFailed (see `reload_plan`) and the load's errors; then the warehouse is untouched."""
    if only_outdated and not is_outdated(database):
        return None
    last = reload_plan(database, programme)
    return run_load(last.inputs, database, as_of=last.as_of, kind=last.kind, programme=programme, progress=progress)

