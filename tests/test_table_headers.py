"""No table shows a database column name or the word 'None': every column of every table on every page has a
header in words, and a missing value is shown as a dash (mm_dashboard.ui.table)."""

from __future__ import annotations

import json
import re

import pytest

from .helpers.pages import PAGES

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
