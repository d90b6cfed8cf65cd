"""ETL figures: raw xlsx/CSV parse speed of the readers available here, and the ETL end to end.

    .venv/bin/python bench/etl_bench.py [--scale portfolio]

Raw parse = every cell of every data sheet into memory, nothing else: python-calamine (`to_python`,
the ETL's per-cell path), fastexcel (Arrow, typed columns: the ETL's fast lane) and openpyxl read-only
(`values_only` rows; capped, it is the slow one). The ETL end to end is `python -m etl load` in a child
process: wall time, rows read (loaded + rejected) per second, peak RSS (from the child's own rusage), and
the time until every file is read, validated and written, apart from the rest of the build (duplicate
keys, views, checks).
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from bench.generate import AS_OF, SCALES, Generated, generate  # noqa: E402

DATA_SHEETS = {"Results matrix", "Work plan", "Expenditure", "Milestones", "Narrative"}


def _parse_calamine(path: Path, limit: int | None) -> int:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    rows = 0
    for name in workbook.sheet_names:
        if name in DATA_SHEETS:
            rows += len(workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)) - 1
    workbook.close()
    return rows


def _parse_fastexcel(path: Path, limit: int | None) -> int:
    import fastexcel

    logging.getLogger("fastexcel").setLevel(logging.ERROR)  # "falling back to string" for empty columns, as in the ETL
    reader = fastexcel.read_excel(str(path))
    rows = 0
    for name in reader.sheet_names:
        if name in DATA_SHEETS:
            rows += reader.load_sheet(name).to_arrow().num_rows
    return rows


def _parse_openpyxl(path: Path, limit: int | None) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = 0
    for worksheet in workbook.worksheets:
        if worksheet.title not in DATA_SHEETS:
            continue
        for index, _ in enumerate(worksheet.iter_rows(values_only=True)):
            if index and limit is not None and rows >= limit:
                break
            rows += 1 if index else 0
    workbook.close()
    return rows


READERS = {"python-calamine": _parse_calamine, "fastexcel": _parse_fastexcel, "openpyxl read-only": _parse_openpyxl}


def raw_parse(files: list[Path], openpyxl_rows: int | None = 50_000) -> dict[str, dict]:
    """Rows and seconds per reader over `files`; openpyxl stops after `openpyxl_rows` rows in all
    (its speed is then extrapolated to the whole input)."""
    figures = {}
    for name, parse in READERS.items():
        gc.collect()
        limit = openpyxl_rows if name.startswith("openpyxl") else None
        started = time.perf_counter()
        rows = 0
        for path in files:
            if limit is not None and rows >= limit:
                break
            rows += parse(path, None if limit is None else limit - rows)
        seconds = time.perf_counter() - started
        figures[name] = {"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds,
                         "capped": limit is not None}
    return figures


def raw_csv_parse(path: Path) -> dict[str, dict]:
    """The CSV readers: Python's csv module (what the ETL uses), pyarrow and DuckDB (typed columns)."""
    import csv
    import io

    import duckdb
    import pyarrow.csv

    figures = {}
    started = time.perf_counter()
    text = path.read_bytes().decode("utf-8-sig")
    rows = sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1
    figures["python csv"] = {"rows": rows, "seconds": time.perf_counter() - started}
    started = time.perf_counter()
    rows = pyarrow.csv.read_csv(path).num_rows
    figures["pyarrow csv"] = {"rows": rows, "seconds": time.perf_counter() - started}
    started = time.perf_counter()
    rows = duckdb.connect().execute("SELECT count(*) FROM read_csv(?, all_varchar = true)", [str(path)]).fetchone()[0]
    figures["duckdb read_csv"] = {"rows": rows, "seconds": time.perf_counter() - started}
    for figure in figures.values():
        figure["rows_per_second"] = figure["rows"] / figure["seconds"]
    return figures


def run_etl(inputs: Path, reference: Path, database: Path) -> dict:
    """`python -m etl load` as a child process: wall time, rows, peak RSS, reading+validation time."""
    environment = dict(os.environ, MM_REFERENCE_DIR=str(reference), PYTHONPATH=str(REPOSITORY))
    command = [sys.executable, "-m", "etl", "load", str(inputs), "--db", str(database), "--as-of", AS_OF.isoformat()]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPOSITORY, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    files_done = None  # every file read, validated and written; then duplicates, views, checks
    messages = []
    for line in process.stderr:
        messages.append(line.rstrip())
        if files_done is None and line.startswith("checking for rows that repeat a key"):
            files_done = time.perf_counter() - started
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"etl load failed ({process.returncode}): " + "\n".join(messages[-10:]) + output)
    loaded = int(re.search(r"Rows loaded: ([\d,]+)", output).group(1).replace(",", ""))
    rejected = int(re.search(r"rows rejected: ([\d,]+)", output).group(1).replace(",", ""))
    rows = loaded + rejected
    return {"seconds": seconds, "rows": rows, "rows_loaded": loaded, "rows_rejected": rejected,
            "rows_per_second": rows / seconds, "read_and_validate_seconds": files_done,
            "build_seconds": seconds - files_done if files_done else None,
            "peak_rss_mb": usage.ru_maxrss / 1024, "database_mb": database.stat().st_size / 2**20,
            "command": " ".join(["MM_REFERENCE_DIR=" + str(reference.relative_to(REPOSITORY)), ".venv/bin/python",
                                 "-m", "etl", "load", str(inputs.relative_to(REPOSITORY)), "--db", "<tmp>",
                                 "--as-of", AS_OF.isoformat()])}


def bench_etl(generated: Generated, workdir: Path, *, openpyxl_rows: int | None = 50_000, csv: bool = True,
              log=print) -> dict:
    """Raw parse of the generated xlsx, the ETL on the xlsx folder, and (csv=True) the CSV figures."""
    figures: dict = {"scale": generated.scale.name}
    log("  raw parse of the xlsx inputs")
    figures["raw_xlsx"] = raw_parse(generated.xlsx_files, openpyxl_rows)
    log("  etl load of the xlsx inputs")
    figures["etl_xlsx"] = run_etl(generated.xlsx, generated.reference, workdir / f"{generated.scale.name}-xlsx.duckdb")
    if csv:
        log("  raw parse of expenditure.csv, etl load of the csv inputs")
        figures["raw_csv"] = raw_csv_parse(generated.csv / "expenditure.csv")
        figures["etl_csv"] = run_etl(generated.csv, generated.reference, workdir / f"{generated.scale.name}-csv.duckdb")
    fastest = min(figures["raw_xlsx"].values(), key=lambda f: f["rows"] and f["seconds"] / f["rows"])
    figures["fastest_raw_xlsx_seconds"] = fastest["seconds"] * figures["etl_xlsx"]["rows"] / fastest["rows"]
    figures["etl_over_raw"] = figures["etl_xlsx"]["seconds"] / figures["fastest_raw_xlsx_seconds"]
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="portfolio", choices=sorted(SCALES))
    args = parser.parse_args(argv)
    generated = generate(SCALES[args.scale])
    with tempfile.TemporaryDirectory(prefix="mm-bench-") as workdir:
        print(json.dumps(bench_etl(generated, Path(workdir)), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
