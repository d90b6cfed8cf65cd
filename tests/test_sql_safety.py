"""No user value ever reaches SQL text: SQL handed to DuckDB is constant text with parameters.

The test reads the code (ast): every string built at run time (f-string, concatenation, .format) and
passed to execute / sql is listed. Its interpolated parts must be module constants (UPPER_CASE names)
or one of the identifiers below, each of which comes from code, never from input."""

from __future__ import annotations

import ast
import sys

from .helpers.paths import REPOSITORY

PACKAGES = ("etl", "mm_core", "mm_dashboard", "reports", "app_pages")
SQL_METHODS = {"execute", "executemany", "sql", "query"}
# (file, function, interpolated expression): why it is safe
ALLOWED = {
    ("etl/checks.py", "_failing_rows", "table"): "table names from the declared rules (etl/spec.py)",
    ("etl/checks.py", "_failing_rows", "columns[0]"): "column names from the declared rules",
    ("etl/checks.py", "_failing_rows", "column_list"): "quoted column names from the declared rules",
    ("etl/checks.py", "_failing_rows", "ref_table"): "reference table named in etl/checks.REFERENCES",
    ("etl/checks.py", "_failing_rows", "ref_column"): "reference column named in etl/checks.REFERENCES",
    ("etl/load.py", "_insert_rows", "table"): "table names written in etl/load.py",
    ("etl/load.py", "insert_table", "table"): "table names from etl/spec.py and etl/schema.IATI_TABLES",
    ("etl/load.py", "insert_table", "column_list"): "quoted column names from the same",
    ("etl/load.py", "insert_table", "casts"): "casts to the column types declared in the same",
    ("etl/load.py", "insert_staged", "sheet.table"): "table names from etl/spec.py",
    ("etl/load.py", "insert_staged", "names"): "quoted column names from etl/spec.py",
    ("etl/load.py", "insert_staged", "expressions"): "casts of those columns, built in etl/load._column_expression",
    ("etl/load.py", "insert_staged", "derived"): "the derivations declared in etl/rules.py (CONVERSIONS, LOOKUPS)",
    ("etl/rules.py", "__init__", "staging_table(sheet.kind)"): "staging table names from etl/spec.py kinds",
    ("etl/rules.py", "__init__", "body"): "column definitions from etl/rules.py staging_columns (etl/spec.py)",
    ("etl/rules.py", "stage", "staging_table(kind)"): "staging table names from etl/spec.py kinds",
    ("etl/load.py", "inspect_inputs", "result.sheet.table"): "table names from etl/spec.py",
    ("etl/load.py", "currencies_named", "table"): "table names from etl/spec.py, of the kinds in etl/rules.CONVERSIONS",
    ("etl/origins.py", "loaded_sheets", "sheet.table"): "table names from etl/spec.py",
    ("etl/origins.py", "loaded_countries", "sheet.table"): "table names from etl/spec.py",
    ("etl/cross_row.py", "_reject", "table"): "staging table names from etl/spec.py kinds (etl/rules.py)",
    ("mm_core/queries.py", "finance_by", "column"): "a column picked from FINANCE_DIMENSIONS by key",
    ("mm_core/queries.py", "finance_by_year", "column"): "a column picked from FINANCE_DIMENSIONS by key",
    ("mm_dashboard/db.py", "_take", "view"): "view names written in mm_dashboard/db.JUDGED_VIEWS",
}


def dynamic_parts(node: ast.AST) -> list[ast.AST] | None:
    """The run-time parts of a string expression, or None when it is not built at run time."""
    if isinstance(node, ast.JoinedStr):
        return [value.value for value in node.values if isinstance(value, ast.FormattedValue)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        parts = []
        for side in (node.left, node.right):
            inner = dynamic_parts(side)
            if inner is not None:
                parts.extend(inner)
            elif not (isinstance(side, ast.Constant) and isinstance(side.value, str)):
                parts.append(side)
        return parts
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return list(node.args) + [k.value for k in node.keywords]
    return None


def sql_texts(function: ast.AST, argument: ast.AST) -> list[ast.AST]:
    """The expression passed as SQL, or, for a variable, every value assigned to it in the function."""
    if not isinstance(argument, ast.Name):
        return [argument]
    return [node.value for node in ast.walk(function) if isinstance(node, ast.Assign)
            and any(isinstance(target, ast.Name) and target.id == argument.id for target in node.targets)]


def is_constant_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id.isupper()


def sql_interpolations() -> list[tuple[str, str, str, int]]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPOSITORY / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            relative = str(path.relative_to(REPOSITORY))
            for function in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]:
                for call in [n for n in ast.walk(function) if isinstance(n, ast.Call)]:
                    if not (isinstance(call.func, ast.Attribute) and call.func.attr in SQL_METHODS and call.args):
                        continue
                    for text in sql_texts(function, call.args[0]):
                        for part in dynamic_parts(text) or []:
                            if not is_constant_name(part):
                                found.append((relative, function.name, ast.unparse(part), call.lineno))
    return found


def test_no_sql_text_is_built_from_anything_but_constants_and_code_identifiers():
    unexpected = [f"{file}:{line} in {function}(): {{{expression}}}"
                  for file, function, expression, line in sql_interpolations()
                  if (file, function, expression) not in ALLOWED]
    assert not unexpected, "SQL built from a run-time value; use a $parameter:\n" + "\n".join(unexpected)
    used = {(file, function, expression) for file, function, expression, _ in sql_interpolations()}
    assert not set(ALLOWED) - used, f"allowances no longer needed: {sorted(set(ALLOWED) - used)}"


def test_the_scan_finds_an_f_string_with_a_value(tmp_path, monkeypatch):
    """The scan itself works: a planted f-string with a variable is reported."""
    package = tmp_path / "etl"
    package.mkdir()
    (package / "bad.py").write_text("def find(cursor, name):\n"
                                    "    return cursor.execute(f\"SELECT * FROM t WHERE name = '{name}'\")\n")
    monkeypatch.setattr(sys.modules[__name__], "REPOSITORY", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGES", ("etl",))
    assert sql_interpolations() == [("etl/bad.py", "find", "name", 2)]
