"""The sample's source tables (data/sample-source/*.csv) make exactly the bundled sample workbooks."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from etl import spec
from scripts.make_sample import SOURCE_DIR, as_of_snapshot, build_sample, cell, unit_rows

from .helpers.paths import REPOSITORY

SAMPLE_DIR = REPOSITORY / "data" / "sample"


def typed_cells(path: Path) -> dict[str, list[list[tuple[str, object]]]]:
    """Every sheet's cell values with their Python type (12 and 12.0 and a date and its text differ)."""
    workbook = openpyxl.load_workbook(path)
    return {worksheet.title: [[(type(value).__name__, value) for value in row]
                              for row in worksheet.iter_rows(values_only=True)]
            for worksheet in workbook.worksheets}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    build_sample(folder)
    return folder


def test_the_sources_make_every_bundled_workbook(built):
    assert sorted(p.name for p in built.glob("*.xlsx")) == sorted(p.name for p in SAMPLE_DIR.glob("*.xlsx"))
    assert len(list(built.glob("*.xlsx"))) == 10


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE_DIR.glob("*.xlsx")))
def test_every_sheet_has_the_same_cells_as_the_bundled_workbook(built, name):
    made, bundled = typed_cells(built / name), typed_cells(SAMPLE_DIR / name)
    assert list(made) == list(bundled)
    for sheet in bundled:
        hint = f"{name}, sheet {sheet}: not what data/sample-source makes; run `make sample` and commit both"
        assert len(made[sheet]) == len(bundled[sheet]), hint
        differing = [(number, mine, theirs) for number, (mine, theirs)
                     in enumerate(zip(made[sheet], bundled[sheet]), start=1) if mine != theirs]
        assert not differing, (hint, differing[:3])


def test_every_workbook_has_the_five_sheets_of_a_unit():
    units = unit_rows()
    assert list(units) == ["BGD", "ECU", "JAM", "KGZ", "MDA", "MAR", "SRB", "TUN", "GLOBAL"]
    assert all(list(rows) == ["results", "workplan", "expenditure", "milestones", "narrative"]
               for rows in units.values())
    # the indicator's wording comes from indicators.csv
    first = units["BGD"]["results"][0]
    assert (first["indicator_code"], first["output_code"], first["unit"], first["direction"]) == (
        "1.1", "Output 1", "meetings", "higher is better")


@pytest.mark.parametrize("kind, text, expected", [
    (spec.NUMBER, "", None),
    (spec.TEXT, "", None),
    (spec.NUMBER, "12", 12),
    (spec.MONEY, "36000.0", 36000.0),
    (spec.MONEY, "29815.4", 29815.4),
    (spec.PERCENT, "-3", -3),
    (spec.DATE, "2015-06-30", dt.date(2015, 6, 30)),
    (spec.MONTH_START, "2015-06-01", dt.date(2015, 6, 1)),
    (spec.MONTH_START, "Jun 2015", "Jun 2015"),
    (spec.MONTH_END, "Q3 2014", "Q3 2014"),
    (spec.TEXT, "1.1", "1.1"),
    (spec.TEXT, "2015-06-30", "2015-06-30"),
])
def test_a_field_is_read_by_its_column_kind(kind, text, expected):
    value = cell(kind, text)
    assert (type(value), value) == (type(expected), expected)


def test_the_snapshot_drops_what_came_after_the_as_of_date():
    rows = {"results": [{"period": "2017/18 H1", "actual": 3}, {"period": "2017/18 H2", "actual": 4}],
            "narrative": [{"period": "2017/18 H1"}, {"period": "2017/18 H2"}],
            "milestones": [{"achieved_date": dt.date(2017, 7, 31)}, {"achieved_date": dt.date(2017, 8, 1)}]}
    rows = as_of_snapshot(rows, dt.date(2017, 7, 31))
    assert [r["actual"] for r in rows["results"]] == [3, None]
    assert rows["narrative"] == [{"period": "2017/18 H1"}]
    assert [r["achieved_date"] for r in rows["milestones"]] == [dt.date(2017, 7, 31), None]


def copied_source(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    shutil.copytree(SOURCE_DIR, source)
    return source


def test_a_misspelt_column_is_refused(tmp_path):
    source = copied_source(tmp_path)
    path = source / "milestones.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("achieved_date", "achieved", 1), encoding="utf-8")
    with pytest.raises(ValueError, match="milestones.csv: unknown column achieved;"):
        unit_rows(source)


def test_an_indicator_missing_from_the_indicator_table_is_refused(tmp_path):
    source = copied_source(tmp_path)
    path = source / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("1.1,")), encoding="utf-8")
    with pytest.raises(ValueError, match="results.csv: indicator 1.1 is not in indicators.csv"):
        unit_rows(source)
