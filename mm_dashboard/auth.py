"""Who may do what: viewers see the dashboard; editors may also upload and load workbooks.

Who gets in depends on the secrets file (Streamlit's `secrets.files`: `.streamlit/secrets.toml`, also
`~/.streamlit/secrets.toml`) and on where the server listens (Streamlit's `server.address`):
- no secrets file, and the server listens only on this computer (127.0.0.1, ::1 or localhost: `make run`
  and .streamlit/config.toml say 127.0.0.1): no login, and the user is an editor (local use);
- `[auth_users.<name>]` tables with `password_hash` and `role`: a login form (hashes from
  `python -m mm_dashboard.auth 'the password'`; PBKDF2-SHA256, never the password itself);
- an `[auth]` section for Streamlit's OpenID Connect login (`st.login`): everyone who signs in is a
  viewer, and those whose e-mail is listed in `[roles] editors = [...]` are editors;
- anything else is closed to everyone, and the page says what is wrong: a secrets file that cannot be read,
  that is empty or defines no usable user, or no secrets file on a server that others can reach.

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
    EDITOR,
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
    password_hash,
    read_users,
    sign_in_limits,
    unknown_sections,
    unspecified_address,
    verify_password,
)
from mm_core.safety import SHORT_TEXT, markdown_literal, shorten, without_folders

from .data import title

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
    """What the page says of users without a usable hash: how many (anyone can read the page, so their
    names go to the log only)."""
    if not unusable:
        return []
    _warn_once("Sign-in configuration: users without a usable password_hash, who cannot sign in: "
               + ", ".join(f"{shorten(name)!r} ({why})" for name, why in unusable))
    reasons = sorted({why for _, why in unusable})
    return [f"{len(unusable)} user{'s' if len(unusable) != 1 else ''} without a usable `password_hash` "
            f"({'; '.join(reasons)}; their names are in the server log)."]


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
    if users:
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


def current_role() -> str | None:
    """The signed-in user's role; None when a login is required and nobody has signed in."""
    setup = access()
    if setup.kind == LOCAL:
        return EDITOR
    if setup.kind == USERS:  # the role as configured now: a user removed from the file is out
        name = st.session_state.get("auth_user")
        user = setup.users.get(name) if name is not None else None
        return user.role if user else None
    if setup.kind == OIDC:
        if not getattr(st.user, "is_logged_in", False):
            return None
        editors = {str(e).lower() for e in dict(setup.secrets.get("roles", {})).get("editors", [])}
        return EDITOR if str(st.user.get("email", "")).lower() in editors else VIEWER
    return None


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
        wait = seconds_to_wait(st.session_state.get("login_name", "").strip())
        if wait:
            st.error(f"Too many failed sign-ins: try again in {format_wait(wait)}.")
    elif setup.kind == OIDC:
        st.write("Sign in with your organisation's account to see the dashboard.")
        st.button("Sign in", on_click=st.login)
    else:
        st.error(setup.reason)
        st.info(HOW_TO_ADD_USERS)
    st.stop()


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
