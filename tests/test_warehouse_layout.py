"""The warehouse's layout (etl/schema.py): a load writes its fingerprint, and every reader (the dashboard, the
board pack, the IATI export) refuses a warehouse built with another layout, saying to load it again, instead of
failing on a column it lacks or showing figures by rules since changed."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE, records, schema
from etl.__main__ import main
from etl.records import RECORDS_ENVIRONMENT_VARIABLE
from mm_dashboard import db
from reports import BoardPackError, build_board_pack

from .helpers.pages import OFFICE_USERS, PAGES, as_shown, sign_in
from .helpers.paths import APP

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


def test_every_table_and_view_of_a_built_warehouse_is_made_by_the_layout(sample_database):
    """None is made elsewhere in the load (indicator_trajectories was): a change to it would not change the
    fingerprint, and a warehouse without it would be read."""
    with duckdb.connect() as made:
        schema.create_schema(made)
        schema.create_views(made)
        layout = set(made.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                                  "WHERE table_schema = 'main'").fetchall())
    with duckdb.connect(str(sample_database), read_only=True) as built:
        assert set(built.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                                 "WHERE table_schema = 'main'").fetchall()) == layout


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
    assert shown.endswith("python -m etl reload loads the files of its last load again (make database does so for "
                          "the bundled sample), python -m etl load … any workbooks. Editors may also approve a "
                          "submission, which "
                          "loads it again with the last load's files.\n\n"
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


def test_an_outdated_preview_is_said_to_be_the_preview_with_how_to_build_it_again(changed_copy, tmp_path,
                                                                                 monkeypatch, clear_streamlit_caches):
    board = tmp_path / "board" / "warehouse.duckdb"
    board.parent.mkdir()
    shutil.copy(changed_copy(), board)
    shutil.copy(changed_copy(BEFORE_FINGERPRINTS), records.preview_path(board))
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(board))
    monkeypatch.setenv(RECORDS_ENVIRONMENT_VARIABLE, str(tmp_path / "records"))
    app = AppTest.from_file(APP, default_timeout=60)
    app.secrets["auth_users"] = OFFICE_USERS
    app = sign_in(app.run(), "alice", "alice-secret")
    app.session_state[db.PREVIEW_CHOICE] = True
    app.run()
    assert not app.exception
    assert as_shown(app.error[0].value) == (
        f"**The preview {records.preview_path(board).name} needs building again.** It was built by another version "
        "of the ETL: its tables and views are not those this version reads. Build it again on the Submissions page, "
        "or turn 'Preview pending submissions' off in the sidebar to see the Board's figures.")
    app.session_state[db.PREVIEW_CHOICE] = False
    app.run()
    assert not app.error and app.metric


def test_submissions_are_sent_and_approved_while_the_warehouse_waits_to_be_loaded_again(app_for, changed_copy):
    """The Submissions page reads its rounds whatever version built the warehouse: approving one loads it again."""
    app = app_for(changed_copy(BEFORE_FINGERPRINTS), page="app_pages/submissions.py")
    assert not app.exception and not app.error
    assert app.selectbox(key="submission_round").value == "2017/18 H1"  # the round being collected on 31 July 2017
    assert "2014/15 H1" in app.selectbox(key="submission_round").options


@pytest.mark.parametrize("content", [b"not a database at all" * 100, None])
def test_the_submissions_page_explains_a_file_that_is_no_warehouse(app_for, tmp_path, content):
    other = tmp_path / "other.duckdb"
    if content is None:  # a DuckDB file without the warehouse's tables
        duckdb.connect(str(other)).execute("CREATE TABLE t (x INTEGER)").close()
    else:
        other.write_bytes(content)
    app = app_for(other, page="app_pages/submissions.py")
    assert not app.exception
    assert as_shown(app.error[0].value).startswith("**The database other.duckdb cannot be read.** other.duckdb is "
                                                   "not a programme warehouse")


def test_the_outdated_error_keeps_its_words_when_copied():
    import pickle
    error = db.WarehouseOutdated("w.duckdb", preview=True)
    copied = pickle.loads(pickle.dumps(error))
    assert (str(copied), copied.file, copied.preview) == (str(error), "w.duckdb", True)


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
