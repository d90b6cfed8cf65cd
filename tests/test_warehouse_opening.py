"""One function opens the warehouse for reading (etl/warehouse.py: open_read_only), and nothing else does."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import duckdb
import pytest

from etl.warehouse import file_version, open_read_only, version_of

from .helpers.paths import REPOSITORY

THE_OPENER = Path("etl/warehouse.py")


def _code_files() -> list[Path]:
    """Every Python file of the project but the tests (which build their own databases)."""
    return sorted(path for path in REPOSITORY.rglob("*.py")
                  if not {".venv", "tests", ".data", "__pycache__"} & set(path.relative_to(REPOSITORY).parts))


def constant_text(node: ast.AST) -> str:
    """The constant parts of a string expression (a literal, an f-string, a concatenation), joined."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(constant_text(part) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return constant_text(node.left) + constant_text(node.right)
    return ""


def read_only_openings(path: Path) -> list[int]:
    """Lines of `path` that open a database read-only themselves: duckdb.connect(..., read_only=True),
    or a call given SQL text that ATTACHes a file READ_ONLY."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"
                and any(keyword.arg == "read_only" for keyword in node.keywords)):
            found.add(node.lineno)
        if isinstance(node, ast.Call) and node.args:
            text = constant_text(node.args[0]).upper()
            if "ATTACH" in text and "READ_ONLY" in text:
                found.add(node.lineno)
    return sorted(found)


def test_only_etl_warehouse_opens_the_warehouse_read_only():
    others = [f"{path.relative_to(REPOSITORY)}:{line}" for path in _code_files()
              if path.relative_to(REPOSITORY) != THE_OPENER for line in read_only_openings(path)]
    assert others == [], "open the warehouse with etl.warehouse.open_read_only instead: " + ", ".join(others)
    assert read_only_openings(REPOSITORY / THE_OPENER), "the opener itself is found by the scan"


def test_the_scan_finds_a_direct_read_only_connection(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("import duckdb\n"
                       "def look(path):\n"
                       "    return duckdb.connect(str(path), read_only=True)\n"
                       "def attach(c, path):\n"
                       "    c.execute(f\"ATTACH '{path}' AS w (READ_ONLY)\")\n")
    assert read_only_openings(planted) == [3, 5]


@pytest.fixture()
def warehouse_file(tmp_path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE reporting_date AS SELECT DATE '2017-07-31' AS as_of_date")
    return path


def test_reads_tables_by_their_bare_names(warehouse_file):
    with open_read_only(warehouse_file) as connection:
        assert connection.execute("SELECT as_of_date FROM reporting_date").fetchone()[0].isoformat() == "2017-07-31"
        # a cursor starts in the in-memory database; the cursor of the dashboard's cache is set the same way
        cursor = connection.cursor()
        with pytest.raises(duckdb.CatalogException):
            cursor.execute("SELECT * FROM reporting_date").fetchall()


def test_refuses_writes(warehouse_file):
    with open_read_only(warehouse_file) as connection, pytest.raises(duckdb.Error, match="read-only"):
        connection.execute("CREATE TABLE written AS SELECT 1 AS one")


def test_a_missing_table_is_an_error_not_a_python_variable(warehouse_file):
    budget = [1, 2, 3]  # noqa: F841 — a replacement scan would read this list as a table named budget
    with open_read_only(warehouse_file) as connection, pytest.raises(duckdb.CatalogException):
        connection.execute("SELECT * FROM budget").fetchall()


def test_a_replaced_file_is_read_afresh(warehouse_file, tmp_path):
    """A load swaps in a new file (os.replace); the next opening reads it even while the old one is open."""
    first = open_read_only(warehouse_file)
    replacement = tmp_path / "new.duckdb"
    with duckdb.connect(str(replacement)) as connection:
        connection.execute("CREATE TABLE reporting_date AS SELECT DATE '2018-01-31' AS as_of_date")
    os.replace(replacement, warehouse_file)
    try:
        with open_read_only(warehouse_file) as second:
            assert second.execute("SELECT as_of_date FROM reporting_date").fetchone()[0].isoformat() == "2018-01-31"
        assert first.execute("SELECT as_of_date FROM reporting_date").fetchone()[0].isoformat() == "2017-07-31"
    finally:
        first.close()


def test_a_file_that_is_not_a_database_raises_a_duckdb_error(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database")
    with pytest.raises(duckdb.Error, match="not a valid DuckDB database"):
        open_read_only(path)


def test_a_replaced_file_has_a_new_version_and_a_missing_file_none(warehouse_file, tmp_path):
    before = file_version(warehouse_file)
    assert before == version_of(os.stat(warehouse_file))
    replacement = tmp_path / "new.duckdb"
    replacement.write_bytes(warehouse_file.read_bytes())  # the same bytes, as a load of the same inputs writes
    os.replace(replacement, warehouse_file)
    assert file_version(warehouse_file) not in (None, before)
    assert file_version(tmp_path / "nothing.duckdb") is None
