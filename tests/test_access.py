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

from .helpers.pages import OFFICE_USERS, USERS, as_shown, sign_in
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


@pytest.mark.parametrize(("users", "name", "role"), [(USERS, "victor", "viewer"),
                                                     (OFFICE_USERS, "olga", "country office")], ids=["viewer", "office"])
def test_the_upload_page_itself_refuses_anyone_but_an_editor(monkeypatch, sample_database, clear_streamlit_caches,
                                                             users, name, role):
    """Defence in depth: run on its own (as if reached some other way), the page checks the role."""
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(sample_database))
    page = AppTest.from_file(str(Path(APP).parent / "app_pages" / "upload.py"), default_timeout=60)
    page.secrets["auth_users"] = users
    page.session_state["auth_user"], page.session_state["auth_role"] = name, role
    page.run()
    assert "need the **editor** role" in page.error[0].value
    assert not page.get("file_uploader")


def test_an_editor_can_upload(app):
    test = sign_in(app(USERS), "alice", "alice-secret")
    test.switch_page("app_pages/upload.py").run()
    assert test.title[0].value == "Upload workbooks"
    assert test.get("file_uploader")


# --- Country offices: a third role, for the countries the secrets file gives them -------------------------
def office(countries=..., role: str = "country office") -> dict:
    entry = {"password_hash": OFFICE_USERS["olga"]["password_hash"], "role": role}
    if countries is not ...:
        entry["countries"] = countries
    return entry


@pytest.mark.parametrize("countries, expected", [
    (["MAR"], ("MAR",)), (["mar", " TUN "], ("MAR", "TUN")), (["GLOBAL"], ("GLOBAL",)), (["MAR", "MAR"], ("MAR",)),
])
def test_a_country_office_gets_its_countries_in_capitals(countries, expected):
    users, unusable, problems = access.read_users({"olga": office(countries)})
    assert users["olga"] == access.User(OFFICE_USERS["olga"]["password_hash"], "country office", expected)
    assert unusable == [] and problems == []


@pytest.mark.parametrize("countries, why", [
    (..., access.NO_COUNTRIES), ([], access.BAD_COUNTRIES), ("MAR", access.BAD_COUNTRIES),
    (["Morocco"], access.BAD_COUNTRIES), (["MA"], access.BAD_COUNTRIES), ([504], access.BAD_COUNTRIES),
])
def test_a_country_office_without_a_usable_countries_list_cannot_sign_in(countries, why):
    users, unusable, _ = access.read_users({"olga": office(countries)})
    assert unusable == [("olga", why)]
    assert users["olga"].problem == why and users["olga"].countries == ()  # kept, to tell it after the password


def test_countries_are_ignored_for_the_other_roles():
    users, unusable, _ = access.read_users({"victor": office(["MAR"], role="viewer")})
    assert users["victor"].countries == () and unusable == []


def test_the_country_offices_of_an_organisation_sign_in_are_read_by_e_mail():
    roles = {"editors": ["pmu@org.int"], "country_offices": {"Office.MAR@org.int": ["MAR"], "x@org.int": "MAR"}}
    assert access.oidc_country_offices(roles) == {"office.mar@org.int": ("MAR",), "x@org.int": None}
    assert access.oidc_country_offices({"country_offices": ["a@org.int"]}) == {}


def test_a_country_office_sees_the_dashboard_with_its_countries_but_not_upload(app):
    test = sign_in(app(OFFICE_USERS), "olga", "olga-secret")
    assert test.metric and not test.error  # the overview, as a viewer sees it
    assert "Signed in as **olga** (country office: MAR)" in test.sidebar.caption[-1].value
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        test.switch_page("app_pages/upload.py")


def test_a_country_office_for_a_code_outside_the_programme_is_told_which_code(app):
    users = {**USERS, "olga": office(["MAR", "FRA"])}
    test = sign_in(app(users), "olga", "olga-secret")
    assert [error.value for error in test.error] == [
        "This account cannot be used: `countries` names FRA, which is not a country of the programme (BGD, ECU, "
        "JAM, KGZ, MAR, MDA, SRB, TUN, or GLOBAL). Ask the Programme Management Unit to correct the sign-in "
        "configuration."]
    assert not test.metric and [t.label for t in test.text_input] == ["User name", "Password"]


def test_a_country_office_without_countries_is_told_so_only_with_the_right_password(app):
    users = {**USERS, "olga": office()}
    test = sign_in(app(users), "olga", "wrong")
    assert [error.value for error in test.error] == ["Unknown user name or wrong password."]
    test = sign_in(test, "olga", "olga-secret")
    assert [error.value for error in test.error] == [
        'This account cannot be used: role "country office" without `countries`. Ask the Programme Management '
        "Unit to correct the sign-in configuration."]
    assert not test.metric


def test_a_secrets_file_with_only_a_broken_country_office_lets_nobody_in(app):
    test = app({"olga": office(["Morocco"])})
    assert_closed(test, "Nobody can sign in: the secrets file defines no usable user and no `[auth]` section. 1 "
                        "country-office user without a usable `countries` list, such as "
                        "`countries = [\"<ISO3 code>\"]`, (`countries` not a list of ISO3 codes or \"GLOBAL\"; their names are in the server log).")


class SignedInWithOrganisation(dict):
    is_logged_in = True


@pytest.mark.parametrize("email, role, countries", [
    ("pmu@org.int", "editor", ()), ("Office.MAR@org.int", "country office", ("MAR",)),
    ("someone@org.int", "viewer", ()), ("france@org.int", None, ()), ("broken@org.int", None, ()),
])
def test_organisation_accounts_get_their_role_and_countries_from_the_roles_section(
        monkeypatch, sample_database, clear_streamlit_caches, email, role, countries):
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(sample_database))
    roles = {"editors": ["pmu@org.int"], "country_offices": {"office.mar@org.int": ["MAR"],
                                                             "france@org.int": ["FRA"], "broken@org.int": []}}
    monkeypatch.setattr(auth, "access", lambda: access.Access(access.OIDC, secrets={"auth": {}, "roles": roles}))
    monkeypatch.setattr(auth.st, "user", SignedInWithOrganisation(email=email))
    assert auth.current_role() == role
    assert auth.current_countries() == countries
