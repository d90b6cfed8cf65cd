"""The world map places countries where the warehouse's countries table says (queries.country_places): the
ETL writes it from the reference data it read at load time (MM_REFERENCE_DIR when set), and the map has no
list or path of its own."""

from __future__ import annotations

import shutil

import pandas as pd

from etl.load import run_load
from etl.reference import REFERENCE_DIR, REFERENCE_DIR_ENVIRONMENT_VARIABLE
from etl.warehouse import open_read_only
from mm_core import charts, queries

from .helpers.rows import good_rows

COUNTRY_STATUS = pd.DataFrame({
    "country": ["JAM", "XKX"], "name": ["Jamaica", "Kosovo"], "on_track": [10, 0], "at_risk": [2, 0],
    "off_track": [1, 0], "no_data": [0, 3], "status": ["on track", "not reported"]})


def map_points(chart) -> list[dict]:
    chart_spec = charts.to_spec(chart)
    lookup = chart_spec["layer"][1]["transform"][0]
    return sorted(({key: row[key] for key in ("country", "id", "latitude", "longitude")}
                   for row in chart_spec["datasets"][lookup["from"]["data"]["name"]]), key=lambda row: row["country"])


def other_reference(tmp_path):
    """A copy of the shipped reference folder where Jamaica sits elsewhere and a country without an ISO numeric
    code joins the programme."""
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
    moved.append("XKX,,XK,Kosovo,,42.6,20.9")
    countries.write_text("\n".join([lines[0], *moved]) + "\n", encoding="utf-8")
    programme = folder / "programme.toml"
    programme.write_text(programme.read_text(encoding="utf-8") + '\n[[countries]]\niso3 = "XKX"\nphases = ["II"]\n',
                         encoding="utf-8")
    return folder


def warehouse_places(write_workbook, database) -> pd.DataFrame:
    run_load([write_workbook(good_rows())], database)
    connection = open_read_only(database)
    try:
        return queries.country_places(connection)
    finally:
        connection.close()


def test_the_map_takes_places_from_the_reference_folder_of_the_load(write_workbook, database, tmp_path, monkeypatch):
    monkeypatch.setenv(REFERENCE_DIR_ENVIRONMENT_VARIABLE, str(other_reference(tmp_path)))
    places = warehouse_places(write_workbook, database)
    monkeypatch.delenv(REFERENCE_DIR_ENVIRONMENT_VARIABLE)  # the map reads the warehouse, not the folder
    assert map_points(charts.world_map(COUNTRY_STATUS, places)) == [
        {"country": "JAM", "id": "388", "latitude": 10.5, "longitude": -70.25},
        {"country": "XKX", "id": None, "latitude": 42.6, "longitude": 20.9},  # blank iso_numeric: no shape
    ]


def test_the_map_takes_places_from_the_shipped_folder_by_default(write_workbook, database, monkeypatch):
    monkeypatch.delenv(REFERENCE_DIR_ENVIRONMENT_VARIABLE, raising=False)
    assert map_points(charts.world_map(COUNTRY_STATUS, warehouse_places(write_workbook, database))) == [
        {"country": "JAM", "id": "388", "latitude": 18.1, "longitude": -77.3},
        {"country": "XKX", "id": None, "latitude": None, "longitude": None},  # not in the programme
    ]
