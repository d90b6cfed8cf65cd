-- Analytic views: the documented interface (docs/schema.md). Built into every new database file.

-- The date statuses are judged at: the --as-of date given to the load, else today.
CREATE VIEW reporting_date AS
SELECT coalesce((SELECT TRY_CAST(value AS DATE) FROM settings WHERE name = 'as_of_date'), current_date) AS as_of_date;

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

CREATE VIEW indicator_progress AS
WITH timed AS (
    SELECT r.*, p.period_start, p.period_end, p.programme_year,
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
       means_of_verification, comment, source_file, source_sheet, source_row
FROM rated;

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
       m.comment, m.source_file, m.source_sheet, m.source_row
FROM milestones m CROSS JOIN reporting_date d;

-- Inception is complete in a country when every inception milestone was achieved by the day the
-- programme expects its inception milestones (programme.toml [[milestones]] of kind inception: the latest
-- `due`), or, where it declares none, by the end of the first programme year.
CREATE VIEW inception_deadline AS
SELECT coalesce((SELECT max(due_date) FROM programme_milestones WHERE kind = 'inception'),
                (SELECT max(period_end) FROM periods WHERE programme_year = (SELECT min(programme_year) FROM periods)))
       AS deadline;

CREATE VIEW country_inception AS
WITH year_one AS (
    SELECT deadline AS year_one_end FROM inception_deadline
)
SELECT m.country,
       count(*) AS inception_milestones,
       count(*) FILTER (WHERE m.achieved_date <= y.year_one_end) AS achieved_in_year_one,
       count(*) = count(*) FILTER (WHERE m.achieved_date <= y.year_one_end) AS inception_complete
FROM milestones m CROSS JOIN year_one y
WHERE m.category = 'inception' AND m.country <> 'GLOBAL'
GROUP BY m.country;

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
