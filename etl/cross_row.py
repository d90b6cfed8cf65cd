"""The cross-row rules of etl/rules.py (CROSS_ROW_RULES), run in SQL over the staging tables once every
file's rows are in them.

The rows are taken in load order: files in the order read, then sheets, then rows. A KeyRule rejects a
row with the key of an earlier accepted row, naming the first; a RepeatRule rejects a row that does not
repeat its group's first row in the rule's columns, and such a row is not the first of its key for the
rows after it. Rejected rows leave staging. This is done in SQL, so that a million expenditure lines need
no keys held in Python; this module only runs the declarations (table and column names come from
etl/spec.py and etl/rules.py, never from a file).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import duckdb
import pyarrow as pa

from . import spec
from .errors import Problem, describe
from .parse import clean_text
from .rules import KeyRule, RepeatRule, cross_row_rules_for, folded, staged_record, staging_table
from .transform import RejectedRow, Validated

LOAD_ORDER = "load_order"  # (source_file, source_sheet, ordinal): the sheets in the order read


def _quoted(names: tuple[str, ...] | list[str], any_case: tuple[str, ...] = ()) -> str:
    """The columns as SQL, those of `any_case` as staged folded (rules.FOLDS)."""
    return ", ".join(f'"{folded(name)}"' if name in any_case else f'"{name}"' for name in names)


def _rejected_sql(kind: str, keys: list[KeyRule], repeats: list[RepeatRule]) -> str:
    """(row id, then per KeyRule: the first of its key and whether the row repeats it; per RepeatRule: the
    first of its group and whether the row breaks it) of every row to reject, in load order."""
    firsts, windows, breaks = [], [], []
    for index, rule in enumerate(repeats):
        firsts += [f'FIRST_VALUE("{c}") OVER g{index} AS "first{index}_{c}"' for c in rule.columns]
        firsts.append(f"FIRST_VALUE(rid) OVER g{index} AS group_rid{index}")
        windows.append(f"g{index} AS (PARTITION BY {_quoted(rule.group)} ORDER BY ordinal, source_row)")
        breaks.append(f"(" + " OR ".join(f'"{c}" IS DISTINCT FROM "first{index}_{c}"' for c in rule.columns)
                      + f") AS breaks{index}")
    checked = (f"SELECT *, {', '.join(breaks)} FROM (SELECT *, {', '.join(firsts)} FROM ordered "
               f"WINDOW {', '.join(windows)})") if repeats else "SELECT * FROM ordered"
    conflict = " OR ".join(f"breaks{index}" for index in range(len(repeats))) or "FALSE"
    ranks, repeated = [], []
    for index, rule in enumerate(keys):
        window = f"(PARTITION BY {_quoted(rule.key, rule.any_case)} ORDER BY conflict, ordinal, source_row)"
        ranks.append(f"FIRST_VALUE(rid) OVER {window} AS key_rid{index}, "
                     f"FIRST_VALUE(conflict) OVER {window} AS key_conflict{index}, "
                     f"FIRST_VALUE(ordinal) OVER {window} AS key_ordinal{index}, "
                     f"FIRST_VALUE(source_row) OVER {window} AS key_row{index}")
        repeated.append(f"(NOT key_conflict{index} AND rid <> key_rid{index} AND (ordinal > key_ordinal{index} "
                        f"OR (ordinal = key_ordinal{index} AND source_row > key_row{index}))) AS repeats{index}")
    returned = ["rid"] + [f"key_rid{i}, repeats{i}" for i in range(len(keys))] + [
        f"group_rid{i}, breaks{i}" for i in range(len(repeats))]
    rejected = " OR ".join([f"repeats{i}" for i in range(len(keys))] + ["conflict"])
    # Only a group of two rows or more can break a rule: the windows run over the rows of those groups
    # (whole groups, found by the hash of their columns; a collision only adds whole groups).
    table = staging_table(kind)
    shared = " OR ".join(f"hash({_quoted(columns, any_case)}) IN (SELECT hash({_quoted(columns, any_case)}) "
                         f"FROM {table} GROUP BY 1 HAVING count(*) > 1)"
                         for columns, any_case in [(rule.key, rule.any_case) for rule in keys]
                         + [(rule.group, ()) for rule in repeats])
    return f"""
        WITH ordered AS (
            SELECT t.rowid AS rid, o.ordinal, t.* FROM {table} t
            JOIN {LOAD_ORDER} o USING (source_file, source_sheet) WHERE {shared}
        ), checked AS (SELECT *, {conflict} AS conflict FROM ({checked})),
        ranked AS (SELECT *{''.join(', ' + rank for rank in ranks)} FROM checked),
        verdicts AS (SELECT *{''.join(', ' + r for r in repeated)} FROM ranked)
        SELECT {', '.join(returned)} FROM verdicts WHERE {rejected} ORDER BY ordinal, source_row"""


def reject_cross_row(connection: duckdb.DuckDBPyConnection, validated: dict[str, Validated],
                     order: list[tuple[str, str]]) -> Counter:
    """Move every row breaking a cross-row rule out of staging into `rejected`; returns the rows removed per
    file."""
    removed: Counter = Counter()
    connection.register(LOAD_ORDER, pa.table({"source_file": pa.array([file for file, _ in order], pa.string()),
                                              "source_sheet": pa.array([sheet for _, sheet in order], pa.string()),
                                              "ordinal": pa.array(range(len(order)), pa.int64())}))
    try:
        for result in validated.values():
            if result.accepted:
                for rejected in _reject(connection, result):
                    result.rejected.append(rejected)
                    result.accepted -= 1
                    removed[rejected.file] += 1
    finally:
        connection.unregister(LOAD_ORDER)
    return removed


def _reject(connection: duckdb.DuckDBPyConnection, result: Validated) -> list[RejectedRow]:
    sheet = result.sheet
    rules = cross_row_rules_for(sheet.kind)
    keys = [rule for rule in rules if isinstance(rule, KeyRule)]
    repeats = [rule for rule in rules if isinstance(rule, RepeatRule)]
    if not rules:
        return []
    found = connection.execute(_rejected_sql(sheet.kind, keys, repeats)).fetchall()
    if not found:
        return []
    needed = sorted({rid for row in found for rid in row[1::2] + row[:1] if rid is not None})
    table = staging_table(sheet.kind)
    cursor = connection.execute(f'SELECT rowid AS rid, * FROM {table} WHERE rowid IN (SELECT UNNEST($rids))',
                                {"rids": needed})
    names = [d[0] for d in cursor.description]
    records = {row[0]: staged_record(sheet, dict(zip(names, row))) for row in cursor.fetchall()}
    rejected = []
    for rid, *verdicts in found:
        record = records[rid]
        where = (record["source_file"], record["source_sheet"], record["source_row"])
        key_verdicts, repeat_verdicts = verdicts[:2 * len(keys)], verdicts[2 * len(keys):]
        problems = [_repeated_key(rule, sheet, record, where, records[first])
                    for rule, first, repeated in zip(keys, key_verdicts[::2], key_verdicts[1::2]) if repeated]
        if not problems:
            problems = [problem for rule, first, broken in zip(repeats, repeat_verdicts[::2], repeat_verdicts[1::2])
                        if broken for problem in _differences(rule, sheet, record, where, records[first])]
        rejected.append(RejectedRow(*where, sheet.table, problems, _record_values(sheet, record)))
    connection.execute(f'DELETE FROM {table} WHERE rowid IN (SELECT UNNEST($rids))',
                       {"rids": [row[0] for row in found]})
    return rejected


def _repeated_key(rule: KeyRule, sheet: spec.Sheet, record: dict, where: tuple, first: dict) -> Problem:
    named = [k for k in rule.key if k not in rule.named_where_given or record[k] is not None]
    parts = dict(record, first=_location(first), key_headers=" + ".join(sheet.column(k).header for k in named),
                 key_values=", ".join(f"{sheet.column(k).header} {record[k] if record[k] is not None else '(empty)'}"
                                      for k in named if k not in rule.not_quoted))
    return Problem(*where, rule.column.format_map(parts), rule.found.format_map(parts), rule.expected.format_map(parts))


def _differences(rule: RepeatRule, sheet: spec.Sheet, record: dict, where: tuple, first: dict) -> list[Problem]:
    problems = []
    for column in rule.columns:
        if record[column] != first[column]:
            header = sheet.column(column).header
            parts = dict(record, header=header, first_value=describe(first[column]), first=_location(first))
            problems.append(Problem(*where, header, describe(record[column]), rule.expected.format_map(parts)))
    return problems


def _location(record: dict[str, Any]) -> str:
    return f"{record['source_file']} › {record['source_sheet']} › row {record['source_row']}"


def _record_values(sheet: spec.Sheet, record: dict) -> dict[str, str]:
    return {c.header: clean_text(record[c.key]) for c in sheet.columns if record.get(c.key) is not None}
