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

from . import records
from .errors import LoadFailed, StrictRefused
from .history import KINDS
from .load import LoadSummary, Progress, run_load
from .programme import programme_path, read_programme
from .reference import reference_dir
from .schema import outdated
from .warehouse import open_read_only

BOARD = KINDS[0]  # the kind of a build the file does not say the kind of


@dataclass(frozen=True)
class LastLoad:
    """What the load that built a warehouse was given; no files when there is no warehouse (or no record)."""

    inputs: list[Path] = field(default_factory=list)
    as_of: dt.date | None = None
    kind: str = BOARD
    outdated: bool = False  # built by another version of the ETL
    programme_sha256: str | None = None  # of the programme file it was built with, where it can be read
    programme_source: str | None = None
    strict: bool = False  # the whole load refused if any row was (--strict); not recorded before 2026-12-05


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
                    strict=settings.get("strict") == "true",
                    programme_sha256=programme[0] if programme else None,
                    programme_source=programme[1] if programme else None)


def reload_plan(database: Path, programme: Path | None = None) -> LastLoad:
    """The last load of `database`, checked for loading again: a board build, its files still there, and the
    programme file the same bytes as the one it was built with unless one is chosen (`programme`). Raises
    LoadFailed, saying what to do instead."""
    again = "load the workbooks again with python -m etl load …"
    try:
        last = last_load(database)
    except duckdb.Error:
        last = LastLoad()
    if last.kind != BOARD:
        raise LoadFailed(f"{database} is a {last.kind} build: build it again on the Submissions page, which works "
                         "out the pending submissions it holds as they are now")
    if not last.inputs:
        raise LoadFailed(f"{database} records no files of its last load: {again}")
    missing = [str(path) for path in last.inputs if not path.exists()]
    if missing:
        raise LoadFailed(f"the files of the last load of {database} are no longer all there ({', '.join(missing)} "
                         f"missing): {again}")
    if programme is None:
        chosen_path = programme_path(None, reference_dir())
        if last.programme_sha256 is None:
            raise LoadFailed(f"{database} does not say which programme file it was built with: name the one to load "
                             "it with (--programme)")
        if read_programme(chosen_path).sha256 != last.programme_sha256:
            changed = (f"the programme file {chosen_path.resolve()} has changed since {database} was built with it"
                       if Path(last.programme_source).name == chosen_path.name else
                       f"{database} was built with the programme file {last.programme_source}, not with "
                       f"{chosen_path.resolve()}")
            raise LoadFailed(f"{changed}: name the programme file to load it with (--programme), the same one to "
                             "take it as it is now")
    return last


def is_outdated(database: Path) -> bool:
    """Whether `database` is a warehouse built by another version of the ETL (not: missing, or no warehouse)."""
    try:
        return last_load(database).outdated
    except duckdb.Error:
        return False


def reload(database: Path, *, programme: Path | None = None, only_outdated: bool = False,
           progress: Progress = lambda message: None, strict: bool | None = None) -> LoadSummary | None:
    """Load `database` again from the files and as-of date of its last load; with `only_outdated`, only a
    warehouse built by another version of the ETL (else None, nothing done). Held under the records' lock
    (etl/records.py, `exclusive`), as an approval's rebuild is: the files it reads are those of the build it
    replaces, not of one an approval swapped in meanwhile. Raises LoadFailed (see `reload_plan`) and the load's
    errors; then the warehouse is untouched. `strict`: refuse the load whole if any row is rejected; None: as
    the last load did."""
    if only_outdated and not is_outdated(database):  # asked first: a current warehouse needs no lock
        return None
    with records.exclusive_for_load(database, progress):
        if only_outdated and not is_outdated(database):  # an approval loaded it meanwhile
            return None
        last = reload_plan(database, programme)
        read = ", ".join(str(path) for path in last.inputs[:3]) + (f" and {len(last.inputs) - 3} more"
                                                                    if len(last.inputs) > 3 else "")
        why = " (built by another version of the ETL)" if last.outdated else ""
        strict = last.strict if strict is None else strict
        progress(f"Loading {database}{why} again from what its last load read ({read}), as of {last.as_of or 'today'}"
                 + (", refusing it whole if any row is rejected, as its last load did (--strict)" if strict else ""))
        try:
            return run_load(last.inputs, database, as_of=last.as_of, strict=strict, programme=programme,
                            progress=progress)
        except StrictRefused as error:
            raise StrictRefused(f"{error}; the last load of {database} was --strict, and so was this one: load it "
                                "again with --no-strict to load the other rows") from None

