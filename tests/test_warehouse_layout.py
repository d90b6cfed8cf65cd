"""The warehouse's layout (etl/schema.py): a load writes its fingerprint, and every reader (the dashboard, the
board pack, the IATI export) refuses a warehouse built with another layout, saying to load it again, instead of
failing on a column it lacks or showing figures by rules since changed."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from etl import schema
from etl.__main__ import main
from reports import BoardPackError, build_board_pack

from .helpers.pages import PAGES, as_shown

PERIOD = "2017/18 H1"
BEFORE_FINGERPRINTS = "DELETE FROM settings WHERE name = 'schema'"  # a file built before loads wrote one
OTHER_LAYOUT = "UPDATE settings SET value = 'another layout' WHERE name = 'schema'"


def test_a_load_writes_the_layout_it_built_and_a_reader_finds_it_current(sample_database):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        assert connection.execute("SELECT value FROM settings WHERE name = 'schema'").fetchall() \
            == [(schema.fingerprint(),)]
        assert not schema.outdated(connection)


@pytest.mark.parametrize("change", [BEFORE_FINGERPRINTS, OTHER_LAYOUT])
def test_a_warehouse_of_another_layout_is_outdated(changed_copy, change):
    with duckdb.connect(str(changed_copy(change)), read_only=True) as connection:
        assert schema.outdated(connection)


def test_a_file_without_settings_is_left_to_the_not_a_warehouse_message(tmp_path):
    with duckdb.connect(str(tmp_path / "other.duckdb")) as connection:
        connection.execute("CREATE TABLE t (x INTEGER)")
        assert not schema.outdated(connection)


def test_the_fingerprint_follows_the_views(tmp_path, monkeypatch):
    shutil.copytree(schema.SQL_DIR, tmp_path / "sql")
    monkeypatch.setattr(schema, "SQL_DIR", tmp_path / "sql")
    assert schema.fingerprint.__wrapped__() == schema.fingerprint()
    with (tmp_path / "sql" / "views.sql").open("a", encoding="utf-8") as views:
        views.write("\nCREATE VIEW one_more AS SELECT 1 AS x;\n")
    assert schema.fingerprint.__wrapped__() != schema.fingerprint()


def test_the_fingerprint_follows_the_tables(monkeypatch):
    monkeypatch.setattr(schema, "FIXED_TABLES", schema.FIXED_TABLES.replace(
        "other_titles VARCHAR[] NOT NULL DEFAULT []", "other_titles VARCHAR[]"))
    assert schema.fingerprint.__wrapped__() != schema.fingerprint()


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_says_an_outdated_warehouse_needs_loading_again(app_for, changed_copy, page):
    old = changed_copy(BEFORE_FINGERPRINTS)
    app = app_for(old, page=page)
    assert not app.exception
    shown = as_shown(app.error[0].value)
    assert shown.startswith(f"**The database {old.name} needs loading again.** {old.name} was built by another "
                            "version of the ETL")
    assert shown.endswith("delete the file and run make database.\n\n"
                          "The dashboard picks up the new file without a restart.")
    assert str(old.parent) not in shown
    assert not app.metric


def test_the_dashboard_reads_the_warehouse_once_it_is_loaded_again(app_for, changed_copy, sample_database):
    old = changed_copy(BEFORE_FINGERPRINTS)
    app = app_for(old)
    assert app.error
    shutil.copy(sample_database, old.with_suffix(".new"))
    old.with_suffix(".new").replace(old)  # as a load swaps in its file
    app.run()
    assert not app.error
    assert app.metric


def test_the_board_pack_refuses_an_outdated_warehouse(changed_copy, tmp_path):
    with pytest.raises(BoardPackError, match="was built by another version of the ETL") as raised:
        build_board_pack(changed_copy(OTHER_LAYOUT), PERIOD, tmp_path / "out")
    assert "python -m etl load" in str(raised.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_iati_export_refuses_an_outdated_warehouse(changed_copy, tmp_path, capsys):
    out = tmp_path / "x.xml"
    assert main(["export-iati", "--db", str(changed_copy(OTHER_LAYOUT)), "--out", str(out)]) == 1
    assert "was built by another version of the ETL" in capsys.readouterr().err
    assert not out.exists()
