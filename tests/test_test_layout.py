"""How the tests are laid out: a test module imports shared functions from tests/helpers/ and gets fixtures from
tests/conftest.py through pytest, never by importing another test module or conftest itself (one home for each
helper; a test module can be run, moved or deleted alone)."""

from __future__ import annotations

import ast

import pytest

from .helpers.paths import REPOSITORY

TESTS = REPOSITORY / "tests"


def imports_of_test_modules(source: str) -> list[str]:
    """The imports in `source` (at any depth, inside functions too) that reach a test module or conftest: as
    written, e.g. 'from .test_access import sign_in'."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if any(is_test_module(f"{module}.{alias.name}") for alias in node.names):
                names = ", ".join(alias.name for alias in node.names)
                found.append(f"from {'.' * node.level}{module} import {names}")
        elif isinstance(node, ast.Import):
            found += [f"import {alias.name}" for alias in node.names if is_test_module(alias.name)]
    return found


def is_test_module(dotted: str) -> bool:
    parts = [part for part in dotted.split(".") if part]
    if parts[:1] == ["tests"]:
        parts = parts[1:]
    return bool(parts) and (parts[0].startswith("test_") or parts[0] == "conftest")


@pytest.mark.parametrize("source, expected", [
    ("from .test_dashboard import app_for", ["from .test_dashboard import app_for"]),
    ("from tests.test_browser import start_server", ["from tests.test_browser import start_server"]),
    ("from .conftest import good_rows", ["from .conftest import good_rows"]),
    ("from . import test_access", ["from . import test_access"]),
    ("from tests import conftest", ["from tests import conftest"]),
    ("import tests.test_load", ["import tests.test_load"]),
    ("def f():\n    from .test_hostile_files import used_range\n", ["from .test_hostile_files import used_range"]),
    ("from .helpers.pages import sign_in", []),
    ("from tests.helpers.rows import good_rows", []),
    ("from etl.load import run_load", []),
    ("import pytest\nfrom bench import hostile_files as hostile", []),
])
def test_imports_of_test_modules_are_found_wherever_they_are(source, expected):
    assert imports_of_test_modules(source) == expected


@pytest.mark.parametrize("path", sorted(TESTS.rglob("*.py")), ids=lambda path: str(path.relative_to(TESTS)))
def test_no_module_of_the_tests_imports_a_test_module_or_conftest(path):
    assert imports_of_test_modules(path.read_text(encoding="utf-8")) == [], (
        f"{path.relative_to(REPOSITORY)}: move what is shared to tests/helpers/ (functions, constants) or "
        "tests/conftest.py (fixtures)")
