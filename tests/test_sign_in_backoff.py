"""Guessing at the login form: an unknown name costs the same hashing as a wrong password, repeated failures
for one user name (in any session) or in one session make every attempt wait, failures are logged."""

from __future__ import annotations

import hashlib
import logging

import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE
from mm_core import access
from mm_dashboard import auth

from .helpers.pages import USERS, sign_in
from .helpers.paths import APP

pytestmark = pytest.mark.slow  # sign-in back-off: waits on purpose and hashes with the configured iterations

WRONG = "Unknown user name or wrong password."


def wait_message(wait: str) -> str:
    return f"Too many failed sign-ins: try again in {wait}."


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(auth, "clock", fake)
    monkeypatch.setattr(auth, "failures_by_name", access.FailuresByName())  # no failures left by other tests
    return fake


@pytest.fixture
def hashing(monkeypatch):
    """The iteration counts of every PBKDF2 computed (the hashing work done), instead of timing it."""
    done = []
    real = hashlib.pbkdf2_hmac

    def counted(name, password, salt, iterations, *args):
        done.append(iterations)
        return real(name, password, salt, iterations, *args)
    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counted)
    return done


@pytest.fixture
def session(monkeypatch, sample_database, clear_streamlit_caches, clock):
    """session() -> a new browser session on the login form (all sessions share the server's memory)."""
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(sample_database))

    def make() -> AppTest:
        test = AppTest.from_file(APP, default_timeout=60)
        test.secrets["auth_users"] = USERS
        return test.run()
    return make


def errors(test: AppTest) -> list[str]:
    return [error.value for error in test.error]


def signed_in(test: AppTest) -> bool:
    return bool(test.metric)  # the overview's figures


def test_an_unknown_name_costs_the_iterations_the_configured_hashes_have(session, hashing):
    test = session()
    test.secrets["auth_users"] = {"ana": {"password_hash": access.password_hash("x", salt="s", iterations=1_000),
                                          "role": "viewer"}}
    test.run()
    hashing.clear()  # the hash made above
    sign_in(test, "no-such-user", "guess")
    assert hashing == [1_000]


def test_an_unknown_user_name_costs_the_same_hashing_as_a_wrong_password(session, hashing):
    test = sign_in(session(), "alice", "guess")
    known = list(hashing)
    hashing.clear()
    sign_in(test, "no-such-user", "guess")
    assert known == hashing == [access.ITERATIONS]
    assert errors(test) == [WRONG]


def test_after_five_failures_even_the_right_password_waits_a_growing_time(session, clock, hashing):
    test = session()
    for _ in range(4):
        assert errors(sign_in(test, "alice", "guess")) == [WRONG]
    assert errors(sign_in(test, "alice", "guess")) == [WRONG, wait_message("30 seconds")]
    hashing.clear()
    clock.now += 10
    assert errors(sign_in(test, "alice", "alice-secret")) == [wait_message("20 seconds")]
    assert not signed_in(test) and hashing == []  # refused before any hashing
    clock.now += 20
    assert errors(sign_in(test, "alice", "guess")) == [WRONG, wait_message("60 seconds")]
    clock.now += 60
    assert errors(sign_in(test, "alice", "guess")) == [WRONG, wait_message("2 minutes")]
    clock.now += 120
    assert signed_in(sign_in(test, "alice", "alice-secret"))


def test_a_user_name_waits_in_every_session(session, clock):
    """An attacker opens new sessions: the failures of a user name are counted server-wide."""
    first = session()
    for _ in range(5):
        sign_in(first, "alice", "guess")
    second = session()
    assert errors(sign_in(second, "alice", "alice-secret")) == [wait_message("30 seconds")]
    assert not signed_in(second)
    assert signed_in(sign_in(session(), "victor", "victor-secret"))  # other names are not held up
    clock.now += 30
    assert signed_in(sign_in(second, "alice", "alice-secret"))


def test_a_session_waits_after_failures_with_many_names(session, clock):
    test = session()
    for number in range(5):
        sign_in(test, f"guess{number}", "guess")
    assert errors(sign_in(test, "alice", "alice-secret")) == [wait_message("30 seconds")]
    assert signed_in(sign_in(session(), "alice", "alice-secret"))  # the name itself has no failures


def test_the_limits_come_from_the_environment(session, clock, monkeypatch):
    monkeypatch.setenv("MM_SIGN_IN_FREE_FAILURES", "2")
    monkeypatch.setenv("MM_SIGN_IN_MAX_WAIT_SECONDS", "45")
    test = session()
    assert errors(sign_in(test, "alice", "guess")) == [WRONG]
    assert errors(sign_in(test, "alice", "guess")) == [WRONG, wait_message("30 seconds")]
    clock.now += 30
    assert errors(sign_in(test, "alice", "guess")) == [WRONG, wait_message("45 seconds")]  # not 60
    assert access.sign_in_limits() == access.SignInLimits(free_failures=2, max_wait_seconds=45, tracked_names=10_000)


def test_invented_names_cannot_fill_memory_or_push_out_a_name_under_attack(monkeypatch):
    monkeypatch.setenv("MM_SIGN_IN_TRACKED_NAMES", "3")
    limits, table = access.sign_in_limits(), access.FailuresByName()
    for _ in range(5):
        assert table.attempt("alice", 0.0, limits) == 0
    for number in range(100):
        table.attempt("x" * 100_000 + str(number), 1.0, limits)
    assert len(table) == 3 and table.wait("alice", 1.0, limits) == 29
    assert all(len(key) == 32 for key in table._records)  # a digest, however long the name typed


def test_failures_are_logged_with_the_name_and_never_the_password(session, caplog):
    with caplog.at_level(logging.INFO, logger="mm_dashboard"):
        test = sign_in(session(), "alice", "hunter2-guess")
        sign_in(test, "mallory\nSigned in: 'admin'" + "!" * 200, "another-guess")
    ours = [record for record in caplog.records if record.name == "mm_dashboard"]
    assert [record.getMessage() for record in ours] == [
        "Sign-in failed for user name 'alice': wrong password",
        "Sign-in failed for user name \"mallory\\nSigned in: 'admin'" + "!" * 53 + "…\": unknown user name"]
    assert "guess" not in caplog.text
