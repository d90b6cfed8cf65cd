"""Who may do what, without Streamlit: the roles, password hashes (PBKDF2-SHA256, never the password
itself), the users a secrets file's `[auth_users]` defines, whether a server address is this computer only,
and the back-off after failed sign-ins. mm_dashboard/auth.py reads the secrets and the session with
Streamlit and applies these rules (its docstring says who gets in, and when).
"""

from __future__ import annotations

import difflib
import hashlib
import hmac
import ipaddress
import math
import re
import secrets as random_source
import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from etl.settings import positive_setting

from .safety import SHORT_TEXT, markdown_literal

VIEWER, EDITOR, COUNTRY_OFFICE = "viewer", "editor", "country office"
ROLES = (VIEWER, EDITOR, COUNTRY_OFFICE)
GLOBAL = "GLOBAL"  # the global team, as a country office's `countries` names it (the workbooks' country GLOBAL)
COUNTRY_CODE = re.compile(r"[A-Z]{3}")  # ISO 3166 alpha-3; whether it is one of the programme's: auth.py
# Why a user cannot sign in, by what is wrong: the page says how many of each (their names go to the log).
HASH_PROBLEMS = ("none given", "not a table", "not made by `python -m mm_dashboard.auth`")
NO_COUNTRIES = "role \"country office\" without `countries`"
BAD_COUNTRIES = "`countries` not a list of ISO3 codes or \"GLOBAL\""
ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 260_000

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
                    "`python -m mm_dashboard.auth 'their password'` and `role = \"editor\"` or `\"viewer\"` "
                    "(or `\"country office\"` with `countries = [\"<ISO3 code>\"]`), or an `[auth]` section to "
                    "sign in with your organisation's account.")


@dataclass(frozen=True)
class User:
    password_hash: str
    role: str
    countries: tuple[str, ...] = ()  # a country office's: ISO3 codes or GLOBAL; empty for the other roles
    problem: str = ""  # why this user cannot sign in though the hash is usable (told once the password is right)


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


def unspecified_address(address: Any) -> bool:
    """0.0.0.0 or ::, which mean every interface."""
    try:
        return ipaddress.ip_address(str(address).strip().strip("[]")).is_unspecified
    except ValueError:
        return False


def read_users(section: Any) -> tuple[dict[str, User], list[tuple[str, str]], list[str]]:
    """The users of `[auth_users]` with a usable hash, the unusable ones with what is wrong with each, and
    what is wrong with the section itself (Markdown). A country office without a usable `countries` list is
    in both: among the users with its `problem` (the sign-in page tells it once its password is right) and
    among the unusable."""
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
            countries = office_countries(entry.get("countries")) if role == COUNTRY_OFFICE else ()
            if countries is None:
                why = NO_COUNTRIES if "countries" not in entry else BAD_COUNTRIES
                unusable.append((str(name), why))
                users[str(name)] = User(entry["password_hash"], role, (), problem=why)
            else:
                users[str(name)] = User(entry["password_hash"], role, countries)
    return users, unusable, []


def office_countries(value: Any) -> tuple[str, ...] | None:
    """A country office's `countries` (["<ISO3 code>"], ["GLOBAL"]) as upper-case codes; None unless it is a
    non-empty list of ISO3-shaped codes or GLOBAL (whether each is one of the programme's is checked against the
    warehouse when the user signs in: mm_dashboard/auth.py)."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        return None
    if not all(isinstance(code, str) for code in value):
        return None
    codes = tuple(dict.fromkeys(code.strip().upper() for code in value))
    return codes if all(code == GLOBAL or COUNTRY_CODE.fullmatch(code) for code in codes) else None


def oidc_country_offices(roles: Any) -> dict[str, tuple[str, ...] | None]:
    """`[roles] country_offices = { "someone@org.int" = ["<ISO3 code>"] }`: e-mail (lower case) -> its
    countries, None where the list is not usable (that user cannot sign in)."""
    offices = roles.get("country_offices", {}) if isinstance(roles, Mapping) else {}
    if not isinstance(offices, Mapping):
        return {}
    return {str(email).strip().lower(): office_countries(codes) for email, codes in offices.items()}


def unknown_countries(countries: tuple[str, ...], programme_countries: Any) -> list[str]:
    """The codes of a country office's list that are neither GLOBAL nor one of the programme's countries."""
    known = set(programme_countries) | {GLOBAL}
    return [code for code in countries if code not in known]


def unknown_sections(secrets: Mapping[str, Any]) -> list[str]:
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


# --- Back-off after failed sign-ins ---------------------------------------------------------------------
FIRST_WAIT_SECONDS = 30  # after the allowed failures; doubled after each further failure
FORGET_AFTER_SECONDS = 24 * 3600  # failures this old no longer count


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


def format_wait(seconds: float) -> str:
    if seconds <= 90:
        whole = math.ceil(seconds)
        return f"{whole} second{'s' if whole != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"
