"""Issue 17's single-file ETL target, as whole processes: `python -m etl load FILE` against fastexcel's raw parse
of the same file (bench/raw_fastexcel.py), run in turn (load, parse, load, parse, ...) so that each pair sees
the same machine, and the ratio taken pair by pair.

    MM_REFERENCE_DIR=bench/.data/portfolio/reference .venv/bin/python bench/single_file.py \\
        bench/.data/portfolio/xlsx/expenditure-01.xlsx --as-of 2017-07-31 [--runs 5]

Each process's wall seconds (a monotonic clock around start and exit), its CPU seconds and peak memory (the
operating system's accounting of that child, os.wait4) are printed as min / median / max; the median ratio is
the figure (target: within 1.5×). One warm-up pair is not counted.

`--before CHECKOUT` also times the load of another checkout of this repository (the code before a change) in
each round (the two loads, each first every other round, then the parse), and prints the load's wall over the
before's, round by round: a change of a tenth of a second shows there, where it is lost in the spread of
separate runs on a noisy machine.
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


def timed(command: list[str], folder: Path = REPOSITORY) -> dict[str, float]:
    """Run `command` in `folder` to its end (output thrown away): its wall and CPU seconds and peak memory (MiB).
    A relative $MM_REFERENCE_DIR means the folder under this repository, in any checkout."""
    environment = dict(os.environ)
    if environment.get("MM_REFERENCE_DIR"):
        environment["MM_REFERENCE_DIR"] = str(REPOSITORY / environment["MM_REFERENCE_DIR"])  # an absolute one stays
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=folder, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {process.returncode}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mib": usage.ru_maxrss / 1024}


def compare(workbook: Path, as_of: str, runs: int, before: Path | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="mm-single-") as folder:
        load = [sys.executable, "-m", "etl", "load", str(workbook), "--db", str(Path(folder) / "one.duckdb"),
                "--as-of", as_of, "--quiet"]
        parse = [sys.executable, str(REPOSITORY / "bench" / "raw_fastexcel.py"), str(workbook)]
        earlier = (lambda: timed(load, before)) if before else (lambda: None)  # `python -m etl` of that checkout
        earlier(), timed(load), timed(parse)  # warm-up: the files and the interpreter in the page cache
        rounds = [_round(earlier, lambda: timed(load), lambda: timed(parse), turn) for turn in range(runs)]
    figures = {"load": [a for _, a, _ in rounds], "parse": [b for _, _, b in rounds],
               "ratio_wall": [a["wall"] / b["wall"] for _, a, b in rounds],
               "ratio_cpu": [a["cpu"] / b["cpu"] for _, a, b in rounds]}
    if before:
        figures["before"] = [e for e, _, _ in rounds]
        figures["after_before_wall"] = [a["wall"] / e["wall"] for e, a, _ in rounds]
    return figures


def _round(earlier, load, parse, turn: int) -> tuple:
    """One round: the two loads in turn, each first every other round (neither always runs just after the
    other), then the parse."""
    if turn % 2:
        later = load()
        return earlier(), later, parse()
    first = earlier()
    return first, load(), parse()


def spread(values: list[float], unit: str) -> str:
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f}{unit}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--as-of", required=True, help="the load's as-of date (YYYY-MM-DD)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="another checkout whose load is timed in each round too")
    args = parser.parse_args(argv)
    figures = compare(args.workbook.resolve(), args.as_of, args.runs, args.before and args.before.resolve())
    print(f"{args.workbook.name}, {args.runs} {'rounds' if args.before else 'pairs'} (min / median / max)")
    for name in ("before", "load", "parse") if args.before else ("load", "parse"):
        runs = figures[name]
        print(f"  {name:<6} wall {spread([r['wall'] for r in runs], ' s')}   cpu {spread([r['cpu'] for r in runs], ' s')}"
              f"   peak {spread([r['peak_mib'] for r in runs], ' MiB')}")
    ratio = statistics.median(figures["ratio_wall"])
    print(f"  load ÷ parse: wall {spread(figures['ratio_wall'], '×')}   cpu {spread(figures['ratio_cpu'], '×')}")
    if args.before:
        print(f"  load ÷ before: wall {spread(figures['after_before_wall'], '×')}")
    print(f"  target ≤ {TARGET}×: {'met' if ratio <= TARGET else 'missed'} ({ratio:.2f}× wall, median)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
