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
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Callable

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
