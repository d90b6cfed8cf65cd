"""The programme board's pack for a period: one .xlsx, one .pdf and one .pptx (slides) with the same content,
headed with the programme the warehouse was built with."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from etl import database_path, history, records, schema
from etl.programme import ProgrammeError, check_built_with, read_programme
from etl.warehouse import open_read_only
from mm_core import periods, queries

from . import assemble, content, pdf, slides, xlsx
from .publish import PublishError, publish_together


class BoardPackError(Exception):
    """The pack cannot be made: no database, not a warehouse, an unknown period or country, or a file that
    cannot be written."""


def resolve_period(option: str, period_table: pd.DataFrame) -> tuple[str, int]:
    """(half-year, programme year) for a period choice; the dashboard's rule (mm_core.periods)."""
    try:
        return periods.resolve(option, period_table)
    except ValueError as error:
        raise BoardPackError(str(error)) from None


def pack_name(period_option: str, country: str | None = None) -> str:
    """File name stem: 'board-pack-2016-17-H2', 'board-pack-Year-2016-17-JAM'."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", period_option).strip("-")
    return f"board-pack-{slug}" + (f"-{re.sub(r'[^A-Za-z0-9]+', '', country)}" if country else "")


def open_database(database: Path) -> duckdb.DuckDBPyConnection:
    if not Path(database).is_file():
        raise BoardPackError(f"no database at {database}: build one with `python -m etl load …`")
    try:
        connection = open_read_only(database)
        connection.execute("SELECT as_of_date FROM reporting_date").fetchall()
    except duckdb.Error as error:
        raise BoardPackError(f"{database} is not a warehouse built by `python -m etl load`: {error}") from None
    if schema.outdated(connection):
        connection.close()
        raise BoardPackError(schema.outdated_words(str(database)))
    return connection


def collect(connection: duckdb.DuckDBPyConnection, period: str, country: str | None = None,
            database: Path | None = None) -> content.BoardPack:
    period_table = queries.periods(connection)
    half_year, programme_year = resolve_period(period, period_table)
    if country is not None:
        names = content.country_names(connection)
        if country not in names:
            raise BoardPackError(f"unknown country '{country}': choose from " + ", ".join(names))
    scope = queries.Scope(period=half_year, programme_year=programme_year, country=country)
    return assemble.collect(connection, scope, period.strip(), database)


def check_programme(connection: duckdb.DuckDBPyConnection, programme: Path, database: Path) -> None:
    """The warehouse must have been built with the programme file `programme` (the same bytes): a pack of its
    figures under another programme's titles, board and phases would be wrong."""
    try:
        check_built_with(queries.programme(connection), read_programme(Path(programme)), database)
    except ProgrammeError as error:
        raise BoardPackError(str(error)) from None
    except duckdb.Error as error:
        raise BoardPackError(f"{database} holds no programme (built by an older version?): rebuild it with "
                             f"`python -m etl load …` ({error})") from None


def build_board_pack(database: Path, period: str, out_dir: Path, *, country: str | None = None,
                     programme: Path | None = None, actor: str | None = None) -> tuple[Path, Path, Path]:
    """Write <out_dir>/board-pack-<period>.xlsx, .pdf and .pptx (slides) for the period (e.g. '2016/17 H2' or
    'Year 2016/17'); returns the three paths. With `country` (an ISO-3 code or GLOBAL) the pack covers that country only. With
    `programme` (a programme file) the warehouse must have been built with that file. Each file is recorded as
    exported by `actor` (default: records.system_user()) in the warehouse's audit trail."""
    connection = open_database(Path(database))
    try:
        if programme is not None:
            check_programme(connection, programme, Path(database))
        pack, paths = _write(connection, period, out_dir, country, Path(database))
    finally:
        connection.close()
    for path in paths:
        record_export(Path(database), pack.load_id, path.name, actor or records.system_user())
    return paths


def record_export(database: Path | None, load_id: str | None, file_name: str, actor: str) -> None:
    """The audit line of a pack's file given to someone: 'exported', object 'build <load id>' (the warehouse it
    was made from), detail its format and name. The command line writes it as it writes the files; the
    dashboard when a file is downloaded (its button's on_click), not when the pack is prepared."""
    try:
        history.record_export(Path(database or database_path()), load_id, actor, Path(file_name).suffix.lstrip("."),
                              file_name)
    except history.RecordsFailed as error:
        raise BoardPackError(f"the pack was written, but {error}") from None


def write_board_pack(connection: duckdb.DuckDBPyConnection, period: str, out_dir: Path, *,
                     country: str | None = None, database: Path | None = None) -> tuple[Path, Path, Path]:
    """The same from an open connection (the dashboard passes its snapshot's cursor) to (a snapshot of) the
    warehouse `database` (default: the configured one), whose records hold the packs made before. Records no
    export: the caller does when the files are given to someone (record_export).

    The files are written under temporary names and then renamed into place together: on any failure
    no new file is left, and an older pack of the same name stays as it was.
    """
    return _write(connection, period, out_dir, country, database)[1]


def _write(connection: duckdb.DuckDBPyConnection, period: str, out_dir: Path, country: str | None,
           database: Path | None) -> tuple[content.BoardPack, tuple[Path, Path, Path]]:
    pack = collect(connection, period, country, database)
    out_dir = Path(out_dir)
    _make_folder(out_dir)
    stem = pack_name(period, country)
    paths = (out_dir / f"{stem}.xlsx", out_dir / f"{stem}.pdf", out_dir / f"{stem}.pptx")
    try:
        publish_together([(paths[0], lambda path: xlsx.write_workbook(pack, path)),
                          (paths[1], lambda path: pdf.write_pdf(pack, path)),
                          (paths[2], lambda path: slides.write_slides(pack, path))])
    except PublishError as error:
        raise BoardPackError(f"{error} (no file of the pack was written or replaced)") from error
    return pack, paths


def _make_folder(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise BoardPackError(f"{out_dir} is a file: the pack needs a folder to write its files into")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BoardPackError(f"cannot create the folder {out_dir}: {error.strerror or error}") from None
