"""An indicator's trajectory across phases: the Results matrix's Continues column links an indicator of one
phase to the one it continues in the phase before, for the same country; links are followed back as far as
they go (from a phase to the one before it, and on), so every indicator of one line has the code of its first phase as
its `trajectory_code` (table `indicator_trajectories`, read by the view `indicator_progress`).

A Continues naming no indicator of the phase before, for that country, in this warehouse never passes in
silence: the link is kept as written (the line is named by that code: the earlier phase may be in another
warehouse), and a warning at the indicator's first row says what was not found. So does a Continues in the
first phase, which has nothing before it.
"""

from __future__ import annotations

import duckdb

from . import spec
from .errors import LoadWarning

TRAJECTORIES_SQL = """
    INSERT INTO indicator_trajectories  -- made empty with the other tables (etl/schema.py)
    WITH RECURSIVE indicators AS (
        SELECT r.country, pe.phase, r.indicator_code, any_value(r.continues) AS continues, ph.ordinal,
               min({'file': r.source_file, 'sheet': r.source_sheet, 'row': r.source_row}) AS first_row
        FROM results r JOIN periods pe USING (period) JOIN phases ph ON ph.code = pe.phase
        GROUP BY ALL
    ), chain AS (
        SELECT country, phase, indicator_code, ordinal AS step, continues AS link,
               coalesce(continues, indicator_code) AS trajectory_code
        FROM indicators
        UNION ALL
        SELECT c.country, c.phase, c.indicator_code, before.ordinal, before.continues,
               coalesce(before.continues, before.indicator_code)
        FROM chain c JOIN indicators before
             ON before.country = c.country AND before.indicator_code = c.link AND before.ordinal = c.step - 1
    )
    SELECT i.country, i.phase, i.indicator_code, i.continues,
           arg_min(c.trajectory_code, c.step) AS trajectory_code,
           i.continues IS NULL OR bool_or(c.step < i.ordinal) AS linked,
           i.first_row.file AS source_file, i.first_row.sheet AS source_sheet, i.first_row.row AS source_row
    FROM indicators i JOIN chain c USING (country, phase, indicator_code)
    GROUP BY i.country, i.phase, i.indicator_code, i.continues, i.ordinal, i.first_row
"""

UNLINKED_SQL = """
    SELECT t.country, t.phase, t.indicator_code, t.continues, t.source_file, t.source_sheet, t.source_row, ph.name,
           (SELECT name FROM phases b WHERE b.ordinal = ph.ordinal - 1) AS phase_before,
           coalesce(c.name, t.country) AS country_name
    FROM indicator_trajectories t JOIN phases ph ON ph.code = t.phase
         LEFT JOIN countries c ON c.iso3 = t.country
    WHERE NOT t.linked
    ORDER BY t.source_file, t.source_sheet, t.source_row
"""


def link_trajectories(connection: duckdb.DuckDBPyConnection) -> list[LoadWarning]:
    """Build `indicator_trajectories` from the results table; a warning for every Continues not found."""
    connection.execute(TRAJECTORIES_SQL)
    header = spec.RESULTS.column("continues").header
    warnings = []
    for country, _phase, code, continues, file, sheet, row, phase, before, country_name in connection.execute(
            UNLINKED_SQL).fetchall():
        if before is None:
            detail = (f"indicator {code} ({country_name}) continues '{continues}', but {phase} is the first phase "
                      f"of this programme: there is nothing before it to continue")
        else:
            detail = (f"indicator {code} ({country_name}) continues '{continues}', but {before} has no indicator "
                      f"'{continues}' for {country_name} in this warehouse: the line is named '{continues}' and "
                      f"starts in {phase} here (load {before}'s Results matrix with it, or correct the code)")
        warnings.append(LoadWarning(file, sheet, row, header, "continues", detail))
    return warnings
