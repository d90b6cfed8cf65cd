"""The benchmark scripts at a tiny scale, so they cannot rot: the generator, its reference directory
read through MM_REFERENCE_DIR, a load of its line-level expenditure, the raw-parse figures and one page."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import streamlit as st

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
    pages = bench_pages(tmp_path / "w.duckdb", pages=("money", "round_tracker"), warm_runs=1)["pages"]
    for page in ("money", "round_tracker"):  # the tracker's queries take a frame, which the bench cannot hash
        assert pages[page]["problems"] == [] and pages[page]["queries"] > 0
        assert pages[page]["country_change_seconds"] > 0  # each country and GLOBAL taken by the sidebar (else raises)


def test_the_hostile_files_benchmark_refuses_its_cases_as_whole_processes(tmp_path):
    from bench.hostile_files import CASES, run
    chosen = [case for case in CASES if case[0] in ("a cell with two r attributes", "IATI: a billion laughs")]
    results = run(chosen, tmp_path)
    assert [(r["case"], r["status"]) for r in results] == [(name, 1) for name, _ in chosen]
    assert "used range A1:XFD1048576 is 17 billion cells" in results[0]["stderr"]
    assert "refused: the XML carries a DTD" in results[1]["stderr"]
    assert all(r["peak_mb"] > 0 for r in results)


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium is installed by `make test`")
def test_the_click_benchmark_times_the_bare_app_the_dashboard_and_its_replay_in_one_run(sample_database):
    """bench/click_bench.py end to end on one page, one run: every action timed on the dashboard and on the replay
    of its recorded runs (the same clicks); each ratio to the bare app's and to the replay's."""
    from bench import click_bench

    results = click_bench.run(sample_database, runs=1, pages=(("outputs", "Outputs"),))
    assert set(results) == {"bare app", "dashboard", "replay"}
    assert set(results["bare app"]) == {"first load", "page switch", "filter change"}
    assert set(results["dashboard"]["Outputs"]) == set(results["replay"]["Outputs"]) == set(click_bench.TARGETS)
    assert all(0 < seconds < 60 for figures in (results["bare app"], results["dashboard"]["Outputs"],
                                                results["replay"]["Outputs"]) for seconds in figures.values())
    ratios = click_bench.ratios(results)["Outputs"]
    assert ratios["period change"] == (results["dashboard"]["Outputs"]["period change"]
                                       / results["bare app"]["filter change"])
    assert click_bench.over_replay(results)["Outputs"]["page switch"] == (
        results["dashboard"]["Outputs"]["page switch"] / results["replay"]["Outputs"]["page switch"])
    assert "Outputs" in click_bench.report(results)


def test_the_replay_sends_the_recorded_runs_in_order_and_refuses_a_run_of_another_page(tmp_path, monkeypatch, caplog):
    """bench/record_runs.py writes each run from its navigation message on; the replay app reads them back in
    order and stops when the clicks do not follow the recording (its figures would then mean nothing)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.testing.v1 import AppTest

    from bench import record_runs
    from bench.click_bench import REPLAY_APP

    navigation = ForwardMsg()
    for name, url in (("Overview", ""), ("Outputs", "outputs")):
        page = navigation.navigation.app_pages.add(page_script_hash=name, page_name=name, url_pathname=url,
                                                   section_header="Programme")
        page.is_default = name == "Overview"
    navigation.navigation.page_script_hash = "Overview"
    element = ForwardMsg()
    element.delta.new_element.markdown.body = "recorded text"
    element.metadata.delta_path[:] = [0, 0]
    other = ForwardMsg()
    other.CopyFrom(navigation)
    other.navigation.page_script_hash = "Outputs"
    for number, messages in enumerate([[navigation, element], [other]]):
        with open(tmp_path / f"{number:05d}.bin", "wb") as file:
            for message in messages:
                data = message.SerializeToString()
                file.write(len(data).to_bytes(4, "big") + data)
    assert [len(record_runs.read(tmp_path / name)) for name in ("00000.bin", "00001.bin")] == [2, 1]

    st.cache_resource.clear()  # the replay's count of runs sent
    monkeypatch.setenv("MM_REPLAY_DIR", str(tmp_path))
    try:
        app = AppTest.from_file(str(REPLAY_APP), default_timeout=30).run()
        assert [element.value for element in app.markdown] == ["recorded text"]
        app.run()  # the next recorded run was on Outputs, this click on Overview
        assert app.exception  # the message is in the server's log (the app shows no error details)
        assert "run 1 recorded page 'Outputs', replayed on 'Overview'" in caplog.text
    finally:
        st.cache_resource.clear()


def test_the_click_trace_splits_a_page_switch_into_server_messages_and_browser_work(sample_database, capsys):
    """bench/click_trace.py on one switch: when the answer's messages came and what the browser's main thread did,
    by the script it ran (Chrome's profiler): the figures BENCHMARKS.md uses for where a click's time goes."""
    from bench import click_trace

    assert click_trace.bundle({"url": "http://127.0.0.1:1/static/js/react-dom.Dzbslgj4.js",
                               "functionName": "se"}) == "react-dom"
    assert click_trace.bundle({"url": "", "functionName": "(garbage collector)"}) == "(garbage collector)"
    assert click_trace.main(["--db", str(sample_database), "--from", "outputs", "--to", "Overview",
                             "--runs", "1"]) == 0
    printed = capsys.readouterr().out
    figures = dict(re.findall(r"^  (settled|first message|last message)\s+([\d.]+) s$", printed, re.M))
    assert set(figures) == {"settled", "first message", "last message"}
    assert 0 < float(figures["first message"]) <= float(figures["last message"]) < 30
    assert re.search(r"^    \S.*\s+\d+ ms$", printed, re.M)  # at least one script with its time


def test_the_single_file_benchmark_times_the_load_and_the_raw_parse_in_turn():
    """bench/single_file.py on one of the sample's workbooks, one pair: both whole processes timed, each ratio the
    load's figure over the parse's of the same pair."""
    from bench import single_file

    sample = Path(__file__).resolve().parent.parent / "data" / "sample"
    workbook = sorted(sample.glob("*.xlsx"))[0]
    figures = single_file.compare(workbook, (sample / "AS_OF").read_text().strip(), runs=1)
    (load,), (parse,) = figures["load"], figures["parse"]
    assert 0 < parse["wall"] and 0 < load["wall"] < 120 and load["peak_mib"] > 0
    assert figures["ratio_wall"] == [load["wall"] / parse["wall"]]
    assert figures["ratio_cpu"] == [load["cpu"] / parse["cpu"]]
    with pytest.raises(RuntimeError, match="failed with exit code"):  # a load that fails is not a figure
        single_file.timed([sys.executable, "-c", "raise SystemExit(3)"])


def test_the_single_file_benchmark_times_another_checkouts_load_in_the_same_round(tmp_path):
    """`--before`: the other checkout's `python -m etl` is the one timed (a checkout whose load fails is no
    figure), and the load's wall is taken over the before's round by round."""
    from bench import single_file

    repository = Path(__file__).resolve().parent.parent
    sample = repository / "data" / "sample"
    workbook, as_of = sorted(sample.glob("*.xlsx"))[0], (sample / "AS_OF").read_text().strip()
    figures = single_file.compare(workbook, as_of, runs=1, before=repository)
    (before,), (load,) = figures["before"], figures["load"]
    assert 0 < before["wall"] < 120 and figures["after_before_wall"] == [load["wall"] / before["wall"]]
    broken = tmp_path / "broken"
    (broken / "etl").mkdir(parents=True)
    (broken / "etl" / "__main__.py").write_text("raise SystemExit(3)\n")
    with pytest.raises(RuntimeError, match="failed with exit code 3"):
        single_file.compare(workbook, as_of, runs=1, before=broken)


def test_the_single_file_benchmark_reads_a_relative_reference_folder_in_this_repository(tmp_path, monkeypatch):
    """A relative $MM_REFERENCE_DIR is the folder under this repository, whichever checkout's load runs; an
    absolute one is left as it is."""
    from bench import single_file

    repository = Path(__file__).resolve().parent.parent
    said = tmp_path / "said.txt"
    tell = [sys.executable, "-c", f"import os; open({str(said)!r}, 'w').write(os.environ['MM_REFERENCE_DIR'])"]
    monkeypatch.setenv("MM_REFERENCE_DIR", "bench/.data/portfolio/reference")
    single_file.timed(tell, tmp_path)
    assert said.read_text() == str(repository / "bench/.data/portfolio/reference")
    monkeypatch.setenv("MM_REFERENCE_DIR", str(tmp_path / "reference"))
    single_file.timed(tell, tmp_path)
    assert said.read_text() == str(tmp_path / "reference")


def test_the_server_split_sorts_a_runs_time_by_the_innermost_part_it_was_in():
    """bench/server_split.py: each frame's own time goes to the innermost category at or above it (a query's
    DuckDB time inside Streamlit's cache is the query's; the cache's own hashing is the cache's; the page itself is
    the rest)."""
    from types import SimpleNamespace

    from bench import server_split

    def frame(file_path, time, *children):
        return SimpleNamespace(file_path=file_path, time=time, children=list(children))

    here = str(server_split.REPOSITORY)
    tree = frame(f"{here}/dashboard.py", 1.0,
                 frame("/site-packages/streamlit/runtime/caching/cache_utils.py", 0.6,
                       frame(f"{here}/mm_core/queries.py", 0.3, frame("", 0.25)),
                       frame("/site-packages/pandas/core/util/hashing.py", 0.1),
                       frame(f"{here}/mm_dashboard/choices.py", 0.1,  # a cached function's body: the dashboard's
                             frame("/site-packages/pandas/core/strings/accessor.py", 0.08))),
                 frame(f"{here}/mm_core/charts.py", 0.2, frame("/site-packages/altair/vegalite/v6/api.py", 0.15,
                                                               frame("/site-packages/streamlit/runtime/metrics_util.py",
                                                                     0.05))))
    spent = server_split.split(tree)
    assert spent == pytest.approx({"the rest": 0.3, "Streamlit cache": 0.2, "queries": 0.3, "charts": 0.15,
                                   "Streamlit elements": 0.05})
    assert sum(spent.values()) == pytest.approx(1.0)


def test_the_server_split_times_a_pages_country_changes_on_the_dashboards_own_server(sample_database, capsys):
    """bench/server_split.py on one page, two Country changes: the runs timed on one server and profiled on
    another, printed as the page's median run and the shares of its time."""
    from bench import server_split

    assert server_split.main(["--db", str(sample_database), "--pages", "Recommendations", "--changes", "2"]) == 0
    printed = capsys.readouterr().out
    row = re.search(r"^Recommendations\s+(\d+) ms \[(\d+)-(\d+)\]\s+(.*)$", printed, re.M)
    assert row, printed
    median, fastest, slowest = (int(row.group(n)) for n in (1, 2, 3))
    assert 0 < fastest <= median <= slowest < 30_000
    shares = [int(share) for share in re.findall(r"(\d+)%", row.group(4))]
    assert len(shares) == 5 and 97 <= sum(shares) <= 103  # each rounded
