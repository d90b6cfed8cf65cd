"""The bundled sample loads cleanly and reproduces the facts of the year-1 report through the views."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

COUNTRIES = ["BGD", "ECU", "JAM", "KGZ", "MAR", "MDA", "SRB", "TUN"]


@pytest.fixture(scope="module")
def sample(sample_database):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        yield connection


def test_sample_loads_without_rejected_rows(sample):
    assert sample.execute("SELECT count(*) FROM rejected_rows").fetchone()[0] == 0
    assert sample.execute("SELECT count(*), sum(rows_rejected) FROM load_log").fetchone() == (10, 0)
    assert sample.execute("SELECT count(*) FROM recommendation_status").fetchone() == (16,)


def test_inception_complete_in_7_of_8_countries_not_ecuador(sample):
    rows = sample.execute("SELECT country, inception_complete FROM country_inception ORDER BY country").fetchall()
    assert [country for country, _ in rows] == COUNTRIES
    assert [country for country, complete in rows if not complete] == ["ECU"]
    assert sample.execute("SELECT achieved_date FROM milestone_status WHERE country = 'ECU' "
                          "AND milestone = 'Government endorsement'").fetchone() == (None,)


def test_undp_year_one_funding_received_and_expenditure(sample):
    totals = sample.execute("""
        SELECT sum(budget_usd), sum(received_usd), sum(expenditure_usd) FROM finance_summary
        WHERE agency = 'UNDP' AND programme_year = 2014""").fetchone()
    assert totals == (Decimal("822771.00"), Decimal("454464.00"), Decimal("274594.56"))


def test_sample_covers_all_countries_outputs_and_periods(sample):
    assert sample.execute("SELECT list(DISTINCT country ORDER BY country) FROM indicator_progress "
                          "WHERE country <> 'GLOBAL'").fetchone()[0] == COUNTRIES
    assert sample.execute("SELECT list(DISTINCT output_code ORDER BY output_code) FROM indicator_progress"
                          ).fetchone()[0] == [str(n) for n in range(1, 8)]
    assert sample.execute("SELECT count(DISTINCT period) FROM indicator_progress").fetchone()[0] == 8
    per_output = sample.execute("""
        SELECT output_code, count(DISTINCT indicator_code) FROM indicator_progress GROUP BY ALL""").fetchall()
    assert all(5 <= n <= 8 for _, n in per_output), per_output
    per_country = sample.execute("SELECT country, count(*) FROM activity_status WHERE country <> 'GLOBAL' "
                                 "GROUP BY ALL").fetchall()
    assert all(10 <= n <= 20 for _, n in per_country), per_country


def test_sample_has_every_status_and_an_adjusted_baseline(sample):
    statuses = {s for (s,) in sample.execute("SELECT DISTINCT status FROM indicator_progress").fetchall()}
    assert statuses == {"on track", "at risk", "off track", "no data"}
    assert sample.execute("SELECT count(DISTINCT (country, indicator_code)) FROM indicator_progress "
                          "WHERE baseline_is_adjusted").fetchone()[0] >= 3


def test_no_actuals_after_the_as_of_date(sample):
    assert sample.execute("""SELECT count(*) FROM indicator_progress
        WHERE actual IS NOT NULL AND period_start > (SELECT as_of_date FROM reporting_date)""").fetchone()[0] == 0
