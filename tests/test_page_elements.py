"""What pages send on every run, kept small for speed (issue 7) without changing what a viewer sees."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pyarrow as pa

from mm_dashboard import ui

from .helpers.pages import as_shown


def test_an_outputs_narrative_is_one_element_with_every_latest_entry(app_for, sample_database):
    app = app_for(sample_database, page="app_pages/outputs.py")
    expander = next(e for e in app.expander if e.label.startswith("Latest narrative for Output 1 "))
    period = expander.label.split("(")[1].rstrip(")")
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        entries = connection.execute("SELECT country, kind, text FROM narrative WHERE output_code = '1' AND period = ? "
                                     "AND kind IN ('achievement', 'challenge')", [period]).fetchall()
    assert len(expander.markdown) == 1
    paragraphs = [as_shown(paragraph) for paragraph in expander.markdown[0].value.split("\n\n")]
    assert sorted(paragraphs) == sorted(f"**{country} — {kind}:** {text}" for country, kind, text in entries)


def test_a_table_sends_dates_as_dates_and_keeps_times(app_for, sample_database):
    app = app_for(sample_database, page="app_pages/workplan.py")
    table = pa.ipc.open_stream(app.dataframe[-1].proto.arrow_data.data).read_all()
    assert table.schema.field("planned_end").type == pa.date32()
    app = app_for(sample_database, page="app_pages/data_quality.py")
    log = next(frame.proto for frame in app.dataframe if "sha256" in frame.value.columns)
    assert pa.types.is_timestamp(pa.ipc.open_stream(log.arrow_data.data).read_all().schema.field("loaded_at").type)


def test_a_table_and_its_csv_show_dates_without_a_time():
    frame = pd.DataFrame({"due": pd.to_datetime(["2016-01-31", None]),
                          "at": pd.to_datetime(["2016-01-31 10:30", None])})
    shown = ui.with_dates(frame)
    assert pd.api.types.is_datetime64_dtype(frame["due"])  # the caller's frame is untouched
    assert shown["due"].tolist()[0] == dt.date(2016, 1, 31)
    assert shown["at"].dtype == frame["at"].dtype
    assert ui.safe_csv(shown).decode("utf-8-sig").splitlines() == ["due,at", "2016-01-31,2016-01-31 10:30:00", ","]


def test_metric_amounts_stay_short_at_every_scale():
    from mm_dashboard import ui

    assert ui.usd_short(822_771.0) == "US$ 822,771"
    assert ui.usd_short(4_500_000) == "US$ 4.50 M"
    assert ui.usd_short(25_444_120_000.5) == "US$ 25.44 bn"  # a portfolio's budget: no truncated metric
    assert ui.usd_short(None) == "—"
