"""A real indicator tracking table written by others (MCC, tests/fixtures/indicators): it loads as an
indicator table, every rejected value is explained, and the values checked by hand come out right."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest

from etl.load import run_load

from .helpers.paths import FIXTURES

MCC = FIXTURES / "indicators" / "mcc_indicator_tracking_kpis.csv"


@pytest.fixture(scope="module")
def mcc(tmp_path_factory):
    database = tmp_path_factory.mktemp("mcc") / "warehouse.duckdb"
    summary = run_load([MCC], database)
    with duckdb.connect(str(database), read_only=True) as connection:
        yield summary, connection


def value(connection, row: int, column: str):
    return connection.execute(f'SELECT "{column}", "{column}_note" FROM indicator_table WHERE source_row = ?',
                              [row]).fetchone()


def test_the_file_is_what_the_readme_says():
    raw = MCC.read_bytes()
    assert b"\n" not in raw and raw.count(b"\r") == 351  # CR-only line endings, 351 rows after the header
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0] == ["country", "project", "activity", "kpi", "baseline", "target", "actual", "percent"]
    assert len(rows) - 1 == 351
    assert len(rows) - 1 - len({tuple(r) for r in rows[1:]}) == 28


def test_351_rows_322_loaded_29_rejected(mcc):
    summary, connection = mcc
    assert summary.rows_by_table["indicator_table"] == 322
    assert len(summary.rejected) == 29
    assert connection.execute("SELECT rows_loaded, rows_rejected FROM load_log").fetchone() == (322, 29)


def test_every_rejected_row_is_explained(mcc):
    summary, connection = mcc
    duplicates = [r for r in summary.rejected if r.problems[0].column == "Country + Result + Output + Indicator + Period"]
    # the 28 duplicates: rows 324-352 repeat the Mongolia rows 144-172 (row 336 is the broken copy of row 156)
    assert [r.row for r in duplicates] == [n for n in range(324, 353) if n != 336]
    assert all(f"(first given at mcc_indicator_tracking_kpis.csv › Indicator table › row {r.row - 180})"
               in r.problems[0].message for r in duplicates)
    [broken] = [r for r in summary.rejected if r.row == 336]
    assert [p.message for p in broken.problems] == [
        "mcc_indicator_tracking_kpis.csv › Indicator table › row 336 › column kpi: found an empty cell, expected a "
        "value: Indicator is required (Indicator wording)",
        "mcc_indicator_tracking_kpis.csv › Indicator table › row 336 › column percent: found '#DIV/0!', expected a "
        "number, not the Excel error #DIV/0! (a division by zero in the cell's formula: fix the formula or type the "
        "value)"]
    assert connection.execute("SELECT count(*), count(DISTINCT \"row\") FROM rejected_rows").fetchone() == (30, 29)


@pytest.mark.parametrize("row, column, expected", [
    (4, "target", (14100.0, None)),  # "14,100"
    (4, "actual", (43632.0, None)),
    (4, "percent", (309.0, None)),  # "309%"
    (159, "target", (15200000.0, None)),  # "$15,200,000 "
    (276, "target", (-15.0, None)),  # "-15%"
    (15, "percent", (0.5, None)),  # "0.50%"
    (2, "actual", (None, "Pending")),
    (11, "target", (None, "No target")),
    (239, "baseline", (None, "N/A")),
    (323, "actual", (92.0, "92 (Q13-Q16)")),  # a number with its qualifier kept
    (22, "target", (None, "50% reduction")),  # text: kept, and a warning says so
    (122, "target", (None, "11-Jun")),  # a date-type KPI: kept as text (see docs/schema.md)
])
def test_values_checked_by_hand(mcc, row, column, expected):
    _, connection = mcc
    assert value(connection, row, column) == expected


def test_tbd_and_no_target_required_are_no_values(mcc):
    _, connection = mcc
    notes = dict(connection.execute("SELECT target_note, count(*) FROM indicator_table WHERE target IS NULL "
                                    "GROUP BY 1").fetchall())
    assert notes["TBD"] == 1 and notes["No target Required"] == 1 and notes["Pending"] == 10
    assert notes["No target"] + notes["No Target"] == 7


def test_text_that_is_not_a_number_is_kept_and_warned_about(mcc):
    summary, connection = mcc
    kept = [w for w in summary.warnings if w.kind == "text kept"]
    assert len(kept) == 32  # 36 texts in the file, minus the 4 of row 337, a rejected duplicate
    assert kept[0].message == ("mcc_indicator_tracking_kpis.csv › Indicator table › row 22 › column target: "
                               "'50% reduction' is not a number: kept as text in target_note, target left empty")
    assert connection.execute("SELECT count(*) FROM load_warnings WHERE kind = 'text kept'").fetchone() == (32,)


def test_percent_is_progress_from_baseline_to_target(mcc):
    """Checked by hand: percent = (actual - baseline) / (target - baseline), rounded. 5 rows disagree."""
    _, connection = mcc
    rows = connection.execute("""
        SELECT source_row, abs(round(100 * (actual - baseline) / (target - baseline)) - percent) <= 1
        FROM indicator_table WHERE baseline IS NOT NULL AND target IS NOT NULL AND actual IS NOT NULL
          AND percent IS NOT NULL AND target <> baseline""").fetchall()
    assert len(rows) == 253
    assert sorted(row for row, agrees in rows if not agrees) == [67, 90, 98, 100, 105]


def test_countries_are_kept_as_written_and_never_checked_against_the_programme(mcc):
    _, connection = mcc
    countries = [r[0] for r in connection.execute("SELECT DISTINCT country FROM indicator_table ORDER BY 1").fetchall()]
    assert len(countries) == 13 and "Burkina Faso" in countries and "Moldova" in countries
    assert connection.execute("SELECT count(*) FROM results").fetchone() == (0,)
