"""Cross-field rules and the values derived with them, declared once as data and run in SQL.

Both lanes parse cells only (etl/transform.py cell by cell, etl/columnar.py column by column). The rows
whose every cell parsed are *staged*: an Arrow table of the sheet's columns typed as STAGED_TYPES says
(amounts as whole cents), with source_file, source_sheet and source_row, which DuckDB queries in place
on the building database's connection (`Rules`). Then, for every lane alike:

- `Rules.derive` adds each row's exchange rate (CONVERSIONS: the rate of a year, or the nearest year's);
- `Rules.broken` runs the sheet kind's RULES over the staged rows, once, and returns each breaking row's
  problems in the order of RULES; etl.transform.stage rejects those rows with their cells as typed, so a
  message reads `file › sheet › row › column: found X, expected Y` as for a cell, and keeps the others;
- `derived_sql` gives what etl/load.py writes of those: the derived columns of CONVERSIONS (the currency
  where empty, the exchange rate, each amount in US cents) and of LOOKUPS (an output's level).

A rule's `violated` is an SQL predicate over a staged row and its derived columns: TRUE means the rule is
broken, FALSE or NULL that it is met (so a rule about an empty cell says `x IS NULL`). `column` is the
column it blames, `found` the SQL value shown as found (NULL: an empty cell) and `expected` a template of
the "expected ..." text: words with `{SQL expression}` parts.

The programme year (it starts in the month programme.toml's [calendar] year_start_month names) is the SQL
macro `programme_year_of(day)`, defined here and only here. The cross-row rules (one row per key, an
indicator's attributes the same in every period row: INDICATOR_ATTRIBUTES) are declared here and in
etl/spec.py and run by etl/duplicates.py once every file is in. docs/schema.md, "Where the rules live".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import spec
from .errors import Problem, describe
from .parse import MONEY_LIMIT
from .reference import GLOBAL, Reference

YEAR_SPAN = 100_000  # years from 0 to 99,998 make the keys of the rate lookup (others find no rate)
USD_CENTS_LIMIT = int(MONEY_LIMIT * 100)  # 10^16 US dollars: DECIMAL(18,2) holds 16 digits before the point
STAGED = "staged_rows"  # the name a staged table is queried by
RATES = "rule_rates"  # the exchange rates as the rules use them (exact fractions, and the text as shipped)

# How a parsed value is staged, by column kind (others are text). Amounts are whole cents, so that
# DuckDB's integer arithmetic converts them exactly.
STAGED_TYPES = {spec.NUMBER: pa.float64(), spec.PERCENT: pa.float64(), spec.MONEY: pa.int64(),
                spec.YEAR: pa.int64(), spec.PROGRAMME_YEAR: pa.int64(), spec.WHOLE_NUMBER: pa.int64(),
                spec.DATE: pa.date32(), spec.MONTH_START: pa.date32(), spec.MONTH_END: pa.date32(),
                spec.REPORTED_NUMBER: pa.float64()}
SOURCE_TYPES = (("source_file", pa.string()), ("source_sheet", pa.string()), ("source_row", pa.int32()))


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
    Rule("exchange rate for the programme year", "expenditure", "currency", "rate_num IS NULL", "currency",
         "a currency with an exchange rate for {programme_year} in data/reference/fx_rates.csv"),
    _too_many_dollars("expenditure", "budget"),
    _too_many_dollars("expenditure", "received"),
    _too_many_dollars("expenditure", "expenditure"),
)


# Cross-row rules, run by etl/duplicates.py in SQL once every file's rows are in the database: no two rows
# of a table share its key (etl/spec.py, Sheet.key), and every period row of an indicator (results) repeats
# these attributes of its first row unchanged.
INDICATOR_ATTRIBUTES = ("output_code", "indicator_title", "unit", "direction", "baseline", "baseline_year",
                        "baseline_adjusted", "end_target")


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
                       f"LEFT JOIN outputs ON outputs.output_code = {STAGED}.output_code")}

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
    """The staged table of a sheet kind: its columns as parsed (with the notes of reported numbers) and
    where each row came from."""
    fields = []
    for column in sheet.columns:
        fields.append((column.key, STAGED_TYPES.get(column.kind, pa.string())))
        if column.kind == spec.REPORTED_NUMBER:
            fields.append((f"{column.key}_note", pa.string()))
    return pa.schema(fields + list(SOURCE_TYPES))


def derived_sql(kind: str) -> str:
    """A SELECT of the staged rows (STAGED, with their rates: Rules.derive) with the columns the rules and
    the table derive."""
    conversion = CONVERSIONS.get(kind)
    if conversion is None:
        if kind in LOOKUPS:
            column, join = LOOKUPS[kind]
            return f"SELECT {STAGED}.*, {column} FROM {STAGED} {join}"
        return f"SELECT * FROM {STAGED}"
    # amount / rate rounded half up, in 64-bit integers where they surely hold it, else in 128-bit ones
    cents = ", ".join(f"CASE WHEN CAST({amount} AS DOUBLE) * rate_den < 1e18 AND rate_num < 1e18 "
                      f"THEN (2 * {amount} * rate_den + rate_num) // (2 * rate_num) "
                      f"ELSE (2 * CAST({amount} AS HUGEINT) * rate_den + rate_num) // (2 * rate_num) END "
                      f"AS {amount}_usd_cents" for amount in conversion.amounts)
    return f"SELECT *, {cents} FROM {STAGED}"


def rate_year_sql(kind: str) -> str:
    """The year whose rate converts each staged row of a kind that converts money."""
    return f"SELECT {CONVERSIONS[kind].year} AS year FROM {STAGED}"


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
    """(source_row, rule index, found, expected) of every rule broken by a staged row, in row and rule order."""
    rules = rules_for(kind)
    any_broken = " OR ".join(f"({rule.violated})" for rule in rules)
    selects = " UNION ALL ".join(
        f"SELECT source_row, {index} AS rule, CAST(({rule.found}) AS VARCHAR) AS found, "
        f"{_template_sql(rule.expected)} AS expected FROM broken WHERE {rule.violated}"
        for index, rule in enumerate(rules))
    return (f"WITH derived AS ({derived_sql(kind)}), broken AS MATERIALIZED (SELECT * FROM derived WHERE {any_broken}) "
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
    """RULES, run on a DuckDB connection (the building database's, whose `outputs` table LOOKUPS joins)."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, reference: Reference):
        self.connection = connection
        connection.execute(programme_year_macro([(p.start, p.year_start_month) for p in reference.programme.phases]))
        self.rates = rates_table(reference)  # kept: DuckDB reads it in place
        connection.register(RATES, self.rates)
        # Years a row may name: the parsers keep dates from the earliest to the latest date (a January date is
        # in the programme year before) and programme years within those.
        years = [year for _, year in reference.fx_rates] + [reference.earliest_date.year - 1, reference.latest_date.year]
        self.nearest: dict[tuple[str, int], tuple[str, int, int]] = {}  # (currency, year) -> (text, num, den)
        self.exact: dict[tuple[str, int], tuple[str, int, int]] = {}
        for currency, year, exact, *rate in connection.execute(RATE_YEARS, [min(years), max(years)]).fetchall():
            self.nearest[(currency, year)] = tuple(rate)
            if exact:
                self.exact[(currency, year)] = tuple(rate)

    def derive(self, kind: str, staged: pa.Table) -> pa.Table:
        """The staged rows with their currency (the default where empty) and the exchange rate each converts
        at (CONVERSIONS), as fx_rate_text, rate_num and rate_den (null where there is none): looked up once
        per distinct currency and year."""
        conversion = CONVERSIONS.get(kind)
        if conversion is None:
            return staged
        if conversion.currency_default:
            currency = pc.fill_null(staged["currency"], conversion.currency_default)
            staged = staged.set_column(staged.schema.get_field_index("currency"), "currency", currency)
        sql = rate_year_sql(kind)
        with self._staged(staged):
            keys = self.connection.sql(sql).to_arrow_table()
        encoded = pc.dictionary_encode(staged["currency"].combine_chunks())
        names = encoded.dictionary.to_pylist()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        years = keys["year"].combine_chunks().fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        unique, inverse = np.unique((codes + 1) * YEAR_SPAN + np.clip(years, -1, YEAR_SPAN - 2) + 1,
                                    return_inverse=True)
        table = self.nearest if conversion.nearest else self.exact
        found = [table.get((names[key // YEAR_SPAN - 1] if key >= YEAR_SPAN else None, key % YEAR_SPAN - 1))
                 for key in unique.tolist()]
        rates = [rate for rate in found if rate is not None] + [(None, None, None)]
        position, index = [], 0
        for rate in found:
            position.append(index if rate is not None else len(rates) - 1)
            index += rate is not None
        row_rate = pa.array(np.asarray(position, dtype=np.int64)[inverse.reshape(-1)])
        for name, column, arrow_type in (("fx_rate_text", 0, pa.string()), ("rate_num", 1, pa.int64()),
                                         ("rate_den", 2, pa.int64())):
            staged = staged.append_column(name, pa.array([rate[column] for rate in rates], arrow_type).take(row_rate))
        return staged

    @contextlib.contextmanager
    def _staged(self, staged: pa.Table) -> Iterator[None]:
        """The staged rows visible to SQL as STAGED while the block runs (queried in place, not copied)."""
        self.connection.register(STAGED, staged)
        try:
            yield
        finally:
            self.connection.unregister(STAGED)

    def broken(self, kind: str, staged: pa.Table) -> dict[int, list[Broken]]:
        """The rules each staged row breaks, by source row (rows breaking none are left out)."""
        if not rules_for(kind) or not staged.num_rows:
            return {}
        sql = broken_sql(kind)
        with self._staged(staged):
            found = self.connection.execute(sql).fetchall()
        rules = rules_for(kind)
        broken: dict[int, list[Broken]] = {}
        for row, index, value, expected in found:
            broken.setdefault(row, []).append(Broken(rules[index].column, value, expected))
        return broken
