"""Rows that repeat a key, found by the database being built once every file's rows are in it.

A row with the key of an earlier accepted row (files in the order read, then sheets, then rows) is
rejected, naming the first. In the results matrix every period row of an indicator must also give the
first row's attributes (etl/rules.py INDICATOR_ATTRIBUTES); a row that does not is rejected, and is not
the first of its key for the rows after it. This is done in SQL, so that a million expenditure lines
need no keys held in Python; the messages are word for word those of the row-by-row check it replaced.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import duckdb
import pandas as pd

from . import spec
from .errors import Problem, describe
from .parse import clean_text
from .rules import INDICATOR_ATTRIBUTES
from .transform import RejectedRow, Validated


def _quoted(names: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _rejected_sql(sheet: spec.Sheet) -> str:
    """(row, first of its key, first of its indicator, is a duplicate, breaks its indicator) of every row
    to reject. Table and column names come from etl/spec.py, never from a file."""
    if sheet.kind == "results":
        firsts = ", ".join(f'FIRST_VALUE("{a}") OVER indicator AS "first_{a}"' for a in INDICATOR_ATTRIBUTES)
        conflict = " OR ".join(f'"{a}" IS DISTINCT FROM "first_{a}"' for a in INDICATOR_ATTRIBUTES)
        checked = (f"SELECT *, ({conflict}) AS conflict FROM (SELECT *, {firsts}, FIRST_VALUE(rid) OVER indicator "
                   "AS indicator_rid FROM ordered WINDOW indicator AS (PARTITION BY country, indicator_code "
                   "ORDER BY ordinal, source_row))")
    else:
        checked = "SELECT *, FALSE AS conflict, NULL::BIGINT AS indicator_rid FROM ordered"
    return f"""
        WITH ordered AS (
            SELECT t.rowid AS rid, o.ordinal, t.* FROM "{sheet.table}" t JOIN load_order o USING (source_file, source_sheet)
        ), checked AS ({checked}),
        ranked AS (
            SELECT rid, conflict, indicator_rid, ordinal, source_row,
                   FIRST_VALUE(rid) OVER k AS key_rid, FIRST_VALUE(conflict) OVER k AS key_conflict,
                   FIRST_VALUE(ordinal) OVER k AS key_ordinal, FIRST_VALUE(source_row) OVER k AS key_row
            FROM checked WINDOW k AS (PARTITION BY {_quoted(sheet.key)} ORDER BY conflict, ordinal, source_row)
        )
        SELECT rid, key_rid, indicator_rid,
               NOT key_conflict AND rid <> key_rid
                   AND (ordinal > key_ordinal OR (ordinal = key_ordinal AND source_row > key_row)) AS duplicate,
               conflict
        FROM ranked
        WHERE (NOT key_conflict AND rid <> key_rid
               AND (ordinal > key_ordinal OR (ordinal = key_ordinal AND source_row > key_row))) OR conflict
        ORDER BY ordinal, source_row"""


def reject_duplicates(connection: duckdb.DuckDBPyConnection, validated: dict[str, Validated],
                      order: list[tuple[str, str]]) -> Counter:
    """Move every row repeating a key out of its table into `rejected`; returns the rows removed per file."""
    removed: Counter = Counter()
    connection.register("load_order", pd.DataFrame(
        [(file, sheet, ordinal) for ordinal, (file, sheet) in enumerate(order)],
        columns=["source_file", "source_sheet", "ordinal"]))
    try:
        for result in validated.values():
            if result.accepted:
                for rejected in _reject(connection, result):
                    result.rejected.append(rejected)
                    result.accepted -= 1
                    removed[rejected.file] += 1
    finally:
        connection.unregister("load_order")
    return removed


def _reject(connection: duckdb.DuckDBPyConnection, result: Validated) -> list[RejectedRow]:
    sheet = result.sheet
    found = connection.execute(_rejected_sql(sheet)).fetchall()
    if not found:
        return []
    needed = sorted({rid for row in found for rid in row[:3] if rid is not None})
    cursor = connection.execute(f'SELECT rowid AS rid, * FROM "{sheet.table}" WHERE rowid IN (SELECT UNNEST($rids))',
                                {"rids": needed})
    names = [d[0] for d in cursor.description]
    records = {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}
    rejected = []
    for rid, key_rid, indicator_rid, duplicate, _ in found:
        record = records[rid]
        where = (record["source_file"], record["source_sheet"], record["source_row"])
        if duplicate:
            problems = [_duplicate(sheet, record, where, records[key_rid])]
        else:
            problems = _conflicts(sheet, record, where, records[indicator_rid])
        rejected.append(RejectedRow(*where, sheet.table, problems, _record_values(sheet, record)))
    connection.execute(f'DELETE FROM "{sheet.table}" WHERE rowid IN (SELECT UNNEST($rids))',
                       {"rids": [row[0] for row in found]})
    return rejected


def _duplicate(sheet: spec.Sheet, record: dict, where: tuple, first: dict) -> Problem:
    key_headers = " + ".join(sheet.column(k).header for k in _named_key(sheet, record))
    return Problem(*where, key_headers, f"a second row for {_key_text(sheet, record)}",
                   f"one row per {key_headers} (first given at {_location(first)})")


def _conflicts(sheet: spec.Sheet, record: dict, where: tuple, first: dict) -> list[Problem]:
    problems = []
    for attribute in INDICATOR_ATTRIBUTES:
        if record[attribute] != first[attribute]:
            header = sheet.column(attribute).header
            problems.append(Problem(*where, header, describe(record[attribute]),
                                    f"{describe(first[attribute])} as on {_location(first)} "
                                    f"(every period row of indicator {record['indicator_code']} "
                                    f"must give the same {header})"))
    return problems


def _named_key(sheet: spec.Sheet, record: dict) -> list[str]:
    """The key columns a message names: Expenditure's Line only where one was given."""
    return [k for k in sheet.key if k != "line" or record[k] is not None]


def _key_text(sheet: spec.Sheet, record: dict) -> str:
    return ", ".join(f"{sheet.column(k).header} {record[k] if record[k] is not None else '(empty)'}"
                     for k in _named_key(sheet, record) if k != "text")


def _location(record: dict[str, Any]) -> str:
    return f"{record['source_file']} › {record['source_sheet']} › row {record['source_row']}"


def _record_values(sheet: spec.Sheet, record: dict) -> dict[str, str]:
    return {c.header: clean_text(record[c.key]) for c in sheet.columns if record.get(c.key) is not None}
