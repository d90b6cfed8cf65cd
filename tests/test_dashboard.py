"""Pages with streamlit.testing.v1.AppTest on real databases: every page renders, filters change the
values, the URL restores them, a new load is picked up, and a missing database is explained."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.load import run_load

from .helpers.pages import PAGES, as_shown, chart_rows, charts, choose
from .helpers.rows import good_rows
from .helpers.server_day import ZONES, server_connection, today


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def status_total(app: AppTest) -> int:
    values = metrics(app)
    return sum(int(values[s]) for s in ("On track", "At risk", "Off track", "No data"))


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_on_the_sample(app_for, sample_database, page):
    app = app_for(sample_database, page=page)
    title, chart_count = PAGES[page]
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert as_shown(app.title[0].value) == title  # a title from the warehouse is shown as typed
    assert len(charts(app)) == chart_count
    assert app.get("download_button") or page == "app_pages/overview.py" and app.dataframe
    # a drop-down shows its options as typed, not as Markdown: an escape would be seen ("migration\\-related")
    options = [o for box in [*app.selectbox, *app.multiselect] for o in box.options]
    assert options and not [o for o in options if "\\" in o or "\u2060" in o]


def test_overview_shows_the_sample_headline(app_for, sample_database):
    app = app_for(sample_database)
    values = metrics(app)
    assert values["Inception completed in year 1"] == "7 / 8"
    assert next(m for m in app.metric if m.label == "Inception completed in year 1").delta == "87.5% of countries"
    assert "Status as of 31 July 2017" in app.markdown[0].value
    assert status_total(app) == 216  # 8 countries x 25 indicators + 16 global
    assert values["Activities completed"] == "79 / 137"
    assert values["Budget 2017/18"].startswith("US$ ")


def test_country_filter_changes_the_kpis(app_for, sample_database):
    app = app_for(sample_database)
    before = metrics(app)
    choose(app, country="ECU")
    after = metrics(app)
    assert after["Inception completed in year 1"] == "0 / 1"
    assert status_total(app) == 25
    assert after["Activities completed"] != before["Activities completed"]
    assert after["Budget 2017/18"] != before["Budget 2017/18"]
    assert app.query_params["country"] in (["ECU"], "ECU")


def test_an_address_written_names_the_period_even_the_default_one(app_for, sample_database):
    """The default period is the latest started, which moves with the data: a choice writes the period shown, so
    a link copied after it shows that period next year. A link naming no period is left as it is (no step)."""
    app = app_for(sample_database)
    assert dict(app.query_params) == {}  # the bare address is not rewritten: it means the latest period
    choose(app, country="ECU")
    assert {name: app.query_params[name] for name in app.query_params} in (
        {"period": "2017/18 H1", "country": "ECU"}, {"period": ["2017/18 H1"], "country": ["ECU"]})
    linked = app_for(sample_database, {"country": "JAM"})
    assert dict(linked.query_params) in ({"country": "JAM"}, {"country": ["JAM"]})


def test_period_and_output_filters_change_the_kpis(app_for, sample_database):
    app = app_for(sample_database)
    choose(app, period="2014/15 H1")
    inception_period = metrics(app)
    assert int(inception_period["No data"]) > 150  # the inception half-year had few actuals
    choose(app, output="5")
    assert status_total(app) == 6  # output 5 has six global indicators
    choose(app, period="Year 2014/15")
    assert "period **2014/15 H2**" in app.caption[0].value  # a programme year shows its last half-year


def test_query_string_restores_the_filters(app_for, sample_database):
    app = app_for(sample_database, {"country": "JAM", "period": "2015/16 H2", "agency": "UNDP"})
    assert app.sidebar.selectbox(key="filter_country").value == "JAM"
    assert app.sidebar.selectbox(key="filter_period").value == "2015/16 H2"
    assert app.sidebar.selectbox(key="filter_agency").value == "UNDP"
    assert metrics(app)["Inception completed in year 1"] == "1 / 1"
    assert status_total(app) == 6  # Jamaica's output 1 (UNDP-led) indicators


def test_a_bad_query_value_is_ignored_and_said(app_for, sample_database):
    app = app_for(sample_database, {"country": "XXX"})
    assert app.sidebar.selectbox(key="filter_country").value == "all"
    assert "Ignored from the link: country=XXX" in as_shown(app.sidebar.caption[0].value)
    app.run()  # the address keeps the value, said on the page: dropping it would be a history step Back undoes
    assert app.query_params["country"] in (["XXX"], "XXX")
    assert app.session_state["chosen_country"] == "all"
    choose(app, country="ECU")  # the next choice of a filter writes the address whole
    assert app.query_params["country"] in (["ECU"], "ECU")


def test_a_filter_named_twice_in_the_link_reads_the_last_and_says_the_others(app_for, sample_database):
    app = app_for(sample_database, {"country": ["JAM", "MAR"], "present": ["1", "0"]})
    assert app.session_state["chosen_country"] == "MAR" and app.session_state["chosen_present"] is False
    assert [as_shown(c.value) for c in app.sidebar.caption if "Ignored from the link" in c.value] == [
        "Ignored from the link: country=JAM (named again after), present=1 (named again after)"]
    choose(app, country="ECU")  # the next choice writes the address whole, each filter once
    assert app.query_params["country"] in (["ECU"], "ECU")
    assert not [c for c in app.sidebar.caption if "Ignored from the link" in c.value]


@pytest.mark.parametrize("value, presenting, said", [("1", True, None), ("YES", True, None), ("", True, None),
                                                      ("0", False, None), ("False", False, None),
                                                      ("on", False, "present=on")])
def test_a_presentation_value_the_dashboard_cannot_use_is_said_not_read_as_off(app_for, sample_database, value,
                                                                              presenting, said):
    app = app_for(sample_database, {"present": value})
    assert app.session_state["chosen_present"] is presenting
    captions = [as_shown(c.value) for c in app.sidebar.caption if "Ignored from the link" in c.value]
    assert captions == ([f"Ignored from the link: {said}"] if said else [])
    app.run()
    assert app.query_params["present"] in ([value], value)  # a link is not rewritten to drop or spell out a value


def test_in_presentation_mode_an_ignored_link_value_is_said_above_the_page(app_for, sample_database):
    app = app_for(sample_database, {"present": "1", "country": "ZZZ"})  # the sidebar is hidden in presentation mode
    assert app.session_state["chosen_present"] is True
    assert not [c for c in app.sidebar.caption if "Ignored from the link" in c.value]
    assert [as_shown(c.value) for c in app.main.caption if "Ignored from the link" in c.value] == \
        ["Ignored from the link: country=ZZZ"]


def test_back_to_an_earlier_address_brings_back_its_filters(app_for, sample_database, monkeypatch):
    from mm_dashboard import filters
    app = app_for(sample_database, {"country": "JAM"})
    choose(app, country="ECU", agency="UNDP")
    assert app.query_params["country"] in (["ECU"], "ECU") and app.query_params["agency"] in (["UNDP"], "UNDP")
    with monkeypatch.context() as back:
        back.setattr(filters, "back_or_forward", lambda: True)  # Streamlit's flag for Back and Forward
        app.query_params.clear()  # a step no run drew (a page switch leaves one): the choices stay
        app.run()
        assert app.session_state["chosen_country"] == "ECU" and app.query_params["country"] in (["ECU"], "ECU")
        app.query_params.clear()  # Back to the address the first run drew: its filters come back
        app.query_params["country"] = "JAM"
        app.run()
    assert app.session_state["chosen_country"] == "JAM"
    assert app.session_state["chosen_agency"] == "all"  # not in that address: its default, not the later choice
    assert metrics(app)["Inception completed in year 1"] == "1 / 1"
    assert "agency" not in app.query_params
    app.query_params.clear()  # a page switch sends no address: the choices stay, and are written back
    app.run()
    assert app.session_state["chosen_country"] == "JAM" and app.query_params["country"] in (["JAM"], "JAM")


def test_an_ignored_link_value_is_echoed_literally_and_cut_short(app_for, sample_database):
    payload = "![t](http://host.test/track.png)" + "x" * 200_000
    app = app_for(sample_database, {"country": payload, "agency": "[Session expired](http://host.test/)"})
    caption = app.sidebar.caption[0].value
    assert as_shown(caption) == ("Ignored from the link: country=![t](http://host.test/track.png)xxxxxxx…, "
                                 "agency=[Session expired](http://host.test/)")
    assert "](" not in caption  # every bracket escaped: Markdown sees text, not a link or an image


def test_messages_in_the_browser_name_files_not_the_server_folders(app_for, tmp_path):
    app = app_for(tmp_path / "nothing.duckdb")
    assert "nothing.duckdb" in as_shown(app.warning[0].value)
    assert str(tmp_path) not in as_shown(app.warning[0].value)
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database at all" * 100)
    app = app_for(garbage)
    assert "garbage.duckdb cannot be read" in as_shown(app.error[0].value)
    assert str(tmp_path) not in as_shown(app.error[0].value)


def test_an_error_message_loses_its_folders_and_is_cut_for_the_page():
    from mm_dashboard.ui import message_for_page
    assert as_shown(message_for_page(OSError("cannot open '/srv/data/.warehouse.duckdb.building-7': disk full"))) \
        == "cannot open '.warehouse.duckdb.building-7': disk full"
    assert len(as_shown(message_for_page("x" * 1000))) == 300


def test_filters_persist_across_pages(app_for, sample_database):
    app = app_for(sample_database)
    choose(app, country="SRB")
    app.switch_page("app_pages/workplan.py").run()
    assert app.session_state["chosen_country"] == "SRB"
    assert metrics(app)["Activities"] == "15"


def test_presentation_mode_enlarges_and_hides_chrome(app_for, sample_database):
    app = app_for(sample_database, {"present": "1"})
    assert app.session_state["chosen_present"] is True
    styles = [m.value for m in app.markdown if "<style>" in m.value]
    assert styles and "stToolbar" in styles[0] and "font-size: 20px" in styles[0]


def test_indicator_trajectory_shows_an_adjusted_baseline(app_for, sample_database):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        country, code = connection.execute("SELECT country, indicator_code FROM indicator_progress "
                                           "WHERE baseline_is_adjusted ORDER BY ALL LIMIT 1").fetchone()
    app = app_for(sample_database, {"indicator": f"{code}|{country}"}, page="app_pages/indicators.py")
    assert app.selectbox(key="indicator_choice").value == f"{code}|{country}"
    assert app.warning[0].value.startswith("Baseline adjusted from")
    labels = {row["label"] for row in chart_rows(app, 0) if row.get("label")}
    assert {"Original baseline", "Adjusted baseline"} <= labels


def test_the_indicator_in_the_link_is_followed_said_when_unusable_and_brought_back_by_back(app_for, sample_database,
                                                                                          monkeypatch):
    from mm_dashboard import filters
    app = app_for(sample_database, {"indicator": "no such|XXX"}, page="app_pages/indicators.py")
    first = app.selectbox(key="indicator_choice").value
    assert app.selectbox(key="indicator_choice").index == 0
    note = "Ignored from the link (not among the indicators for these filters): indicator=no such|XXX"
    assert note in [as_shown(c.value) for c in app.caption]
    app.run()  # said for as long as the address holds it, which a rerun does not change
    assert note in [as_shown(c.value) for c in app.caption]
    assert app.query_params["indicator"] in (["no such|XXX"], "no such|XXX")  # left: a step would trap Back
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        second = connection.execute("SELECT indicator_code || '|' || country FROM indicator_progress "
                                    "WHERE indicator_code || '|' || country <> ? ORDER BY ALL LIMIT 1",
                                    [first]).fetchone()[0]
    app.selectbox(key="indicator_choice").set_value(second).run()
    assert app.selectbox(key="indicator_choice").value == second
    assert app.query_params["indicator"] in ([second], second)
    assert note not in [as_shown(c.value) for c in app.caption]  # the address no longer holds it
    assert app.query_params["indicator"] in ([second], second)
    app.query_params["indicator"] = "no such|XXX"  # Back to the address the first run drew
    with monkeypatch.context() as back:
        back.setattr(filters, "back_or_forward", lambda: True)
        app.run()
    assert app.selectbox(key="indicator_choice").value == first


def test_the_output_in_detail_is_in_the_link(app_for, sample_database):
    """`/outputs?detail=4` opens output 4 in detail; a choice writes it; a value that is no output of the filters
    is said, and the first output shown. Before, the choice was not in the address: a link opened output 1."""
    app = app_for(sample_database, {"detail": "4"}, page="app_pages/outputs.py")
    assert app.selectbox(key="output_in_detail").value == "4"
    assert [s.value for s in app.subheader if s.value.startswith("Output ")][0].startswith("Output 4: ")
    app.selectbox(key="output_in_detail").set_value("3").run()
    assert app.query_params["detail"] in (["3"], "3")
    choose(app, agency="UNDP")  # leads 1, 5, 6, 7: the detail moves to the first, written with the filters
    assert app.selectbox(key="output_in_detail").value == "1" and app.query_params["detail"] in (["1"], "1")
    unusable = app_for(sample_database, {"detail": "99", "agency": "IOM"}, page="app_pages/outputs.py")
    assert unusable.selectbox(key="output_in_detail").value == "2"  # the first output IOM leads
    assert ("Ignored from the link (not among the outputs for these filters): detail=99"
            in [as_shown(c.value) for c in unusable.caption])


def test_an_indicator_the_filters_drop_is_replaced_and_written_not_called_ignored(app_for, sample_database,
                                                                                 monkeypatch):
    from streamlit.runtime.state.query_params import QueryParams

    app = app_for(sample_database, {"indicator": "1.2|JAM"}, page="app_pages/indicators.py")
    assert app.selectbox(key="indicator_choice").value == "1.2|JAM"
    sent = []  # each address message is a step in the browser's history
    send = QueryParams._send_query_param_msg
    monkeypatch.setattr(QueryParams, "_send_query_param_msg", lambda params: (sent.append(1), send(params)))
    choose(app, country="ECU")
    choice = app.selectbox(key="indicator_choice").value
    assert choice.endswith("|ECU") and app.query_params["indicator"] in ([choice], choice)
    assert app.query_params["country"] in (["ECU"], "ECU")
    assert len(sent) == 1  # the filters and the indicator that replaces the dropped one, in one message
    assert not [c for c in app.caption if "Ignored" in c.value]


def test_filters_that_leave_no_indicator_drop_it_from_the_address_without_calling_it_ignored(app_for,
                                                                                           sample_database):
    app = app_for(sample_database, {"indicator": "1.2|JAM", "country": "JAM"}, page="app_pages/indicators.py")
    assert app.selectbox(key="indicator_choice").value == "1.2|JAM"
    choose(app, output="5")  # a global output: no country's indicators
    assert any("No indicator to show." in as_shown(i.value) for i in app.info)
    assert "indicator" not in app.query_params and app.query_params["output"] in (["5"], "5")
    assert not [c for c in app.caption if "Ignored" in c.value]


def test_indicator_choices_that_fail_for_new_filters_are_explained_by_the_page_not_the_sidebar(app_for,
                                                                                              sample_database,
                                                                                              monkeypatch):
    from mm_core import queries

    app = app_for(sample_database, {"indicator": "1.2|JAM"}, page="app_pages/indicators.py")
    assert app.selectbox(key="indicator_choice").value == "1.2|JAM"

    def indicator_choices(cursor, scope):
        raise RuntimeError("indicator choices unavailable")

    indicator_choices.__module__ = queries.__name__  # found by name, as mm_dashboard.data finds a query
    monkeypatch.setattr(queries, "indicator_choices", indicator_choices)  # read for the new filters: not cached
    choose(app, country="ECU")
    assert not app.exception  # the sidebar drew, and wrote the filters without the page's choice
    assert app.query_params["country"] in (["ECU"], "ECU")
    assert any("This view could not be shown" in as_shown(e.value)
               and "indicator choices unavailable" in as_shown(e.value) for e in app.error)


def test_a_filter_change_on_the_indicators_page_writes_the_indicator_with_it(app_for, sample_database):
    app = app_for(sample_database, {"country": "JAM"}, page="app_pages/indicators.py")
    choice = app.selectbox(key="indicator_choice").value
    assert choice.endswith("|JAM") and "indicator" not in app.query_params  # the first: the address need not say
    choose(app, country="all")  # wider: the choice stays, no longer the first, and goes in the filters' message
    assert app.selectbox(key="indicator_choice").value == choice
    assert app.query_params["indicator"] in ([choice], choice) and "country" not in app.query_params


def test_a_new_load_is_picked_up_without_a_restart(app_for, write_workbook, tmp_path):
    database = tmp_path / "live.duckdb"
    run_load([write_workbook(good_rows())], database, as_of=dt.date(2015, 7, 31))
    app = app_for(database)
    assert metrics(app)["Activities completed"] == "1 / 2"
    rows = good_rows()
    rows["workplan"][1].update(status="completed", actual_start=dt.date(2014, 9, 1), actual_end=dt.date(2015, 3, 1))
    run_load([write_workbook(rows, name="newer.xlsx")], database, as_of=dt.date(2015, 7, 31))
    app.run()
    assert metrics(app)["Activities completed"] == "2 / 2"


def test_a_dashboard_left_open_past_midnight_judges_statuses_as_of_the_new_day(app_for, write_workbook, tmp_path):
    """A warehouse built without --as-of judges its statuses as of the day it is read (view reporting_date,
    DuckDB's current_date): a result cached on one day is not shown on the next. The day is moved here by the
    server connection's time zone, the views' own clock: UTC-12, then UTC+14, never the same day."""
    from mm_dashboard import ui

    database = tmp_path / "undated.duckdb"
    run_load([write_workbook(good_rows())], database)
    app = app_for(database)
    connection = server_connection(database)
    shown = {}
    for zone, statement in ZONES.items():
        connection.execute(statement)
        before = today(connection)
        app.run()
        after = today(connection)  # the same unless it was midnight
        assert not app.exception
        headers = [header.value for header in app.subheader]
        matching = [day for day in (before, after) if f"Delivery, as of {ui.date(day)}" in headers]
        assert matching, (zone, headers)
        shown[zone] = matching[0]
    assert shown["UTC-12"] != shown["UTC+14"]


def test_small_database_values(app_for, write_workbook, tmp_path):
    database = tmp_path / "small.duckdb"
    run_load([write_workbook(good_rows())], database, as_of=dt.date(2015, 7, 31))
    app = app_for(database)
    values = metrics(app)
    # 2015/16 H1: indicator 1.1 reached 3 of a target of 4 (at risk), 5.1 reached 3 of 2 (on track)
    assert (values["On track"], values["At risk"], values["Off track"]) == ("1", "1", "0")
    assert values["Budget 2015/16"] == "US$ 51,937"  # CHF 50,000 at 0.9627 per USD
    assert values["Spent ÷ budget 2015/16"] == f"{10_387.45 / 51_937.25:.1%}"


@pytest.mark.parametrize("page", list(PAGES))
def test_missing_database_explains_how_to_load_on_every_page(app_for, tmp_path, page):
    app = app_for(tmp_path / "nothing.duckdb", page=page)
    assert not app.exception
    assert "No programme data loaded yet" in app.warning[0].value
    assert "make database" in app.warning[0].value
    assert not app.metric


def test_a_file_that_is_not_a_warehouse_is_explained(app_for, tmp_path):
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INTEGER)").close()
    app = app_for(other)
    assert not app.exception
    assert "cannot be read" in app.error[0].value


def test_garbage_file_is_explained(app_for, tmp_path):
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database at all" * 100)
    app = app_for(garbage)
    assert not app.exception
    assert "cannot be read" in app.error[0].value


def test_data_quality_page_groups_rejections_and_shows_gaps(app_for, write_workbook, tmp_path):
    rows = good_rows()
    rows["expenditure"][0]["budget"] = "lots"
    rows["workplan"][0]["status"] = "done"
    rows["workplan"][1]["status"] = "finished"
    for row in rows["results"]:
        if row["indicator_code"] == "5.1":
            row["baseline"] = None
    database = tmp_path / "dq.duckdb"
    run_load([write_workbook(rows)], database, as_of=dt.date(2015, 7, 31))
    app = app_for(database, page="app_pages/data_quality.py")
    assert not app.exception and not app.error
    assert metrics(app)["Rows rejected"] == "3"
    tables = [frame.value for frame in app.dataframe]
    by_reason = next(t for t in tables if "at_rows" in t.columns)
    assert by_reason[["sheet", "column", "problems", "at_rows"]].values.tolist() == [
        ["Expenditure", "Budget", 1, "2"], ["Work plan", "Status", 2, "2, 3"]]
    assert app.success[0].value.startswith("Nothing was skipped or filled in")  # no warnings in this load
    gaps = next(t for t in tables if "missing_baseline" in t.columns)
    assert gaps[["country", "indicator_code", "missing_baseline"]].values.tolist() == [["GLOBAL", "5.1", True]]
    missing = next(t for t in tables if list(t.columns) == ["Country", "Period"])
    # only Jamaica and GLOBAL reported; the other seven countries sent nothing for the three started periods
    assert len(missing) == 7 * 3 + 2  # and Jamaica and GLOBAL have no actual in 2014/15 H1


def test_recommendations_tracker_flags_overdue_ones(app_for, sample_database):
    app = app_for(sample_database, page="app_pages/recommendations.py")
    values = metrics(app)
    assert (values["Recommendations"], values["Completed"], values["Overdue"]) == ("16", "0", "2")
    assert as_shown(app.warning[0].value).startswith(
        "**Overdue:** 2. Strengthen communication efforts (due 30 June 2017")
    app.pills(key="recommendation_phases").set_value(["III"]).run()
    assert sorted(app.dataframe[0].value["number"].tolist()) == [14, 15, 16]


@pytest.mark.slow
def test_board_pack_is_one_click_from_the_overview(app_for, sample_database):
    app = app_for(sample_database, {"period": "2016/17 H2"})
    app.button(key="board_pack_button").click().run()
    downloads = {as_shown(button.proto.label) for button in app.get("download_button")}
    assert {"Download board-pack-2016-17-H2.xlsx", "Download board-pack-2016-17-H2.pdf"} <= downloads


def test_the_board_pack_says_the_output_and_agency_filters_do_not_apply_to_it(app_for, sample_database):
    said = "the output, agency and SDG target filters do not apply to it"
    filtered = app_for(sample_database, {"output": "2", "agency": "IOM", "country": "JAM"})
    assert [as_shown(c.value) for c in filtered.caption if said in c.value] == [
        f"The pack covers every output and agency of the period for JAM: {said}."]
    assert not [c for c in app_for(sample_database, {"country": "JAM"}).caption if said in c.value]


def test_the_outputs_page_keeps_the_outputs_the_chosen_agency_leads(app_for, sample_database):
    """Agency IOM leads outputs 2-4: UNDP's were listed with no indicator, and the detail opened on output 1."""
    app = app_for(sample_database, {"agency": "IOM"}, page="app_pages/outputs.py")
    assert list(app.dataframe[0].value["output"]) == ["Output 2", "Output 3", "Output 4"]
    assert app.selectbox(key="output_in_detail").options[0].startswith("Output 2: ")


def test_data_quality_follows_the_country_where_it_can_and_says_what_does_not(app_for, sample_database):
    app = app_for(sample_database, {"country": "JAM"}, page="app_pages/data_quality.py")
    assert not app.exception
    tables = {tuple(frame.value.columns): frame.value for frame in app.dataframe}
    completeness = next(t for columns, t in tables.items() if columns[0] == "Country" and "2014/15 H1" in columns)
    assert list(completeness["Country"]) == ["Jamaica"]
    freshness = next(t for columns, t in tables.items() if "latest_period_reported" in columns)
    assert list(freshness["country"]) == ["JAM"]
    assert any("reporting completeness, freshness and the cross-checks follow the country chosen" in c.value
               for c in app.caption)


def test_a_global_output_chosen_paints_no_country_not_reported(app_for, sample_database):
    """Output 5 is the global level's: the map painted all eight countries 'not reported'."""
    app = app_for(sample_database, {"output": "5"})
    assert not app.exception
    assert any("The outputs in these filters are the global level's (or none)" in m.value for m in app.info)
    assert len(app.get("vega_lite_chart")) == len(app_for(sample_database).get("vega_lite_chart")) - 1


def test_needs_attention_and_the_recommendations_say_what_they_cover(app_for, sample_database):
    app = app_for(sample_database, {"period": "2014/15 H2"})
    assert ("Off-track indicators and missing reports: 2014/15 H2; overdue activities: the work plans as of 31 July "
            "2017; overspent lines: every programme year up to 2014/15.") in [as_shown(c.value) for c in app.caption]
    review = app_for(sample_database, {"country": "JAM"}, page="app_pages/recommendations.py")
    assert any("the sidebar's filters do not apply to them" in c.value for c in review.caption)


def test_data_quality_page_lists_hidden_rows_that_were_not_loaded(app_for, write_workbook, tmp_path):
    from openpyxl import load_workbook
    path = write_workbook(good_rows())
    workbook = load_workbook(path)
    workbook["Results matrix"].row_dimensions[3].hidden = True
    workbook.save(path)
    database = tmp_path / "hidden.duckdb"
    run_load([path], database, as_of=dt.date(2015, 7, 31))
    app = app_for(database, page="app_pages/data_quality.py")
    grouped = next(frame.value for frame in app.dataframe if "warnings" in frame.value.columns)
    assert grouped.values.tolist() == [["report.xlsx", "hidden rows", 1]]
