"""The status roll-ups the dashboard reads from tables judged once per day (mm_dashboard/db.py, JUDGED_VIEWS):
the queries read them, every query a page asks for gives the same result from them as from the warehouse's
views, they are taken again when the day they were judged as of is over, and a roll-up that cannot be taken
is read from its view."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from etl.load import run_load
from etl.warehouse import open_read_only, reading_warehouse
from mm_dashboard import data, db

from .helpers.pages import PAGES, choose
from .helpers.rows import good_rows
from .helpers.server_day import ZONES, server_connection, today


def recorded_calls(monkeypatch) -> list:
    """Every query call the dashboard makes from now on (cached or not): (module, query name, arguments), as the
    page benchmark records them; the recording undone after the test."""
    from bench.page_bench import _record_queries

    calls = []
    monkeypatch.setattr(data, "_cached", data._cached)  # put back at the end
    _record_queries(calls)
    return calls


def same(left, right) -> bool:
    """The same result: for a frame, the same columns and types and the same rows, each as often (in any order:
    a query without ORDER BY has none, from a view or a table)."""
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_series_equal(left.dtypes, right.dtypes)
        return sorted(map(repr, left.itertuples(index=False))) == sorted(map(repr, right.itertuples(index=False)))
    return left == right


def held(connection: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for (name,) in connection.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'judged'").fetchall()} - {"judged_as_of"}


def differing_rows(connection: duckdb.DuckDBPyConnection, view: str) -> int:
    return connection.execute(f"SELECT count(*) FROM ((FROM judged.{view} EXCEPT ALL FROM warehouse.{view}) "
                              f"UNION ALL (FROM warehouse.{view} EXCEPT ALL FROM judged.{view}))").fetchone()[0]


@pytest.mark.slow  # every page, three scopes each
def test_every_query_of_every_page_reads_the_same_from_the_judged_tables_as_from_the_views(
        app_for, sample_database, monkeypatch):
    calls = recorded_calls(monkeypatch)
    app = app_for(sample_database)
    for page in PAGES:
        app.switch_page(page).run()
        for country in ("GLOBAL", "MAR", "all"):  # a scope of its own, a country, the whole programme
            choose(app, country=country)
            assert not app.exception, (page, country)
    judged = server_connection(sample_database)
    views = open_read_only(sample_database)
    try:
        assert held(judged) == set(db.JUDGED_VIEWS)
        unique = list({(module, name, repr(arguments)): (module, name, arguments)
                       for module, name, arguments in calls}.values())  # arguments may hold frames: unhashable
        assert {name for _, name, _ in unique} >= {"theory_of_change", "sdg_target_progress", "needs_attention",
                                                   "indicator_table", "country_status"}
        for module, name, arguments in unique:
            query = getattr(data.QUERY_MODULES[module], name)
            from_views = query(reading_warehouse(views.cursor()), *arguments)
            assert same(query(db.cursor(judged), *arguments), from_views), name
        for view in db.JUDGED_VIEWS:  # and what the queries read is the judged table, not the view
            judged.execute(f"DELETE FROM judged.{view}")
            assert db.cursor(judged).execute(f"SELECT count(*) FROM {view}").fetchone()[0] == 0, view
    finally:
        views.close()


def test_the_judged_tables_are_taken_again_on_a_new_day(app_for, write_workbook, tmp_path):
    """A warehouse built without --as-of, its day moved by the server connection's time zone. The tables are
    emptied before the second day: they must be taken again, not kept."""
    database = tmp_path / "undated.duckdb"
    run_load([write_workbook(good_rows())], database)
    app = app_for(database)
    connection = server_connection(database)
    for zone, statement in ZONES.items():
        connection.execute(statement)
        before = today(connection)
        app.run()
        after = today(connection)
        assert not app.exception
        assert connection.execute("SELECT as_of FROM judged.judged_as_of").fetchone()[0] in {before, after}, zone
        assert held(connection) == set(db.JUDGED_VIEWS)
        for view in db.JUDGED_VIEWS:
            assert differing_rows(connection, view) == 0, (zone, view)
            connection.execute(f"DELETE FROM judged.{view}")  # the next day's run must take them again


def test_a_roll_up_that_cannot_be_taken_is_read_from_its_view_and_the_pages_still_show(
        app_for, write_workbook, tmp_path):
    database = tmp_path / "failing.duckdb"
    run_load([write_workbook(good_rows())], database, as_of=dt.date(2015, 7, 31))
    with duckdb.connect(str(database)) as writing:  # a roll-up that fails when it is read
        writing.execute("CREATE OR REPLACE VIEW sdg_target_status AS SELECT error('cannot be worked out') AS x")
    app = app_for(database)  # the Overview reads no SDG target
    assert not app.exception and not app.error
    assert "Delivery, as of 31 July 2015" in [header.value for header in app.subheader]
    connection = server_connection(database)
    assert held(connection) == set()  # none held: each read from its view
    settled = connection.execute("SELECT as_of FROM judged.judged_as_of").fetchall()
    assert settled == [(dt.date(2015, 7, 31),)]  # settled for the day: not tried again on every run
