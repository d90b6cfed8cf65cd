"""Read workbooks into sheets of raw rows, each row keeping its number in the file.

Reading uses python-calamine (a Rust xlsx reader, several times faster than openpyxl on large
files); openpyxl is used for writing templates.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from . import spec
from .errors import UnreadableFile

HEADER_SEARCH_ROWS = 30
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm"}
INPUT_SUFFIXES = WORKBOOK_SUFFIXES | {".csv"}


@dataclass
class RawSheet:
    """One sheet's data rows, as typed in the file, with the positions needed for messages."""

    file: str  # file name as shown in messages
    sheet: str  # sheet name as in the file
    spec: spec.Sheet
    header_row: int
    columns: dict[str, int]  # column key -> position in each row
    headers: dict[str, str]  # column key -> header text as in the file
    rows: list[tuple[int, list[Any]]]  # (row number in the file, cell values)


def normalise_header(text: Any) -> str:
    return " ".join(str(text).replace("_", " ").split()).casefold()


def _header_names(column: spec.Column) -> set[str]:
    return {normalise_header(column.header), normalise_header(column.key)}


def find_header(sheet_spec: spec.Sheet, rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """(index of the header row, column key -> position), or None when no row has every required column."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {normalise_header(cell): position for position, cell in enumerate(row)
                 if cell is not None and str(cell).strip()}
        found = {}
        for column in sheet_spec.columns:
            position = next((names[n] for n in _header_names(column) if n in names), None)
            if position is not None:
                found[column.key] = position
        if all(c.key in found for c in sheet_spec.columns if c.required):
            return index, found
    return None


def _missing_header_reason(sheet_spec: spec.Sheet, rows: list[list[Any]]) -> str:
    best: set[str] = set()
    for row in rows[:HEADER_SEARCH_ROWS]:
        names = {normalise_header(cell) for cell in row if cell is not None}
        present = {c.key for c in sheet_spec.columns if _header_names(c) & names}
        if len(present) > len(best):
            best = present
    missing = [c.header for c in sheet_spec.columns if c.required and c.key not in best]
    return (f"no header row found in the first {HEADER_SEARCH_ROWS} rows: expected the columns "
            + ", ".join(f"'{name}'" for name in missing))


def _raw_sheet(file: str, title: str, sheet_spec: spec.Sheet, rows: list[list[Any]]) -> RawSheet:
    header = find_header(sheet_spec, rows)
    if header is None:
        raise UnreadableFile(file, _missing_header_reason(sheet_spec, rows), title)
    header_index, columns = header
    data = []
    for index in range(header_index + 1, len(rows)):
        values = rows[index]
        if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
            data.append((index + 1, values))
    headers = {key: str(rows[header_index][position]) for key, position in columns.items()}
    return RawSheet(file, title, sheet_spec, header_index + 1, columns, headers, data)


def _blank_to_none(rows: list[list[Any]]) -> list[list[Any]]:
    return [[None if cell == "" else cell for cell in row] for row in rows]


def read_workbook(path: Path, display_name: str | None = None) -> list[RawSheet]:
    """Every known sheet of an .xlsx workbook. Raises UnreadableFile when it holds none."""
    file = display_name or path.name
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises several unrelated types for a damaged file
        raise UnreadableFile(file, f"not a readable Excel workbook ({error})") from None
    sheets = []
    try:
        for title in workbook.sheet_names:
            sheet_spec = spec.sheet_for_title(title)
            if sheet_spec is None:
                continue
            rows = _blank_to_none(workbook.get_sheet_by_name(title).to_python(skip_empty_area=False))
            sheets.append(_raw_sheet(file, title, sheet_spec, rows))
    except UnreadableFile:
        raise
    except Exception as error:
        raise UnreadableFile(file, f"the workbook is damaged ({error})") from None
    finally:
        workbook.close()
    if not sheets:
        expected = ", ".join(f"'{s.title}'" for s in spec.SHEETS)
        raise UnreadableFile(file, f"no known sheet: expected at least one of {expected}; "
                                   f"found {', '.join(repr(t) for t in workbook.sheet_names) or 'none'}")
    return sheets


def read_csv(path: Path, display_name: str | None = None) -> list[RawSheet]:
    """A CSV file holds one sheet; its kind is recognised from its header."""
    file = display_name or path.name
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(file, "the text is neither UTF-8 nor Windows-1252")
    rows = _blank_to_none([list(r) for r in csv.reader(io.StringIO(text, newline=""))])
    for sheet_spec in spec.SHEETS:
        if find_header(sheet_spec, rows) is not None:
            return [_raw_sheet(file, sheet_spec.title, sheet_spec, rows)]
    raise UnreadableFile(file, "no header row matches any sheet kind (" +
                         ", ".join(s.title for s in spec.SHEETS) + ")")


def read_file(path: Path, display_name: str | None = None) -> list[RawSheet]:
    if path.suffix.lower() == ".csv":
        return read_csv(path, display_name)
    return read_workbook(path, display_name)


def input_files(paths: list[Path]) -> list[Path]:
    """The files named, and the workbooks and CSVs inside folders named, in a stable order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
                                and not p.name.startswith(("~$", "."))))
        elif path.exists():
            files.append(path)
        else:
            raise UnreadableFile(str(path), "no such file or folder")
    return files
