"""The board pack and the history: making a pack writes 'exported' in the audit trail with the build it was made
from; the next pack, after a restatement, lists it under "Changes since the last pack" (workbook, PDF, slides)."""

from __future__ import annotations

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from etl import history, records
from etl.load import run_load
from reports import build_board_pack

from .helpers.inputs_history import (NEW_ACTUAL, OLD_ACTUAL, RESTATED_INDICATOR, RESTATED_PERIOD, restate_morocco,
                                     sample_copy)
from .helpers.pack import rows_of
from .helpers.paths import SAMPLE_AS_OF

PERIOD = "2016/17 H2"
STEM = "board-pack-2016-17-H2"


def audit_rows(database):
    with records.connect(database) as connection:
        return [tuple(row) for row in connection.execute("SELECT actor, action, object, detail FROM audit "
                                                         "WHERE action = 'exported' ORDER BY id")]


@pytest.fixture(scope="module")
def two_packs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packs")
    database = folder / "warehouse.duckdb"
    run_load([sample_copy(folder / "a")], database, as_of=SAMPLE_AS_OF)
    first_build = history.current_load_id(database)
    first = build_board_pack(database, PERIOD, folder / "first", actor="Board secretary")
    exported_first = audit_rows(database)
    restate_morocco(sample_copy(folder / "b"))
    run_load([folder / "b"], database, as_of=SAMPLE_AS_OF)
    second = build_board_pack(database, PERIOD, folder / "second", actor="Board secretary")
    return database, first_build, history.current_load_id(database), exported_first, first, second


@pytest.mark.slow
def test_making_a_pack_writes_exported_with_its_build(two_packs):
    database, first_build, second_build, exported_first, _, _ = two_packs
    assert exported_first == [("Board secretary", "exported", f"build {first_build}", f"{kind}: {STEM}.{kind}")
                              for kind in ("xlsx", "pdf", "pptx")]
    assert [row[2] for row in audit_rows(database)] == [f"build {first_build}"] * 3 + [f"build {second_build}"] * 3


@pytest.mark.slow
def test_the_first_pack_says_there_is_no_earlier_pack(two_packs):
    workbook = openpyxl.load_workbook(two_packs[4][0])
    texts = [cell for row in rows_of(workbook["Changes"]) for cell in row if isinstance(cell, str)]
    assert "Changes since the last pack" in texts
    assert any(text.startswith("No earlier board pack was made from another build") for text in texts)


@pytest.mark.slow
def test_the_second_pack_lists_the_restated_value(two_packs):
    database, first_build, second_build, _, _, (xlsx, pdf, slides) = two_packs
    sheet = openpyxl.load_workbook(xlsx)["Changes"]
    texts = [cell for row in rows_of(sheet) for cell in row if isinstance(cell, str)]
    assert any(text.startswith("Since the last pack, made on ") and f"from build {first_build} (this pack: build "
               f"{second_build})" in text for text in texts)
    rows = rows_of(sheet)
    start = next(i for i, row in enumerate(rows) if row[:4] == ("Indicator", "Country", "Period", "Field"))
    restated = [dict(zip(rows[start], row)) for row in rows[start + 1:] if row[0] is not None]
    restated = restated[:next((i for i, r in enumerate(restated) if r["Field"] is None), len(restated))]
    assert [{k: r[k] for k in ("Indicator", "Country", "Period", "Field", "Before", "Now", "Submitted by")}
            for r in restated] == [{"Indicator": RESTATED_INDICATOR, "Country": "MAR", "Period": RESTATED_PERIOD,
                                    "Field": "actual", "Before": OLD_ACTUAL, "Now": NEW_ACTUAL,
                                    "Submitted by": f"loaded by {records.system_user()}"}]
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Changes since the last pack" in text and "Values restated for periods already reported" in text
    slide_texts = [shape.text_frame.text for slide in Presentation(slides).slides for shape in slide.shapes
                   if shape.has_text_frame]
    assert "Changes since the last pack" in slide_texts


@pytest.mark.slow
def test_the_overview_records_a_download_not_the_preparing_of_a_pack(app_for, write_workbook, database):
    from mm_dashboard import ui

    from .helpers.rows import good_rows

    run_load([write_workbook(good_rows())], database)
    app = app_for(database, {"period": "2014/15 H2"})
    app.button(key="board_pack_button").click().run()
    assert not app.exception
    assert app.get("download_button")
    assert audit_rows(database) == []  # prepared and shown, given to nobody yet
    ui.record_pack_download(history.current_load_id(database), "board-pack-2014-15-H2.pdf")  # the button's on_click
    assert audit_rows(database) == [("local user", "exported", f"build {history.current_load_id(database)}",
                                     "pdf: board-pack-2014-15-H2.pdf")]
