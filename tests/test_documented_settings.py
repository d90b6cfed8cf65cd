"""Every setting the code reads from the environment (MM_*) is documented in README.md: a limit nobody can
find is a limit nobody can change."""

from __future__ import annotations

import re

import pytest

from .helpers.paths import REPOSITORY

CODE = [REPOSITORY / "dashboard.py", *(path for folder in ("etl", "mm_core", "mm_dashboard", "reports", "app_pages")
                                      for path in (REPOSITORY / folder).rglob("*.py"))]


def settings_in_code() -> set[str]:
    return {name for path in CODE for name in re.findall(r"""["'](MM_[A-Z0-9_]+)["']""", path.read_text("utf-8"))}


def test_the_code_reads_its_settings_by_name():
    assert {"MM_DB_PATH", "MM_MAX_INPUT_MB", "MM_UPLOAD_MAX_SECONDS", "MM_SIGN_IN_FREE_FAILURES"} <= settings_in_code()


def test_every_setting_is_in_the_readme():
    readme = (REPOSITORY / "README.md").read_text("utf-8")
    assert sorted(name for name in settings_in_code() if not re.search(rf"\b{name}\b", readme)) == []


@pytest.mark.parametrize("text, default, expected", [
    (None, 30, 30), ("", 30, 30), ("45", 30, 45), ("1e6", 30, 1_000_000), ("2.5", 600.0, 2.5), ("2.5", 30, 2),
    ("0", 30, 30), ("-4", 30, 30), ("0.4", 30, 30), ("1e400", 30, 30), ("lots", 30, 30), ("nan", 600.0, 600.0), ("inf", 30, 30),
])
def test_a_setting_that_is_not_a_positive_number_keeps_the_default(monkeypatch, caplog, text, default, expected):
    from etl import settings
    from etl.settings import positive_setting
    monkeypatch.setattr(settings, "_warned", set())
    if text is None:
        monkeypatch.delenv("MM_SOME_LIMIT", raising=False)
    else:
        monkeypatch.setenv("MM_SOME_LIMIT", text)
    value = positive_setting("MM_SOME_LIMIT", default)
    assert value == expected and type(value) is type(default)
    assert ("is not a positive number" in caplog.text) == (expected == default and bool(text))
    caplog.clear()
    positive_setting("MM_SOME_LIMIT", default)
    assert "is not a positive number" not in caplog.text  # said once


def test_zero_where_it_means_something(monkeypatch):
    from etl.settings import positive_setting
    monkeypatch.setenv("MM_SIGN_IN_FREE_FAILURES", "0")  # wait from the first failure
    assert positive_setting("MM_SIGN_IN_FREE_FAILURES", 5, zero_allowed=True) == 0
    assert positive_setting("MM_SIGN_IN_FREE_FAILURES", 5) == 5
