"""The Countries page follows the sidebar's country, the global level included: with 'Global level' chosen it
shows the global outputs' indicators, activities, money, milestones and flash report, never a country's."""

from __future__ import annotations

import duckdb

from mm_core import queries

from .helpers.pages import as_shown


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
