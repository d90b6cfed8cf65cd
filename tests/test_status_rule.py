"""The indicator status rule: direction-aware, and judged against the share of the period elapsed."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from etl.load import run_load

from .helpers.rows import good_rows

RULE_CASES = [
    # direction, baseline, target, actual, elapsed share, expected status
    ("higher is better", 0, 10, 10, 1.0, "on track"),
    ("higher is better", 0, 10, 9, 1.0, "on track"),  # 90% of the way
    ("higher is better", 0, 10, 8, 1.0, "at risk"),
    ("higher is better", 0, 10, 5, 1.0, "off track"),
    ("higher is better", 0, 10, 5, 0.5, "on track"),  # half the period gone, half the way there
    ("higher is better", 0, 10, 3, 0.5, "at risk"),
    ("higher is better", None, 10, 9, 1.0, "on track"),  # no baseline: counted from zero
    ("higher is better", 5, 5, 5, 1.0, "on track"),  # hold the baseline
    ("higher is better", 5, 5, 4, 1.0, "off track"),
    ("lower is better", 30, 20, 20, 1.0, "on track"),
    ("lower is better", 30, 20, 21, 1.0, "on track"),
    ("lower is better", 30, 20, 23, 1.0, "at risk"),
    ("lower is better", 30, 20, 28, 1.0, "off track"),
    ("lower is better", 30, 20, 26, 0.5, "at risk"),  # expected 25 by now
    ("lower is better", 30, 20, 35, 1.0, "off track"),  # worse than baseline
    ("lower is better", None, 20, 19, 1.0, "on track"),
    ("lower is better", None, 20, 40, 1.0, "off track"),
    ("higher is better", 0, 10, None, 1.0, "no data"),
    ("higher is better", 0, None, 4, 1.0, "no data"),
    ("higher is better", 0, 10, 0, 0.0, "on track"),  # the period has not started
]


@pytest.fixture(scope="module")
def macros(tmp_path_factory):
    database = tmp_path_factory.mktemp("rule") / "w.duckdb"
    from etl.templates import write_template
    run_load([write_template("all", database.parent / "in.xlsx", good_rows())], database)
    with duckdb.connect(str(database), read_only=True) as connection:
        yield connection


@pytest.mark.parametrize("direction, baseline, target, actual, elapsed, status", RULE_CASES)
def test_status_rule(macros, direction, baseline, target, actual, elapsed, status):
    found = macros.execute(
        "SELECT indicator_status(progress_ratio(?, ?::DOUBLE, ?::DOUBLE, ?::DOUBLE, ?::DOUBLE), ?::DOUBLE, ?::DOUBLE)",
        [direction, baseline, target, actual, elapsed, actual, target]).fetchone()[0]
    assert found == status


def test_status_in_the_view_depends_on_the_as_of_date(write_workbook, tmp_path):
    rows = good_rows()
    row = rows["results"][4]  # indicator 1.1, 2015/16 H1 (Feb-Jul 2015): baseline 0, target 4, actual 3
    assert (row["period"], row["target"], row["actual"]) == ("2015/16 H1", 4, 3)
    inputs = [write_workbook(rows)]

    def status_as_of(day: dt.date) -> tuple:
        database = tmp_path / f"{day}.duckdb"
        run_load(inputs, database, as_of=day)
        with duckdb.connect(str(database), read_only=True) as connection:
            return connection.execute(
                "SELECT round(elapsed_fraction, 2), status FROM indicator_progress "
                "WHERE indicator_code = '1.1' AND period = '2015/16 H1'").fetchone()

    assert status_as_of(dt.date(2015, 12, 31)) == (1.0, "at risk")  # 3 of 4: 75%
    assert status_as_of(dt.date(2015, 5, 1)) == (0.5, "on track")  # expected 2 by now
