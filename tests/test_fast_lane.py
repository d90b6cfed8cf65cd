"""The fast lane (etl/columnar.py) against the per-cell path: the same inputs must give the same database,
rejected rows and warnings, row for row and word for word. MM_FAST_LANE=0 turns the fast lane off."""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from etl import spec
from etl.load import insert_staged, run_load
from etl.schema import create_schema
from etl.parse import CENT
from etl.reference import load_reference
from etl.rules import Rules, staged_schema
from etl.templates import write_template

from .helpers.lanes import assert_same, load_both
from .helpers.paths import SAMPLE_DIR
from .helpers.rows import good_rows

pytestmark = pytest.mark.slow  # each case loads its inputs twice, once down each lane (the fuzz's companion)


def _messy_rows() -> dict[str, list[dict]]:
    """Good rows plus every kind of problem a typed column can hold, spread over the rows."""
    rows = good_rows()
    rng = random.Random(7)
    countries = ["Jamaica", "JAM", "Serbia", "SRB", "Kyrgyzstan", "Tunisia", "Ecuador", "Morocco", "Moldova", "Bangladesh"]
    for index in range(400):
        rows["expenditure"].append(dict(
            country=countries[index % len(countries)], output_code=f"Output {1 + index % 4}",
            agency=("UNDP", "IOM", "undp", "Unicef")[index % 4 if index % 37 else 3],
            programme_year=(2014, 2015, "2016/17", 2017, 2031)[index % 5 if index % 41 else 4],
            budget=rng.choice([1000, 1234.5, 2.675, 0.125, 1234.5649999999998, -5, 9.99e15, 1e13 + 0.5, 0]),
            received=rng.choice([None, 10, 10.01, 1e-7]), expenditure=rng.choice([0, 99.99, 123.456]),
            currency=("USD", "EUR", "CHF", "RSD", "XXX", "usd")[index % 6], line=f"71200-{index // 3:04d}",
            comment=rng.choice([None, "  spaced   out ", "ok", "tab\there"])))
    rows["expenditure"].append(dict(country="Total", budget=5, received=5, expenditure=5))  # a total row
    for index in range(60):
        rows["workplan"].append(dict(
            activity_code=f"3.{index % 50}", activity_title=f"Activity {index}", output_code="Output 3",
            country=countries[index % len(countries)], lead_agency="UNDP", support_agency=rng.choice([None, "IOM"]),
            planned_start=dt.date(2014 + index % 4, 1 + index % 12, 1), planned_end=dt.date(2015, 6, 30),
            actual_start=rng.choice([None, dt.date(2014, 5, 2)]), actual_end=rng.choice([None, dt.date(2014, 3, 1)]),
            status=rng.choice(["planned", "completed", "ongoing", "Delayed", "stalled"]),
            percent_complete=rng.choice([None, 0, 55.5, 101]), budget=rng.choice([None, 10_000, 250.25, 1e12]),
            currency=rng.choice([None, "USD", "RSD", "KGS", "EUR"])))
    for index in range(90):
        rows["results"].append(dict(
            output_code=rng.choice(["Output 1", "Output 5", "Output 2"]), indicator_code=f"2.{index % 7}",
            indicator_title=rng.choice(["Indicator", "Indicator changed"]), unit="number",
            direction="higher is better", country=rng.choice(["Serbia", "GLOBAL", "Moldova"]),
            baseline=rng.choice([0, 1]), baseline_year=2013, period=rng.choice(["2014/15 H1", "2015/16 H2", "2019/20 H1"]),
            target=rng.choice([None, 5, 7.5]), actual=rng.choice([None, 3]), end_target=10,
            baseline_adjusted=rng.choice([None, None, 2]), baseline_adjustment_note=rng.choice([None, "revised"])))
    for index in range(30):
        rows["milestones"].append(dict(
            country=countries[index % len(countries)], milestone=f"Milestone {index % 20}", category="implementation",
            due_date=rng.choice([dt.date(2015, 1, 1), dt.date(2009, 1, 1), dt.datetime(2016, 3, 4, 12, 30)]),
            achieved_date=rng.choice([None, dt.date(2015, 2, 1)])))
    return rows


def test_messy_workbooks_give_the_same_database_either_way(tmp_path, monkeypatch):
    rows = _messy_rows()
    first = write_template("all", tmp_path / "in" / "a.xlsx", rows)
    second = write_template("all", tmp_path / "in" / "b.xlsx", {"expenditure": rows["expenditure"][:50],
                                                                   "results": rows["results"][:20]})
    per_cell, fast, messages = load_both([first, second], tmp_path, monkeypatch)
    assert any("column by column" in m for m in messages), "the fast lane was not used"
    found = assert_same(per_cell, fast)
    problems = {row[5] for row in found["rejected_rows"]}  # 'found' values of the rejected cells
    assert len(found["rejected_rows"]) > 100 and len(problems) > 10  # the comparison covered many kinds of problem
    assert any("first given at" in row[6] for row in found["rejected_rows"])  # duplicates across files
    assert any("must give the same" in row[6] for row in found["rejected_rows"])  # indicator conflicts
    assert any(row[4] == "total row" for row in found["load_warnings"])


def _write_csv(path: Path, kind: str, rows: list[dict], encoding: str = "utf-8", extra: str = "") -> Path:
    sheet = next(s for s in spec.ALL_SHEETS if s.kind == kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in sheet.columns])
        for row in rows:
            writer.writerow(["" if row.get(c.key) is None else row[c.key] for c in sheet.columns])
        handle.write(extra)
    return path


def test_messy_csv_files_give_the_same_database_either_way(tmp_path, monkeypatch):
    rows = _messy_rows()
    files = [_write_csv(tmp_path / "in" / "expenditure.csv", "expenditure", rows["expenditure"]),
             _write_csv(tmp_path / "in" / "results.csv", "results", rows["results"]),
             _write_csv(tmp_path / "in" / "workplan.csv", "workplan", rows["workplan"]),
             _write_csv(tmp_path / "in" / "x-cp1252.csv", "expenditure",  # not UTF-8: the per-cell path
                        [dict(r, comment="café") for r in rows["expenditure"][:30]], encoding="cp1252"),
             _write_csv(tmp_path / "in" / "y-ragged.csv", "expenditure", rows["expenditure"][:30], extra="JAM,1\n\n")]
    per_cell, fast, messages = load_both(files, tmp_path, monkeypatch)
    assert sum("column by column" in m for m in messages) == 3, messages
    found = assert_same(per_cell, fast)
    assert len(found["rejected_rows"]) > 100


def test_the_sample_gives_the_same_database_either_way(tmp_path, monkeypatch):
    per_cell, fast, _ = load_both([SAMPLE_DIR], tmp_path, monkeypatch)
    assert_same(per_cell, fast)


def test_a_text_in_a_number_column_sends_the_sheet_down_the_per_cell_path(tmp_path, monkeypatch):
    rows = good_rows()
    rows["expenditure"][0]["budget"] = "n/a"
    rows["expenditure"][1]["budget"] = "12,500"
    path = write_template("expenditure", tmp_path / "in" / "x.xlsx", rows)
    per_cell, fast, messages = load_both([path], tmp_path, monkeypatch)
    assert not any("column by column" in m for m in messages)
    found = assert_same(per_cell, fast)
    assert [row[5] for row in found["rejected_rows"]] == ["'n/a'"]


def test_na_texts_in_number_columns_are_read_again_as_cells(tmp_path, monkeypatch):
    """fastexcel reads 'N/A', 'null', 'None' ... in a number column as an empty cell: those rows are read
    again from the XML and validated cell by cell, the rest stays in the fast lane."""
    rows = _messy_rows()
    for index, row in enumerate(rows["expenditure"][:120]):
        row["received"] = ("n/a", "N/A", None, "null", "None", 5)[index % 6]
        row["budget"] = 100 if index % 7 else None
    for index, row in enumerate(rows["results"]):
        row["target"] = ("N/A", None, 3)[index % 3]
    rows["expenditure"].append(dict(received="n/a"))  # a row of nothing but a marker: not blank
    path = write_template("all", tmp_path / "in" / "na.xlsx", rows)
    per_cell, fast, messages = load_both([path], tmp_path, monkeypatch)
    assert sum("column by column" in m for m in messages) >= 3, messages
    found = assert_same(per_cell, fast)
    assert {"'n/a'", "'N/A'", "'null'", "'None'"} <= {row[5] for row in found["rejected_rows"]}


def test_fast_lane_conversion_to_dollars_matches_decimal_arithmetic():
    """Amount / rate rounded half up to the cent: DuckDB's integer arithmetic (etl/rules.py derived_sql, written
    by etl/load.py insert_staged, for both lanes) against Decimal."""
    rng = random.Random(11)
    cases = [(rng.randint(0, 10 ** 15), rng.choice([1, 1_000_000, 870_000, 114_567_890, 3_675_000, 123, 10 ** 11]))
             for _ in range(20_000)] + [(5, 10), (15, 10), (25, 10), (1, 2_000_000)]
    cases = [(cents, micro) for cents, micro in cases if cents * 10 ** 6 // micro < 10 ** 15]  # the fast lane's range
    micros = sorted({micro for _, micro in cases})
    currency = {micro: f"C{index:02d}" for index, micro in enumerate(micros)}
    reference = replace(load_reference(), fx_rates={(currency[m], 2014): Decimal(m) / 10 ** 6 for m in micros})
    connection = duckdb.connect()
    create_schema(connection)
    rules = Rules(connection, reference)
    staged = pa.Table.from_pylist(
        [dict(country="JAM", output_code="1", agency="UNDP", programme_year=2014, budget=cents,
              currency=currency[micro], line=str(row), source_file="f", source_sheet="s", source_row=row)
         for row, (cents, micro) in enumerate(cases)], schema=staged_schema(spec.EXPENDITURE))
    assert rules.stage("expenditure", staged) == {}
    insert_staged(connection, spec.EXPENDITURE)
    found = connection.execute("SELECT source_row, fx_rate, budget_usd FROM expenditure ORDER BY source_row").fetchall()
    assert len(found) == len(cases)
    for (cents, micro), (_, rate, usd) in zip(cases, found):
        assert rate == Decimal(micro) / 10 ** 6
        expected = (Decimal(cents) / 100 / (Decimal(micro) / 10 ** 6)).quantize(CENT, rounding=ROUND_HALF_UP)
        assert usd == expected, (cents, micro)


@pytest.mark.parametrize("scale_dir", ["quick"])
def test_bench_inputs_give_the_same_database_either_way(tmp_path, monkeypatch, scale_dir):
    """The generated portfolio inputs at the quick scale, when they have been generated (git-ignored)."""
    folder = Path(__file__).resolve().parent.parent / "bench" / ".data" / scale_dir
    if not (folder / "xlsx").exists():
        pytest.skip("bench inputs not generated")
    monkeypatch.setenv("MM_REFERENCE_DIR", str(folder / "reference"))
    per_cell, fast, _ = load_both([folder / "xlsx" / "programme.xlsx", folder / "xlsx" / "expenditure-01.xlsx"],
                                   tmp_path, monkeypatch)
    assert_same(per_cell, fast)
