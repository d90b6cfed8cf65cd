"""Board pack with texts as long as an Excel cell holds (32,767 characters) in every text field that reaches
it: both files are written, the PDF prints every text in full across pages, the workbook holds it in full,
and text longer than a cell holds is cut with an ending that says so."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from etl.load import run_load
from etl.reference import REFERENCE_DIR, REFERENCE_DIR_ENVIRONMENT_VARIABLE
from etl.templates import write_template
from reports import board_pack, build_board_pack, pdf, xlsx

from .helpers.paths import SAMPLE_AS_OF
from .helpers.programme import bundled, result, write_programme
from .helpers.rows import good_rows

pytestmark = pytest.mark.slow  # builds whole board packs (PDF and workbook) from long texts, 5-14 s each

PERIOD = "2014/15 H2"
MAX_CELL_CHARACTERS = 32_767  # Excel's limit for a cell
FILLER = "the country office reports steady progress with its partners "


def long_text(name: str, spaces: bool = True, length: int = MAX_CELL_CHARACTERS) -> str:
    """`length` characters starting with START<name> and ending with <name>END."""
    start, end = f"START{name} ", f" {name}END"
    filler = (FILLER * (length // len(FILLER) + 1) if spaces else "x" * length)[:length - len(start) - len(end)]
    return start + filler[:-1] + filler[-1].replace(" ", ".") + end  # one space before the end (the ETL keeps one)


LONG = {name: long_text(name) for name in ("NARRATIVE", "DECISION", "INDICATOR", "UNIT", "ACTIVITY", "COUNTRY",
                                           "OUTPUT", "MILESTONE", "COMMENT")}
LONG["NOSPACE"] = long_text("NOSPACE", spaces=False)  # one 32,767-character word


def _rewrite_csv(path: Path, change) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        change(row)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def long_database(tmp_path_factory) -> Path:
    """Every text field at Excel's limit: narrative (with words, and one long word), indicator title and unit,
    activity title, milestone, comments, in the reference data a country's name, and in the programme file an
    output's title."""
    folder = tmp_path_factory.mktemp("long")
    reference = folder / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    _rewrite_csv(reference / "countries.csv",
                 lambda row: row.update(name=LONG["COUNTRY"]) if row["iso3"] == "JAM" else None)
    programme = bundled()
    result(programme, "1")["title"] = LONG["OUTPUT"]
    write_programme(reference / "programme.toml", programme)
    rows = good_rows()
    for row in rows["results"]:
        row["country"] = "JAM" if row["country"] == "Jamaica" else row["country"]
        if row["indicator_code"] == "1.1":
            row.update(indicator_title=LONG["INDICATOR"], unit=LONG["UNIT"], comment=LONG["COMMENT"])
    for row in rows["workplan"]:
        row.update(activity_title=LONG["ACTIVITY"], comment=LONG["COMMENT"])
    rows["milestones"][0].update(country="JAM", milestone=LONG["MILESTONE"], comment=LONG["COMMENT"])
    rows["expenditure"][0].update(country="JAM", comment=LONG["COMMENT"])
    narrative = rows["narrative"][0]
    narrative.update(country="JAM", text=LONG["NARRATIVE"])
    rows["narrative"] += [dict(narrative, kind="challenge", text=LONG["NOSPACE"]),
                          dict(narrative, kind="decision needed", text=LONG["DECISION"])]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(REFERENCE_DIR_ENVIRONMENT_VARIABLE, str(reference))
        workbook = write_template("all", folder / "long.xlsx", rows)
        summary = run_load([workbook], folder / "warehouse.duckdb", as_of=SAMPLE_AS_OF)
    assert summary.rows_rejected == 0
    return folder / "warehouse.duckdb"


@pytest.fixture(scope="module")
def long_pack(long_database, tmp_path_factory) -> tuple[Path, Path]:
    return build_board_pack(long_database, PERIOD, tmp_path_factory.mktemp("pack"))


def page_body(page) -> str:
    """A page's text without the running header and footer (drawn last: four lines)."""
    lines = page.extract_text().rstrip("\n").split("\n")
    assert lines[-1].startswith("Page ")
    return "\n".join(lines[:-4])


def pdf_text(path: Path) -> str:
    """The PDF's text without any white space: a text wrapped over lines and pages reads as one string."""
    return "".join("".join(page_body(page) for page in PdfReader(path).pages).split())


def cell_texts(path: Path) -> dict[str, list[str]]:
    workbook = openpyxl.load_workbook(path)
    return {sheet.title: [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
            for sheet in workbook.worksheets}


def test_both_files_are_written(long_pack):
    assert [path.is_file() for path in long_pack] == [True, True, True]
    assert sorted(p.name for p in long_pack[0].parent.iterdir()) == ["board-pack-2014-15-H2.pdf",
                                                                     "board-pack-2014-15-H2.pptx",
                                                                     "board-pack-2014-15-H2.xlsx"]


@pytest.mark.parametrize("name", ["NARRATIVE", "NOSPACE", "DECISION", "INDICATOR", "UNIT", "ACTIVITY", "COUNTRY"])
def test_the_pdf_prints_each_long_text_from_start_to_end(long_pack, name):
    text = pdf_text(long_pack[1])
    assert f"START{name}" in text
    assert f"{name}END" in text
    assert "".join(LONG[name].split()) in text  # every character, in order


def test_the_pdf_keeps_tables_readable_and_numbers_its_pages(long_pack):
    pages = [page.extract_text() for page in PdfReader(long_pack[1]).pages]
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    text = " ".join(" ".join(pages).split())
    assert "(continued in note 1 after this table)" in text  # the cell shows the start and says where the rest is
    assert "Note 1 · Report (Accomplishments · Output 1): STARTNARRATIVE the country office" in text


@pytest.mark.parametrize("sheet, name", [("Flash reports", "NARRATIVE"), ("Flash reports", "NOSPACE"),
                                         ("Flash reports", "DECISION"), ("Flash reports", "COUNTRY"),
                                         ("Results matrix", "INDICATOR"), ("Results matrix", "UNIT"),
                                         ("Work plan", "ACTIVITY"), ("Activities", "ACTIVITY"),
                                         ("Country progress", "COUNTRY"), ("Finance", "COUNTRY")])
def test_the_workbook_holds_each_long_text_in_full(long_pack, sheet, name):
    assert LONG[name] in cell_texts(long_pack[0])[sheet]


def test_text_longer_than_a_cell_holds_is_cut_visibly_in_both_files(long_pack):
    # 'Output 1: ' + a 32,767-character title is ten characters too long for a cell
    label = "Output 1: " + LONG["OUTPUT"]
    ending = "… [65 characters left out: a cell holds at most 32,767]"
    cut = label[:MAX_CELL_CHARACTERS - len(ending)] + ending
    assert len(cut) == MAX_CELL_CHARACTERS
    assert cut in cell_texts(long_pack[0])["Finance"]
    assert "".join(cut.split()) in pdf_text(long_pack[1])
    assert "".join(label.split()) not in pdf_text(long_pack[1])  # (the Theory of change shows the title alone)


def test_a_country_pack_with_a_long_country_name(long_database, tmp_path):
    xlsx_path, pdf_path, _ = build_board_pack(long_database, PERIOD, tmp_path, country="JAM")
    workbook = openpyxl.load_workbook(xlsx_path)
    for sheet in workbook.worksheets:
        assert sheet.oddHeader.right.text.startswith("Board pack · 2014/15 H2 · STARTCOUNTRY the country office")
        assert len(str(sheet.oddHeader)) <= 255, sheet.title  # Excel's limit for a page header, codes included
    for page in PdfReader(pdf_path).pages:  # the running header, cut to its room on the line
        assert re.search(r"\nBoard pack · 2014/15 H2 · STARTCOUNTRY the [^…\n]{0,100} …\n", page.extract_text())
    assert "".join(LONG["COUNTRY"].split()) in pdf_text(pdf_path)


LONG_FILE = long_text("FILE")


def test_a_long_file_name_in_the_load_log(long_database, tmp_path):
    """File names reach the cover's load log, which stands beside another table (a cell that cannot split)."""
    connection = board_pack.open_database(long_database)
    try:
        pack = board_pack.collect(connection, PERIOD)
    finally:
        connection.close()
    load_log = next(t for s in pack.sections for t in s.tables if t.title == "Files loaded")
    load_log.frame.loc[0, "file"] = LONG_FILE
    xlsx.write_workbook(pack, tmp_path / "pack.xlsx")
    pdf.write_pdf(pack, tmp_path / "pack.pdf")
    assert LONG_FILE in cell_texts(tmp_path / "pack.xlsx")["Data loaded"]
    assert "".join(LONG_FILE.split()) in pdf_text(tmp_path / "pack.pdf")


# --- text from a CSV file: longer than a cell, or with control characters ----------------------------

HUGE = long_text("HUGE", length=45_000)


@pytest.fixture(scope="module")
def csv_database(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("csv")
    with open(folder / "narrative.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Country", "Output", "Period", "Kind", "Text"])
        writer.writerow(["Jamaica", "Output 1", PERIOD, "achievement", HUGE])
        writer.writerow(["Jamaica", "Output 1", PERIOD, "challenge", "Delays\x01at the ministry"])
    summary = run_load([folder / "narrative.csv"], folder / "warehouse.duckdb", as_of=SAMPLE_AS_OF)
    assert summary.rows_rejected == 0
    return folder / "warehouse.duckdb"


def test_a_text_longer_than_a_cell_is_cut_with_an_ending_that_says_so(csv_database, tmp_path):
    xlsx_path, pdf_path, _ = build_board_pack(csv_database, PERIOD, tmp_path)
    ending = "… [12,292 characters left out: a cell holds at most 32,767]"
    cut = HUGE[:MAX_CELL_CHARACTERS - len(ending)] + ending
    assert cut in cell_texts(xlsx_path)["Flash reports"]
    assert "".join(cut.split()) in pdf_text(pdf_path)


def test_a_control_character_is_shown_as_a_replacement_mark(csv_database, tmp_path):
    xlsx_path, pdf_path, _ = build_board_pack(csv_database, PERIOD, tmp_path)
    assert "Delays\ufffdat the ministry" in cell_texts(xlsx_path)["Flash reports"]
    assert "Delays\ufffdattheministry" in pdf_text(pdf_path)
