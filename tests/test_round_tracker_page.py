"""The Round tracker page: the round being collected by default, the chart and table of expected sheets by
state with days late, the reminders to copy; a country office sees its own countries only."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE
from etl.records import RECORDS_ENVIRONMENT_VARIABLE

from .helpers.pages import OFFICE_USERS, chart_rows, sign_in
from .helpers.paths import APP
from .helpers.rounds import add_submission

PAGE = "app_pages/round_tracker.py"
CURRENT = "2017/18 H1"  # the round being collected on the sample's as-of date, 31 July 2017: its period ends then
ROUND = "2016/17 H2"  # the round before (due 2 March 2017): 151 days before the as-of date
KINDS = ["results", "workplan", "expenditure", "narrative"]


@pytest.fixture
def submitted(sample_database, tmp_path, monkeypatch):
    """The sample warehouse, with records (in tmp_path) of a round in which every sheet arrived but Morocco's
    work plan; its results and narrative were returned, and Tunisia's expenditure is under review."""
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(sample_database))
    monkeypatch.setenv(RECORDS_ENVIRONMENT_VARIABLE, str(tmp_path / "records"))
    add_submission(sample_database, ROUND, ["BGD", "ECU", "JAM", "KGZ", "MDA", "SRB", "TUN", "GLOBAL"], KINDS,
                   "approved", "2017-02-10T09:00:00Z", "pmu@example.org")
    add_submission(sample_database, ROUND, ["MAR"], ["results", "narrative"], "returned", "2017-02-20T09:00:00Z",
                   "rabat@example.org")
    add_submission(sample_database, ROUND, ["MAR"], ["expenditure"], "approved", "2017-02-21T09:00:00Z")
    add_submission(sample_database, ROUND, ["TUN"], ["expenditure"], "under review", "2017-03-04T09:00:00Z")
    return sample_database


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_the_round_being_collected_is_shown_first_and_is_not_yet_late(submitted, clear_streamlit_caches):
    app = AppTest.from_file(APP, default_timeout=60).run()  # local use: an editor
    app.switch_page(PAGE).run()
    assert not app.exception and not app.error
    assert app.selectbox(key="tracker_round").value == CURRENT
    assert "Due 30 August 2017" in app.caption[0].value
    assert metrics(app)["Not received"] == "36" and metrics(app)["Approved"] == "0 / 36"
    reminders = app.code[0].value.splitlines()
    assert len(reminders) == 9  # every country and the global level
    assert reminders[-1] == ("Global level (GLOBAL): not received: Results matrix, Work plan, Expenditure, Narrative "
                             "— not yet late")


def test_an_editor_sees_every_country_of_a_round_with_days_late(submitted, clear_streamlit_caches):
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page(PAGE).run()
    app.selectbox(key="tracker_round").select(ROUND).run()
    assert not app.exception and not app.error
    assert "Due 2 March 2017: 30 days after the period ends" in app.caption[0].value
    assert "as-of date, 31 July 2017" in app.caption[0].value
    assert metrics(app) == {"Approved": "32 / 36", "Awaiting review": "1", "Returned": "2", "Not received": "1"}
    drawn = {(row["country_name"], row["sheet"]): (row["state"], row["mark"]) for row in chart_rows(app, 0)}
    assert len(drawn) == 36
    assert drawn[("Morocco", "Results matrix")] == ("returned", "↩ 151 d")
    assert drawn[("Morocco", "Work plan")] == ("not received", "○ 151 d")
    assert drawn[("Morocco", "Expenditure")] == ("approved", "✓")
    assert drawn[("Tunisia", "Expenditure")] == ("under review", "… 151 d")
    table = app.dataframe[0].value
    morocco = table[table["country"] == "MAR"].set_index("kind")
    assert morocco.loc["Narrative", ["state", "submitted_by", "days_late"]].tolist() == [
        "returned", "rabat@example.org", 151]
    assert [code.value for code in app.code] == [
        "Morocco (MAR): not received: Work plan; returned: Results matrix, Narrative — 151 days late"]


def test_a_country_office_sees_its_own_countries_only(submitted, clear_streamlit_caches):
    app = AppTest.from_file(APP, default_timeout=60)
    app.secrets["auth_users"] = OFFICE_USERS
    app = sign_in(app.run(), "olga", "olga-secret")
    app.switch_page(PAGE).run()
    app.selectbox(key="tracker_round").select(ROUND).run()
    assert not app.exception and not app.error
    assert set(app.dataframe[0].value["country"]) == {"MAR"}
    assert {row["country_name"] for row in chart_rows(app, 0)} == {"Morocco"}
    assert metrics(app) == {"Approved": "1 / 4", "Awaiting review": "0", "Returned": "2", "Not received": "1"}
    assert [code.value for code in app.code] == [
        "Morocco (MAR): not received: Work plan; returned: Results matrix, Narrative — 151 days late"]


def test_the_round_is_in_the_link(submitted, clear_streamlit_caches):
    """?round= opens that round; choosing one writes it; a value that is no round is said, and the round being
    collected is shown."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["round"] = ROUND
    app.run().switch_page(PAGE).run()
    assert app.selectbox(key="tracker_round").value == ROUND
    assert "Due 2 March 2017" in app.caption[0].value
    assert app.selectbox(key="tracker_round").options[:2] == ["2014/15 H1", "2014/15 H2"]  # oldest first
    app.selectbox(key="tracker_round").select("2016/17 H1").run()
    assert app.query_params["round"] == "2016/17 H1"
    assert "Due 30 August 2016" in app.caption[0].value
    stale = AppTest.from_file(APP, default_timeout=60)
    stale.query_params["round"] = "2031 H9"
    stale.run().switch_page(PAGE).run()
    assert not stale.exception
    assert stale.selectbox(key="tracker_round").value == CURRENT
    assert any(caption.value.startswith("Ignored from the link (not a round of the programme): round=2031 H9")
               for caption in stale.caption)
