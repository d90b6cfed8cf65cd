"""The server's part of a sidebar change as the click benchmark meets it: how long each run of a page's script takes
on the dashboard's own server while Chromium draws, and what that time is spent on.

    .venv/bin/python bench/server_split.py --db data/warehouse.duckdb [--pages "Overview,Theory of change"]
                                           [--changes 8]

bench/page_bench.py times a page's script under AppTest, alone in its process. In bench/click_bench.py the same
script runs on Streamlit's server, on the machine where Chromium is drawing. For each page this opens it in Debian's
chromium (on a server of its own: pages share cached work) and chooses the sidebar's Country `--changes` times,
each time another country (so the page's queries and charts for it are not cached yet), and prints:
- run: the median wall time of those runs (the script's start to its end, on the server), on a server that only
  times them;
- the split: on a second server, the same changes with pyinstrument sampling each run, its time by the innermost of
  what it was doing: the queries (mm_core's query modules and mm_dashboard/db.py's cursors: DuckDB), the charts
  (mm_core/charts.py and Altair), Streamlit's element calls (an st.* call making its message: Arrow for tables and
  charts' rows), Streamlit's cache (hashing a cached call's arguments, pickling its result), and the rest (the
  dashboard's other code, cached functions' bodies included, the pandas it calls, and Streamlit's own running of
  the script outside its element calls). A profiler slows Python more than DuckDB, so the split is given as
  shares.

The server is started through this file (`serve`), which wraps each script run before handing over to Streamlit's
command line, as bench/record_runs.py does for the replay.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import REPOSITORY  # noqa: E402

# What a sample's time counts as: the innermost frame whose file matches, in this order of precedence for one frame.
CATEGORIES = (
    ("queries", ("mm_core/queries.py", "mm_core/cross_checks.py", "mm_core/rounds.py", "mm_core/changes.py",
                 "mm_dashboard/db.py")),
    ("charts", ("mm_core/charts.py", "/altair/")),
    ("Streamlit elements", ("streamlit/runtime/metrics_util.py",)),
    ("Streamlit cache", ("streamlit/runtime/caching/",)),
)
REST = "the rest"
SAMPLING_SECONDS = 0.0005


def category(file_path: str, outer: str) -> str:
    """The category of a frame in `file_path` inside a frame of category `outer`: its own if its file is one of
    CATEGORIES', the rest if it is another of the dashboard's files (a cached function's body is the dashboard's
    work, not the cache's), else its caller's (a library's code, or a frame's own time, which has no file)."""
    for name, needles in CATEGORIES:
        if any(needle in file_path for needle in needles):
            return name
    if file_path.startswith(str(REPOSITORY)) and "site-packages" not in file_path:
        return REST
    return outer


def split(frame, outer: str = REST, totals: dict[str, float] | None = None) -> dict[str, float]:
    """Seconds by category over a pyinstrument frame tree: each frame's own time (its time less its children's) goes
    to the innermost category above or at it."""
    totals = {} if totals is None else totals
    here = category(frame.file_path or "", outer)
    totals[here] = totals.get(here, 0.0) + frame.time - sum(child.time for child in frame.children)
    for child in frame.children:
        split(child, here, totals)
    return totals


def install(record: Path, profile: bool) -> None:
    """Wrap every script run: while `record`.on names a page, write each run's seconds (and with `profile` its split)
    as a JSON line to `record`."""
    from streamlit.runtime.scriptrunner import script_runner

    control = record.with_suffix(".on")
    run_script = script_runner.ScriptRunner._run_script

    def timed(self, *args, **kwargs):
        page = control.read_text() if control.exists() else ""
        profiler = None
        if page and profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=SAMPLING_SECONDS)
            profiler.start()
        started = time.perf_counter()
        try:
            return run_script(self, *args, **kwargs)
        finally:
            seconds = time.perf_counter() - started
            if page:
                line = {"page": page, "seconds": seconds}
                if profiler is not None:
                    profiler.stop()
                    root = profiler.last_session.root_frame()
                    line["split"] = split(root) if root is not None else {}  # a run too short to be sampled
                with record.open("a") as out:
                    out.write(json.dumps(line) + "\n")

    script_runner.ScriptRunner._run_script = timed


def changes_on_server(browser, database: Path, pages: list[tuple[str, str]], changes: int, profile: bool,
                      folder: Path) -> list[dict]:
    """The recorded runs of `changes` Country changes on each page, each page on a dashboard server of its own:
    pages share cached queries and charts (Outputs asks for the theory of change's chain), so on one server a page
    timed after another would find some of its work done."""
    from bench.click_bench import choose, open_settled
    from bench.serve import serve_dashboard

    record = folder / ("profiled.jsonl" if profile else "timed.jsonl")
    control = record.with_suffix(".on")
    launcher = (str(Path(__file__).resolve()), "serve", str(record), "profile" if profile else "time")
    for path, title in pages:
        with serve_dashboard(database, launcher=launcher) as (url, _):
            page = open_settled(browser, f"{url}/{path}")  # the server's first run (imports) is not a click
            control.write_text(title)
            for change in range(changes):
                choose(page, "Country", 1 + change)
            control.write_text("")
            page.close()
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


def run(database: Path, pages: list[tuple[str, str]], changes: int) -> dict[str, dict]:
    """Per page title: the runs' seconds on the timing server and the split's seconds summed over the profiled runs."""
    from playwright.sync_api import sync_playwright

    from bench.serve import CHROMIUM, CHROMIUM_ARGS

    figures: dict[str, dict] = {title: {"seconds": [], "split": collections.Counter()} for _, title in pages}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as folder:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for line in changes_on_server(browser, database, pages, changes, False, Path(folder)):
            figures[line["page"]]["seconds"].append(line["seconds"])
        for line in changes_on_server(browser, database, pages, changes, True, Path(folder)):
            figures[line["page"]]["split"].update(line["split"])
        browser.close()
    return figures


def report(figures: dict[str, dict]) -> str:
    names = [name for name, _ in CATEGORIES] + [REST]
    lines = ["each page: the median run of its Country changes on the server [fastest-slowest], then the profiled "
             "runs' time by what it was spent on",
             f"{'page':18} {'run':>22}   " + "  ".join(f"{name:>18}" for name in names)]
    for title, figure in figures.items():
        seconds, spent = figure["seconds"], figure["split"]
        total = sum(spent.values()) or 1.0
        run_text = (f"{statistics.median(seconds) * 1000:.0f} ms [{min(seconds) * 1000:.0f}-"
                    f"{max(seconds) * 1000:.0f}]" if seconds else "no run")
        lines.append(f"{title:18} {run_text:>22}   "
                     + "  ".join(f"{spent.get(name, 0.0) / total:>18.0%}" for name in names))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from bench.click_bench import DASHBOARD_PAGES

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="the warehouse the dashboard reads")
    parser.add_argument("--pages", help="comma-separated page titles (default: every page)")
    parser.add_argument("--changes", type=int, default=8, help="Country changes per page, each to another country")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    pages = [(path, title) for path, title in DASHBOARD_PAGES
             if not args.pages or title in args.pages.split(",")]
    figures = run(args.db.resolve(), pages, args.changes)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps({title: {"seconds": figure["seconds"], "split": dict(figure["split"])}
                                         for title, figure in figures.items()}, indent=1))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:  # the server: serve RECORD time|profile run dashboard.py [streamlit options]
        install(Path(sys.argv[2]), sys.argv[3] == "profile")
        from streamlit.web.cli import main as streamlit_main

        sys.argv = ["streamlit", *sys.argv[4:]]
        sys.exit(streamlit_main())
    sys.exit(main())
