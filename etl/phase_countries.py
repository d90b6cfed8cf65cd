"""Rows from a programme country for a period of a phase the programme file does not list it in (programme.toml
[[countries]] phases), checked once every file is in the database being built.

Such rows are kept (the programme file may lag behind a country that joined), but never pass in silence: the
pages that count the countries expected to report (the country map's statuses, the reporting checks: the view
reporting_due, built on the view taking_part this check reads) leave the country out of that phase, while its
rows are shown elsewhere. One warning per file, sheet, country and phase, at the first such row, saying how many
rows and what to change. The sheets checked are those with a country and a reporting period column
(etl/spec.py).
"""

from __future__ import annotations

import duckdb

from . import spec
from .errors import LoadWarning

SHEETS = tuple(sheet for sheet in spec.ALL_SHEETS
               if {(c.key, c.kind) for c in sheet.columns} >= {("country", spec.COUNTRY), ("period", spec.PERIOD)})


def _sql() -> str:
    rows = " UNION ALL ".join(f"SELECT '{sheet.kind}' AS kind, country, period, source_file, source_sheet, source_row "
                              f'FROM "{sheet.table}"' for sheet in SHEETS)
    return f"""
        SELECT any_value(r.kind), r.source_file, r.source_sheet, min(r.source_row), count(*), c.name,
               arg_min(r.period, r.source_row), ph.name,
               (SELECT string_agg(o.name, ', ' ORDER BY o.ordinal) FROM phases o WHERE list_contains(c.phases, o.code))
        FROM ({rows}) r
             JOIN periods p ON p.period = r.period
             JOIN phases ph ON ph.code = p.phase
             JOIN countries c ON c.iso3 = r.country
             LEFT JOIN taking_part t ON t.period = r.period AND t.country = r.country
        WHERE t.country IS NULL
        GROUP BY r.source_file, r.source_sheet, c.iso3, c.name, c.phases, ph.code, ph.name, ph.ordinal
        ORDER BY r.source_file, r.source_sheet, min(r.source_row)"""


def check_phase_countries(connection: duckdb.DuckDBPyConnection) -> list[LoadWarning]:
    """A warning for each file, sheet, country and phase whose rows are from a country outside that phase."""
    headers = {sheet.kind: sheet.column("country").header for sheet in SHEETS}
    warnings = []
    for kind, file, sheet, row, count, name, period, phase, phases in connection.execute(_sql()).fetchall():
        more = f" (and {count - 1} more row(s) of that phase)" if count > 1 else ""
        warnings.append(LoadWarning(
            file, sheet, row, headers[kind], "country outside the phase",
            f"{name} reports for {period}{more}, a period of {phase}, but the programme file has it take part in "
            f"{phases + ' only' if phases else 'no phase'}: the rows are loaded and shown, while the country map and "
            f"the reporting checks leave it out of {phase}; add the phase to its phases in the programme file if "
            "it takes part"))
    return warnings
