"""A real browser uploads a 1.5 KB workbook that makes the reader abort: the page says so, the server
goes on serving, and no upload folder is left behind."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from bench.serve import CHROMIUM, CHROMIUM_ARGS, serve_dashboard, wait_for_charts

from .helpers.loading import huge_range_workbook

pytestmark = pytest.mark.slow  # a real browser against a served dashboard (make test-fast leaves it out)

MESSAGE = ("This upload cannot be checked. Checking huge.xlsx needed more than 6,144 MB of memory "
           "(MM_UPLOAD_MAX_MEMORY_MB) and was stopped: nothing was loaded and the previous database is unchanged.")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is installed by `make test`")
def test_a_workbook_that_crashes_the_reader_is_refused_and_the_server_goes_on(sample_database, tmp_path,
                                                                              monkeypatch):
    from playwright.sync_api import sync_playwright

    server_temp = tmp_path / "server-tmp"
    server_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(server_temp))  # the server's (and so its children's) temporary folder
    monkeypatch.setenv("MM_MAX_CELLS", "1000000000000000")  # past the ETL's cell budget, to the reader itself
    monkeypatch.setenv("MM_INBOX_DIR", str(tmp_path / "inbox"))
    hostile = huge_range_workbook(tmp_path / "huge.xlsx")
    assert hostile.stat().st_size < 1600
    with serve_dashboard(sample_database, start_timeout=60) as (url, server):
        monkeypatch.delenv("TMPDIR")  # chromium keeps its own files where it always does
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.goto(f"{url}/upload")
            page.get_by_text("Upload workbooks").first.wait_for(timeout=60_000)
            page.locator("input[type=file]").set_input_files(str(hostile))
            page.get_by_text("needed more than").wait_for(timeout=60_000)
            body = page.inner_text("body")
            assert MESSAGE in body
            assert str(tmp_path) not in body and "Traceback" not in body
            assert server.poll() is None
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
                assert response.status == 200
            page.goto(url)
            page.get_by_text("Inception completed in year 1").wait_for(timeout=60_000)
            wait_for_charts(page, 1)
            browser.close()
    assert [p.name for p in server_temp.iterdir() if p.name.startswith("mm-upload-")] == []
