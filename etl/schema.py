"""The warehouse's layout: its tables (the programme's, one per sheet kind of etl/spec.py, the IATI ones, the
load's own records) and its views (etl/sql), made here and nowhere else, and the fingerprint of that layout.

A load writes the fingerprint into the file it builds (settings 'schema'); a reader compares it with its own
(`outdated`). A warehouse built by another version of the ETL (tables or views since changed: a column added,
a rule of a view rewritten) is then said to be one, to be loaded again, instead of being read by pages that fail
on a column it lacks, or show figures by rules this version no longer has.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import duckdb

from . import spec
from .programme import TITLE_FOLD
from .rules import CONVERSIONS, folded

SCHEMA_SETTING = "schema"  # the settings row holding the fingerprint of the layout the file was built with

SQL_DIR = Path(__file__).resolve().parent / "sql"
SQL_TYPES = {
    spec.TEXT: "VARCHAR", spec.NUMBER: "DOUBLE", spec.MONEY: "DECIMAL(18,2)", spec.PERCENT: "DOUBLE",
    spec.YEAR: "INTEGER", spec.PROGRAMME_YEAR: "INTEGER", spec.DATE: "DATE", spec.MONTH_START: "DATE",
    spec.MONTH_END: "DATE", spec.CHOICE: "VARCHAR", spec.COUNTRY: "VARCHAR", spec.OUTPUT: "VARCHAR",
    spec.AGENCY: "VARCHAR", spec.PHASE: "VARCHAR", spec.DIMENSION: "VARCHAR", spec.CATEGORY: "VARCHAR",
    spec.SDG_TARGETS: "VARCHAR", spec.PERIOD: "VARCHAR", spec.CURRENCY: "VARCHAR", spec.REPORTED_NUMBER: "DOUBLE",
    spec.WHOLE_NUMBER: "INTEGER",
}
VIEW_FILES = ("views.sql", "iati_views.sql")  # iati_views.sql uses the macros views.sql defines
# Columns derived from a sheet's own columns (etl/rules.py CONVERSIONS): the rate and the amounts in USD.
DERIVED_COLUMNS = {
    kind: (("fx_rate", "DECIMAL(18,6)"),) + tuple((f"{amount}_usd", "DECIMAL(18,2)") for amount in conversion.amounts)
    for kind, conversion in CONVERSIONS.items()}
SOURCE_COLUMNS = (("source_file", "VARCHAR NOT NULL"), ("source_sheet", "VARCHAR NOT NULL"),
                  ("source_row", "INTEGER NOT NULL"))
IATI_SOURCE = (("source_file", "VARCHAR NOT NULL"), ("source_activity", "INTEGER NOT NULL"), ("source_path", "VARCHAR"))
IATI_MONEY = (("value", "DECIMAL(18,2) NOT NULL"), ("currency", "VARCHAR"), ("currency_from", "VARCHAR"),
              ("value_date", "DATE"), ("fx_rate", "DECIMAL(18,6)"), ("fx_year", "INTEGER"),
              ("value_usd", "DECIMAL(18,2)"), ("conversion_note", "VARCHAR"))
# The tables an IATI file's activities are read into (etl/iati.py): table -> columns (name, SQL type), in
# order. docs/schema.md documents each.
IATI_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "iati_activities": (
        ("iati_identifier", "VARCHAR NOT NULL"), ("title", "VARCHAR"), ("reporting_org_ref", "VARCHAR"),
        ("reporting_org", "VARCHAR"), ("activity_status", "VARCHAR"), ("activity_status_name", "VARCHAR"),
        ("planned_start", "DATE"), ("actual_start", "DATE"), ("planned_end", "DATE"), ("actual_end", "DATE"),
        ("default_currency", "VARCHAR"), ("recipient_countries", "VARCHAR"), ("iati_version", "VARCHAR"),
        ("hierarchy", "INTEGER"), *IATI_SOURCE),
    "iati_results": (
        ("iati_identifier", "VARCHAR NOT NULL"), ("result_number", "INTEGER NOT NULL"), ("result_type", "VARCHAR"),
        ("result_type_name", "VARCHAR"), ("title", "VARCHAR"), ("description", "VARCHAR"),
        ("aggregation_status", "BOOLEAN"), *IATI_SOURCE),
    "iati_indicators": (
        ("iati_identifier", "VARCHAR NOT NULL"), ("result_number", "INTEGER NOT NULL"),
        ("indicator_number", "INTEGER NOT NULL"), ("title", "VARCHAR"), ("description", "VARCHAR"),
        ("measure", "VARCHAR"), ("measure_name", "VARCHAR"), ("ascending", "BOOLEAN NOT NULL"),
        ("reference_vocabulary", "VARCHAR"), ("reference_code", "VARCHAR"), *IATI_SOURCE),
    "iati_periods": (
        ("iati_identifier", "VARCHAR NOT NULL"), ("result_number", "INTEGER NOT NULL"),
        ("indicator_number", "INTEGER NOT NULL"), ("period_number", "INTEGER NOT NULL"),
        ("period_start", "DATE NOT NULL"), ("period_end", "DATE NOT NULL"), *IATI_SOURCE),
    "iati_values": (
        ("value_id", "INTEGER NOT NULL"), ("iati_identifier", "VARCHAR NOT NULL"),
        ("result_number", "INTEGER NOT NULL"), ("indicator_number", "INTEGER NOT NULL"),
        ("period_number", "INTEGER"), ("value_kind", "VARCHAR NOT NULL"), ("value", "DOUBLE"),
        ("baseline_year", "INTEGER"), ("baseline_date", "DATE"), ("dimensions", "VARCHAR"), ("comment", "VARCHAR"),
        *IATI_SOURCE),
    "iati_dimensions": (("value_id", "INTEGER NOT NULL"), ("name", "VARCHAR NOT NULL"), ("value", "VARCHAR")),
    "iati_budgets": (
        ("iati_identifier", "VARCHAR NOT NULL"), ("budget_number", "INTEGER NOT NULL"),
        ("budget_type", "VARCHAR NOT NULL"), ("budget_type_name", "VARCHAR"), ("budget_type_given", "BOOLEAN NOT NULL"),
        ("budget_status", "VARCHAR NOT NULL"), ("budget_status_name", "VARCHAR"),
        ("budget_status_given", "BOOLEAN NOT NULL"), ("period_start", "DATE NOT NULL"), ("period_end", "DATE NOT NULL"),
        *IATI_MONEY, *IATI_SOURCE),
    "iati_transactions": (
        ("iati_identifier", "VARCHAR NOT NULL"), ("transaction_number", "INTEGER NOT NULL"),
        ("transaction_ref", "VARCHAR"), ("transaction_type", "VARCHAR NOT NULL"), ("transaction_type_name", "VARCHAR"),
        ("transaction_date", "DATE NOT NULL"), *IATI_MONEY, ("provider_org_ref", "VARCHAR"),
        ("provider_org", "VARCHAR"), ("receiver_org_ref", "VARCHAR"), ("receiver_org", "VARCHAR"),
        ("description", "VARCHAR"), *IATI_SOURCE),
}
FIXED_TABLES = """
CREATE TABLE programme (code VARCHAR, title VARCHAR NOT NULL, short_title VARCHAR NOT NULL, board VARCHAR NOT NULL,
                        donor VARCHAR, reporting_agency VARCHAR NOT NULL, year_start_month INTEGER NOT NULL,
                        reporting VARCHAR NOT NULL, start_date DATE NOT NULL, end_date DATE NOT NULL,
                        earliest_date DATE NOT NULL, latest_date DATE NOT NULL, source VARCHAR NOT NULL,
                        sha256 VARCHAR NOT NULL, review VARCHAR, review_date DATE, deadline_days INTEGER NOT NULL);
CREATE TABLE reporting_expected (kind VARCHAR NOT NULL, scope VARCHAR NOT NULL, ordinal INTEGER NOT NULL,
                                 PRIMARY KEY (kind, scope));
CREATE TABLE phases (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, start_date DATE NOT NULL, end_date DATE NOT NULL,
                     ordinal INTEGER NOT NULL, year_start_month INTEGER NOT NULL, reporting VARCHAR NOT NULL);
CREATE TABLE agencies (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, iati_org VARCHAR, ordinal INTEGER NOT NULL);
CREATE TABLE countries (iso3 VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, region VARCHAR, government_lead VARCHAR,
                        phases VARCHAR[] NOT NULL, iso2 VARCHAR, iso_numeric VARCHAR, latitude DOUBLE, longitude DOUBLE);
CREATE TABLE results_chain (code VARCHAR PRIMARY KEY, level VARCHAR NOT NULL, parent VARCHAR, title VARCHAR NOT NULL,
                      scope VARCHAR, lead_agency VARCHAR, illustrative BOOLEAN NOT NULL, sdg_targets VARCHAR[] NOT NULL,
                      assumptions VARCHAR, ordinal INTEGER NOT NULL);
CREATE TABLE outputs (output_code VARCHAR PRIMARY KEY, level VARCHAR NOT NULL, lead_agency VARCHAR NOT NULL,
                      title VARCHAR NOT NULL);
CREATE TABLE programme_milestones (code VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, phase VARCHAR NOT NULL,
                                   kind VARCHAR NOT NULL, due_date DATE NOT NULL, ordinal INTEGER NOT NULL,
                                   other_titles VARCHAR[] NOT NULL DEFAULT []);
CREATE TABLE recommendation_phases (phase VARCHAR PRIMARY KEY, ordinal INTEGER NOT NULL);
CREATE TABLE dimensions (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, categories VARCHAR[] NOT NULL,
                         ordinal INTEGER NOT NULL);
CREATE TABLE periods (period VARCHAR PRIMARY KEY, programme_year INTEGER NOT NULL, half INTEGER NOT NULL,
                      period_start DATE NOT NULL, period_end DATE NOT NULL, year_label VARCHAR NOT NULL,
                      phase VARCHAR NOT NULL);
-- The programme countries taking part in each period's phase (programme.toml [[countries]] phases): whom a period
-- expects reports from (the view reporting_due), and whose rows for it the load warns about (etl/phase_countries.py).
CREATE VIEW taking_part AS
    SELECT p.period, c.iso3 AS country FROM periods p JOIN countries c ON list_contains(c.phases, p.phase);
CREATE TABLE fx_rates (currency VARCHAR NOT NULL, year INTEGER NOT NULL, units_per_usd DECIMAL(18,6) NOT NULL,
                       PRIMARY KEY (currency, year));
CREATE TABLE settings (name VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE statuses (family VARCHAR NOT NULL, status VARCHAR NOT NULL, rank INTEGER NOT NULL, attention INTEGER,
                       label VARCHAR NOT NULL, colour VARCHAR, symbol VARCHAR, at_least DOUBLE, meaning VARCHAR,
                       heading VARCHAR,
                       PRIMARY KEY (family, status));
CREATE TABLE indicator_trajectories (country VARCHAR, phase VARCHAR, indicator_code VARCHAR, continues VARCHAR,
                                     trajectory_code VARCHAR, linked BOOLEAN, source_file VARCHAR,
                                     source_sheet VARCHAR, source_row INTEGER);
CREATE TABLE load_log (file VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, loaded_at TIMESTAMP NOT NULL,
                       rows_loaded INTEGER NOT NULL, rows_rejected INTEGER NOT NULL, status VARCHAR NOT NULL);
CREATE TABLE rejected_rows (file VARCHAR NOT NULL, sheet VARCHAR NOT NULL, "row" INTEGER NOT NULL,
                            "table" VARCHAR NOT NULL, "column" VARCHAR NOT NULL, found VARCHAR NOT NULL,
                            expected VARCHAR NOT NULL, message VARCHAR NOT NULL, row_values VARCHAR NOT NULL);
CREATE TABLE load_warnings (file VARCHAR NOT NULL, sheet VARCHAR, "row" INTEGER, "column" VARCHAR,
                            kind VARCHAR NOT NULL, message VARCHAR NOT NULL);
"""


def table_columns(sheet: spec.Sheet) -> list[tuple[str, str]]:
    columns = []
    for c in sheet.columns:
        columns.append((c.key, SQL_TYPES[c.kind] + (" NOT NULL" if c.required else "")))
        if c.kind == spec.REPORTED_NUMBER:  # the text that stood in place of a number
            columns.append((f"{c.key}_note", "VARCHAR"))
        if c.key in sheet.key_any_case:  # as the key compares it (etl/rules.py FOLDS)
            columns.append((folded(c.key), "VARCHAR"))
    return columns + list(DERIVED_COLUMNS.get(sheet.kind, ())) + list(SOURCE_COLUMNS)


def table_statements() -> list[str]:
    """Every CREATE TABLE of the warehouse, in order, and the macros the load's rules and the views use."""
    statements = [FIXED_TABLES, f"CREATE MACRO title_folded(title) AS {TITLE_FOLD}"]
    for sheet in spec.ALL_SHEETS:
        body = ", ".join(f'"{name}" {sql_type}' for name, sql_type in table_columns(sheet))
        statements.append(f'CREATE TABLE "{sheet.table}" ({body})')
    for table, columns in IATI_TABLES.items():
        body = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
        statements.append(f'CREATE TABLE "{table}" ({body})')
    return statements


def view_statements() -> list[str]:
    """The views and macros of the warehouse (VIEW_FILES), in order."""
    return [(SQL_DIR / view_file).read_text(encoding="utf-8") for view_file in VIEW_FILES]


def create_schema(connection: duckdb.DuckDBPyConnection) -> None:
    """The warehouse's tables, empty."""
    for statement in table_statements():
        connection.execute(statement)


def create_views(connection: duckdb.DuckDBPyConnection) -> None:
    """The warehouse's views, over its filled tables."""
    for statement in view_statements():
        connection.execute(statement)


@cache
def fingerprint() -> str:
    """The layout's fingerprint: a digest of every statement that makes the warehouse's tables and views."""
    digest = hashlib.sha256()
    for statement in (*table_statements(), *view_statements()):
        digest.update(statement.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def outdated(connection: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse open on `connection` (reading it: etl.warehouse) was built with another layout than
    this version's, or before loads wrote theirs. A file without the settings table is not judged here: it is
    no warehouse at all, which its first query says."""
    try:
        recorded = connection.execute("SELECT value FROM settings WHERE name = ?", [SCHEMA_SETTING]).fetchall()
    except duckdb.CatalogException:
        return False
    return recorded != [(fingerprint(),)]


def outdated_words(database: str) -> str:
    """Why a warehouse `outdated` says so cannot be read, and what to do, after its name."""
    return (f"{database} was built by another version of the ETL: its tables and views are not those this version "
            "reads. Load it again with this version: python -m etl reload loads the files of its last load again "
            "(make database does so for the bundled sample), python -m etl load … any workbooks")
