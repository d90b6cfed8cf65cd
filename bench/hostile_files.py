"""Hostile input files, each loaded by `python -m etl load <file> --db <tmp>` as a whole process.

    .venv/bin/python bench/hostile_files.py [--only NAME ...] [--keep FOLDER]

Every case is written into a temporary folder (or FOLDER) and loaded in a child process limited to 4 GiB of
address space (a case that would take more fails instead of swapping the machine). The table gives the file's
size on disk, the exit status, the wall time, the peak resident memory of the child (from its own rusage) and
the first line of its error.

A case is a (name, writer) pair in CASES: writer(folder) writes one file into the folder and returns its path,
or (path, environment variables for the load). Add a case by appending a pair.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Iterable

REPOSITORY = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 4 << 30  # bytes of address space for each load
TIMEOUT_SECONDS = 600
MEGABYTE = 1 << 20

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


# --- Writers of raw workbooks: what a hostile file can say, which openpyxl would never write ---------------

def write_workbook(path: Path, sheets: list[tuple[str, str | bytes]], *, member_bytes: int = 0) -> Path:
    """A minimal .xlsx whose sheets are the given <worksheet> bodies (the XML inside the root element);
    `member_bytes` pads each sheet's part with spaces after its body to that size."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{WORKSHEET_TYPE}"/>'
                            for i in range(1, len(sheets) + 1))
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>"))
        archive.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
            + "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>' for i, (name, _) in enumerate(sheets, 1))
            + "</sheets></workbook>"))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(sheets) + 1))
            + "</Relationships>"))
        for index, (_, body) in enumerate(sheets, 1):
            body = body.encode() if isinstance(body, str) else body
            with archive.open(f"xl/worksheets/sheet{index}.xml", "w", force_zip64=member_bytes > 1 << 30) as part:
                head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode()
                part.write(head + body)
                written = len(head) + len(body) + len(b"</worksheet>")
                for _ in range(max(member_bytes - written, 0) // MEGABYTE):
                    part.write(b" " * MEGABYTE)
                part.write(b" " * (max(member_bytes - written, 0) % MEGABYTE) + b"</worksheet>")
    return path


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_body(rows: dict[int, str], dimension: str | None = None) -> str:
    """A <worksheet> body: a <dimension> when given, and rows {number: cells XML} in the given order."""
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return head + "<sheetData>" + "".join(f'<row r="{n}">{cells}</row>' for n, cells in rows.items()) + "</sheetData>"


MILESTONES_HEADER = ("Country", "Milestone", "Category", "Due date", "Achieved date")


def milestones_rows() -> list[list[str]]:
    return [list(MILESTONES_HEADER), ["Jamaica", "Budget endorsed", "inception", "2014-04-30", "2014-05-02"]]


# --- The cases ---------------------------------------------------------------------------------------------

def corner_xfd1048576(folder: Path) -> Path:
    """1.5 KB: cells A1 and XFD1048576, which python-calamine and fastexcel place in one dense range."""
    return write_workbook(folder / "corner-xfd1048576.xlsx", [("Sheet1", sheet_body(
        {1: text_cell("A1", "x"), 1048576: text_cell("XFD1048576", "y")}, "A1:XFD1048576"))])


def corner_z200000(folder: Path) -> Path:
    return write_workbook(folder / "corner-z200000.xlsx", [("Sheet1", sheet_body(
        {1: text_cell("A1", "x"), 200000: text_cell("Z200000", "y")}, "A1:Z200000"))])


def lying_dimension(folder: Path) -> Path:
    """The sheet declares A1:B2; its cells reach XFD1048576."""
    return write_workbook(folder / "lying-dimension.xlsx", [("Sheet1", sheet_body(
        {1: text_cell("A1", "x"), 1048576: text_cell("XFD1048576", "y")}, "A1:B2"))])


def rows_out_of_order(folder: Path) -> Path:
    return write_workbook(folder / "rows-out-of-order.xlsx", [("Sheet1", sheet_body(
        {1048576: text_cell("XFD1048576", "y"), 1: text_cell("A1", "x")}))])


def cells_without_r(folder: Path) -> Path:
    """Row 1048576 holds 20,000 cells without an r attribute: each follows the one before it."""
    return write_workbook(folder / "cells-without-r.xlsx", [("Sheet1", sheet_body(
        {1048576: '<c t="inlineStr"><is><t>v</t></is></c>' * 20_000}))])


def duplicate_r(folder: Path) -> Path:
    """A cell with two r attributes, in row 100: calamine takes the last."""
    return write_workbook(folder / "duplicate-r.xlsx", [("Sheet1", sheet_body(
        {1: text_cell("A1", "x"), 100: '<c r="A100" r="XFD1048576" t="inlineStr"><is><t>y</t></is></c>'}))])


def members_150(folder: Path) -> Path:
    """150 sheets of 9.9 MB each (spaces): every part is under the 10 MB above which one part's
    expansion is checked."""
    return write_workbook(folder / "members-150x9.9mb.xlsx",
                          [(f"S{i}", sheet_body({1: text_cell("A1", "x")})) for i in range(1, 151)],
                          member_bytes=int(9.9 * MEGABYTE))


def sheets_1000(folder: Path) -> Path:
    return write_workbook(folder / "sheets-1000.xlsx",
                          [(f"Sheet{i}", sheet_body({1: text_cell("A1", str(i))})) for i in range(1, 1001)])


def long_csv_cell(folder: Path) -> Path:
    """A CSV file of milestones whose third row holds a cell of 200,000 characters."""
    lines = [",".join(row) for row in milestones_rows()] + ["Serbia," + "x" * 200_000 + ",inception,2014-04-30,"]
    path = folder / "long-cell.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def long_csv_cell_per_cell_path(folder: Path) -> tuple[Path, dict[str, str]]:
    path = long_csv_cell(folder)
    return path.rename(folder / "long-cell-per-cell-path.csv"), {"MM_FAST_LANE": "0"}


def zip_bomb(megabytes: int) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / f"zip-bomb-{megabytes}mb.xlsx"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
                for _ in range(megabytes):
                    member.write(b"\0" * MEGABYTE)
        return path
    return write


def columns_16384(folder: Path) -> Path:
    """A milestones sheet of the template whose header and two rows fill every column, A to XFD."""
    def row(number: int, values: list[str]) -> str:
        return "".join(text_cell(f"{column_letters(i + 1)}{number}", value) for i, value in enumerate(values))
    extra = 16_384 - len(MILESTONES_HEADER)
    rows = {1: row(1, list(MILESTONES_HEADER) + [f"Extra {i}" for i in range(extra)])}
    for number, values in enumerate(milestones_rows()[1:] * 2, start=2):
        rows[number] = row(number, values + ["x"] * extra)
    return write_workbook(folder / "columns-16384.xlsx", [("Milestones", sheet_body(rows))])


def iati_results(count: int) -> Callable[[Path], Path]:
    """IATI activity XML: one activity holding `count` results."""
    def write(folder: Path) -> Path:
        path = folder / f"iati-one-activity-{count}-results.xml"
        result = '<result type="1"><title><narrative>Result</narrative></title></result>\n'
        with open(path, "w", encoding="utf-8") as handle:
            handle.write('<?xml version="1.0"?>\n<iati-activities version="2.03"><iati-activity default-currency='
                         '"USD"><iati-identifier>XM-HUGE-1</iati-identifier><reporting-org ref="XM-HUGE" type="10">'
                         '<narrative>Publisher</narrative></reporting-org><title><narrative>One huge activity'
                         '</narrative></title>\n')
            for _ in range(count):
                handle.write(result)
            handle.write("</iati-activity></iati-activities>\n")
        return path
    return write


def iati_long_identifier(folder: Path) -> Path:
    """IATI activity XML: one activity of 2,000 transactions whose iati-identifier has 30,000 characters."""
    path = folder / "iati-long-identifier.xml"
    transaction = ('<transaction><transaction-type code="3"/><transaction-date iso-date="2015-03-01"/>'
                   '<value value-date="2015-03-01">5</value></transaction>\n')
    path.write_text('<?xml version="1.0"?>\n<iati-activities version="2.03"><iati-activity default-currency="USD">'
                    f"<iati-identifier>XM-{'A' * 29_997}</iati-identifier><title><narrative>Long</narrative></title>"
                    + transaction * 2_000 + "</iati-activity></iati-activities>\n", encoding="utf-8")
    return path


def iati_billion_laughs(folder: Path) -> Path:
    """Entity expansion: ten levels of ten references, a billion 'lol's from a few hundred bytes."""
    path = folder / "billion-laughs.xml"
    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><iati-activities version="2.03">'
                    "<iati-activity><iati-identifier>&lol9;</iati-identifier></iati-activity></iati-activities>")
    return path


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- Ways past the used-range check that a review found, and what must keep loading ------------------------

STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"  # Excel's "Strict Open XML Spreadsheet"
STRICT_RELATIONSHIPS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                 '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')


def milestones_cells(*extra_rows: str) -> str:
    """The <sheetData> of a milestones sheet: its header, one row, and `extra_rows` (XML) after them."""
    rows = {number: "".join(text_cell(f"{column_letters(i + 1)}{number}", value) for i, value in enumerate(values))
            for number, values in enumerate(milestones_rows(), start=1)}
    return "<sheetData>" + "".join(f'<row r="{n}">{cells}</row>' for n, cells in rows.items()) + "".join(extra_rows) \
        + "</sheetData>"


FAR_ROW = f'<row r="1048576">{text_cell("XFD1048576", "y")}</row>'  # 512 GiB in calamine's dense range


def write_parts(path: Path, parts: dict[str, str | bytes | Iterable[bytes]], *, main: str = MAIN,
                relationships: str = RELATIONSHIPS) -> Path:
    """A workbook of exactly these parts besides [Content_Types].xml and _rels/.rels; a sheet part given as
    its <worksheet> body (str, starting with '<sheetData' or '<dimension'), or whole (bytes, or blocks)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" '
                                        f'Type="{relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        for name, data in parts.items():
            if isinstance(data, str) and data.startswith(("<sheetData", "<dimension")):
                data = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">{data}</worksheet>'
            with archive.open(name, "w", force_zip64=True) as part:
                for block in [data] if isinstance(data, (str, bytes)) else data:
                    part.write(block.encode() if isinstance(block, str) else block)
    return path


def workbook_xml(sheets: str, *, namespaces: str = f'xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"', extra: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><workbook {namespaces}>{extra}<sheets>{sheets}</sheets></workbook>'


def relationships_xml(*targets: tuple[str, str], kind: str = f"{RELATIONSHIPS}/worksheet") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            + "".join(f'<Relationship Id="{identifier}" Type="{kind}" Target="{target}"/>' for identifier, target in targets)
            + "</Relationships>")


def good_and_evil(path: Path, sheet: str, relations: str) -> Path:
    """A workbook listing `sheet` whose parts are good.xml (two rows) and evil.xml (the far cell too)."""
    return write_parts(path, {"xl/workbook.xml": sheet, "xl/_rels/workbook.xml.rels": relations,
                              "xl/worksheets/good.xml": milestones_cells(),
                              "xl/worksheets/evil.xml": milestones_cells(FAR_ROW)})


def id_prefix_bound_elsewhere(folder: Path) -> Path:
    """r: is bound to another namespace, x: to the relationships one: calamine reads the literal r:id."""
    sheet = (f'<sheet xmlns:x="{RELATIONSHIPS}" xmlns:r="urn:other" name="Milestones" sheetId="1" x:id="rIdGood" '
             'r:id="rIdEvil"/>')
    return good_and_evil(folder / "id-prefix-elsewhere.xlsx", workbook_xml(sheet, namespaces=f'xmlns="{MAIN}"'),
                         relationships_xml(("rIdGood", "worksheets/good.xml"), ("rIdEvil", "worksheets/evil.xml")))


def two_relationship_ids(folder: Path) -> Path:
    """r:id and relationships:id (the latter's prefix bound elsewhere): calamine takes the last."""
    sheet = ('<sheet xmlns:relationships="urn:other" name="Milestones" sheetId="1" r:id="rIdGood" '
             'relationships:id="rIdEvil"/>')
    return good_and_evil(folder / "two-relationship-ids.xlsx", workbook_xml(sheet),
                         relationships_xml(("rIdGood", "worksheets/good.xml"), ("rIdEvil", "worksheets/evil.xml")))


def relationship_id_entity(folder: Path) -> Path:
    """Id="rId1" leads to evil.xml, then Id="rId&#49;" to good.xml: calamine compares raw bytes."""
    return good_and_evil(folder / "relationship-id-entity.xlsx",
                         workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>'),
                         relationships_xml(("rId1", "worksheets/evil.xml"), ("rId&#49;", "worksheets/good.xml")))


def relationship_target_entity(folder: Path) -> Path:
    """Target="worksheets/s&#49;.xml": calamine opens the part of that literal name, not s1.xml."""
    return write_parts(folder / "relationship-target-entity.xlsx", {
        "xl/workbook.xml": workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>'),
        "xl/_rels/workbook.xml.rels": relationships_xml(("rId1", "worksheets/s&#49;.xml")),
        "xl/worksheets/s1.xml": milestones_cells(), "xl/worksheets/s&#49;.xml": milestones_cells(FAR_ROW)})


def sheet_in_defined_name(folder: Path) -> Path:
    """A <sheet> inside a <definedName> is text to calamine: the Milestones it reads is the one after."""
    return good_and_evil(folder / "sheet-in-defined-name.xlsx", workbook_xml(
        '<sheet name="Milestones" sheetId="2" r:id="rIdEvil"/>',
        extra='<definedNames><definedName name="x"><sheet name="Milestones" sheetId="1" r:id="rIdGood"/>'
              '</definedName></definedNames>'),
        relationships_xml(("rIdGood", "worksheets/good.xml"), ("rIdEvil", "worksheets/evil.xml")))


def unreferenced_sheet_part(folder: Path) -> Path:
    """A part in xl/worksheets that no sheet refers to, holding the far cell."""
    path = write_parts(folder / "unreferenced-part.xlsx", {
        "xl/workbook.xml": workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>'),
        "xl/_rels/workbook.xml.rels": relationships_xml(("rId1", "worksheets/sheet1.xml")),
        "xl/worksheets/sheet1.xml": milestones_cells(), "xl/worksheets/spare.xml": milestones_cells(FAR_ROW)})
    return path


def strict_workbook(folder: Path) -> Path:
    """Excel's "Strict Open XML Spreadsheet": other namespaces, the same r:id. Loads."""
    return write_parts(folder / "strict.xlsx", {
        "xl/workbook.xml": workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>',
                                        namespaces=f'xmlns="{STRICT_MAIN}" xmlns:r="{STRICT_RELATIONSHIPS}"'),
        "xl/_rels/workbook.xml.rels": relationships_xml(("rId1", "worksheets/sheet1.xml"),
                                                        kind=f"{STRICT_RELATIONSHIPS}/worksheet"),
        "xl/worksheets/sheet1.xml": milestones_cells()}, main=STRICT_MAIN, relationships=STRICT_RELATIONSHIPS)


def plain_milestones(path: Path, *extra_rows: str, after: str = "") -> Path:
    return write_parts(path, {"xl/workbook.xml": workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>'),
                              "xl/_rels/workbook.xml.rels": relationships_xml(("rId1", "worksheets/sheet1.xml")),
                              "xl/worksheets/sheet1.xml": milestones_cells(*extra_rows) + after})


def patch_entry(path: Path, name: str, change: Callable[[bytearray, int, bool], None]) -> Path:
    """Rewrite the local and central headers of the part `name`: change(data, header offset, central?)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, name_at in ((b"PK\x03\x04", 26), (b"PK\x01\x02", 28)):
        position = 0
        while (position := data.find(signature, position)) >= 0:
            length = struct.unpack_from("<H", data, position + name_at)[0]
            start = position + (30 if signature == b"PK\x03\x04" else 46)
            if data[start:start + length] == encoded:
                change(data, position, signature == b"PK\x01\x02")
            position += 4
    path.write_bytes(bytes(data))
    return path


def lying_part_size(folder: Path) -> Path:
    """The sheet's entry declares (and checksums) only its harmless beginning; the deflate stream goes on to
    the far cell. zipfile stops at the declared size, the Rust readers do not."""
    head = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
            + milestones_cells()[:-len("</sheetData>")]).encode()
    path = write_parts(folder / "lying-size.xlsx", {
        "xl/workbook.xml": workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>'),
        "xl/_rels/workbook.xml.rels": relationships_xml(("rId1", "worksheets/sheet1.xml")),
        "xl/worksheets/sheet1.xml": head + f"{FAR_ROW}</sheetData></worksheet>".encode()})

    def declare_the_head(data: bytearray, at: int, central: bool) -> None:
        struct.pack_into("<I", data, at + (16 if central else 14), zlib.crc32(head))
        struct.pack_into("<I", data, at + (24 if central else 22), len(head))
    return patch_entry(path, "xl/worksheets/sheet1.xml", declare_the_head)


def unmatched_tag(folder: Path) -> Path:
    """'< x/>' after a cell without r in row 40: quick-xml reads it as a nameless tag and goes on."""
    return plain_milestones(folder / "unmatched-tag.xlsx",
                            '<row r="40"><c t="inlineStr"><is><t>no r</t></is></c>< x/></row>', FAR_ROW)


def unclosed_cdata(copies: int) -> Callable[[Path], Path]:
    """A cell without r, then `copies` unclosed CDATA openings: each searched to the end of the part made the
    exact reading quadratic (3.6 KB ran for minutes)."""
    def write(folder: Path) -> Path:
        return plain_milestones(folder / f"unclosed-cdata-{copies}.xlsx",
                                '<row r="40"><c t="inlineStr"><is><t>no r</t></is></c></row>' + "<![CDATA[" * copies)
    return write


def noisy(unit: bytes, megabytes: int) -> Iterable[bytes]:
    """`megabytes` of `unit` repeated, with a comment of random hex every 5,000 bytes that keeps the part's
    compression under the 200 times of the zip-bomb check."""
    piece = unit * (MEGABYTE // len(unit))
    for _ in range(megabytes):
        yield piece + b"<!--" + os.urandom(5_000).hex().encode() + b"-->"


def many_shared_strings(megabytes: int) -> Callable[[Path], Path]:
    """A shared-strings part of `megabytes` of empty strings; a cell refers to the last of them."""
    def write(folder: Path) -> Path:
        count = (MEGABYTE // len(b"<si><t/></si>")) * megabytes
        sheet = milestones_cells(f'<row r="3"><c r="A3" t="s"><v>{count - 1}</v></c></row>')
        strings = itertools.chain([f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()],
                                  noisy(b"<si><t/></si>", megabytes), [b"</sst>"])
        return write_parts(folder / f"shared-strings-{megabytes}mb.xlsx", {
            "xl/workbook.xml": workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>'),
            "xl/_rels/workbook.xml.rels": relationships_xml(("rId1", "worksheets/sheet1.xml")) .replace(
                "</Relationships>", f'<Relationship Id="rId9" Type="{RELATIONSHIPS}/sharedStrings" '
                                    'Target="sharedStrings.xml"/></Relationships>'),
            "xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": strings})
    return write


def large_workbook_part(megabytes: int) -> Callable[[Path], Path]:
    """xl/workbook.xml padded with `megabytes` of <x/> (parsed whole, several times, by the old check)."""
    def write(folder: Path) -> Path:
        head, tail = workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>').split("<sheets>")
        return write_parts(folder / f"workbook-part-{megabytes}mb.xlsx", {
            "xl/workbook.xml": itertools.chain([head.encode()], noisy(b"<x/>", megabytes), [b"<sheets>" + tail.encode()]),
            "xl/_rels/workbook.xml.rels": relationships_xml(("rId1", "worksheets/sheet1.xml")),
            "xl/worksheets/sheet1.xml": milestones_cells()})
    return write


def many_merged_ranges(megabytes: int) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        sheet = itertools.chain([f'<worksheet xmlns="{MAIN}">{milestones_cells()}<mergeCells>'.encode()],
                                noisy(b'<mergeCell ref="C2:C3"/>', megabytes), [b"</mergeCells></worksheet>"])
        return write_parts(folder / f"merged-ranges-{megabytes}mb.xlsx", {
            "xl/workbook.xml": workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>'),
            "xl/_rels/workbook.xml.rels": relationships_xml(("rId1", "worksheets/sheet1.xml")),
            "xl/worksheets/sheet1.xml": sheet})
    return write


def one_cell_many_times(megabytes: int, row: int) -> Callable[[Path], Path]:
    """Row `row` holds C`row` written over and over, `megabytes` of it: within any used range, but parsed
    whole (when among the first 30 rows) or kept cell by cell by the readers."""
    def write(folder: Path) -> Path:
        sheet = itertools.chain([f'<worksheet xmlns="{MAIN}">'.encode()
                                 + milestones_cells()[:-len("</sheetData>")].encode() + f'<row r="{row}">'.encode()],
                                noisy(f'<c r="C{row}"><v>1</v></c>'.encode(), megabytes),
                                [b"</row></sheetData></worksheet>"])
        return write_parts(folder / f"one-cell-{megabytes}mb-in-row-{row}.xlsx", {
            "xl/workbook.xml": workbook_xml('<sheet name="Milestones" sheetId="1" r:id="rId1"/>'),
            "xl/_rels/workbook.xml.rels": relationships_xml(("rId1", "worksheets/sheet1.xml")),
            "xl/worksheets/sheet1.xml": sheet})
    return write


def damaged_stream(folder: Path) -> Path:
    """20 bytes of the list of sheets' deflate stream overwritten: zlib.error escaped as a traceback."""
    path = plain_milestones(folder / "damaged-stream.xlsx")

    def overwrite(data: bytearray, at: int, central: bool) -> None:
        if not central:
            name_length, extra_length = struct.unpack_from("<HH", data, at + 26)
            start = at + 30 + name_length + extra_length
            data[start:start + 20] = b"\xff" * 20
    return patch_entry(path, "xl/workbook.xml", overwrite)


def unknown_compression(folder: Path) -> Path:
    """The list of sheets marked as compressed with method 93 (Zstandard): NotImplementedError escaped."""
    def method_93(data: bytearray, at: int, central: bool) -> None:
        struct.pack_into("<H", data, at + (10 if central else 8), 93)
    return patch_entry(plain_milestones(folder / "unknown-compression.xlsx"), "xl/workbook.xml", method_93)


def encrypted_part(folder: Path) -> Path:
    def encrypted(data: bytearray, at: int, central: bool) -> None:
        offset = at + (8 if central else 6)
        struct.pack_into("<H", data, offset, struct.unpack_from("<H", data, offset)[0] | 1)
    return patch_entry(plain_milestones(folder / "encrypted-part.xlsx"), "xl/workbook.xml", encrypted)


EXPENDITURE_HEADER = ("Country", "Output", "Agency", "Programme year", "Budget", "Funds received", "Expenditure",
                      "Currency")


EXPENDITURE_ROW = ("Serbia", "Output 1", "UNDP", "2015", "1000", "800", "600", "USD")


def long_title(name: str, text: str, sheet: str = "Expenditure") -> Callable[[Path], Path]:
    """An expenditure sheet whose title row is `text` (scale words over and over: each is looked at beside its
    neighbours, which made the reading quadratic), then its header and one row. Loads. A sheet named otherwise
    is recognised by its header: the title was read once for each sheet kind tried."""
    def write(folder: Path) -> Path:
        columns = [column_letters(number) for number in range(1, len(EXPENDITURE_HEADER) + 1)]
        values = EXPENDITURE_ROW
        return write_workbook(folder / f"long-title-{name}.xlsx", [(sheet, sheet_body({
            1: text_cell("A1", text),
            2: "".join(text_cell(f"{column}2", header) for column, header in zip(columns, EXPENDITURE_HEADER)),
            3: "".join(text_cell(f"{column}3", value) for column, value in zip(columns, values))}))])
    return write


def long_title_csv(name: str, text: str, header: tuple[str, ...] = EXPENDITURE_HEADER, below: int = 1,
                   titles: int = 1) -> Callable[[Path], Path]:
    """A CSV file of expenditure under the title `text`, recognised by its header (each sheet kind is tried
    on it, on each of the first rows where `header` is not read; `below`: the header that many times; `titles`:
    that many title rows, each `text` after its number, each read in the context of every row below it). Loads
    where it is read."""
    def write(folder: Path) -> Path:
        path = folder / f"long-title-{name}.csv"
        above = [[text]] if titles == 1 else [[f"{number} {text}"] for number in range(1, titles + 1)]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([*above, *[header] * below, EXPENDITURE_ROW])
        return path
    return write


def empty_far_cells(folder: Path) -> Path:
    """Elements without a value at XFD1048576 (<c ...></c>, <v></v>): calamine places none. Loads."""
    return plain_milestones(folder / "empty-far-cells.xlsx",
                            '<row r="1048576"><c r="XFD1048575" s="1"></c><c r="XFD1048576" s="1"><v></v></c></row>')


def merge_below_the_rows(folder: Path) -> Path:
    """A merged range in the Country column starting below the last row with values. Loads."""
    return plain_milestones(folder / "merge-below.xlsx", after='<mergeCells count="1"><mergeCell ref="A5:A9"/>'
                                                              '</mergeCells>')


CASES: list[tuple[str, Callable[[Path], Path | tuple[Path, dict[str, str]]]]] = [
    ("cells A1 and XFD1048576", corner_xfd1048576),
    ("cells A1 and Z200000", corner_z200000),
    ("dimension A1:B2, a cell at XFD1048576", lying_dimension),
    ("rows out of order (1048576, then 1)", rows_out_of_order),
    ("20,000 cells without r in row 1048576", cells_without_r),
    ("a cell with two r attributes", duplicate_r),
    ("150 parts of 9.9 MB", members_150),
    ("1,000 sheets", sheets_1000),
    ("CSV cell of 200,000 characters", long_csv_cell),
    ("the same, MM_FAST_LANE=0", long_csv_cell_per_cell_path),
    ("zip bomb: one part of 300 MB", zip_bomb(300)),
    ("zip bomb: one part of 1 GB", zip_bomb(1024)),
    ("16,384 columns", columns_16384),
    ("IATI: one activity of 1.5 M results", iati_results(1_500_000)),
    ("IATI: a billion laughs", iati_billion_laughs),
    ("IATI: an identifier of 30,000 characters, 2,000 transactions", iati_long_identifier),
    ("review 1a: r: bound elsewhere, x:id the real one", id_prefix_bound_elsewhere),
    ("review 1b: r:id and relationships:id", two_relationship_ids),
    ("review 1c: relationship Id rId&#49;", relationship_id_entity),
    ("review 1d: target worksheets/s&#49;.xml", relationship_target_entity),
    ("a <sheet> inside a <definedName>", sheet_in_defined_name),
    ("a sheet part no sheet refers to", unreferenced_sheet_part),
    ("Strict Open XML workbook (loads)", strict_workbook),
    ("review 2: a part longer than its entry says", lying_part_size),
    ("review 3: '< x/>' before a far cell", unmatched_tag),
    ("review 4: 20,000 unclosed CDATA", unclosed_cdata(20_000)),
    ("review 5: 100 MB of shared strings", many_shared_strings(100)),
    ("review 5: 500 MB of shared strings", many_shared_strings(500)),
    ("review 5: 50 MB list of sheets", large_workbook_part(50)),
    ("review 5: 100 MB of merged ranges", many_merged_ranges(100)),
    ("review 5: one cell 50 MB over in row 3", one_cell_many_times(50, 3)),
    ("review 5: one cell 50 MB over in row 40", one_cell_many_times(50, 40)),
    ("review 6: a damaged deflate stream", damaged_stream),
    ("review 6: compression method 93", unknown_compression),
    ("an encrypted part", encrypted_part),
    ("a title of 'k€,' 10,000 times (loads)", long_title("k-euro", "k€," * 10_000)),
    ("a title of 'thousands USD; ' 2,000 times (loads)", long_title("thousands-usd", "thousands USD; " * 2_000)),
    ("a title of 'USD 000 000 ' 2,500 times (loads)", long_title("usd-000", "USD 000 000 " * 2_500)),
    ("a title 'Currency: ' and 'k€,' 10,000 times", long_title("currency-k-euro", "Currency: " + "k€," * 10_000)),
    ("a title of 'usd ' 7,500 times (loads)", long_title("usd-lowercase", "usd " * 7_500)),
    ("a title of 'USD '000 exchange rate 1 = 2 KGS ' 900 times (loads)",
     long_title("usd-rate", "USD '000 exchange rate 1 = 2 KGS " * 900)),
    ("a CSV under a title of 'k€,' 10,000 times (loads)", long_title_csv("k-euro", "k€," * 10_000)),
    ("a CSV under a title of 'k€,' 10,000 times, its header not read",
     long_title_csv("k-euro-unread", "k€," * 10_000, tuple(h.replace("Budget", "Budget (x)")
                                                           for h in EXPENDITURE_HEADER))),
    ("a CSV under a title of 'k€,' 10,000 times and 29 rows that may be its header",
     long_title_csv("k-euro-29-rows", "k€," * 10_000, EXPENDITURE_HEADER[:-2], below=29)),
    ("a CSV under 29 title rows of 'k€,' 10,000 times each (loads)",
     long_title_csv("k-euro-29-titles", "k€," * 10_000, titles=29)),
    ("a sheet 'Sheet1' under a title of 'k€,' 10,000 times (loads)", long_title("sheet1-k-euro", "k€," * 10_000,
                                                                                  "Sheet1")),
    ("the same, MM_FAST_LANE=0", lambda folder: (long_title("sheet1-k-euro", "k€," * 10_000, "Sheet1")(folder),
                                                 {"MM_FAST_LANE": "0"})),
    ("empty cells at XFD1048576 (loads)", empty_far_cells),
    ("a merge below the last row (loads)", merge_below_the_rows),
]


# --- Timing a load as a whole process -------------------------------------------------------------------

def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def load_as_process(path: Path, database: Path, environment: dict[str, str] | None = None) -> dict:
    """`python -m etl load path --db database --quiet` in a child process: exit status, wall seconds, the
    child's own peak RSS (MB, from wait4), its output."""
    command = [sys.executable, "-m", "etl", "load", str(path), "--db", str(database), "--quiet"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPOSITORY, stdout=out, stderr=err, preexec_fn=_limit_memory,
                                   env=dict(os.environ, PYTHONPATH=str(REPOSITORY), **(environment or {})))
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > TIMEOUT_SECONDS:
                process.kill()
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {"status": process.returncode, "seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
                "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace")}


def first_error_line(stderr: str) -> str:
    """The ETL's `error:` line; else the first line (a Rust abort's 'memory allocation of … failed'), or the
    last one of a Python traceback."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if not lines:
        return ""
    chosen = next((line for line in lines if line.startswith("error:")), None)
    return chosen or (lines[-1] if lines[0].startswith("Traceback") else lines[0])


def describe_status(status: int) -> str:
    if status < 0:
        return f"{128 - status} ({signal.Signals(-status).name})"
    return str(status)


def run(cases, folder: Path, keep: bool = False) -> list[dict]:
    results = []
    for name, writer in cases:
        written = writer(folder)
        path, environment = written if isinstance(written, tuple) else (written, {})
        measured = load_as_process(path, folder / "hostile.duckdb", environment)
        results.append({"case": name, "file": path.name, "size": path.stat().st_size, **measured})
        print(f"  {name}: {describe_status(measured['status'])} in {measured['seconds']:.2f} s", file=sys.stderr)
        if not keep:
            path.unlink()
    return results


def _size(size: int) -> str:
    return f"{size / MEGABYTE:,.1f} MB" if size >= MEGABYTE else f"{size / 1024:,.1f} KB"


def print_table(results: list[dict], width: int = 110) -> None:
    print("| case | file | size | exit | wall s | peak RSS MB | first line of the error |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        message = first_error_line(r["stderr"]) if r["status"] else "(loaded) " + r["stdout"].splitlines()[0]
        message = message if len(message) <= width else message[:width - 1] + "…"
        print(f"| {r['case']} | {r['file']} | {_size(r['size'])} | {describe_status(r['status'])} | "
              f"{r['seconds']:.2f} | {r['peak_mb']:,.0f} | {message.replace('|', '/')} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None, help="cases whose name contains one of these words")
    parser.add_argument("--keep", type=Path, default=None, help="write the files into this folder (kept)")
    args = parser.parse_args(argv)
    cases = [(n, w) for n, w in CASES if not args.only or any(word.lower() in n.lower() for word in args.only)]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        print_table(run(cases, args.keep, keep=True))
    else:
        with tempfile.TemporaryDirectory(prefix="mm-hostile-") as folder:
            print_table(run(cases, Path(folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
