"""Access: no login for local use only; viewers and editors from secrets.toml; only editors upload and load;
a secrets file that lets nobody in, or a server others can reach without one, says why and shows nothing."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
import streamlit
from streamlit import config
from streamlit.runtime.secrets import Secrets
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE
from mm_core import access
from mm_core.access import HOW_TO_ADD_USERS, listens_on_loopback, password_hash, verify_password
from mm_core.safety import markdown_literal
from mm_dashboard import auth

from .helpers.pages import USERS, as_shown, sign_in
from .helpers.paths import APP

HOSTILE_NAME = "[click](http://evil.example)"


def test_password_hashes_verify_and_never_hold_the_password():
    stored = password_hash("correct horse")
    assert stored.startswith("pbkdf2_sha256$260000$") and "correct horse" not in stored
    assert verify_password("correct horse", stored)
    assert not verify_password("Correct horse", stored)
    assert not verify_password("correct horse", "not-a-hash")
    assert not verify_password("correct horse", "pbkdf2_sha256$abc$salt$00")  # malformed: False, no exception
    assert not verify_password("correct horse", "pbkdf2_sha256$1000$sél$00")


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    (" LocalHost ", True), (None, False), ("", False), ("0.0.0.0", False), ("::", False),
    ("192.168.1.5", False), ("dashboard.example.org", False),
])
def test_loopback_is_decided_from_the_server_address(address, loopback):
    assert listens_on_loopback(address) is loopback


@pytest.fixture
def server(monkeypatch, tmp_path):
    """What the app sees: a fresh secrets store that reads only tmp_path/secrets.toml (absent until a test
    writes it) and a server on 127.0.0.1, unless a test changes `server.options`."""
    options = {"secrets.files": [str(tmp_path / "secrets.toml")], "server.address": "127.0.0.1"}
    original = config.get_option
    monkeypatch.setattr(config, "get_option", lambda name: options[name] if name in options else original(name))
    store = Secrets()
    store._file_watchers_installed = True  # no polling thread left behind
    monkeypatch.setattr(streamlit, "secrets", store)
    monkeypatch.setattr(auth, "failures_by_name", access.FailuresByName())
    monkeypatch.setattr(auth, "_warned", set())
    yield SimpleNamespace(options=options, secrets_file=tmp_path / "secrets.toml")
    store._reset()  # also takes back what it put into os.environ


@pytest.fixture
def app(server, monkeypatch, sample_database, clear_streamlit_caches):
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(sample_database))

    def make(users: dict | None = None, secrets_text: str | None = None) -> AppTest:
        if secrets_text is not None:
            server.secrets_file.write_text(secrets_text)
        test = AppTest.from_file(APP, default_timeout=60)
        if users is not None:
            test.secrets["auth_users"] = users
        return test.run()
    return make


def assert_closed(test: AppTest, reason: str) -> None:
    """Nobody is in: the reason and how to add users, no sign-in form, no page, no data."""
    assert [error.value for error in test.error] == [reason]
    assert [info.value for info in test.info] == [HOW_TO_ADD_USERS]
    assert not test.text_input and not test.button and not test.metric and not test.dataframe
    try:
        test.switch_page("app_pages/upload.py").run()
    except ValueError:  # not even a page
        return
    assert not test.get("file_uploader") and [title.value for title in test.title] != ["Upload workbooks"]


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "localhost"])
def test_local_use_needs_no_login_and_can_upload(app, server, address):
    server.options["server.address"] = address
    test = app()
    assert test.title[0].value.startswith("Mainstreaming Migration")
    test.switch_page("app_pages/upload.py").run()
    assert test.title[0].value == "Upload workbooks"
    assert not test.error


EVERYWHERE = "on all network interfaces"


@pytest.mark.parametrize("address, where", [(None, EVERYWHERE), ("0.0.0.0", EVERYWHERE), ("::", EVERYWHERE),
                                            ("192.168.1.5", r"on 192\.168\.1\.5")])
def test_without_a_secrets_file_a_server_others_can_reach_lets_nobody_in(app, server, address, where):
    server.options["server.address"] = address
    assert_closed(app(), f"Nobody can sign in: there is no `.streamlit/secrets.toml` and the dashboard is served "
                         f"{where}, not only on this computer. Add users to `.streamlit/secrets.toml`, or serve "
                         "the dashboard on 127.0.0.1 (`make run` does) to use it on this computer without signing in.")


OTHER_SECRETS = '[database]\nurl = "postgres://x"\n[mail]\nhost = "smtp"\n'


@pytest.mark.parametrize("secrets_text, problems", [
    ("", "It is empty or holds only comments."),
    ("# users will come later\n\n# [auth_users.alice]\n", "It is empty or holds only comments."),
    ('[auth_user.alice]\npassword_hash = "pbkdf2_sha256$260000$a1$' + "0" * 64 + '"\nrole = "editor"\n',
     r"Sections it does not use: auth\_user (did you mean auth\_users?)."),
    (OTHER_SECRETS, "Sections it does not use: database, mail."),
    (f'["{HOSTILE_NAME}"]\nx = 1\n', f"Sections it does not use: {markdown_literal(HOSTILE_NAME)}."),
    ("\n".join(f"[section{number}]\nx = 1" for number in range(12)),
     "Sections it does not use: " + ", ".join(f"section{number}" for number in range(10)) + ", and 2 more."),
    ("[auth_users]\n", "`[auth_users]` lists no users."),
    ('auth_users = "alice"\n', "`auth_users` must hold one table per user, `[auth_users.<name>]`."),
    ('[auth_users.bob]\nrole = "editor"\n[auth_users.carol]\npassword_hash = "carol-secret"\nrole = "editor"\n'
     f'[auth_users."{HOSTILE_NAME}"]\npassword_hash = "pbkdf2_sha256$1$s$00"\n[auth_users]\ndave = "x"\n',
     "4 users without a usable `password_hash` (none given; not a table; not made by `python -m "
     "mm_dashboard.auth`; their names are in the server log)."),
], ids=["empty", "comments", "misspelt-section", "other-sections", "hostile-section", "many-sections",
        "empty-users", "users-not-a-table", "users-without-hashes"])
def test_a_secrets_file_without_usable_users_lets_nobody_in_and_says_why(app, server, secrets_text, problems):
    test = app(secrets_text=secrets_text)
    assert_closed(test, f"Nobody can sign in: secrets\\.toml defines no usable user and no `[auth]` section. "
                        f"{problems}")  # the file's name, not its folder: anyone can read this page
    assert "carol-secret" not in str(test.error)  # a hash field holding a password is never echoed
    assert "bob" not in str(test.error)  # nor a user's name


def test_a_broken_secrets_file_locks_everyone_out(app, server):
    """Streamlit reports an unparsable secrets.toml as 'not found'; that must not mean local use."""
    broken = '[auth_users.alice]\npassword_hash = "unterminated\n'
    with pytest.raises(tomllib.TOMLDecodeError) as error:
        tomllib.loads(broken)
    assert_closed(app(secrets_text=broken), "Nobody can sign in: secrets\\.toml cannot be read "
                                            f"({markdown_literal(error.value)}). Fix it: it must be valid TOML.")


def test_a_secrets_file_that_cannot_be_opened_locks_everyone_out_without_showing_its_folder(app, server):
    server.secrets_file.mkdir()  # a folder where the file should be: open() names the full path
    test = app()
    message = test.error[0].value
    assert message.startswith("Nobody can sign in: secrets\\.toml cannot be read")
    assert str(server.secrets_file.parent) not in as_shown(message)
    assert not test.metric


def test_users_with_a_usable_hash_sign_in_though_others_are_broken(app, server, caplog):
    alice = USERS["alice"]["password_hash"]
    with caplog.at_level(logging.WARNING, logger="mm_dashboard"):
        test = app(secrets_text=f'[auth_users.alice]\npassword_hash = "{alice}"\nrole = "editor"\n'
                                '[auth_users.bob]\nrole = "editor"\n[other]\nx = 1\n')
    assert not test.error and "bob" not in str(test)  # the page names no user to whoever opens it
    assert [record.getMessage() for record in caplog.records if record.name == "mm_dashboard"] == [
        "Sign-in configuration: users without a usable password_hash, who cannot sign in: 'bob' (none given)"]
    test = sign_in(test, "alice", "alice-secret")
    test.switch_page("app_pages/upload.py").run()
    assert test.title[0].value == "Upload workbooks"


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


def test_the_signed_in_name_is_shown_as_typed(app):
    name = "**Boss** :red[admin]"
    test = sign_in(app({name: {"password_hash": USERS["victor"]["password_hash"], "role": "viewer"}}),
                   name, "victor-secret")
    assert test.sidebar.caption[-1].value == r"Signed in as **\*\*Boss\*\* \:red\[admin\]** (viewer)"


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
