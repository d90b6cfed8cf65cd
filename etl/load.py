"""Build a new database file from the inputs, check it, then swap it in atomically.

A load is a full rebuild from the files given: the same inputs always give the same tables. The
new file is written beside the target under a temporary name and only replaces it with
`os.replace` once it has passed every check, so a failed or killed load leaves the previous
database byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

import duckdb
import pyarrow as pa

from . import checks, guard, history, iati, origins, spec, statuses
from .schema import IATI_TABLES, SCHEMA_SETTING, create_schema, create_views, fingerprint, table_columns
from .columnar import FastSheet, validate_fast
from .cross_row import reject_cross_row
from .parts import check_parts
from .phase_countries import check_phase_countries
from .plausibility import CURRENCY_IN_VALUE, FRACTION
from .trajectories import link_trajectories
from .errors import LoadFailed, LoadWarning, StrictRefused, UnreadableFile
from .files import read_file
from .inputs import WORKBOOK_SUFFIXES, XML_SUFFIXES, display_names, input_files, is_mapping_file
from .ooxml import scan_workbook
from .prescan import Prescan
from .reference import Reference, load_reference
from .rules import CONVERSIONS, Rules, derived_sql
from .transform import NO_CURRENCY, Validated, merged_no_currency, validate_sheet


Progress = Callable[[str], None]
# Warnings about a value of one row: left out where the row was rejected anyway (they would only repeat it).
ROW_WARNINGS = {"text kept", "ambiguous number", "ambiguous date", "percentage above 100", "negative value",
                "value from the sign", "percentage format", "scaled format", "number not shown", NO_CURRENCY, FRACTION,
                CURRENCY_IN_VALUE, "struck-through cell", "number shown by size"}
READ_AHEAD = 2  # files read at once, ahead of the one being validated (fastexcel releases the GIL)


@dataclass
class FileSummary:
    file: str
    sha256: str
    rows_loaded: int = 0
    rows_rejected: int = 0


@dataclass
class LoadSummary:
    database: Path
    files: list[FileSummary] = field(default_factory=list)
    rows_by_table: dict[str, int] = field(default_factory=dict)
    rejected: list = field(default_factory=list)
    warnings: list[LoadWarning] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return sum(self.rows_by_table.values())

    @property
    def rows_rejected(self) -> int:
        return len(self.rejected)


def write_reference(connection: duckdb.DuckDBPyConnection, reference: Reference) -> None:
    """The programme (etl/programme.py) and the reference data it uses, as tables: the warehouse describes
    itself, so the dashboard, the pack and the IATI export read the programme from it."""
    programme = reference.programme
    _insert_rows(connection, "programme", [(
        programme.code, programme.title, programme.short_title, programme.board, programme.donor,
        programme.reporting_agency, programme.year_start_month, programme.reporting, programme.start, programme.end,
        programme.earliest_date, programme.latest_date, programme.source, programme.sha256, programme.review,
        programme.review_date, programme.deadline_days)])
    _insert_rows(connection, "reporting_expected",
                 [(kind, scope, n) for n, (kind, scope) in enumerate(
                     [(kind, "country") for kind in programme.expected]
                     + [(kind, "global") for kind in programme.global_expected])])
    _insert_rows(connection, "phases", [(p.code, p.name, p.start, p.end, n, p.year_start_month, p.reporting)
                                        for n, p in enumerate(programme.phases)])
    _insert_rows(connection, "agencies", [(a.code, a.name, a.iati_org, n) for n, a in enumerate(programme.agencies)])
    countries = {country.iso3: country for country in programme.countries}
    _insert_rows(connection, "countries",
                 [(iso3, name, countries[iso3].region, countries[iso3].government_lead, list(countries[iso3].phases),
                   reference.iso2.get(iso3), reference.places[iso3].iso_numeric, reference.places[iso3].latitude,
                   reference.places[iso3].longitude)
                  for iso3, name in sorted(reference.countries.items())])
    _insert_rows(connection, "results_chain", [(r.code, r.level, r.parent, r.title, r.scope, r.lead_agency, r.illustrative,
                                          list(r.sdg_targets), r.assumptions, n) for n, r in enumerate(programme.results)])
    _insert_rows(connection, "outputs",
                 [(code, o["level"], o["lead_agency"], o["title"]) for code, o in reference.outputs.items()])
    _insert_rows(connection, "programme_milestones",
                 [(m.code, m.title, m.phase, m.kind, m.due, n, list(m.other_titles))
                  for n, m in enumerate(programme.milestones)])
    _insert_rows(connection, "dimensions", [(d.code, d.name, list(d.categories), n)
                                            for n, d in enumerate(programme.dimensions)])
    _insert_rows(connection, "recommendation_phases",
                 [(phase, n) for n, phase in enumerate(programme.recommendation_phases)])
    _insert_rows(connection, "periods", [(p.label, p.programme_year, p.half, p.start, p.end,
                                          programme.phase_of(p.phase).year_label(p.programme_year), p.phase)
                                         for p in reference.periods.values()])
    _insert_rows(connection, "fx_rates", [(c, y, str(rate)) for (c, y), rate in sorted(reference.fx_rates.items())])
    _insert_rows(connection, "statuses", statuses.rows())


def _column_expression(sheet: spec.Sheet, name: str, sql_type: str) -> str:
    """How a staging column (etl/rules.py derived_sql) becomes the table's: amounts are staged as whole
    cents, and converted to US cents by DuckDB's integer arithmetic, so that they are exact DECIMALs."""
    sql_type = sql_type.replace(" NOT NULL", "")
    money = {c.key for c in sheet.columns if c.kind == spec.MONEY}
    if name in money or (name.endswith("_usd") and name[:-4] in money):
        cents = f'"{name}_cents"' if name.endswith("_usd") else f'"{name}"'
        return f"CAST(CAST({cents} AS DECIMAL(18,0)) * 0.01 AS {sql_type})"
    if name == "fx_rate":
        return f"CAST(fx_rate_text AS {sql_type})"
    return f'CAST("{name}" AS {sql_type})'


def insert_staged(connection: duckdb.DuckDBPyConnection, sheet: spec.Sheet) -> None:
    """Fill the sheet's table from its staging table (the rows of either lane that broke no rule of
    etl/rules.py), with the columns derived there, in one INSERT ... SELECT."""
    columns = table_columns(sheet)
    names = ", ".join(f'"{name}"' for name, _ in columns)
    expressions = ", ".join(_column_expression(sheet, name, sql_type) for name, sql_type in columns)
    derived = derived_sql(sheet.kind)
    connection.execute(f'INSERT INTO "{sheet.table}" ({names}) SELECT {expressions} FROM ({derived}) AS staged')


def insert_table(connection: duckdb.DuckDBPyConnection, table: str, columns: list[tuple[str, str]],
                 records: list[dict]) -> None:
    if not records:
        return
    names = [name for name, _ in columns]
    arrays = {}
    for name, sql_type in columns:
        values = [record.get(name) for record in records]
        if sql_type.startswith("DECIMAL") or sql_type.startswith("DATE"):
            # Decimal objects travel as text, cast exactly by DuckDB; dates as ISO text
            arrays[name] = pa.array([None if v is None else str(v) for v in values], pa.string())
        else:
            arrays[name] = arrow_column(values, sql_type)
    connection.register("incoming", pa.table(arrays))
    column_list = ", ".join(f'"{n}"' for n in names)
    casts = ", ".join(f'CAST("{name}" AS {sql_type.replace(" NOT NULL", "")})' for name, sql_type in columns)
    connection.execute(f'INSERT INTO "{table}" ({column_list}) SELECT {casts} FROM incoming')
    connection.unregister("incoming")


ARROW_TYPES = {"VARCHAR": pa.string(), "INTEGER": pa.int64(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
               "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"),
               "VARCHAR[]": pa.list_(pa.string())}


def arrow_column(values: list, sql_type: str) -> pa.Array:
    """Python values as an Arrow column for a column of `sql_type` (DuckDB casts it on INSERT): of the type
    the values have, cast to the Arrow type that holds that SQL type where that loses nothing (a safe cast: 1.5
    is never cut to 1), else as they are; mixed values as text. NaN is NULL, as a pandas frame gave it."""
    target = ARROW_TYPES.get(sql_type.replace(" NOT NULL", "").strip())
    try:
        inferred = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        inferred = None
    if inferred is not None:
        try:
            return inferred if target is None else inferred.cast(target)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
            return inferred
    return pa.array([None if value is None else str(value) for value in values], pa.string())


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read(path: Path, name: str, reference: Reference, scans: Future | None = None):
    """(SHA-256, the file's sheets and warnings) of one input, after the size and zip-bomb guard. IATI
    files are streamed into the database by the caller, so only checked here. `scans`: the workbook's
    sheets scanned by the loader's scanning thread (etl/ooxml.py, `scan_workbook`)."""
    guard.check_input(path, name)
    sha256 = file_sha256(path)
    if path.suffix.lower() in XML_SUFFIXES:
        return sha256, None
    return sha256, read_file(path, name, reference, scans)


@dataclass
class Extracted:
    """Everything read from the inputs: validated sheets, IATI rows, per-file summaries, warnings."""

    validated: dict[str, Validated]
    iati_data: iati.IatiData
    summaries: list[FileSummary]
    warnings: list[LoadWarning]

    def rejected(self) -> list:
        rows = [r for result in self.validated.values() for r in result.rejected] + self.iati_data.rejected
        return sorted(rows, key=lambda r: (r.file, r.sheet, r.row))


class ReadAhead:
    """The inputs read in background threads, READ_AHEAD files ahead of the one being validated (fastexcel
    runs outside the GIL, on the second core). A workbook's sheets are scanned (their used range checked)
    before any reader opens them. The scans hold the GIL (regular expressions): one thread runs them in file
    order, so that the first file's is not slowed by the next one's, and each runs while fastexcel reads the
    file before; or, where the command line started them in a child process (etl/prescan.py: `prescan`), they
    are taken from there. A load starts it before it builds the new database, which is set up meanwhile."""

    def __init__(self, files: list[Path], reference: Reference, prescan: Prescan | None = None):
        self.files = [path for path in files if not is_mapping_file(path)]  # read with its delivery report
        self.names = display_names(self.files)
        self.reference = reference
        self._prescan = prescan
        self._scanner = ThreadPoolExecutor(max_workers=1)
        self._reader = ThreadPoolExecutor(max_workers=READ_AHEAD)
        self._first_scan: Future | None = None  # each later scan is released with its file's read
        self._reads: list[Future | None] = [self._start(path) for path in self.files[:READ_AHEAD]]

    def _start(self, path: Path) -> Future:
        name = self.names[path]
        scans = None
        if path.suffix.lower() in WORKBOOK_SUFFIXES:  # scanned ahead by the command line's child, else here
            scan_here = partial(self._scanner.submit, scan_workbook, path, name)
            scans = (self._prescan.scans(path, name, scan_here) if self._prescan else None) or scan_here()
        if scans is not None:
            self._first_scan = self._first_scan or scans
        return self._reader.submit(_read, path, name, self.reference, scans)

    def first_scanned(self) -> None:
        """Wait until the first workbook is scanned (its errors are raised by `result`, in their turn). What
        the caller does next then runs while fastexcel reads (outside the GIL): run alongside the scan (which
        holds it), work that often lets the GIL go (imports, DuckDB statements) waits for it each time."""
        if self._first_scan is not None:
            wait([self._first_scan])

    def __enter__(self) -> "ReadAhead":
        return self

    def result(self, index: int):
        """What `_read` gives of file `index` (from 0), once the next READ_AHEAD files are being read; the file's
        cells are then no longer held here."""
        if index + READ_AHEAD < len(self.files):
            self._reads.append(self._start(self.files[index + READ_AHEAD]))
        try:
            return self._reads[index].result()
        finally:
            self._reads[index] = None

    def __exit__(self, *exception) -> None:
        for pending in self._reads:
            if pending is not None:
                pending.cancel()
        self._reader.shutdown(wait=True)
        self._scanner.shutdown(wait=True, cancel_futures=True)


def extract_and_validate(files: list[Path], reference: Reference, progress: Progress,
                         building: "Building", reads: ReadAhead | None = None) -> Extracted:
    """Read and validate every file into the database being built. Each sheet's parsed rows go to the
    staging tables as it is validated (etl/rules.py: the cross-field rules run there), and the next
    READ_AHEAD files are read meanwhile (ReadAhead: `reads`, started by the caller, for `files`), so memory
    holds three files' rows, not all of them. Once every file is in, the cross-row rules run over staging
    (etl/cross_row.py) and the tables are filled from it."""
    with contextlib.ExitStack() as stack:
        if reads is None:
            reads = stack.enter_context(ReadAhead(files, reference))
        return _extract_and_validate(reads, progress, building)


def _extract_and_validate(reads: ReadAhead, progress: Progress, building: "Building") -> Extracted:
    files, names, reference = reads.files, reads.names, reads.reference
    validated = {sheet.kind: Validated(sheet) for sheet in spec.ALL_SHEETS}
    iati_data = iati.IatiData(sink=building.insert_iati)
    summaries = []
    warnings: list[LoadWarning] = []
    order: list[tuple[str, str]] = []  # (file, sheet) in the order read: the first of two equal keys wins
    for index, path in enumerate(files, start=1):
        progress(f"[{index}/{len(files)}] reading {names[path]}")
        sha256, read = reads.result(index - 1)
        summary = FileSummary(names[path], sha256)
        accepted_by_kind = {kind: result.accepted for kind, result in validated.items()}
        accepted_before = sum(accepted_by_kind.values())
        if read is None:
            count = iati.read_iati(path, names[path], reference, iati_data)
            progress(f"      {count:,} IATI activities")
        else:
            sheets, file_warnings = read
            warnings.extend(file_warnings)
            for raw in sheets:
                order.append((raw.file, raw.sheet))
                with building.writing():  # the parsed rows go to the staging tables
                    if isinstance(raw, FastSheet):
                        progress(f"      {raw.sheet}: validating {raw.row_count:,} rows (column by column)")
                        validate_fast(raw, reference, validated[raw.spec.kind], building.rules)
                    else:
                        progress(f"      {raw.sheet}: validating {len(raw.rows):,} rows")
                        validate_sheet(raw, reference, validated[raw.spec.kind], building.rules)
            del sheets, read  # the file's raw cells are no longer needed
        for result in validated.values():
            if result.accepted > accepted_by_kind[result.sheet.kind]:
                progress(f"writing {result.accepted - accepted_by_kind[result.sheet.kind]:,} rows to "
                         f"staging ({result.sheet.table})")
        summary.rows_loaded = sum(result.accepted for result in validated.values()) - accepted_before
        summaries.append(summary)
    progress("checking for rows that repeat a key")
    removed = building.reject_cross_row(validated, order)
    building.fill_tables(validated)
    warnings.extend(building.check_parts())
    warnings.extend(building.link_trajectories())
    warnings.extend(building.check_phase_countries())
    named = building.currencies_named()
    for result in validated.values():
        # a warning about a value of a row that was rejected anyway would only repeat the rejection
        rejected_at = {(r.file, r.sheet, r.row) for r in result.rejected}
        warnings.extend(merged_no_currency([w for w in result.warnings if w.kind not in ROW_WARNINGS
                                            or (w.file, w.sheet, w.row) not in rejected_at], named))
    warnings.extend(iati_data.warnings)
    by_file = {s.file: s for s in summaries}
    for summary in summaries:
        summary.rows_loaded -= removed[summary.file]
    for result in validated.values():
        for rejected in result.rejected:
            by_file[rejected.file].rows_rejected += 1
    for summary in summaries:
        summary.rows_loaded += iati_data.rows_from(summary.file)
    for rejected in iati_data.rejected:
        by_file[rejected.file].rows_rejected += 1
    return Extracted(validated, iati_data, summaries, warnings)


def lock_path(target: Path) -> Path:
    """The file whose lock a load of `target` holds (beside it: one load at a time per database)."""
    return target.with_name(f".{target.name}.lock")


def building_path(target: Path, pid: int | None = None) -> Path:
    """Where the load run by process `pid` (this one by default) builds the new `target`."""
    return target.with_name(f".{target.name}.building-{pid or os.getpid()}")


# a part-built file, its log or spill folder
BUILDING = re.compile(r"\.building-\d+(?=(?:\.wal|\.tmp)?$)")


def remove_building(path: Path) -> None:
    """A part-built database and what DuckDB keeps beside it: its write-ahead log and its spill folder."""
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)


@contextlib.contextmanager
def exclusive_load(target: Path, progress: Progress):
    """One load at a time per database file. Files left by a load that was killed are removed, since
    no other load can be building while this one holds the lock."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path(target), "w")
    except OSError as error:
        raise LoadFailed(write_problem(target.parent, error)) from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress(f"waiting for another load of {target.name} to finish")
            fcntl.flock(lock, fcntl.LOCK_EX)
        for leftover in target.parent.glob(f".{glob.escape(target.name)}.building-*"):
            found = BUILDING.search(leftover.name)
            if found:  # the part-built file, or what is left of it once it is gone
                remove_building(leftover.with_name(leftover.name[:found.end()]))
        yield


def write_problem(folder: Path, error: BaseException) -> str:
    """What to do when the database folder cannot take a file: a full disk, or a folder that is read-only
    or missing."""
    if getattr(error, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or DISK_FULL.search(str(error)):
        return (f"the disk holding {folder} is full: the new database could not be written there; free space "
                "and load again")
    if isinstance(error, OSError) and error.strerror:
        return (f"cannot write in {folder} ({error.strerror.lower()}): choose a writable folder with --db "
                "(or MM_DB_PATH)")
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"the new database could not be written in {folder} ({first_line}): check the folder and load again"


DISK_FULL = re.compile(r"No space left on device|Disk quota exceeded")
# DuckDB reports a failed write as an I/O error, a fatal error (at a checkpoint) or a failed commit (of its
# write-ahead log): any of those, and any error whose text says a file could not be written.
WRITE_ERRORS = (OSError, duckdb.IOException, duckdb.FatalException)
WRITE_FAILURE = re.compile(r"No space left on device|Disk quota exceeded|Could not write|Read-only file system")


@contextlib.contextmanager
def writing(folder: Path, errors: tuple[type[BaseException], ...] = (OSError, duckdb.Error)):
    """Errors of writing the new database file (a full disk above all) as LoadFailed naming the folder;
    other errors are left as they are. `errors`: the errors that may come of a write in the block."""
    try:
        yield
    except errors as error:
        if isinstance(error, WRITE_ERRORS) or WRITE_FAILURE.search(str(error)):
            raise LoadFailed(write_problem(folder, error)) from None
        raise


class Building:
    """The new database file, written beside the target under a temporary name. `finish` checks it and
    swaps it in; leaving the `with` block any other way deletes it, and the target stays as it was. Errors
    of writing it (a full disk) become LoadFailed naming the folder."""

    def __init__(self, target: Path, reference: Reference, progress: Progress):
        self.target, self.reference, self.progress = target, reference, progress
        self.path = building_path(target)
        self.connection: duckdb.DuckDBPyConnection | None = None
        self.rules: Rules | None = None

    def __enter__(self) -> "Building":
        try:
            with writing(self.target.parent):
                remove_building(self.path)
                self.connection = duckdb.connect(str(self.path))
                create_schema(self.connection)
                write_reference(self.connection, self.reference)
                self.rules = Rules(self.connection, self.reference)
        except BaseException:
            self.__exit__()  # the `with` statement does not call it when entering fails
            raise
        return self

    def writing(self):
        """A block writing to the new file: a full disk becomes LoadFailed naming the folder. It validates a
        sheet into staging, which reads inputs too (the fast lane reads rows again): an OSError is the input's."""
        return writing(self.target.parent, (duckdb.Error,))

    def insert_iati(self, table: str, rows: list[dict]) -> None:
        with writing(self.target.parent):
            insert_table(self.connection, table, list(IATI_TABLES[table]), rows)

    def reject_cross_row(self, validated: dict[str, Validated], order: list[tuple[str, str]]):
        with writing(self.target.parent):
            return reject_cross_row(self.connection, validated, order)

    def fill_tables(self, validated: dict[str, Validated]) -> None:
        """The tables filled from the staging tables, which are then dropped with their database (a warehouse
        does not carry them)."""
        with writing(self.target.parent):
            # Rows are written as they come: the order of a table's rows is not kept (no query relies on it)
            self.connection.execute("SET preserve_insertion_order = false")
            for result in validated.values():
                if result.accepted:
                    self.progress(f"writing {result.accepted:,} rows to {result.sheet.table}")
                    insert_staged(self.connection, result.sheet)
            self.connection.execute("RESET preserve_insertion_order")
            self.rules.drop()

    def check_parts(self) -> list[LoadWarning]:
        """Parts of an indicator's values that do not add up to its total (etl/parts.py)."""
        with writing(self.target.parent):
            return check_parts(self.connection)

    def currencies_named(self) -> dict[tuple[str, str], set[str]]:
        """The currencies of each file and sheet's loaded rows, of the kinds reading an empty Currency cell as a
        default (etl/rules.py, CONVERSIONS): for the warning on such cells (etl/transform.py, merged_no_currency)."""
        found: dict[tuple[str, str], set[str]] = {}
        for kind, conversion in CONVERSIONS.items():
            if conversion.currency_default:
                table = spec.ALL_SHEETS_BY_KIND[kind].table
                for file, sheet, currency in self.connection.execute(
                        f'SELECT DISTINCT source_file, source_sheet, currency FROM "{table}"').fetchall():
                    found.setdefault((file, sheet), set()).add(currency)
        return found

    def check_phase_countries(self) -> list[LoadWarning]:
        """Rows from a country outside their period's phase (etl/phase_countries.py)."""
        with writing(self.target.parent):
            return check_phase_countries(self.connection)

    def link_trajectories(self) -> list[LoadWarning]:
        """Each indicator's line across phases, and the Continues links not found (etl/trajectories.py)."""
        with writing(self.target.parent):
            return link_trajectories(self.connection)

    def finish(self, extracted: Extracted, as_of: dt.date | None, inputs: list[Path],
               build: history.BuildIdentity, strict: bool) -> None:
        with writing(self.target.parent):
            self._finish(extracted, as_of, inputs, build, strict)

    def _finish(self, extracted: Extracted, as_of: dt.date | None, inputs: list[Path],
                build: history.BuildIdentity, strict: bool) -> None:
        connection = self.connection
        # the file says which build it is (etl/history.py), before it is swapped in
        _insert_rows(connection, "settings",
                     [("as_of_date", as_of.isoformat() if as_of else None),
                      ("inputs", json.dumps([str(path.resolve()) for path in inputs])),
                      ("strict", json.dumps(strict)), *build.settings_rows(),
                      (SCHEMA_SETTING, fingerprint())])
        extracted.iati_data.flush()
        _write_log(connection, extracted)
        create_views(connection)
        failures = checks.run_checks(connection)
        if failures:
            raise LoadFailed("the new database failed its checks, so it was not used: " + "; ".join(failures))
        connection.execute("CHECKPOINT")
        connection.close()
        self.connection = None
        _fsync(self.path)
        os.replace(self.path, self.target)
        _fsync(self.target.parent)

    def __exit__(self, *exception) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except duckdb.Error:
                pass  # a connection DuckDB gave up on (a full disk): its file goes all the same
            self.connection = None
        remove_building(self.path)


def _write_log(connection: duckdb.DuckDBPyConnection, extracted: Extracted) -> None:
    loaded_at = dt.datetime.now().replace(microsecond=0)
    _insert_rows(connection, "load_log",
                 [(s.file, s.sha256, loaded_at, s.rows_loaded, s.rows_rejected,
                   "loaded" if not s.rows_rejected else "loaded with rejected rows") for s in extracted.summaries])
    _insert_rows(connection, "rejected_rows",
                 [(p.file, p.sheet, p.row, r.table, p.column, p.found, p.expected, p.message, r.values_json)
                  for r in extracted.rejected() for p in r.problems])
    _insert_rows(connection, "load_warnings",
                 [(w.file, w.sheet, w.row, w.column, w.kind, w.message) for w in extracted.warnings])


def _insert_rows(connection: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert tuples in the table's column order, in one statement (executemany is row by row)."""
    if not rows:
        return
    columns = connection.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position", [table]).fetchall()
    incoming = pa.table({name: arrow_column([row[index] for row in rows], sql_type)
                         for index, (name, sql_type) in enumerate(columns)})
    connection.register("incoming_rows", incoming)
    connection.execute(f'INSERT INTO "{table}" SELECT * FROM incoming_rows')
    connection.unregister("incoming_rows")


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass
class DryRun:
    """What loading some files would do (inspect_inputs): everything read, the rows each table would get from
    each file, and, per file, the sheet kinds and the countries its rows (loaded or rejected) are for."""

    extracted: Extracted
    rows: dict[str, dict[str, int]]
    sheets: list[origins.SheetRows]
    countries: list[origins.CountryRow]


def inspect_inputs(files: list[Path], reference: Reference) -> DryRun:
    """What loading `files` would do, built in a scratch folder and thrown away."""
    with tempfile.TemporaryDirectory() as folder, \
            Building(Path(folder) / "check.duckdb", reference, lambda message: None) as building:
        extracted = extract_and_validate(files, reference, lambda message: None, building)
        rows = {result.sheet.table: dict(building.connection.execute(
                    f'SELECT source_file, count(*) FROM "{result.sheet.table}" GROUP BY source_file').fetchall())
                for result in extracted.validated.values() if result.accepted}
        loaded_sheets = origins.loaded_sheets(building.connection)
        loaded_countries = origins.loaded_countries(building.connection)
    rejected = extracted.rejected()
    return DryRun(extracted, rows, origins.combined_sheets(loaded_sheets, origins.rejected_sheets(rejected)),
                  origins.combined_countries(loaded_countries, origins.rejected_countries(rejected, reference)))


def dry_run(files: list[Path], reference: Reference) -> tuple[Extracted, dict[str, dict[str, int]]]:
    """What loading `files` would do, built in a scratch folder and thrown away: everything read, and the
    rows each table would get from each file."""
    inspected = inspect_inputs(files, reference)
    return inspected.extracted, inspected.rows


def run_load(paths: list[Path], database: Path, *, strict: bool = False, as_of: dt.date | None = None,
             progress: Progress = lambda message: None, programme: Path | None = None, actor: str | None = None,
             kind: str = "board", records_database: Path | None = None,
             prescan: Prescan | None = None) -> LoadSummary:
    """Load `paths` (files or folders) into a new `database`, for the programme file `programme` (default:
    etl.programme.programme_path). Raises UnreadableFile, LoadFailed or ProgrammeError, and then the
    previous database and the records are untouched.

    The build is recorded (etl/history.py) as built by `actor` (default: records.system_user()), of `kind`
    'board' or 'preview', in the records of `records_database` (default: `database` for a board build, the
    configured board warehouse for a preview). When the records cannot be written after the swap, raises
    history.RecordsFailed: the new warehouse is in place. `prescan`: the workbooks' scans, started by the
    command line before its imports (etl/prescan.py)."""
    if kind not in history.KINDS:
        raise ValueError(f"kind is one of {', '.join(history.KINDS)}, not {kind!r}")
    reference = load_reference(programme=programme)
    files = input_files(paths)
    if not files:
        raise LoadFailed("no input files: give .xlsx, .csv or IATI .xml files, or folders holding them")
    records_database = records_database or history.records_database_for(database, kind)
    with exclusive_load(database, progress):
        # the first files are read while the new database is set up
        with ReadAhead(files, reference, prescan) as reads:
            reads.first_scanned()
            with Building(database, reference, progress) as building:
                extracted = extract_and_validate(files, reference, progress, building, reads)
                rejected = extracted.rejected()
                if strict and rejected:
                    raise StrictRefused(f"--strict: {len(rejected)} row(s) rejected, nothing loaded; the first: "
                                     + rejected[0].problems[0].message)
                build = history.identity(database, kind, actor, [s.sha256 for s in extracted.summaries],
                                         records_database)
                building.finish(extracted, as_of, paths, build, strict)
        summary = LoadSummary(database, extracted.summaries, _rows_by_table(extracted, reference), rejected,
                              extracted.warnings)
        history.record_build(database, build, files, summary.rows_loaded, summary.rows_rejected, records_database)
    return summary


def _rows_by_table(extracted: Extracted, reference: Reference) -> dict[str, int]:
    """The tables of the programme's template always; an indicator table and the IATI tables when something
    went into them."""
    rows_by_table = {r.sheet.table: r.accepted for r in extracted.validated.values()
                     if r.sheet in reference.sheets or r.accepted}
    rows_by_table.update({table: count for table, count in extracted.iati_data.rows_by_table.items() if count})
    return rows_by_table


__all__ = ["run_load", "LoadSummary", "UnreadableFile", "LoadFailed"]
