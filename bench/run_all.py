"""Every benchmark figure in one run, each beside its target (BENCHMARKS.md records them).

    .venv/bin/python bench/run_all.py            # portfolio scale, about 20 minutes on 2 cores
    .venv/bin/python bench/run_all.py --quick    # a smaller smoke run, about 3 minutes

Inputs are generated once and cached in bench/.data/ (generation time is printed apart, no target).
Databases are built in a temporary folder; data/warehouse.duckdb is never touched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from bench.etl_bench import bench_etl, run_etl  # noqa: E402
from bench.generate import DATA_DIR, PORTFOLIO, QUICK, Generated, generate, sample_multiple  # noqa: E402

WARM_TARGET = 0.300  # s, and at most 2x the page's queries
COLD_TARGET = 1.5  # s
ETL_OVER_RAW_TARGET = 1.5
ETL_RSS_TARGET_MB = 1536


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))) / 2**20
    import duckdb
    import streamlit

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory, 1), "python": platform.python_version(),
            "duckdb": duckdb.__version__, "streamlit": streamlit.__version__, "date": dt.date.today().isoformat()}


def page_figures(database: Path, warm_runs: int = 3) -> dict:
    """bench/page_bench.py in a child process (a fresh Streamlit runtime, its own peak RSS)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        subprocess.run([sys.executable, str(REPOSITORY / "bench" / "page_bench.py"), "--db", str(database),
                        "--warm-runs", str(warm_runs), "--json", output.name],
                       check=True, cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.loads(Path(output.name).read_text())


def browser_figures(database: Path) -> dict:
    output = subprocess.run([sys.executable, str(REPOSITORY / "bench" / "browser_bench.py"), "--db", str(database)],
                            check=True, cwd=REPOSITORY, capture_output=True, text=True).stdout
    return json.loads(output)


def click_figures(database: Path, runs: int) -> dict:
    """bench/click_bench.py in its own process: every page against the bare app, seconds and ratios."""
    with tempfile.NamedTemporaryFile(suffix=".json") as output:
        subprocess.run([sys.executable, str(REPOSITORY / "bench" / "click_bench.py"), "--db", str(database),
                        "--runs", str(runs), "--json", output.name], check=True, cwd=REPOSITORY,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return json.loads(Path(output.name).read_text())


def print_clicks(figures: dict, scale: str, bound: float | None) -> list[tuple]:
    """Each page's ratio to the bare app; the summary keeps the worst page of each action. `bound`: the one
    target every action has at this scale (the portfolio's 2×), else click_bench.TARGETS."""
    from bench.click_bench import TARGETS, report

    print(f"\nClicks against a bare Streamlit app, {scale} (bench/click_bench.py)")
    print("  " + report(figures["seconds"]).replace("\n", "\n  "))
    rows = []
    for action, target in TARGETS.items():
        target = bound or target
        worst_page, worst = max(((page, by_action[action]) for page, by_action in figures["ratios"].items()),
                                key=lambda item: item[1])
        rows.append((f"clicks, {scale}: {action} ÷ bare app (worst page)", f"≤ {target:.1f}×",
                     f"{worst:.2f}× ({worst_page})", verdict(worst <= target)))
    return rows


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def print_etl(figures: dict) -> list[tuple]:
    rows = []
    print(f"\nETL, {figures['scale']} scale")
    for name, figure in figures["raw_xlsx"].items():
        capped = f" (first {figure['rows']:,} rows)" if figure["capped"] else ""
        print(f"  raw parse xlsx  {name:<20} {figure['rows_per_second']:>10,.0f} rows/s  "
              f"{figure['seconds']:7.1f} s{capped}")
    for kind in ("xlsx", "csv"):
        etl = figures.get(f"etl_{kind}")
        if not etl:
            continue
        print(f"  etl load {kind:<5} {etl['rows']:>10,} rows in {etl['seconds']:6.1f} s = {etl['rows_per_second']:>8,.0f} "
              f"rows/s (read+validate+write {etl['read_and_validate_seconds']:.1f} s, build {etl['build_seconds']:.1f} s), "
              f"peak RSS {etl['peak_rss_mb']:,.0f} MB, database {etl['database_mb']:.0f} MB")
    for name, figure in figures.get("raw_csv", {}).items():
        print(f"  raw parse csv   {name:<20} {figure['rows_per_second']:>10,.0f} rows/s  {figure['seconds']:7.1f} s")
    ratio = figures["etl_over_raw"]
    print(f"  etl end to end / fastest raw xlsx parse of the same rows: {ratio:.1f}x (target <= {ETL_OVER_RAW_TARGET}x)")
    rows.append(("ETL xlsx end to end ÷ fastest raw parse", f"≤ {ETL_OVER_RAW_TARGET}×", f"{ratio:.1f}×",
                 verdict(ratio <= ETL_OVER_RAW_TARGET)))
    rss = figures["etl_xlsx"]["peak_rss_mb"]
    rows.append(("ETL peak RSS, xlsx load", f"≤ {ETL_RSS_TARGET_MB:,} MB", f"{rss:,.0f} MB", verdict(rss <= ETL_RSS_TARGET_MB)))
    if "etl_csv" in figures:
        rss = figures["etl_csv"]["peak_rss_mb"]
        rows.append(("ETL peak RSS, csv load", f"≤ {ETL_RSS_TARGET_MB:,} MB", f"{rss:,.0f} MB",
                     verdict(rss <= ETL_RSS_TARGET_MB)))
    return rows


def print_pages(figures: dict) -> list[tuple]:
    rows = []
    print(f"\nPages (AppTest), first run of the app {figures['first_run_seconds']:.2f} s, "
          f"peak RSS {figures['peak_rss_mb']:,.0f} MB")
    print(f"  {'page':<16}{'cold s':>8}{'warm s':>8}{'queries s':>11}{'warm/queries':>14}  targets: warm <= 0.3 s "
          f"and <= 2x queries, cold <= 1.5 s")
    for page, figure in figures["pages"].items():
        ratio = figure["warm_seconds"] / figure["queries_seconds"]
        warm_met = figure["warm_seconds"] <= WARM_TARGET and ratio <= 2
        cold_met = figure["cold_seconds"] <= COLD_TARGET
        problems = f"  PROBLEMS: {figure['problems']}" if figure["problems"] else ""
        print(f"  {page:<16}{figure['cold_seconds']:8.2f}{figure['warm_seconds']:8.3f}{figure['queries_seconds']:11.3f}"
              f"{ratio:13.1f}x  warm {verdict(warm_met)}, cold {verdict(cold_met)}{problems}")
        rows.append((f"page {page}: warm / cold", "≤ 0.30 s and ≤ 2× queries / ≤ 1.5 s",
                     f"{figure['warm_seconds']:.3f} s ({ratio:.1f}× {figure['queries_seconds']:.3f} s) / "
                     f"{figure['cold_seconds']:.2f} s", f"{verdict(warm_met)} / {verdict(cold_met)}"))
    return rows


def print_browser(figures: dict) -> list[tuple]:
    print("\nBrowser (chromium + Playwright, streamlit run on 127.0.0.1)")
    print(f"  overview ready: first visit {figures['first_visit_seconds']:.2f} s (fresh server), "
          f"second visit {figures['second_visit_seconds']:.2f} s (warm caches)")
    for path, seconds in figures.get("pages_seconds", {}).items():
        print(f"  {path:<16} {seconds:6.2f} s")
    print(f"  server RSS: idle {figures['server_rss_idle_mb']:.0f} MB, peak {figures['server_peak_rss_mb']:,.0f} MB "
          f"after every page")
    if figures.get("errors"):
        print(f"  ERRORS on: {figures['errors']}")
    return [("browser: overview ready, first / second visit", "(no number given)",
             f"{figures['first_visit_seconds']:.2f} s / {figures['second_visit_seconds']:.2f} s", "-"),
            ("dashboard server peak RSS (every page once)", "(none)", f"{figures['server_peak_rss_mb']:,.0f} MB", "-")]


def growth(scales: list, workdir: Path, log) -> dict:
    figures = {}
    for scale in scales:
        generated = generate(scale, log=log)
        log(f"  {scale.name}: etl load and pages")
        etl = run_etl(generated.xlsx, generated.reference, workdir / f"{scale.name}.duckdb")
        pages = page_figures(workdir / f"{scale.name}.duckdb", warm_runs=1)
        figures[scale.name] = {
            "rows": etl["rows"], "etl_seconds": etl["seconds"], "etl_peak_rss_mb": etl["peak_rss_mb"],
            "database_mb": etl["database_mb"],
            "pages_cold_seconds": sum(p["cold_seconds"] for p in pages["pages"].values()),
            "pages_warm_seconds": sum(p["warm_seconds"] for p in pages["pages"].values()),
            "queries_seconds": sum(p["queries_seconds"] for p in pages["pages"].values()),
            "pages_peak_rss_mb": pages["peak_rss_mb"]}
    return figures


def print_growth(figures: dict) -> None:
    print("\nGrowth with the size of the sample (1x = the sample's row counts; every page summed)")
    keys = [("rows", "rows", "{:,.0f}"), ("etl_seconds", "etl s", "{:.1f}"), ("etl_peak_rss_mb", "etl MB", "{:.0f}"),
            ("database_mb", "db MB", "{:.1f}"), ("pages_cold_seconds", "cold s", "{:.2f}"),
            ("pages_warm_seconds", "warm s", "{:.2f}"), ("queries_seconds", "query s", "{:.2f}"),
            ("pages_peak_rss_mb", "page MB", "{:.0f}")]
    print("  " + f"{'scale':<14}" + "".join(f"{label:>11}" for _, label, _ in keys))
    names = list(figures)
    for name in names:
        print("  " + f"{name:<14}" + "".join(f"{fmt.format(figures[name][key]):>11}" for key, _, fmt in keys))
    for previous, current in zip(names, names[1:]):
        print("  " + f"{current + ' ÷ ' + previous.split('-')[-1]:<14}"
              + "".join(f"{figures[current][key] / figures[previous][key]:>10.1f}x" for key, _, _ in keys))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smaller smoke run (50,000 lines; growth 1x and 10x)")
    parser.add_argument("--no-browser", action="store_true", help="leave out the browser figures")
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else PORTFOLIO
    growth_scales = [sample_multiple(f) for f in ((1, 10) if args.quick else (1, 10, 100))]
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", file=sys.stderr, flush=True)

    info = machine()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; Python {info['python']}, "
          f"DuckDB {info['duckdb']}, Streamlit {info['streamlit']}; {info['date']}")
    print(f"Command: .venv/bin/python bench/run_all.py{' --quick' if args.quick else ''}")
    log(f"generating inputs (cached in {DATA_DIR.relative_to(REPOSITORY)})")
    generation = {}
    for each in [scale, *growth_scales]:
        generated: Generated = generate(each, log=log)
        generation[each.name] = generated.seconds
    s = scale
    print(f"\nScale: {s.countries} countries, {s.indicator_periods:,} indicator-periods, {s.activities:,} activities, "
          f"{s.expenditure_lines:,} expenditure lines ({s.rows_per_file:,} per xlsx file, and one CSV)")
    print("Generation (not timed against any target): " + ", ".join(
        f"{name} {seconds:.0f} s" if seconds else f"{name} cached" for name, seconds in generation.items()))
    summary: list[tuple] = []
    results: dict = {"machine": info, "scale": scale.name}
    with tempfile.TemporaryDirectory(prefix="mm-bench-") as folder:
        workdir = Path(folder)
        log("ETL: raw parse and end-to-end loads")
        results["etl"] = bench_etl(generate(scale), workdir, openpyxl_rows=20_000 if args.quick else 50_000, log=log)
        summary += print_etl(results["etl"])
        database = workdir / f"{scale.name}-xlsx.duckdb"
        log("pages: AppTest cold and warm, queries alone")
        results["pages"] = page_figures(database)
        summary += print_pages(results["pages"])
        if not args.no_browser:
            log("browser: time to a ready overview, server memory")
            results["browser"] = browser_figures(database)
            summary += print_browser(results["browser"])
            log("clicks: every page against a bare Streamlit app, on the sample and at this scale")
            sample = workdir / "sample.duckdb"
            subprocess.run([sys.executable, "-m", "etl", "load", "data/sample", "--db", str(sample), "--as-of",
                            (REPOSITORY / "data" / "sample" / "AS_OF").read_text().strip(), "--quiet"],
                           check=True, cwd=REPOSITORY)
            results["clicks_sample"] = click_figures(sample, runs=3)
            summary += print_clicks(results["clicks_sample"], "sample", None)
            results["clicks_scale"] = click_figures(database, runs=1 if args.quick else 3)
            summary += print_clicks(results["clicks_scale"], scale.name, None if args.quick else 2.0)
        log("growth: 1x, 10x, 100x the sample")
        results["growth"] = growth(growth_scales, workdir, log)
        print_growth(results["growth"])
    print("\nSummary")
    width = max(len(row[0]) for row in summary)
    for name, target, measured, met in summary:
        print(f"  {name:<{width}}  {target:<36}  {measured:<32}  {met}")
    output = DATA_DIR / f"results-{scale.name}.json"
    output.write_text(json.dumps(results, indent=1, default=str))
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s; figures also in {output.relative_to(REPOSITORY)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
