"""No table shows a database column name or the word 'None': every column of every table on every page has a
header in words, and a missing value is shown as a dash (mm_dashboard.ui.table)."""

from __future__ import annotations

import json
import re

import pytest

from mm_dashboard import ui

from .helpers.pages import PAGES, as_shown

RAW_NAME = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$|^[a-z]+$")  # output_code, is_overspent, country, name


@pytest.mark.parametrize("page", list(PAGES))
def test_every_table_has_headers_in_words_and_a_dash_for_missing_values(app_for, sample_database, page):
    app = app_for(sample_database, query={"period": "2016/17 H2"}, page=page)
    assert not app.exception
    for table in app.dataframe:
        config = json.loads(table.proto.columns or "{}")
        for column in table.value.columns:
            label = config.get(str(column), {}).get("label")
            assert label, f"{page}: column {column!r} has no header"
            assert not RAW_NAME.match(label), f"{page}: column {column!r} headed {label!r}"
        assert table.proto.placeholder == "—", page


def test_tables_named_in_other_scripts_each_get_their_download():
    """Two tables whose names differ only in Cyrillic (an indicator's split by Пол and by Возраст): each has its
    own button (a shared key stopped the page) and a file named with its words."""
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd

        from mm_dashboard import ui

        for dimension in ("Пол", "Возраст"):
            ui.table(pd.DataFrame({"category": ["a"], "actual": [1]}), f"split 1.1 KGZ 2015/16 H1 {dimension}")

    app = AppTest.from_function(script).run()
    assert not app.exception
    buttons = app.get("download_button")
    assert [as_shown(button.proto.label) for button in buttons] == [
        "Download split 1.1 KGZ 2015/16 H1 Пол (CSV)", "Download split 1.1 KGZ 2015/16 H1 Возраст (CSV)"]
    assert len({button.proto.id for button in buttons}) == 2
    assert ui.file_stem("split 1.1 KGZ 2015/16 H1 Пол") == "split-1-1-kgz-2015-16-h1-пол"
