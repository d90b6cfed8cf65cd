-- Analytic views: the documented interface (docs/schema.md). Built into every new database file.

-- The date statuses are judged at: the --as-of date given to the load, else today.
CREATE VIEW reporting_date AS
SELECT coalesce((SELECT TRY_CAST(value AS DATE) FROM settings WHERE name = 'as_of_date'), current_date) AS as_of_date;

-- Whether a period starting on `start_date` (its periods.period_start) had started by that date. Before it starts
-- nothing of it is due: no country is 'not reported' for it. The dashboard's default period is the latest started.
-- (Given the start, not the period's name: a macro's subquery over periods would take a bare `period` argument
-- for its own column.)
CREATE MACRO period_started(start_date) AS start_date <= (SELECT as_of_date FROM reporting_date);

-- What each reporting period expects from whom (the programme file's [reporting]): each country of the
-- period's phase × each sheet kind of `expected`, and the global level (GLOBAL) × each of `global_expected`.
CREATE VIEW reporting_due AS
SELECT t.period, t.country, e.kind, e.ordinal
FROM taking_part t JOIN reporting_expected e ON e.scope = 'country'
UNION ALL
SELECT p.period, 'GLOBAL', e.kind, e.ordinal FROM periods p JOIN reporting_expected e ON e.scope = 'global';

-- How far an indicator has moved from its baseline towards the value expected by now, as a share
-- (1 = exactly where it should be). The value expected by now is the baseline plus the elapsed
-- share of the period times the distance to the period target; direction decides which way is good.
CREATE MACRO progress_ratio(direction, baseline, target, actual, elapsed) AS
CASE
    WHEN actual IS NULL OR target IS NULL THEN NULL
    WHEN direction = 'higher is better' THEN (
        CASE
            WHEN coalesce(baseline, 0) + elapsed * (target - coalesce(baseline, 0)) <= coalesce(baseline, 0)
                THEN CASE WHEN actual >= coalesce(baseline, 0) + elapsed * (target - coalesce(baseline, 0)) THEN 1.0 ELSE 0.0 END
            ELSE (actual - coalesce(baseline, 0))
                 / (elapsed * (target - coalesce(baseline, 0)))
        END)
    WHEN baseline IS NULL THEN CASE WHEN actual <= target THEN 1.0 WHEN actual > 0 THEN target / actual ELSE 0.0 END
    ELSE (
        CASE
            WHEN baseline + elapsed * (target - baseline) >= baseline
                THEN CASE WHEN actual <= baseline + elapsed * (target - baseline) THEN 1.0 ELSE 0.0 END
            ELSE (baseline - actual) / (elapsed * (baseline - target))
        END)
END;

-- The thresholds are data: the table statuses (data/reference/statuses.csv, column at_least).
CREATE MACRO status_threshold(status_family, status_name) AS
    (SELECT at_least FROM statuses WHERE family = status_family AND status = status_name);

CREATE MACRO indicator_status(ratio, actual, target) AS
CASE
    WHEN actual IS NULL OR target IS NULL OR ratio IS NULL THEN 'no data'
    WHEN ratio >= status_threshold('indicator', 'on track') THEN 'on track'
    WHEN ratio >= status_threshold('indicator', 'at risk') THEN 'at risk'
    ELSE 'off track'
END;

-- A status judged from counts of statuses under it (a country's or an output's indicators, an outcome's
-- results): on track when at least the family's 'on track' share of those with data are on track, off
-- track when its 'off track' share or more are off track, else at risk; not reported when none has data.
CREATE MACRO rolled_up_status(status_family, on_track, at_risk, off_track) AS
CASE
    WHEN coalesce(on_track + at_risk + off_track, 0) = 0 THEN 'not reported'
    WHEN on_track >= status_threshold(status_family, 'on track') * (on_track + at_risk + off_track) THEN 'on track'
    WHEN off_track >= status_threshold(status_family, 'off track') * (on_track + at_risk + off_track) THEN 'off track'
    ELSE 'at risk'
END;

CREATE VIEW indicator_progress AS
WITH timed AS (
    SELECT r.*, p.period_start, p.period_end, p.programme_year, p.phase,
           greatest(0.0, least(1.0,
               date_diff('day', p.period_start, d.as_of_date + 1)::DOUBLE
               / date_diff('day', p.period_start, p.period_end + 1))) AS elapsed_fraction
    FROM results r
    JOIN periods p USING (period)
    CROSS JOIN reporting_date d
), rated AS (
    SELECT *, coalesce(baseline_adjusted, baseline) AS effective_baseline,
           progress_ratio(direction, coalesce(baseline_adjusted, baseline), target, actual, elapsed_fraction) AS ratio
    FROM timed
)
SELECT indicator_code, indicator_title, output_code, country, period_start, period_end,
       effective_baseline AS baseline, target, actual, unit,
       indicator_status(ratio, actual, target) AS status,
       period, programme_year, direction, end_target,
       baseline AS baseline_original, baseline_year, baseline_adjusted IS NOT NULL AS baseline_is_adjusted,
       baseline_adjustment_note, elapsed_fraction, round(ratio, 4) AS progress_ratio,
       means_of_verification, comment, phase, t.trajectory_code,
       coalesce(string_split(sdg_targets, '; '), []::VARCHAR[]) AS sdg_targets,
       source_file, source_sheet, source_row
FROM rated
JOIN (SELECT country, phase, indicator_code, trajectory_code FROM indicator_trajectories) t
     USING (country, phase, indicator_code);

CREATE VIEW activity_status AS
SELECT a.activity_code, a.activity_title, a.output_code, a.country, a.lead_agency,
       a.planned_start, a.planned_end, a.actual_end, a.status, a.percent_complete, a.budget_usd,
       a.support_agency, a.actual_start, a.budget, a.currency, a.fx_rate,
       (a.status NOT IN ('completed', 'cancelled') AND a.planned_end < d.as_of_date) AS is_overdue,
       CASE WHEN a.status NOT IN ('completed', 'cancelled') AND a.planned_end < d.as_of_date
            THEN date_diff('day', a.planned_end, d.as_of_date) END AS days_overdue,
       a.comment, a.source_file, a.source_sheet, a.source_row
FROM activities a CROSS JOIN reporting_date d;

-- Expenditure reported line by line (an ERP export, the Line column) summed to one row per country,
-- output, agency and programme year, once per load: a table, so the dashboard never re-adds a million
-- lines. Where the lines of a year use more than one currency, the amounts in the reporting currency
-- and the rate are left empty (the USD sums are exact). A year reported as one line is that line.
CREATE TABLE expenditure_by_year AS
SELECT country, output_code, agency, programme_year,
       CAST(sum(budget_usd) AS DECIMAL(38,2)) AS budget_usd,
       CAST(sum(received_usd) AS DECIMAL(38,2)) AS received_usd,
       CAST(sum(expenditure_usd) AS DECIMAL(38,2)) AS expenditure_usd,
       CASE WHEN count(DISTINCT currency) = 1 THEN any_value(currency) END AS currency,
       CASE WHEN count(DISTINCT currency) = 1 THEN CAST(sum(budget) AS DECIMAL(38,2)) END AS budget,
       CASE WHEN count(DISTINCT currency) = 1 THEN CAST(sum(received) AS DECIMAL(38,2)) END AS received,
       CASE WHEN count(DISTINCT currency) = 1 THEN CAST(sum(expenditure) AS DECIMAL(38,2)) END AS expenditure,
       CASE WHEN count(DISTINCT currency) = 1 THEN any_value(fx_rate) END AS fx_rate,
       string_agg(DISTINCT comment, '; ') AS comment,
       arg_min(source_file, (source_file, source_row)) AS source_file,
       arg_min(source_sheet, (source_file, source_row)) AS source_sheet,
       arg_min(source_row, (source_file, source_row)) AS source_row,  -- the first line's location
       CAST(count(*) AS INTEGER) AS lines
FROM expenditure
GROUP BY country, output_code, agency, programme_year;

CREATE VIEW finance_summary AS
SELECT country, output_code, agency, programme_year, budget_usd, received_usd, expenditure_usd,
       currency, budget, received, expenditure, fx_rate,
       CASE WHEN budget_usd > 0 THEN round(expenditure_usd / budget_usd, 4) END AS delivery_rate,
       coalesce(expenditure_usd > budget_usd, false) AS is_overspent,
       comment, source_file, source_sheet, source_row, lines
FROM expenditure_by_year;

CREATE VIEW milestone_status AS
SELECT m.country, m.milestone, m.due_date, m.achieved_date, m.category,
       CASE
           WHEN m.achieved_date IS NOT NULL AND m.achieved_date <= m.due_date THEN 'achieved'
           WHEN m.achieved_date IS NOT NULL THEN 'achieved late'
           WHEN m.due_date < d.as_of_date THEN 'overdue'
           ELSE 'pending'
       END AS status,
       m.comment, m.milestone_folded, m.source_file, m.source_sheet, m.source_row
FROM milestones m CROSS JOIN reporting_date d;

-- The day each phase expects its inception milestones by: the latest `due` of its programme.toml
-- [[milestones]] of kind inception, or, where it declares none, the end of its first programme year. A phase
-- is judged on its own: a later phase's milestones do not move an earlier phase's deadline.
CREATE VIEW inception_deadline AS
SELECT ph.code AS phase, ph.name AS phase_name, ph.ordinal,
       coalesce((SELECT max(p.due_date) FROM programme_milestones p WHERE p.kind = 'inception' AND p.phase = ph.code),
                (SELECT max(pe.period_end) FROM periods pe
                 WHERE pe.phase = ph.code
                   AND pe.programme_year = (SELECT min(programme_year) FROM periods WHERE phase = ph.code)))
       AS deadline
FROM phases ph;

-- Every inception milestone of every programme country: those the programme file expects of it (its
-- [[milestones]] of kind inception, of a phase the country takes part in), matched to the country's rows by
-- the milestone each names (milestone_folded: its title or one of its other titles, whatever their case and outer
-- spaces, the load's rule), and any other inception row it reported. An expected milestone with no row is 'not
-- reported': it counts as not achieved. Each is judged by its phase's deadline (the later one for a title two of
-- the country's phases expect); a row no phase expects, by the last deadline of the country's phases.
CREATE VIEW inception_milestones AS
WITH expected AS (  -- once per title, for a country in two phases that both expect it
    SELECT c.iso3 AS country, min(p.title) AS milestone, title_folded(p.title) AS folded,
           max(p.due_date) AS due_date, max(d.deadline) AS deadline
    FROM countries c JOIN programme_milestones p ON p.kind = 'inception' AND list_contains(c.phases, p.phase)
    LEFT JOIN inception_deadline d ON d.phase = p.phase
    GROUP BY c.iso3, title_folded(p.title)
), country_deadline AS (
    SELECT c.iso3 AS country, max(d.deadline) AS deadline
    FROM countries c JOIN inception_deadline d ON list_contains(c.phases, d.phase)
    GROUP BY c.iso3
), reported AS (  -- a row of another category is not an inception milestone, whatever its title
    SELECT s.* FROM milestone_status s WHERE s.country <> 'GLOBAL' AND s.category = 'inception'
), judged AS (
    SELECT coalesce(e.country, r.country) AS country, coalesce(e.milestone, r.milestone) AS milestone,
           e.country IS NOT NULL AS is_expected, r.country IS NOT NULL AS is_reported,
           coalesce(r.due_date, e.due_date) AS due_date, r.achieved_date,
           coalesce(r.status, 'not reported') AS status, e.deadline AS expected_by
    FROM expected e FULL JOIN reported r ON r.country = e.country AND r.milestone_folded = e.folded
)
SELECT j.country, j.milestone, j.is_expected, j.is_reported, j.due_date, j.achieved_date, j.status,
       coalesce(j.expected_by, cd.deadline) AS deadline,
       CASE WHEN coalesce(j.expected_by, cd.deadline) IS NOT NULL  -- none: a country of no phase, left unjudged
            THEN coalesce(j.achieved_date <= coalesce(j.expected_by, cd.deadline), false) END AS achieved_by_deadline
FROM judged j LEFT JOIN country_deadline cd ON cd.country = j.country;

-- One row per programme country. With nothing to judge (no inception milestone expected of it, none
-- reported) its inception_complete is NULL: a programme file that declares no inception milestones leaves
-- the countries that reported none unjudged.
CREATE VIEW country_inception AS
SELECT c.iso3 AS country,
       count(m.milestone) AS inception_milestones,
       count(m.milestone) FILTER (WHERE m.achieved_by_deadline) AS achieved_in_year_one,
       count(m.milestone) FILTER (WHERE NOT m.is_reported) AS not_reported,
       bool_and(m.achieved_by_deadline) AS inception_complete  -- NULL for a country without a milestone
FROM countries c LEFT JOIN inception_milestones m ON m.country = c.iso3
GROUP BY c.iso3;

-- The Mid-Term Review's recommendations with their management response; overdue when the due date
-- has passed and the recommendation is neither completed nor no longer applicable.
CREATE VIEW recommendation_status AS
SELECT r.number, r.title, r.addressee, r.phase, r.management_response, r.responsible_unit, r.due_date,
       r.status, r.progress_notes,
       (r.status NOT IN ('completed', 'no longer applicable') AND r.due_date < d.as_of_date) AS is_overdue,
       CASE WHEN r.status NOT IN ('completed', 'no longer applicable') AND r.due_date < d.as_of_date
            THEN date_diff('day', r.due_date, d.as_of_date) END AS days_overdue,
       r.detail, r.source_file, r.source_sheet, r.source_row
FROM recommendations r CROSS JOIN reporting_date d;

-- The theory of change: every result of the programme's chain (results_chain: impact -> outcomes ->
-- outputs) with a status for each period, for each country and GLOBAL and for the whole programme
-- (country NULL). An output's status rolls up from its indicators; an outcome's from its outputs; the
-- impact's from the results directly under it (outcomes, or outputs hung from it) - each by
-- rolled_up_status with the thresholds of the family 'result' (data/reference/statuses.csv). The counts
-- are of indicators for an output and of results for the levels above.
CREATE VIEW result_status AS
WITH scopes AS (
    SELECT iso3 AS country FROM countries UNION ALL SELECT 'GLOBAL' UNION ALL SELECT NULL
), grid AS (
    SELECT r.code, r.level, r.parent, r.title, p.period, s.country
    FROM results_chain r CROSS JOIN periods p CROSS JOIN scopes s
), indicator_counts AS (
    SELECT output_code AS code, period, country,
           count(*) FILTER (WHERE status = 'on track') AS on_track,
           count(*) FILTER (WHERE status = 'at risk') AS at_risk,
           count(*) FILTER (WHERE status = 'off track') AS off_track,
           count(*) FILTER (WHERE status = 'no data') AS no_data
    FROM indicator_progress GROUP BY GROUPING SETS ((output_code, period, country), (output_code, period))
), outputs AS (
    SELECT g.*, coalesce(k.on_track, 0) AS on_track, coalesce(k.at_risk, 0) AS at_risk,
           coalesce(k.off_track, 0) AS off_track, coalesce(k.no_data, 0) AS no_data
    FROM grid g LEFT JOIN indicator_counts k
         ON k.code = g.code AND k.period = g.period AND k.country IS NOT DISTINCT FROM g.country
    WHERE g.level = 'output'
), judged_outputs AS (
    SELECT *, rolled_up_status('result', on_track, at_risk, off_track) AS status FROM outputs
), outcomes AS (
    SELECT g.code, g.level, g.parent, g.title, g.period, g.country,
           count(c.code) FILTER (WHERE c.status = 'on track') AS on_track,
           count(c.code) FILTER (WHERE c.status = 'at risk') AS at_risk,
           count(c.code) FILTER (WHERE c.status = 'off track') AS off_track,
           count(c.code) FILTER (WHERE c.status = 'not reported') AS no_data
    FROM grid g LEFT JOIN judged_outputs c
         ON c.parent = g.code AND c.period = g.period AND c.country IS NOT DISTINCT FROM g.country
    WHERE g.level = 'outcome'
    GROUP BY ALL
), judged_outcomes AS (
    SELECT *, rolled_up_status('result', on_track, at_risk, off_track) AS status FROM outcomes
), below_impact AS (
    SELECT * FROM judged_outputs UNION ALL SELECT * FROM judged_outcomes
), impacts AS (
    SELECT g.code, g.level, g.parent, g.title, g.period, g.country,
           count(c.code) FILTER (WHERE c.status = 'on track') AS on_track,
           count(c.code) FILTER (WHERE c.status = 'at risk') AS at_risk,
           count(c.code) FILTER (WHERE c.status = 'off track') AS off_track,
           count(c.code) FILTER (WHERE c.status = 'not reported') AS no_data
    FROM grid g LEFT JOIN below_impact c
         ON c.parent = g.code AND c.period = g.period AND c.country IS NOT DISTINCT FROM g.country
    WHERE g.level = 'impact'
    GROUP BY ALL
)
SELECT code, level, parent, title, period, country, on_track, at_risk, off_track, no_data, status
FROM below_impact
UNION ALL
SELECT *, rolled_up_status('result', on_track, at_risk, off_track) FROM impacts;

-- Progress by SDG target: for each SDG target carried by an output (results_chain.sdg_targets), the statuses of
-- the indicators of the outputs carrying it, per period, for each country (and GLOBAL) and for the whole
-- programme (country NULL), with a status by the output rule (rolled_up_status, family 'result').
CREATE VIEW sdg_target_status AS
WITH tagged AS (  -- each indicator row once per target it carries: its output's and its own
    SELECT i.*, unnest(list_distinct(list_concat(coalesce(o.sdg_targets, []::VARCHAR[]), i.sdg_targets)))
               AS sdg_target
    FROM indicator_progress i LEFT JOIN results_chain o ON o.code = i.output_code AND o.level = 'output'
), counts AS (
    SELECT sdg_target, period, country,
           list_sort(list(DISTINCT output_code)) AS output_codes,
           count(*) AS indicators,
           count(*) FILTER (WHERE status = 'on track') AS on_track,
           count(*) FILTER (WHERE status = 'at risk') AS at_risk,
           count(*) FILTER (WHERE status = 'off track') AS off_track,
           count(*) FILTER (WHERE status = 'no data') AS no_data
    FROM tagged
    GROUP BY GROUPING SETS ((sdg_target, period, country), (sdg_target, period))
)
SELECT sdg_target, period, country, output_codes, indicators, on_track, at_risk, off_track, no_data,
       rolled_up_status('result', on_track, at_risk, off_track) AS status
FROM counts;
