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

import difflib
import hashlib
import hmac
import ipaddress
import logging
import math
import re
import secrets as random_source
import sys
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import streamlit as st
from streamlit import config

from etl.settings import positive_setting
from mm_core.safety import SHORT_TEXT, markdown_literal, shorten, without_folders

from .data import title

VIEWER, EDITOR = "viewer", "editor"
ROLES = (VIEWER, EDITOR)
ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 260_000
LOGGER = logging.getLogger("mm_dashboard")

# --- Password hashes --------------------------------------------------------------------------------------
# What `password_hash` writes: algorithm, iterations, an ASCII salt without '$', and a SHA-256 digest in hex.
HASH_FORM = re.compile(rf"{ALGORITHM}\$[1-9][0-9]{{0,8}}\$[!-#%-~]+\$[0-9a-f]{{64}}")


def dummy_hash(users: Mapping[str, "User"]) -> str:
    """Checked against when the user name is unknown, so that a wrong name costs the same as a wrong password
    (otherwise the time of the answer tells which names exist): with the iterations most users' hashes have.
    Its digest matches no password."""
    counts = Counter(int(user.password_hash.split("$")[1]) for user in users.values())
    iterations = counts.most_common(1)[0][0] if counts else ITERATIONS
    return f"{ALGORITHM}${iterations}$unknown-user${'0' * 64}"


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


def usable_hash(stored: Any) -> bool:
    return isinstance(stored, str) and HASH_FORM.fullmatch(stored) is not None


# --- Which set-up, from the secrets file and the server's address --------------------------------------
LOCAL, USERS, OIDC, CLOSED = "local", "users", "oidc", "closed"
KNOWN_SECTIONS = ("auth_users", "auth", "roles")
SECTIONS_LISTED = 10  # unknown sections named on the page; the rest are counted
HOW_TO_ADD_USERS = ("Add each user as `[auth_users.<name>]` with `password_hash = \"…\"` from "
                    "`python -m mm_dashboard.auth 'their password'` and `role = \"editor\"` or `\"viewer\"`, "
                    "or an `[auth]` section to sign in with your organisation's account.")


@dataclass(frozen=True)
class User:
    password_hash: str
    role: str


@dataclass(frozen=True)
class Access:
    kind: str  # LOCAL, USERS, OIDC or CLOSED
    users: Mapping[str, User] = field(default_factory=dict)  # the usable ones, for USERS
    reason: str = ""  # for CLOSED: why nobody can sign in (Markdown, text from the file made literal)
    secrets: Mapping[str, Any] = field(default_factory=dict)


def listens_on_loopback(address: Any) -> bool:
    """True when `server.address` lets only this computer connect. Unset means every interface."""
    text = str(address or "").strip().lower().strip("[]")
    if text == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:  # empty (all interfaces), a host name or a wildcard: reachable from elsewhere
        return False


def _unspecified(address: Any) -> bool:
    """0.0.0.0 or ::, which mean every interface."""
    try:
        return ipaddress.ip_address(str(address).strip().strip("[]")).is_unspecified
    except ValueError:
        return False


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


def _read_users(section: Any) -> tuple[dict[str, User], list[tuple[str, str]], list[str]]:
    """The usable users of `[auth_users]`, the others with what is wrong with each, and what is wrong with
    the section itself (Markdown)."""
    if not isinstance(section, Mapping):
        return {}, [], ["`auth_users` must hold one table per user, `[auth_users.<name>]`."]
    if not section:
        return {}, [], ["`[auth_users]` lists no users."]
    users, unusable = {}, []
    for name, entry in section.items():
        if not isinstance(entry, Mapping):
            unusable.append((str(name), "not a table"))
        elif "password_hash" not in entry:
            unusable.append((str(name), "none given"))
        elif not usable_hash(entry["password_hash"]):  # never shown: it may be a password typed in by mistake
            unusable.append((str(name), "not made by `python -m mm_dashboard.auth`"))
        else:
            role = entry.get("role") if entry.get("role") in ROLES else VIEWER
            users[str(name)] = User(entry["password_hash"], role)
    return users, unusable, []


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


def _unknown_sections(secrets: Mapping[str, Any]) -> list[str]:
    unknown = [str(name) for name in secrets if name not in KNOWN_SECTIONS]
    if not unknown:
        return []
    shown = []
    for name in unknown[:SECTIONS_LISTED]:
        guess = difflib.get_close_matches(name, KNOWN_SECTIONS, n=1, cutoff=0.8)
        shown.append(markdown_literal(name, SHORT_TEXT)
                     + (f" (did you mean {markdown_literal(guess[0])}?)" if guess else ""))
    more = f", and {len(unknown) - SECTIONS_LISTED} more" if len(unknown) > SECTIONS_LISTED else ""
    return [f"Sections it does not use: {', '.join(shown)}{more}."]


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
        where = (f"on {markdown_literal(address, SHORT_TEXT)}" if address and not _unspecified(address)
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
    users, unusable, problems = _read_users(secrets["auth_users"]) if "auth_users" in secrets else ({}, [], [])
    if users:
        _unusable_named(unusable)  # logged; the page names nobody
        return Access(USERS, users=users, secrets=secrets)
    if "auth" in secrets:
        return Access(OIDC, secrets=secrets)
    problems += _unusable_named(unusable)
    if not secrets:
        problems.append("It is empty or holds only comments.")
    problems += _unknown_sections(secrets)
    return Access(CLOSED, reason=" ".join([f"Nobody can sign in: {_files_named()} defines no usable user and no "
                                           "`[auth]` section.", *problems]))


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    """Problems that do not stop sign-in go to the log (not the page: it would name users to anyone)."""
    if message not in _warned:
        _warned.add(message)
        LOGGER.warning(message)


# --- Back-off after failed sign-ins ---------------------------------------------------------------------
FIRST_WAIT_SECONDS = 30  # after the allowed failures; doubled after each further failure
FORGET_AFTER_SECONDS = 24 * 3600  # failures this old no longer count
clock: Callable[[], float] = time.monotonic  # replaced by a fake clock in tests


@dataclass(frozen=True)
class SignInLimits:
    free_failures: int  # failed sign-ins allowed before attempts are refused for a while
    max_wait_seconds: int  # the longest wait
    tracked_names: int  # user names whose failures the server remembers (bounds the memory attackers can fill)


def sign_in_limits() -> SignInLimits:
    return SignInLimits(free_failures=positive_setting("MM_SIGN_IN_FREE_FAILURES", 5, zero_allowed=True),
                        max_wait_seconds=positive_setting("MM_SIGN_IN_MAX_WAIT_SECONDS", 900),
                        tracked_names=positive_setting("MM_SIGN_IN_TRACKED_NAMES", 10_000))


@dataclass
class Failures:
    count: int = 0
    last: float = -math.inf  # clock time of the last failure

    def wait(self, now: float, limits: SignInLimits) -> float:
        """Seconds before the next attempt is heard (0: now)."""
        if self.count < limits.free_failures or now - self.last > FORGET_AFTER_SECONDS:
            return 0.0
        delay = min(limits.max_wait_seconds, FIRST_WAIT_SECONDS * 2 ** min(self.count - limits.free_failures, 20))
        return max(0.0, self.last + delay - now)

    def add(self, now: float) -> None:
        self.count = 1 if now - self.last > FORGET_AFTER_SECONDS else self.count + 1
        self.last = now


class FailuresByName:
    """Failures per user name typed, known or not (so the table says nothing about which names exist).

    Keys are digests, so a very long typed name costs no more memory than a short one. When more names
    than the limit have failed, the least recently failed name that is not waiting is forgotten first:
    inventing names cannot push out the record of a name under attack until all are waiting."""

    def __init__(self) -> None:
        self._records: OrderedDict[bytes, Failures] = OrderedDict()
        self._lock = threading.Lock()  # sessions run in their own threads

    @staticmethod
    def _key(name: str) -> bytes:
        return hashlib.sha256(name.encode("utf-8", "surrogatepass")).digest()

    def wait(self, name: str, now: float, limits: SignInLimits) -> float:
        with self._lock:
            record = self._records.get(self._key(name))
            return record.wait(now, limits) if record else 0.0

    def attempt(self, name: str, now: float, limits: SignInLimits) -> float:
        """Seconds to wait if `name` must wait; else 0, and the attempt counts as a failure until `forget`.
        Checked and counted at once, so that parallel attempts cannot all pass the wait."""
        with self._lock:
            record = self._records.pop(self._key(name), None) or Failures()
            wait = record.wait(now, limits)
            if not wait:
                record.add(now)
            self._records[self._key(name)] = record  # now the most recent
            while len(self._records) > limits.tracked_names:
                idle = next((key for key, kept in self._records.items() if not kept.wait(now, limits)), None)
                del self._records[idle if idle is not None else next(iter(self._records))]
            return wait

    def forget(self, name: str) -> None:
        with self._lock:
            self._records.pop(self._key(name), None)

    def __len__(self) -> int:
        return len(self._records)


failures_by_name = FailuresByName()  # server-wide


def _session_failures() -> Failures:
    return st.session_state.setdefault("sign_in_failures", Failures())


def seconds_to_wait(name: str) -> float:
    now, limits = clock(), sign_in_limits()
    return max(_session_failures().wait(now, limits), failures_by_name.wait(name, now, limits))


def _format_wait(seconds: float) -> str:
    if seconds <= 90:
        whole = math.ceil(seconds)
        return f"{whole} second{'s' if whole != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


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
            st.error(f"Too many failed sign-ins: try again in {_format_wait(wait)}.")
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
