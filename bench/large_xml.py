"""A several-hundred-MB IATI file: the ETL streams it into the new database in bounded memory.

Prints the file size, load time, rows per second and the load's peak resident memory (measured inside
the loading process), for a small and a large file, so the growth can be read off.

    .venv/bin/python bench/large_xml.py [--megabytes 300]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
ACTIVITY = (
    '<iati-activity default-currency="USD"><iati-identifier>XM-BIG-{n}</iati-identifier>'
    '<reporting-org ref="XM-BIG" type="10"><narrative>Big publisher</narrative></reporting-org>'
    '<title><narrative>Activity {n}, a title long enough to look like a real one</narrative></title>'
    '<budget><period-start iso-date="2015-01-01"/><period-end iso-date="2015-12-31"/>'
    '<value currency="EUR" value-date="2015-01-01">1000</value></budget>'
    '<transaction><transaction-type code="3"/><transaction-date iso-date="2015-03-01"/>'
    '<value currency="EUR" value-date="2015-03-01">500</value></transaction>'
    '<result type="1"><title><narrative>Result</narrative></title><indicator measure="1"><title><narrative>'
    'Indicator</narrative></title><baseline year="2014" value="1"/><period><period-start iso-date="2015-01-01"/>'
    '<period-end iso-date="2015-12-31"/><target value="5"/><actual value="3"/></period></indicator></result>'
    '</iati-activity>\n')
MEASURE = """
import resource, sys, time
from etl.__main__ import main
started = time.perf_counter()
status = main(["load", sys.argv[1], "--db", sys.argv[2], "--quiet"])
print("seconds", time.perf_counter() - started)
print("peak", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
sys.exit(status)
"""


def write(path: Path, megabytes: int) -> int:
    activities = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('<?xml version="1.0"?>\n<iati-activities version="2.03">\n')
        while handle.tell() < megabytes * 1024 * 1024:
            handle.write(ACTIVITY.format(n=activities))
            activities += 1
        handle.write("</iati-activities>\n")
    return activities


def measure(path: Path, database: Path) -> tuple[float, int, str]:
    result = subprocess.run([sys.executable, "-c", MEASURE, str(path), str(database)], cwd=REPOSITORY,
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(result.stderr)
    seconds = float(result.stdout.split("seconds")[1].split()[0])
    peak = int(result.stdout.split("peak")[1].split()[0])
    rows = next(line for line in result.stdout.splitlines() if line.startswith("Rows loaded"))
    return seconds, peak, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for megabytes in (max(1, args.megabytes // 10), args.megabytes):
            path = Path(folder) / f"iati-{megabytes}mb.xml"
            started = time.perf_counter()
            activities = write(path, megabytes)
            written = time.perf_counter() - started
            seconds, peak, rows = measure(path, Path(folder) / f"w{megabytes}.duckdb")
            print(f"{path.stat().st_size / 2**20:7.0f} MB IATI file, {activities:,} activities (written in "
                  f"{written:.0f} s): loaded in {seconds:.0f} s ({activities / seconds:,.0f} activities/s), "
                  f"peak RSS {peak:,} MB; {rows}")


if __name__ == "__main__":
    main()
