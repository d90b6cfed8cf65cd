"""Loads that must be refused: in a child process with a memory limit, in process with the refusal read
back, the used range a reader would allocate, and crafted workbooks."""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

from etl.__main__ import main
from etl.guard import UsedRange, sheet_parts

from .paths import REPOSITORY

MEMORY_LIMIT = 4 << 30  # the old code asked calamine for 512 GiB: a child fails fast instead of the machine swapping
CELLS_HINT = ("more than 30 million (MM_MAX_CELLS): delete the rows and columns beyond the data (Ctrl+End in Excel "
              "goes to the last cell) and save, or raise MM_MAX_CELLS")
PEAK_RSS_OF_A_LOAD = """
import resource, sys
from etl.__main__ import main
status = main(["load", sys.argv[1], "--db", sys.argv[2], "--quiet"])
print("peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
sys.exit(status)
"""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_process(path: Path, database: Path, **environment: str) -> subprocess.CompletedProcess:
    """`python -m etl load` in a child process with 4 GiB of address space: a file that makes a reader abort
    takes the child, not the test run."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    return subprocess.run([sys.executable, "-m", "etl", "load", str(path), "--db", str(database), "--quiet"],
                          cwd=REPOSITORY, capture_output=True, text=True, timeout=300, preexec_fn=limit,
                          env=dict(os.environ, PYTHONPATH=str(REPOSITORY), **environment))


def assert_refused(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 1, result.stderr[-2000:]
    assert result.stderr.splitlines() == [f"error: {message}", "The previous database was left unchanged."]


def refused(database: Path, path: Path, capsys) -> str:
    status = main(["load", str(path), "--db", str(database), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1, err
    assert "The previous database was left unchanged." in err
    return err


def used_range(path: Path, budget: int, exact: bool = False) -> tuple[int, int, bool]:
    """(rows, columns, whether the exact pass ran) of the first sheet, as etl/ooxml.py feeds the tracker;
    `exact`: the exact pass always."""
    with zipfile.ZipFile(path) as archive:
        part = sheet_parts(archive)[0][1]
        extent = UsedRange(budget)
        carry = b""
        with archive.open(part) as stream:
            for block in iter(lambda: stream.read(4096), b""):  # small blocks: tags cut between blocks
                text = carry + block
                cut = text.rfind(b"<")
                text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
                back = extent.feed(text)
                if back is not None:
                    carry = text[back:] + carry
        extent.needs_exact |= exact
        exact = extent.needs_exact or extent.cells > budget
        extent.settle(lambda: archive.open(part))
        return max(extent.rows, extent.rows_bound), extent.columns, exact


def calamine_range(path: Path) -> tuple[int, int] | None:
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet1")
    except Exception:  # calamine refuses the sheet: it allocates nothing
        return None
    return (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.height else (0, 0)


def huge_range_workbook(path: Path) -> Path:
    """1.5 KB: a sheet not named as a template's but with the Milestones header in row 1 (so it is read cell by
    cell, whole) whose XML holds only that row and cell XFD1048576. A reader that makes a dense grid of the sheet's range asks for 16,384 × 1,048,576 cells
    (512 GiB) and aborts the process."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Results" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            '2006/main"><sheetData><row r="1">' + "".join(
                f'<c r="{column}1" t="inlineStr"><is><t>{header}</t></is></c>'
                for column, header in zip("ABCD", ("Country", "Milestone", "Category", "Due date"))) + '</row>'
            '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'))
    return path
