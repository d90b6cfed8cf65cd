"""Text from workbooks, reference data, the programme file and links is shown literally, in a real browser, on
every page.

Every text field of a workbook, the country names of the reference data, and the titles, board, phase, review,
regions, lead partners and output titles of the programme file hold Markdown and
HTML payloads (an image that would call home, a phishing link, colour, raw HTML, bare links) and some are
very long. On every page: no element points at the payload's host, the browser asks that host for nothing,
and the payload is visible as typed."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.serve import CHROMIUM, CHROMIUM_ARGS, script_finished, serve_dashboard, wait_for_charts
from etl.load import run_load
from etl.reference import REFERENCE_DIR

from .helpers.programme import bundled, country, result, write_programme
from .helpers.rows import good_rows

pytestmark = pytest.mark.slow  # a real browser against a served dashboard (make test-fast leaves it out)

HOST = "payload.test"
PAYLOAD = (f"![t](http://{HOST}/track.png) [Session expired: sign in again](http://{HOST}/login) "
           f":red[**Data withdrawn by donor**] <img src=http://{HOST}/x.png> <b>bold</b> "
           f"<a href='http://{HOST}/a'>a</a> www.{HOST} me@{HOST} <http://{HOST}/angle> $x^2$ :smile:")
LONG = " and so on" * 3_000  # 30,000 characters: nearly Excel's limit for one cell
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"


def payload(field: str, long: bool = False) -> str:
    """The payload, led by a marker naming the field (to find it on the page)."""
    return f"{field.upper()}-MARK {PAYLOAD}" + (LONG if long else "")


def payload_rows() -> dict[str, list[dict]]:
    rows = good_rows()
    for row in rows["results"]:
        row.update(indicator_title=payload("indicator title", long=True), unit=payload("unit"),
                   means_of_verification=payload("verification"),
                   indicator_code=row["indicator_code"] + " | " + payload("code"))
    for row in rows["results"]:
        if row["country"] == "Jamaica":  # one adjusted baseline, the same on each of its rows
            row.update(baseline_adjusted=1, baseline_adjustment_note=payload("adjustment"))
    for row in rows["workplan"]:
        row.update(activity_title=payload("activity", long=True), activity_code=row["activity_code"] + " <b>x</b>")
    for row in rows["expenditure"]:
        row.update(comment=payload("comment"), expenditure=row["budget"] * 2)  # overspent: the comment is shown
    rows["milestones"][0].update(milestone=payload("milestone"))
    # a line break in a cell is read as a space: the text is one line
    rows["narrative"] = [dict(country="Jamaica", output_code="Output 1", period=period, kind=kind,
                              text=payload(f"narrative {kind}", long=kind == "achievement") + "\nsecond line")
                         for period in ("2014/15 H2", "2015/16 H1")
                         for kind in ("achievement", "challenge", "next period plan", "decision needed")]
    rows["recommendations"] = [dict(number=1, title=payload("recommendation"), detail=payload("detail"),
                                    addressee="HQs", phase="II", management_response=payload("response"),
                                    responsible_unit=payload("unit responsible"), due_date=dt.date(2015, 1, 31),
                                    status="in progress", progress_notes=payload("notes"))]
    return rows


def payload_reference(folder: Path) -> Path:
    """The shipped reference data with payloads in Jamaica's name and, in the programme file, in the
    programme's titles and board, the phase's name, the review, Jamaica's region and lead partner and every
    output's title."""
    shutil.copytree(REFERENCE_DIR, folder)
    with open(folder / "countries.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["iso3"] == "JAM":
            row.update(name=payload("country name"), aliases="Jamaica")
    with open(folder / "countries.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    programme = bundled()
    programme["programme"].update(title=payload("programme title"), short_title=payload("short title"),
                                  board=payload("board"))
    programme["phases"][0]["name"] = payload("phase name")
    programme["recommendations"]["review"] = payload("review")
    country(programme, "JAM").update(region=payload("region"), government_lead=payload("lead partner"))
    for code in "1234567":
        result(programme, code)["title"] = payload(f"output {code} title")
    write_programme(folder / "programme.toml", programme)
    return folder


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("payloads")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MM_REFERENCE_DIR", str(payload_reference(folder / "reference")))
        from etl.templates import write_template
        workbook = write_template("all", folder / "payloads.xlsx", payload_rows())
        patch.setenv("MM_INBOX_DIR", str(folder / "inbox"))  # the Upload page's, not the repository's
        database = folder / "warehouse.duckdb"
        summary = run_load([workbook], database, as_of=dt.date(2015, 7, 31))
        assert summary.rows_rejected == 0, [p.message for r in summary.rejected for p in r.problems]
        with serve_dashboard(database, start_timeout=60) as (url, _):
            yield url, workbook


PAGES = [  # url, a marker that shows the page's data has drawn, markers that must be visible as typed
    ("/?country=JAM&period=2015/16+H1", "Indicators,",
     ["COUNTRY NAME-MARK", "PROGRAMME TITLE-MARK", "SHORT TITLE-MARK", "PHASE NAME-MARK", "BOARD-MARK"]),
    ("/outputs?country=JAM&period=2015/16+H1", "OUTPUT 1 TITLE-MARK",
     ["OUTPUT 1 TITLE-MARK", "NARRATIVE ACHIEVEMENT-MARK"]),  # tables are drawn on a canvas: not in the text
    ("/indicators?country=JAM&period=2015/16+H1", "Trajectory of one indicator", ["INDICATOR TITLE-MARK"]),
    ("/countries?country=JAM&period=2015/16+H1", "Flash report",
     ["COUNTRY NAME-MARK", "REGION-MARK", "LEAD PARTNER-MARK", "NARRATIVE CHALLENGE-MARK",
      "NARRATIVE DECISION NEEDED-MARK"]),
    ("/workplan", "All activities shown", []),
    ("/money", "Expenditure lines,", ["PHASE NAME-MARK"]),
    ("/recommendations", "REVIEW-MARK", ["REVIEW-MARK", "RECOMMENDATION-MARK"]),
    ("/data-quality", "Reporting completeness", []),
    ("/?country=" + "x" * 5_000 + PAYLOAD.replace("&", "%26").replace("#", "%23"), "Indicators,", []),
]


def visible_text(page) -> str:
    """The page's text as shown (the word joiners that break autolinks are invisible)."""
    return page.inner_text("body").replace("\u2060", "")


def links_to_payload_host(page) -> list[str]:
    return page.eval_on_selector_all(
        "a[href], img[src], [src], [href], [srcset]",
        f"els => els.map(e => e.outerHTML.slice(0, 200)).filter(html => html.includes('{HOST}'))")


UPLOAD_NAME = f"[Session expired](http:{HOST}) ![t](http:{HOST}) :red[x] <i>b.xlsx"  # no "/" in a file name


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is installed by `make test`")
def test_no_payload_becomes_markup_on_any_page(payload_server, tmp_path):
    from playwright.sync_api import sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    server, workbook = payload_server
    requested: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 2400})
        page.on("request", lambda request: requested.append(request.url)
                if (urlsplit(request.url).hostname or "").endswith(HOST) else None)
        for path, ready, markers in PAGES:
            page.goto(server + path)
            page.get_by_text(ready, exact=False).first.wait_for(timeout=60_000)
            wait_for_charts(page, 1 if path.startswith(("/?", "/outputs", "/indicators", "/workplan", "/money"))
                            else 0)
            # the script has run to its end before the expanders are opened (under load, one drawn late was missed)
            script_finished(page)
            for summary in page.locator("[data-testid='stExpander'] summary").all():
                summary.click()  # narrative and detail sit in expanders
            page.wait_for_timeout(300)
            text = visible_text(page)
            assert "could not be shown" not in text and "Traceback" not in text, path
            assert links_to_payload_host(page) == [], path
            for marker in markers:
                assert f"{marker} {PAYLOAD}" in text, (path, marker)
            if "NARRATIVE ACHIEVEMENT-MARK" in markers:  # a long text is shown whole
                assert f"NARRATIVE ACHIEVEMENT-MARK {PAYLOAD}{LONG} second line" in text
            name = path.strip("/").split("?")[0] or "overview"
            page.screenshot(path=str(OUTPUT / f"payloads-{name}.png"), full_page=False)
        # the last link carried 5,000 characters and the payload in ?country=: echoed literally, cut short
        ignored = page.locator("[data-testid='stSidebar']").get_by_text("Ignored from the link").inner_text()
        assert ignored.replace("\u2060", "").startswith("Ignored from the link: country=xxxx")
        assert len(ignored) < 120
        # the Upload page: the workbook again, under a name that is itself a payload
        upload = tmp_path / UPLOAD_NAME
        upload.write_bytes(workbook.read_bytes())
        page.goto(server + "/upload")
        page.get_by_text("Upload workbooks").first.wait_for(timeout=60_000)
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_text("Rows that would load").wait_for(timeout=120_000)
        text = visible_text(page)
        assert f"{UPLOAD_NAME} is stored as" in text
        assert links_to_payload_host(page) == []
        page.screenshot(path=str(OUTPUT / "payloads-upload.png"), full_page=False)
        browser.close()
    assert requested == []
