"""Issue 17's single-file ETL target, as whole processes: `python -m etl load FILE` against fastexcel's raw parse
of the same file (bench/raw_fastexcel.py), run in turn (load, parse, load, parse, ...) so that each pair sees
the same machine, and the ratio taken pair by pair.

    MM_REFERENCE_DIR=bench/.data/portfolio/reference .venv/bin/python bench/single_file.py \\
        bench/.data/portfolio/xlsx/expenditure-01.xlsx --as-of 2017-07-31 [--runs 5]

Each process's wall seconds (a monotonic clock around start and exit), its CPU seconds and peak memory (the
operating system's accounting of that child, os.wait4) are printed as min / median / max; the median ratio is
the figure (target: within 1.5×). One warm-up pair is not counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
TARGET = 1.5


def timed(command: list[str]) -> dict[str, float]:
    """Run `command` to its end (output thrown away): its wall and CPU seconds and peak memory (MiB)."""
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=REPOSITORY, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {process.returncode}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def compare(workbook: Path, as_of: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="mm-single-") as folder:
        load = [sys.executable, "-m", "etl", "load", str(workbook), "--db", str(Path(folder) / "one.duckdb"),
                "--as-of", as_of, "--quiet"]
        parse = [sys.executable, str(REPOSITORY / "bench" / "raw_fastexcel.py"), str(workbook)]
        timed(load), timed(parse)  # warm-up: the file and the interpreter in the page cache
        pairs = [(timed(load), timed(parse)) for _ in range(runs)]
    return {"load": [a for a, _ in pairs], "parse": [b for _, b in pairs],
            "ratio_wall": [a["wall"] / b["wall"] for a, b in pairs],
            "ratio_cpu": [a["cpu"] / b["cpu"] for a, b in pairs]}


def spread(values: list[float], unit: str) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}{unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--as-of", required=True, help="the load's as-of date (YYYY-MM-DD)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    figures = compare(args.workbook.resolve(), args.as_of, args.runs)
    print(f"{args.workbook.name}, {args.runs} pairs (min / median / max)")
    for name in ("load", "parse"):
        runs = figures[name]
        print(f"  {name:<6} wall {spread([r['wall'] for r in runs], ' s')}   cpu {spread([r['cpu'] for r in runs], ' s')}"
              f"   peak {spread([r['peak_mib'] for r in runs], ' MiB')}")
    ratio = statistics.median(figures["ratio_wall"])
    print(f"  load ÷ parse: wall {spread(figures['ratio_wall'], '×')}   cpu {spread(figures['ratio_cpu'], '×')}")
    print(f"  target ≤ {TARGET}×: {'met' if ratio <= TARGET else 'missed'} ({ratio:.2f}× wall, median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
