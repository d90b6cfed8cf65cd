"""Cheap hostile files that cost a process, minutes or a traceback: each is refused with one line naming the
file (and sheet or row), exit status 1, and the previous database survives byte for byte. The files are
written by bench/hostile_files.py, which times them as whole processes."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

import etl.workbook
from bench import hostile_files as hostile
from etl.__main__ import main
from etl.errors import UnreadableFile
from etl.files import read_workbook
from etl.load import run_load

from .helpers.loading import CELLS_HINT, assert_refused, calamine_range, load_process, sha256, used_range
from .helpers.paths import REPOSITORY
from .helpers.rows import good_rows

pytestmark = pytest.mark.slow  # hostile-file hardening: crafted workbooks, child processes, full disks


# --- A sheet's used range, before any reader allocates it --------------------------------------------------

def prefixed_far_cell(folder: Path) -> Path:
    """<y:c> is a cell to calamine whatever the prefix, declared or not."""
    return hostile.write_workbook(folder / "prefixed.xlsx", [("Sheet1", hostile.sheet_body(
        {1: hostile.text_cell("A1", "x"), 5: '<y:c r="XFD1048576" t="inlineStr"><is><t>y</t></is></y:c>'}))])


def lower_case_far_cell(folder: Path) -> Path:
    return hostile.write_workbook(folder / "lower-case.xlsx", [("Sheet1", hostile.sheet_body(
        {1: hostile.text_cell("A1", "x"), 40: '<c r="xfd1048576" t="inlineStr"><is><t>y</t></is></c>'}))])


def spaced_second_r(folder: Path) -> Path:
    return hostile.write_workbook(folder / "spaced-r.xlsx", [("Sheet1", hostile.sheet_body(
        {1: hostile.text_cell("A1", "x"), 40: "<c r='A40' s=\"1\"\n r = 'XFD1048576'><v>1</v></c>"}))])


@pytest.mark.parametrize("writer, reference", [
    (hostile.corner_xfd1048576, "A1:XFD1048576"),
    (hostile.lying_dimension, "A1:XFD1048576"),
    (hostile.rows_out_of_order, "A1:XFD1048576"),
    (hostile.duplicate_r, "A1:XFD1048576"),
    (prefixed_far_cell, "A1:XFD1048576"),
    (lower_case_far_cell, "A1:XFD1048576"),
    (spaced_second_r, "A1:XFD1048576"),
])
def test_a_sheet_whose_cells_reach_far_is_refused_before_a_reader_allocates_it(existing, tmp_path, writer,
                                                                                reference):
    database, before = existing
    path = writer(tmp_path)
    result = load_process(path, database)
    assert_refused(result, f"{path.name} › Sheet1: used range {reference} is 17 billion cells, {CELLS_HINT}")
    assert sha256(database) == before


def test_a_row_of_more_cells_than_excel_has_columns_is_refused(existing, tmp_path):
    """20,000 cells without r in row 1048576 (A1:ACOF1048576, 21 billion cells): no row of a spreadsheet
    program holds more than 16,384 cells, and reading such a row whole is what costs (etl/xlsx_rows.py)."""
    database, before = existing
    path = hostile.cells_without_r(tmp_path)
    assert_refused(load_process(path, database), f"{path.name} › Sheet1: its XML holds a row of more than 16,384 "
                   "cells, which no spreadsheet program writes: open the file in Excel or LibreOffice and save it again")
    assert sha256(database) == before


def test_column_letters_of_the_cells_without_r():
    from etl.guard import column_letters

    assert column_letters(20_000) == "ACOF" and column_letters(16_384) == "XFD" and column_letters(27) == "AA"


def test_the_declared_dimension_alone_allocates_nothing_and_is_not_trusted(tmp_path):
    """calamine sizes its range from the cells, not from <dimension>: a sheet declaring A1:XFD1048576 over
    two cells is read as two cells (and one declaring A1:B2 over a far cell is refused, above)."""
    column_letters = hostile.column_letters
    path = hostile.write_workbook(tmp_path / "declared.xlsx", [("Milestones", hostile.sheet_body(
        {1: "".join(hostile.text_cell(f"{column_letters(i + 1)}1", h) for i, h in enumerate(hostile.MILESTONES_HEADER)),
         2: "".join(hostile.text_cell(f"{column_letters(i + 1)}2", v) for i, v in
                    enumerate(hostile.milestones_rows()[1]))}, "A1:XFD1048576"))])
    assert run_load([path], tmp_path / "w.duckdb").rows_by_table["milestones"] == 1


def test_the_budget_is_mm_max_cells(write_workbook, database, monkeypatch):
    path = write_workbook(good_rows(), name="good.xlsx")
    guide = openpyxl.load_workbook(path)["Guide"]  # the largest sheet, the template's guide: A1:E<one per column>
    cells, last = guide.max_row * guide.max_column, f"{get_column_letter(guide.max_column)}{guide.max_row}"
    monkeypatch.setenv("MM_MAX_CELLS", str(cells - 1))
    with pytest.raises(UnreadableFile) as refused:
        run_load([path], database)
    assert str(refused.value) == (f"good.xlsx › Guide: used range A1:{last} is {cells} cells, more than {cells - 1} "
                                  "(MM_MAX_CELLS): delete the rows and columns beyond the data (Ctrl+End in Excel goes "
                                  "to the last cell) and save, or raise MM_MAX_CELLS")
    monkeypatch.setenv("MM_MAX_CELLS", str(cells))
    assert run_load([path], database).rows_loaded


class RecordingWorkbook:
    """python-calamine's workbook, noting which sheets are asked for whole."""

    asked: list[str] = []

    def __init__(self, workbook):
        self.workbook = workbook

    @classmethod
    def from_path(cls, path):
        return cls(CalamineWorkbook.from_path(path))

    def get_sheet_by_name(self, name):
        RecordingWorkbook.asked.append(name)
        return self.workbook.get_sheet_by_name(name)

    def __getattr__(self, name):
        return getattr(self.workbook, name)


def test_a_sheet_with_no_header_in_its_first_rows_is_not_read_whole(tmp_path, monkeypatch):
    """A1 and Z200000 (5.2 million cells, within the budget) took seconds: the sheet was read whole to look
    for a header that can only be in its first 30 rows. Those rows are read alone now."""
    RecordingWorkbook.asked = []
    monkeypatch.setattr(etl.workbook, "CalamineWorkbook", RecordingWorkbook)
    with pytest.raises(UnreadableFile, match="corner-z200000.xlsx: no known sheet"):
        read_workbook(hostile.corner_z200000(tmp_path))
    assert RecordingWorkbook.asked == []


@pytest.mark.parametrize("body, what", [
    ('<!DOCTYPE x [<!ENTITY e "1">]><sheetData><row r="1"><c><v>1</v></c></row></sheetData>',
     "a DOCTYPE or other declaration"),
    ('<sheetData><row r="1"><c><v>1</v></c><c r="A2"><v>1<row r="9"/></v></c></row></sheetData>',
     "a row or cell inside a cell"),
    ('<sheetData><row r="1"><c><v>1</v></c><c r="A2"><is><is><t>x</t></is></is></c></row></sheetData>',
     "an element inside one of its own name, in a cell"),
])
def test_where_calamine_and_the_exact_reading_could_part_ways_the_sheet_is_refused(tmp_path, body, what):
    """Cells without r are placed by what comes before them, so their range is worked out tag by tag; where
    that reading cannot be sure to follow calamine's, the sheet is refused rather than guessed."""
    path = hostile.write_workbook(tmp_path / "odd.xlsx", [("Sheet1", body)])
    with pytest.raises(UnreadableFile) as refused:
        read_workbook(path)
    assert str(refused.value) == (f"odd.xlsx › Sheet1: its XML holds {what}, which no spreadsheet program writes: "
                                  "open the file in Excel or LibreOffice and save it again")


# --- The used range worked out from the XML agrees with calamine's ----------------------------------------


def random_sheet(seed: int) -> str:
    """Cells placed every way calamine allows, plainly written or oddly, as often as the seed says: references
    of either case, out of order, in rows that do not match, two r attributes, none, attributes spaced or
    single-quoted, prefixes, values or none, rows without r or empty, and fake cells in comments and CDATA."""
    column_letters = hostile.column_letters
    chance = random.Random(seed)
    odd = chance.choice([0.0, 0.02, 0.2, 0.6])  # how often a row or cell is written oddly

    def plain_or(*oddities: str) -> str:
        return chance.choice(oddities[1:]) if chance.random() < odd else oddities[0]

    rows = []
    for _ in range(chance.randint(1, 12)):
        number = chance.randint(1, 60)
        cells = []
        for _ in range(chance.randint(0, 8)):
            place = f"{column_letters(chance.randint(1, 40))}{chance.randint(1, 60)}"
            attributes = plain_or(f' r="{place}"', f' r="{place.lower()}"', "", f" r='{place}'", f' s="1" r="{place}"',
                                  f' r="A1" r="{place}"', f' r="{place}"\tr="B2"', f' r = "{place}"',
                                  f' r="{place}"r="C3"')
            name = plain_or("c", "x:c", "y:c")
            content = plain_or("<v>1</v>", "<is><t>t</t></is>", None, "<x:v>2</x:v>", "<f>1+1</f><v>2</v>")
            cells.append(f"<{name}{attributes}/>" if content is None else f"<{name}{attributes}>{content}</{name}>")
            cells.append(plain_or("", '<!-- <c r="AN60"><v>1</v></c> </row> -->',
                                  '<c r="B3" t="inlineStr"><is><t><![CDATA[<c r="AN60">]]></t></is></c>'))
        rows.append(plain_or(f'<row r="{number}">{"".join(cells)}</row>', f'<row>{"".join(cells)}</row>',
                             f'<row r="{number}"/>{"".join(cells)}', f'<x:row r="{number}">{"".join(cells)}</x:row>'))
    return '<sheetData xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "".join(rows) + \
        "</sheetData>"


def test_the_used_range_is_never_smaller_than_calamines_and_exact_when_worked_out(tmp_path):
    """Randomised comparison with python-calamine on small sheets: the quick bounds are never below the range
    calamine builds (that would let a hostile file through), and the exact pass finds it exactly."""
    checked = 0
    for seed in range(600):
        path = hostile.write_workbook(tmp_path / f"random-{seed}.xlsx", [("Sheet1", random_sheet(seed))])
        expected = calamine_range(path)
        if expected is None:
            continue
        rows, columns, _ = used_range(path, budget=10 ** 9)
        assert rows >= expected[0] and columns >= expected[1], (seed, rows, columns, expected)
        rows, columns, exact = used_range(path, budget=10 ** 9, exact=True)
        assert exact and (rows, columns) == expected, (seed, rows, columns, expected)
        checked += 1
    assert checked > 500


# --- Many parts, many sheets ------------------------------------------------------------------------------

def test_parts_that_are_each_under_the_ratio_check_are_refused_together(existing, tmp_path, capsys):
    database, before = existing
    path = hostile.write_workbook(tmp_path / "parts.xlsx", [(f"S{i}", hostile.sheet_body(
        {1: hostile.text_cell("A1", "x")})) for i in range(3)], member_bytes=int(9.9 * hostile.MEGABYTE))
    status = main(["load", str(path), "--db", str(database), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1
    ratio = sum(i.file_size for i in zipfile.ZipFile(path).infolist()) // sum(
        i.compress_size for i in zipfile.ZipFile(path).infolist())
    assert err.splitlines() == [f"error: parts.xlsx: refused: its 7 parts expand {ratio:,} times together (to 30 MB), "
                                "as a zip bomb does", "The previous database was left unchanged."]
    assert sha256(database) == before


def test_a_workbook_of_a_thousand_sheets_is_refused_before_it_is_read(existing, tmp_path, capsys):
    database, before = existing
    status = main(["load", str(hostile.sheets_1000(tmp_path)), "--db", str(database), "--quiet"])
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: sheets-1000.xlsx: refused: more than 250 sheets (MM_MAX_SHEETS); split the workbook, or raise "
        "MM_MAX_SHEETS", "The previous database was left unchanged."]
    assert sha256(database) == before


def test_the_sheet_limit_is_mm_max_sheets(write_workbook, database, monkeypatch):
    path = write_workbook(good_rows(), name="good.xlsx")  # the template: 8 sheets
    monkeypatch.setenv("MM_MAX_SHEETS", "7")
    with pytest.raises(UnreadableFile, match=r"good.xlsx: refused: more than 7 sheets \(MM_MAX_SHEETS\)"):
        run_load([path], database)
    monkeypatch.setenv("MM_MAX_SHEETS", "8")
    assert run_load([path], database).rows_loaded


def test_a_workbook_of_many_sheets_is_opened_once_not_once_a_sheet(tmp_path, monkeypatch):
    """Opening the workbook and parsing its list of sheets for each sheet made 1,000 sheets cost 40 s."""
    import etl.guard

    calls = []
    real = etl.guard.sheet_parts
    monkeypatch.setattr(etl.guard, "sheet_parts", lambda archive: calls.append(1) or real(archive))
    monkeypatch.setenv("MM_MAX_SHEETS", "300")
    path = hostile.write_workbook(tmp_path / "many.xlsx", [(f"Sheet{i}", hostile.sheet_body(
        {1: hostile.text_cell("A1", str(i))})) for i in range(300)])
    with pytest.raises(UnreadableFile, match="many.xlsx: no known sheet"):
        read_workbook(path)
    assert len(calls) <= 2


def test_two_sheets_of_one_name_are_refused(tmp_path):
    """calamine and fastexcel would each pick one of them; the checks above must know which."""
    body = hostile.sheet_body({1: hostile.text_cell("A1", "x")})
    with pytest.raises(UnreadableFile, match="twice.xlsx: two sheets are named 'Data': rename one of them"):
        read_workbook(hostile.write_workbook(tmp_path / "twice.xlsx", [("Data", body), ("Data", body)]))


# --- A CSV cell over the csv module's limit -----------------------------------------------------------------

LONG_CELL = ("long-cell.csv: row 3 holds a cell of more than 131,072 characters, the most a CSV cell may have: "
             "shorten it (an unclosed quote also makes the rest of the file one cell)")


@pytest.mark.parametrize("fast_lane", ["1", "0"])
def test_a_csv_cell_over_the_limit_is_refused_with_its_row_in_both_lanes(existing, tmp_path, capsys, monkeypatch,
                                                                        fast_lane):
    database, before = existing
    monkeypatch.setenv("MM_FAST_LANE", fast_lane)
    status = main(["load", str(hostile.long_csv_cell(tmp_path)), "--db", str(database), "--quiet"])
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [f"error: {LONG_CELL}", "The previous database was left unchanged."]
    assert sha256(database) == before


@pytest.mark.parametrize("fast_lane", ["1", "0"])
def test_a_long_quoted_cell_spanning_lines_is_counted_as_one_row(database, tmp_path, monkeypatch, fast_lane):
    monkeypatch.setenv("MM_FAST_LANE", fast_lane)
    text = "\r\n".join(",".join(row) for row in hostile.milestones_rows())
    path = tmp_path / "quoted.csv"
    path.write_text(text + '\r\nSerbia,"' + "line\n" * 30_000 + '",inception,2014-04-30,\r\n', encoding="utf-8")
    with pytest.raises(UnreadableFile, match=r"^quoted.csv: row 3 holds a cell of more than 131,072 characters"):
        run_load([path], database)


# --- The disk, full or read-only ------------------------------------------------------------------------------

def namespaces_work() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(not namespaces_work(), reason="needs unshare (user and mount namespaces)")

IN_A_SMALL_FOLDER = """
set -e
mount -t tmpfs -o size={size} tmpfs "$FOLDER"
cp "$OLD" "$FOLDER/warehouse.duckdb"
{after_copy}
sha256sum "$FOLDER/warehouse.duckdb" | cut -d' ' -f1
set +e
"$PYTHON" -m etl load "$INPUT" --db "$FOLDER/warehouse.duckdb" --quiet 2>"$ERRORS"
echo "status $?"
sha256sum "$FOLDER/warehouse.duckdb" | cut -d' ' -f1
ls -A "$FOLDER"
"""


def load_in_a_private_folder(tmp_path: Path, old: Path, inputs: Path, size: str, after_copy: str = ""):
    """Load into a tmpfs of `size` mounted in a private mount namespace (gone with the process), holding a
    copy of `old` as the previous database: (hash before, exit status, hash after, files left, stderr)."""
    folder = tmp_path / "mounted"
    folder.mkdir()
    errors = tmp_path / "errors.txt"
    script = IN_A_SMALL_FOLDER.format(size=size, after_copy=after_copy)
    result = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                            capture_output=True, text=True, timeout=300, cwd=REPOSITORY,
                            env=dict(os.environ, FOLDER=str(folder), OLD=str(old), INPUT=str(inputs),
                                     ERRORS=str(errors), PYTHON=sys.executable, PYTHONPATH=str(REPOSITORY)))
    lines = result.stdout.splitlines()
    assert len(lines) >= 3, result.stderr
    return lines[0], int(lines[1].split()[1]), lines[2], lines[3:], errors.read_text(), folder


@needs_namespaces
@pytest.mark.parametrize("room_kb", [256, 512, 2048])  # full while connecting, committing a write, checkpointing
def test_a_full_disk_is_a_message_and_the_previous_database_survives(existing, tmp_path, room_kb):
    database, _ = existing
    size = f"{database.stat().st_size // 1024 + room_kb}k"  # room for the old database, not for a new one
    before, status, after, left, err, folder = load_in_a_private_folder(
        tmp_path, database, REPOSITORY / "data" / "sample", size)
    assert status == 1, err
    assert err.splitlines() == [
        f"error: the disk holding {folder} is full: the new database could not be written there; free space "
        "and load again", "The previous database was left unchanged."]
    assert after == before
    assert left == [".warehouse.duckdb.lock", "warehouse.duckdb"]


@needs_namespaces
def test_a_read_only_data_folder_is_a_message(existing, tmp_path):
    database, _ = existing
    before, status, after, left, err, folder = load_in_a_private_folder(
        tmp_path, database, REPOSITORY / "data" / "sample", "64m", after_copy='mount -o remount,ro "$FOLDER"')
    assert status == 1, err
    assert err.splitlines() == [
        f"error: cannot write in {folder} (read-only file system): choose a writable folder with --db "
        "(or MM_DB_PATH)", "The previous database was left unchanged."]
    assert after == before
    assert left == ["warehouse.duckdb"]


def test_a_folder_where_no_file_can_be_made_is_a_message(tmp_path, capsys):
    """/proc takes no new files, even from root (whom permissions do not stop)."""
    status = main(["load", str(REPOSITORY / "data" / "sample" / "JAM.xlsx"), "--db", "/proc/warehouse.duckdb",
                   "--quiet"])
    assert status == 1
    assert capsys.readouterr().err.splitlines() == [
        "error: cannot write in /proc (no such file or directory): choose a writable folder with --db "
        "(or MM_DB_PATH)", "The previous database was left unchanged."]


def test_two_parts_of_one_name_are_refused(tmp_path):
    """python-calamine reads the last of them and fastexcel the first: the check could not know which."""
    path = hostile.write_workbook(tmp_path / "parts.xlsx", [("Data", hostile.sheet_body(
        {1: hostile.text_cell("A1", "x")}))])
    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("xl/worksheets/sheet1.xml", hostile.sheet_body({50: hostile.text_cell("Z50", "y")}))
    with pytest.raises(UnreadableFile, match="^parts.xlsx: refused: two parts of the workbook are named "
                                             "'xl/worksheets/sheet1.xml', which no spreadsheet program writes$"):
        read_workbook(path)
