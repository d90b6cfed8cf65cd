"""Charts are drawn once per distinct data and replayed on reruns (mm_dashboard/ui.py `chart`): a rerun
shows exactly the same charts without building them, and changed filters or a new load never show a stale
chart."""

from __future__ import annotations

import datetime as dt
import functools
import json

import pandas as pd
import pytest

from etl.load import run_load
from mm_core import charts as chart_builders
from mm_dashboard import ui

from .helpers.pages import PAGES, chart_rows, charts, choose
from .helpers.rows import good_rows

BUILDERS = ("world_map", "indicator_progress_bars", "indicator_trajectory", "milestone_matrix", "milestone_timeline",
            "peer_comparison", "gantt", "money_bars", "burn_rate", "results_against_resources")


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The names of the chart builders called from now on."""
    called: list[str] = []
    for name in BUILDERS:
        original = getattr(chart_builders, name)

        @functools.wraps(original)
        def counting(*inputs, _original=original, _name=name):
            called.append(_name)
            return _original(*inputs)
        monkeypatch.setattr(chart_builders, name, counting)
    return called


def drawn(app) -> list[tuple[str, list[dict]]]:
    """Each chart on the page: its spec and the rows sent with it."""
    return [(json.dumps(spec, sort_keys=True), chart_rows(app, index)) for index, spec in enumerate(charts(app))]


def charts_per_column(app) -> list[int]:
    return [len(column.get("vega_lite_chart")) for column in app.columns]


@pytest.mark.slow
@pytest.mark.parametrize("page", [page for page, (_, count) in PAGES.items() if count])
def test_a_rerun_replays_every_chart_without_building_it(app_for, sample_database, builds, page):
    app = app_for(sample_database, page=page)
    assert builds, "the first run builds the page's charts"
    first, columns = drawn(app), charts_per_column(app)
    builds.clear()
    app.run()
    assert not app.exception and not app.error
    assert builds == []
    assert drawn(app) == first
    assert charts_per_column(app) == columns  # a replayed chart lands in the column it was drawn in


def test_a_chart_follows_the_filters_and_the_presentation_mode(app_for, sample_database):
    app = app_for(sample_database, page="app_pages/money.py")
    everywhere = chart_rows(app, 0)
    choose(app, country="ECU")
    ecuador = chart_rows(app, 0)
    assert ecuador != everywhere
    assert sum(r["usd"] for r in ecuador) < sum(r["usd"] for r in everywhere)
    choose(app, country="all")
    assert chart_rows(app, 0) == everywhere
    assert charts(app)[0]["config"]["axis"]["labelFontSize"] == chart_builders.SCREEN_FONT_SIZE
    choose(app, present=True)
    assert charts(app)[0]["config"]["axis"]["labelFontSize"] == chart_builders.PRESENTATION_FONT_SIZE
    assert chart_rows(app, 0) == everywhere


@pytest.mark.slow
def test_a_chart_changes_after_a_new_load(app_for, write_workbook, tmp_path):
    database = tmp_path / "live.duckdb"
    run_load([write_workbook(good_rows())], database, as_of=dt.date(2015, 7, 31))
    app = app_for(database, page="app_pages/workplan.py")

    def statuses() -> dict[str, str]:
        return {row["activity_code"]: row["status"] for row in chart_rows(app, 0) if row.get("activity_code")}
    assert statuses() == {"1.1.1": "completed", "2.1.1": "delayed"}
    app.run()
    assert statuses() == {"1.1.1": "completed", "2.1.1": "delayed"}
    rows = good_rows()
    rows["workplan"][1].update(status="completed", actual_start=dt.date(2014, 9, 1), actual_end=dt.date(2015, 3, 1))
    run_load([write_workbook(rows, name="newer.xlsx")], database, as_of=dt.date(2015, 7, 31))
    app.run()
    assert statuses() == {"1.1.1": "completed", "2.1.1": "completed"}


def test_the_chart_key_reads_every_row_of_a_large_frame():
    """Streamlit's own hash of a frame of 50,000 rows or more reads a sample of 10,000; the chart key must
    not, or a change outside the sample would show the old chart."""
    frame = pd.DataFrame({"label": [f"row {n}" for n in range(60_000)], "value": range(60_000)})
    same = frame.copy()
    assert ui._frame_digest(same) == ui._frame_digest(frame)
    for column, value in (("value", -1), ("label", "changed")):
        changed = frame.copy()
        changed.loc[59_999, column] = value
        assert ui._frame_digest(changed) != ui._frame_digest(frame), column
    assert ui._frame_digest(frame.rename(columns={"value": "amount"})) != ui._frame_digest(frame)
    assert ui._frame_digest(frame.astype({"value": float})) != ui._frame_digest(frame)
