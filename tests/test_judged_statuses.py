"""The status roll-ups the dashboard reads from tables judged once per day (mm_dashboard/db.py, JUDGED_VIEWS):
every query a page asks for gives the same result from them as from the warehouse's views, and they are taken
again when the day they were judged as of is over."""

from __future__ import annotations

import pandas as pd

from etl.load import run_load
from etl.warehouse import file_version, open_read_only, reading_warehouse
from mm_dashboard import data, db

from .helpers.pages import PAGES, choose
from .helpers.rows import good_rows


def recorded_calls(monkeypatch) -> list:
    """Every query call the dashboard makes from now on (cached or not): (module, query name, arguments)."""
    calls = []
    original = data._cached

    def recording(query_name, key, arguments, _connection, module=data.queries.__name__):
        calls.append((module, query_name, arguments))
        return original(query_name, key, arguments, _connection, module)

    monkeypatch.setattr(data, "_cached", recording)
    return calls


def same(left, right) -> bool:
    """The same result: for a frame, the same columns and types and the same rows, each as often (in any order:
    a query without ORDER BY has none, from a view or a table)."""
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_series_equal(left.dtypes, right.dtypes)
        return sorted(map(repr, left.itertuples(index=False))) == sorted(map(repr, right.itertuples(index=False)))
    return left == right


def test_every_query_of_every_page_reads_the_same_from_the_judged_tables_as_from_the_views(
        app_for, sample_database, monkeypatch):
    calls = recorded_calls(monkeypatch)
    app = app_for(sample_database)
    for page in PAGES:
        app.switch_page(page).run()
        for country in ("GLOBAL", "MAR", "__all__"):  # a scope of its own, a country, the whole programme
            choose(app, country=country)
            assert not app.exception, (page, country)
    judged = db._attach(str(sample_database), file_version(sample_database), -1)  # the server's connection
    views = open_read_only(sample_database)
    try:
        held = judged.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'judged'").fetchall()
        assert {name for (name,) in held} == {*db.JUDGED_VIEWS, "judged_as_of"}
        unique = list({(module, name, repr(arguments)): (module, name, arguments)
                       for module, name, arguments in calls}.values())  # arguments may hold frames: unhashable
        assert {name for _, name, _ in unique} >= {"theory_of_change", "sdg_target_progress", "needs_attention",
                                                   "indicator_table", "country_status"}
        for module, name, arguments in unique:
            query = getattr(data.QUERY_MODULES[module], name)
            assert same(query(db.cursor(judged), *arguments), query(reading_warehouse(views.cursor()), *arguments)), name
    finally:
        views.close()


def test_the_judged_tables_are_taken_again_on_a_new_day(app_for, write_workbook, tmp_path):
    """A warehouse built without --as-of: the day moved by the server connection's time zone (DuckDB's
    current_date, the views' clock), UTC-12 then UTC+14, never the same day."""
    database = tmp_path / "undated.duckdb"
    run_load([write_workbook(good_rows())], database)
    app = app_for(database)
    connection = db._attach(str(database), file_version(database), -1)
    for zone in ("SET GLOBAL TimeZone = 'Etc/GMT+12'", "SET GLOBAL TimeZone = 'Pacific/Kiritimati'"):
        connection.execute(zone)
        day = connection.cursor().execute("SELECT current_date").fetchone()[0]
        app.run()
        assert not app.exception
        assert connection.execute("SELECT as_of FROM judged.judged_as_of").fetchall() == [(day,)], zone
        for view in db.JUDGED_VIEWS:
            differing = connection.execute(
                f"SELECT count(*) FROM ((FROM judged.{view} EXCEPT ALL FROM warehouse.{view}) "
                f"UNION ALL (FROM warehouse.{view} EXCEPT ALL FROM judged.{view}))").fetchone()[0]
            assert differing == 0, (zone, view)
