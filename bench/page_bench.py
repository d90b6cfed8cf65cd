"""Page speed: every page's AppTest script run, cold and warm, beside its DuckDB queries alone.

    .venv/bin/python bench/page_bench.py --db path/to/warehouse.duckdb

For each page (app_pages/*.py, reached with AppTest.switch_page as the tests do):
- cold: st.cache_data and st.cache_resource cleared, then the run (the database is attached again,
  every query runs);
- warm: the same page run again, caches full (median of `--warm-runs` runs) - what a viewer waits
  for after moving a widget;
- country change: the sidebar's Country set to each of the programme's countries in turn, each new to the
  page (its queries and charts not cached), the median run - the server's part of issue 17's filter change
  (bench/click_bench.py times it in the browser);
- queries: every query function the cold run called (sidebar included), run alone on a DuckDB
  connection of its own that reads as the dashboard's do (the day's status roll-ups taken first, not
  timed: mm_dashboard/db.py), median of 3 passes.
Also the peak RSS of this process (the AppTest runs in it, like a dashboard server with one session).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

APP = str(REPOSITORY / "dashboard.py")
PAGES = ("overview", "outputs", "indicators", "theory_of_change", "countries", "workplan", "money", "recommendations",
         "data_quality", "round_tracker")


def _record_queries(calls: list):
    """Wrap mm_dashboard.data._cached so every query a run asks for is recorded (cached or not)."""
    from mm_dashboard import data

    original = data._cached

    def recording(query_name, key, arguments, _connection, module=None):
        module = module or data.queries.__name__
        calls.append((module, query_name, arguments))
        return original(query_name, key, arguments, _connection, module)

    data._cached = recording
    return original


def time_queries(database: str, calls: list, passes: int = 3) -> float:
    """Seconds to run the recorded query calls alone (median of `passes`), on a fresh connection read as the
    dashboard reads (the status roll-ups taken once beforehand, as a page's first run of the day does)."""
    from mm_dashboard import db
    from mm_dashboard.data import QUERY_MODULES

    connection = db.open_reading(database)
    db.judge(connection, Path(database))
    unique = distinct(calls)
    times = []
    for _ in range(passes):
        started = time.perf_counter()
        for module, name, arguments in unique:  # the query functions of mm_core.queries, cross_checks, ...
            cursor = db.cursor(connection)
            getattr(QUERY_MODULES[module], name)(cursor, *arguments)
        times.append(time.perf_counter() - started)
    connection.close()
    return statistics.median(times)


def distinct(calls: list) -> list:
    """The calls, each once: equal calls by their arguments, a frame (the Round tracker passes one) by its
    content."""
    seen, kept = set(), []
    for module, name, arguments in calls:
        key = (module, name, tuple(_hashable(argument) for argument in arguments))
        if key not in seen:
            seen.add(key)
            kept.append((module, name, arguments))
    return kept


def _hashable(argument):
    """The argument, or for a frame its content's hash, as the dashboard's cache tells calls apart."""
    try:
        hash(argument)
    except TypeError:
        import pandas as pd

        if isinstance(argument, pd.DataFrame):
            return ("frame", tuple(argument.columns), int(pd.util.hash_pandas_object(argument, index=True).sum()))
        return ("identity", id(argument))
    return argument


def programme_countries(database: str) -> list[str]:
    """The sidebar's country choices (ISO codes, GLOBAL last), as queries.filter_options gives them."""
    from etl.warehouse import open_read_only, reading_warehouse
    from mm_core import queries

    connection = open_read_only(database)
    try:
        choices = queries.filter_options(reading_warehouse(connection.cursor()))
    finally:
        connection.close()
    return list(choices.loc[choices["kind"] == "country", "code"])


def country_changes(app, countries: list[str]) -> tuple[float, list[str]]:
    """The median run after setting the sidebar's Country to each of `countries` in turn (then back to all), and
    what those runs showed as errors (a run that failed is quick, and its figure would mean nothing)."""
    from mm_dashboard.filters import ALL

    times, problems = [], []
    for country in countries:
        app.session_state["chosen_country"] = country
        started = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - started)
        if app.session_state["scope"].country != country:  # the sidebar did not take it: a figure of nothing
            raise RuntimeError(f"the sidebar's Country did not become {country!r}")
        problems += [f"{country}: {str(e.value)[:300]}" for e in [*app.exception, *app.error]]
    app.session_state["chosen_country"] = ALL
    app.run()
    return statistics.median(times), problems


def bench_pages(database: Path, pages=PAGES, warm_runs: int = 3) -> dict:
    os.environ["MM_DB_PATH"] = str(database)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    calls: list = []
    _record_queries(calls)
    app = AppTest.from_file(APP, default_timeout=600)
    started = time.perf_counter()
    app.run()  # the default page, once, so imports and the first session are not in any page's figure
    first_run = time.perf_counter() - started
    figures = {"first_run_seconds": first_run, "pages": {}}
    countries = programme_countries(str(database))
    for page in pages:
        st.cache_data.clear()
        st.cache_resource.clear()
        calls.clear()
        started = time.perf_counter()
        app.switch_page(f"app_pages/{page}.py").run()
        cold = time.perf_counter() - started
        problems = [e.value for e in app.exception] + [e.value for e in app.error]
        recorded = list(calls)
        warm = []
        for _ in range(warm_runs):
            started = time.perf_counter()
            app.run()
            warm.append(time.perf_counter() - started)
        changed, change_problems = country_changes(app, countries)
        figures["pages"][page] = {"cold_seconds": cold, "warm_seconds": statistics.median(warm),
                                  "country_change_seconds": changed,
                                  "queries_seconds": time_queries(str(database), recorded),
                                  "queries": len(distinct(recorded)),
                                  "problems": [str(p)[:300] for p in problems] + change_problems}
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--pages", nargs="*", default=list(PAGES))
    parser.add_argument("--warm-runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    figures = bench_pages(args.db.resolve(), args.pages, args.warm_runs)
    text = json.dumps(figures, indent=1)
    if args.json:
        args.json.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
