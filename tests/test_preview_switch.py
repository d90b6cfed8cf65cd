"""The preview switch: an editor may read the preview warehouse (built with submissions not yet approved)
instead of the Board's; every page then says so at its top and the board pack is not offered. Anyone else
reads the Board's warehouse, whatever their session state says (db.py checks the role where it opens the file)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE, records
from etl.load import run_load
from etl.records import RECORDS_ENVIRONMENT_VARIABLE
from mm_dashboard import db, ui

from .helpers.pages import OFFICE_USERS, sign_in
from .helpers.paths import APP, SAMPLE_AS_OF, SAMPLE_DIR

ADDED = 1_000_000  # US$ added to Morocco's Output 1 UNDP budget for 2017 in the preview's inputs


@pytest.fixture(scope="module")
def warehouses(sample_database, tmp_path_factory) -> tuple[Path, Path]:
    """The Board's warehouse (the sample) and, beside it, a preview built from the sample with one value edited."""
    folder = tmp_path_factory.mktemp("preview")
    board = folder / "warehouse.duckdb"
    shutil.copy(sample_database, board)
    inputs = folder / "inputs"
    shutil.copytree(SAMPLE_DIR, inputs)
    workbook = openpyxl.load_workbook(inputs / "MAR.xlsx")
    sheet = workbook["Expenditure"]
    edited = [row for row in sheet.iter_rows(min_row=2)
              if [cell.value for cell in row[1:4]] == ["Output 1", "UNDP", 2017]]
    assert len(edited) == 1
    edited[0][4].value += ADDED  # Budget
    workbook.save(inputs / "MAR.xlsx")
    run_load([inputs], records.preview_path(board), as_of=SAMPLE_AS_OF)
    return board, records.preview_path(board)


@pytest.fixture
def session(monkeypatch, warehouses, tmp_path, clear_streamlit_caches):
    """session(name, password, preview) -> the Overview as that user sees it, the preview chosen or not."""
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(warehouses[0]))
    monkeypatch.setenv(RECORDS_ENVIRONMENT_VARIABLE, str(tmp_path / "records"))

    def make(name: str, password: str, preview: bool | None = None) -> AppTest:
        test = AppTest.from_file(APP, default_timeout=60)
        test.secrets["auth_users"] = OFFICE_USERS
        test = sign_in(test.run(), name, password)
        if preview is not None:  # as the toggle sets it, or as a hand-made request would
            test.session_state[db.PREVIEW_CHOICE] = preview
            test = test.run()
        return test
    return make


def budget_help(test: AppTest) -> str:
    return next(metric.help for metric in test.metric if metric.label.startswith("Budget 20"))


def banners(test: AppTest) -> list[str]:
    return [warning.value for warning in test.warning if warning.value == ui.PREVIEW_BANNER]


def test_an_editor_who_chooses_the_preview_sees_its_values_and_the_banner(session):
    board = session("alice", "alice-secret")
    assert not banners(board)
    assert board.toggle(key=db.PREVIEW_CHOICE).value is False  # offered: a preview exists and alice is an editor
    preview = session("alice", "alice-secret", preview=True)
    assert banners(preview) == [ui.PREVIEW_BANNER]
    board_budget = float(budget_help(board).replace("US$", "").replace(",", ""))
    assert budget_help(preview) == ui.usd(board_budget + ADDED)
    assert "board_pack_button" not in [b.key for b in preview.button]  # the pack is the Board's: not offered
    assert "made from the Board's warehouse only" in preview.info[-1].value


def test_the_banner_is_on_every_page_of_the_preview(session):
    test = session("alice", "alice-secret", preview=True)
    for page in ("app_pages/money.py", "app_pages/data_quality.py", "app_pages/countries.py"):
        test.switch_page(page).run()
        assert banners(test) == [ui.PREVIEW_BANNER], page


@pytest.mark.parametrize("name, password", [("victor", "victor-secret"), ("olga", "olga-secret")])
def test_a_viewer_or_country_office_never_reads_the_preview_even_with_the_state_set_by_hand(session, name, password):
    board = session("alice", "alice-secret")
    test = session(name, password, preview=True)
    assert not banners(test)
    assert budget_help(test) == budget_help(board)
    assert not [toggle for toggle in test.toggle if toggle.key == db.PREVIEW_CHOICE]
    assert [b for b in test.button if b.key == "board_pack_button"]


def test_without_a_preview_the_editor_is_not_offered_one(session, warehouses, monkeypatch, tmp_path):
    alone = tmp_path / "alone.duckdb"
    shutil.copy(warehouses[0], alone)
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(alone))
    test = session("alice", "alice-secret", preview=True)
    assert not banners(test) and not [toggle for toggle in test.toggle if toggle.key == db.PREVIEW_CHOICE]
