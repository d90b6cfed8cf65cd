"""Layers, one way down: etl (bottom) <- mm_core <- reports <- mm_dashboard (Streamlit) <- app_pages, dashboard.py.

Every import of every module is read (ast), those inside functions too: a layer imports only layers below it,
and nothing below the UI imports Streamlit."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers.paths import REPOSITORY

# package: what it must never import
FORBIDDEN = {
    "etl": {"mm_core", "reports", "mm_dashboard", "app_pages", "dashboard", "streamlit"},
    "mm_core": {"reports", "mm_dashboard", "app_pages", "dashboard", "streamlit"},
    "reports": {"mm_dashboard", "app_pages", "dashboard", "streamlit"},
    "mm_dashboard": {"app_pages", "dashboard"},
}


def imported_packages(path: Path, package: str) -> set[tuple[str, int]]:
    """(top-level package, line) of every import in `path`; a relative import is of `package` itself."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add((package if node.level else (node.module or "").split(".")[0], node.lineno))
    return found


def layer_violations(repository: Path = REPOSITORY) -> list[str]:
    violations = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((repository / package).rglob("*.py")):
            for imported, line in sorted(imported_packages(path, package)):
                if imported in forbidden:
                    violations.append(f"{path.relative_to(repository)}:{line} imports {imported}")
    return violations


def test_every_layer_imports_only_the_layers_below_it():
    assert layer_violations() == []


@pytest.mark.parametrize(("package", "code", "expected"), [
    ("etl", "from reports import build_board_pack\n", "etl/planted.py:1 imports reports"),
    ("etl", "def later():\n    import mm_core.queries\n", "etl/planted.py:2 imports mm_core"),
    ("mm_core", "import streamlit as st\n", "mm_core/planted.py:1 imports streamlit"),
    ("reports", "from mm_dashboard.ui import chart\n", "reports/planted.py:1 imports mm_dashboard"),
    ("mm_dashboard", "from app_pages import overview\n", "mm_dashboard/planted.py:1 imports app_pages"),
])
def test_the_scan_finds_an_import_running_back_up(tmp_path, package, code, expected):
    for name in FORBIDDEN:
        (tmp_path / name).mkdir()
    (tmp_path / package / "planted.py").write_text(code)
    assert layer_violations(tmp_path) == [expected]


def test_a_relative_import_stays_in_its_package(tmp_path):
    for name in FORBIDDEN:
        (tmp_path / name).mkdir()
    (tmp_path / "reports" / "planted.py").write_text("from . import content\nfrom .pdf import write_pdf\n")
    assert layer_violations(tmp_path) == []


def test_the_core_and_the_reports_load_without_streamlit():
    """What they import in turn (pandas, altair, reportlab, …) does not bring Streamlit in either."""
    code = ("import sys, etl.__main__, mm_core.access, mm_core.charts, mm_core.queries, mm_core.upload_process, "
            "reports, "
            "reports.__main__; print('streamlit' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPOSITORY, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"

