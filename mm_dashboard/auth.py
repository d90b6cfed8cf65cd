"""Who may do what: viewers see the dashboard; editors may also upload and load workbooks.

Three set-ups, chosen by what `.streamlit/secrets.toml` holds:
- nothing (local use on one's own machine): no login, and the user is an editor;
- `[auth_users.<name>]` tables with `password_hash` and `role`: a login form (hashes from
  `python -m mm_dashboard.auth 'the password'`; PBKDF2-SHA256, never the password itself);
- an `[auth]` section for Streamlit's OpenID Connect login (`st.login`): everyone who signs in is a
  viewer, and those whose e-mail is listed in `[roles] editors = [...]` are editors.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as random_source
import sys
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import config

VIEWER, EDITOR = "viewer", "editor"
ROLES = (VIEWER, EDITOR)
ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 260_000


def password_hash(password: str, salt: str | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or random_source.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("ascii"), iterations)
    return f"{ALGORITHM}${iterations}${salt}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """False for a wrong password and for a stored hash that is not one of ours (never an exception)."""
    try:
        algorithm, iterations, salt, _ = stored.split("$")
        if algorithm != ALGORITHM:
            return False
        return hmac.compare_digest(password_hash(password, salt, int(iterations)), stored)
    except (ValueError, UnicodeError):
        return False


UNREADABLE = {"auth_users": {}}  # a login that nobody can pass


def _secret_files_exist() -> bool:
    return any(Path(path).expanduser().exists() for path in config.get_option("secrets.files"))


def _secrets() -> dict[str, Any]:
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except FileNotFoundError:
        # Streamlit also raises this (a subclass) for a secrets file it cannot parse: only a missing file
        # means local use; a broken one must not open the app to everyone.
        return UNREADABLE if _secret_files_exist() else {}
    except Exception:
        return UNREADABLE


def configured_users() -> dict[str, dict[str, str]] | None:
    users = _secrets().get("auth_users")
    return None if users is None else {name: dict(entry) for name, entry in dict(users).items()}


def oidc_configured() -> bool:
    return "auth" in _secrets()


def current_role() -> str | None:
    """The signed-in user's role; None when a login is required and nobody has signed in."""
    if configured_users() is not None:
        return st.session_state.get("auth_role")
    if oidc_configured():
        if not getattr(st.user, "is_logged_in", False):
            return None
        editors = {e.lower() for e in dict(_secrets().get("roles", {})).get("editors", [])}
        return EDITOR if str(st.user.get("email", "")).lower() in editors else VIEWER
    return EDITOR


def current_user() -> str:
    if configured_users() is not None:
        return st.session_state.get("auth_user", "")
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        return str(st.user.get("email", ""))
    return "local user"


def _sign_in(users: dict[str, dict[str, str]]) -> None:
    name = st.session_state.get("login_name", "").strip()
    entry = users.get(name)
    if entry and verify_password(st.session_state.get("login_password", ""), entry.get("password_hash", "")):
        st.session_state["auth_user"] = name
        st.session_state["auth_role"] = entry.get("role") if entry.get("role") in ROLES else VIEWER
        st.session_state.pop("login_failed", None)
    else:
        st.session_state["login_failed"] = True


def require_login() -> str:
    """The role of the user, after a login where one is configured (the page stops until then)."""
    role = current_role()
    if role is not None:
        return role
    st.title("Migration Mainstreaming — Results Dashboard")
    users = configured_users()
    if users is not None:
        with st.form("login"):
            st.text_input("User name", key="login_name")
            st.text_input("Password", type="password", key="login_password")
            st.form_submit_button("Sign in", on_click=_sign_in, args=(users,))
        if not users:
            st.error("The login configuration (`.streamlit/secrets.toml`) cannot be read or lists no users: "
                     "nobody can sign in until it is fixed.")
        elif st.session_state.get("login_failed"):
            st.error("Unknown user name or wrong password.")
    else:
        st.write("Sign in with your organisation's account to see the dashboard.")
        st.button("Sign in", on_click=st.login)
    st.stop()


def sign_out() -> None:
    for key in ("auth_user", "auth_role"):
        st.session_state.pop(key, None)
    if configured_users() is None and oidc_configured():
        st.logout()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m mm_dashboard.auth 'password'  (prints the hash for secrets.toml)", file=sys.stderr)
        sys.exit(2)
    print(password_hash(sys.argv[1]))
