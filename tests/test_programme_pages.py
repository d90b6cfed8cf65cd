"""The pages and the board pack name the programme the warehouse was built with (issue 13): its titles, board,
phase, review and inception deadline come from the programme file given to the load, never from the code.
MM_PROGRAMME (dashboard) and --programme (pack) refuse a warehouse built with another programme file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from etl.load import run_load
from etl.programme import PROGRAMME_ENVIRONMENT_VARIABLE
from mm_core import formats
from reports import build_board_pack
from reports.__main__ import main as reports_main

from .helpers.pages import as_shown
from .helpers.paths import SAMPLE_AS_OF, SAMPLE_DIR
from .helpers.programme import BUNDLED, changed, write_programme

TITLE = "Another Programme on Migration and Development"
SHORT_TITLE = "Another Joint Programme"
BOARD = "Joint Steering Committee"
PHASE = "Phase Two"
REVIEW = "Final Evaluation"
INCEPTION_DUE = dt.date(2015, 6, 30)


@pytest.fixture(scope="module")
def other_programme(tmp_path_factory) -> Path:
    """The bundled programme under other titles, board, phase name, review and inception deadline."""
    document = changed(title=TITLE, short_title=SHORT_TITLE, board=BOARD)
    document["phases"][0]["name"] = PHASE
    document["recommendations"].update(review=REVIEW, review_date=dt.date(2018, 3, 31))
    for milestone in document["milestones"]:
        milestone["due"] = INCEPTION_DUE
    return write_programme(tmp_path_factory.mktemp("programme") / "other.toml", document)


@pytest.fixture(scope="module")
def other_database(other_programme, tmp_path_factory) -> Path:
    """The bundled sample loaded for the other programme file."""
    path = tmp_path_factory.mktemp("other") / "warehouse.duckdb"
    summary = run_load([SAMPLE_DIR], path, as_of=SAMPLE_AS_OF, programme=other_programme)
    assert summary.rows_rejected == 0
    return path


def captions(app) -> list[str]:
    return [as_shown(caption.value) for caption in app.caption]


def test_the_overview_names_the_programme_of_the_warehouse(app_for, other_database):
    app = app_for(other_database)
    assert not app.exception and not app.error
    assert as_shown(app.title[0].value) == TITLE
    assert captions(app)[0].startswith(f"{SHORT_TITLE}, {PHASE} · period ")
    labels = {metric.label: metric for metric in app.metric}
    # the label stays short enough for a projector; the help and the caption name the phase
    assert labels["Budget delivered to date"].help.startswith(f"{PHASE} to date: ")
    assert labels["Inception completed in year 1"].help == (
        "Programme countries that reached every inception milestone the programme file expects of them by "
        f"{formats.date(INCEPTION_DUE)}; a milestone not reported counts as not reached")
    assert any(f"a PDF and slides of the period for the {BOARD}, formatted" in caption for caption in captions(app))
    assert not any("Phase II" in text or "Global Project Board" in text for text in captions(app))


def test_the_money_and_recommendations_pages_name_the_phase_and_the_review(app_for, other_database):
    app = app_for(other_database, page="app_pages/money.py")
    assert not app.exception and not app.error
    assert f"{PHASE} budget" in [metric.label for metric in app.metric]
    app.switch_page("app_pages/recommendations.py").run()
    assert not app.exception and not app.error
    assert as_shown(app.title[0].value) == f"{REVIEW} recommendations"
    assert captions(app)[0].startswith("Management response and follow-up (review of March 2018) · ")


def test_the_figures_are_those_of_the_sample_under_any_programme_name(app_for, sample_database, other_database):
    """Only the names change: every figure on the overview is the sample's (the inception deadline aside)."""
    figures = []
    for database in (sample_database, other_database):
        app = app_for(database)
        figures.append({metric.label.replace(PHASE, "Phase II"): metric.value for metric in app.metric
                        if metric.label != "Inception completed in year 1"})
    assert figures[0] == figures[1]


def test_mm_programme_refuses_a_warehouse_built_with_another_programme_file(app_for, sample_database, other_programme,
                                                                           monkeypatch):
    monkeypatch.setenv(PROGRAMME_ENVIRONMENT_VARIABLE, str(other_programme))
    app = app_for(sample_database)
    assert not app.exception
    assert not app.metric  # no figure under the wrong programme's names
    [error] = [as_shown(error.value) for error in app.error]
    assert error.startswith("**The database warehouse.duckdb does not match the programme file chosen with "
                            "`MM_PROGRAMME`.** warehouse.duckdb was built with another programme file "
                            "(programme.toml: ")
    assert "than other.toml" in error
    assert str(other_programme.parent) not in error  # the server's folders stay out of the page


def test_mm_programme_naming_the_file_the_warehouse_was_built_with_shows_it(app_for, other_database,
                                                                           other_programme, monkeypatch):
    monkeypatch.setenv(PROGRAMME_ENVIRONMENT_VARIABLE, str(other_programme))
    app = app_for(other_database)
    assert not app.exception and not app.error
    assert as_shown(app.title[0].value) == TITLE


def test_mm_programme_that_cannot_be_read_is_said_on_the_page(app_for, sample_database, tmp_path, monkeypatch):
    monkeypatch.setenv(PROGRAMME_ENVIRONMENT_VARIABLE, str(tmp_path / "missing.toml"))
    app = app_for(sample_database)
    assert not app.exception and not app.metric
    [error] = [as_shown(error.value) for error in app.error]
    assert "programme file missing.toml cannot be read" in error


@pytest.mark.slow
def test_the_board_pack_names_the_programme_and_board_of_the_warehouse(other_database, tmp_path):
    workbook_path, pdf_path, _ = build_board_pack(other_database, "2016/17 H2", tmp_path)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf_path).pages)
    assert f"{BOARD} — board pack" in text
    assert f"{SHORT_TITLE}: {TITLE}" in text
    flat = " ".join(text.split())  # a cell's text wraps over lines
    assert f"{SHORT_TITLE}: {TITLE}, {PHASE} (Feb 2014 – Jan 2018)" in flat
    assert f"{PHASE} to date" in flat
    # the pack's own words (the sample's texts may name Phase II and its board: a unit says "cumulative, Phase II")
    assert [phrase for phrase in ("Phase II to date", "Budget Phase II", "share of the Phase II budget",
                                  "Global Project Board — board pack") if phrase in flat] == []
    cover = openpyxl.load_workbook(workbook_path)["Cover"]
    assert (cover["A1"].value, cover["A2"].value) == (f"{BOARD} — board pack", f"{SHORT_TITLE}: {TITLE}")


def test_the_pack_command_refuses_a_warehouse_built_with_another_programme_file(other_database, tmp_path, capsys):
    arguments = ["board-pack", "--period", "2016/17 H2", "--out", str(tmp_path / "pack"), "--db", str(other_database)]
    assert reports_main([*arguments, "--programme", str(BUNDLED)]) == 1
    error = capsys.readouterr().err
    assert error.startswith(f"error: {other_database} was built with another programme file (other.toml: "
                            f"{SHORT_TITLE}, {TITLE}) than programme.toml")
    assert not (tmp_path / "pack").exists()


def test_the_pack_command_takes_mm_programme_when_no_programme_is_given(other_database, tmp_path, capsys,
                                                                         monkeypatch):
    monkeypatch.setenv(PROGRAMME_ENVIRONMENT_VARIABLE, str(BUNDLED))
    arguments = ["board-pack", "--period", "2016/17 H2", "--out", str(tmp_path / "pack"), "--db", str(other_database)]
    assert reports_main(arguments) == 1
    assert "was built with another programme file" in capsys.readouterr().err


@pytest.mark.slow
def test_the_pack_command_accepts_the_programme_file_the_warehouse_was_built_with(other_database, other_programme,
                                                                                  tmp_path, capsys):
    assert reports_main(["board-pack", "--period", "2016/17 H2", "--out", str(tmp_path), "--db", str(other_database),
                         "--programme", str(other_programme)]) == 0
    assert capsys.readouterr().out.count("Wrote ") == 3  # .xlsx, .pdf and .pptx
