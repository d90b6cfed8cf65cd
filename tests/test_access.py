"""Access: no login for local use; viewers and editors from secrets.toml; only editors upload and load."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE
from mm_dashboard.auth import password_hash, verify_password

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
USERS = {"alice": {"password_hash": password_hash("alice-secret", salt="a1"), "role": "editor"},
         "victor": {"password_hash": password_hash("victor-secret", salt="v1"), "role": "viewer"}}


def test_password_hashes_verify_and_never_hold_the_password():
    stored = password_hash("correct horse")
    assert stored.startswith("pbkdf2_sha256$260000$") and "correct horse" not in stored
    assert verify_password("correct horse", stored)
    assert not verify_password("Correct horse", stored)
    assert not verify_password("correct horse", "not-a-hash")
    assert not verify_password("correct horse", "pbkdf2_sha256$abc$salt$00")  # malformed: False, no exception
    assert not verify_password("correct horse", "pbkdf2_sha256$1000$sél$00")


def test_a_broken_secrets_file_locks_everyone_out(monkeypatch, tmp_path):
    """Streamlit reports an unparsable secrets.toml as 'not found'; that must not mean local use."""
    from streamlit.errors import StreamlitSecretNotFoundError

    from mm_dashboard import auth

    class Broken:
        def __iter__(self):
            raise StreamlitSecretNotFoundError("secrets.toml: invalid TOML")

    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth_users.alice]\npassword_hash = "unterminated\n')
    monkeypatch.setattr(auth.st, "secrets", Broken())
    monkeypatch.setattr(auth.config, "get_option", lambda name: [str(broken)])
    assert auth.configured_users() == {}
    assert auth.current_role() is None  # a login nobody can pass
    broken.unlink()
    assert auth.configured_users() is None  # no file at all: local use
    assert auth.current_role() == auth.EDITOR


@pytest.fixture
def app(monkeypatch, sample_database, clear_streamlit_caches):
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(sample_database))

    def make(users: dict | None) -> AppTest:
        test = AppTest.from_file(APP, default_timeout=60)
        if users is not None:
            test.secrets["auth_users"] = users
        return test.run()
    return make


def sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input(key="login_name").input(name)
    app.text_input(key="login_password").input(password)
    return app.button[0].click().run()


def test_local_use_needs_no_login_and_can_upload(app):
    test = app(None)
    assert test.title[0].value.startswith("Mainstreaming Migration")
    test.switch_page("app_pages/upload.py").run()
    assert test.title[0].value == "Upload workbooks"
    assert not test.error


def test_with_users_configured_nothing_shows_before_sign_in(app):
    test = app(USERS)
    assert not test.metric and not test.dataframe
    assert [t.label for t in test.text_input] == ["User name", "Password"]
    sign_in(test, "victor", "wrong")
    assert test.error[0].value == "Unknown user name or wrong password."
    assert not test.metric


def test_a_viewer_sees_the_dashboard_but_cannot_reach_upload(app):
    test = sign_in(app(USERS), "victor", "victor-secret")
    assert test.metric  # the overview
    assert "Signed in as **victor** (viewer)" in test.sidebar.caption[-1].value
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        test.switch_page("app_pages/upload.py")  # not among a viewer's pages at all


def test_the_upload_page_itself_refuses_a_viewer(monkeypatch, sample_database, clear_streamlit_caches):
    """Defence in depth: run on its own (as if reached some other way), the page checks the role."""
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(sample_database))
    page = AppTest.from_file(str(Path(APP).parent / "app_pages" / "upload.py"), default_timeout=60)
    page.secrets["auth_users"] = USERS
    page.session_state["auth_user"], page.session_state["auth_role"] = "victor", "viewer"
    page.run()
    assert "need the **editor** role" in page.error[0].value
    assert not page.get("file_uploader")


def test_an_editor_can_upload(app):
    test = sign_in(app(USERS), "alice", "alice-secret")
    test.switch_page("app_pages/upload.py").run()
    assert test.title[0].value == "Upload workbooks"
    assert test.get("file_uploader")
