"""The input files: found in the folders named, and read sheet by sheet, each sheet by the first lane that
takes it. Both lanes have one interface (`Lane`): the fast lane (etl/columnar.py) takes the plain sheets of
our own template, read column by column; the per-cell lane (etl/cells.py) takes every other sheet. The choice
is made here and nowhere else.
"""

from __future__ import annotations

import os
from concurrent.futures import Future
from pathlib import Path
from typing import Protocol

from . import cells, spec
from .columnar import FastSheet, holds_a_header, read_fast, read_fast_csv
from .csv_text import csv_records, decode_text
from .errors import LoadWarning, UnreadableFile
from .layout import HEADER_SEARCH_ROWS, RawSheet, blank_to_none, header_texts, nearest_kind
from .reference import Reference, load_reference
from .title_block import title_context
from .workbook import SheetToRead, read_sheets

FAST_LANE_SWITCH = "MM_FAST_LANE"  # "0": every sheet through the per-cell path (to compare, or to rule it out)

Sheet = RawSheet | FastSheet  # a sheet read, by either lane: etl/load.py validates each as its lane needs


class Lane(Protocol):
    """What a lane does: read a recognised workbook sheet, or a CSV file; None leaves it to the next lane."""

    def read_sheet(self, sheet: SheetToRead) -> Sheet | None: ...

    def read_csv(self, path: Path, file: str, reference: Reference) -> Sheet | None: ...


class FastLane:
    """A plain sheet of the template (no formula, error cell, merged cell or date stored as text, as the
    workbook scan found), read by fastexcel or pyarrow into Arrow columns (etl/columnar.py)."""

    def read_sheet(self, sheet: SheetToRead) -> FastSheet | None:
        if not sheet.scan.plain or sheet.match.delivery_report:
            return None
        names = [(sheet.title, "sheet name"), (Path(sheet.file).stem, "file name")]
        headers = header_texts(sheet.top_rows[sheet.match.index], sheet.match.columns, sheet.match.texts)
        context = title_context(sheet.top_rows[:sheet.match.title_end], names, sheet.spec, sheet.match,
                                sheet.reference, headers)
        if context is None:
            return None  # the title fills a column the sheet lacks: the per-cell path fills it
        fast = read_fast(sheet.path, sheet.file, sheet.title, sheet.spec, sheet.match, sheet.top_rows)
        if fast is not None:
            fast.hidden_rows, fast.percent_rows = sheet.scan.hidden_rows, sheet.scan.percent_rows
            fast.language, fast.decimal_hint = sheet.match.language, sheet.reference.decimal_mark(sheet.match.language)
            fast.context = context
            if holds_a_header(fast, sheet.reference):
                return None  # a second table, or the header repeated: the per-cell path reads it
        return fast

    def read_csv(self, path: Path, file: str, reference: Reference) -> FastSheet | None:
        fast = read_fast_csv(path, file, reference)
        return None if fast is not None and holds_a_header(fast, reference) else fast


class PerCellLane:
    """Any recognised sheet, cell by cell (etl/cells.py)."""

    def read_sheet(self, sheet: SheetToRead) -> RawSheet | None:
        return cells.read_sheet(sheet)

    def read_csv(self, path: Path, file: str, reference: Reference) -> RawSheet | None:
        return cells.read_csv(path, file, reference)


FAST_LANE, PER_CELL_LANE = FastLane(), PerCellLane()


def lanes() -> tuple[Lane, ...]:
    """The lanes a sheet is offered to, in order: the fast lane first, unless $MM_FAST_LANE is '0'."""
    if os.environ.get(FAST_LANE_SWITCH) == "0":
        return (PER_CELL_LANE,)
    return FAST_LANE, PER_CELL_LANE


def read_sheet(sheet: SheetToRead) -> Sheet | None:
    """A recognised workbook sheet, read by the first lane that takes it."""
    for lane in lanes():
        read = lane.read_sheet(sheet)
        if read is not None:
            return read
    return None


def read_workbook(path: Path, display_name: str | None = None, reference: Reference | None = None,
                  scans: Future | None = None) -> tuple[list[Sheet], list[LoadWarning]]:
    """Every recognised sheet of an .xlsx workbook, and warnings. Raises UnreadableFile when it holds none.
    `scans`: the workbook's sheets already scanned (a Future of etl/ooxml.py `scan_workbook`)."""
    return read_sheets(path, display_name or path.name, reference or load_reference(), scans, read_sheet)


def read_csv(path: Path, display_name: str | None = None, reference: Reference | None = None
             ) -> tuple[list[Sheet], list[LoadWarning]]:
    """A CSV file holds one sheet; its kind is recognised from its header. Any line ending (CR, LF, CRLF)."""
    file = display_name or path.name
    reference = reference or load_reference()
    for lane in lanes():
        read = lane.read_csv(path, file, reference)
        if read is not None:
            return [read], []
    raise UnreadableFile(file, "no header row matches any sheet kind (" +
                         ", ".join(s.title for s in spec.ALL_SHEETS) + ")" + _nearest_in_csv(path, file, reference))


def _nearest_in_csv(path: Path, file: str, reference: Reference) -> str:
    """What the CSV file's most header-like row lacks to be of the nearest kind (etl/layout.py, nearest_kind)."""
    rows = blank_to_none(csv_records(decode_text(path.read_bytes(), file), file))[:HEADER_SEARCH_ROWS]
    nearest = nearest_kind(rows, reference)
    return "; " + nearest.describe() if nearest is not None else ""


def read_file(path: Path, display_name: str | None = None, reference: Reference | None = None,
              scans: Future | None = None) -> tuple[list[Sheet], list[LoadWarning]]:
    if path.suffix.lower() == ".csv":
        return read_csv(path, display_name, reference)
    return read_workbook(path, display_name, reference, scans)
