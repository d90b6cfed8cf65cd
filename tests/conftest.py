"""Shared fixtures: workbooks written from the templates, built databases, clean Streamlit caches, pages
under AppTest, a database to keep. Functions and constants shared by tests are in tests/helpers/."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE
from etl.load import run_load, write_reference
from etl.schema import create_schema
from etl.reference import load_reference
from etl.rules import Rules
from etl.templates import write_template

from .helpers.loading import sha256
from .helpers.paths import APP, EXAMPLE_AS_OF, EXAMPLE_DIR, EXAMPLE_PROGRAMME, SAMPLE_AS_OF, SAMPLE_DIR
from .helpers.rows import good_rows


@pytest.fixture
def write_workbook(tmp_path):
    """write_workbook(rows_by_kind, name=...) -> path of a filled template."""
    def write(rows_by_kind: dict[str, list[dict]], name: str = "report.xlsx", kind: str = "all") -> Path:
        return write_template(kind, tmp_path / name, rows_by_kind)
    return write


@pytest.fixture
def database(tmp_path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture(scope="session")
def sample_database(tmp_path_factory) -> Path:
    """The bundled sample loaded once into a fresh database."""
    path = tmp_path_factory.mktemp("sample") / "warehouse.duckdb"
    run_load([SAMPLE_DIR], path, as_of=SAMPLE_AS_OF)
    return path


@pytest.fixture
def building_rules():
    """A database being built, in memory, as a load has it before any file (its schema, the bundled programme
    and reference, plus a dimension 'sex' of female and male), with its Rules (etl/rules.py: the staging tables,
    the rates): (connection, rules)."""
    connection = duckdb.connect()
    create_schema(connection)
    reference = load_reference()
    write_reference(connection, reference)
    connection.execute("INSERT INTO dimensions VALUES ('sex', 'Sex', ['female', 'male'], 0)")
    yield connection, Rules(connection, reference)
    connection.close()


@pytest.fixture(scope="session")
def example_database(tmp_path_factory) -> Path:
    """The second bundled programme (examples/phase3) loaded once with its own programme file."""
    path = tmp_path_factory.mktemp("example") / "warehouse.duckdb"
    run_load([EXAMPLE_DIR / "sample"], path, as_of=EXAMPLE_AS_OF, programme=EXAMPLE_PROGRAMME)
    return path


@pytest.fixture
def clear_streamlit_caches():
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_for(monkeypatch, clear_streamlit_caches):
    def make(database: Path, query: dict | None = None, page: str | None = None) -> AppTest:
        monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(database))
        app = AppTest.from_file(APP, default_timeout=60)
        app.query_params.update(query or {})
        app.run()
        if page:
            app.switch_page(page).run()
        return app
    return make


@pytest.fixture
def existing(write_workbook, database) -> tuple[Path, str]:
    """A database already built from good data, and its hash."""
    run_load([write_workbook(good_rows(), name="good.xlsx")], database)
    return database, sha256(database)


@pytest.fixture
def changed_copy(sample_database, tmp_path):
    """changed_copy(*statements) -> a new copy of the sample warehouse with the statements run on it."""
    numbers = itertools.count()

    def change(*statements: str) -> Path:
        copy = tmp_path / f"changed-{next(numbers)}.duckdb"
        shutil.copy(sample_database, copy)
        with duckdb.connect(str(copy)) as connection:
            for statement in statements:
                connection.execute(statement)
        return copy
    return change
