"""Every page as a board sees it (issue 15): at 1366×768 and in presentation mode, in a real browser, with
screenshots kept in test-output/board-ready/ for a person to look at. Fails on what would hurt in the meeting:
a table header that is a database column name, the word 'None' for a missing value, KPI boxes or values that run
into each other on the first screen, a presentation mode that keeps the sidebar (or gives no way out), and a
Countries page whose heading is not the country its filter chose."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import duckdb
import pytest

from bench.serve import CHROMIUM, CHROMIUM_ARGS, script_finished, wait_for_charts
from mm_core import queries, wording

from .helpers.paths import REPOSITORY
from .helpers.server import start_server

pytestmark = [pytest.mark.slow,  # a real browser against a served dashboard (make test-fast leaves it out)
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is installed by `make test`")]

OUTPUT = REPOSITORY / "test-output" / "board-ready"
VIEWPORT = {"width": 1366, "height": 768}
TALL = {"width": 1366, "height": 3200}  # the rest of the page, for a person to look at
PAGES = [  # url path, text that shows the page has drawn, charts it draws on the sample
    ("", "Inception completed in year 1", 1),
    ("outputs", "Output in detail", 1),
    ("indicators", "Trajectory of one indicator", 1),
    ("theory-of-change", "Show indicators", 1),
    ("countries", "Milestones by country", 3),
    ("workplan", "All activities shown", 1),
    ("money", "Burn rate against time", 3),
    ("recommendations", "Management response and follow-up", 0),
    ("data-quality", "Reporting completeness", 0),
]
RAW_HEADER = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")  # 'country', 'output_code', 'is_overspent': a column's name

# Per metric on the first screen: its box, the box of its value's text as drawn (which may overflow the box)
# and how many lines that text takes.
METRIC_BOXES = """() => [...document.querySelectorAll("[data-testid='stMetric']")].map(metric => {
    const box = metric.getBoundingClientRect();
    const value = metric.querySelector("[data-testid='stMetricValue']");
    const range = document.createRange();
    range.selectNodeContents(value);
    const text = range.getBoundingClientRect();
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
    const cut = [...value.querySelectorAll('*'), value].some(e => e.scrollWidth > e.clientWidth + 1);
    return {label: metric.innerText.split('\\n')[0], value: value.innerText, lines, cut,
            box: [box.left, box.top, box.right, box.bottom], text: [text.left, text.top, text.right, text.bottom]};
})"""
HEADERS = """() => [...document.querySelectorAll("[data-testid='stDataFrame'] th")]
    .map(h => (h.innerText || h.getAttribute('aria-label') || '').trim()).filter(Boolean)"""


@pytest.fixture(scope="module")
def server(sample_database):
    with start_server(sample_database) as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        yield page
        browser.close()


def overlapping(first: list[float], second: list[float]) -> bool:
    """Two boxes [left, top, right, bottom] share more than a pixel."""
    return (min(first[2], second[2]) - max(first[0], second[0]) > 1
            and min(first[3], second[3]) - max(first[1], second[1]) > 1)


def finished(page) -> None:
    """The page's script has run to its end (every element is drawn)."""
    script_finished(page)


def open_page(page, url: str, marker: str, charts: int) -> str:
    page.set_viewport_size(VIEWPORT)
    page.goto(url)
    page.get_by_text(marker, exact=False).first.wait_for(timeout=60_000)
    if charts:
        wait_for_charts(page, charts)
    finished(page)
    page.wait_for_timeout(500)  # the last fonts and column widths settle
    return page.inner_text("body")


def kpi_problems(page) -> list[str]:
    """What is wrong with the metrics on the first screen: boxes or values that overlap, values that wrap or
    are cut."""
    metrics = [m for m in page.evaluate(METRIC_BOXES) if m["box"][1] < VIEWPORT["height"]]
    problems = []
    for metric in metrics:
        if metric["lines"] > 1:
            problems.append(f"value {metric['value']!r} of {metric['label']!r} wraps to {metric['lines']} lines")
        if metric["cut"]:
            problems.append(f"value {metric['value']!r} of {metric['label']!r} is cut")
    for first, second in itertools.combinations(metrics, 2):
        if overlapping(first["box"], second["box"]) or overlapping(first["text"], second["text"]):
            problems.append(f"{first['label']!r} ({first['value']}) overlaps {second['label']!r} ({second['value']})")
    return problems


def page_problems(page, body: str) -> list[str]:
    problems = [f"table header {header!r} is a column's name" for header in page.evaluate(HEADERS)
                if RAW_HEADER.match(header)]
    problems += [f"'None' shown: …{body[max(0, m.start() - 40):m.end() + 40]!r}…"
                 for m in re.finditer(r"\bNone\b", body)]
    if "Traceback" in body or "could not be shown" in body:
        problems.append("the page failed")
    return problems


def shoot(page, name: str) -> None:
    page.screenshot(path=str(OUTPUT / f"{name}.png"))
    page.set_viewport_size(TALL)
    page.wait_for_timeout(800)
    finished(page)
    page.screenshot(path=str(OUTPUT / f"{name}-whole.png"))
    page.set_viewport_size(VIEWPORT)


@pytest.mark.parametrize("mode", ["screen", "presentation"])
def test_every_page_reads_at_1366_by_768(server, browser_page, mode):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    problems = {}
    for path, marker, charts in PAGES:
        url = f"{server}/{path}" + ("?present=1" if mode == "presentation" else "")
        body = open_page(browser_page, url, marker, charts)
        found = page_problems(browser_page, body) + kpi_problems(browser_page)
        sidebar = browser_page.locator("[data-testid='stSidebar']")
        if mode == "presentation":
            if sidebar.count() and sidebar.first.is_visible():
                found.append("the sidebar stays in presentation mode")
            if not browser_page.get_by_role("button", name="Leave presentation mode").is_visible():
                found.append("no visible way out of presentation mode")
        shoot(browser_page, f"{path or 'overview'}-{mode}")
        if found:
            problems[path or "overview"] = found
    print(f"screenshots in {OUTPUT}")
    assert not problems, problems


def test_presentation_mode_is_left_from_the_page(server, browser_page):
    open_page(browser_page, f"{server}/money?present=1", "Burn rate against time", 3)
    browser_page.get_by_role("button", name="Leave presentation mode").click()
    browser_page.locator("[data-testid='stSidebar']").get_by_text("Presentation mode").wait_for(timeout=60_000)
    browser_page.wait_for_function("() => !location.search.includes('present=1')", timeout=60_000)
    assert browser_page.get_by_role("button", name="Leave presentation mode").count() == 0


def test_the_countries_page_heads_with_the_country_of_its_filter(server, browser_page, sample_database):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        names = dict(connection.execute("SELECT iso3, name FROM countries").fetchall())
        names["GLOBAL"] = wording.global_level_label(queries.outputs(connection.cursor()))
    for code in ("JAM", "MDA", "GLOBAL"):
        open_page(browser_page, f"{server}/countries?country={code}", "Milestones by country", 1)
        heading = browser_page.locator("h2").filter(has_text=names[code]).first
        heading.wait_for(timeout=60_000)
        headings = [text.strip() for text in browser_page.locator("h2").all_inner_texts()]
        assert names[code] in headings, (code, headings)
        others = [name for other, name in names.items() if other != code and name in headings]
        assert not others, (code, others)  # no other country's profile below
        assert f"country {code}" in browser_page.inner_text("body")  # the caption names the filter's country
