"""The second bundled programme (examples/phase3: calendar years, quarters, three agencies) on every page and in
the board pack (issue 13 item 7): no page fails, and each names the example's own title, board and quarters, and
its years as calendar years, never as programme years."""

from __future__ import annotations

import openpyxl
import pytest
from pypdf import PdfReader

from reports import build_board_pack

from .helpers.pages import PAGES, as_shown

TITLE = "Making Migration Work for Sustainable Development"
BOARD = "Programme Steering Committee"
QUARTER = "2021 Q3"
TRACKER = "app_pages/round_tracker.py"  # follows its own round choice, not the sidebar's period: tested below
EXAMPLE_PAGES = {**{page: shown for page, shown in PAGES.items() if page != TRACKER},
                 "app_pages/overview.py": (TITLE, None), "app_pages/recommendations.py": ("Review recommendations", None)}


def shown_text(app) -> str:
    """Every title, caption, markdown, metric label and info box of a run, as a reader sees them."""
    texts = [element.value for kind in ("title", "subheader", "caption", "markdown", "info") for element in
             app.get(kind)] + [metric.label for metric in app.metric]
    return as_shown("\n".join(str(text) for text in texts)).replace("**", "")


@pytest.mark.parametrize("page", list(EXAMPLE_PAGES))
def test_every_page_shows_the_example_programme(app_for, example_database, page):
    app = app_for(example_database, page=page)
    assert not app.exception, [e.message for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert as_shown(app.title[0].value) == EXAMPLE_PAGES[page][0]
    text = shown_text(app)
    assert f"period {QUARTER}" in text  # the as-of date's quarter is the default period
    assert "money: calendar year 2021" in text
    assert "programme year" not in text.lower()
    assert "Phase II " not in text and "Phase II," not in text


def test_the_overview_names_the_example_board_and_quarter_choices(app_for, example_database):
    app = app_for(example_database)
    assert BOARD in shown_text(app)
    period = app.session_state["filter_period"]
    assert period == QUARTER
    app.session_state["chosen_period"] = "Year 2021"
    app.run()
    assert not app.exception and "period 2021 Q3" in shown_text(app)


@pytest.fixture(scope="module")
def example_pack(example_database, tmp_path_factory):
    return build_board_pack(example_database, QUARTER, tmp_path_factory.mktemp("example-pack"))


def test_the_board_pack_is_built_for_a_quarter_of_the_example(example_pack):
    workbook_path, pdf_path, _ = example_pack
    cells = [str(value) for sheet in openpyxl.load_workbook(workbook_path)
             for row in sheet.iter_rows(values_only=True) for value in row if value is not None]
    assert f"{BOARD} — board pack" in cells
    assert "Finance summary (USD)" in cells
    assert any(cell.startswith("By output: calendar year 2021 and ") for cell in cells)
    assert f"Results matrix, {QUARTER}" in cells
    assert not any("programme year" in cell.lower() for cell in cells)
    text = " ".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert BOARD in text and QUARTER in text and TITLE in text


def test_the_round_tracker_follows_the_example_quarters_and_countries(app_for, example_database):
    app = app_for(example_database, page=TRACKER)
    assert not app.exception and not app.error
    assert app.selectbox(key="tracker_round").value == "2021 Q3"  # the last quarter ended by the as-of date
    assert app.selectbox(key="tracker_round").options[:2] == ["2019 Q1", "2019 Q2"]
    assert "Due 30 October 2021: 30 days after the period ends" in app.caption[0].value
    assert next(m.value for m in app.metric if m.label == "Approved") == "0 / 48"  # 11 countries and GLOBAL × 4
