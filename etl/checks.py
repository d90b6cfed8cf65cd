"""Column rules, declared as data and checked on every newly built database before it is swapped in.

The rules follow from etl/spec.py (required columns are not null, keys are unique, choices are
accepted values, countries / outputs / periods exist in the reference tables), so a new column
gets its checks by being declared there.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from . import spec


@dataclass(frozen=True)
class Rule:
    table: str
    kind: str  # not_null | unique | accepted_values | relationship
    columns: tuple[str, ...]
    values: tuple[str, ...] = ()  # accepted values, or (reference table, reference column)

    def __str__(self) -> str:
        target = f" in {self.values}" if self.values else ""
        return f"{self.kind}({self.table}.{', '.join(self.columns)}){target}"


REFERENCES = {spec.COUNTRY: ("countries", "iso3"), spec.OUTPUT: ("outputs", "output_code"),
              spec.PERIOD: ("periods", "period")}


# IATI tables (etl/iati.py): activities are unique by identifier, their parts by position.
IATI_RULES = [
    Rule("iati_activities", "unique", ("iati_identifier",)),
    Rule("iati_results", "unique", ("iati_identifier", "result_number")),
    Rule("iati_indicators", "unique", ("iati_identifier", "result_number", "indicator_number")),
    Rule("iati_periods", "unique", ("iati_identifier", "result_number", "indicator_number", "period_number")),
    Rule("iati_values", "unique", ("value_id",)),
    Rule("iati_budgets", "unique", ("iati_identifier", "budget_number")),
    Rule("iati_transactions", "unique", ("iati_identifier", "transaction_number")),
    Rule("iati_values", "accepted_values", ("value_kind",), ("baseline", "target", "actual")),
]


def declared_rules() -> list[Rule]:
    rules = list(IATI_RULES)
    for sheet in spec.ALL_SHEETS:
        rules.append(Rule(sheet.table, "unique", sheet.key))
        for column in sheet.columns:
            if column.required:
                rules.append(Rule(sheet.table, "not_null", (column.key,)))
            if column.choices:
                rules.append(Rule(sheet.table, "accepted_values", (column.key,), column.choices))
            if column.kind in REFERENCES:
                rules.append(Rule(sheet.table, "relationship", (column.key,), REFERENCES[column.kind]))
    return rules


def _failing_rows(connection: duckdb.DuckDBPyConnection, rule: Rule) -> int:
    # Identifiers come from the declared rules above, never from input; values are parameters.
    table, columns = rule.table, rule.columns
    if rule.kind == "not_null":
        sql = f'SELECT count(*) FROM "{table}" WHERE "{columns[0]}" IS NULL'
        return connection.execute(sql).fetchone()[0]
    if rule.kind == "unique":
        column_list = ", ".join(f'"{c}"' for c in columns)
        sql = (f'SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM "{table}" '
               f"GROUP BY {column_list} HAVING count(*) > 1)")
        return connection.execute(sql).fetchone()[0]
    if rule.kind == "accepted_values":
        sql = f'SELECT count(*) FROM "{table}" WHERE "{columns[0]}" IS NOT NULL AND NOT list_contains(?, "{columns[0]}")'
        return connection.execute(sql, [list(rule.values)]).fetchone()[0]
    if rule.kind == "relationship":
        ref_table, ref_column = rule.values
        sql = (f'SELECT count(*) FROM "{table}" t WHERE t."{columns[0]}" IS NOT NULL AND t."{columns[0]}" <> ? '
               f'AND NOT EXISTS (SELECT 1 FROM "{ref_table}" r WHERE r."{ref_column}" = t."{columns[0]}")')
        return connection.execute(sql, ["GLOBAL"]).fetchone()[0]
    raise ValueError(f"unknown rule kind {rule.kind}")


def run_checks(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Every rule that fails, with the number of rows breaking it; empty when the database is sound."""
    failures = []
    for rule in declared_rules():
        count = _failing_rows(connection, rule)
        if count:
            failures.append(f"{rule}: {count} row(s)")
    return failures
