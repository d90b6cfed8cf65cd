"""Board pack: the .xlsx and .pdf for a period hold the warehouse's figures, print well, keep user text
from running as a formula, and are still produced when a chart cannot be drawn."""

from __future__ import annotations

import os

from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from etl.load import run_load
from etl.templates import write_template
from mm_core.charts import STATUS_COLORS
from reports import BoardPackError, build_board_pack, resolve_period

from .helpers.pack import rows_of, table_below
from .helpers.paths import SAMPLE_AS_OF
from .helpers.rows import good_rows

SHEETS = ["Cover", "Executive summary", "Changes", "Theory of change", "Results matrix", "Country progress", "Work plan",
          "Activities", "Finance", "Recommendations", "Cross-checks", "Flash reports", "Data loaded", "Charts"]
SECTIONS = ["Executive summary, 2014/15 H2", "Changes since the last pack", "Theory of change, 2014/15 H2", "Results matrix, 2014/15 H2",
            "Country progress, 2014/15 H2", "Work plan status", "Finance summary (USD)",
            "Mid-Term Review recommendations", "Cross-checks, 2014/15 H2", "Flash reports, 2014/15 H2",
            "Appendix: data loaded"]
PERIOD = "2014/15 H2"


@pytest.fixture(scope="module")
def sample_pack(sample_database, tmp_path_factory) -> tuple[Path, Path]:
    return build_board_pack(sample_database, PERIOD, tmp_path_factory.mktemp("pack"))


@pytest.fixture(scope="module")
def workbook(sample_pack):
    return openpyxl.load_workbook(sample_pack[0])


@pytest.fixture(scope="module")
def pdf_pages(sample_pack) -> list[str]:
    return [page.extract_text() for page in PdfReader(sample_pack[1]).pages]


@pytest.fixture(scope="module")
def warehouse(sample_database):
    connection = duckdb.connect(str(sample_database), read_only=True)
    yield connection
    connection.close()


# --- files --------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_writes_the_three_files_named_after_the_period(sample_pack):
    xlsx, pdf, slides = sample_pack
    assert (xlsx.name, pdf.name, slides.name) == ("board-pack-2014-15-H2.xlsx", "board-pack-2014-15-H2.pdf",
                                                  "board-pack-2014-15-H2.pptx")
    assert sorted(p.name for p in xlsx.parent.iterdir()) == sorted([xlsx.name, pdf.name, slides.name])  # no partial


@pytest.mark.slow
def test_workbook_has_the_expected_sheets(workbook):
    assert workbook.sheetnames == SHEETS


# --- numbers against SQL on the same database ---------------------------------------------------------

@pytest.mark.slow
def test_summary_figures_match_the_warehouse(workbook, warehouse):
    cover = workbook["Executive summary"]
    _, _, statuses = table_below(cover, "Status")
    expected = dict(warehouse.execute("SELECT status, count(*) FROM indicator_progress WHERE period = $period "
                                      "GROUP BY ALL", {"period": PERIOD}).fetchall())
    assert dict(statuses[:4]) == {s: expected.get(s, 0) for s in ("on track", "at risk", "off track", "no data")}
    assert statuses[4] == ("total", sum(expected.values()))

    _, _, measures = table_below(cover, "Measure")
    activities = dict(measures)
    total, completed, delayed, overdue = warehouse.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'completed'), count(*) FILTER (WHERE status = 'delayed'), "
        "count(*) FILTER (WHERE is_overdue) FROM activity_status").fetchone()
    assert activities["Activities in the work plans"] == total
    assert activities["Completed"] == completed
    assert activities["Delayed (status)"] == delayed
    assert activities["Overdue (past the planned end, not completed)"] == overdue
    assert activities["Countries with inception completed in year 1"] == 7
    assert activities["Countries judged on inception"] == 8  # every programme country: the file declares its milestones
    lines = {row[0]: row[1] for row in rows_of(workbook["Cover"])[3:12] if row[0]}
    assert "docs/" not in " ".join(lines.values())  # the cover cites no repository file
    assert lines["Reporting period"] == "2014/15 H2 (1 August 2014 – 31 January 2015)"  # mm_core/formats.py
    assert lines["Status as of"] == "31 July 2017"


@pytest.mark.slow
def test_summary_money_is_the_programme_year(workbook, warehouse):
    rows = rows_of(workbook["Executive summary"])
    money = {row[0]: row[1:3] for row in rows if row[0] in ("Budget", "Funds received", "Expenditure")}
    budget, received, spent = warehouse.execute(
        "SELECT sum(budget_usd), sum(received_usd), sum(expenditure_usd) FROM finance_summary "
        "WHERE programme_year = 2014").fetchone()
    assert money["Budget"][0] == pytest.approx(float(budget), abs=0.005)
    assert money["Funds received"][0] == pytest.approx(float(received), abs=0.005)
    assert money["Expenditure"][0] == pytest.approx(float(spent), abs=0.005)


@pytest.mark.slow
def test_finance_holds_undp_year_one(workbook):
    finance = workbook["Finance"]
    header_row, headers, rows = table_below(finance, "Agency")
    assert headers == ["Agency", "Programme year", "Budget", "Received", "Expenditure", "Spent ÷ budget"]
    undp = next(row for row in rows if row[:2] == ("UNDP", "2014/15"))
    assert undp[2:5] == (822771, 454464, 274594.56)
    for column in (3, 4, 5):
        assert finance.cell(row=header_row + 1, column=column).number_format == "#,##0"  # whole dollars, as on the pages
    assert finance.cell(row=header_row + 1, column=6).number_format == "0.0%"


@pytest.mark.slow
def test_results_matrix_matches_indicator_progress(workbook, warehouse):
    sheet = workbook["Results matrix"]
    header_row, headers, rows = table_below(sheet, "Output")
    assert headers == ["Output", "Code", "Indicator", "Country", "Unit", "Baseline", "Original baseline", "Target",
                       "Actual", "End target", "Progress vs expected", "Status"]
    expected = warehouse.execute("""
        SELECT output_code, indicator_code, country, baseline, target, actual, status FROM indicator_progress
        WHERE period = $period""", {"period": PERIOD}).df()
    assert len(rows) == len(expected)
    got = pd.DataFrame([(r[0], r[1], r[3], r[5], r[7], r[8], r[11]) for r in rows], columns=expected.columns)
    key = ["output_code", "indicator_code", "country"]
    merged = expected.merge(got, on=key, suffixes=("", "_xlsx"))
    assert len(merged) == len(expected)
    for column in ("baseline", "target", "actual"):
        assert ((merged[column] - merged[f"{column}_xlsx"].astype(float)).abs().fillna(0) < 1e-9).all(), column
        assert (merged[column].isna() == merged[f"{column}_xlsx"].isna()).all(), column
    assert (merged["status"] == merged["status_xlsx"]).all()
    assert list(got["output_code"]) == sorted(got["output_code"])  # grouped by output


@pytest.mark.slow
def test_results_matrix_status_is_coloured_and_written(workbook):
    sheet = workbook["Results matrix"]
    header_row, headers, rows = table_below(sheet, "Output")
    assert {row[11] for row in rows} <= set(STATUS_COLORS)  # the word is in the cell: reads in black and white
    letter = openpyxl.utils.get_column_letter(headers.index("Status") + 1)
    rules = {}
    for ranges in sheet.conditional_formatting:
        assert str(ranges.sqref) == f"{letter}{header_row + 1}:{letter}{header_row + len(rows)}"
        for rule in ranges.rules:
            rules[rule.formula[0].strip('"')] = rule.dxf.fill.bgColor.rgb[-6:]
    assert rules == {status: colour.lstrip("#").upper() for status, colour in STATUS_COLORS.items()}


@pytest.mark.slow
def test_country_progress_has_every_country(workbook, warehouse):
    _, headers, rows = table_below(workbook["Country progress"], "Country")
    names = [name for (name,) in warehouse.execute("SELECT name FROM countries ORDER BY name").fetchall()]
    assert [row[0] for row in rows] == names
    jamaica = dict(zip(headers, next(row for row in rows if row[0] == "Jamaica")))
    on_track, off_track = warehouse.execute(
        "SELECT count(*) FILTER (WHERE status = 'on track'), count(*) FILTER (WHERE status = 'off track') "
        "FROM indicator_progress WHERE period = $period AND country = 'JAM'", {"period": PERIOD}).fetchone()
    assert (jamaica["On track"], jamaica["Off track"]) == (on_track, off_track)
    assert {row[10] for row in rows} == {"yes", "no"}  # inception done in year 1


@pytest.mark.slow
def test_work_plan_totals(workbook, warehouse):
    _, headers, rows = table_below(workbook["Work plan"], "Country")
    total = dict(zip(headers, rows[-1]))
    assert total["Country"] == "Total"
    expected = dict(warehouse.execute("SELECT status, count(*) FROM activity_status GROUP BY ALL").fetchall())
    assert total["Activities"] == sum(expected.values())
    assert total["Completed"] == expected["completed"]
    assert total["Delayed"] == expected["delayed"]
    _, _, activities = table_below(workbook["Activities"], "Country")
    assert len(activities) == sum(expected.values())


@pytest.mark.slow
def test_flash_reports_of_every_country(workbook, warehouse):
    _, headers, rows = table_below(workbook["Flash reports"], "Country")
    assert headers == ["Country", "Part", "Output", "Report"]
    countries = {row[0] for row in rows}
    assert countries == {n for (n,) in warehouse.execute("SELECT name FROM countries").fetchall()} | {"Global level"}
    for country in countries:
        parts = {row[1] for row in rows if row[0] == country}
        assert parts == {"Accomplishments", "Next period plan", "Difficulties and risks", "Decisions needed"}
    texts = {row[3] for row in rows}
    narrative = {t for (t,) in warehouse.execute("SELECT text FROM narrative WHERE period = $period",
                                                 {"period": PERIOD}).fetchall()}
    assert narrative <= texts
    assert texts - narrative <= {"None reported."}


# --- print setup and images ---------------------------------------------------------------------------

@pytest.mark.slow
def test_every_sheet_prints_landscape_fitted_to_the_width(workbook):
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.fitToWidth == 1, sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert "page &P of &N" in sheet.oddFooter.right.text


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Results matrix", "Country progress", "Activities", "Flash reports"])
def test_table_sheets_freeze_and_repeat_their_header_row(workbook, name):
    sheet = workbook[name]
    header_row, headers, _ = table_below(sheet, "Output" if name == "Results matrix" else "Country")
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    assert sheet.freeze_panes.endswith(str(header_row + 1))
    assert sheet.column_dimensions["A"].width > 5
    assert sheet.cell(row=header_row, column=1).font.bold


@pytest.mark.slow
def test_charts_are_embedded_as_png_images(workbook):
    images = workbook["Charts"]._images
    assert len(images) >= 8
    for image in images:
        assert image._data()[:4] == b"\x89PNG"


# --- PDF ----------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_pdf_has_numbered_pages_with_the_programme_and_period(pdf_pages):
    assert len(pdf_pages) >= 10
    for number, text in enumerate(pdf_pages, start=1):
        assert f"Page {number} of {len(pdf_pages)}" in text
        assert "Mainstreaming Migration into National Development Strategies" in text
        assert "Board pack · 2014/15 H2" in text


@pytest.mark.slow
def test_pdf_has_every_section_and_the_figures(pdf_pages, sample_pack, warehouse):
    text = "\n".join(pdf_pages)
    for section in SECTIONS:
        assert section in text
    assert [item.title for item in PdfReader(sample_pack[1]).outline if not isinstance(item, list)] == [
        "Global Project Board — board pack", *SECTIONS]
    assert "Countries with inception completed in year 1 7" in " ".join(pdf_pages[1].split())
    for amount in ("822,771", "454,464", "274,595"):  # whole dollars, as on the pages (mm_core/formats.py)
        assert amount in text
    for status in ("on track", "at risk", "off track", "no data"):
        assert status in text
    for (narrative,) in warehouse.execute("SELECT text FROM narrative WHERE period = $period LIMIT 5",
                                          {"period": PERIOD}).fetchall():
        assert " ".join(narrative.split()[:6]) in " ".join(text.split())


@pytest.mark.slow
def test_pdf_summary_counts_match_the_warehouse(pdf_pages, warehouse):
    cover = " ".join(pdf_pages[1].split())
    for status, count in warehouse.execute("SELECT status, count(*) FROM indicator_progress WHERE period = $period "
                                           "GROUP BY ALL", {"period": PERIOD}).fetchall():
        assert f"{status} {count}" in cover


# --- periods, countries and errors --------------------------------------------------------------------

@pytest.fixture(scope="module")
def period_table(warehouse) -> pd.DataFrame:
    from mm_core import queries
    return queries.periods(warehouse)


@pytest.mark.parametrize("option, expected", [
    ("2015/16 H1", ("2015/16 H1", 2015)),
    ("Year 2016/17", ("2016/17 H2", 2016)),
    ("Year 2017/18", ("2017/18 H1", 2017)),  # H2 starts on 1 Aug 2017, after the as-of date
    ("Year 2014", ("2014/15 H2", 2014)),
])
def test_a_programme_year_shows_its_last_started_half_year(period_table, option, expected):
    assert resolve_period(option, period_table) == expected


@pytest.mark.parametrize("arguments, message", [
    ({"period": "2019/20 H1"}, "unknown period '2019/20 H1': choose a half-year (2014/15 H1, "),
    ({"period": "Year 2030/31"}, "unknown period 'Year 2030/31': choose a half-year (2014/15 H1, "),
    ({"period": "2016/17 H2", "country": "ZZZ"}, "unknown country 'ZZZ': choose from BGD, "),
])
def test_unknown_period_or_country_is_refused(sample_database, tmp_path, arguments, message):
    period = arguments.pop("period")
    with pytest.raises(BoardPackError) as raised:
        build_board_pack(sample_database, period, tmp_path, **arguments)
    assert str(raised.value).startswith(message)
    assert list(tmp_path.iterdir()) == []


def test_missing_database_is_refused(tmp_path):
    with pytest.raises(BoardPackError, match="no database at"):
        build_board_pack(tmp_path / "absent.duckdb", PERIOD, tmp_path / "out")


@pytest.mark.slow
def test_a_country_pack_covers_that_country(sample_database, tmp_path):
    xlsx, pdf, _ = build_board_pack(sample_database, "Year 2017/18", tmp_path, country="ECU")
    assert xlsx.name == "board-pack-Year-2017-18-ECU.xlsx"
    workbook = openpyxl.load_workbook(xlsx)
    _, _, rows = table_below(workbook["Results matrix"], "Output")
    assert {row[3] for row in rows} == {"ECU"}
    _, _, flash = table_below(workbook["Flash reports"], "Country")
    assert {row[0] for row in flash} == {"Ecuador"}
    first_page = PdfReader(pdf).pages[0].extract_text()
    assert "2017/18 H1 (1 February 2017 – 31 July 2017), chosen as Year 2017/18" in first_page
    assert "Board pack · 2017/18 H1 · Ecuador" in first_page


# --- formula injection and chart failures -------------------------------------------------------------

INJECTED = {
    "narrative": '=HYPERLINK("http://example.com/x","Click")',
    "challenge": "+cmd|' /C calc'!A0",
    "decision": "@SUM(1+1)",
    "indicator": "-2+3 national policies that integrate migration",
}
MARKUP = "PIOJ & partners <b>not bold</b> agreed the plan."


@pytest.fixture(scope="module")
def hostile_database(tmp_path_factory) -> Path:
    """The good rows with text that a spreadsheet would run as a formula, and text that looks like markup."""
    folder = tmp_path_factory.mktemp("hostile")
    rows = good_rows()
    narrative = rows["narrative"][0]
    narrative["text"] = "placeholder"
    rows["narrative"] += [dict(narrative, kind="challenge", text=INJECTED["challenge"]),
                          dict(narrative, kind="decision needed", text=INJECTED["decision"]),
                          dict(narrative, kind="next period plan", text=MARKUP)]
    for row in rows["results"]:
        if row["indicator_code"] == "1.1":
            row["indicator_title"] = INJECTED["indicator"]
    path = write_template("all", folder / "hostile.xlsx", rows)
    # openpyxl would store '=…' as a formula; keep it as text, as Excel does for a cell typed with a leading '
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Narrative"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "placeholder")
    cell.value = INJECTED["narrative"]
    cell.data_type = "s"
    workbook.save(path)
    database = folder / "warehouse.duckdb"
    summary = run_load([path], database, as_of=SAMPLE_AS_OF)
    assert summary.rows_rejected == 0
    return database


@pytest.mark.slow
def test_user_text_is_never_a_formula_in_the_workbook(hostile_database, tmp_path):
    xlsx, _, _ = build_board_pack(hostile_database, PERIOD, tmp_path)
    workbook = openpyxl.load_workbook(xlsx)
    found = {}
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str):
                    for name, text in INJECTED.items():
                        if text in cell.value:
                            assert cell.value == "'" + text, f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                            found.setdefault(name, set()).add(sheet.title)
    assert found == {"narrative": {"Flash reports"}, "challenge": {"Flash reports"},
                     "decision": {"Flash reports", "Executive summary"},  # the decisions needed lead the pack
                     "indicator": {"Results matrix"}}


@pytest.mark.slow
def test_user_text_is_neutralised_and_printed_literally_in_the_pdf(hostile_database, tmp_path):
    _, pdf, _ = build_board_pack(hostile_database, PERIOD, tmp_path)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    for injected in INJECTED.values():
        assert "'" + " ".join(injected.split()[:2]) in text
    assert "'" + INJECTED["narrative"] in text
    assert MARKUP in text  # not read as markup


@pytest.mark.slow
def test_a_chart_that_cannot_be_drawn_leaves_a_note(hostile_database, tmp_path, monkeypatch):
    import vl_convert

    def broken(*arguments, **keywords):
        raise RuntimeError("renderer unavailable")

    monkeypatch.setattr(vl_convert, "vegalite_to_png", broken)
    xlsx, pdf, _ = build_board_pack(hostile_database, PERIOD, tmp_path)
    charts = openpyxl.load_workbook(xlsx)["Charts"]
    assert charts._images == []
    notes = [c.value for row in charts.iter_rows() for c in row if isinstance(c.value, str)
             and c.value.startswith("Chart not drawn")]
    assert notes and all("RuntimeError: renderer unavailable" in note for note in notes)
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert text.count("Chart not drawn") == len(notes)
    assert "Flash reports, 2014/15 H2" in text  # the rest of the pack is there


def test_count_panels_write_the_status_above_each_panel_and_the_count_beside_each_bar():
    from mm_core import charts

    counts = pd.DataFrame({"label": ["Jamaica", "Jamaica", "Serbia", "Serbia"],
                           "status": ["on track", "off track", "on track", "off track"], "count": [3, 1, 0, 2]})
    spec = charts.count_panels(counts, ["on track", "off track"], ["#009E73", "#D55E00"]).to_dict()  # validated
    assert spec["facet"]["column"]["field"] == "status"
    assert spec["facet"]["column"]["sort"] == ["on track", "off track"]
    marks = [layer["mark"]["type"] for layer in spec["spec"]["layer"]]
    assert marks == ["bar", "text"]
    assert spec["spec"]["layer"][1]["encoding"]["text"]["field"] == "count"


@pytest.mark.slow
def test_the_command_line_writes_both_files(sample_database, tmp_path, capsys):
    from reports.__main__ import main
    assert main(["board-pack", "--period", "2016/17 H2", "--out", str(tmp_path), "--db", str(sample_database)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board-pack-2016-17-H2.pdf", "board-pack-2016-17-H2.pptx",
                                                          "board-pack-2016-17-H2.xlsx"]
    assert capsys.readouterr().out.count("Wrote ") == 3


def test_the_command_line_explains_an_unknown_period(sample_database, tmp_path, capsys):
    from reports.__main__ import main
    assert main(["board-pack", "--period", "2030", "--out", str(tmp_path), "--db", str(sample_database)]) == 1
    assert "error: unknown period '2030': choose a half-year (2014/15 H1" in capsys.readouterr().err


# --- both files or neither, and one line for a failure ------------------------------------------------

PACK_FILES = ["board-pack-2014-15-H2.pdf", "board-pack-2014-15-H2.xlsx"]


@pytest.fixture
def older_pack(tmp_path) -> dict[str, bytes]:
    """An older pack of the same name in the output folder."""
    older = {"board-pack-2014-15-H2.xlsx": b"older workbook", "board-pack-2014-15-H2.pdf": b"older pdf"}
    for name, data in older.items():
        (tmp_path / name).write_bytes(data)
    return older


def _failing_pdf_writer(error: Exception):
    def write(pack, path):
        Path(path).write_bytes(b"%PDF-1.4 half a page")  # a start was written before the failure
        raise error
    return write


@pytest.mark.slow
@pytest.mark.parametrize("with_older_pack", [False, True])
def test_a_failure_while_writing_the_pdf_leaves_neither_file(sample_database, tmp_path, monkeypatch, request,
                                                             with_older_pack):
    from reports import pdf
    older = request.getfixturevalue("older_pack") if with_older_pack else {}
    monkeypatch.setattr(pdf, "write_pdf", _failing_pdf_writer(RuntimeError("layout failed")))
    with pytest.raises(RuntimeError, match="layout failed"):  # a programming error is not turned into a message
        build_board_pack(sample_database, PERIOD, tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == older  # byte for byte, no temporary files


@pytest.mark.slow
def test_a_failure_while_renaming_puts_the_older_pack_back(sample_database, tmp_path, monkeypatch, older_pack):
    import os

    from reports import publish
    replace = os.replace

    def failing_replace(source, target):
        if str(target).endswith(".pdf"):
            raise PermissionError(13, "Permission denied")
        return replace(source, target)

    monkeypatch.setattr(publish.os, "replace", failing_replace)
    with pytest.raises(BoardPackError) as raised:
        build_board_pack(sample_database, PERIOD, tmp_path)
    assert str(raised.value) == (f"could not write {tmp_path / PACK_FILES[0]}: Permission denied "
                                 "(no file of the pack was written or replaced)")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == older_pack


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_exit_status_1(sample_database, tmp_path, monkeypatch, capsys, older_pack):
    import errno
    import os

    from reports.__main__ import main
    from reports import pdf
    monkeypatch.setattr(pdf, "write_pdf", _failing_pdf_writer(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))))
    assert main(["board-pack", "--period", PERIOD, "--out", str(tmp_path), "--db", str(sample_database)]) == 1
    output = capsys.readouterr()
    assert output.err == (f"error: could not write {tmp_path / PACK_FILES[0]}: No space left on device "
                          "(no file of the pack was written or replaced)\n")
    assert output.out == ""
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == older_pack


@pytest.mark.slow
def test_an_output_folder_that_is_a_file_is_one_line_and_exit_status_1(sample_database, tmp_path, capsys):
    from reports.__main__ import main
    out = tmp_path / "packs"
    out.write_text("not a folder")
    assert main(["board-pack", "--period", PERIOD, "--out", str(out), "--db", str(sample_database)]) == 1
    assert capsys.readouterr().err == f"error: {out} is a file: the pack needs a folder to write its files into\n"
    assert out.read_text() == "not a folder"


def test_what_a_killed_run_left_is_removed_and_runs_take_turns(tmp_path):
    import fcntl
    import threading

    from reports.publish import publish_together
    stale = [tmp_path / ".pack.xlsx.0a1b2c3d.partial", tmp_path / ".pack.pdf.deadbeef.previous"]
    for path in stale:
        path.write_bytes(b"left by a run that was killed")
    other = tmp_path / ".another.pdf.0a1b2c3d.partial"
    other.write_bytes(b"not ours")
    files = [(tmp_path / "pack.xlsx", lambda path: path.write_bytes(b"x")),
             (tmp_path / "pack.pdf", lambda path: path.write_bytes(b"p"))]
    descriptor = os.open(tmp_path, os.O_RDONLY)
    fcntl.flock(descriptor, fcntl.LOCK_EX)  # another run holds the folder
    runner = threading.Thread(target=publish_together, args=(files,))
    runner.start()
    runner.join(timeout=1)
    assert runner.is_alive() and not (tmp_path / "pack.xlsx").exists()  # it waits its turn
    os.close(descriptor)
    runner.join(timeout=30)
    assert (tmp_path / "pack.xlsx").read_bytes() == b"x" and (tmp_path / "pack.pdf").read_bytes() == b"p"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".another.pdf.0a1b2c3d.partial", "pack.pdf", "pack.xlsx"]
