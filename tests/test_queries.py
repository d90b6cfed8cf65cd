"""Query functions on a real warehouse, where the numbers are worked out by hand."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.load import run_load
from mm_core import queries

from .helpers.rows import good_rows


def test_burn_rate_measures_spending_against_the_whole_phase_budget(write_workbook, tmp_path):
    rows = good_rows()  # UNDP JAM 2014: budget 100,000, spent 45,000.55; IOM GLOBAL 2015: CHF 50,000 budget
    rows["expenditure"].append(dict(rows["expenditure"][0], programme_year=2017, budget=300_000, received=0,
                                    expenditure=0))
    database = tmp_path / "w.duckdb"
    run_load([write_workbook(rows)], database, as_of=dt.date(2015, 1, 31))  # end of programme year 1
    with duckdb.connect(str(database), read_only=True) as connection:
        burn = queries.burn_rate(connection, queries.Scope("2014/15 H2", 2014))
    assert burn["programme_year"].tolist() == [2014]  # only the years begun by the as-of date
    phase_budget = 100_000 + round(50_000 / 0.9627, 2) + 300_000  # every year's budget, 2017 included
    assert float(burn["phase_budget_usd"][0]) == pytest.approx(phase_budget)
    assert burn["spent_share"][0] == pytest.approx(45_000.55 / phase_budget)
    assert burn["time_share"][0] == pytest.approx(0.25, abs=0.001)


def test_rejected_rows_are_listed_in_row_order(write_workbook, tmp_path):
    rows = good_rows()
    rows["results"] = [dict(rows["results"][0], indicator_code=f"1.{n}", direction="up") for n in range(1, 12)]
    database = tmp_path / "w.duckdb"
    run_load([write_workbook(rows)], database)
    with duckdb.connect(str(database), read_only=True) as connection:
        summary = queries.rejected_summary(connection)
    assert summary["at_rows"].tolist() == [", ".join(str(n) for n in range(2, 13))]
