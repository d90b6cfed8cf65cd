"""A real browser (Debian chromium driven by Playwright) opens the dashboard served by `streamlit run`."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bench.serve import CHROMIUM, CHROMIUM_ARGS, script_finished, wait_for_charts

from .helpers.paths import REPOSITORY
from .helpers.server import start_server

pytestmark = pytest.mark.slow  # a real browser against a served dashboard (make test-fast leaves it out)

OUTPUT = REPOSITORY / "test-output"


@pytest.fixture(scope="module")
def server(sample_database):
    with start_server(sample_database) as url:
        yield url


PAGES = [  # url path, text that shows the page has drawn, charts to wait for
    ("", "Inception completed in year 1", 1),
    ("outputs", "Output 1: Key migration and development stakeholders are engaged", 1),
    ("indicators", "Trajectory of one indicator", 1),
    ("theory-of-change", "Show indicators", 1),
    ("countries", "Milestones by country", 3),
    ("workplan", "All activities shown", 1),
    ("money", "Burn rate against time", 3),
]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is installed by `make test`")
def test_every_page_renders_in_chromium(server):
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    timings = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 2400})
        for path, marker, charts in PAGES:
            started = time.monotonic()
            page.goto(f"{server}/{path}")
            page.get_by_text(marker, exact=False).first.wait_for(timeout=60_000)
            wait_for_charts(page, charts)
            timings[path or "overview"] = time.monotonic() - started
            body = page.inner_text("body")
            assert "Traceback" not in body and "could not be shown" not in body, path
            page.screenshot(path=str(OUTPUT / f"{path or 'overview'}.png"), full_page=True)
            if not path:
                assert "7 / 8" in body and "87.5% of countries" in body
                assert "Status as of 31 July 2017" in body
        # the sidebar filter, driven as a user does: the KPIs, the URL and the next page follow it
        page.goto(server)
        page.get_by_text("Inception completed in year 1").wait_for(timeout=60_000)
        page.locator("[data-testid='stSelectbox']").filter(has_text="Country").click()
        page.get_by_role("option", name="Ecuador").click()
        page.get_by_text("0.0% of countries").wait_for(timeout=60_000)
        assert "country=ECU" in page.url and "period=2017%2F18+H1" in page.url  # the period too: its default moves
        steps = page.evaluate("history.length")
        page.get_by_role("link", name="Work plan").click()
        page.get_by_text("All activities shown").wait_for(timeout=60_000)
        page.wait_for_function("() => document.body.innerText.includes('country ECU')", timeout=60_000)
        assert "country=ECU" in page.url
        # Back undoes the choice: the address and the page agree on the filters again
        steps = page.evaluate("history.length") - steps  # 2 when the switch left a step without the filters
        for _ in range(steps - 1):  # Back onto that step keeps the filters (filters.back_to_a_shown_address)
            page.go_back()
            page.wait_for_url(f"{server}/workplan?period=2017%2F18+H1&country=ECU", timeout=60_000)
            page.wait_for_function("() => document.body.innerText.includes('country ECU')", timeout=60_000)
        page.go_back()  # the Overview for Ecuador
        page.get_by_text("0.0% of countries").wait_for(timeout=60_000)
        page.wait_for_function("() => !document.body.innerText.includes('All activities shown')", timeout=60_000)
        page.go_back()  # the Overview before the choice
        page.get_by_text("87.5% of countries").wait_for(timeout=60_000)
        assert page.url.rstrip("/") == server.rstrip("/")
        # a deep link restores the filters
        page.goto(f"{server}/?country=JAM&period=2015/16+H2")
        page.wait_for_function("() => document.body.innerText.includes('country JAM')", timeout=60_000)
        wait_for_charts(page, 1)
        page.screenshot(path=str(OUTPUT / "overview-jamaica.png"), full_page=True)
        assert "Indicators, 2015/16 H2" in page.inner_text("body")
        # `/overview`, as a link or bookmark may name it, draws the Overview with its filters, no "not found";
        # an ignored value of the link is said there too, and Back leaves it
        page.goto(f"{server}/outputs")
        page.get_by_text("Output 1: Key migration").first.wait_for(timeout=60_000)
        page.goto(f"{server}/overview?country=ECU")
        page.wait_for_function("() => document.body.innerText.includes('country ECU')", timeout=60_000)
        page.get_by_text("Inception completed in year 1").wait_for(timeout=60_000)
        assert "Page not found" not in page.inner_text("body")
        page.go_back()
        page.wait_for_url(f"{server}/outputs", timeout=60_000)
        page.goto(f"{server}/overview?country=ECU&output=99")
        page.get_by_text("Ignored from the link").wait_for(timeout=60_000)
        script_finished(page)  # its run is over: an address change, were one made, is in
        page.go_back()  # one Back leaves a link with an ignored value: no step of its own was added
        page.wait_for_url(f"{server}/outputs", timeout=60_000)
        # the Indicators page keeps its own choice in the address the same way: opening it adds no step
        page.goto(f"{server}/indicators")
        page.get_by_text("Trajectory of one indicator").wait_for(timeout=60_000)
        script_finished(page)
        page.go_back()
        page.wait_for_url(f"{server}/outputs", timeout=60_000)
        # a choice after a link with an ignored value is one step, and the value goes with it
        page.goto(f"{server}/?country=ZZZ")
        page.get_by_text("Ignored from the link").wait_for(timeout=60_000)
        script_finished(page)
        steps = page.evaluate("history.length")
        page.locator("[data-testid='stSelectbox']").filter(has_text="Agency").click()
        page.get_by_role("option", name=re.compile("UNDP")).first.click()
        page.wait_for_url(re.compile(r"agency=UNDP"), timeout=60_000)
        script_finished(page)
        assert page.evaluate("history.length") == steps + 1 and "country=" not in page.url
        assert "Ignored from the link" not in page.inner_text("body")  # the address no longer holds it
        # on the Indicators page, a wider filter keeps the indicator and writes it with the filters: one step
        page.goto(f"{server}/indicators?country=JAM")
        page.get_by_text("Trajectory of one indicator").wait_for(timeout=60_000)
        script_finished(page)
        steps = page.evaluate("history.length")
        page.locator("[data-testid='stSelectbox']").filter(has_text="Country").click()
        page.get_by_role("option", name="All countries").click()
        page.wait_for_url(re.compile(r"indicator="), timeout=60_000)
        script_finished(page)
        assert page.evaluate("history.length") == steps + 1 and "country=" not in page.url
        # a filter that drops the chosen indicator: the new one is written with it, not said: one step
        page.goto(f"{server}/indicators?indicator=1.2%7CJAM")
        page.get_by_text("Trajectory of one indicator").wait_for(timeout=60_000)
        script_finished(page)
        steps = page.evaluate("history.length")
        page.locator("[data-testid='stSelectbox']").filter(has_text="Country").click()
        page.get_by_role("option", name="Ecuador").click()
        page.wait_for_url(re.compile(r"country=ECU"), timeout=60_000)
        script_finished(page)
        page.wait_for_url(re.compile(r"indicator=(?!1\.2%7CJAM)"), timeout=60_000)
        assert page.evaluate("history.length") == steps + 1
        assert "Ignored from the link" not in page.inner_text("body")  # the page's own choice, replaced
        page.goto(f"{server}/?present=1")
        page.get_by_text("Inception completed in year 1").wait_for(timeout=60_000)
        wait_for_charts(page, 1)
        assert "Page not found" not in page.inner_text("body")
        page.screenshot(path=str(OUTPUT / "overview-presentation.png"), full_page=False)
        browser.close()
    print("time to ready per page (s): " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()))
