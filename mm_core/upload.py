"""Uploads from the dashboard: check workbooks cell by cell before anything is loaded, then (editors
only) add them to the inbox folder and rebuild the warehouse from the previous inputs plus the inbox.

No Streamlit here: app_pages/upload.py draws it. A file in the inbox replaces a file of the same name
among the previous inputs (a country office sending a corrected workbook), and the as-of date of
the previous load is kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl import REPOSITORY, database_path, records
from etl.errors import EtlError
from etl.inputs import input_files
from etl.load import LoadSummary, file_sha256, inspect_inputs, run_load
from etl.programme import programme_path
from etl.reference import load_reference, reference_dir
from etl.reload import last_load
from etl.warehouse import file_version, open_read_only

INBOX_ENVIRONMENT_VARIABLE = "MM_INBOX_DIR"
ACCEPTED_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".xml")
# A stored name, extension included. File systems allow 255 bytes; the inbox also holds ".<name>.previous"
# while a load is under way, and messages show the name, so names are kept far shorter.
MAX_NAME_CHARACTERS = 100
MAX_NAME_BYTES = 200  # in UTF-8: file systems allow 255 bytes a name, and a Cyrillic letter takes two


def inbox_dir() -> Path:
    configured = os.environ.get(INBOX_ENVIRONMENT_VARIABLE)
    return Path(configured) if configured else REPOSITORY / "data" / "inbox"


def safe_name(name: str) -> str:
    """A file name from the browser, reduced to a plain name in the inbox: no folders, nothing but letters and
    digits of any script, spaces, '.', '-' and '_' (a country office's 'Отчёт.xlsx' keeps its name), at most
    MAX_NAME_CHARACTERS long (and MAX_NAME_BYTES), ending in an accepted extension (kept when the name is cut)."""
    base = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    flat = "".join(_safe_characters(base)).strip(" .") or "upload"
    stem, suffix = _split_suffix(flat)
    return _fit(stem, suffix or ".xlsx")


def _safe_characters(name: str) -> Iterator[str]:
    """The name's letters, marks (a Bengali vowel sign, an Arabic vowel mark) and digits of any script, spaces,
    '.', '-' and '_'; each run of anything else as one '_'."""
    replaced = False
    for character in name:
        if character in "._ -" or (unicodedata.category(character)[0] in "LMN" and not _invisible(character)):
            replaced = False
            yield character
        elif not replaced:
            replaced = True
            yield "_"


# Letters and marks no font draws (Unicode's default-ignorable ones that are not format characters): two names
# would look alike on the page
INVISIBLE = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810), *range(0xFE00, 0xFE10),
             *range(0xE0100, 0xE01F0)}


def _invisible(character: str) -> bool:
    return ord(character) in INVISIBLE


def stored_names(names: list[str]) -> list[str]:
    """The name each upload is stored under: its safe_name, made distinct from the names before it
    (ignoring case, as some file systems do) with -2, -3, … before the extension."""
    taken: set[str] = set()
    stored = []
    for name in names:
        candidate = safe_name(name)
        stem, suffix = _split_suffix(candidate)
        number = 1
        while candidate.casefold() in taken:
            number += 1
            candidate = _fit(stem, suffix, f"-{number}")
        taken.add(candidate.casefold())
        stored.append(candidate)
    return stored


@dataclass(frozen=True)
class Upload:
    name: str  # as the browser sent it
    stored_name: str
    content: bytes


def distinct_uploads(files: list[tuple[str, bytes]]) -> tuple[list[Upload], list[str]]:
    """The uploads to store, each under its own name, and the names of files chosen twice (the same
    name and the same bytes), which are stored once. Two different files never share a stored name."""
    kept, repeated, seen = [], [], set()
    for name, content in files:
        if (name, content) in seen:
            repeated.append(name)
        else:
            seen.add((name, content))
            kept.append((name, content))
    names = stored_names([name for name, _ in kept])
    return [Upload(name, stored, content) for (name, content), stored in zip(kept, names)], repeated


def printable(name: str) -> str:
    """A name as it can be shown: control characters (a new line, NUL) written as \\x0a, \\x00."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
                   for ch in name)


def _split_suffix(name: str) -> tuple[str, str]:
    suffix = next((s for s in ACCEPTED_SUFFIXES if name.lower().endswith(s)), "")
    return name[:len(name) - len(suffix)], name[len(name) - len(suffix):]


def _fit(stem: str, suffix: str, tag: str = "") -> str:
    stem = stem[:MAX_NAME_CHARACTERS - len(suffix) - len(tag)]
    while len((stem + tag + suffix).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip(" .") or "upload") + tag + suffix


@dataclass
class Check:
    """What a load of these files would do: rows per table, the rejected values and the warnings (the first
    ones, when check_files was told to list at most so many), and how many there are in all."""

    rows_by_table: dict[str, int] = field(default_factory=dict)
    problems: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: pd.DataFrame = field(default_factory=pd.DataFrame)
    unreadable: str | None = None
    rows_rejected: int = 0
    problem_count: int = 0
    warning_count: int = 0
    # Per uploaded file, read from its rows (loaded or rejected), not its name: each country its rows are for,
    # with the first row's location (COUNTRY_COLUMNS), and each sheet kind with rows (KIND_COLUMNS).
    countries: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COUNTRY_COLUMNS))
    kinds: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=KIND_COLUMNS))


PROBLEM_COLUMNS = ["file", "sheet", "row", "column", "found", "expected"]
WARNING_COLUMNS = ["file", "sheet", "row", "column", "kind", "message"]
COUNTRY_COLUMNS = ["file", "country", "sheet", "row"]
KIND_COLUMNS = ["file", "kind", "sheet", "row", "loaded", "rejected"]
IATI_KIND = "iati"  # the rows of an IATI activity file: for no country


def check_files(paths: list[Path], database: Path | None = None, listed_at_most: int | None = None) -> Check:
    """What loading these files would do, checked together with the files of the last load (as a load
    would combine them), reported for the uploaded files. Nothing is written but a scratch database, thrown
    away. With `listed_at_most`, only the first so many problems and warnings are listed (all are counted)."""
    database = database or database_path()
    names = {path.name for path in paths}
    try:
        inspected = inspect_inputs(planned_inputs(paths, database), load_reference())
    except EtlError as error:
        return Check(unreadable=str(error))
    extracted, by_file = inspected.extracted, inspected.rows
    rows = {}
    for table, counts in by_file.items():
        count = sum(n for file, n in counts.items() if file in names)
        if count:
            rows[table] = count
    rows.update({table: count for table, count in extracted.iati_data.rows_by_table.items() if count})
    problems = [(p.file, p.sheet, p.row, p.column, p.found, p.expected) for r in extracted.rejected()
                for p in r.problems if p.file in names]
    warnings = [(w.file, w.sheet, w.row, w.column, w.kind, w.message) for w in extracted.warnings if w.file in names]
    return Check(rows, pd.DataFrame(problems[:listed_at_most], columns=PROBLEM_COLUMNS),
                 pd.DataFrame(warnings[:listed_at_most], columns=WARNING_COLUMNS),
                 rows_rejected=len({(file, sheet, row) for file, sheet, row, *_ in problems}),
                 problem_count=len(problems), warning_count=len(warnings),
                 countries=pd.DataFrame([(c.file, c.country, c.sheet, c.row) for c in inspected.countries
                                         if c.file in names], columns=COUNTRY_COLUMNS),
                 kinds=pd.DataFrame([(k.file, k.kind, k.sheet, k.row, k.loaded, k.rejected) for k in inspected.sheets
                                     if k.file in names] + _iati_kinds(extracted, names), columns=KIND_COLUMNS))


def _iati_kinds(extracted, names: set[str]) -> list[tuple]:
    rejected = Counter(r.file for r in extracted.iati_data.rejected)
    return [(file, IATI_KIND, "", 0, extracted.iati_data.rows_from(file), rejected[file]) for file in sorted(names)
            if extracted.iati_data.rows_from(file) or rejected[file]]


def planned_inputs(uploaded: list[Path], database: Path) -> list[Path]:
    """The files a load with these uploads reads: the uploads first (on a duplicate key the first row wins,
    so newer data wins), then the inbox and the last load's files, less any of the same name (but an approved submission,
    kept under the records, is never left out for its name)."""
    taken = {path.name.casefold() for path in uploaded}
    files = list(uploaded)
    submitted = records.submissions_dir(database).resolve()
    for path in earlier_inputs(database):
        if path.resolve().is_relative_to(submitted):  # an approved submission: never left out for its name (two
            files.append(path)                         # offices may both send 'results.xlsx'); superseded by rows
        elif path.name.casefold() not in taken:
            taken.add(path.name.casefold())
            files.append(path)
    return files


def earlier_inputs(database: Path) -> list[Path]:
    """The inbox's files, then the files of the load that built `database` (those in the inbox once)."""
    inbox = inbox_dir()
    previous = last_load(database).inputs
    return input_files([inbox] if inbox.exists() else []) + input_files(
        [p for p in previous if p.exists() and p.resolve() != inbox.resolve()])


def check_key(uploads: list[Upload], database: Path) -> tuple | None:
    """What a check of these uploads depends on: their names and bytes, and the version of every other file
    it reads: the database (a load swaps in a new file), the inbox's
    and the last load's files, the reference data and the programme file ($MM_PROGRAMME may name one outside
    the reference folder). The same key, the same check. None when it cannot be told (a file vanished
    meanwhile): then check again."""
    try:
        folder = reference_dir()
        others = [database, *earlier_inputs(database), *sorted(folder.iterdir()), programme_path(None, folder)]
        versions = tuple((str(path), file_version(path)) for path in others)
    except (OSError, EtlError, duckdb.Error):
        return None
    return tuple((u.stored_name, hashlib.sha256(u.content).hexdigest()) for u in uploads), versions


def load_with_uploads(uploaded: list[Path], progress=lambda message: None,
                      database: Path | None = None) -> LoadSummary:
    """Put the uploaded files in the inbox and rebuild the warehouse from them, the inbox and the last
    load's files (see planned_inputs), as of the last load's as-of date. Raises the ETL's errors; then the
    previous database is untouched and the inbox is as it was. (In this process: the Upload page runs the
    rebuild in a child process instead, see mm_core/upload_process.py.)"""
    database = database or database_path()
    placement = place_in_inbox(uploaded, database)
    try:
        summary = rebuild_with_uploads(placement.placed, database, progress)
    except BaseException:
        placement.restore()
        raise
    placement.commit()
    return summary


def rebuild_with_uploads(placed: list[Path], database: Path, progress=lambda message: None,
                         actor: str | None = None) -> LoadSummary:
    """Rebuild the warehouse from the uploads already in the inbox, the rest of the inbox and the last
    load's files, keeping the last load's as-of date; recorded as built by `actor` (None: the system user).
    Under the records' lock an approval's rebuild holds (etl/records.py, `exclusive`): the last load's files
    are those of the build it replaces, not of one an approval swapped in meanwhile, which it would undo."""
    with records.exclusive_for_load(database, progress):
        as_of = last_load(database).as_of
        return run_load(planned_inputs(placed, database), database, as_of=as_of, progress=progress, actor=actor)


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a file: a load swaps in a new file, so a new identity means a new database."""
    try:
        stat = path.stat()
    except OSError:  # missing, or a folder on its path is not one
        return None
    return stat.st_dev, stat.st_ino


@dataclass
class Placement:
    """Uploads copied into the inbox, the files of the same name they replace set aside as
    `.<name>.previous`, until the load's outcome is known: `commit` drops the set-aside files, `restore`
    puts the inbox back as it was. Written to a journal (JSON) before anything moves, so that whoever
    finds the journal of a process that died can undo or keep its changes (`settle`)."""

    database: Path
    database_before: tuple[int, int] | None
    entries: list[dict]  # target, replaced (a file of that name was there), sha256 of the upload
    journal: Path | None = None

    @property
    def placed(self) -> list[Path]:
        return [Path(entry["target"]) for entry in self.entries]

    def restore(self) -> None:
        for entry in self.entries:
            target = Path(entry["target"])
            set_aside = aside(target)
            if entry["replaced"] and set_aside.exists():
                os.replace(set_aside, target)
            elif not entry["replaced"]:
                target.unlink(missing_ok=True)
        self._close()

    def commit(self) -> None:
        for entry in self.entries:
            if entry["replaced"]:
                aside(Path(entry["target"])).unlink(missing_ok=True)
        self._close()

    def settle(self) -> bool:
        """After a load whose end nobody saw (its process was killed, or crashed): keep the uploads if the
        database now holds them, else restore the inbox. True when the load had taken effect."""
        took_effect = self.load_took_effect()
        self.commit() if took_effect else self.restore()
        return took_effect

    def load_took_effect(self) -> bool:
        """A new database file was swapped in and its load log lists every upload with its bytes' hash."""
        if file_identity(self.database) in (None, self.database_before):
            return False
        try:
            with open_read_only(self.database) as connection:
                logged = dict(connection.execute("SELECT file, sha256 FROM load_log").fetchall())
        except duckdb.Error:
            return False
        return all(logged.get(Path(entry["target"]).name) == entry["sha256"] for entry in self.entries)

    def save(self) -> None:
        if self.journal is not None:
            partial = self.journal.with_name(self.journal.name + ".partial")
            partial.write_text(json.dumps({"database": str(self.database), "database_before": self.database_before,
                                           "entries": self.entries}))
            os.replace(partial, self.journal)

    @classmethod
    def from_journal(cls, journal: Path) -> "Placement":
        saved = json.loads(journal.read_text())
        before = tuple(saved["database_before"]) if saved["database_before"] else None
        return cls(Path(saved["database"]), before, saved["entries"], journal)

    def _close(self) -> None:
        if self.journal is not None:
            self.journal.unlink(missing_ok=True)


def aside(target: Path) -> Path:
    """Where a file an upload replaces waits until the load's outcome is known."""
    return target.with_name(f".{target.name}.previous")


def place_in_inbox(uploaded: list[Path], database: Path, journal: Path | None = None) -> Placement:
    """Copy the uploads into the inbox (a file of the same name is set aside, not overwritten). On any
    failure here the inbox is put back before the error is raised."""
    inbox = inbox_dir()
    inbox.mkdir(parents=True, exist_ok=True)
    entries = [{"target": str(inbox / safe_name(path.name)), "replaced": (inbox / safe_name(path.name)).exists(),
                "sha256": file_sha256(path)} for path in uploaded]
    placement = Placement(database, file_identity(database), entries, journal)
    placement.save()
    try:
        for path, target in zip(uploaded, placement.placed):
            if target.exists():
                os.replace(target, aside(target))
            shutil.copyfile(path, target)
    except BaseException:
        placement.restore()
        raise
    return placement


TEMPLATE_NAME = "report-template.xlsx"


def blank_template() -> bytes:
    """A blank workbook of every sheet, with the lists of the programme the loads use (etl/templates.py), as the
    Upload page offers it for download."""
    import io

    from etl.templates import build_workbook, kinds_for

    buffer = io.BytesIO()
    build_workbook(kinds_for("all")).save(buffer)
    return buffer.getvalue()
