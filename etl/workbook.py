"""Walk the sheets of an .xlsx workbook: open it (python-calamine), scan every sheet before any reader opens
it (etl/ooxml.py), recognise each sheet from its first 30 rows read from the XML alone (etl/xlsx_rows.py,
etl/layout.py), say why a sheet is not loaded, and hand each recognised sheet to the lane that reads it
(etl/files.py chooses). A sheet that is not recognised, or hidden, is never read whole.
"""

from __future__ import annotations

import contextlib
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from . import guard, spec
from .errors import QUOTED_LENGTH, LoadWarning, UnreadableFile, quoted
from .layout import HEADER_SEARCH_ROWS, HeaderMatch, NearestKind, nearest_kind, recognise_sheet
from .ooxml import (DATE, DEFAULT_STYLE, DURATION, MONTH, SheetScan, cell_styles, column_letters, percent_styles,
                    scan_sheet, sheet_parts_by_name)
from .parse import clean_text
from .reference import Reference
from .xlsx_rows import read_rows

TEMPLATE_HELPER_SHEETS = {"guide", "lists"}  # the template's own sheets that hold no data

Read = TypeVar("Read")


@dataclass(frozen=True)
class SheetToRead:
    """A visible sheet, scanned and recognised from its first rows, not yet read: what a lane is given."""

    path: Path
    file: str  # file name as shown in messages
    title: str  # sheet name as in the file
    spec: spec.Sheet
    match: HeaderMatch
    top_rows: list[list[Any]]  # the first 30 rows, read from the XML
    scan: SheetScan
    workbook: CalamineWorkbook  # open while the sheet is read
    reference: Reference


def read_sheets(path: Path, file: str, reference: Reference, scans: Future | None,
                read: Callable[[SheetToRead], Read | None]) -> tuple[list[Read], list[LoadWarning]]:
    """Every recognised sheet of an .xlsx workbook, as `read` gives it back (None: not loaded), and warnings.
    Raises UnreadableFile when it holds none.

    Each sheet is scanned (etl/guard.py checks its used range; hidden rows, formulas, errors) before any
    reader opens it: by `scans` (a Future of `scan_workbook`) when given, else here, one sheet ahead of
    fastexcel reading the sheet before."""
    if scans is None:  # the loader checked the container before; a caller of this function alone has not
        guard.check_workbook_container(path, file)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several unrelated types for a damaged file
        raise UnreadableFile(file, f"not a readable Excel workbook ({error})") from None
    sheets: list[Read] = []
    warnings: list[LoadWarning] = []
    nearest: list[tuple[str, NearestKind]] = []  # (sheet, the kind it comes nearest to) of each sheet not recognised
    scanner = ThreadPoolExecutor(max_workers=1)  # a sheet is scanned while fastexcel (no GIL) reads the one before
    stack = contextlib.ExitStack()
    try:
        titles = [metadata.name for metadata in workbook.sheets_metadata]
        long = next((title for title in titles if len(title) > QUOTED_LENGTH), None)
        if long is not None:  # Excel's are 31 characters at most; a long one would be said in every row's message
            raise UnreadableFile(file, f"a sheet's name is {len(long):,} characters long ({quoted(long)}), over the "
                                       f"{QUOTED_LENGTH} a message can say: rename it")
        twice = next((title for index, title in enumerate(titles) if title in titles[:index]), None)
        if twice is not None:
            raise UnreadableFile(file, f"two sheets are named '{twice}': rename one of them")
        archive = stack.enter_context(zipfile.ZipFile(path))  # for the first rows of every sheet
        parts = sheet_parts_by_name(archive)
        styles = cell_styles(archive)  # once for the workbook, not once a sheet
        kinds = styles.kinds
        if scans is not None:
            scan_of = scans.result().get  # raises when a sheet is over the cell budget
        else:
            percent, struck = percent_styles(archive, kinds), styles.struck
            futures = {name: scanner.submit(scan_sheet, path, part, file, name, percent, struck)
                       for name, part in parts.items()}
            others = [scanner.submit(scan_sheet, path, part, file, part, frozenset())
                      for part in guard.unreferenced_sheet_parts(archive, parts.values())]
            for checked in others:
                checked.result()
            scan_of = lambda name: futures[name].result() if name in futures else None  # noqa: E731
        for metadata in workbook.sheets_metadata:
            found = _recognised(path, file, reference, workbook, metadata, scan_of(metadata.name), warnings,
                                (archive, parts.get(metadata.name)), nearest)
            sheet = read(found) if found is not None else None
            if sheet is not None:
                sheets.append(sheet)
                if len(kinds) > DEFAULT_STYLE and kinds[DEFAULT_STYLE] in (DATE, MONTH, DURATION):
                    warnings.append(_normal_style_warning(file, found.title, kinds[DEFAULT_STYLE]))
                warnings.extend(_hidden_column_warnings(found))
    except UnreadableFile:
        raise
    except MemoryError:
        raise UnreadableFile(file, guard.OUT_OF_MEMORY) from None
    except Exception as error:
        raise UnreadableFile(file, f"the workbook is damaged ({guard.describe_error(error)})") from None
    finally:
        scanner.shutdown(wait=True, cancel_futures=True)
        stack.close()
        workbook.close()
    if not sheets:
        expected = ", ".join(f"'{s.title}'" for s in reference.sheets)
        raise UnreadableFile(file, f"no known sheet: expected at least one of {expected}; "
                                   f"found {', '.join(repr(t) for t in workbook.sheet_names) or 'none'} "
                                   "(nor a sheet whose header row matches one of them, or an indicator table)"
                                   + _nearest(nearest))
    return sheets, warnings


def _normal_style_warning(file: str, title: str, kind: str) -> LoadWarning:
    """A workbook whose Normal style (the style of a cell without one of its own) is a date or a duration: Excel
    shows such a cell's number as one, calamine reads the number. Read as stored, and said: nothing tells whether
    the person meant the number or what Excel shows (a date column's numbers are its dates either way)."""
    one, many = ("duration", "durations (hours:minutes)") if kind == DURATION else ("date", "dates")
    return LoadWarning(file, title, None, None, "Normal style not a number",
                       f"the workbook's Normal style shows numbers as {many}: a number in a cell with no style of its "
                       f"own is read as the number it holds, not as the {one} Excel shows for it (a cell set to the "
                       f"Normal style itself is read as the {one}); check such amounts and values in Excel (format "
                       "their cells as numbers)")


def _hidden_column_warnings(found: SheetToRead) -> list[LoadWarning]:
    """A column the sheet reads that is hidden in Excel is read all the same (a hidden row is not: a row is a
    record, a column often a sheet's own workings), and said, at its header."""
    header = found.top_rows[found.match.index] if found.match.index < len(found.top_rows) else []
    said = []
    for position in sorted(found.match.used_positions):
        if any(first <= position + 1 <= last for first, last in found.scan.hidden_columns):
            named = found.match.texts.get(position) or (clean_text(header[position]) if position < len(header) else "")
            said.append(LoadWarning(found.file, found.title, found.match.index + 1, named or column_letters(position),
                                    "hidden column", "the column is hidden in Excel, and its values are loaded: "
                                    "unhide it to check them"))
    return said


def _nearest(nearest: list[tuple[str, NearestKind]]) -> str:
    """What the sheet nearest to a known kind lacks, for the message that no sheet is known."""
    if not nearest:
        return ""
    title, best = max(nearest, key=lambda found: found[1].score)
    return "; " + best.describe(title)


def _recognised(path: Path, file: str, reference: Reference, workbook: CalamineWorkbook, metadata,
                scan: SheetScan | None, warnings: list[LoadWarning], opened: tuple[zipfile.ZipFile, str | None],
                nearest: list[tuple[str, NearestKind]]) -> SheetToRead | None:
    """One sheet, scanned, recognised from its first 30 rows read from the XML alone; None for a sheet not
    loaded (with a warning, and in `nearest` the kind it comes nearest to)."""
    title = metadata.name
    if scan is None:
        raise UnreadableFile(file, f"the workbook is damaged (no part holds the sheet '{title}')")
    archive, part = opened
    top = read_rows(path, title, first=HEADER_SEARCH_ROWS, archive=archive, part=part)
    top_rows = [list(top.get(number, [])) for number in range(1, max(top, default=0) + 1)]
    recognised = recognise_sheet(file, title, top_rows, reference)
    if recognised is None:
        near = nearest_kind(top_rows, reference) if title.casefold() not in TEMPLATE_HELPER_SHEETS else None
        if near is not None:
            nearest.append((title, near))
        if title.casefold() not in TEMPLATE_HELPER_SHEETS and metadata.visible == SheetVisibleEnum.Visible:
            warnings.append(LoadWarning(file, title, None, None, "sheet skipped",
                                        "neither its name nor a header row matches a known sheet, "
                                        "so it was not loaded"))
        return None
    if metadata.visible != SheetVisibleEnum.Visible:
        warnings.append(LoadWarning(file, title, None, None, "hidden sheet",
                                    f"a hidden sheet holding {recognised[0].title!r} rows, not loaded: "
                                    "unhide it in Excel to load it"))
        return None
    return SheetToRead(path, file, title, *recognised, top_rows, scan, workbook, reference)
