"""Hostile and broken files: each is refused with a clear message (exit status 1) and the previous
database survives byte for byte. (XML with entity expansion or external entities: test_iati_import.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import PatternFill

from etl.load import run_load

from .helpers.loading import PEAK_RSS_OF_A_LOAD, refused, sha256
from .helpers.paths import REPOSITORY

pytestmark = pytest.mark.slow  # hostile-input hardening: zip bombs, 100k-row and large IATI files, memory bounds


def zip_bomb(path: Path, megabytes: int) -> Path:
    """A workbook-shaped zip whose one sheet inflates from a few hundred kB to `megabytes` MB."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                member.write(block)
    return path


def test_a_zip_bomb_is_refused_before_it_is_opened(existing, tmp_path, capsys):
    database, before = existing
    bomb = zip_bomb(tmp_path / "budget.xlsx", 300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    err = refused(database, bomb, capsys)
    assert "error: budget.xlsx: refused: 'xl/worksheets/sheet1.xml' expands" in err
    assert "as a zip bomb does" in err
    assert sha256(database) == before


def test_a_workbook_that_would_unzip_past_the_limit_is_refused(existing, tmp_path, capsys, monkeypatch):
    database, before = existing
    monkeypatch.setenv("MM_MAX_UNZIPPED_MB", "5")
    err = refused(database, zip_bomb(tmp_path / "big.xlsx", 8), capsys)
    assert "error: big.xlsx: refused: the workbook would expand to 8 MB, over the 5 MB limit" in err
    assert sha256(database) == before


def test_a_file_over_the_size_limit_is_refused(existing, tmp_path, capsys, monkeypatch):
    database, before = existing
    monkeypatch.setenv("MM_MAX_INPUT_MB", "1")
    large = tmp_path / "export.csv"
    large.write_bytes(b"Country,Milestone,Category,Due date\r\n" + b"x" * (2 * 1024 * 1024))
    err = refused(database, large, capsys)
    assert "error: export.csv: the file is 2 MB, over the 1 MB limit for one input (set MM_MAX_INPUT_MB" in err
    assert sha256(database) == before


@pytest.mark.parametrize("name, content, message", [
    ("renamed.xlsx", b"%PDF-1.4 not a zip at all", "renamed.xlsx: not a readable Excel workbook"),
    ("truncated.xlsx", None, "truncated.xlsx: not a readable Excel workbook"),
    ("utf16.csv", "Country,Milestone\r\nSerbia,Budget endorsed\r\n".encode("utf-16"),
     "utf16.csv: no header row matches any sheet kind"),
    ("binary.csv", bytes(range(256)) * 64, "binary.csv: "),
    ("empty.csv", b"", "empty.csv: "),
])
def test_broken_files_and_wrong_encodings_are_refused(existing, tmp_path, capsys, name, content, message):
    database, before = existing
    path = tmp_path / name
    if content is None:
        Workbook().save(path)
        content = path.read_bytes()[:400]
    path.write_bytes(content)
    err = refused(database, path, capsys)
    assert f"error: {message}" in err
    assert sha256(database) == before


def test_a_workbook_with_100k_empty_styled_rows_loads_its_real_rows(database, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Milestones"
    sheet.append(["Country", "Milestone", "Category", "Due date", "Achieved date"])
    sheet.append(["Serbia", "Budget endorsed", "inception", "2014-04-30", "2014-05-02"])
    sheet.append(["Tunisia", "Budget endorsed", "inception", "2014-04-30", None])
    fill = PatternFill("solid", fgColor="FFFF00")
    for row in range(4, 100_004):
        sheet.cell(row=row, column=1).fill = fill
        sheet.cell(row=row, column=5).fill = fill
    path = tmp_path / "styled.xlsx"
    workbook.save(path)
    summary = run_load([path], database)
    assert summary.rows_by_table["milestones"] == 2
    assert summary.rows_rejected == 0


IATI_ACTIVITY = (
    '<iati-activity default-currency="USD"><iati-identifier>XM-BIG-{n}</iati-identifier>'
    '<reporting-org ref="XM-BIG" type="10"><narrative>Big publisher</narrative></reporting-org>'
    '<title><narrative>Activity {n}, a title long enough to look like a real one</narrative></title>'
    '<budget><period-start iso-date="2015-01-01"/><period-end iso-date="2015-12-31"/>'
    '<value currency="EUR" value-date="2015-01-01">1000</value></budget>'
    '<transaction><transaction-type code="3"/><transaction-date iso-date="2015-03-01"/>'
    '<value currency="EUR" value-date="2015-03-01">500</value></transaction></iati-activity>\n')


def peak_rss_of_a_load(path: Path, database: Path) -> tuple[int, str]:
    """Peak resident memory (MB) of a load of `path`, measured inside its own process."""
    result = subprocess.run([sys.executable, "-c", PEAK_RSS_OF_A_LOAD, str(path), str(database)],
                            cwd=REPOSITORY, capture_output=True, text=True, timeout=600,
                            env=dict(os.environ, PYTHONPATH=str(REPOSITORY)))
    assert result.returncode == 0, result.stderr
    return int(result.stdout.rsplit("peak", 1)[1]), result.stdout


def write_iati(path: Path, activities: int) -> Path:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0"?>\n<iati-activities version="2.03">\n')
        for n in range(activities):
            handle.write(IATI_ACTIVITY.format(n=n))
        handle.write("</iati-activities>\n")
    return path


def test_a_large_iati_file_is_streamed_in_bounded_memory(tmp_path):
    """Four times the activities must not take four times the memory: rows go to the database in batches."""
    small = write_iati(tmp_path / "small.xml", 20_000)
    large = write_iati(tmp_path / "large.xml", 80_000)
    small_peak, _ = peak_rss_of_a_load(small, tmp_path / "small.duckdb")
    large_peak, out = peak_rss_of_a_load(large, tmp_path / "large.duckdb")
    assert "Rows loaded: 240,000" in out  # activities, budgets and transactions
    print(f"peak RSS: {small.stat().st_size >> 20} MB file -> {small_peak} MB; "
          f"{large.stat().st_size >> 20} MB file -> {large_peak} MB")
    assert large_peak < small_peak + 150


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1e17"])
def test_an_iati_amount_that_is_not_a_finite_amount_is_rejected_not_a_crash(database, tmp_path, value):
    path = tmp_path / "odd.xml"
    path.write_text("<iati-activities version='2.03'><iati-activity><iati-identifier>XX-1</iati-identifier>"
                    "<budget><period-start iso-date='2015-01-01'/><period-end iso-date='2015-12-31'/>"
                    f"<value currency='USD' value-date='2015-01-01'>{value}</value></budget></iati-activity>"
                    "</iati-activities>")
    summary = run_load([path], database)
    [problem] = [p for r in summary.rejected for p in r.problems]
    assert problem.expected in ("a finite amount below 10^16",
                                "an amount such as 1500.50 (a point for decimals, no separators)")
    assert problem.found == f"'{value}'"


EXPENDITURE = ["Country", "Output", "Agency", "Programme year", "Budget", "Funds received", "Expenditure", "Currency"]
LONG = 30_000  # characters: Excel holds 32,767 in a cell


def said_in_every_row(kind: str) -> Workbook:
    """300 rows each refused or warned of, where the message would say a long cell of the sheet each time."""
    workbook = Workbook()
    sheet = workbook.active
    if kind == "title":  # its scale words name EUR, the rows USD
        sheet.title = "Expenditure"
        sheet.append(["k€," * (LONG // 3)])
        sheet.append(EXPENDITURE)
        rows = [["Serbia", "Output 1", "UNDP", 2015, 1000, 800, 600, "USD"]] * 300
    elif kind == "header":  # read as Expenditure (the colons are no part of a name), over a text
        sheet.title = "Expenditure"
        sheet.append(EXPENDITURE[:6] + ["Expenditure" + ":" * LONG, "Currency"])
        rows = [["Serbia", "Output 1", "UNDP", 2015, 1000, 800, "abc", "USD"]] * 300
    elif kind == "title currency":  # the rows' currency from the title, the Budget header's EUR
        sheet.title = "Expenditure"
        sheet.append(["Currency: " + "Q" * LONG])
        sheet.append(["Country", "Output", "Agency", "Programme year", "Budget (EUR)"])
        rows = [["Serbia", "Output 1", "UNDP", 2015, 1000]] * 300
    elif kind == "group year":  # 'Timeframe 2016 ' and 30,000 characters merged over Q1 ... Q4, none marked
        sheet.title = "Work plan"
        sheet.append(["Output", "Activity", "Country", "Lead agency", "Timeframe 2016 " + "x" * LONG])
        sheet.append([None, None, None, None, "Q1", "Q2", "Q3", "Q4"])
        sheet.merge_cells("E1:H1")
        for column in "ABCD":
            sheet.merge_cells(f"{column}1:{column}2")
        rows = [["Output 1", f"Activity {n}", "Serbia", "UNDP"] for n in range(300)]
    else:  # quarter headers with 30,000 accents each (read as Q1 ... Q4), no activity marked
        sheet.title = "Work plan"
        sheet.append(["Annual Work Plan 2015"])
        sheet.append(["Output", "Activity", "Country", "Lead agency"]
                     + [f"Q{quarter}" + "\u0301" * (LONG // 4) for quarter in range(1, 5)])
        rows = [["Output 1", f"Activity {n}", "Serbia", "UNDP"] for n in range(300)]
    for row in rows:
        sheet.append(row)
    return workbook


@pytest.mark.parametrize("kind", ["title", "header", "title currency", "timeframe", "group year"])
def test_a_long_cell_said_in_every_row_s_message_is_cut(database, tmp_path, kind):
    """A title, a header or a title's currency of 30,000 characters, over 300 rows each refused: each row's
    message, and each rejected row kept, says the cell's start and end only, so a long cell said again in every
    row cannot fill the memory (2,000 rows under a 30,000-character title took 1.8 GB before, under four such
    quarter headers 6.2 GB)."""
    from etl.errors import QUOTED_LENGTH

    path = tmp_path / "SRB.xlsx"
    said_in_every_row(kind).save(path)
    summary = run_load([path], database)
    assert summary.rows_rejected == 300
    messages = [problem.message for row in summary.rejected for problem in row.problems]
    assert len(messages) >= 300
    for message in messages:
        assert " ... " in message and len(message) < 1_000, message[:300]
    for row in summary.rejected:
        assert len(row.values_json) < 20 * QUOTED_LENGTH, row.values_json[:300]
    assert all(len(warning.message) < 2_000 for warning in summary.warnings)


def test_a_number_format_longer_than_excel_keeps_is_read_as_no_format(tmp_path):
    """Excel keeps a number format of 255 characters at most: a longer one (hand-made, '[$ZZZ...-409] #,##0') is
    read as none, its amounts as stored, where its sign was kept with every cell and said in every row's message
    (3 amounts in 6,000 rows under a 30,000-character one: 1.3 GB)."""
    from etl.ooxml import FORMAT_CODE_LENGTH, cell_styles

    workbook = Workbook()
    for column, length in (("A", 3), ("B", FORMAT_CODE_LENGTH - len("[$-409] #,##0")), ("C", FORMAT_CODE_LENGTH)):
        workbook.active[f"{column}1"] = 1000
        workbook.active[f"{column}1"].number_format = "[$" + "Z" * length + "-409] #,##0"
    path = tmp_path / "formats.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        kinds = cell_styles(archive).kinds
    assert [kind and kind[:12] for kind in kinds[1:]] == ["currency [$Z", "currency [$Z", None]
    # the long one given a built-in format's id (10: '0.00%'), as only a hand-edited file does: still none
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(renamed, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/styles.xml":
                data = data.replace(b'numFmtId="166"', b'numFmtId="10"')
            target.writestr(item, data)
    with zipfile.ZipFile(renamed) as archive:
        assert cell_styles(archive).kinds[3] is None


@pytest.mark.filterwarnings("ignore:Title is more than 31 characters")  # openpyxl's: the file is hand-made
def test_a_sheet_name_longer_than_a_message_can_say_is_refused(existing, tmp_path, capsys):
    """Excel's sheet names are 31 characters at most; a hand-made one of 30,000 would be said in every row's
    message: the workbook is refused, naming it cut."""
    database, before = existing
    workbook = Workbook()
    workbook.active.title = "Expenditure " + "s" * LONG
    workbook.active.append(EXPENDITURE)
    path = tmp_path / "SRB.xlsx"
    workbook.save(path)
    err = refused(database, path, capsys)
    assert "SRB.xlsx: a sheet's name is 30,012 characters long ('Expenditure sss" in err
    assert "over the 120 a message can say: rename it" in err and len(err) < 1_000
    assert sha256(database) == before
