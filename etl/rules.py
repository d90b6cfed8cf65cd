"""The rules rows must meet and the values derived with them, declared once as data and run in SQL over
the staging tables.

Both lanes parse cells only (etl/transform.py cell by cell, etl/columnar.py column by column). The rows
whose every cell parsed are *staged*: appended (from Arrow, typed as STAGED_TYPES says, amounts as whole
cents, with source_file, source_sheet and source_row) to the staging table of their sheet kind,
`staging."<kind>"`, in a staging database attached to the building database's connection (`Rules`). Then,
for every lane alike:

- `Rules.stage` derives, in the INSERT itself, each row's currency where empty and the exchange rate it
  converts at (CONVERSIONS: the rate of a year, or the nearest year's), then runs the kind's RULES over
  the rows just staged, once, and takes the rows breaking one out of staging again, returning each one's
  problems in the order of RULES; etl.transform.stage rejects those rows with their cells as typed, so a
  message reads `file › sheet › row › column: found X, expected Y` as for a cell;
- once every file is in, etl/cross_row.py runs CROSS_ROW_RULES over the staging tables (KeyRule: one row
  per key, etl/spec.py Sheet.key; RepeatRule: an indicator's attributes, INDICATOR_ATTRIBUTES, the same
  in every period row), taking the rows breaking one out of staging;
- etl/load.py then fills each table from its staging table with one INSERT ... SELECT of `derived_sql`
  (the amounts in US cents of CONVERSIONS, the lookups of LOOKUPS), and the staging database is dropped:
  a warehouse does not carry it.

A rule's `violated` is an SQL predicate over a staged row and its derived columns: TRUE means the rule is
broken, FALSE or NULL that it is met (so a rule about an empty cell says `x IS NULL`). `column` is the
column it blames, `found` the SQL value shown as found (NULL: an empty cell) and `expected` a template of
the "expected ..." text: words with `{SQL expression}` parts. A cross-row rule's templates are filled
from the rows it compares (KeyRule, RepeatRule say with what).

The programme year (it starts in the month programme.toml's [calendar] year_start_month names, or a
phase's own) is the SQL macro `programme_year_of(day)`, defined here and only here. docs/schema.md, "Where
the rules live".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import duckdb
import pyarrow as pa

from . import spec
from .errors import Problem, describe
from .parse import MONEY_LIMIT
from .reference import GLOBAL, Reference

USD_CENTS_LIMIT = int(MONEY_LIMIT * 100)  # 10^16 US dollars: DECIMAL(18,2) holds 16 digits before the point
STAGED = "staged_rows"  # the name staged rows are queried by (the Arrow table a lane stages, a staging table)
RATES = "rule_rates"  # the exchange rates as the rules use them (exact fractions, and the text as shipped)
RATE_YEARS_TABLE = "rule_rate_years"  # RATE_YEARS, a temporary table of the building database
STAGING = "staging"  # the staging database, attached to the building connection (Rules)
# Rows staged per INSERT: DuckDB holds what one INSERT writes until it commits, so a sheet of a million
# rows goes in a few statements (memory as when it was written file by file).
STAGING_SLICE = 122_880
BATCH = "staging_batch"  # the column numbering each batch of rows staged (one sheet of a lane, at a time)

# How a parsed value is staged, by column kind (others are text). Amounts are whole cents, so that
# DuckDB's integer arithmetic converts them exactly.
STAGED_TYPES = {spec.NUMBER: pa.float64(), spec.PERCENT: pa.float64(), spec.MONEY: pa.int64(),
                spec.YEAR: pa.int64(), spec.PROGRAMME_YEAR: pa.int64(), spec.WHOLE_NUMBER: pa.int64(),
                spec.DATE: pa.date32(), spec.MONTH_START: pa.date32(), spec.MONTH_END: pa.date32(),
                spec.REPORTED_NUMBER: pa.float64()}
SOURCE_TYPES = (("source_file", pa.string()), ("source_sheet", pa.string()), ("source_row", pa.int32()))
STAGING_SQL_TYPES = {pa.float64(): "DOUBLE", pa.int64(): "BIGINT", pa.int32(): "INTEGER", pa.date32(): "DATE",
                     pa.string(): "VARCHAR"}


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str  # the sheet kind it applies to (etl/spec.py)
    column: str  # the column it blames
    violated: str  # SQL: TRUE where the rule is broken
    found: str  # SQL: the value shown as found; NULL is 'an empty cell'
    expected: str  # the "expected ..." text, with {SQL expression} parts


def _cents_text(amount: str) -> str:
    """An amount in whole cents as text with two decimals ('12500.00'), as the per-cell parser's Decimal."""
    return f"CAST(CAST(CAST({amount} AS DECIMAL(18,0)) * 0.01 AS DECIMAL(18,2)) AS VARCHAR)"


def _too_many_dollars(kind: str, amount: str) -> Rule:
    return Rule(f"{amount} below 10^16 US dollars", kind, amount, f"{amount}_usd_cents >= {USD_CENTS_LIMIT}",
                _cents_text(amount), "an amount below 10^16 US dollars once converted (at {fx_rate_text} "
                                     "{currency} per USD)")


RULES: tuple[Rule, ...] = (
    Rule("global output, country row", "results", "country",
         f"output_level = 'global' AND country <> '{GLOBAL}'", "country",
         f"{GLOBAL}, because Output {{output_code}} is a global-level output"),
    Rule("country output, GLOBAL row", "results", "country",
         f"output_level = 'country' AND country = '{GLOBAL}'", "country",
         "a programme country, because Output {output_code} is a country-level output"),
    Rule("adjusted baseline has a reason", "results", "baseline_adjustment_note",
         "baseline_adjusted IS NOT NULL AND coalesce(baseline_adjustment_note, '') = ''", "NULL",
         "the reason for the adjusted baseline"),
    Rule("planned end on or after the start", "workplan", "planned_end", "planned_end < planned_start",
         "CAST(planned_end AS VARCHAR)", "a date on or after the planned start {strftime(planned_start, '%d %b %Y')}"),
    Rule("actual end on or after the start", "workplan", "actual_end", "actual_end < actual_start",
         "CAST(actual_end AS VARCHAR)", "a date on or after the actual start {strftime(actual_start, '%d %b %Y')}"),
    Rule("completed activity has an end", "workplan", "actual_end", "status = 'completed' AND actual_end IS NULL",
         "NULL", "the date the activity ended, because its status is completed"),
    _too_many_dollars("workplan", "budget"),
    Rule("category of its dimension", "disaggregation", "category",
         "NOT list_contains(dimension_categories, category)", "category",
         "a category of the dimension {dimension}: {array_to_string(dimension_categories, ', ')}"),
    Rule("exchange rate for the programme year", "expenditure", "currency", "rate_num IS NULL", "currency",
         "a currency with an exchange rate for {programme_year} in data/reference/fx_rates.csv"),
    _too_many_dollars("expenditure", "budget"),
    _too_many_dollars("expenditure", "received"),
    _too_many_dollars("expenditure", "expenditure"),
)


@dataclass(frozen=True)
class KeyRule:
    """No two rows of a kind share `key`: a row with the key of an earlier accepted row (files in the order
    read, then sheets, then rows) is rejected, naming the first. The message's column is `column`, its
    "found" and "expected" texts the templates; each `{part}` is one of key_headers (the key's headers
    joined by ' + '), key_values (header and value of each), first (where the first row is), or a column
    of the row."""

    name: str
    kind: str
    key: tuple[str, ...]  # the grouping columns (etl/spec.py, Sheet.key)
    named_where_given: tuple[str, ...] = ()  # key columns a message names only where the row gives them
    not_quoted: tuple[str, ...] = ()  # key columns a message names without quoting their value
    any_case: tuple[str, ...] = ()  # key columns compared whatever their case (spec.Sheet.key_any_case)
    column: str = "{key_headers}"
    found: str = "a second row for {key_values}"
    expected: str = "one row per {key_headers} (first given at {first})"


@dataclass(frozen=True)
class RepeatRule:
    """Every row of a group (`group`: its columns) repeats in `columns` the group's first row (in the same
    load order): a row that does not is rejected with one problem per column that differs (its header, the
    value found, the `expected` template), and is not the first of its key (KeyRule) for the rows after it;
    a row rejected as a second row of a key is reported as that only. `{part}`s of the template: header,
    first_value (the first row's value), first (where the first row is), or a column of the row."""

    name: str
    kind: str
    group: tuple[str, ...]
    columns: tuple[str, ...]
    expected: str


KEY_NAMED_WHERE_GIVEN = ("line",)  # an expenditure's Line: named in a message only where the row gives one
KEY_NOT_QUOTED = ("text",)  # a narrative's text: part of the key, too long to quote
INDICATOR_ATTRIBUTES = ("output_code", "indicator_title", "unit", "direction", "baseline", "baseline_year",
                        "baseline_adjusted", "end_target", "continues", "sdg_targets")
# Values a staging table holds beyond what a lane parsed, looked up as the rows are staged: (column, SQL type,
# SQL over the staged row). A results row's phase is its period's: an indicator is the same indicator in
# the period rows of one phase, and the next phase may give its code to another (or continue it).
# A key column compared whatever its capitals (spec.Sheet.key_any_case) is staged folded too, in the column
# `folded(column)`, which its table keeps (etl/schema.py): lower-case, and a milestone's title by the programme's
# rule (etl/programme.py TITLE_FOLD, the warehouse's macro title_folded), one of a milestone's other titles in the
# programme file (programme.toml [[milestones]] other_titles) as that milestone's own title, so 'Aprobación del
# Gobierno' after 'Government endorsement' is a second row of one milestone (the view inception_milestones matches
# a row to the milestone it names by this column).
FOLDS = {("milestones", "milestone"): (
    f"coalesce((SELECT min(title_folded(p.title)) FROM programme_milestones p "
    f"WHERE list_contains(list_transform(p.other_titles, lambda t: title_folded(t)), "
    f"title_folded({STAGED}.milestone))), "
    f"title_folded({STAGED}.milestone))")}
FOLD_WORDS = {("milestones", "milestone"): ", and as the milestone it names where the programme file gives "
                                          "milestones other titles"}


def folded(column: str) -> str:
    """The staging column holding a key column folded (FOLDS)."""
    return f"{column}_folded"


STAGED_LOOKUPS = {
    "results": (("phase", "VARCHAR", f"(SELECT phase FROM periods WHERE periods.period = {STAGED}.period)"),),
    **{sheet.kind: tuple((folded(column), "VARCHAR", FOLDS.get((sheet.kind, column), f'lower({STAGED}."{column}")'))
                         for column in sheet.key_any_case)
       for sheet in spec.ALL_SHEETS if sheet.key_any_case}}


def _any_case_words(sheet: spec.Sheet) -> str:
    """'Milestone compared whatever its capitals, ...; ' for a sheet whose key compares a column so
    (spec.Sheet.key_any_case; FOLD_WORDS)."""
    return "".join(f"{sheet.column(key).header} compared whatever its capitals{FOLD_WORDS.get((sheet.kind, key), '')}; "
                   for key in sheet.key_any_case)


# Cross-row rules, run in SQL over the staging tables once every file's rows are in (etl/cross_row.py).
CROSS_ROW_RULES: tuple[KeyRule | RepeatRule, ...] = tuple(
    KeyRule("one row per key", sheet.kind, sheet.key,
            named_where_given=tuple(c for c in sheet.key if c in KEY_NAMED_WHERE_GIVEN),
            not_quoted=tuple(c for c in sheet.key if c in KEY_NOT_QUOTED), any_case=sheet.key_any_case,
            expected="one row per {key_headers} (" + _any_case_words(sheet) + "first given at {first})")
    for sheet in spec.ALL_SHEETS) + (
    RepeatRule("an indicator's attributes in every period row", "results", ("country", "phase", "indicator_code"),
               INDICATOR_ATTRIBUTES, "{first_value} as on {first} (every period row of indicator {indicator_code} "
                                     "must give the same {header})"),
)


def cross_row_rules_for(kind: str) -> tuple[KeyRule | RepeatRule, ...]:
    return tuple(rule for rule in CROSS_ROW_RULES if rule.kind == kind)


@dataclass(frozen=True)
class Conversion:
    """Amounts converted to US dollars at the rate of one year: `fx_rate` and `<amount>_usd` in the table."""

    amounts: tuple[str, ...]
    year: str  # SQL: the year whose rate converts the row
    nearest: bool  # a currency without a rate for that year takes its nearest year's (the earlier on a tie)
    currency_default: str | None = None  # the currency of a row that names none


CONVERSIONS = {
    # A work plan's budget: the rate of the programme year of its planned start, or the nearest year shipped.
    "workplan": Conversion(("budget",), "programme_year_of(planned_start)", nearest=True, currency_default="USD"),
    # Expenditure: the rate of its programme year, or the row is rejected (RULES).
    "expenditure": Conversion(("budget", "received", "expenditure"), "programme_year", nearest=False),
}
# Reference values a rule needs: (the SQL column as named in rules, the join bringing it).
LOOKUPS = {"results": ("outputs.level AS output_level",
                       f"LEFT JOIN outputs ON outputs.output_code = {STAGED}.output_code"),
           "disaggregation": ("dimensions.categories AS dimension_categories",
                              f"LEFT JOIN dimensions ON dimensions.code = {STAGED}.dimension")}

# The rate of each currency for each year from FIRST to LAST ($1, $2): the year's own (exact), else the
# nearest year's, the earlier on a tie.
RATE_YEARS = f"""
    SELECT c.currency, y.range AS year, r.year = y.range AS exact, r.rate_text, r.rate_num, r.rate_den
    FROM (SELECT DISTINCT currency FROM {RATES}) c CROSS JOIN range($1, $2 + 1) y
         JOIN {RATES} r ON r.currency = c.currency
    QUALIFY row_number() OVER (PARTITION BY c.currency, y.range ORDER BY abs(r.year - y.range), r.year) = 1"""
def programme_year_macro(phases: list[tuple[dt.date, int]]) -> str:
    """The SQL macro programme_year_of(day): the year its programme year starts in. `phases`: each phase's
    (start, the month its programme years start, 1 to 12), in order; a day follows the calendar of the last
    phase started by then, the first phase's before it (etl/programme.py, Programme.programme_year_of)."""
    def of_month(month: int) -> str:
        return f"CASE WHEN month(day) >= {int(month)} THEN year(day) ELSE year(day) - 1 END"

    sql = of_month(phases[0][1])
    for start, month in phases[1:]:
        sql = f"CASE WHEN day >= DATE '{start.isoformat()}' THEN {of_month(month)} ELSE {sql} END"
    return f"CREATE OR REPLACE TEMP MACRO programme_year_of(day) AS {sql}"


def rules_for(kind: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.kind == kind)


def staged_schema(sheet: spec.Sheet) -> pa.Schema:
    """The rows a lane stages of a sheet kind: its columns as parsed (with the notes of reported numbers)
    and where each row came from."""
    fields = []
    for column in sheet.columns:
        fields.append((column.key, STAGED_TYPES.get(column.kind, pa.string())))
        if column.kind == spec.REPORTED_NUMBER:
            fields.append((f"{column.key}_note", pa.string()))
    return pa.schema(fields + list(SOURCE_TYPES))


def staging_table(kind: str) -> str:
    """The staging table of a sheet kind, as SQL names it: `staging."results"` (created by Rules, in the
    staging database attached to the building connection, and gone with it: Rules.drop)."""
    return f'{STAGING}."{kind}"'


def staging_columns(sheet: spec.Sheet) -> list[tuple[str, str]]:
    """(name, SQL type) of a kind's staging table: staged_schema, the rate each row converts at (CONVERSIONS:
    as fx_rates.csv writes it, and as an exact fraction) and the batch it was staged in."""
    columns = [(field.name, STAGING_SQL_TYPES[field.type]) for field in staged_schema(sheet)]
    if sheet.kind in CONVERSIONS:
        columns += [("fx_rate_text", "VARCHAR"), ("rate_num", "BIGINT"), ("rate_den", "BIGINT")]
    columns += [(name, sql_type) for name, sql_type, _ in STAGED_LOOKUPS.get(sheet.kind, ())]
    return columns + [(BATCH, "INTEGER")]


def staged_record(sheet: spec.Sheet, record: dict) -> dict:
    """A staging row's values as its table will hold them (amounts in units, not whole cents)."""
    money = [c.key for c in sheet.columns if c.kind == spec.MONEY]
    return record | {key: Decimal(record[key]).scaleb(-2) for key in money if record.get(key) is not None}


def staging_insert_sql(kind: str) -> str:
    """INSERT of the rows registered as STAGED into the kind's staging table, with the batch number ($1) and
    the values CONVERSIONS derives: the currency where empty, and the rate of the row's year (the nearest
    year's where `nearest`) from RATE_YEARS_TABLE; or those STAGED_LOOKUPS looks up (a results row's phase)."""
    sheet = spec.ALL_SHEETS_BY_KIND[kind]
    names = [field.name for field in staged_schema(sheet)]
    conversion = CONVERSIONS.get(kind)
    if conversion is None:
        lookups = STAGED_LOOKUPS.get(kind, ())
        listed = ", ".join([f'"{name}"' for name in names] + [f'"{name}"' for name, _, _ in lookups])
        values = ", ".join([f'{STAGED}."{name}"' for name in names] + [sql for _, _, sql in lookups])
        return f'INSERT INTO {staging_table(kind)} ({listed}, {BATCH}) SELECT {values}, $1 FROM {STAGED}'
    currency = (f"coalesce({STAGED}.currency, '{conversion.currency_default}')" if conversion.currency_default
                else f"{STAGED}.currency")
    values = ", ".join(currency if name == "currency" else f'{STAGED}."{name}"' for name in names)
    listed = ", ".join(f'"{name}"' for name in names)
    return (f'INSERT INTO {staging_table(kind)} ({listed}, fx_rate_text, rate_num, rate_den, {BATCH}) '
            f"SELECT {values}, rate.rate_text, rate.rate_num, rate.rate_den, $1 FROM {STAGED} "
            f"LEFT JOIN {RATE_YEARS_TABLE} AS rate ON rate.currency = {currency} AND rate.year = ({conversion.year})"
            + ("" if conversion.nearest else " AND rate.exact"))


def derived_sql(kind: str, batch: bool = False) -> str:
    """A SELECT of the kind's staging table (of one batch, $1, where `batch`) as STAGED, with the columns
    the rules and the table derive: each amount in US cents (CONVERSIONS), an output's level (LOOKUPS)."""
    source = f'(SELECT * FROM {staging_table(kind)}' + (f" WHERE {BATCH} = $1" if batch else "") + f") AS {STAGED}"
    conversion = CONVERSIONS.get(kind)
    if conversion is None:
        if kind in LOOKUPS:
            column, join = LOOKUPS[kind]
            return f"SELECT {STAGED}.*, {column} FROM {source} {join}"
        return f"SELECT * FROM {source}"
    # amount / rate rounded half up, in 64-bit integers where they surely hold it, else in 128-bit ones
    cents = ", ".join(f"CASE WHEN CAST({amount} AS DOUBLE) * rate_den < 1e18 AND rate_num < 1e18 "
                      f"THEN (2 * {amount} * rate_den + rate_num) // (2 * rate_num) "
                      f"ELSE (2 * CAST({amount} AS HUGEINT) * rate_den + rate_num) // (2 * rate_num) END "
                      f"AS {amount}_usd_cents" for amount in conversion.amounts)
    return f"SELECT *, {cents} FROM {source}"


def _template_sql(template: str) -> str:
    """An "expected" template as SQL text: the words quoted, each {part} cast to text."""
    pieces = re.split(r"\{([^{}]*)\}", template)
    sql = []
    for index, piece in enumerate(pieces):
        if index % 2:
            sql.append(f"CAST(({piece}) AS VARCHAR)")
        elif piece:
            sql.append("'" + piece.replace("'", "''") + "'")
    return "concat(" + ", ".join(sql) + ")"


def broken_sql(kind: str) -> str:
    """(source_row, rule index, found, expected) of every rule broken by a row of one batch ($1) of the kind's
    staging table, in row and rule order."""
    rules = rules_for(kind)
    any_broken = " OR ".join(f"({rule.violated})" for rule in rules)
    selects = " UNION ALL ".join(
        f"SELECT source_row, {index} AS rule, CAST(({rule.found}) AS VARCHAR) AS found, "
        f"{_template_sql(rule.expected)} AS expected FROM broken WHERE {rule.violated}"
        for index, rule in enumerate(rules))
    return (f"WITH derived AS ({derived_sql(kind, batch=True)}), broken AS MATERIALIZED (SELECT * FROM derived WHERE {any_broken}) "
            f"{selects} ORDER BY source_row, rule")


@dataclass(frozen=True)
class Broken:
    """A rule a staged row breaks: the column it blames, what was found there, what was expected."""

    column: str
    found: str | None
    expected: str


def problems_of(row: int, broken: list[Broken], file: str, sheet: str, headers: dict[str, str],
                sheet_spec: spec.Sheet) -> list[Problem]:
    """The rules a row breaks as problems located at its cells (the header as in the file)."""
    return [Problem(file, sheet, row, headers.get(b.column) or sheet_spec.column(b.column).header,
                    describe(b.found), b.expected) for b in broken]


def rates_table(reference: Reference) -> pa.Table:
    """The shipped exchange rates: each as an exact fraction (units per USD = rate_num / rate_den) and as
    written in fx_rates.csv (the text a message quotes)."""
    rows = sorted(reference.fx_rates.items())
    fractions = [Fraction(rate) for _, rate in rows]
    return pa.table({"currency": pa.array([c for (c, _), _ in rows], pa.string()),
                     "year": pa.array([y for (_, y), _ in rows], pa.int64()),
                     "rate_text": pa.array([str(rate) for _, rate in rows], pa.string()),
                     "rate_num": pa.array([f.numerator for f in fractions], pa.int64()),
                     "rate_den": pa.array([f.denominator for f in fractions], pa.int64())})


class Rules:
    """The staging tables of the building database (`staging_<kind>`, STAGING_TABLES), and RULES run over
    them. The connection's `outputs` table is the one LOOKUPS joins."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, reference: Reference):
        """The staging tables live in an in-memory database attached to `connection` as STAGING (DuckDB
        spills it to the connection's temporary folder under memory pressure), so that the building
        database is written once, by the INSERT ... SELECT that fills each table, and holds no blocks of
        staging afterwards."""
        self.connection = connection
        self.batches = 0
        connection.execute(f"ATTACH ':memory:' AS {STAGING}")
        connection.execute(programme_year_macro([(p.start, p.year_start_month) for p in reference.programme.phases]))
        connection.register(RATES, rates_table(reference))
        # Years a row may name: the parsers keep dates from the earliest to the latest date (a January date is
        # in the programme year before) and programme years within those.
        years = [year for _, year in reference.fx_rates] + [reference.earliest_date.year - 1, reference.latest_date.year]
        connection.execute(f"CREATE OR REPLACE TEMP TABLE {RATE_YEARS_TABLE} AS {RATE_YEARS}", [min(years), max(years)])
        connection.unregister(RATES)
        for sheet in spec.ALL_SHEETS:
            body = ", ".join(f'"{name}" {sql_type}' for name, sql_type in staging_columns(sheet))
            connection.execute(f'CREATE TABLE {staging_table(sheet.kind)} ({body})')

    def stage(self, kind: str, rows: pa.Table) -> dict[int, list[Broken]]:
        """Append rows whose every cell parsed (of staged_schema) to the kind's staging table, with the
        values derived there (CONVERSIONS: the currency where empty, the exchange rate), in one INSERT; then
        run the kind's RULES over them, once, and take the rows breaking one out of staging again. Returns
        the rules each of those rows breaks, by source row, in the order of RULES."""
        if not rows.num_rows:
            return {}
        self.batches += 1
        for start in range(0, rows.num_rows, STAGING_SLICE):
            self.connection.register(STAGED, rows.slice(start, STAGING_SLICE))
            try:
                self.connection.execute(staging_insert_sql(kind), [self.batches])
            finally:
                self.connection.unregister(STAGED)
        rules = rules_for(kind)
        if not rules:
            return {}
        found = self.connection.execute(broken_sql(kind), [self.batches]).fetchall()
        broken: dict[int, list[Broken]] = {}
        for row, index, value, expected in found:
            broken.setdefault(row, []).append(Broken(rules[index].column, value, expected))
        if broken:
            self.connection.execute(f'DELETE FROM {staging_table(kind)} WHERE {BATCH} = $1 '
                                    "AND source_row IN (SELECT UNNEST($2))", [self.batches, list(broken)])
        return broken

    def drop(self) -> None:
        """The staging tables, once the tables are filled from them: a warehouse does not carry them."""
        self.connection.execute(f"DETACH DATABASE IF EXISTS {STAGING}")
        self.connection.execute(f"DROP TABLE IF EXISTS {RATE_YEARS_TABLE}")
