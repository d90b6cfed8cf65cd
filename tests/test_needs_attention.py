"""The Overview's "Needs attention": its "Not reported" rows follow what the programme file expects of each
period (the view reporting_due): the countries of the period's phase and the global level, where they are
expected to send results. Judged on copies of the sample warehouse with rows changed."""

from __future__ import annotations


import pandas as pd

from etl.warehouse import open_read_only, reading_warehouse
from mm_core import queries, rounds
from reports import assemble
from reports.summary import key_messages

from .helpers.pages import as_shown

PERIOD = queries.Scope("2017/18 H1", 2017)
GLOBAL_SILENT = "UPDATE results SET actual = NULL WHERE country = 'GLOBAL' AND period = '2017/18 H1'"
TUNISIA_SILENT = "UPDATE results SET actual = NULL WHERE country = 'TUN' AND period = '2017/18 H1'"


def not_reported(database, scope: queries.Scope = PERIOD) -> list[str]:
    connection = open_read_only(database)
    try:
        found = queries.needs_attention(reading_warehouse(connection.cursor()), scope)
    finally:
        connection.close()
    return sorted(found.loc[found["issue"] == "Not reported", "country"])


def test_the_global_level_that_sent_no_indicator_value_is_not_reported(changed_copy):
    """It was never listed: the rule went over the countries table only."""
    assert not_reported(changed_copy(GLOBAL_SILENT)) == ["GLOBAL"]
    assert not_reported(changed_copy(GLOBAL_SILENT), queries.Scope("2017/18 H1", 2017, country="GLOBAL")) == [
        "GLOBAL"]
    assert not_reported(changed_copy(GLOBAL_SILENT, "DELETE FROM reporting_expected WHERE scope = 'global' "
                                                    "AND kind = 'results'")) == []  # not expected of it


def test_a_country_is_expected_only_in_the_periods_of_its_phases(changed_copy):
    assert not_reported(changed_copy(TUNISIA_SILENT)) == ["TUN"]
    assert not_reported(changed_copy(TUNISIA_SILENT, "UPDATE countries SET phases = ['III'] WHERE iso3 = 'TUN'")) == []


def test_the_round_tracker_expects_the_same_countries(changed_copy, sample_database):
    connection = open_read_only(changed_copy("UPDATE countries SET phases = ['III'] WHERE iso3 = 'TUN'"))
    try:
        table = rounds.expected(reading_warehouse(connection.cursor()), "2017/18 H1")
    finally:
        connection.close()
    assert "TUN" not in set(table["country"]) and table["country"].iloc[-1] == "GLOBAL"
    assert list(table.loc[table["country"] == "GLOBAL", "kind"]) == ["results", "workplan", "expenditure",
                                                                    "narrative"]


def test_the_board_pack_says_the_global_level_has_not_reported(changed_copy):
    for statements, said in (((GLOBAL_SILENT,), True), ((), False)):
        connection = open_read_only(changed_copy(*statements))
        try:
            cursor = reading_warehouse(connection.cursor())
            messages = key_messages(cursor, PERIOD, {}, queries.programme(cursor), 2017,
                                    pd.DataFrame(columns=["country", "output", "text"]), pd.DataFrame(), None)
        finally:
            connection.close()
        assert ("The global level has not reported indicator values for 2017/18 H1." in set(messages["message"])
                ) is said


def run(database, query, *args):
    connection = open_read_only(database)
    try:
        return query(reading_warehouse(connection.cursor()), *args)
    finally:
        connection.close()


def test_the_map_and_completeness_expect_what_the_programme_expects(changed_copy, app_for):
    """Tunisia in Phase III only: not on the map of a Phase II period nor due in Data quality's completeness (it
    was 'not reported' there, and in the pack's key messages); a sheet kind [reporting] does not ask for is not
    due either."""
    copy = changed_copy(TUNISIA_SILENT, "UPDATE countries SET phases = ['III'] WHERE iso3 = 'TUN'",
                        "DELETE FROM reporting_expected WHERE kind = 'narrative'")
    assert "TUN" not in set(run(copy, queries.country_status, PERIOD)["country"])
    completeness = run(copy, queries.reporting_completeness)
    assert "TUN" not in set(completeness["country"])
    assert completeness["narrative"].isna().all() and completeness["results"].notna().all()
    app = app_for(copy, {"period": "2017/18 H1"}, page="app_pages/data_quality.py")
    app.segmented_control(key="completeness_kind").set_value("narrative").run()
    matrix = next(frame.value for frame in app.dataframe if "Country" in frame.value.columns
                  and "2014/15 H1" in frame.value.columns)
    assert set(matrix["2014/15 H1"]) == {"– not due"}
    assert any(as_shown(m.value).replace("**", "").startswith("0 country-periods without narrative")
               for m in app.markdown)


def test_not_reported_follows_the_output_and_agency_filters(changed_copy):
    """Output 5 is the global level's: no country is 'not reported' on it; IOM leads no global output: the global
    level is not 'not reported' for IOM's outputs (both were listed)."""
    silent = changed_copy(GLOBAL_SILENT, TUNISIA_SILENT)
    assert not_reported(silent) == ["GLOBAL", "TUN"]
    assert not_reported(silent, queries.Scope("2017/18 H1", 2017, output="5")) == ["GLOBAL"]
    assert not_reported(silent, queries.Scope("2017/18 H1", 2017, agency="IOM")) == ["TUN"]
    assert not_reported(silent, queries.Scope("2017/18 H1", 2017, output="2")) == ["TUN"]


def test_an_sdg_target_an_indicator_carries_keeps_its_output_for_the_map_and_not_reported(changed_copy, app_for):
    """The sidebar offers SDG targets that indicators carry themselves: their outputs are in scope, so the map is
    drawn and a silent country is 'not reported' (the map was hidden behind 'no country output', the row lost)."""
    copy = changed_copy("UPDATE results SET sdg_targets = '10.7' WHERE output_code = '1'", TUNISIA_SILENT)
    scope = queries.Scope("2017/18 H1", 2017, sdg_target="10.7")
    assert list(run(copy, queries.outputs_in_scope, scope)["output_code"]) == ["1"]
    assert not_reported(copy, scope) == ["TUN"]
    app = app_for(copy, {"sdg_target": "10.7"})
    assert not app.exception and not [m for m in app.info if "global level's" in m.value]


def test_a_country_outside_the_periods_phase_is_said_to_be(changed_copy, app_for):
    copy = changed_copy("UPDATE countries SET phases = ['III'] WHERE iso3 = 'TUN'")
    overview = app_for(copy, {"country": "TUN"})
    assert any("No programme country of these filters is expected to report results for 2017/18 H1." in m.value
               for m in overview.info)
    quality = app_for(copy, {"country": "TUN"}, page="app_pages/data_quality.py")
    assert any("Nothing is expected of TUN in the periods started by the as-of date." in m.value
               for m in quality.info)


def test_a_period_not_started_has_no_country_not_reported(sample_database, app_for, tmp_path):
    """2017/18 H2 starts the day after the sample's as-of date: nothing of it is due. The map painted every
    country 'not reported' and the pack's key messages said so; Needs attention listed none."""
    coming = queries.Scope("2017/18 H2", 2017)
    status = run(sample_database, queries.country_status, coming)
    assert len(status) == 8 and status["status"].isna().all()  # still every country of the phase, unjudged
    assert set(run(sample_database, queries.country_status, PERIOD)["status"]) >= {"at risk", "off track"}
    assert not_reported(sample_database, coming) == []
    app = app_for(sample_database, {"period": "2017/18 H2"})
    assert not app.exception
    assert as_shown(app.info[0].value).startswith("**2017/18 H2 starts on 1 August 2017, after the as-of date: "
                                                  "nothing of it is due yet, so no country reports results for it.**")
    assert not [chart for chart in app.get("vega_lite_chart") if "not reported" in str(chart.proto.spec)]
    countries = app_for(sample_database, {"period": "2017/18 H2", "profile": "BGD"}, page="app_pages/countries.py")
    assert [as_shown(info.value) for info in countries.info if "2017/18 H2 starts" in info.value] == [
        "**2017/18 H2 starts on 1 August 2017, after the as-of date: nothing of it is due yet, so no narrative is due "
        "for it.** Choose a period that has started: the sidebar's default is the latest one."]
    assert not [info for info in countries.info if "No narrative from" in info.value]
    app.switch_page("app_pages/theory_of_change.py").run()  # its outputs are 'not reported': every page says why
    assert as_shown(app.info[0].value).startswith("**2017/18 H2 starts on 1 August 2017, after the as-of date: "
                                                  "nothing of it is due yet, so no result has a status for it.**")
    assert ("period **2017/18 H2** (it starts on 1 August 2017, after the as-of date: nothing of it is due yet, and "
            "'not reported' or 'no data' means not yet due)") in as_shown(app.caption[0].value)
    assert "starts on" not in app_for(sample_database, {"period": "2017/18 H1"}).caption[0].value
    connection = open_read_only(sample_database)
    try:
        pack = assemble.collect(reading_warehouse(connection.cursor()), coming, "2017/18 H2", sample_database)
    finally:
        connection.close()
    sections = {section.title: section for section in pack.sections}
    section = sections["Country progress, 2017/18 H2"]
    messages = next(t.frame for t in sections["Executive summary, 2017/18 H2"].tables if t.title == "Key messages")
    assert not [message for message in messages["message"] if "not reported" in message]
    assert list(messages["message"])[0] == ("2017/18 H2 starts on 1 August 2017, after the as-of date: nothing of it "
                                            "is due yet, so no output has a status for it.")
    assert "No output is off track or at risk." not in list(messages["message"])
    assert section.tables[0].note == ("2017/18 H2 starts on 1 August 2017, after the as-of date: nothing of it is "
                                      "due yet, so no country has an overall status.")
    assert "Country status" not in [figure.title for figure in section.figures]


def test_the_overview_says_the_global_level_has_no_place_on_the_map(sample_database, app_for):
    """The global team is no country: no period would put it on the map, so the Overview does not advise one."""
    app = app_for(sample_database, {"country": "GLOBAL"})
    assert not app.exception
    shown = [as_shown(info.value) for info in app.info]
    assert "**The global level is not a country: it has no place on the map.** Its indicators are on the Outputs " \
           "and Indicators pages; choose 'All countries' in the sidebar to see the countries." in shown
    assert not [text for text in shown if "choose another period" in text]
