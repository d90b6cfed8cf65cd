"""Browser time to a ready overview, and the dashboard server's memory.

    .venv/bin/python bench/browser_bench.py --db path/to/warehouse.duckdb

`streamlit run dashboard.py` on 127.0.0.1 with MM_DB_PATH set; Debian's chromium driven by Playwright
opens the overview. Ready = its KPI text is shown and its chart (the world map) has drawn. First
visit: a fresh server (empty caches); second visit: a new tab on the same server (warm caches). Then
every page is opened once, and the server's peak RSS (VmHWM) is read from /proc.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serve import CHROMIUM, CHROMIUM_ARGS, serve_dashboard, wait_for_charts  # noqa: E402

READY_TEXT = "Inception completed in year 1"
OTHER_PAGES = ("outputs", "indicators", "countries", "workplan", "money", "recommendations", "data-quality")


def _memory_mb(pid: int) -> dict[str, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def _wait_ready(page, charts: int = 1, timeout_ms: int = 300_000) -> None:
    page.get_by_text(READY_TEXT, exact=False).first.wait_for(timeout=timeout_ms)
    wait_for_charts(page, charts, timeout_ms)


def bench_browser(database: Path, visit_all_pages: bool = True) -> dict:
    from playwright.sync_api import sync_playwright

    figures: dict = {}
    with serve_dashboard(database) as (url, server):
        figures["server_rss_idle_mb"] = _memory_mb(server.pid)["VmRSS"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for visit in ("first_visit_seconds", "second_visit_seconds"):
                page = browser.new_page(viewport={"width": 1600, "height": 1200})
                started = time.monotonic()
                page.goto(url)
                _wait_ready(page)
                figures[visit] = time.monotonic() - started
                body = page.inner_text("body")
                figures.setdefault("errors", []).extend(
                    [visit] if "Traceback" in body or "could not be shown" in body else [])
                page.close()
            if visit_all_pages:
                page = browser.new_page(viewport={"width": 1600, "height": 1200})
                for path in OTHER_PAGES:
                    started = time.monotonic()
                    page.goto(f"{url}/{path}")
                    page.wait_for_selector("[data-testid='stHeading']", timeout=300_000)
                    page.wait_for_function("() => !document.querySelector(\"[data-testid='stStatusWidget']\")",
                                           timeout=300_000)
                    figures.setdefault("pages_seconds", {})[path] = time.monotonic() - started
            browser.close()
        memory = _memory_mb(server.pid)
        figures["server_peak_rss_mb"] = memory["VmHWM"]
        figures["server_rss_mb"] = memory["VmRSS"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args(argv)
    print(json.dumps(bench_browser(args.db.resolve()), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
