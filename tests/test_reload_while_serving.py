"""Reload while serving: browser sessions keep reading the dashboard while the ETL replaces the database
again and again; and a load killed part-way leaves the previous database intact and usable."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from bench.serve import CHROMIUM, CHROMIUM_ARGS
from etl.load import run_load
from etl.templates import write_template

from .helpers.paths import REPOSITORY
from .helpers.rows import good_rows
from .helpers.server import start_server

pytestmark = pytest.mark.slow  # minutes of sessions against a served dashboard; a 60,000-activity load killed

SESSIONS = 4
PAGE_LOADS_PER_SESSION = 8
RELOADS = 8
AS_OF = "2015-07-31"


def variant(kind: str) -> dict[str, list[dict]]:
    """Two versions of the data that differ in both the row count and the activity KPI."""
    rows = good_rows()
    if kind == "new":
        rows["workplan"].append(dict(rows["workplan"][0], activity_code="1.1.2", activity_title="Second launch"))
    return rows


EXPECTED = {"old": ("12 rows", "1 / 2"), "new": ("13 rows", "2 / 3")}


def etl_load(source: Path, database: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "etl", "load", str(source), "--db", str(database), "--quiet",
                             "--as-of", AS_OF], cwd=REPOSITORY, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


async def read_dashboard(browser, url: str, seen: list, errors: list) -> None:
    page = await browser.new_page(viewport={"width": 1400, "height": 2000})
    for _ in range(PAGE_LOADS_PER_SESSION):
        await page.goto(url)
        await page.get_by_text("Board pack", exact=True).wait_for(timeout=60_000)
        await page.wait_for_function(  # the metrics have drawn
            r"() => /Activities completed\s*\n\s*\d+ \/ \d+/.test(document.body.innerText)", timeout=60_000)
        body = await page.inner_text("body")
        for bad in ("could not be shown", "cannot be read", "Traceback", "No programme data"):
            if bad in body:
                errors.append(bad)
        rows = re.search(r"(\d+) rows, \d+ rejected", body)
        completed = re.search(r"Activities completed\s*\n\s*(\d+ / \d+)", body)
        seen.append((f"{rows.group(1)} rows" if rows else None, completed.group(1) if completed else None))
        if not (rows and completed):
            errors.append("unreadable page: " + body[:1500])
    await page.close()


async def drive_sessions(url: str) -> tuple[list, list]:
    from playwright.async_api import async_playwright
    seen: list = []
    errors: list = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        await asyncio.gather(*(read_dashboard(browser, url, seen, errors) for _ in range(SESSIONS)))
        await browser.close()
    return seen, errors


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is installed by `make test`")
def test_sessions_see_old_or_new_data_never_a_mix_while_the_etl_reloads(tmp_path):
    sources = {}
    for kind in ("old", "new"):
        sources[kind] = tmp_path / kind
        write_template("all", sources[kind] / "report.xlsx", variant(kind))
    database = tmp_path / "warehouse.duckdb"
    run_load([sources["old"]], database, as_of=dt.date.fromisoformat(AS_OF))
    reloads: list[float] = []

    def reload_repeatedly() -> None:
        for number in range(RELOADS):
            started = time.monotonic()
            etl_load(sources["new" if number % 2 == 0 else "old"], database)
            reloads.append(time.monotonic() - started)

    with start_server(database) as url:
        reloader = threading.Thread(target=reload_repeatedly)
        reloader.start()
        started = time.monotonic()
        seen, errors = asyncio.run(drive_sessions(url))
        reloader.join(timeout=300)
        elapsed = time.monotonic() - started
    print(f"{SESSIONS} sessions x {PAGE_LOADS_PER_SESSION} page loads = {len(seen)} page loads in {elapsed:.1f} s "
          f"while {len(reloads)} reloads ran (each {min(reloads):.1f}-{max(reloads):.1f} s): "
          f"{len(errors)} errors; saw old {seen.count(EXPECTED['old'])} times, new {seen.count(EXPECTED['new'])}")
    assert len(reloads) == RELOADS
    assert errors == []
    assert len(seen) == SESSIONS * PAGE_LOADS_PER_SESSION
    assert set(seen) <= set(EXPECTED.values()), f"a page mixed two loads: {set(seen) - set(EXPECTED.values())}"


def test_a_load_killed_part_way_leaves_the_previous_database_intact(tmp_path, write_workbook):
    database = tmp_path / "warehouse.duckdb"
    run_load([write_workbook(good_rows())], database)
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    big = tmp_path / "big.xml"
    with open(big, "w", encoding="utf-8") as handle:
        handle.write("<iati-activities version='2.03'>")
        for n in range(60_000):
            handle.write(f"<iati-activity><iati-identifier>XX-{n}</iati-identifier><transaction><transaction-type "
                         "code='4'/><transaction-date iso-date='2015-01-01'/><value currency='USD' "
                         "value-date='2015-01-01'>1</value></transaction></iati-activity>")
        handle.write("</iati-activities>")
    load = subprocess.Popen([sys.executable, "-m", "etl", "load", str(big), "--db", str(database), "--quiet"],
                            cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".warehouse.duckdb.building-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".warehouse.duckdb.building-*")), "the load never started building"
    time.sleep(0.5)  # let it write part of the new file
    os.kill(load.pid, signal.SIGKILL)
    assert load.wait(timeout=30) == -signal.SIGKILL
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("SELECT count(*) FROM activity_status").fetchone()[0] == 2
    run_load([write_workbook(good_rows(), name="after.xlsx")], database)  # the next load works and tidies up
    assert not list(tmp_path.glob(".warehouse.duckdb.building-*"))
