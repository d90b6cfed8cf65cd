"""The What changed page under AppTest: two builds compared by default (the last pack's build, else the board build
before the current one, against the current warehouse), the restated value in its table; one build explained."""

from __future__ import annotations

import pytest

from etl import history
from etl.load import run_load

from .helpers.pages import as_shown
from .helpers.rows import good_rows

PAGE = "app_pages/changes.py"


@pytest.fixture
def two_builds(write_workbook, database):
    run_load([write_workbook(good_rows(), name="first.xlsx")], database, actor="Amina")
    first = history.current_load_id(database)
    rows = good_rows()
    assert (rows["results"][2]["country"], rows["results"][2]["period"], rows["results"][2]["actual"]) == (
        "Jamaica", "2014/15 H2", 2)
    rows["results"][2]["actual"] = 3
    run_load([write_workbook(rows, name="second.xlsx")], database, actor="Omar")
    return database, first, history.current_load_id(database)


def frames_by_heading(app):
    return {heading.value.rsplit(" (", 1)[0]: heading.value for heading in app.subheader}


def test_the_page_compares_the_previous_build_with_now(app_for, two_builds):
    database, first, second = two_builds
    app = app_for(database, page=PAGE)
    assert not app.exception and not app.error
    assert app.selectbox(key="changes_from").value == first
    assert app.selectbox(key="changes_to").value == second
    assert app.selectbox(key="changes_to").options[0].endswith("Omar · board (current)")  # options are plain text
    headings = frames_by_heading(app)
    assert headings["Values restated for periods already reported"].endswith("(1)")
    restated = next(frame.value for frame in app.dataframe if "Field" in frame.value.columns)
    assert restated[["Indicator", "Country", "Period", "Field", "Before", "Now", "Source file", "Submitted by"]
                    ].to_dict("records") == [
        {"Indicator": "1.1", "Country": "JAM", "Period": "2014/15 H2", "Field": "actual", "Before": 2.0, "Now": 3.0,
         "Source file": "second.xlsx", "Submitted by": "loaded by Omar"}]
    assert "No expenditure line changed." in [caption.value for caption in app.caption]


def test_by_default_the_page_starts_from_the_last_pack(app_for, two_builds, write_workbook):
    database, first, second = two_builds
    history.record_export(database, first, "Amina", "pdf", "board-pack-2014-15-H2.pdf")
    run_load([write_workbook(good_rows(), name="third.xlsx")], database)
    app = app_for(database, page=PAGE)
    assert app.selectbox(key="changes_from").value == first  # not the build just before the current one


def test_with_one_build_the_page_says_when_changes_appear(app_for, write_workbook, database):
    run_load([write_workbook(good_rows())], database)
    app = app_for(database, page=PAGE)
    assert not app.exception
    assert "Only one build so far: changes appear after the next load." in app.info[0].value
    assert "changes_from" not in [box.key for box in app.selectbox]


def test_without_a_warehouse_the_page_explains_how_to_load(app_for, tmp_path):
    app = app_for(tmp_path / "nothing.duckdb", page=PAGE)
    assert not app.exception
    assert "No programme data loaded yet" in app.warning[0].value


def test_the_two_builds_are_in_the_link(app_for, two_builds, write_workbook):
    database, first, second = two_builds
    run_load([write_workbook(good_rows(), name="third.xlsx")], database)
    third = history.current_load_id(database)
    app = app_for(database, {"from": first, "to": second}, page=PAGE)
    assert not app.exception and not app.error
    assert (app.selectbox(key="changes_from").value, app.selectbox(key="changes_to").value) == (first, second)
    assert f"From build {first} to build {second}." in [as_shown(caption.value) for caption in app.caption]
    app.selectbox(key="changes_to").select(third).run()
    assert (app.query_params["from"], app.query_params["to"]) == (first, third)
    stale = app_for(database, {"from": "20990101-000000-ffffff"}, page=PAGE)
    assert not stale.exception
    assert stale.selectbox(key="changes_from").value == second  # the default: the build before the current one
    assert "Ignored from the link (not a kept build): from=20990101-000000-ffffff" in [
        as_shown(caption.value) for caption in stale.caption]
