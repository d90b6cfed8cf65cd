"""The second bundled programme (examples/phase3: calendar years, quarterly reporting, three agencies,
eleven countries, two outcomes) loads and exports from the same code as Phase II (issue 13, item 7)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import duckdb
import openpyxl
import pytest

from etl.export_iati import export_iati
from etl.load import run_load
from etl.reference import load_reference
from etl.templates import build_workbook
from scripts.make_example import make_example

from .helpers.paths import EXAMPLE_DIR, EXAMPLE_PROGRAMME


def test_its_workbooks_are_those_its_generator_writes(tmp_path):
    written = make_example(EXAMPLE_DIR, tmp_path)
    bundled = sorted((EXAMPLE_DIR / "sample").glob("*.xlsx"))
    assert [p.name for p in written] and sorted(p.name for p in written) == [p.name for p in bundled]
    for path in bundled:
        fresh, kept = openpyxl.load_workbook(tmp_path / path.name), openpyxl.load_workbook(path)
        assert fresh.sheetnames == kept.sheetnames
        for name in fresh.sheetnames:
            assert list(fresh[name].iter_rows(values_only=True)) == list(kept[name].iter_rows(values_only=True)), (
                f"{path.name} › {name} differs from what scripts/make_example.py writes: run `make example`")


def test_its_templates_list_its_own_countries_agencies_and_quarters():
    reference = load_reference(programme=EXAMPLE_PROGRAMME)
    workbook = build_workbook(["workplan", "results"], reference=reference)
    lists = {column[0].value: [cell.value for cell in column[1:] if cell.value is not None]
             for column in workbook["Lists"].iter_cols()}
    assert lists["agency"] == ["IOM", "UNDP", "ILO"]
    assert lists["period"][:2] == ["2019 Q1", "2019 Q2"] and len(lists["period"]) == 16
    assert "Philippines" in lists["country"] and "Nigeria" in lists["country"]
    assert workbook["Guide"]["A1"].value.startswith("Joint Programme on Migration and the SDGs: Making Migration")


def test_it_loads_without_a_rejected_row_into_its_own_tables(example_database):
    with duckdb.connect(str(example_database), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM rejected_rows").fetchone()[0] == 0
        assert connection.execute("SELECT board, year_start_month, reporting FROM programme").fetchone() == (
            "Programme Steering Committee", 1, "quarter")
        assert connection.execute("SELECT count(*) FROM countries").fetchone()[0] == 11
        assert connection.execute("SELECT level, count(*) FROM results_chain GROUP BY level ORDER BY level"
                                  ).fetchall() == [("impact", 1), ("outcome", 2), ("output", 6)]
        assert connection.execute("SELECT count(DISTINCT period) FROM indicator_progress").fetchone()[0] == 16
        # a country that was not in Phase II, and the third agency, have figures
        assert connection.execute("SELECT count(*) FROM indicator_progress WHERE country = 'NGA'").fetchone()[0] > 0
        assert connection.execute("SELECT sum(budget_usd) FROM finance_summary WHERE agency = 'ILO'"
                                  ).fetchone()[0] > 0
        assert connection.execute("SELECT phase, deadline FROM inception_deadline").fetchall() == [
            ("III", dt.date(2019, 6, 30))]


def test_its_iati_export_follows_its_calendar_and_agencies(example_database, tmp_path):
    out = tmp_path / "phase3.xml"
    export_iati(example_database, out)
    root = ET.parse(out).getroot()
    first = root.find("iati-activity")
    assert first.findtext("iati-identifier").startswith("XM-DAC-47066-M4SD-")  # IOM reports it
    assert {e.get("ref") for e in first.findall("participating-org") if e.get("role") == "4"} == {
        "XM-DAC-47066", "XM-DAC-41114", "XM-DAC-41302"}
    assert [(d.get("type"), d.get("iso-date")) for d in first.findall("activity-date")] == [
        ("1", "2019-01-01"), ("3", "2022-12-31")]
    tags = {(t.get("vocabulary"), t.get("code")) for t in first.findall("tag")}
    # its country outputs' targets, and 1.3, which an indicator of its carries itself
    assert tags == {("3", "10.7"), ("3", "11.3"), ("3", "8.8"), ("3", "10.c"), ("3", "17.18"), ("3", "1.3")}
    finance = [a for a in root.findall("iati-activity") if a.findtext("iati-identifier").endswith("-O3-ILO")][0]
    assert {t.get("code") for t in finance.findall("tag")} == {"8.8", "10.c"}  # output 3's own
    budget = root.find(".//budget")
    assert (budget.find("period-start").get("iso-date"), budget.find("period-end").get("iso-date")) in {
        (f"{year}-01-01", f"{year}-12-31") for year in range(2019, 2023)}
    periods = root.findall(".//indicator/period")
    assert periods and {p.find("period-start").get("iso-date")[5:] for p in periods} == {"01-01", "04-01", "07-01", "10-01"}


@pytest.mark.parametrize("value", ["2019 Q3", "q3 2019", "2019-Q3", "Q3-2019"])
def test_a_quarter_is_read_in_its_spellings(value):
    from etl import spec
    from etl.parse import parser_for
    parse = parser_for(spec.NARRATIVE.column("period"), load_reference(programme=EXAMPLE_PROGRAMME))
    assert parse(value) == "2019 Q3"


def test_its_parts_by_sex_are_exported_as_iati_dimensions(example_database, tmp_path):
    out = tmp_path / "phase3.xml"
    export_iati(example_database, out)
    with duckdb.connect(str(example_database), read_only=True) as connection:
        country, code, period, female, male, total = connection.execute("""
            SELECT p.country, p.indicator_code, p.period, max(p.actual) FILTER (WHERE category = 'female'),
                   max(p.actual) FILTER (WHERE category = 'male'), max(i.actual)
            FROM indicator_parts p JOIN indicator_progress i USING (country, indicator_code, period)
            GROUP BY ALL ORDER BY ALL LIMIT 1""").fetchone()
        start = connection.execute("SELECT period_start FROM periods WHERE period = ?", [period]).fetchone()[0]
    assert female + male == total
    root = ET.parse(out).getroot()
    activity = next(a for a in root.findall("iati-activity") if a.findtext("iati-identifier").endswith(f"-{country}"))
    indicator = next(i for i in activity.iter("indicator") if i.find("reference").get("code") == code)
    element = next(p for p in indicator.findall("period") if p.find("period-start").get("iso-date") == start.isoformat())
    actuals = [(float(a.get("value")), [(d.get("name"), d.get("value")) for d in a.findall("dimension")])
               for a in element.findall("actual")]
    assert actuals == [(total, []), (female, [("sex", "female")]), (male, [("sex", "male")])]
    tags = [child.tag for child in element]
    assert tags.index("actual") > max(i for i, tag in enumerate(tags) if tag == "target")  # schema order


def test_parts_that_do_not_add_up_are_kept_and_warned_about_at_their_cell(tmp_path):
    """The example's parts by sex add up (no warning); a part changed, and parts of an indicator the Results
    matrix does not have, are each a warning at the first part's cell, and the parts are kept."""
    workbook = openpyxl.load_workbook(EXAMPLE_DIR / "sample" / "BGD.xlsx")
    sheet = workbook["Disaggregation"]
    header = [cell.value for cell in sheet[1]]
    first = {h: c.value for h, c in zip(header, sheet[2])}
    sheet.cell(row=2, column=header.index("Period actual") + 1, value=first["Period actual"] + 5)
    sheet.append([first["Country"], "9.9", first["Period"], "sex", "female", None, 4])
    workbook.save(tmp_path / "BGD.xlsx")
    database = tmp_path / "w.duckdb"
    summary = run_load([tmp_path / "BGD.xlsx"], database, as_of=dt.date(2021, 9, 30), programme=EXAMPLE_PROGRAMME)
    assert not summary.rejected
    warnings = [w.message for w in summary.warnings if w.kind in ("parts and total", "parts without a total")]
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("BGD.xlsx › Disaggregation › row 2 › column Period actual: the Sex parts of the "
                                  f"actual of indicator {first['Indicator code']} (female ")
    assert "do not add up to the total" in warnings[0] and "given at BGD.xlsx › Results matrix › row " in warnings[0]
    assert warnings[1].endswith("› column Indicator code: no Results matrix row for indicator 9.9, BGD, "
                                f"{first['Period']}: its Sex parts are kept, with no total to check them against")
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM indicator_parts WHERE indicator_code = '9.9'").fetchone()[0] == 1
        assert connection.execute("SELECT count(*) FROM load_warnings WHERE kind = 'parts and total'").fetchone()[0] == 1


def test_the_example_loads_with_no_parts_warning(example_database):
    with duckdb.connect(str(example_database), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM load_warnings WHERE kind LIKE 'parts%'").fetchone()[0] == 0
        assert connection.execute("SELECT count(*) FROM indicator_parts").fetchone()[0] > 0
