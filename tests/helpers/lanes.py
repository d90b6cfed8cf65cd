"""The fast lane against the per-cell path: one input loaded down each lane, the databases compared."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl import spec
from etl.load import run_load

from .paths import SAMPLE_AS_OF

COMPARED = [s.table for s in spec.ALL_SHEETS] + ["rejected_rows", "load_warnings"]


def load_both(paths: list[Path], tmp_path: Path, monkeypatch) -> tuple[Path, Path, list[str]]:
    messages: list[str] = []
    monkeypatch.setenv("MM_FAST_LANE", "0")
    per_cell = run_load(paths, tmp_path / "per-cell.duckdb", as_of=SAMPLE_AS_OF).database
    monkeypatch.setenv("MM_FAST_LANE", "1")
    fast = run_load(paths, tmp_path / "fast.duckdb", as_of=SAMPLE_AS_OF, progress=messages.append).database
    return per_cell, fast, messages


def contents(path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = {table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
                  for table in COMPARED}
        tables["load_log"] = sorted(connection.execute(
            "SELECT file, rows_loaded, rows_rejected, status FROM load_log").fetchall())
    return tables


def assert_same(per_cell: Path, fast: Path) -> dict[str, list[tuple]]:
    expected, found = contents(per_cell), contents(fast)
    for table in expected:
        assert found[table] == expected[table], table
    return found
