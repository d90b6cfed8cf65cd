"""The Countries page follows the sidebar's country, the global level included: with 'Global level' chosen it
shows the global outputs' indicators, activities, money, milestones and flash report, never a country's."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl import statuses
from etl.load import run_load
from mm_core import queries

from .helpers.pages import as_shown
from .helpers.paths import SAMPLE_AS_OF, SAMPLE_DIR
from .helpers.programme import bundled, write_programme


def test_the_global_level_chosen_shows_the_global_level(sample_database, app_for):
    app = app_for(sample_database, query={"country": "GLOBAL", "period": "2016/17 H2"}, page="app_pages/countries.py")
    assert not app.exception
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        cursor = connection.cursor()
        global_outputs = set(queries.outputs(cursor).query("level == 'global'")["output_code"])
        narrative = {text for (text,) in cursor.execute(
            "SELECT text FROM narrative WHERE country = 'GLOBAL' AND period = '2016/17 H2'").fetchall()}
        activities = cursor.execute("SELECT count(*) FROM activities WHERE country = 'GLOBAL'").fetchone()[0]
    assert app.selectbox(key="country_page_choice").value == "GLOBAL"
    headers = [h.value for h in app.header]
    assert any(h.startswith("Global level") for h in headers), headers
    assert "Bangladesh" not in " ".join(headers + [c.value for c in app.caption])
    indicators, activity_table = app.dataframe[0].value, app.dataframe[1].value
    assert set(indicators["output_code"]) == global_outputs
    assert len(activity_table) == activities and set(activity_table["output_code"]) <= global_outputs
    shown = " ".join(as_shown(block.value) for block in app.markdown)
    assert narrative and all(text in shown for text in narrative)
    assert any("Milestones timeline" in s.value for s in app.subheader)


def test_the_flash_report_keeps_the_chosen_outputs_texts_and_captions_say_what_they_cover(sample_database, app_for):
    """Jamaica 2015/16 H2 wrote on outputs 2 and 4: with output 2 chosen, output 4's plan is not shown (it was);
    the milestone matrix and the peer comparison say what they cover whatever the filters."""
    app = app_for(sample_database, query={"country": "JAM", "period": "2015/16 H2", "output": "2"},
                  page="app_pages/countries.py")
    assert not app.exception
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        texts = dict(connection.execute("SELECT output_code || kind, text FROM narrative WHERE country = 'JAM' "
                                        "AND period = '2015/16 H2'").fetchall())
    shown = " ".join(as_shown(block.value) for block in app.markdown)
    assert texts["2achievement"] in shown and texts["4next period plan"] not in shown
    captions = [as_shown(c.value) for c in app.caption]
    assert "The texts of output 2 only, as the filters say." in captions
    assert any(c.endswith("Every programme country, to compare, whatever the country chosen.") for c in captions)
    assert any("activities completed (and, in the table, overdue) in the work plans as of the as-of date, whatever "
               "the period" in c for c in captions)
    nothing = app_for(sample_database, query={"country": "JAM", "period": "2015/16 H2", "output": "6"},
                      page="app_pages/countries.py")
    assert any("No text of these outputs from Jamaica for 2015/16 H2." in m.value for m in nothing.info)
    plain = app_for(sample_database, query={"country": "JAM", "period": "2015/16 H2"}, page="app_pages/countries.py")
    assert texts["4next period plan"] in " ".join(as_shown(block.value) for block in plain.markdown)


def test_the_country_of_the_page_is_in_the_link(sample_database, app_for):
    """`/countries?profile=MAR` opens Morocco's page (a link opened Bangladesh, the first, before); a choice writes
    it; the sidebar's country, when chosen, is the page's; a value that is no country is said."""
    app = app_for(sample_database, query={"profile": "MAR"}, page="app_pages/countries.py")
    assert app.selectbox(key="country_page_choice").value == "MAR"
    assert "Morocco" in [h.value for h in app.header]
    app.selectbox(key="country_page_choice").set_value("SRB").run()
    assert app.query_params["profile"] in (["SRB"], "SRB")
    chosen = app_for(sample_database, query={"country": "JAM"}, page="app_pages/countries.py")
    assert chosen.selectbox(key="country_page_choice").options == ["Jamaica"] and "profile" not in chosen.query_params
    unusable = app_for(sample_database, query={"profile": "XYZ"}, page="app_pages/countries.py")
    assert unusable.selectbox(key="country_page_choice").value == "BGD"
    assert ("Ignored from the link (not a country of these filters): profile=XYZ"
            in [as_shown(c.value) for c in unusable.caption])


def test_an_empty_flash_report_is_not_blamed_on_the_filters(sample_database, app_for, tmp_path):
    import shutil
    copy = tmp_path / "copy.duckdb"
    shutil.copy(sample_database, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("DELETE FROM narrative WHERE country = 'JAM' AND period = '2015/16 H2'")
    app = app_for(copy, query={"country": "JAM", "period": "2015/16 H2", "output": "2"}, page="app_pages/countries.py")
    assert any("No narrative from Jamaica for 2015/16 H2." in m.value for m in app.info)


@pytest.mark.slow  # one load
def test_a_country_outside_the_periods_phase_is_owed_no_narrative(app_for, tmp_path):
    """Jamaica takes part in phase III only: with no narrative from it for a period of phase II, the page says
    none is due from it, not that it has not reported."""
    document = bundled()
    document["phases"][0]["name"] = "Phase II *(main)*"  # shown as typed
    document["phases"].append({"code": "III", "name": "Phase III", "start": dt.date(2019, 1, 1),
                               "end": dt.date(2022, 12, 31), "year_start_month": 1, "reporting": "quarter"})
    for country in document["countries"]:
        if country["iso3"] == "JAM":
            country["phases"] = ["III"]
    database = tmp_path / "warehouse.duckdb"
    run_load([SAMPLE_DIR], database, as_of=SAMPLE_AS_OF, programme=write_programme(tmp_path / "p.toml", document))
    with duckdb.connect(str(database)) as connection:
        connection.execute("DELETE FROM narrative WHERE country IN ('JAM', 'BGD') AND period = '2015/16 H2'")
    app = app_for(database, query={"profile": "JAM", "period": "2015/16 H2"}, page="app_pages/countries.py")
    assert not app.exception
    assert [as_shown(m.value) for m in app.info if "Jamaica" in m.value] == [
        "**Jamaica takes no part in Phase II *(main)*, the phase of 2015/16 H2, so no narrative is due from it.** "
        "Choose a period of a phase it takes part in (the sidebar's phase and period)."]
    bangladesh = app_for(database, query={"profile": "BGD", "period": "2015/16 H2"}, page="app_pages/countries.py")
    assert [as_shown(m.value) for m in bangladesh.info if "Bangladesh" in m.value] == [
        "**No narrative from Bangladesh for 2015/16 H2.** Country offices report it in the Narrative sheet "
        f"({statuses.spoken('narrative')})."]
