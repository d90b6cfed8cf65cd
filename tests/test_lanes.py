"""Which lane reads a sheet, chosen in one place (etl/files.py): the fast lane (etl/columnar.py) takes a plain
sheet of the template, the per-cell lane (etl/cells.py) every other one; MM_FAST_LANE=0 sends every sheet down
the per-cell lane. Both lanes have one interface."""

from __future__ import annotations

import csv
import inspect

import openpyxl
import pytest

from etl import spec
from etl.columnar import FastSheet
from etl.errors import UnreadableFile
from etl.files import FAST_LANE, PER_CELL_LANE, Lane, lanes, read_file
from etl.layout import RawSheet

from .helpers.rows import good_rows


@pytest.mark.parametrize("lane", [FAST_LANE, PER_CELL_LANE], ids=["fast", "per-cell"])
def test_both_lanes_have_the_lane_interface(lane):
    for method in ("read_sheet", "read_csv"):
        expected = [name for name in inspect.signature(getattr(Lane, method)).parameters if name != "self"]
        assert list(inspect.signature(getattr(lane, method)).parameters) == expected


@pytest.mark.parametrize("switch, expected", [(None, [FAST_LANE, PER_CELL_LANE]), ("1", [FAST_LANE, PER_CELL_LANE]),
                                              ("0", [PER_CELL_LANE])])
def test_the_fast_lane_is_offered_first_unless_switched_off(monkeypatch, switch, expected):
    if switch is None:
        monkeypatch.delenv("MM_FAST_LANE", raising=False)
    else:
        monkeypatch.setenv("MM_FAST_LANE", switch)
    assert list(lanes()) == expected


def lane_of_each_sheet(path) -> dict[str, str]:
    sheets, _ = read_file(path)
    return {sheet.sheet: {FastSheet: "fast", RawSheet: "per-cell"}[type(sheet)] for sheet in sheets}


def test_a_plain_sheet_of_the_template_takes_the_fast_lane(write_workbook, monkeypatch):
    path = write_workbook(good_rows())
    monkeypatch.delenv("MM_FAST_LANE", raising=False)
    assert lane_of_each_sheet(path) == {"Results matrix": "fast", "Work plan": "per-cell", "Expenditure": "per-cell",
                                        "Milestones": "fast", "Narrative": "fast", "Recommendations": "fast"}
    monkeypatch.setenv("MM_FAST_LANE", "0")
    assert set(lane_of_each_sheet(path).values()) == {"per-cell"}


def test_a_sheet_with_a_merged_cell_takes_the_per_cell_lane(write_workbook, tmp_path, monkeypatch):
    monkeypatch.delenv("MM_FAST_LANE", raising=False)
    book = openpyxl.load_workbook(write_workbook(good_rows()))
    book["Milestones"].merge_cells("A3:A4")
    book.save(tmp_path / "merged.xlsx")
    lanes_found = lane_of_each_sheet(tmp_path / "merged.xlsx")
    assert (lanes_found["Milestones"], lanes_found["Results matrix"]) == ("per-cell", "fast")


def test_a_csv_file_takes_the_fast_lane_unless_switched_off(tmp_path, monkeypatch):
    path = tmp_path / "milestones.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([column.header for column in spec.MILESTONES.columns])
        for row in good_rows()["milestones"]:
            writer.writerow([row.get(column.key, "") for column in spec.MILESTONES.columns])
    monkeypatch.delenv("MM_FAST_LANE", raising=False)
    assert lane_of_each_sheet(path) == {"Milestones": "fast"}
    monkeypatch.setenv("MM_FAST_LANE", "0")
    assert lane_of_each_sheet(path) == {"Milestones": "per-cell"}


@pytest.mark.parametrize("switch", ["1", "0"])
def test_a_csv_file_no_lane_takes_is_refused_with_the_sheet_kinds(tmp_path, monkeypatch, switch):
    monkeypatch.setenv("MM_FAST_LANE", switch)
    path = tmp_path / "other.csv"
    path.write_text("name,colour\napple,red\n")
    with pytest.raises(UnreadableFile) as refused:
        read_file(path)
    assert str(refused.value) == ("other.csv: no header row matches any sheet kind ("
                                  + ", ".join(s.title for s in spec.ALL_SHEETS) + "); no row names a known column; "
                                  "the headers seen (row 1): 'name', 'colour'")
