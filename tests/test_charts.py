"""Chart builders, tested on their Vega-Lite spec and the data they carry."""

from __future__ import annotations

import datetime as dt
import json
import traceback

import pandas as pd
import pytest
from altair.utils import schemapi

from mm_core import charts
from mm_dashboard.ui import safe_csv


@pytest.fixture(autouse=True)
def channels_given_as_objects(monkeypatch):
    """Every builder gives Altair its encodings as channel objects (alt.X("a:N"), alt.Tooltip("b:Q")), never as
    shorthand strings or dicts: Altair turns each of those into an object by a schema lookup it rebuilds on
    every call (SchemaBase.from_dict, 1.7 ms each), which was most of a chart's build on every new filter.
    Checked around every test of this module: no from_dict called from mm_core/charts.py."""
    called = []
    original = schemapi.SchemaBase.from_dict.__func__

    def from_dict(cls, *args, **kwargs):
        if any(frame.filename.endswith("mm_core/charts.py") for frame in traceback.extract_stack()):
            called.append(cls.__name__)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(schemapi.SchemaBase, "from_dict", classmethod(from_dict))
    yield
    assert not called, f"encodings given as strings or dicts, turned into {called} by Altair's from_dict"


def spec(chart) -> dict:
    """The chart's spec, validated against the Vega-Lite schema as it is and as drawn on a screen and on a projector
    (to_spec and Altair's debug mode, both off while serving, validate nothing)."""
    for large in (False, True):
        charts.presentation(chart, large).to_dict()
    return chart.to_dict()


def rows(chart_spec: dict) -> list[dict]:
    return [row for dataset in chart_spec.get("datasets", {}).values() for row in dataset]


def encodings(chart_spec: dict) -> list[dict]:
    return [layer.get("encoding", {}) for layer in chart_spec.get("layer", [chart_spec])]


COUNTRY_STATUS = pd.DataFrame({
    "country": ["JAM", "ECU"], "name": ["Jamaica", "Ecuador"], "on_track": [10, 0], "at_risk": [2, 0],
    "off_track": [1, 0], "no_data": [0, 25], "status": ["on track", "not reported"]})
PLACES = pd.DataFrame({  # as queries.country_places gives them (the warehouse's countries table)
    "country": ["ECU", "JAM"], "id": ["218", "388"], "latitude": [-1.5, 18.1], "longitude": [-78.4, -77.3]})


def test_world_map_colours_programme_countries_by_status_with_the_shipped_map():
    spec(charts.world_map(COUNTRY_STATUS, PLACES))  # valid, the map a named dataset
    chart_spec = charts.to_spec(charts.world_map(COUNTRY_STATUS, PLACES))
    land, filled = chart_spec["layer"][:2]
    assert land["data"] == filled["data"] == {"name": charts.WORLD,
                                              "format": {"type": "topojson", "feature": "countries"}}
    # the ~100 kB map is sent once, in the spec's datasets, however many layers draw it
    assert len(chart_spec["datasets"][charts.WORLD]["objects"]["countries"]["geometries"]) == 177
    assert json.dumps(chart_spec).count('"Topology"') == 1
    lookup = filled["transform"][0]
    assert lookup["lookup"] == "id"
    assert {(r["id"], r["status"]) for r in chart_spec["datasets"][lookup["from"]["data"]["name"]]} == {("388", "on track"),
                                                                                 ("218", "not reported")}
    colour = filled["encoding"]["color"]
    assert colour["scale"]["domain"] == ["on track", "at risk", "off track", "not reported"]
    assert colour["scale"]["range"] == ["#009E73", "#E69F00", "#D55E00", "#BBBBBB"]
    markers = chart_spec["layer"][2]
    assert markers["encoding"]["shape"]["field"] == "status"  # status not by colour alone


def test_indicator_progress_bars_cap_progress_and_mark_the_target():
    data = pd.DataFrame({"indicator_code": ["1.1", "1.2"], "country": ["JAM", "JAM"],
                         "indicator_title": ["Policies", "Days to process"], "status": ["on track", "off track"],
                         "progress_ratio": [2.4, 0.25], "baseline": [0, 30], "target": [4, 20], "actual": [10, 27.5],
                         "unit": ["policies", "days"]})
    chart_spec = spec(charts.indicator_progress_bars(data))
    values = {r["label"]: r["progress_percent"] for r in rows(chart_spec) if "label" in r}
    assert values == {"1.1 · JAM · Policies": 150.0, "1.2 · JAM · Days to process": 25.0}
    assert chart_spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 150]
    assert [r["x"] for r in rows(chart_spec) if "x" in r] == [100]


def test_an_indicator_that_went_backwards_gets_a_bar_left_of_zero():
    data = pd.DataFrame({"indicator_code": ["1.1", "1.2"], "country": ["JAM", "JAM"],
                         "indicator_title": ["Policies", "Communes"], "status": ["on track", "off track"],
                         "progress_ratio": [1.0, -0.8], "baseline": [0, 10], "target": [4, 20], "actual": [4, 2],
                         "unit": ["policies", "communes"]})
    chart_spec = spec(charts.indicator_progress_bars(data))
    drawn = {r["label"]: (r["progress_percent"], r["progress_true"]) for r in rows(chart_spec) if "label" in r}
    assert drawn == {"1.1 · JAM · Policies": (100.0, 100.0), "1.2 · JAM · Communes": (-50.0, -80.0)}
    assert chart_spec["layer"][0]["encoding"]["x"]["scale"]["domain"] == [-50, 150]
    assert "went backwards" in chart_spec["layer"][0]["encoding"]["x"]["title"]


def trajectory(adjusted: bool) -> pd.DataFrame:
    return pd.DataFrame({
        "period": ["2014/15 H1", "2014/15 H2"], "period_start": [dt.date(2014, 2, 1), dt.date(2014, 8, 1)],
        "period_end": [dt.date(2014, 7, 31), dt.date(2015, 1, 31)], "baseline": [12.0 if adjusted else 10.0] * 2,
        "baseline_original": [10.0] * 2, "baseline_is_adjusted": [adjusted] * 2,
        "baseline_adjustment_note": ["survey revised" if adjusted else None] * 2, "target": [11.0, 14.0],
        "actual": [None, 13.0], "end_target": [20.0] * 2, "status": ["no data", "at risk"], "unit": ["%"] * 2,
        "direction": ["higher is better"] * 2, "indicator_title": ["Share"] * 2, "progress_ratio": [None, 0.75]})


@pytest.mark.parametrize("adjusted, labels", [
    (False, {"Baseline", "End-of-programme target"}),
    (True, {"Original baseline", "Adjusted baseline", "End-of-programme target"})])
def test_trajectory_keeps_an_adjusted_baseline_visible(adjusted, labels):
    chart_spec = spec(charts.indicator_trajectory(trajectory(adjusted)))
    rules = {r["label"]: r["value"] for r in rows(chart_spec) if "label" in r}
    assert set(rules) == labels
    if adjusted:
        assert (rules["Original baseline"], rules["Adjusted baseline"]) == (10.0, 12.0)
    series = [(r["series"], r["value"]) for r in rows(chart_spec) if "series" in r]
    assert series == [("Target", 11.0), ("Target", 14.0), ("Actual", 13.0)]  # no point for a missing actual
    assert chart_spec["layer"][2]["encoding"]["y"]["title"] == "%"


def test_gantt_draws_planned_and_actual_bars_and_flags_overdue():
    data = pd.DataFrame({
        "country": ["SRB", "SRB"], "activity_code": ["1.1.1", "2.1.1"], "activity_title": ["Launch", "Profile"],
        "status": ["completed", "delayed"], "planned_start": [dt.date(2014, 4, 1), dt.date(2014, 9, 1)],
        "planned_end": [dt.date(2014, 6, 30), dt.date(2015, 12, 31)], "actual_start": [dt.date(2014, 5, 2),
                                                                                    dt.date(2014, 10, 1)],
        "actual_end": [dt.date(2014, 6, 20), None], "percent_complete": [100, 40], "is_overdue": [False, True],
        "lead_agency": ["UNDP", "IOM"]})
    chart_spec = spec(charts.gantt(data, dt.date(2016, 1, 31)))
    planned, actual, overdue, today = chart_spec["layer"]
    assert planned["encoding"]["x2"]["field"] == "planned_end" and actual["encoding"]["x2"]["field"] == "actual_until"
    assert planned["encoding"]["color"]["scale"]["domain"] == charts.ACTIVITY_STATUS_ORDER
    overdue_rows = chart_spec["datasets"][overdue["data"]["name"]]
    assert [r["activity_code"] for r in overdue_rows] == ["2.1.1"]
    running = [r for r in chart_spec["datasets"][actual["data"]["name"]] if r["activity_code"] == "2.1.1"][0]
    assert running["actual_until"].startswith("2016-01-31")  # a running activity's bar reaches the as-of date


def test_money_bars_put_the_three_measures_side_by_side():
    data = pd.DataFrame({"group": ["1", "2"], "budget_usd": [100.0, 50.0], "received_usd": [80.0, 50.0],
                         "expenditure_usd": [60.0, 55.0]})
    chart_spec = spec(charts.money_bars(data, "Output"))
    assert chart_spec["encoding"]["xOffset"]["field"] == "measure"
    assert chart_spec["encoding"]["y"]["axis"]["labelExpr"] == charts.MONEY_AXIS_LABEL  # formats.money_short
    assert sorted((r["group"], r["measure"], r["usd"]) for r in rows(chart_spec)) == [
        ("1", "Budget", 100.0), ("1", "Expenditure", 60.0), ("1", "Funds received", 80.0),
        ("2", "Budget", 50.0), ("2", "Expenditure", 55.0), ("2", "Funds received", 50.0)]


def test_burn_rate_compares_spending_with_time():
    data = pd.DataFrame({"programme_year": [2014, 2015], "year_label": ["2014/15", "2015/16"],
                         "spent_share": [0.1, 0.3], "time_share": [0.25, 0.5]})
    chart_spec = spec(charts.burn_rate(data, "Phase II", "Programme year (Feb–Jan)"))
    assert sorted((r["year"], r["measure"], r["share"]) for r in rows(chart_spec)) == [
        ("2014/15", "Budget spent", 0.1), ("2014/15", "Time elapsed", 0.25),
        ("2015/16", "Budget spent", 0.3), ("2015/16", "Time elapsed", 0.5)]
    assert chart_spec["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert chart_spec["encoding"]["x"]["title"] == "Programme year (Feb–Jan)"
    assert chart_spec["encoding"]["y"]["title"] == "Share of Phase II"


def test_burn_rate_names_the_phases_and_years_it_is_given():
    """The chart names no programme fact of its own: the phases and the year come from the warehouse."""
    data = pd.DataFrame({"programme_year": [2019, 2020], "year_label": ["2019", "2020"],
                         "spent_share": [0.2, 0.4], "time_share": [0.25, 0.5]})
    chart_spec = spec(charts.burn_rate(data, "Phase III and Phase IV", "Calendar year"))
    assert chart_spec["encoding"]["x"]["title"] == "Calendar year"
    assert chart_spec["encoding"]["y"]["title"] == "Share of Phase III and Phase IV"
    assert sorted({r["year"] for r in rows(chart_spec)}) == ["2019", "2020"]


def test_world_map_places_countries_where_the_places_say():
    """The map's ids and markers come from the places given (the warehouse's countries table), not from a
    list of its own: a country the places do not have gets no shape and no marker."""
    places = pd.DataFrame({"country": ["JAM"], "id": ["388"], "latitude": [10.5], "longitude": [-70.25]})
    chart_spec = charts.to_spec(charts.world_map(COUNTRY_STATUS, places))
    lookup = chart_spec["layer"][1]["transform"][0]
    points = {row["country"]: (row["id"], row["latitude"], row["longitude"])
              for row in chart_spec["datasets"][lookup["from"]["data"]["name"]]}
    assert points == {"JAM": ("388", 10.5, -70.25), "ECU": (None, None, None)}


def test_milestone_matrix_labels_cells_with_a_symbol():
    data = pd.DataFrame({"country": ["JAM", "ECU"], "name": ["Jamaica", "Ecuador"],
                         "milestone": ["Government endorsement"] * 2, "category": ["inception"] * 2,
                         "status": ["achieved late", "overdue"], "due_date": [dt.date(2014, 4, 30)] * 2,
                         "achieved_date": [dt.date(2014, 5, 2), None]})
    chart_spec = spec(charts.milestone_matrix(data))
    assert {(r["name"], r["symbol"]) for r in rows(chart_spec)} == {("Jamaica", "✓"), ("Ecuador", "!")}
    assert chart_spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == charts.MILESTONE_STATUS_ORDER


def test_presentation_mode_enlarges_chart_type():
    chart = charts.burn_rate(pd.DataFrame({"programme_year": [2014], "year_label": ["2014/15"], "spent_share": [0.1],
                                           "time_share": [0.2]}), "Phase II", "Programme year (Feb–Jan)")
    assert spec(charts.presentation(chart, True))["config"]["axis"]["labelFontSize"] == charts.PRESENTATION_FONT_SIZE
    assert spec(charts.presentation(chart, False))["config"]["axis"]["labelFontSize"] == charts.SCREEN_FONT_SIZE


def test_csv_download_neutralises_formulas():
    frame = pd.DataFrame({"text": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "plain"], "number": [-1, 2, 3, 4, 5]})
    lines = safe_csv(frame).decode("utf-8-sig").splitlines()
    assert lines == ["text,number", "\"'=HYPERLINK(\"\"x\"\")\",-1", "'+1,2", "'-2,3", "'@SUM(A1),4", "plain,5"]


def test_the_gantt_shows_overdue_activities_first_when_there_are_too_many():
    data = pd.DataFrame({"activity_code": [f"{n}" for n in range(10)],
                         "is_overdue": [False, True, False, True, False, False, True, False, False, False],
                         "days_overdue": [None, 30, None, 400, None, None, 5, None, None, None]})
    assert charts.gantt_selection(data, 20) is data
    assert charts.gantt_selection(data, 2)["activity_code"].tolist() == ["1", "3"]  # the longest overdue
    assert charts.gantt_selection(data, 5)["activity_code"].tolist() == ["0", "1", "2", "3", "6"]


def chain_nodes(rows_: list[tuple]) -> pd.DataFrame:
    """Nodes as queries.theory_of_change gives them: level, code, parent, title, status."""
    frame = pd.DataFrame(rows_, columns=["level", "code", "parent", "title", "status"])
    for column in ("on_track", "at_risk", "off_track", "no_data"):
        frame[column] = 0
    frame["assumptions"], frame["sdg_targets"] = "", ""
    return frame


CHAIN = chain_nodes([
    ("impact", "I", None, "Migration serves development", "at risk"),
    ("outcome", "A", "I", "Plans integrate migration", "on track"),
    ("outcome", "B", "I", "Dialogue is informed", "not reported"),
    ("output", "1", "A", "Migration is mainstreamed", "on track"),
    ("output", "2", "B", "Data are used", "not reported"),
    ("indicator", "1.10", "1", "Plans adopted", "on track"),
    ("indicator", "1.2", "1", "Targets with migration", "off track"),
])


def test_the_theory_of_change_lays_out_each_level_in_a_column_with_parents_between_their_children():
    placed, edges = charts.chain_layout(CHAIN)
    where = {code: (column, row) for code, column, row in zip(placed["code"], placed["column"], placed["row"])}
    assert where == {"1.2": (3, 0.0), "1.10": (3, 1.0), "1": (2, 0.5), "2": (2, 2.0), "A": (1, 0.5),
                     "B": (1, 2.0), "I": (0, 1.25)}  # indicators by their codes as numbers: 1.2 before 1.10
    assert len(edges) == 6 and list(edges["x2"] - edges["x"]) == pytest.approx([0.09] * 6)


def test_an_outputs_only_chain_starts_with_its_outputs():
    outputs_only = chain_nodes([("output", "1", None, "One", "at risk"), ("output", "2", None, "Two", "on track"),
                                ("indicator", "2.1", "2", "Counted", "no data")])
    placed, edges = charts.chain_layout(outputs_only)
    assert list(placed["column"]) == [0, 0, 1] and list(placed["row"]) == [0.0, 1.0, 1.0]
    headings = [row["heading"] for row in rows(spec(charts.theory_of_change(outputs_only))) if "heading" in row]
    assert headings == ["Outputs", "Indicators"]


def test_each_node_of_the_theory_of_change_is_coloured_shaped_and_written_by_its_status():
    chart_spec = spec(charts.theory_of_change(CHAIN))
    nodes = {row["code"]: row for row in rows(chart_spec) if "label" in row}
    assert nodes["A"]["label"] == "● on track · Outcome A\nPlans integrate migration"
    assert nodes["B"]["label"].startswith("○ not reported · Outcome B")
    assert nodes["1.2"]["label"] == "✖ off track · 1.2\nTargets with migration"
    links, markers, labels, headings = chart_spec["layer"]
    assert markers["encoding"]["color"]["scale"] == {"domain": ["on track", "at risk", "off track", "not reported"],
                                                     "range": ["#009E73", "#E69F00", "#D55E00", "#BBBBBB"]}
    assert markers["encoding"]["shape"]["field"] == "status"
    assert labels["mark"]["fontSize"] >= 14 and labels["encoding"]["text"]["field"] == "label"
    assert chart_spec["height"] == charts.CHAIN_ROW_HEIGHT * 4  # three rows of leaves and the headings


def test_a_long_title_wraps_on_two_lines_and_is_cut_with_an_ellipsis():
    long = chain_nodes([("output", "1", None, "word " * 40, "at risk")])
    label = next(row["label"] for row in rows(spec(charts.theory_of_change(long))) if "label" in row)
    first, *title = label.split("\n")
    assert first == "▲ at risk · Output 1" and len(title) == 2 and title[-1].endswith("…")
    assert all(len(line) <= charts.CHAIN_TITLE_CHARACTERS for line in title)


def test_sdg_target_bars_write_each_targets_status_beside_its_code():
    progress = pd.DataFrame({"sdg_target": ["8.8", "10.7"], "outputs": ["3", "1, 2"], "indicators": [3, 5],
                             "on_track": [1, 4], "at_risk": [1, 1], "off_track": [1, 0], "no_data": [0, 0],
                             "status": ["at risk", "on track"]})
    chart_spec = spec(charts.sdg_target_bars(progress))
    assert chart_spec["encoding"]["y"]["sort"] == ["SDG 8.8 · ▲ at risk", "SDG 10.7 · ● on track"]
    counted = {(row["sdg_target"], row["status"]): row["indicators"] for row in rows(chart_spec)}
    assert counted[("10.7", "on track")] == 4 and counted[("8.8", "off track")] == 1
    assert chart_spec["encoding"]["color"]["scale"]["domain"] == charts.STATUS_ORDER


def test_indicator_parts_bars_show_target_and_actual_per_category_in_their_order():
    parts = pd.DataFrame({"dimension": ["Sex", "Sex", "Sex"], "category": ["female", "male", "Total (Results matrix)"],
                          "target": [88.0, 89.0, 177.0], "actual": [93.0, None, 160.0],
                          "is_total": [False, False, True]})
    chart_spec = spec(charts.indicator_parts_bars(parts))
    assert chart_spec["facet"]["row"]["sort"] == ["female", "male"]
    assert sorted((row["category"], row["measure"], row["value"]) for row in rows(chart_spec)) == [
        ("female", "Actual", 93.0), ("female", "Target", 88.0), ("male", "Target", 89.0)]


def test_the_milestone_timeline_colours_overdue_due_dates_and_names_years():
    data = pd.DataFrame({"milestone": ["Inception workshop", "Baseline study", "Steering committee"],
                         "status": ["achieved", "overdue", "pending"],
                         "due_date": [dt.date(2014, 4, 30), dt.date(2014, 10, 31), dt.date(2018, 4, 30)],
                         "achieved_date": [dt.date(2014, 4, 20), None, None]})
    chart_spec = spec(charts.milestone_timeline(data, dt.date(2017, 7, 31)))
    link, due, reached, today = chart_spec["layer"]
    assert due["encoding"]["color"]["field"] == "status"
    assert due["encoding"]["color"]["scale"]["domain"] == charts.MILESTONE_STATUS_ORDER
    colours = dict(zip(charts.MILESTONE_STATUS_ORDER, due["encoding"]["color"]["scale"]["range"]))
    assert colours["overdue"] != colours["pending"]
    assert due["encoding"]["x"]["axis"]["format"] == "%b %Y"
    assert due["encoding"]["y"]["axis"]["labelOverlap"] is False


def test_the_gantt_labels_every_row():
    data = pd.DataFrame({
        "country": ["SRB"] * 3, "activity_code": ["1.1.1", "1.1.2", "1.1.3"], "activity_title": ["A", "B", "C"],
        "status": ["completed", "ongoing", "planned"], "planned_start": [dt.date(2014, 4, 1)] * 3,
        "planned_end": [dt.date(2014, 6, 30)] * 3, "actual_start": [None] * 3, "actual_end": [None] * 3,
        "percent_complete": [100, 40, 0], "is_overdue": [False] * 3, "lead_agency": ["UNDP"] * 3})
    chart_spec = spec(charts.gantt(data, dt.date(2016, 1, 31)))
    assert chart_spec["layer"][0]["encoding"]["y"]["axis"]["labelOverlap"] is False
    assert chart_spec["height"] == {"step": charts.GANTT_ROW} and charts.GANTT_ROW >= 16 + 4


def test_presentation_mode_enlarges_the_text_drawn_in_a_chart_and_leaves_the_screen_chart_alone():
    chart = charts.world_map(COUNTRY_STATUS, PLACES)
    large = charts.to_spec(charts.presentation(chart, True))
    assert {layer["mark"]["fontSize"] for layer in large["layer"] if layer["mark"]["type"] == "text"} == {18}
    screen = charts.to_spec(charts.presentation(chart, False))
    assert {layer["mark"]["fontSize"] for layer in screen["layer"] if layer["mark"]["type"] == "text"} == {13}


def test_map_labels_of_near_neighbours_point_away_from_each_other():
    places = pd.DataFrame({"country": ["SRB", "MDA", "MAR", "TUN", "JAM"], "name": ["Serbia", "Moldova", "Morocco",
                                                                                   "Tunisia", "Jamaica"],
                           "latitude": [44.0, 47.2, 31.8, 34.0, 18.1], "longitude": [20.9, 28.5, -7.1, 9.5, -77.3]})
    sides = dict(zip(places["country"], charts.map_label_sides(places)["side"]))
    assert sides == {"SRB": "left", "MDA": "right", "MAR": "left", "TUN": "right", "JAM": "right"}


def test_results_against_resources_puts_each_output_on_a_row_of_its_own():
    outputs = pd.DataFrame({"output_code": ["1", "2"], "title": ["One", "Two"], "lead_agency": ["UNDP", "IOM"],
                            "budget_usd": [100.0, 200.0], "expenditure_usd": [50.0, 20.0],
                            "spent_share": [0.5, 0.1], "on_track_share": [0.6, 0.05]})
    chart_spec = spec(charts.results_against_resources(outputs))
    points = chart_spec["layer"][1]
    assert points["encoding"]["y"]["field"] == "label" and points["encoding"]["y"]["sort"] == ["Output 1", "Output 2"]
    assert sorted((r["label"], r["measure"], r["share"]) for r in rows(chart_spec) if "measure" in r) == [
        ("Output 1", "Budget spent", 0.5), ("Output 1", "Indicators on track", 0.6),
        ("Output 2", "Budget spent", 0.1), ("Output 2", "Indicators on track", 0.05)]


def test_the_round_tracker_colours_each_expected_sheet_by_the_state_of_its_newest_submission():
    tracker = pd.DataFrame({  # as mm_core.rounds.tracker gives it
        "country": ["MAR", "MAR", "GLOBAL"], "country_name": ["Morocco", "Morocco", "Global level"],
        "kind": ["results", "workplan", "results"], "state": ["returned", "not received", "approved"],
        "submission": pd.array([3, None, 4], dtype="Int64"),
        "submitted_at": pd.to_datetime(["2017-03-05T10:00:00Z", None, "2017-02-01T12:00:00Z"], utc=True),
        "submitted_by": pd.array(["rabat@example.org", None, "pmu@example.org"], dtype="string"),
        "days_late": pd.array([151, 151, None], dtype="Int64")})
    chart_spec = spec(charts.round_tracker(tracker))
    drawn = {(r["country_name"], r["sheet"]): (r["state"], r["mark"], r["submitted_by"]) for r in rows(chart_spec)}
    assert drawn == {("Morocco", "Results matrix"): ("returned", "↩ 151 d", "rabat@example.org"),
                     ("Morocco", "Work plan"): ("not received", "○ 151 d", ""),
                     ("Global level", "Results matrix"): ("approved", "✓", "pmu@example.org")}
    cells = chart_spec["layer"][0]["encoding"]
    assert cells["color"]["scale"] == {
        "domain": ["not received", "returned", "submitted", "under review", "approved", "replaced"],
        "range": ["#BBBBBB", "#D55E00", "#56B4E9", "#F0E442", "#009E73", "#DDDDDD"]}  # statuses.csv, 'submission'
    assert cells["y"]["sort"] == ["Morocco", "Global level"] and cells["x"]["sort"] == ["Results matrix", "Work plan"]
    assert chart_spec["layer"][1]["encoding"]["text"]["field"] == "mark"  # the state reads without colour too
    assert {r["submitted_at"] for r in rows(chart_spec)} == {"5 March 2017, 10:00", "", "1 February 2017, 12:00"}


def test_peer_comparison_puts_each_share_in_a_panel_of_its_own():
    peers = pd.DataFrame({"name": ["Jamaica", "Ecuador"], "on_track_share": [0.5, 0.25],
                          "completed_share": [0.75, 0.0], "delivery_rate": [0.4, 0.9]})
    chart_spec = spec(charts.peer_comparison(peers))
    assert chart_spec["encoding"]["column"]["field"] == "measure"
    assert chart_spec["encoding"]["x"]["scale"]["domain"] == [0, 1]
    assert sorted((r["name"], r["measure"], r["share"]) for r in rows(chart_spec)) == [
        ("Ecuador", "Activities completed", 0.0), ("Ecuador", "Budget delivered", 0.9),
        ("Ecuador", "Indicators on track", 0.25), ("Jamaica", "Activities completed", 0.75),
        ("Jamaica", "Budget delivered", 0.4), ("Jamaica", "Indicators on track", 0.5)]


def test_country_status_bars_stack_each_countrys_indicators_in_the_status_order():
    chart_spec = spec(charts.country_status_bars(COUNTRY_STATUS))
    assert chart_spec["encoding"]["x"]["stack"] == "zero" and chart_spec["encoding"]["order"]["field"] == "order"
    jamaica = {r["status"]: (r["indicators"], r["order"]) for r in rows(chart_spec) if r["name"] == "Jamaica"}
    assert jamaica == {status: (count, charts.STATUS_ORDER.index(status)) for status, count in
                       {"on track": 10, "at risk": 2, "off track": 1, "no data": 0}.items()}


def test_results_vs_resources_places_each_output_by_its_shares_with_its_label():
    outputs = pd.DataFrame({"output_code": ["1", "2"], "title": ["Policy", "Data"], "lead_agency": ["IOM", "UNDP"],
                            "budget_usd": [100.0, 50.0], "expenditure_usd": [50.0, 45.0],
                            "spent_share": [0.5, 0.9], "on_track_share": [0.8, 0.2]})
    chart_spec = spec(charts.results_vs_resources(outputs))
    diagonal, points, labels = chart_spec["layer"]
    assert (points["encoding"]["x"]["field"], points["encoding"]["y"]["field"]) == ("spent_share", "on_track_share")
    assert labels["encoding"]["text"]["field"] == "label"
    placed = chart_spec["datasets"][points["data"]["name"]]
    assert sorted((r["label"], r["spent_share"], r["on_track_share"]) for r in placed) == [
        ("Output 1", 0.5, 0.8), ("Output 2", 0.9, 0.2)]


def test_to_spec_converts_a_frame_drawn_by_several_layers_once_as_altair_itself_would(monkeypatch):
    """The world map draws its countries twice and their names three times: each frame is converted once per
    spec, into exactly the rows and datasets Altair's own default transformer gives, and Altair's settings, which
    every session's thread shares, are not changed to do it."""
    import altair as alt

    chart = charts.world_map(COUNTRY_STATUS, PLACES)
    with alt.data_transformers.enable("default", max_rows=None):
        expected = chart.to_dict(validate=False)
    converted = []
    convert = charts._converted
    monkeypatch.setattr(charts, "_converted", lambda data: converted.append(data) or convert(data))
    monkeypatch.setattr(alt.data_transformers, "enable", lambda *a, **k: pytest.fail("to_spec changed a setting"))
    chart_spec = charts.to_spec(chart)
    assert len(converted) == 2  # the countries and their names
    datasets = chart_spec.pop("datasets")
    assert datasets.pop(charts.WORLD) == charts.world_topology()
    assert datasets == expected.pop("datasets")
    assert chart_spec == expected


def test_to_spec_draws_more_rows_than_altairs_default_limit():
    import altair as alt

    many = pd.DataFrame({"x": range(6000)})  # Altair's default refuses more than 5,000 inline rows
    chart_spec = charts.to_spec(alt.Chart(many).mark_point().encode(x=alt.X("x:Q")))
    assert rows(chart_spec) == [{"x": x} for x in range(6000)]
