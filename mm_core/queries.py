"""Query functions: a DuckDB cursor and parameters in, a DataFrame out. No Streamlit here.

Every value from a widget is passed as a named parameter ($country, $period, …); the SQL text is
constant. A filter left empty (None) means "all".
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import duckdb
import pandas as pd

from etl.programme import Programme, from_warehouse

from . import wording

Cursor = duckdb.DuckDBPyConnection


@dataclass(frozen=True)
class Scope:
    """What the sidebar filters select. `period` is the half-year whose indicator values are shown;
    `programme_year` the year whose money is shown."""

    period: str
    programme_year: int
    country: str | None = None
    output: str | None = None
    agency: str | None = None
    sdg_target: str | None = None  # outputs carrying this SDG target (results_chain.sdg_targets), with theirs

    def params(self, *names: str) -> dict:
        values = asdict(self)
        return {name: values[name] for name in names}


# Indicators follow their output's lead agency when filtered by agency. An SDG target keeps the indicators
# carrying it themselves (the Results matrix's SDG targets column) and the indicators,
# activities and money of the outputs that carry it.
OUTPUTS_OF_TARGET = "(SELECT code FROM results_chain WHERE list_contains(sdg_targets, $sdg_target))"
INDICATORS_IN_SCOPE = f"""
    FROM indicator_progress i JOIN outputs o USING (output_code)
    WHERE ($country IS NULL OR i.country = $country)
      AND ($output IS NULL OR i.output_code = $output)
      AND ($agency IS NULL OR o.lead_agency = $agency)
      AND ($sdg_target IS NULL OR i.output_code IN {OUTPUTS_OF_TARGET} OR list_contains(i.sdg_targets, $sdg_target))"""
# The outputs the filters keep, as the indicators are kept: the output chosen, those the agency leads, those
# carrying the SDG target or holding an indicator that carries it.
OUTPUTS_IN_SCOPE = f"""
    FROM outputs o
    WHERE ($output IS NULL OR o.output_code = $output)
      AND ($agency IS NULL OR o.lead_agency = $agency)
      AND ($sdg_target IS NULL OR o.output_code IN {OUTPUTS_OF_TARGET}
           OR o.output_code IN (SELECT output_code FROM indicator_progress
                                WHERE list_contains(sdg_targets, $sdg_target)))"""
ACTIVITIES_IN_SCOPE = f"""
    FROM activity_status a
    WHERE ($country IS NULL OR a.country = $country)
      AND ($output IS NULL OR a.output_code = $output)
      AND ($agency IS NULL OR a.lead_agency = $agency OR a.support_agency = $agency)
      AND ($sdg_target IS NULL OR a.output_code IN {OUTPUTS_OF_TARGET})"""
FINANCE_IN_SCOPE = f"""
    FROM finance_summary f
    WHERE ($country IS NULL OR f.country = $country)
      AND ($output IS NULL OR f.output_code = $output)
      AND ($agency IS NULL OR f.agency = $agency)
      AND ($sdg_target IS NULL OR f.output_code IN {OUTPUTS_OF_TARGET})"""
SCOPE = ("country", "output", "agency", "sdg_target")


def data_info(cursor: Cursor) -> pd.DataFrame:
    """One row: the as-of date, when the data was loaded, how many files, rows loaded and rejected."""
    return cursor.execute("""
        SELECT (SELECT as_of_date FROM reporting_date) AS as_of_date,
               max(loaded_at) AS loaded_at, count(*) AS files,
               coalesce(sum(rows_loaded), 0) AS rows_loaded, coalesce(sum(rows_rejected), 0) AS rows_rejected
        FROM load_log""").df()


def programme(cursor: Cursor) -> Programme:
    """The programme the warehouse was built with (etl/programme.py): its titles, board, calendar, phases,
    agencies, countries, results chain and milestones. Pages and the pack name programme facts from it only."""
    return from_warehouse(cursor)


def inception_deadlines(cursor: Cursor) -> pd.DataFrame:
    """The date by which each phase's inception milestones count as reached in year 1 (phase_name, deadline), for
    the phases some programme country takes part in, in order."""
    return cursor.execute("""
        SELECT phase_name, deadline FROM inception_deadline d
        WHERE EXISTS (SELECT 1 FROM countries c WHERE list_contains(c.phases, d.phase))
        ORDER BY ordinal""").df()


def periods(cursor: Cursor) -> pd.DataFrame:
    """Every reporting period with its programme year (and that year's label), its phase, and whether it had
    started by the as-of date."""
    return cursor.execute("""
        SELECT period, programme_year, year_label, half, period_start, period_end, phase,
               period_started(period_start) AS has_started
        FROM periods ORDER BY period_start""").df()


def filter_options(cursor: Cursor) -> pd.DataFrame:
    """Countries and outputs present in the data, for the sidebar: kind, code, label. The global level is named
    with its outputs (those of scope 'global' in the outputs table)."""
    return cursor.execute("""
        SELECT 'country' AS kind, iso3 AS code, name AS label, 0 AS sort FROM countries
        UNION ALL SELECT 'country', 'GLOBAL', $global_label, 1
        UNION ALL SELECT 'output', output_code, 'Output ' || output_code || ' — ' || title, 0 FROM outputs
        ORDER BY kind, sort, label""", {"global_label": wording.global_level_label(outputs(cursor))}).df()


def indicator_status_counts(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    return cursor.execute(f"""
        SELECT i.status, count(*) AS indicators {INDICATORS_IN_SCOPE} AND i.period = $period
        GROUP BY i.status""", scope.params("period", *SCOPE)).df()


def indicator_table(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """Indicators in scope for the period, worst status first."""
    return cursor.execute(f"""
        SELECT i.output_code, i.indicator_code, i.indicator_title, i.country, i.unit, i.direction,
               i.baseline, i.target, i.actual, i.end_target, i.status, i.progress_ratio,
               i.baseline_is_adjusted, i.baseline_original, i.baseline_adjustment_note, o.lead_agency
        {INDICATORS_IN_SCOPE} AND i.period = $period
        ORDER BY (SELECT attention FROM statuses WHERE family = 'indicator' AND status = i.status),
                 i.output_code, i.indicator_code, i.country""", scope.params("period", *SCOPE)).df()


def indicator_trajectory(cursor: Cursor, country: str, indicator_code: str) -> pd.DataFrame:
    """Every period of one indicator in one country: baselines, targets and actuals over time, across the
    phases: the rows of its trajectory (indicator_progress.trajectory_code: an indicator of a later phase
    that continues one of the phase before, under its code or another, carries on its line)."""
    return cursor.execute("""
        WITH chosen AS (
            SELECT trajectory_code FROM indicator_progress WHERE country = $country AND indicator_code = $code
            ORDER BY period_start DESC LIMIT 1
        )
        SELECT period, period_start, period_end, baseline, baseline_original, baseline_is_adjusted,
               baseline_adjustment_note, target, actual, end_target, status, unit, direction,
               indicator_title, progress_ratio, phase, indicator_code
        FROM indicator_progress
        WHERE country = $country AND trajectory_code = (SELECT trajectory_code FROM chosen)
        ORDER BY period_start""", {"country": country, "code": indicator_code}).df()


def indicator_choices(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    return cursor.execute(f"""
        SELECT DISTINCT i.country, i.indicator_code, i.indicator_title, i.output_code {INDICATORS_IN_SCOPE}
        ORDER BY i.output_code, i.indicator_code, i.country""", scope.params(*SCOPE)).df()


def activity_counts(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    return cursor.execute(f"""
        SELECT count(*) AS activities,
               count(*) FILTER (WHERE a.status = 'completed') AS completed,
               count(*) FILTER (WHERE a.status = 'delayed') AS delayed,
               count(*) FILTER (WHERE a.is_overdue) AS overdue,
               count(*) FILTER (WHERE a.status = 'delayed' OR a.is_overdue) AS delayed_or_overdue
        {ACTIVITIES_IN_SCOPE}""", scope.params(*SCOPE)).df()


def activities(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    return cursor.execute(f"""
        SELECT a.country, a.activity_code, a.activity_title, a.output_code, a.lead_agency, a.support_agency,
               a.planned_start, a.planned_end, a.actual_start, a.actual_end, a.status, a.percent_complete,
               a.is_overdue, a.days_overdue, a.budget_usd, a.budget, a.currency
        {ACTIVITIES_IN_SCOPE}
        ORDER BY a.country, a.output_code, a.planned_start, a.activity_code""", scope.params(*SCOPE)).df()


def finance_totals(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """Budget, funds received and expenditure (USD) for the programme year and for the whole phase to date."""
    return cursor.execute(f"""
        SELECT coalesce(sum(budget_usd) FILTER (WHERE programme_year = $programme_year), 0) AS budget_usd,
               coalesce(sum(received_usd) FILTER (WHERE programme_year = $programme_year), 0) AS received_usd,
               coalesce(sum(expenditure_usd) FILTER (WHERE programme_year = $programme_year), 0) AS expenditure_usd,
               coalesce(sum(budget_usd), 0) AS phase_budget_usd,
               coalesce(sum(expenditure_usd), 0) AS phase_expenditure_usd
        {FINANCE_IN_SCOPE}""", scope.params("programme_year", *SCOPE)).df()


FINANCE_DIMENSIONS = {"output": "f.output_code", "country": "f.country", "agency": "f.agency",
                      "year": "f.programme_year"}


def finance_by(cursor: Cursor, scope: Scope, dimension: str, year: int | None = None) -> pd.DataFrame:
    """Budget, received and expenditure (USD) grouped by one of FINANCE_DIMENSIONS: of one programme year, or
    of all years (year None)."""
    column = FINANCE_DIMENSIONS[dimension]  # an identifier from code, never from input
    return cursor.execute(f"""
        SELECT CAST({column} AS VARCHAR) AS "group",
               sum(budget_usd) AS budget_usd, sum(received_usd) AS received_usd,
               sum(expenditure_usd) AS expenditure_usd
        {FINANCE_IN_SCOPE} AND ($year IS NULL OR f.programme_year = $year)
        GROUP BY 1 ORDER BY 1""", {**scope.params(*SCOPE), "year": year}).df()


def finance_lines(cursor: Cursor, scope: Scope, year: int | None = None) -> pd.DataFrame:
    """The expenditure lines in the filters: of one programme year, or of all years (year None)."""
    return cursor.execute(f"""
        SELECT f.country, f.output_code, f.agency, f.programme_year, f.budget_usd, f.received_usd,
               f.expenditure_usd, f.delivery_rate, f.is_overspent, f.currency, f.budget, f.received,
               f.expenditure, f.fx_rate, f.comment
        {FINANCE_IN_SCOPE} AND ($year IS NULL OR f.programme_year = $year)
        ORDER BY f.programme_year, f.country, f.output_code, f.agency""", {**scope.params(*SCOPE), "year": year}).df()


def burn_rate(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """By programme year (with its label): cumulative expenditure as a share of the phase budget, beside the
    share of the phase's time elapsed at that year's end (or at the as-of date for the current year)."""
    return cursor.execute(f"""
        WITH yearly AS (
            SELECT f.programme_year, sum(f.expenditure_usd) AS expenditure_usd, sum(f.budget_usd) AS budget_usd
            {FINANCE_IN_SCOPE} GROUP BY 1
        ), phase AS (
            -- the whole phase's budget, the years not started yet included
            SELECT min(p.period_start) AS phase_start, max(p.period_end) AS phase_end,
                   (SELECT sum(budget_usd) FROM yearly) AS phase_budget_usd
            FROM periods p
        ),
        year_ends AS (SELECT programme_year, any_value(year_label) AS year_label, max(period_end) AS year_end
                      FROM periods GROUP BY 1)
        SELECT y.programme_year, e.year_label,
               sum(y.expenditure_usd) OVER (ORDER BY y.programme_year) AS cumulative_expenditure_usd,
               p.phase_budget_usd,
               sum(y.expenditure_usd) OVER (ORDER BY y.programme_year) / nullif(p.phase_budget_usd, 0)
                   AS spent_share,
               least(1.0, date_diff('day', p.phase_start, least(e.year_end, r.as_of_date) + 1)::DOUBLE
                   / date_diff('day', p.phase_start, p.phase_end + 1)) AS time_share
        FROM yearly y JOIN year_ends e USING (programme_year) CROSS JOIN phase p CROSS JOIN reporting_date r
        WHERE e.year_end - INTERVAL 1 YEAR < r.as_of_date
        ORDER BY y.programme_year""", scope.params(*SCOPE)).df()


def results_vs_resources(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """Per output: share of its (phase) budget spent, beside the share of its indicators on track."""
    return cursor.execute(f"""
        WITH money AS (
            SELECT f.output_code, sum(f.expenditure_usd) AS expenditure_usd, sum(f.budget_usd) AS budget_usd
            {FINANCE_IN_SCOPE} GROUP BY 1
        ), results AS (
            SELECT i.output_code,
                   count(*) FILTER (WHERE i.status = 'on track') AS on_track,
                   count(*) FILTER (WHERE i.status <> 'no data') AS with_data
            {INDICATORS_IN_SCOPE} AND i.period = $period GROUP BY 1
        )
        SELECT o.output_code, o.title, o.level, o.lead_agency, m.budget_usd, m.expenditure_usd,
               m.expenditure_usd / nullif(m.budget_usd, 0) AS spent_share,
               r.on_track::DOUBLE / nullif(r.with_data, 0) AS on_track_share, r.with_data AS indicators_with_data
        FROM outputs o LEFT JOIN money m USING (output_code) LEFT JOIN results r USING (output_code)
        WHERE m.budget_usd IS NOT NULL OR r.with_data IS NOT NULL
        ORDER BY o.output_code""", scope.params("period", *SCOPE)).df()


def inception_summary(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """One row for the programme countries in the scope (country_inception): those whose inception is complete,
    those judged (with an inception milestone expected or reported: every one when the programme file declares
    inception milestones), all of them, the inception milestones the programme file declares, and the countries
    that sent no row for some it expects, as 'ECU (3), TUN (8)' (NULL when none)."""
    return cursor.execute("""
        SELECT count(*) FILTER (WHERE inception_complete) AS complete,
               count(inception_complete) AS countries, count(*) AS programme_countries,
               (SELECT count(*) FROM programme_milestones WHERE kind = 'inception') AS declared,
               string_agg(country || ' (' || not_reported || ')', ', ' ORDER BY country)
                   FILTER (WHERE not_reported > 0) AS not_reported
        FROM country_inception WHERE ($country IS NULL OR country = $country)""",
                          scope.params("country")).df()


def country_status(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """One row per programme country expected to send results for the period (reporting_due: of the period's
    phase): indicator counts in the period and an overall status ('not reported' with no indicator value; none,
    NULL, for a period that had not started by the as-of date, of which nothing is due yet)."""
    return cursor.execute(f"""
        WITH counts AS (
            SELECT i.country,
                   count(*) FILTER (WHERE i.status = 'on track') AS on_track,
                   count(*) FILTER (WHERE i.status = 'at risk') AS at_risk,
                   count(*) FILTER (WHERE i.status = 'off track') AS off_track,
                   count(*) FILTER (WHERE i.status = 'no data') AS no_data
            {INDICATORS_IN_SCOPE} AND i.period = $period GROUP BY 1
        )
        SELECT c.iso3 AS country, c.name, coalesce(k.on_track, 0) AS on_track, coalesce(k.at_risk, 0) AS at_risk,
               coalesce(k.off_track, 0) AS off_track, coalesce(k.no_data, 0) AS no_data,
               CASE WHEN period_started((SELECT period_start FROM periods WHERE period = $period))
                    THEN rolled_up_status('country', k.on_track, k.at_risk, k.off_track) END AS status
        FROM countries c LEFT JOIN counts k ON k.country = c.iso3
        WHERE ($country IS NULL OR c.iso3 = $country)
          AND c.iso3 IN (SELECT country FROM reporting_due WHERE period = $period AND kind = 'results')
        ORDER BY c.name""",
                          scope.params("period", *SCOPE)).df()


def _number_text(column: str) -> str:
    """SQL writing a number as formats.number does: up to two decimals, no trailing zeros ('4', '25.83')."""
    return f"regexp_replace(format('{{:,.2f}}', {column}), '\\.?0+$', '')"


# an off-track indicator's actual and target as needs_attention writes them (SQL text built once, from code)
ACTUAL_TEXT, TARGET_TEXT = _number_text("i.actual"), _number_text("i.target")


def needs_attention(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """Off-track indicators, overdue activities, overspent budget lines and countries (and the global level) that
    have not reported indicator values for the period though expected to (reporting_due): one row each, with what
    and where."""
    return cursor.execute(f"""
        SELECT 'Off-track indicator' AS issue, i.country, 'Output ' || i.output_code AS output,
               i.indicator_code || ' ' || i.indicator_title AS item,
               printf('actual %s against a target of %s %s', {ACTUAL_TEXT}, {TARGET_TEXT},
                      i.unit) AS detail, 1 AS sort
        {INDICATORS_IN_SCOPE} AND i.period = $period AND i.status = 'off track'
        UNION ALL
        SELECT 'Overdue activity', a.country, 'Output ' || a.output_code, a.activity_code || ' ' || a.activity_title,
               printf('%d days past the planned end (%s), status %s', a.days_overdue,
                      strftime(a.planned_end, '%-d %B %Y'), a.status), 2
        {ACTIVITIES_IN_SCOPE} AND a.is_overdue
        UNION ALL
        SELECT 'Overspent budget line', f.country, 'Output ' || f.output_code,
               f.agency || ' ' || coalesce((SELECT any_value(y.year_label) FROM periods y
                                            WHERE y.programme_year = f.programme_year),
                                           CAST(f.programme_year AS VARCHAR)),
               printf('spent US$ %,.0f of a US$ %,.0f budget', f.expenditure_usd, f.budget_usd), 3
        {FINANCE_IN_SCOPE} AND f.is_overspent AND f.programme_year <= $programme_year
        UNION ALL
        SELECT 'Not reported', d.country, NULL, 'No indicator values for ' || $period,
               'no actual reported for any indicator in the period', 4
        FROM reporting_due d  -- the countries of the period's phase, and the global level, expected to send results
        WHERE d.period = $period AND d.kind = 'results' AND ($country IS NULL OR d.country = $country)
          AND period_started((SELECT period_start FROM periods WHERE period = $period))  -- nothing due before
          AND EXISTS (  -- an output of the filters it reports on: a country's outputs, or the global level's
              SELECT 1 {OUTPUTS_IN_SCOPE} AND o.level = CASE WHEN d.country = 'GLOBAL' THEN 'global' ELSE 'country' END)
          AND NOT EXISTS (SELECT 1 {INDICATORS_IN_SCOPE}
                          AND i.country = d.country AND i.period = $period AND i.actual IS NOT NULL)
        ORDER BY sort, country, output, item""", scope.params("period", "programme_year", *SCOPE)).df()


def outputs_in_scope(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """The outputs (as `outputs` gives them) the filters keep (OUTPUTS_IN_SCOPE)."""
    kept = {code for (code,) in cursor.execute(f"SELECT o.output_code {OUTPUTS_IN_SCOPE}",
                                               scope.params("output", "agency", "sdg_target")).fetchall()}
    frame = outputs(cursor)
    return frame[frame["output_code"].isin(kept)].reset_index(drop=True)


def country_places(cursor: Cursor) -> pd.DataFrame:
    """Where each programme country is on the world map: its ISO numeric code (the map's id) and an
    approximate centre for its marker (from the reference list the ETL loaded)."""
    return cursor.execute("""
        SELECT iso3 AS country, iso_numeric AS id, latitude, longitude FROM countries ORDER BY iso3""").df()


def outputs(cursor: Cursor) -> pd.DataFrame:
    """The outputs with their level, lead agency, title and whether the title is illustrative (not from the
    source documents: the programme file says so with `illustrative = true`)."""
    return cursor.execute("""
        SELECT o.output_code, o.level, o.lead_agency, o.title, coalesce(r.illustrative, false) AS illustrative
        FROM outputs o LEFT JOIN results_chain r ON r.code = o.output_code AND r.level = 'output'
        ORDER BY o.output_code""").df()


def narrative(cursor: Cursor, scope: Scope, kinds: tuple[str, ...] | None = None, latest_only: bool = True
              ) -> pd.DataFrame:
    """Narrative up to the selected period (the latest period that has any, when latest_only)."""
    return cursor.execute("""
        WITH chosen AS (
            SELECT n.*, p.period_start FROM narrative n JOIN periods p USING (period)
            WHERE p.period_start <= (SELECT period_start FROM periods WHERE period = $period)
              AND ($country IS NULL OR n.country = $country)
              AND ($output IS NULL OR n.output_code = $output OR n.output_code IS NULL)
              AND ($kinds IS NULL OR list_contains($kinds, n.kind))
        )
        SELECT country, output_code, period, kind, text FROM chosen
        WHERE NOT $latest_only OR period_start = (SELECT max(period_start) FROM chosen)
        ORDER BY period_start DESC, country,
                 (SELECT rank FROM statuses WHERE family = 'narrative' AND status = kind)""",
                          {**scope.params("period", "country", "output"),
                           "kinds": list(kinds) if kinds else None, "latest_only": latest_only}).df()


def flash_report(cursor: Cursor, country: str, period: str) -> pd.DataFrame:
    """The four parts of the coordination toolkit's flash report for one country and period."""
    return cursor.execute("""
        SELECT kind, output_code, text FROM narrative WHERE country = $country AND period = $period
        ORDER BY (SELECT rank FROM statuses WHERE family = 'narrative' AND status = kind), output_code""", {"country": country, "period": period}).df()


def phase_left_out(cursor: Cursor, country: str, period: str) -> pd.DataFrame:
    """The name of `period`'s phase (phase_name) where `country`, a programme country, takes no part in it
    (the view taking_part); no row for a country taking part, the global level or a period not in the programme."""
    return cursor.execute("""
        SELECT ph.name AS phase_name
        FROM periods p JOIN phases ph ON ph.code = p.phase JOIN countries c ON c.iso3 = $country
        WHERE p.period = $period
          AND NOT EXISTS (SELECT 1 FROM taking_part t WHERE t.period = p.period AND t.country = c.iso3)""",
                          {"country": country, "period": period}).df()


def milestone_matrix(cursor: Cursor, country: str | None = None) -> pd.DataFrame:
    """Every milestone row reported, and every inception milestone the programme file expects of a country that
    sent no row for it ('not reported', due when the programme file says)."""
    return cursor.execute("""
        WITH shown AS (
            SELECT country, milestone, category, status, due_date, achieved_date FROM milestone_status
            UNION ALL
            SELECT country, milestone, 'inception', status, due_date, achieved_date
            FROM inception_milestones WHERE NOT is_reported
        )
        SELECT m.country, coalesce(c.name, m.country) AS name, m.milestone, m.category, m.status,
               m.due_date, m.achieved_date
        FROM shown m LEFT JOIN countries c ON c.iso3 = m.country
        WHERE ($country IS NULL OR m.country = $country)
        ORDER BY m.category, m.due_date, m.milestone""", {"country": country}).df()


def country_profile(cursor: Cursor, country: str) -> pd.DataFrame:
    return cursor.execute("SELECT iso3, name, region, government_lead FROM countries WHERE iso3 = $country",
                          {"country": country}).df()


def peer_comparison(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """Per country: share of indicators on track, activities completed, budget delivery, inception."""
    return cursor.execute(f"""
        WITH ind AS (
            SELECT i.country, count(*) FILTER (WHERE i.status = 'on track')::DOUBLE
                   / nullif(count(*) FILTER (WHERE i.status <> 'no data'), 0) AS on_track_share
            {INDICATORS_IN_SCOPE} AND i.period = $period GROUP BY 1
        ), act AS (
            SELECT a.country, count(*) FILTER (WHERE a.status = 'completed')::DOUBLE / count(*) AS completed_share,
                   count(*) FILTER (WHERE a.is_overdue) AS overdue
            {ACTIVITIES_IN_SCOPE} GROUP BY 1
        ), fin AS (
            SELECT f.country, sum(f.expenditure_usd) / nullif(sum(f.budget_usd), 0) AS delivery_rate
            {FINANCE_IN_SCOPE} AND f.programme_year <= $programme_year GROUP BY 1
        )
        SELECT c.iso3 AS country, c.name, ind.on_track_share, act.completed_share, act.overdue,
               fin.delivery_rate, ci.inception_complete
        FROM countries c LEFT JOIN ind ON ind.country = c.iso3 LEFT JOIN act ON act.country = c.iso3
        LEFT JOIN fin ON fin.country = c.iso3 LEFT JOIN country_inception ci ON ci.country = c.iso3
        WHERE ($country IS NULL OR c.iso3 = $country)
        ORDER BY c.name""", scope.params("period", "programme_year", *SCOPE)).df()


# --- data quality -------------------------------------------------------------------------------

def load_log(cursor: Cursor) -> pd.DataFrame:
    return cursor.execute("""
        SELECT file, status, rows_loaded, rows_rejected, loaded_at, sha256 FROM load_log ORDER BY file""").df()


def rejected_summary(cursor: Cursor) -> pd.DataFrame:
    """Rejected values grouped by file and reason, with the rows they were found in."""
    return cursor.execute("""
        SELECT file, sheet, "column", expected, count(*) AS problems, count(DISTINCT "row") AS rows,
               array_to_string(list_sort(list(DISTINCT "row")), ', ') AS at_rows
        FROM rejected_rows GROUP BY ALL ORDER BY file, sheet, problems DESC""").df()


def rejected_rows(cursor: Cursor) -> pd.DataFrame:
    return cursor.execute("""
        SELECT file, sheet, "row", "column", found, expected, message, row_values
        FROM rejected_rows ORDER BY file, sheet, "row", "column" """).df()


def reporting_completeness(cursor: Cursor) -> pd.DataFrame:
    """Per country (and the global level) and started period: did it report indicator values, narrative and
    expenditure? NULL where the programme expects none of it then (reporting_due: a country outside the period's
    phase, a sheet kind [reporting] does not ask for)."""
    return cursor.execute("""
        WITH units AS (SELECT iso3 AS country, name FROM countries UNION ALL SELECT 'GLOBAL', 'Global level'),
        started AS (
            SELECT period, programme_year, period_start FROM periods WHERE period_started(period_start)
        ), due AS (  -- what each unit owes each period: a unit owing nothing then is left out
            SELECT period, country, list(kind) AS kinds FROM reporting_due GROUP BY period, country
        )
        SELECT u.country, u.name, s.period, s.period_start,
               CASE WHEN list_contains(d.kinds, 'results') THEN
                   EXISTS (SELECT 1 FROM results r WHERE r.country = u.country AND r.period = s.period
                           AND r.actual IS NOT NULL) END AS results,
               CASE WHEN list_contains(d.kinds, 'narrative') THEN
                   EXISTS (SELECT 1 FROM narrative n WHERE n.country = u.country AND n.period = s.period) END
                   AS narrative,
               CASE WHEN list_contains(d.kinds, 'expenditure') THEN
                   EXISTS (SELECT 1 FROM expenditure e WHERE e.country = u.country
                           AND e.programme_year = s.programme_year AND e.expenditure IS NOT NULL) END AS expenditure,
               EXISTS (SELECT 1 FROM activities a WHERE a.country = u.country) AS work_plan
        FROM units u CROSS JOIN started s JOIN due d ON d.period = s.period AND d.country = u.country
        ORDER BY u.country = 'GLOBAL', u.name, s.period_start""").df()


def freshness(cursor: Cursor) -> pd.DataFrame:
    """Per country: the latest period with indicator values and the file its data came from."""
    return cursor.execute("""
        WITH units AS (SELECT iso3 AS country, name FROM countries UNION ALL SELECT 'GLOBAL', 'Global level'),
        latest AS (
            SELECT r.country, max(p.period_start) AS latest_start FROM results r JOIN periods p USING (period)
            WHERE r.actual IS NOT NULL GROUP BY 1
        )
        SELECT u.country, u.name, p.period AS latest_period_reported,
               (SELECT string_agg(DISTINCT source_file, ', ') FROM results r WHERE r.country = u.country)
                   AS source_files,
               (SELECT max(l.loaded_at) FROM load_log l
                WHERE l.file IN (SELECT source_file FROM results r WHERE r.country = u.country)) AS loaded_at
        FROM units u LEFT JOIN latest l ON l.country = u.country
        LEFT JOIN periods p ON p.period_start = l.latest_start
        ORDER BY u.country = 'GLOBAL', u.name""").df()


def indicators_missing_baseline_or_target(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """Indicators (per country) without a baseline, an end-of-programme target, or some period targets."""
    return cursor.execute(f"""
        SELECT i.country, i.output_code, i.indicator_code, any_value(i.indicator_title) AS indicator_title,
               bool_or(i.baseline IS NULL) AS missing_baseline,
               bool_or(i.end_target IS NULL) AS missing_end_target,
               count(*) FILTER (WHERE i.target IS NULL) AS periods_without_target
        {INDICATORS_IN_SCOPE}
        GROUP BY i.country, i.output_code, i.indicator_code
        HAVING bool_or(i.baseline IS NULL) OR bool_or(i.end_target IS NULL) OR count(*) FILTER (WHERE i.target IS NULL) > 0
        ORDER BY i.country, i.output_code, i.indicator_code""", scope.params(*SCOPE)).df()


def finance_by_year(cursor: Cursor, scope: Scope, dimension: str) -> pd.DataFrame:
    """Budget, received and expenditure (USD) by one of FINANCE_DIMENSIONS and programme year."""
    column = FINANCE_DIMENSIONS[dimension]  # an identifier from code, never from input
    return cursor.execute(f"""
        SELECT CAST({column} AS VARCHAR) AS "group", f.programme_year,
               sum(budget_usd) AS budget_usd, sum(received_usd) AS received_usd,
               sum(expenditure_usd) AS expenditure_usd
        {FINANCE_IN_SCOPE}
        GROUP BY 1, 2 ORDER BY 1, 2""", scope.params(*SCOPE)).df()


# --- the review's recommendations --------------------------------------------------------------

def recommendations(cursor: Cursor) -> pd.DataFrame:
    return cursor.execute("""
        SELECT number, title, addressee, phase, status, due_date, is_overdue, days_overdue, responsible_unit,
               management_response, progress_notes, detail
        FROM recommendation_status ORDER BY number""").df()


def load_warnings(cursor: Cursor) -> pd.DataFrame:
    """What the load noticed but did not reject: hidden sheets and rows, values filled in, text kept."""
    return cursor.execute("""
        SELECT file, sheet, "row", "column", kind, message FROM load_warnings
        ORDER BY file, sheet, "row" NULLS FIRST, "column" """).df()


# --- theory of change, SDG targets, disaggregation -------------------------------------------------------

def theory_of_change(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """The programme's chain for the period, one row per node: impact, outcomes and outputs (their status from
    result_status for the chosen country, or the whole programme), then each output's indicators (for a
    country its own status; for all countries their values rolled up by the result rule). The output, agency
    and SDG target filters keep the outputs they select, their indicators and the results above them."""
    return cursor.execute("""
        WITH RECURSIVE kept(code) AS (
            SELECT code FROM results_chain
            WHERE level = 'output' AND ($output IS NULL OR code = $output)
              AND ($agency IS NULL OR lead_agency = $agency)
              AND ($sdg_target IS NULL OR list_contains(sdg_targets, $sdg_target))
            UNION
            SELECT c.parent FROM results_chain c JOIN kept k ON c.code = k.code WHERE c.parent IS NOT NULL
        ), results AS (
            SELECT s.level, s.code, s.parent, s.title, s.status, s.on_track, s.at_risk, s.off_track, s.no_data,
                   r.assumptions, array_to_string(r.sdg_targets, ', ') AS sdg_targets, r.illustrative, r.ordinal,
                   NULL AS sort
            FROM result_status s JOIN results_chain r USING (code)
            WHERE s.period = $period AND s.country IS NOT DISTINCT FROM $country
              AND s.code IN (SELECT code FROM kept)
        ), indicators AS (
            SELECT 'indicator' AS level, i.indicator_code AS code, i.output_code AS parent,
                   any_value(i.indicator_title) AS title,
                   count(*) FILTER (WHERE i.status = 'on track') AS on_track,
                   count(*) FILTER (WHERE i.status = 'at risk') AS at_risk,
                   count(*) FILTER (WHERE i.status = 'off track') AS off_track,
                   count(*) FILTER (WHERE i.status = 'no data') AS no_data,
                   any_value(i.status) AS own_status
            FROM indicator_progress i
            WHERE i.period = $period AND ($country IS NULL OR i.country = $country)
              AND i.output_code IN (SELECT code FROM kept)
            GROUP BY i.output_code, i.indicator_code
        )
        SELECT level, code, parent, title, status, on_track, at_risk, off_track, no_data, assumptions, sdg_targets,
               illustrative
        FROM (
            SELECT * FROM results
            UNION ALL
            SELECT level, code, parent, title,
                   CASE WHEN $country IS NULL THEN rolled_up_status('result', on_track, at_risk, off_track)
                        ELSE own_status END,
                   on_track, at_risk, off_track, no_data, '', '', false, NULL, code FROM indicators
        )
        ORDER BY ordinal NULLS LAST, parent, sort""",
                          scope.params("period", "country", "output", "agency", "sdg_target")).df()


def without_indicators(nodes: pd.DataFrame) -> pd.DataFrame:
    """A chain of theory_of_change without its indicators: the impact, outcomes and outputs, in the chain's order
    (the indicators come after them). Taken from the chain the page has already, not asked again."""
    return nodes[nodes["level"] != "indicator"].reset_index(drop=True)


def sdg_targets(cursor: Cursor) -> list[str]:
    """The SDG targets the programme's outputs and its indicators carry, in their order as numbers ('8.8' before
    '10.7')."""
    rows = cursor.execute("""
        SELECT DISTINCT unnest(sdg_targets) AS target FROM results_chain WHERE level = 'output'
        UNION SELECT DISTINCT unnest(sdg_targets) FROM indicator_progress""").fetchall()
    return sorted((row[0] for row in rows), key=wording.natural_order)


def sdg_target_progress(cursor: Cursor, scope: Scope) -> pd.DataFrame:
    """Per SDG target (view sdg_target_status): the statuses of the indicators of the outputs carrying it, for
    the period and the chosen country (or the whole programme), in the targets' order."""
    frame = cursor.execute("""
        SELECT sdg_target, array_to_string(output_codes, ', ') AS outputs, indicators, on_track, at_risk,
               off_track, no_data, status
        FROM sdg_target_status
        WHERE period = $period AND country IS NOT DISTINCT FROM $country
          AND ($sdg_target IS NULL OR sdg_target = $sdg_target)""",
                           scope.params("period", "country", "sdg_target")).df()
    order = {target: n for n, target in enumerate(sorted(frame["sdg_target"], key=wording.natural_order))}
    return frame.sort_values("sdg_target", key=lambda column: column.map(order)).reset_index(drop=True)


def indicator_parts(cursor: Cursor, country: str, indicator_code: str, period: str) -> pd.DataFrame:
    """The split of one indicator's target and actual in a country and period by each dimension of the
    programme (indicator_parts), in the order of the dimension's categories, each dimension's parts followed
    by the Results matrix's total (is_total); empty for a programme without dimensions or an indicator
    without parts."""
    return cursor.execute("""
        WITH parts AS (
            SELECT coalesce(d.name, p.dimension) AS dimension, p.category, p.target, p.actual, FALSE AS is_total,
                   coalesce(d.ordinal, 0) AS dimension_order,
                   coalesce(list_position(d.categories, p.category), 0) AS category_order
            FROM indicator_parts p LEFT JOIN dimensions d ON d.code = p.dimension
            WHERE p.country = $country AND p.indicator_code = $code AND p.period = $period
        ), totals AS (
            SELECT DISTINCT p.dimension, 'Total (Results matrix)' AS category, r.target, r.actual, TRUE AS is_total,
                   p.dimension_order, 1000000 AS category_order
            FROM parts p LEFT JOIN results r
                 ON r.country = $country AND r.indicator_code = $code AND r.period = $period
        )
        SELECT dimension, category, target, actual, is_total FROM (SELECT * FROM parts UNION ALL SELECT * FROM totals)
        ORDER BY dimension_order, dimension, category_order, category""",
                          {"country": country, "code": indicator_code, "period": period}).df()


def output_sdg_targets(cursor: Cursor) -> dict[str, tuple[str, ...]]:
    """Each output's SDG targets (results_chain.sdg_targets), by output code; () for an output without."""
    return {code: tuple(targets) for code, targets in cursor.execute(
        "SELECT code, sdg_targets FROM results_chain WHERE level = 'output' ORDER BY ordinal").fetchall()}
