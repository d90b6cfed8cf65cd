"""A reporting round walked in a real browser by three users, signed in with the secrets file's users: a country
office submits its corrected workbook, the PMU returns it with a comment, the office reads the comment and
resubmits, the PMU approves (the board's warehouse is rebuilt), and a viewer sees the new figure and the
restated value, with who submitted it, on the What changed page."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest

from bench.serve import CHROMIUM, CHROMIUM_ARGS, REPOSITORY, script_finished, serve_app
from etl import records
from etl.load import run_load
from mm_core import access

from .helpers.paths import SAMPLE_AS_OF, SAMPLE_DIR

pytestmark = pytest.mark.slow  # a real browser against a served dashboard, and two rebuilds of the warehouse

PASSWORD = "a round, walked"
USERS = {"office": ("country office", ["MAR"]), "pmu": ("editor", None), "board": ("viewer", None)}
ROUND = "2017/18 H1"
COMMENT = "The 2015/16 H2 count of NPB meetings does not match the minutes: please check it."
# MAR.xlsx, Results matrix: indicator 1.1 (National Project Board meetings), rows by period
RESTATED_ROW, NEW_ROW, ACTUAL_COLUMN = 5, 8, "M"  # 2015/16 H2 (3 reported) and 2017/18 H1 (7 reported)
TIMEOUT = 120_000
OUTPUT = REPOSITORY / "test-output" / "rounds"


def secrets_file(home: Path) -> None:
    lines = []
    for name, (role, countries) in USERS.items():
        lines += [f"[auth_users.{name}]", f'password_hash = "{access.password_hash(PASSWORD, iterations=1_000)}"',
                  f'role = "{role}"']
        lines += [f"countries = {countries!r}".replace("'", '"')] if countries else []
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def corrected_morocco(target: Path) -> Path:
    """MAR.xlsx as the office sends it: a past period's actual corrected (3 → 4 meetings) and this round's figure
    (7 → 8)."""
    workbook = openpyxl.load_workbook(SAMPLE_DIR / "MAR.xlsx")
    sheet = workbook["Results matrix"]
    assert (sheet[f"K{RESTATED_ROW}"].value, sheet[f"{ACTUAL_COLUMN}{RESTATED_ROW}"].value) == ("2015/16 H2", 3)
    assert (sheet[f"K{NEW_ROW}"].value, sheet[f"{ACTUAL_COLUMN}{NEW_ROW}"].value) == (ROUND, 7)
    sheet[f"{ACTUAL_COLUMN}{RESTATED_ROW}"] = 4
    sheet[f"{ACTUAL_COLUMN}{NEW_ROW}"] = 8
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def sign_in(browser, url: str, name: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1400})
    page.goto(url)
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(f"Signed in as {name}").wait_for(timeout=TIMEOUT)
    return page


def finished(page) -> None:
    script_finished(page, TIMEOUT)


def go_to(page, title: str, marker: str) -> None:
    """Open a page from the sidebar (a reload would start a new session, signed out)."""
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.click()
    page.get_by_text(marker).first.wait_for(timeout=TIMEOUT)
    finished(page)


def open_submissions(page, url: str) -> None:
    go_to(page, "Overview", "Inception completed")  # leave the page, so that it is drawn afresh
    go_to(page, "Submissions", "Reporting round")


def send(page, workbook: Path) -> None:
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(workbook))
    page.get_by_text("Rows that would load").wait_for(timeout=TIMEOUT)
    finished(page)
    page.get_by_role("button", name="Submit").click()
    page.get_by_text(f"Submitted 1 file(s) for {ROUND}").wait_for(timeout=TIMEOUT)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is installed by `make test`")
def test_a_round_from_submission_to_the_boards_change_list(tmp_path):
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(parents=True, exist_ok=True)
    base = tmp_path / "base"
    shutil.copytree(SAMPLE_DIR, base, ignore=shutil.ignore_patterns("AS_OF", "README.md"))
    database = tmp_path / "warehouse.duckdb"
    run_load([base], database, as_of=SAMPLE_AS_OF)
    home = tmp_path / "home"
    secrets_file(home)
    sent = corrected_morocco(tmp_path / "office" / "MAR.xlsx")

    environment = {"MM_DB_PATH": str(database), "HOME": str(home), "MM_INBOX_DIR": str(tmp_path / "inbox")}
    with serve_app(REPOSITORY / "dashboard.py", environment) as (url, server), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        office = sign_in(browser, url, "office")
        assert "Upload" not in office.locator('[data-testid="stSidebarNav"]').inner_text()
        open_submissions(office, url)
        send(office, sent)

        pmu = sign_in(browser, url, "pmu")
        open_submissions(pmu, url)
        pmu.get_by_label("Comment on the file").first.fill(COMMENT)
        pmu.get_by_role("button", name="Return").first.click()
        pmu.get_by_text("was returned with your comments").wait_for(timeout=TIMEOUT)

        open_submissions(office, url)
        office.get_by_text(COMMENT).first.wait_for(timeout=TIMEOUT)  # the reviewer's comment, to the office
        assert "returned" in office.inner_text("body")
        send(office, sent)  # answers the returned one (the default)

        open_submissions(pmu, url)
        pmu.get_by_role("button", name="Approve").first.click()
        pmu.get_by_text("was approved").wait_for(timeout=TIMEOUT)
        assert server.poll() is None

        board = sign_in(browser, url, "board")
        assert "Submissions" not in board.locator('[data-testid="stSidebarNav"]').inner_text()
        go_to(board, "What changed", "Values restated for periods already reported")
        board.wait_for_function("""() => [...document.querySelectorAll("[data-testid='stDataFrame'] table")]
                                       .some(table => table.innerText.includes('2015/16 H2'))""", timeout=TIMEOUT)
        rows = board.evaluate("""() => [...document.querySelectorAll("[data-testid='stDataFrame'] table tr")]
            .map(row => [...row.querySelectorAll('th, td')].map(cell => cell.textContent.trim()))""")
        restated = [row for row in rows if "2015/16 H2" in row]
        assert restated == [["1.1", "MAR", "2015/16 H2", "actual", "3", "4", "MAR.xlsx", "Results matrix", "5",
                             "office"]], rows
        board.screenshot(path=str(OUTPUT / "what-changed-after-the-round.png"), full_page=True)
        body = board.inner_text("body")
        assert "Traceback" not in body and "could not be shown" not in body
        browser.close()

    with records.connect(database) as connection:
        states = [row[0] for row in connection.execute("SELECT state FROM submissions ORDER BY id")]
        trail = [tuple(row) for row in connection.execute("SELECT actor, action FROM audit ORDER BY id")]
    assert states == ["replaced", "approved"]  # nothing deleted: the returned file stays, answered
    assert [entry for entry in trail if entry[0] in USERS] == [
        ("office", "submitted"), ("pmu", "returned"), ("office", "submitted"), ("office", "replaced"),
        ("pmu", "loaded"), ("pmu", "approved")]
    with duckdb.connect(str(database), read_only=True) as connection:
        actual = connection.execute("SELECT actual FROM results WHERE country = 'MAR' AND indicator_code = '1.1' "
                                    "AND period IN ('2015/16 H2', ?) ORDER BY period", [ROUND]).fetchall()
    assert [float(value) for (value,) in actual] == [4.0, 8.0]  # the board's warehouse has the office's figures
