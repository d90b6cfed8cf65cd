"""The history of built warehouses: each build's identity (its load id, written in the warehouse's settings
table before the swap), its kept copy in the records' builds folder, its `builds` row and its audit line.

A load (etl/load.py) calls `identity` before it swaps the new file in, and `record_build` after, inside its
exclusive-load lock. The kept copy is a hard link to the file swapped in: a warehouse is never written after
the swap, only replaced by the next load, so the link keeps that build's content at no cost (a copy where the
records are on another device). Retention keeps the newest MM_HISTORY_KEEP copies of board builds; an older
build keeps its `builds` row, with kept_path NULL. Preview builds are recorded but not kept: the preview is
rebuilt from the submissions whenever the PMU asks, and the board's history is what a diff compares.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import database_path, records
from .errors import EtlError
from .settings import positive_setting
from .warehouse import open_read_only

KEEP_ENVIRONMENT_VARIABLE = "MM_HISTORY_KEEP"
DEFAULT_KEEP = 20
KINDS = ("board", "preview")
AUDIT_ACTIONS = {"board": "loaded", "preview": "previewed"}
NOW = "now"  # the current warehouse, wherever a load id is asked for
# The settings rows that say which build a warehouse is (etl/load.py writes them before the swap).
IDENTITY_SETTINGS = ("load_id", "loaded_at", "built_by", "build_kind")
# Builds newest first: by time to the second, then by when they were recorded (builds of one second; their load
# ids order by the inputs' hash, not by time).
NEWEST_FIRST = "built_at DESC, rowid DESC"


class RecordsFailed(EtlError):
    """The warehouse was built and swapped in, but its build could not be written in the records."""


class HistoryError(EtlError):
    """A build asked for is unknown, or its kept copy was removed by retention."""


@dataclass(frozen=True)
class BuildIdentity:
    load_id: str
    loaded_at: str  # ISO 8601, UTC (records.now())
    built_by: str
    kind: str

    def settings_rows(self) -> list[tuple[str, str]]:
        return list(zip(IDENTITY_SETTINGS, (self.load_id, self.loaded_at, self.built_by, self.kind)))


def keep_count() -> int:
    """How many kept copies of board builds retention leaves ($MM_HISTORY_KEEP, default 20)."""
    return positive_setting(KEEP_ENVIRONMENT_VARIABLE, DEFAULT_KEEP)


def records_database_for(database: Path, kind: str) -> Path:
    """The warehouse whose records take a build of `database`: the board's own; for a preview
    (records.preview_path of a board warehouse), that board warehouse's, which hold the submissions the preview
    is built from; for a preview elsewhere, the configured board warehouse's (etl.database_path())."""
    database = Path(database)
    if kind == "board":
        return database
    if database.stem.endswith(".preview"):
        board = database.with_name(database.stem.removesuffix(".preview") + database.suffix)
        if records.preview_path(board) == database:
            return board
    return database_path()


def identity(database: Path, kind: str, actor: str | None, input_hashes: list[str],
             records_database: Path | None = None) -> BuildIdentity:
    """A new build's identity: its load id is the UTC time to the second and 6 hex digits of the kind and the
    inputs' hashes (sortable by time to the second; NEWEST_FIRST orders builds), with -2, -3, ... when a build of
    that second already has it."""
    if kind not in KINDS:
        raise ValueError(f"a build's kind is one of {', '.join(KINDS)}, not {kind!r}")
    at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    digest = hashlib.sha256("\n".join([kind, *input_hashes]).encode("utf-8")).hexdigest()[:6]
    base = f"{at:%Y%m%d-%H%M%S}-{digest}"
    taken = _taken_ids(database, records_database or records_database_for(database, kind))
    load_id, number = base, 1
    while load_id in taken:
        number += 1
        load_id = f"{base}-{number}"
    return BuildIdentity(load_id, at.strftime("%Y-%m-%dT%H:%M:%SZ"), actor or records.system_user(), kind)


def _taken_ids(database: Path, records_database: Path) -> set[str]:
    """Load ids already used, seen without writing anything (a failed load must leave the records untouched):
    the warehouse in place, the kept copies, and the builds table when the records exist."""
    taken = {current_load_id(database)}
    folder = records.builds_dir(records_database)
    if folder.is_dir():
        taken |= {path.stem for path in folder.glob("*.duckdb")}
    ledger = records.records_dir(records_database) / records.LEDGER_NAME
    if ledger.is_file():
        try:
            with records.connect(records_database) as connection:
                taken |= {row[0] for row in connection.execute("SELECT load_id FROM builds")}
        except sqlite3.Error:
            pass  # recording will say what is wrong with the records
    return taken - {None}


def warehouse_settings(database: Path) -> dict[str, str]:
    """The settings table of the warehouse at `database` ({} when there is none or it has none)."""
    if not Path(database).is_file():
        return {}
    try:
        connection = open_read_only(database)
    except duckdb.Error:
        return {}
    try:
        return dict(connection.execute("SELECT name, value FROM settings").fetchall())
    except duckdb.Error:
        return {}
    finally:
        connection.close()


def current_load_id(database: Path) -> str | None:
    """The load id of the warehouse at `database` (None: no warehouse, or one built before load ids)."""
    return warehouse_settings(database).get("load_id")


def record_build(database: Path, build: BuildIdentity, inputs: list[Path], rows_loaded: int, rows_rejected: int,
                 records_database: Path | None = None) -> Path | None:
    """Keep the warehouse just swapped in at `database` (board builds) and write its builds row and audit line in
    one records transaction, then apply retention. Returns the kept copy (None for a preview). Raises
    RecordsFailed naming the records folder when they cannot be written (the warehouse stays in place)."""
    records_database = Path(records_database or records_database_for(database, build.kind))
    folder = records.records_dir(records_database)
    kept = None
    try:
        if build.kind == "board":
            kept = _keep(Path(database), records.builds_dir(records_database) / f"{build.load_id}.duckdb")
        with records.connect(records_database) as connection:
            connection.execute(
                "INSERT INTO builds (load_id, built_at, built_by, kind, database, kept_path, inputs, rows_loaded, "
                "rows_rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [build.load_id, build.loaded_at, build.built_by, build.kind, str(Path(database).resolve()),
                 str(kept) if kept else None, json.dumps([str(Path(p).resolve()) for p in inputs]), rows_loaded,
                 rows_rejected])
            records.audit(connection, build.built_by, AUDIT_ACTIONS[build.kind], f"build {build.load_id}",
                          f"{len(inputs)} file(s), {rows_loaded:,} rows loaded, {rows_rejected:,} rejected")
            expired = _expire(connection, keep_count())
    except (OSError, sqlite3.Error) as error:
        if kept is not None:
            kept.unlink(missing_ok=True)
        raise RecordsFailed(
            f"the new warehouse is in place at {database} (build {build.load_id}), but its build could not be "
            f"written in the records at {folder}: {error}. Check that folder (space, permissions) and load "
            "again to have this build in the history") from None
    for path in expired:  # after the commit: a rolled-back transaction must not have lost a copy
        Path(path).unlink(missing_ok=True)
    return kept


def _keep(database: Path, kept: Path) -> Path:
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.unlink(missing_ok=True)  # a copy left by a build whose records failed
    try:
        os.link(database, kept)
    except OSError:  # another device, or a file system without hard links
        partial = kept.with_name(kept.name + ".partial")
        shutil.copyfile(database, partial)
        os.replace(partial, kept)
    return kept


def _expire(connection: sqlite3.Connection, keep: int) -> list[str]:
    """Board builds past the newest `keep` with a kept copy: their kept_path set NULL; their paths returned."""
    old = [(load_id, path) for load_id, path in connection.execute(
        "SELECT load_id, kept_path FROM builds WHERE kind = 'board' AND kept_path IS NOT NULL "
        f"ORDER BY {NEWEST_FIRST} LIMIT -1 OFFSET ?", [keep])]
    connection.executemany("UPDATE builds SET kept_path = NULL WHERE load_id = ?", [[load_id] for load_id, _ in old])
    return [path for _, path in old]


@dataclass(frozen=True)
class Build:
    load_id: str
    built_at: str
    built_by: str
    kind: str
    database: str
    kept_path: str | None
    inputs: list[str]
    rows_loaded: int
    rows_rejected: int


def builds(records_database: Path | None = None) -> list[Build]:
    """Every build recorded, newest first (no records yet: none)."""
    records_database = Path(records_database or database_path())
    if not (records.records_dir(records_database) / records.LEDGER_NAME).is_file():
        return []
    with records.connect(records_database) as connection:
        rows = connection.execute("SELECT load_id, built_at, built_by, kind, database, kept_path, inputs, "
                                  f"rows_loaded, rows_rejected FROM builds ORDER BY {NEWEST_FIRST}").fetchall()
    return [Build(*row[:6], json.loads(row[6]), row[7], row[8]) for row in rows]


def build_named(load_id: str, records_database: Path | None = None) -> Build:
    for build in builds(records_database):
        if build.load_id == load_id:
            return build
    raise HistoryError(f"no build {load_id!r} in the records of {records_database or database_path()}: "
                       "`python -m etl history` lists the builds")


def warehouse_of(load_id: str, database: Path | None = None) -> Path:
    """The warehouse file of a build: `now` (or the current warehouse's own load id) is the warehouse at
    `database` (default: the configured one); another id is its kept copy."""
    database = Path(database or database_path())
    if load_id == NOW or (load_id == current_load_id(database) and database.is_file()):
        if not database.is_file():
            raise HistoryError(f"no warehouse at {database}: build one with `python -m etl load …`")
        return database
    build = build_named(load_id, database)
    if build.kept_path is None or not Path(build.kept_path).is_file():
        why = ("preview builds are recorded but not kept" if build.kind == "preview" else
               f"retention keeps the newest {keep_count()} board builds ({KEEP_ENVIRONMENT_VARIABLE}) and removed "
               "its copy")
        raise HistoryError(f"build {load_id} is no longer kept: {why}; choose a newer build from "
                           "`python -m etl history`")
    return Path(build.kept_path)


EXPORTED = "exported"
BUILD_OBJECT = "build "  # an audit line's object for a build: 'build <load id>'
LAST_EXPORTS = ("SELECT a.object, a.at FROM audit a JOIN builds b ON a.object = 'build ' || b.load_id "
                "WHERE a.action = 'exported' AND b.kind = 'board' ORDER BY a.id DESC")


def record_export(database: Path, load_id: str | None, actor: str, format_: str, file_name: str) -> None:
    """The audit line of a pack (or another export) made from the warehouse at `database` whose build is
    `load_id`: action 'exported', object 'build <load id>', detail its format and file name. Raises
    RecordsFailed naming the records folder when they cannot be written."""
    try:
        with records.connect(database) as connection:
            records.audit(connection, actor, EXPORTED, BUILD_OBJECT + (load_id or "unknown"),
                          f"{format_}: {file_name}")
    except (OSError, sqlite3.Error) as error:
        raise RecordsFailed(f"the export of {file_name} could not be written in the records at "
                            f"{records.records_dir(database)}: {error}") from None


@dataclass(frozen=True)
class Export:
    load_id: str
    at: str


def last_export(database: Path | None = None, *, other_than: str | None = None) -> Export | None:
    """The newest export (a board pack) made from a board build, from a build other than `other_than` when
    given; None when there is none."""
    database = Path(database or database_path())
    if not (records.records_dir(database) / records.LEDGER_NAME).is_file():
        return None
    with records.connect(database) as connection:
        for object_, at in connection.execute(LAST_EXPORTS):
            load_id = object_.removeprefix(BUILD_OBJECT)
            if load_id != other_than:
                return Export(load_id, at)
    return None


def history_table(database: Path | None = None) -> list[str]:
    """The builds recorded for `database`, newest first, as lines of a table for the command line (empty:
    none yet); the build the warehouse at `database` holds is marked '*'."""
    database = Path(database or database_path())
    found = builds(database)
    if not found:
        return []
    current = current_load_id(database)
    header = ("", "load id", "built at", "by", "kind", "files", "rows loaded", "rejected", "kept")
    rows = [("*" if b.load_id == current else "", b.load_id, b.built_at.replace("T", " ").rstrip("Z") + " UTC",
             b.built_by, b.kind, str(len(b.inputs)), f"{b.rows_loaded:,}", f"{b.rows_rejected:,}",
             "kept" if b.kept_path and Path(b.kept_path).is_file() else "not kept") for b in found]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    numeric = {5, 6, 7}
    lines = ["  ".join(cell.rjust(w) if i in numeric else cell.ljust(w) for i, (cell, w) in
                       enumerate(zip(row, widths))).rstrip() for row in [header, *rows]]
    return lines + ["", "* the current warehouse"]


__all__ = ["history_table", "record_export", "last_export", "Export", "BuildIdentity", "Build", "RecordsFailed", "HistoryError", "identity", "record_build", "builds",
           "build_named", "warehouse_of", "current_load_id", "warehouse_settings", "keep_count", "NOW"]
