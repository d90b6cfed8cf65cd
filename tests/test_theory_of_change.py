"""The theory of change, SDG targets, disaggregation and phases on the pages (issue 13 items 3-6): the chain's
nodes and their statuses for a period and a country, the SDG target filter and progress by SDG target, an
indicator's split beside its total, and the phase filter of a warehouse with two phases."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.load import run_load
from mm_core import periods, queries

from .helpers.pages import as_shown, chart_rows, choose
from .helpers.paths import SAMPLE_AS_OF, SAMPLE_DIR
from .helpers.programme import bundled, write_programme

PERIOD = "2021 Q3"
PAGE = "app_pages/theory_of_change.py"


@pytest.fixture(scope="module")
def example(example_database):
    connection = duckdb.connect(str(example_database), read_only=True)
    yield connection
    connection.close()


def statuses_of(nodes) -> dict[tuple[str, str], str]:
    return dict(zip(zip(nodes["level"], nodes["code"]), nodes["status"]))


def test_the_chain_takes_each_results_status_from_result_status(example):
    nodes = queries.theory_of_change(example, queries.Scope(PERIOD, 2021))
    assert list(nodes["level"].drop_duplicates()) == ["impact", "outcome", "output", "indicator"]
    expected = dict(((level, code), status) for level, code, status in example.execute(
        "SELECT level, code, status FROM result_status WHERE period = $p AND country IS NULL", {"p": PERIOD}
    ).fetchall())
    assert {key: value for key, value in statuses_of(nodes).items() if key[0] != "indicator"} == expected
    assert nodes.loc[nodes["code"] == "A", "assumptions"].iloc[0].startswith("Governments keep migration")
    indicators = nodes[nodes["level"] == "indicator"]
    assert len(indicators) == 12 and set(indicators["parent"]) == {"1", "2", "3", "4", "5", "6"}
    # across the countries an indicator is judged by the output rule over its countries' values
    row = indicators[indicators["code"] == "2.2"].iloc[0]
    assert (row["on_track"], row["at_risk"], row["off_track"], row["status"]) == (9, 2, 0, "on track")


def test_for_one_country_an_indicator_keeps_its_own_status(example):
    nodes = queries.theory_of_change(example, queries.Scope(PERIOD, 2021, "BGD"))
    own = dict(example.execute("SELECT indicator_code, status FROM indicator_progress WHERE country = 'BGD' "
                               "AND period = $p", {"p": PERIOD}).fetchall())
    assert {code: status for (level, code), status in statuses_of(nodes).items() if level == "indicator"} == own
    impact = example.execute("SELECT status FROM result_status WHERE code = 'I' AND period = $p AND country = 'BGD'",
                             {"p": PERIOD}).fetchone()[0]
    assert statuses_of(nodes)[("impact", "I")] == impact


def test_an_sdg_target_keeps_the_outputs_carrying_it_and_the_results_above(example):
    nodes = queries.theory_of_change(example, queries.Scope(PERIOD, 2021, sdg_target="8.8"))
    assert list(zip(nodes["level"], nodes["code"])) == [("impact", "I"), ("outcome", "A"), ("output", "3"),
                                                        ("indicator", "3.1"), ("indicator", "3.2")]
    by_agency = queries.without_indicators(queries.theory_of_change(example, queries.Scope(PERIOD, 2021,
                                                                                           agency="ILO")))
    assert list(by_agency["code"]) == ["I", "A", "3"]  # ILO leads output 3
    one_output = queries.without_indicators(queries.theory_of_change(example, queries.Scope(PERIOD, 2021,
                                                                                            output="5")))
    assert list(one_output["code"]) == ["I", "B", "5"]
    assert queries.theory_of_change(example, queries.Scope(PERIOD, 2021, agency="ILO", sdg_target="17.16")).empty
    without = queries.without_indicators(nodes)
    assert list(zip(without["level"], without["code"])) == [("impact", "I"), ("outcome", "A"), ("output", "3")]
    assert list(without.index) == [0, 1, 2]
    indicators = queries.indicator_table(example, queries.Scope(PERIOD, 2021, sdg_target="8.8"))
    assert set(indicators["output_code"]) == {"3"}
    money = queries.finance_lines(example, queries.Scope(PERIOD, 2021, sdg_target="17.16"))
    assert set(money["output_code"]) <= {"5", "6"} and len(money)


def test_progress_by_sdg_target_counts_the_indicators_of_the_outputs_carrying_it(example):
    progress = queries.sdg_target_progress(example, queries.Scope(PERIOD, 2021))
    # 1.3 is carried by an indicator itself (the example's people reached, 2.2), not by an output
    assert list(progress["sdg_target"]) == ["1.3", "8.8", "10.7", "10.c", "11.3", "17.16", "17.18"]
    assert queries.sdg_targets(example) == list(progress["sdg_target"])
    row = progress[progress["sdg_target"] == "10.7"].iloc[0]
    counted = example.execute("""SELECT count(*) FROM indicator_progress WHERE period = $p
                                 AND output_code IN ('1', '2', '6')""", {"p": PERIOD}).fetchone()[0]
    assert (row["outputs"], row["indicators"]) == ("1, 2, 6", counted)
    assert row["on_track"] + row["at_risk"] + row["off_track"] + row["no_data"] == counted
    own = progress[progress["sdg_target"] == "1.3"].iloc[0]
    carrying = example.execute("""SELECT count(*) FROM indicator_progress WHERE period = $p
                                  AND indicator_code = '2.2'""", {"p": PERIOD}).fetchone()[0]
    assert (own["outputs"], own["indicators"]) == ("2", carrying) and carrying
    kept = queries.indicator_table(example, queries.Scope(PERIOD, 2021, sdg_target="1.3"))
    assert set(kept["indicator_code"]) == {"2.2"}  # kept by its own target, its output's other indicator not


def test_the_sample_has_no_sdg_targets_nor_parts(sample_database):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        assert queries.sdg_targets(connection) == []
        assert queries.sdg_target_progress(connection, queries.Scope("2016/17 H2", 2016)).empty
        assert queries.indicator_parts(connection, "JAM", "1.1", "2016/17 H2").empty


def test_an_indicators_split_comes_with_its_total(example):
    parts = queries.indicator_parts(example, "BGD", "2.2", PERIOD)
    total = example.execute("SELECT target, actual FROM results WHERE country = 'BGD' AND indicator_code = '2.2' "
                            "AND period = $p", {"p": PERIOD}).fetchone()
    assert list(parts["category"]) == ["female", "male", "Total (Results matrix)"]
    assert list(parts["is_total"]) == [False, False, True]
    assert tuple(parts.iloc[-1][["target", "actual"]]) == total


def node_labels(app) -> dict[str, str]:
    return {row["code"]: row["label"] for row in chart_rows(app, 0) if "label" in row}


def test_the_theory_of_change_page_on_the_example(app_for, example_database):
    app = app_for(example_database, page=PAGE)
    assert not app.exception and not app.error
    labels = node_labels(app)
    assert labels["I"].startswith("▲ at risk · Impact I\nMigrants and communities")
    assert labels["2.2"] == "● on track · 2.2\nMigrants reached by local\nservices"
    captions = [as_shown(caption.value) for caption in app.caption]
    assert any("The rule: an output is on track when at least 70% of its indicators with data are on track" in c
               for c in captions)
    assumptions = as_shown(next(m.value for m in app.markdown if "Outcome A" in m.value))
    assert "Regional and global forums on migration continue to meet" in assumptions
    assert {button.label for button in app.get("download_button")} >= {
        "Download theory of change 2021 Q3 (CSV)", "Download progress by SDG target 2021 Q3 (CSV)"}
    assert [as_shown(s.value) for s in app.subheader] == ["Assumptions", "Progress by SDG target, 2021 Q3"]
    choose(app, sdg_target="8.8", country="BGD")
    assert not app.exception
    assert set(node_labels(app)) == {"I", "A", "3", "3.1", "3.2"}
    assert any("SDG target 8.8 (only the outputs carrying it" in as_shown(c.value).replace("**", "")
               for c in app.caption)


def test_an_output_or_agency_filter_says_what_the_results_above_and_the_sdg_table_still_count(app_for,
                                                                                            example_database):
    """With output 3 chosen, the outcome and the impact drawn above it are judged on all their outputs, and the
    SDG table counts every output carrying a target: the captions say so (they did only for an SDG target)."""
    app = app_for(example_database, {"output": "3"}, page=PAGE)
    captions = [as_shown(c.value) for c in app.caption]
    assert any("With an output chosen, only the outputs it keeps are drawn, with the results above them, whose "
               "status still counts every result under them." in c for c in captions)
    assert any("Every output carrying a target counts, whatever output or agency is chosen." in c for c in captions)
    plain = app_for(example_database, page=PAGE)
    assert not any("only the outputs it keeps" in as_shown(c.value) or "whatever output or agency" in
                   as_shown(c.value) for c in plain.caption)


def test_the_sdg_target_filter_is_offered_only_when_outputs_carry_targets(app_for, example_database,
                                                                          sample_database):
    assert "filter_sdg_target" in app_for(example_database).session_state
    app = app_for(sample_database, page=PAGE)
    assert not app.exception and not app.error
    assert "filter_sdg_target" not in app.session_state and "filter_phase" not in app.session_state
    assert [as_shown(s.value) for s in app.subheader] == ["Assumptions"]  # no SDG view, no outcome assumptions
    assert len(app.get("vega_lite_chart")) == 1
    # 41 indicators would make the chain taller than a screen: they wait for the toggle
    assert app.toggle(key="theory_indicators").value is False
    assert set(node_labels(app)) == {"A", "1", "2", "3", "4", "5", "6", "7"}
    app.toggle(key="theory_indicators").set_value(True).run()
    assert len(node_labels(app)) == 8 + 41
    outputs = app_for(example_database, {"sdg_target": "17.16"}, page="app_pages/outputs.py")
    assert list(outputs.dataframe[0].value["output"]) == ["Output 5", "Output 6"]  # the summary of the outputs
    detail = [option.split(":")[0] for option in outputs.selectbox(key="output_in_detail").options]
    assert detail == ["Output 5", "Output 6"]


def test_the_indicators_page_shows_the_split_beside_the_total(app_for, example_database, sample_database):
    app = app_for(example_database, {"indicator": "2.2|BGD"}, page="app_pages/indicators.py")
    assert not app.exception and not app.error
    assert as_shown(app.subheader[-1].value) == "Split of 2.2 · BGD, 2021 Q3"
    split = app.dataframe[-1].value
    assert list(split["category"]) == ["female", "male", "Total (Results matrix)"]
    assert list(split["target"]) == [88.0, 89.0, 177.0]
    assert len(app.get("vega_lite_chart")) == 2
    sample = app_for(sample_database, page="app_pages/indicators.py")
    assert not sample.exception and not sample.error
    assert not any("Split of" in s.value for s in sample.subheader)


@pytest.fixture(scope="module")
def two_phase_database(tmp_path_factory):
    """The sample loaded for the bundled programme with a second phase in calendar quarters."""
    document = bundled()
    document["phases"].append({"code": "III", "name": "Phase III *(pilot)*", "start": dt.date(2019, 1, 1),
                               "end": dt.date(2022, 12, 31), "year_start_month": 1, "reporting": "quarter"})
    folder = tmp_path_factory.mktemp("two-phases")
    programme = write_programme(folder / "programme.toml", document)
    path = folder / "warehouse.duckdb"
    run_load([SAMPLE_DIR], path, as_of=SAMPLE_AS_OF, programme=programme)
    return path


def test_the_phase_filter_restricts_the_period_choices(app_for, two_phase_database, sample_database):
    app = app_for(two_phase_database)
    assert not app.exception and not app.error
    assert app.session_state["filter_phase"] == "all" and app.session_state["filter_period"] == "2017/18 H1"
    choose(app, phase="III")
    assert not app.exception
    assert app.session_state["chosen_period"] == "2019 Q1"  # the phase's first period: none has started
    assert any("period 2019 Q1" in as_shown(c.value).replace("**", "") for c in app.caption)
    assert app.query_params["phase"] in (["III"], "III")
    choose(app, phase="II")
    assert app.session_state["chosen_period"] == "2017/18 H1"
    assert "filter_phase" not in app_for(sample_database).session_state


def test_the_period_help_shows_the_phase_names_as_typed(app_for, two_phase_database):
    """The Period filter's tooltip names the phases when their calendars differ; a tooltip reads Markdown, and a
    phase's name is the programme file's text: its asterisks are shown, not read as emphasis."""
    help_text = app_for(two_phase_database).selectbox(key="filter_period").help
    assert "Phase III \\*\\(pilot\\)\\*" in help_text
    assert as_shown(help_text) == ("A half-year, or a programme year (February – January) in Phase II; a quarter, or a "
                                   "calendar year in Phase III *(pilot)*")


def test_a_phase_link_is_read_as_the_sidebar_reads_it_and_left_as_it_is(app_for, two_phase_database):
    app = app_for(two_phase_database, {"phase": "III"})
    assert app.session_state["chosen_period"] == "2019 Q1"  # the phase's own default period
    assert dict(app.query_params) in ({"phase": "III"}, {"phase": ["III"]})  # no step only to write it out
    assert not [c for c in app.sidebar.caption if "Ignored" in c.value]
    app = app_for(two_phase_database, {"phase": "III", "period": "2015/16 H2"})  # a period of another phase
    assert app.session_state["chosen_period"] == "2019 Q1"
    assert any(as_shown(c.value) == "Ignored from the link: period=2015/16 H2 (not of phase III)"
               for c in app.sidebar.caption)
    app = app_for(two_phase_database, {"phase": "III", "period": ["2019 Q2", "2015/16 H2"]})  # the last is read
    assert app.session_state["chosen_period"] == "2019 Q1"
    assert any(as_shown(c.value) == "Ignored from the link: period=2019 Q2 (named again after), period=2015/16 H2 "
               "(not of phase III)" for c in app.sidebar.caption)


def test_the_phase_filter_offers_only_its_periods(two_phase_database):
    with duckdb.connect(str(two_phase_database), read_only=True) as connection:
        table = queries.periods(connection)
    third = periods.options(table[table["phase"] == "III"])
    assert third[:5] == ["2019 Q1", "2019 Q2", "2019 Q3", "2019 Q4", "Year 2019"] and len(third) == 20
    assert sorted(set(table["phase"])) == ["II", "III"]


def test_filters_that_keep_no_output_are_explained(app_for, example_database):
    app = app_for(example_database, {"agency": "ILO", "sdg_target": "17.16"}, page=PAGE)
    assert not app.exception and not app.error
    assert "No result matches these filters." in app.info[0].value
    assert not app.get("vega_lite_chart")
