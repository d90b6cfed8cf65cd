"""Parts of an indicator's values (the Disaggregation sheet, table `indicator_parts`) checked against the
totals of the Results matrix, once every file is in the database being built.

Parts that do not add up are kept (a country office may count differently, or round) but never pass in
silence: each mismatch is a warning at the first part's cell, naming the parts, their sum and where the
total is. Where every category of the dimension is given, the parts must add up to the total; where some
are missing, they may not add up to more. Parts of an indicator, country and period the Results matrix
does not have are warned about too: they have no total to be checked against.
"""

from __future__ import annotations

import duckdb

from . import spec
from .errors import LoadWarning

TOLERANCE = 1e-9  # relative: sums of decimals read as floats

PARTS_SQL = """
    WITH firsts AS (
        SELECT country, indicator_code, period, dimension, category, target, actual,
               source_file, source_sheet, source_row,
               row_number() OVER (PARTITION BY country, indicator_code, period, dimension
                                  ORDER BY source_file, source_sheet, source_row) AS position
        FROM indicator_parts
    ), grouped AS (
        SELECT country, indicator_code, period, dimension, count(*) AS parts,
               sum(actual) AS actual_sum, count(actual) AS actual_parts,
               list((category, actual) ORDER BY category) FILTER (WHERE actual IS NOT NULL) AS actual_terms,
               sum(target) AS target_sum, count(target) AS target_parts,
               list((category, target) ORDER BY category) FILTER (WHERE target IS NOT NULL) AS target_terms,
               any_value(source_file) FILTER (WHERE position = 1) AS file,
               any_value(source_sheet) FILTER (WHERE position = 1) AS sheet,
               any_value(source_row) FILTER (WHERE position = 1) AS "row"
        FROM firsts GROUP BY ALL
    )
    SELECT g.*, d.name, len(d.categories) AS categories, r.actual, r.target,
           r.source_file, r.source_sheet, r.source_row
    FROM grouped g JOIN dimensions d ON d.code = g.dimension
         LEFT JOIN results r USING (country, indicator_code, period)
    ORDER BY g.file, g.sheet, g."row"
"""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _terms(parts: list[tuple[str, float]]) -> str:
    """The (category, value) parts as 'female 12 + male 15'."""
    return " + ".join(f"{category} {_number(value)}" for category, value in parts)


def check_parts(connection: duckdb.DuckDBPyConnection) -> list[LoadWarning]:
    """A warning for every group of parts that does not add up to its total, or has none."""
    warnings = []
    columns = {key: spec.DISAGGREGATION.column(key).header for key in ("indicator_code", "target", "actual")}
    for (country, code, period, dimension, parts, actual_sum, actual_parts, actual_terms, target_sum, target_parts,
         target_terms, file, sheet, row, name, categories, actual, target, total_file, total_sheet,
         total_row) in connection.execute(PARTS_SQL).fetchall():
        if total_file is None:
            warnings.append(LoadWarning(file, sheet, row, columns["indicator_code"], "parts without a total",
                                        f"no Results matrix row for indicator {code}, {country}, {period}: its "
                                        f"{name} parts are kept, with no total to check them against"))
            continue
        where = f"{total_file} › {total_sheet} › row {total_row}"
        for key, total, found, count, terms in (("actual", actual, actual_sum, actual_parts, actual_terms),
                                                ("target", target, target_sum, target_parts, target_terms)):
            if total is None or not count:
                continue
            complete = count == categories
            off = abs(found - total) > TOLERANCE * max(1.0, abs(total))
            if (complete and off) or (not complete and found > total and off):
                verb = "do not add up to" if complete else "add up to more than"
                warnings.append(LoadWarning(
                    file, sheet, row, columns[key], "parts and total",
                    f"the {name} parts of the {key} of indicator {code} ({_terms(terms)} = {_number(found)}) {verb} "
                    f"the total {_number(total)} given at {where}"))
    return warnings
