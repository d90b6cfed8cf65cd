"""The benchmark scripts at a tiny scale, so they cannot rot: the generator, its reference directory
read through MM_REFERENCE_DIR, a load of its line-level expenditure, the raw-parse figures and one page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from etl.load import run_load
from etl.reference import load_reference

from bench.etl_bench import raw_parse
from bench.generate import AS_OF, Scale, country_codes, generate
from bench.page_bench import bench_pages

pytestmark = pytest.mark.slow  # runs the benchmarks' generators and processes end to end

TINY = Scale("tiny", countries=3, indicator_periods=48, activities=12, expenditure_lines=300, rows_per_file=100,
             bad_line_every=100)


def test_generator_reference_hook_load_and_benchmarks(tmp_path, monkeypatch, clear_streamlit_caches):
    generated = generate(TINY, tmp_path / "data", workers=1, log=lambda message: None)
    assert [p.name for p in generated.xlsx_files] == ["expenditure-01.xlsx", "expenditure-02.xlsx",
                                                      "expenditure-03.xlsx", "programme.xlsx"]
    assert generate(TINY, tmp_path / "data", workers=1).seconds == 0  # cached

    monkeypatch.setenv("MM_REFERENCE_DIR", str(generated.reference))
    assert sorted(load_reference().countries) == country_codes(3) == ["AAA", "AAB", "AAC"]
    summary = run_load([generated.xlsx], tmp_path / "w.duckdb", as_of=AS_OF)
    assert summary.rows_by_table["expenditure"] == 297  # 300 lines, one in 100 with a bad budget
    assert summary.rows_by_table["results"] == 48 and summary.rows_by_table["activities"] == 12
    assert {re.sub(r"'-\d+'", "'-N'", p.message.split(" › ")[-1]) for r in summary.rejected for p in r.problems} == {
        "column Budget: found '-N', expected an amount of zero or more (money is never negative)"}
    monkeypatch.delenv("MM_REFERENCE_DIR")
    assert "AAA" not in load_reference().countries  # back to data/reference

    parsed = raw_parse(generated.xlsx_files, openpyxl_rows=50)
    assert parsed["python-calamine"]["rows"] == parsed["fastexcel"]["rows"] == 300 + 48 + 12 + 30 + 42
    assert parsed["openpyxl read-only"]["rows"] == 50

    monkeypatch.setenv("MM_DB_PATH", str(tmp_path / "w.duckdb"))
    pages = bench_pages(tmp_path / "w.duckdb", pages=("money",), warm_runs=1)["pages"]
    assert pages["money"]["problems"] == [] and pages["money"]["queries"] > 0


def test_the_hostile_files_benchmark_refuses_its_cases_as_whole_processes(tmp_path):
    from bench.hostile_files import CASES, run
    chosen = [case for case in CASES if case[0] in ("a cell with two r attributes", "IATI: a billion laughs")]
    results = run(chosen, tmp_path)
    assert [(r["case"], r["status"]) for r in results] == [(name, 1) for name, _ in chosen]
    assert "used range A1:XFD1048576 is 17 billion cells" in results[0]["stderr"]
    assert "refused: the XML carries a DTD" in results[1]["stderr"]
    assert all(r["peak_mb"] > 0 for r in results)


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium is installed by `make test`")
def test_the_click_benchmark_times_the_bare_app_and_a_page_in_one_run(sample_database):
    """bench/click_bench.py end to end on one page, one run: every action timed, each ratio to the bare app's."""
    from bench import click_bench

    results = click_bench.run(sample_database, runs=1, pages=(("outputs", "Outputs"),))
    assert set(results) == {"bare app", "Outputs"}
    assert set(results["bare app"]) == {"first load", "page switch", "filter change"}
    assert set(results["Outputs"]) == set(click_bench.TARGETS)
    assert all(0 < seconds < 60 for figures in results.values() for seconds in figures.values())
    ratios = click_bench.ratios(results)["Outputs"]
    assert ratios["period change"] == results["Outputs"]["period change"] / results["bare app"]["filter change"]
    assert "Outputs" in click_bench.report(results)
