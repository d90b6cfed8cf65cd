"""What the room waits for at each click, against Streamlit's own cost: in one run, a bare Streamlit app
(bench/bare/: two pages, one selectbox, one 20-bar chart), every page of the dashboard, and the replay of the
dashboard's own runs (bench/bare/replay.py), in Debian's chromium.

    .venv/bin/python bench/click_bench.py --db data/warehouse.duckdb [--runs 3] [--json out.json]

For each app and page: a first load by URL (a new tab on a warm server), a page switch from the sidebar, and a
change of a sidebar filter (the bare app's selectbox; the dashboard's Country and Period). Each is timed in the
page itself, from just before the action until the last change of the page's DOM once it has settled: no
element stale (Streamlit marks the elements of a running script `data-stale="true"`), every chart drawn (its
canvas or SVG is there), and nothing changed for QUIET_MS. Not counted as changes: what is inside a <canvas>
(a canvas's children are never drawn; the data grid keeps an accessible copy of its cells there and updates it
~0.25 s after the grid is drawn), and an attribute set to the value it had (the grid sets its canvas's size
again and again).

The median of `--runs` is printed with its ratio to the bare app's median for the same kind of action (issue
17's targets: page switch and filter change within 1.5×, first load within 1.3×), and beside it the replay's:
while the dashboard is timed, bench/record_runs.py records every run's elements; the replay app then sends
them again, to the same clicks, from a script that computes nothing. The replay is what Streamlit itself
takes to draw exactly the dashboard's content; the dashboard's time over it is the dashboard's own work.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import CHROMIUM, CHROMIUM_ARGS, REPOSITORY, serve_app, serve_dashboard  # noqa: E402

BARE_APP = REPOSITORY / "bench" / "bare" / "app.py"
REPLAY_APP = REPOSITORY / "bench" / "bare" / "replay.py"
RECORDER = REPOSITORY / "bench" / "record_runs.py"
QUIET_MS = 600  # no DOM change for this long: the page has settled
TIMEOUT_MS = 120_000
VIEWPORT = {"width": 1366, "height": 768}
TARGETS = {"first load": 1.3, "page switch": 1.5, "country change": 1.5, "period change": 1.5}
# (url path, title in the sidebar's navigation); the overview is at /
DASHBOARD_PAGES = (("", "Overview"), ("outputs", "Outputs"), ("indicators", "Indicators"),
                   ("theory-of-change", "Theory of change"), ("countries", "Countries"), ("workplan", "Work plan"),
                   ("money", "Money"), ("recommendations", "Recommendations"), ("data-quality", "Data quality"))

# Installed before any script of the page runs: the time of the last DOM change, in the page's clock
# (performance.now(): milliseconds since the navigation started).
WATCH_CHANGES = """
window.__changes = {last: 0};
// A change counts unless it is inside a canvas (a canvas's children are never drawn: the data grid's accessible
// copy of its cells) or sets an attribute to the value it had (the grid sets its canvas's size again and again).
// A canvas's own size that does change (Vega redrawing a chart) counts.
const counts = m => m.type === 'attributes'
    ? !m.target.parentElement?.closest('canvas') && m.oldValue !== m.target.getAttribute(m.attributeName)
    : !(m.target.nodeType === 1 ? m.target : m.target.parentElement)?.closest('canvas');
new MutationObserver(mutations => { if (mutations.some(counts)) window.__changes.last = performance.now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true,
                        attributeOldValue: true});
"""
SETTLED = """([since, quiet]) => {
    const last = window.__changes ? window.__changes.last : 0;
    if (last <= since) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    if (!charts.every(chart => chart.querySelector('canvas, svg'))) return false;
    if (!document.querySelector('[data-testid="stMain"] h1, [data-testid="stMain"] [data-testid="stHeading"]'))
        return false;
    return performance.now() - last >= quiet;
}"""


def settled_after(page, since: float) -> float:
    """Seconds from `since` (the page's clock, ms) to the last DOM change of the settled page."""
    page.wait_for_function(SETTLED, arg=[since, QUIET_MS], timeout=TIMEOUT_MS, polling=50)
    return (page.evaluate("window.__changes.last") - since) / 1000


def now(page) -> float:
    return page.evaluate("performance.now()")


def first_load(browser, url: str) -> float:
    page = browser.new_page(viewport=VIEWPORT)
    page.add_init_script(WATCH_CHANGES)
    page.goto(url)
    seconds = settled_after(page, 0)
    page.close()
    return seconds


def open_settled(browser, url: str):
    page = browser.new_page(viewport=VIEWPORT)
    page.add_init_script(WATCH_CHANGES)
    page.goto(url)
    settled_after(page, 0)
    return page


def nav_link(page, title: str):
    """The sidebar navigation's link to the page titled `title`."""
    return page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first


def page_switch(page, title: str) -> float:
    link = nav_link(page, title)
    since = now(page)
    link.click()
    return settled_after(page, since)


def choose_entry(page, label: str, option: int):
    """The `option`-th entry of the sidebar selectbox labelled `label`, its list opened."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    if not page.get_by_role("option").count():  # focused but not opened (the sidebar scrolled under the click)
        page.keyboard.press("ArrowDown")
    entry = page.get_by_role("option").nth(option)
    entry.wait_for(timeout=TIMEOUT_MS)
    return entry


def choose(page, label: str, option: int) -> float:
    """Choose the `option`-th entry of the sidebar selectbox labelled `label`; the time until settled."""
    entry = choose_entry(page, label, option)
    since = now(page)
    entry.click()
    return settled_after(page, since)


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_bare(browser, url: str, runs: int) -> dict[str, float]:
    figures = {"first load": median([first_load(browser, f"{url}/") for _ in range(runs)])}
    page = open_settled(browser, f"{url}/")
    switches = [page_switch(page, "Two" if run % 2 == 0 else "One") for run in range(runs)]
    changes = [choose(page, "Country", 1 + run % 2) for run in range(runs)]
    page.close()
    figures["page switch"] = median(switches)
    figures["filter change"] = median(changes)
    return figures


def bench_dashboard_page(browser, url: str, path: str, title: str, runs: int) -> dict[str, float]:
    figures = {"first load": median([first_load(browser, f"{url}/{path}") for _ in range(runs)])}
    switches = []
    for _ in range(runs):
        page = open_settled(browser, f"{url}/{'outputs' if path == '' else ''}")
        switches.append(page_switch(page, title))
        page.close()
    figures["page switch"] = median(switches)
    page = open_settled(browser, f"{url}/{path}")
    figures["country change"] = median([choose(page, "Country", 1 + run % 2) for run in range(runs)])
    figures["period change"] = median([choose(page, "Period", 1 + run % 2) for run in range(runs)])
    page.close()
    return figures


def bench_pages(browser, url: str, pages: tuple[tuple[str, str], ...], runs: int, what: str) -> dict:
    open_settled(browser, url).close()  # the server's first run (imports, cold caches) is not a click
    results = {}
    for path, title in pages:
        print(f"timing {title} ({what})", file=sys.stderr, flush=True)
        results[title] = bench_dashboard_page(browser, url, path, title, runs)
    return results


def run(database: Path, runs: int, pages: tuple[tuple[str, str], ...] = DASHBOARD_PAGES) -> dict:
    """The bare app, the dashboard (its runs recorded) and the replay of those runs, the same clicks on each."""
    from playwright.sync_api import sync_playwright

    results: dict = {}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as recordings:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with serve_app(BARE_APP) as (url, _):
            open_settled(browser, f"{url}/").close()  # the server's first run (imports) is not a click
            results["bare app"] = bench_bare(browser, url, runs)
        with serve_dashboard(database, launcher=(str(RECORDER), recordings)) as (url, _):
            results["dashboard"] = bench_pages(browser, url, pages, runs, "dashboard")
        with serve_app(REPLAY_APP, {"MM_REPLAY_DIR": recordings}) as (url, _):
            results["replay"] = bench_pages(browser, url, pages, runs, "replay")
        browser.close()
    return results


def ratios(results: dict) -> dict[str, dict[str, float]]:
    """Each dashboard figure ÷ the bare app's figure for the same kind of action (issue 17's targets)."""
    bare = results["bare app"]
    yardstick = {"first load": bare["first load"], "page switch": bare["page switch"],
                 "country change": bare["filter change"], "period change": bare["filter change"]}
    return {page: {action: seconds / yardstick[action] for action, seconds in figures.items()}
            for page, figures in results["dashboard"].items()}


def over_replay(results: dict) -> dict[str, dict[str, float]]:
    """Each dashboard figure ÷ the replay's (Streamlit drawing the same elements, computing nothing): what the
    dashboard's own work adds to Streamlit's cost of its content."""
    return {page: {action: seconds / results["replay"][page][action] for action, seconds in figures.items()}
            for page, figures in results["dashboard"].items()}


def report(results: dict) -> str:
    bare = results["bare app"]
    lines = [f"bare app: first load {bare['first load']:.2f} s · page switch {bare['page switch']:.2f} s · "
             f"filter change {bare['filter change']:.2f} s",
             "each cell: the dashboard's seconds = × the bare app [the replay of the same elements's seconds]",
             f"{'page':<18}" + "".join(f"{action:>30}" for action in TARGETS),
             f"{'(target ×)':<18}" + "".join(f"{'≤ ' + format(target, '.1f') + '×':>30}"
                                             for target in TARGETS.values())]
    for page, by_action in ratios(results).items():
        cells = [f"{results['dashboard'][page][action]:.2f} s = {ratio:.2f}×{' ✗' if ratio > TARGETS[action] else ''}"
                 f" [{results['replay'][page][action]:.2f} s]" for action, ratio in by_action.items()]
        lines.append(f"{page:<18}" + "".join(f"{cell:>30}" for cell in cells))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="the warehouse the dashboard reads")
    parser.add_argument("--runs", type=int, default=3, help="runs of each action (the median is kept)")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure here")
    parser.add_argument("--pages", default=None, help="comma-separated page titles (default: every page)")
    args = parser.parse_args(argv)
    pages = DASHBOARD_PAGES if not args.pages else tuple(
        (path, title) for path, title in DASHBOARD_PAGES if title in args.pages.split(","))
    results = run(args.db.resolve(), args.runs, pages)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps({"seconds": results, "ratios": ratios(results),
                                         "over_replay": over_replay(results)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
