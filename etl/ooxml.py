"""The plumbing of an .xlsx workbook: its zip parts, the positions of cells, the names of elements, and the
scan of a sheet's bytes that tells what calamine does not (hidden rows, error cells, formulas saved
uncalculated) and whether the sheet is plain enough for the fast lane. Parts are found and streamed through
etl/guard.py, which checks each sheet's used range before any reader opens it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree as SafeElementTree

from . import guard

HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
ROW_NUMBER = re.compile(rb'\br="(\d+)"')
CELL_MARKERS = (b't="e"', b"<f>", b"<f ", b"<f/>", b":f>", b":f ")
MERGED = (b"<mergeCell ", b"<mergeCell>", b":mergeCell ")
MERGE_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?mergeCell[\s/>]")
# Texts fastexcel reads as an empty cell (pandas' missing-value markers) or as a number ('nan') in a
# column of numbers or dates; in a column of texts they stay texts.
FASTEXCEL_EMPTY_TEXTS = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                         "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
MARKER_TEXTS = tuple(f">{text}</t>".encode() for text in FASTEXCEL_EMPTY_TEXTS) + (b"<t/>", b">&lt;NA&gt;</t>")
# A text can also be written with character references (&#78;), Excel's _xHHHH_ escapes or in rich-text runs
# (<r><t>N/</t></r><r><t>A</t></r>): where any of those appears, any text may be a marker.
MARKER_DISGUISES = (b"&#", b"_x", b"<r>", b"<r ", b":r>", b":r ")


@dataclass
class SheetScan:
    """What calamine does not tell: hidden rows, cells holding Excel errors, formulas saved uncalculated;
    and whether the sheet is plain enough for the fast lane (etl/columnar.py): no formula, error cell or
    merged cell, nor date stored as text (t="d")."""

    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row index, column index) -> #DIV/0!
    uncalculated: list[tuple[int, int]] = field(default_factory=list)
    plain: bool = False


def cell_position(reference: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", reference)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


def column_letters(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts_by_name(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the archive, found as calamine finds it (etl/guard.py, `sheet_parts`):
    the first sheet of a name, the part's name matched regardless of case."""
    parts: dict[str, str] = {}
    for name, part in guard.sheet_parts(archive):
        if part is not None:
            parts.setdefault(name, part)
    return parts


def _byte_scan(archive: zipfile.ZipFile, part: str, scan: SheetScan, extent: guard.UsedRange, file: str) -> bool:
    """Hidden rows from the raw bytes (a regular expression over <row> tags, run only on blocks that have
    one, far cheaper than parsing); the sheet's used range (`extent`, etl/guard.py), which also finds the
    formulas, error cells and dates stored as text of a sheet whose tags have no prefix; whether the sheet
    is plain; the merged ranges (`extent.merges`); returns whether any cell holds an error or a formula, which
    needs the XML parsed. Each search is a pass over a megabyte block, so a block is searched for a few short
    marks, and for the exact ones only where a mark is found. The part is read as the Rust readers unzip it
    (etl/guard.py, `PartStream`)."""
    cells_to_parse = merged = iso_dates = False
    prefixed = None  # whether the tags carry a namespace prefix (<x:f>), known from the <sheetData> tag
    carry = b""
    with guard.PartStream(archive, part, file) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            text = carry + block
            cut = text.rfind(b"<")  # an element may straddle two blocks: keep its start for the next one
            text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            if prefixed is None and b"sheetData" in text:
                prefixed = b"<sheetData" not in text
                extent.needs_exact |= prefixed  # the quick bounds know unprefixed tags only
            if prefixed is False and not extent.needs_exact:
                back = extent.feed(text)
                if back is not None:  # a cell tag at the end of the block goes on in the next one
                    text, carry = text[:back], text[back:] + carry
            if b"hidden=" in text:
                for match in HIDDEN_ROW.finditer(text):
                    number = ROW_NUMBER.search(match.group(0))
                    if number:
                        scan.hidden_rows.add(int(number.group(1)))
            if prefixed is not False or extent.needs_exact:  # what the used range did not look for
                if not cells_to_parse and (b"<f" in text or b't="e"' in text
                                           or prefixed is not False and b":f" in text):
                    cells_to_parse = any(marker in text for marker in CELL_MARKERS)
                iso_dates = iso_dates or b't="d"' in text  # dates stored as text: calamine and fastexcel differ
            if b"mergeCell" in text:
                merged = merged or any(marker in text for marker in MERGED)
                extent.merges += len(MERGE_TAG.findall(text))
    if carry and guard.CELL_TAG.search(carry):
        extent.needs_exact = True  # a cell tag the file ends in the middle of
    cells_to_parse = cells_to_parse or extent.formulas or extent.errors
    iso_dates = iso_dates or extent.dates
    scan.plain = not (cells_to_parse or merged or iso_dates)
    return cells_to_parse


def has_marker_texts(path: Path, sheet: str) -> bool:
    """Whether the sheet (or the shared strings) may hold a text fastexcel reads as an empty cell in a
    column of numbers or dates ('N/A', 'null', ...); when unsure (escaped or rich text), yes. Read only
    when such a column has empty cells."""
    with zipfile.ZipFile(path) as archive:
        parts = [sheet_parts_by_name(archive).get(sheet), guard.member_name(archive, "xl/sharedStrings.xml")]
        for part in (p for p in parts if p):
            carry = b""
            with archive.open(part) as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    text = carry + block
                    if any(marker in text for marker in MARKER_TEXTS + MARKER_DISGUISES):
                        return True
                    carry = text[-64:]
    return False


def scan_sheet(path: Path, part: str, file: str, sheet: str) -> SheetScan:
    """What calamine does not report about one sheet: hidden rows, error cells and formulas saved
    uncalculated; after its used range is checked against $MM_MAX_CELLS (raises UnreadableFile), before any
    reader opens the sheet. Bounded memory: bytes are read in blocks, and the XML is only parsed (streamed)
    when it has error cells or formulas."""
    scan = SheetScan()
    with zipfile.ZipFile(path) as archive:
        extent = guard.UsedRange(guard.max_cells(), archive.getinfo(part).file_size)
        cells_to_parse = _byte_scan(archive, part, scan, extent, file)
        extent.settle(lambda: guard.PartStream(archive, part, file))
        extent.check(file, sheet)
        if not cells_to_parse:
            return scan
        with guard.PartStream(archive, part, file) as stream:
            for _, element in SafeElementTree.iterparse(stream, events=("end",)):
                if local_name(element.tag) != "row":
                    continue
                namespace = element.tag[:-3]  # '{...}row' -> '{...}'
                for cell in element:
                    value = cell.find(namespace + "v")
                    if cell.get("t") == "e" and value is not None and value.text:
                        scan.errors[cell_position(cell.get("r"))] = value.text.strip()
                    elif cell.find(namespace + "f") is not None and (value is None or not value.text):
                        scan.uncalculated.append(cell_position(cell.get("r")))
                element.clear()
    return scan


def scan_sheets(path: Path, file: str | None = None) -> dict[str, SheetScan]:
    """`scan_sheet` for every sheet of the workbook, one after the other; then the used range of the parts
    in the sheet folders that no sheet refers to (etl/guard.py, `unreferenced_sheet_parts`)."""
    file = file or path.name
    with zipfile.ZipFile(path) as archive:
        guard.check_part_names(archive, file)
        parts = sheet_parts_by_name(archive)
        others = guard.unreferenced_sheet_parts(archive, parts.values())
    scans = {name: scan_sheet(path, part, file, name) for name, part in parts.items()}
    for part in others:
        scan_sheet(path, part, file, part)
    return scans


def scan_workbook(path: Path, file: str) -> dict[str, SheetScan]:
    """What `read_workbook` needs before a reader opens any sheet: the workbook's container checked
    (etl/guard.py: size, zip bomb, sheets), then every sheet scanned. The loader runs it in one thread for
    the files it reads, in their order (`read_workbook(..., scans=)`)."""
    guard.check_input(path, file)
    return scan_sheets(path, file)
