"""Every setting the code reads from the environment (MM_*) is documented in README.md: a limit nobody can
find is a limit nobody can change."""

from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
CODE = [REPOSITORY / "dashboard.py", *(path for folder in ("etl", "mm_dashboard", "reports", "app_pages")
                                      for path in (REPOSITORY / folder).rglob("*.py"))]


def settings_in_code() -> set[str]:
    return {name for path in CODE for name in re.findall(r"""["'](MM_[A-Z0-9_]+)["']""", path.read_text("utf-8"))}


def test_the_code_reads_its_settings_by_name():
    assert {"MM_DB_PATH", "MM_MAX_INPUT_MB", "MM_UPLOAD_MAX_SECONDS", "MM_SIGN_IN_FREE_FAILURES"} <= settings_in_code()


def test_every_setting_is_in_the_readme():
    readme = (REPOSITORY / "README.md").read_text("utf-8")
    assert sorted(name for name in settings_in_code() if not re.search(rf"\b{name}\b", readme)) == []
