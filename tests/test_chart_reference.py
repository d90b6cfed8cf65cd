"""The world map places countries from the reference data that etl.reference reads (MM_REFERENCE_DIR when set),
never from a path of its own."""

from __future__ import annotations

import shutil

import pandas as pd

from etl.reference import REFERENCE_DIR, REFERENCE_DIR_ENVIRONMENT_VARIABLE
from mm_core import charts

COUNTRY_STATUS = pd.DataFrame({
    "country": ["JAM", "XKX"], "name": ["Jamaica", "Kosovo"], "on_track": [10, 0], "at_risk": [2, 0],
    "off_track": [1, 0], "no_data": [0, 3], "status": ["on track", "not reported"]})


def map_points(chart) -> list[dict]:
    chart_spec = charts.to_spec(chart)
    lookup = chart_spec["layer"][1]["transform"][0]
    return sorted(({key: row[key] for key in ("country", "id", "latitude", "longitude")}
                   for row in chart_spec["datasets"][lookup["from"]["data"]["name"]]), key=lambda row: row["country"])


def other_reference(tmp_path):
    """A copy of the shipped reference folder where Jamaica sits elsewhere and a country is added."""
    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, folder)
    countries = folder / "countries.csv"
    lines = countries.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    moved = []
    for line in lines[1:]:
        cells = line.split(",")
        if cells[0] == "JAM":
            cells[header.index("latitude")], cells[header.index("longitude")] = "10.5", "-70.25"
        moved.append(",".join(cells))
    moved.append("XKX,,Kosovo,,Europe,Government,42.6,20.9,XK")
    countries.write_text("\n".join([lines[0], *moved]) + "\n", encoding="utf-8")
    return folder


def test_the_map_takes_places_from_mm_reference_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(REFERENCE_DIR_ENVIRONMENT_VARIABLE, str(other_reference(tmp_path)))
    assert map_points(charts.world_map(COUNTRY_STATUS)) == [
        {"country": "JAM", "id": "388", "latitude": 10.5, "longitude": -70.25},
        {"country": "XKX", "id": None, "latitude": 42.6, "longitude": 20.9},  # blank iso_numeric: no shape
    ]


def test_the_map_takes_places_from_the_shipped_folder_by_default(monkeypatch):
    monkeypatch.delenv(REFERENCE_DIR_ENVIRONMENT_VARIABLE, raising=False)
    assert map_points(charts.world_map(COUNTRY_STATUS)) == [
        {"country": "JAM", "id": "388", "latitude": 18.1, "longitude": -77.3},
        {"country": "XKX", "id": None, "latitude": None, "longitude": None},  # not in the shipped list
    ]
