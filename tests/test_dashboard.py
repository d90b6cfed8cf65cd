"""The headline page with streamlit.testing.v1.AppTest: real values from the sample, and explanations
instead of crashes when there is no usable database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def run_app(monkeypatch, database: Path) -> AppTest:
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(database))
    app = AppTest.from_file(APP, default_timeout=30)
    return app.run()


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_overview_shows_the_sample_headline(monkeypatch, sample_database, clear_streamlit_caches):
    app = run_app(monkeypatch, sample_database)
    assert not app.exception
    values = metrics(app)
    assert values["Inception completed in year 1"] == "7 / 8 (87.5%)"
    assert "Status as of 31 July 2017" in app.markdown[0].value
    assert "reporting period **2017/18 H1**" in app.markdown[0].value
    assert sum(int(values[s]) for s in ("On track", "At risk", "Off track", "No data")) == 216
    assert values["Activities completed"].endswith("/ 137")


def test_overview_values_come_from_the_database(monkeypatch, write_workbook, tmp_path, clear_streamlit_caches):
    from etl.load import run_load
    from .conftest import good_rows
    database = tmp_path / "small.duckdb"
    run_load([write_workbook(good_rows())], database, as_of=__import__("datetime").date(2015, 7, 31))
    app = run_app(monkeypatch, database)
    values = metrics(app)
    # 2015/16 H1: indicator 1.1 reached 3 of a target of 4 (at risk), 5.1 reached 3 of 2 (on track)
    assert (values["On track"], values["At risk"], values["Off track"]) == ("1", "1", "0")
    assert values["Activities completed"] == "1 / 2"
    assert values["Budget delivery (spent ÷ budget)"] == f"{(45_000.55 + 10_387.45) / (100_000 + 51_937.25):.1%}"
    assert values["Inception completed in year 1"] == "1 / 1 (100.0%)"


def test_missing_database_explains_how_to_load(monkeypatch, tmp_path, clear_streamlit_caches):
    app = run_app(monkeypatch, tmp_path / "nothing.duckdb")
    assert not app.exception
    assert "No programme data loaded yet" in app.warning[0].value
    assert "make database" in app.warning[0].value
    assert not app.metric


def test_a_file_that_is_not_a_warehouse_is_explained(monkeypatch, tmp_path, clear_streamlit_caches):
    import duckdb
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INTEGER)").close()
    app = run_app(monkeypatch, other)
    assert not app.exception
    assert "cannot be read" in app.error[0].value


def test_garbage_file_is_explained(monkeypatch, tmp_path, clear_streamlit_caches):
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database at all" * 100)
    app = run_app(monkeypatch, garbage)
    assert not app.exception
    assert "cannot be read" in app.error[0].value
