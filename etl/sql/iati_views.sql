-- Views over IATI activity XML (etl/iati.py), documented in docs/schema.md. Run after views.sql, whose
-- reporting_date view and progress_ratio / indicator_status macros they reuse.

-- One row per IATI indicator period. baseline, target and actual are the totals: values a publisher
-- gave without dimensions. Disaggregated values (sex, age, ...) are counted here and listed in
-- iati_values / iati_dimensions; they are never added up into a total.
CREATE VIEW iati_indicator_progress AS
WITH baselines AS (
    SELECT iati_identifier, result_number, indicator_number,
           arg_max(value, coalesce(baseline_year, 0) * 1000000 + value_id) AS baseline,
           arg_max(baseline_year, coalesce(baseline_year, 0) * 1000000 + value_id) AS baseline_year
    FROM iati_values
    WHERE value_kind = 'baseline' AND dimensions IS NULL
    GROUP BY iati_identifier, result_number, indicator_number
), period_values AS (
    SELECT iati_identifier, result_number, indicator_number, period_number,
           arg_min(value, value_id) FILTER (WHERE value_kind = 'target' AND dimensions IS NULL) AS target,
           arg_min(value, value_id) FILTER (WHERE value_kind = 'actual' AND dimensions IS NULL) AS actual,
           count(*) FILTER (WHERE dimensions IS NOT NULL) AS disaggregated_values
    FROM iati_values
    WHERE period_number IS NOT NULL
    GROUP BY iati_identifier, result_number, indicator_number, period_number
), rated AS (
    SELECT p.iati_identifier, p.result_number, p.indicator_number, p.period_number, p.period_start, p.period_end,
           b.baseline, b.baseline_year, v.target, v.actual, coalesce(v.disaggregated_values, 0) AS disaggregated_values,
           CASE WHEN i.ascending THEN 'higher is better' ELSE 'lower is better' END AS direction,
           greatest(0.0, least(1.0,
               date_diff('day', p.period_start, d.as_of_date + 1)::DOUBLE
               / date_diff('day', p.period_start, p.period_end + 1))) AS elapsed_fraction,
           p.source_file, p.source_activity, p.source_path
    FROM iati_periods p
    JOIN iati_indicators i USING (iati_identifier, result_number, indicator_number)
    LEFT JOIN baselines b USING (iati_identifier, result_number, indicator_number)
    LEFT JOIN period_values v USING (iati_identifier, result_number, indicator_number, period_number)
    CROSS JOIN reporting_date d
)
SELECT x.iati_identifier, a.title AS activity_title, a.reporting_org, a.recipient_countries,
       r.title AS result_title, r.result_type_name, i.title AS indicator_title,
       i.reference_code AS indicator_reference, i.measure_name, x.direction,
       x.period_start, x.period_end, x.baseline, x.baseline_year, x.target, x.actual, x.disaggregated_values,
       x.elapsed_fraction,
       round(progress_ratio(x.direction, x.baseline, x.target, x.actual, x.elapsed_fraction), 4) AS progress_ratio,
       indicator_status(progress_ratio(x.direction, x.baseline, x.target, x.actual, x.elapsed_fraction),
                        x.actual, x.target) AS status,
       x.result_number, x.indicator_number, x.period_number, x.source_file, x.source_activity, x.source_path
FROM rated x
JOIN iati_indicators i USING (iati_identifier, result_number, indicator_number)
JOIN iati_results r USING (iati_identifier, result_number)
JOIN iati_activities a USING (iati_identifier);

-- Budgets and transactions in one long list: each value in its own currency with its value date, and
-- in USD where the shipped rate table has a rate for the value date's year.
CREATE VIEW iati_finance AS
SELECT b.iati_identifier, a.title AS activity_title, a.reporting_org, 'budget' AS flow,
       b.budget_type_name || ' budget, ' || lower(b.budget_status_name) AS flow_detail,
       b.period_start AS "date", b.period_end, b.value, b.currency, b.value_date, b.fx_rate, b.value_usd,
       b.conversion_note, b.source_file, b.source_activity, b.source_path
FROM iati_budgets b JOIN iati_activities a USING (iati_identifier)
UNION ALL
SELECT t.iati_identifier, a.title, a.reporting_org, 'transaction',
       coalesce(t.transaction_type_name, 'transaction type ' || t.transaction_type),
       t.transaction_date, NULL, t.value, t.currency, t.value_date, t.fx_rate, t.value_usd,
       t.conversion_note, t.source_file, t.source_activity, t.source_path
FROM iati_transactions t JOIN iati_activities a USING (iati_identifier);
