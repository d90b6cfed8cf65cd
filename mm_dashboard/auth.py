"""Who may do what: viewers see the dashboard (approved data); country offices see it too, and submit for
their own countries only (`current_countries`); editors (the PMU) may also upload, load, review and approve,
and may preview pending submissions.

Who gets in depends on the secrets file (Streamlit's `secrets.files`: `.streamlit/secrets.toml`, also
`~/.streamlit/secrets.toml`) and on where the server listens (Streamlit's `server.address`):
- no secrets file, and the server listens only on this computer (127.0.0.1, ::1 or localhost: `make run`
  and .streamlit/config.toml say 127.0.0.1): no login, and the user is an editor (local use);
- `[auth_users.<name>]` tables with `password_hash` and `role` ("viewer", "editor" or "country office", the
  last with `countries = ["<ISO3 code>"]`: ISO3 codes, or "GLOBAL" for the global team): a login form
  (hashes from `python -m mm_dashboard.auth 'the password'`; PBKDF2-SHA256, never the password itself);
- an `[auth]` section for Streamlit's OpenID Connect login (`st.login`): everyone who signs in is a
  viewer, those whose e-mail is listed in `[roles] editors = [...]` are editors, and those in
  `[roles] country_offices = { "someone@org.int" = ["<ISO3 code>"] }` are country offices for those
  countries;
- anything else is closed to everyone, and the page says what is wrong: a secrets file that cannot be read,
  that is empty or defines no usable user, or no secrets file on a server that others can reach.

A country office whose `countries` list is missing or malformed, or names a code that is not a country of
the programme (checked against the warehouse's countries table; not checked while there is no warehouse),
cannot sign in: once its password is right (or its organisation account signed in) the page says why,
naming the code.

The login form does the same hashing work whether or not the user name exists, and after repeated failures
for one user name (counted server-wide: an attacker can open any number of sessions) or in one session it
refuses every attempt, right or wrong, for a growing time.
"""

from __future__ import annotations

import logging
import math
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable

import streamlit as st
from streamlit import config

from mm_core.access import (
    CLOSED,
    COUNTRY_OFFICE,
    EDITOR,
    HASH_PROBLEMS,
    HOW_TO_ADD_USERS,
    LOCAL,
    OIDC,
    USERS,
    VIEWER,
    Access,
    Failures,
    FailuresByName,
    dummy_hash,
    format_wait,
    listens_on_loopback,
    oidc_country_offices,
    password_hash,
    read_users,
    sign_in_limits,
    unknown_countries,
    unknown_sections,
    unspecified_address,
    verify_password,
)
from mm_core.safety import SHORT_TEXT, markdown_literal, shorten, without_folders

from . import db
from .data import programme, title

LOGGER = logging.getLogger("mm_dashboard")
clock: Callable[[], float] = time.monotonic  # replaced by a fake clock in tests


def _existing_secret_files() -> list[str]:
    """The secrets files (or Kubernetes-style folders) that exist, as a person would type them."""
    shown = []
    for name in config.get_option("secrets.files"):
        path = Path(name).expanduser()
        if path.exists():
            for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
                if path.is_relative_to(base):
                    name = prefix + str(path.relative_to(base))
                    break
            else:  # elsewhere on the server: its name only (anyone can read this page)
                name = path.name
            shown.append(name)
    return shown


def _files_named() -> str:
    return " and ".join(markdown_literal(name) for name in _existing_secret_files()) or "the secrets file"


def _unusable_named(unusable: list[tuple[str, str]]) -> list[str]:
    """What the page says of users who cannot sign in: how many, by what is wrong (anyone can read the page,
    so their names go to the log only)."""
    sentences = []
    for hashes in (True, False):
        these = [(name, why) for name, why in unusable if (why in HASH_PROBLEMS) == hashes]
        if not these:
            continue
        logged = ("users without a usable password_hash" if hashes
                  else "country-office users without a usable countries list")
        _warn_once(f"Sign-in configuration: {logged}, who cannot sign in: "
                   + ", ".join(f"{shorten(name)!r} ({why})" for name, why in these))
        reasons, plural = "; ".join(sorted({why for _, why in these})), "s" if len(these) != 1 else ""
        shown = (f"user{plural} without a usable `password_hash`" if hashes else
                 f"country-office user{plural} without a usable `countries` list, such as "
                 "`countries = [\"<ISO3 code>\"]`,")
        sentences.append(f"{len(these)} {shown} ({reasons}; their names are in the server log).")
    return sentences


def _read_secrets() -> Mapping[str, Any] | Exception | None:
    """The secrets; None when there is no secrets file; the error when one exists but cannot be read."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except Exception as error:
        # Streamlit raises FileNotFoundError both for no file and for a file it cannot parse: only a
        # missing file may mean local use; a broken one must not open the app to everyone.
        if isinstance(error, FileNotFoundError) and not _existing_secret_files():
            return None
        return error


def access() -> Access:
    """The set-up in force for this run (Streamlit re-reads a secrets file when it changes)."""
    secrets = _read_secrets()
    if secrets is None:
        address = config.get_option("server.address")
        if listens_on_loopback(address):
            return Access(LOCAL)
        where = (f"on {markdown_literal(address, SHORT_TEXT)}" if address and not unspecified_address(address)
                 else "on all network interfaces")
        return Access(CLOSED, reason=(
            f"Nobody can sign in: there is no `.streamlit/secrets.toml` and the dashboard is served {where}, not "
            "only on this computer. Add users to `.streamlit/secrets.toml`, or serve the dashboard on 127.0.0.1 "
            "(`make run` does) to use it on this computer without signing in."))
    if isinstance(secrets, Exception):
        cause = secrets.__cause__ or secrets  # for a TOML error, where it is, without Streamlit's wrapping
        _warn_once(f"Sign-in configuration: the secrets file cannot be read: {cause!r}")
        return Access(CLOSED, reason=f"Nobody can sign in: {_files_named()} cannot be read "
                                     f"({markdown_literal(without_folders(str(cause)), 200)}). Fix it: it must be "
                                     "valid TOML.")
    users, unusable, problems = read_users(secrets["auth_users"]) if "auth_users" in secrets else ({}, [], [])
    if any(not user.problem for user in users.values()):
        _unusable_named(unusable)  # logged; the page names nobody
        return Access(USERS, users=users, secrets=secrets)
    if "auth" in secrets:
        return Access(OIDC, secrets=secrets)
    problems += _unusable_named(unusable)
    if not secrets:
        problems.append("It is empty or holds only comments.")
    problems += unknown_sections(secrets)
    return Access(CLOSED, reason=" ".join([f"Nobody can sign in: {_files_named()} defines no usable user and no "
                                           "`[auth]` section.", *problems]))


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    """Problems that do not stop sign-in go to the log (not the page: it would name users to anyone)."""
    if message not in _warned:
        _warned.add(message)
        LOGGER.warning(message)


failures_by_name = FailuresByName()  # server-wide


def _session_failures() -> Failures:
    return st.session_state.setdefault("sign_in_failures", Failures())


def seconds_to_wait(name: str) -> float:
    now, limits = clock(), sign_in_limits()
    return max(_session_failures().wait(now, limits), failures_by_name.wait(name, now, limits))


def _sign_in() -> None:
    name = st.session_state.get("login_name", "").strip()
    password = st.session_state.get("login_password", "")
    st.session_state["login_password"] = ""  # not kept in the session after this attempt
    logged_name = repr(shorten(name))  # repr: a name cannot forge log lines
    now, limits = clock(), sign_in_limits()
    # Counted as a failure before the (slow) check and forgotten if the password is right.
    wait = _session_failures().wait(now, limits) or failures_by_name.attempt(name, now, limits)
    if wait:  # refused before any hashing, whatever the password
        st.session_state["login_outcome"] = "refused"
        LOGGER.warning("Sign-in refused for user name %s: too many failed sign-ins, %d s left to wait",
                       logged_name, math.ceil(wait))
        return
    _session_failures().add(now)
    users = access().users
    user = users.get(name)
    if verify_password(password, user.password_hash if user else dummy_hash(users)) and user is not None:
        failures_by_name.forget(name)
        st.session_state["sign_in_failures"] = Failures()
        problem = user.problem or _countries_problem(user.countries)
        if problem:  # the right password: the user may be told what is wrong with the account
            st.session_state["login_outcome"], st.session_state["login_problem"] = "unusable", problem
            LOGGER.warning("Sign-in refused for user name %s: %s", logged_name, problem)
            return
        st.session_state["auth_user"], st.session_state["auth_role"] = name, user.role
        st.session_state.pop("login_outcome", None)
        LOGGER.info("Signed in: %s (%s)", logged_name, user.role)
    else:
        st.session_state["login_outcome"] = "failed"
        LOGGER.warning("Sign-in failed for user name %s: %s", logged_name,
                       "wrong password" if user else "unknown user name")


# --- The page ---------------------------------------------------------------------------------------------
def uses_login() -> bool:
    return access().kind in (USERS, OIDC)


def _countries_problem(countries: tuple[str, ...]) -> str:
    """Why a country office's countries cannot be used ('' when they can): a code that is not one of the
    programme's (the warehouse's countries table). Without a usable warehouse there is nothing to check
    against, nor anything to see."""
    if not countries:
        return ""
    try:
        known = [country.iso3 for country in programme().countries]
    except (db.DatabaseMissing, db.DatabaseUnusable):
        return ""
    unknown = unknown_countries(countries, known)
    if not unknown:
        return ""
    return (f"`countries` names {', '.join(markdown_literal(code, SHORT_TEXT) for code in unknown)}, which "
            f"{'is not a country' if len(unknown) == 1 else 'are not countries'} of the programme "
            f"({', '.join(known)}, or GLOBAL)")


def _signed_in(check_countries: bool = True) -> tuple[str, tuple[str, ...], str] | None:
    """The signed-in user's role, countries and what makes the account unusable ('' when nothing); None
    when a login is required and nobody has signed in. Without `check_countries` the warehouse is not read
    (db.may_preview asks while the warehouse is being opened)."""
    signed_in = _signed_in_as_configured()
    if check_countries and signed_in and not signed_in[2]:
        return signed_in[0], signed_in[1], _countries_problem(signed_in[1])
    return signed_in


def _signed_in_as_configured() -> tuple[str, tuple[str, ...], str] | None:
    setup = access()
    if setup.kind == LOCAL:
        return EDITOR, (), ""
    if setup.kind == USERS:  # the role as configured now: a user removed from the file is out
        name = st.session_state.get("auth_user")
        user = setup.users.get(name) if name is not None else None
        if user is None:
            return None
        return user.role, user.countries, user.problem
    if setup.kind == OIDC:
        if not getattr(st.user, "is_logged_in", False):
            return None
        roles = setup.secrets.get("roles", {})
        roles = dict(roles) if isinstance(roles, Mapping) else {}
        email = str(st.user.get("email", "")).lower()
        if email in {str(e).lower() for e in roles.get("editors", [])}:
            return EDITOR, (), ""
        offices = oidc_country_offices(roles)
        if email in offices:
            countries = offices[email]
            if countries is None:
                return COUNTRY_OFFICE, (), ("`[roles] country_offices` gives it no usable list of "
                                            "countries (ISO3 codes or \"GLOBAL\", e.g. `[\"<ISO3 code>\"]`)")
            return COUNTRY_OFFICE, countries, ""
        return VIEWER, (), ""
    return None


def current_role() -> str | None:
    """The signed-in user's role; None when a login is required and nobody has signed in (or the account is
    a country office's that cannot be used: `require_login` says why)."""
    signed_in = _signed_in()
    return signed_in[0] if signed_in and not signed_in[2] else None


def may_preview() -> bool:
    """Whether this session may read the preview warehouse (pending submissions): editors only. Read by
    db.py when it opens the warehouse, so the role is checked where the file is chosen."""
    signed_in = _signed_in(check_countries=False)
    return bool(signed_in) and signed_in[0] == EDITOR and not signed_in[2]


db.may_preview = may_preview


def current_countries() -> tuple[str, ...]:
    """A country office's countries (ISO3 codes or GLOBAL); empty for viewers and editors, and for nobody."""
    signed_in = _signed_in()
    return signed_in[1] if signed_in and not signed_in[2] and signed_in[0] == COUNTRY_OFFICE else ()


def current_user() -> str:
    """The user's name as text from outside: pass it through markdown_literal before showing it."""
    kind = access().kind
    if kind == USERS:
        return st.session_state.get("auth_user", "")
    if kind == OIDC and getattr(st.user, "is_logged_in", False):
        return str(st.user.get("email", ""))
    return "local user"


def require_login() -> str:
    """The role of the user, after a login where one is configured (the page stops until then)."""
    role = current_role()
    if role is not None:
        return role
    st.title(markdown_literal(title()))  # the programme's, from the warehouse (a plain one without a warehouse)
    setup = access()
    if setup.kind == USERS:
        with st.form("login"):
            st.text_input("User name", key="login_name")
            st.text_input("Password", type="password", key="login_password")
            st.form_submit_button("Sign in", on_click=_sign_in)
        if st.session_state.get("login_outcome") == "failed":
            st.error("Unknown user name or wrong password.")
        elif st.session_state.get("login_outcome") == "unusable":
            st.error(_unusable_account(st.session_state.get("login_problem", "")))
        wait = seconds_to_wait(st.session_state.get("login_name", "").strip())
        if wait:
            st.error(f"Too many failed sign-ins: try again in {format_wait(wait)}.")
    elif setup.kind == OIDC:
        signed_in = _signed_in()
        if signed_in and signed_in[2]:  # signed in with the organisation, but the role cannot be used
            st.error(_unusable_account(signed_in[2]))
            st.button("Sign out", on_click=st.logout)
        else:
            st.write("Sign in with your organisation's account to see the dashboard.")
            st.button("Sign in", on_click=st.login)
    else:
        st.error(setup.reason)
        st.info(HOW_TO_ADD_USERS)
    st.stop()


def _unusable_account(problem: str) -> str:
    return (f"This account cannot be used: {problem}. Ask the Programme Management Unit to correct the "
            "sign-in configuration.")


def sign_out() -> None:
    for key in ("auth_user", "auth_role"):
        st.session_state.pop(key, None)
    if access().kind == OIDC:
        st.logout()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m mm_dashboard.auth 'password'  (prints the hash for secrets.toml)", file=sys.stderr)
        sys.exit(2)
    print(password_hash(sys.argv[1]))
