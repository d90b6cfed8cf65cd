"""Generate a portfolio-scale input: workbooks, a CSV export and the reference data they need.

The programme's own reference data allows 8 countries; a portfolio has hundreds. So each generated
input comes with its own reference directory (countries.csv with generated countries, the other files
copied from data/reference), and the ETL is pointed at it with MM_REFERENCE_DIR.

Files are cached under bench/.data/<scale name>/ and reused while the scale is unchanged (a
`generated.json` stamp records it): writing a million rows with openpyxl takes minutes.

    .venv/bin/python bench/generate.py [portfolio|quick|sample-x1|sample-x10|sample-x100]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from etl import spec  # noqa: E402
from etl.programme import read_programme  # noqa: E402
from etl.reference import REFERENCE_DIR  # noqa: E402

DATA_DIR = REPOSITORY / "bench" / ".data"
AS_OF = dt.date(2017, 7, 31)  # the sample's snapshot date, so statuses are spread as in the sample
GENERATOR_VERSION = 3  # bump when the content changes, so cached files are rewritten


@dataclass(frozen=True)
class Scale:
    name: str
    countries: int
    indicator_periods: int  # rows of the Results matrix (8 half-years per indicator)
    activities: int
    expenditure_lines: int
    rows_per_file: int = 200_000  # expenditure lines per workbook
    milestones_per_country: int = 10
    narrative_rows: int = 0  # 0: two per country and started half-year
    bad_line_every: int = 10_000  # one expenditure line in this many has a bad cell (rejected, as in real loads)


PORTFOLIO = Scale("portfolio", 200, 50_000, 20_000, 1_000_000)
QUICK = Scale("quick", 20, 5_000, 2_000, 50_000, rows_per_file=10_000)
# The bundled sample (data/sample): 8 countries and GLOBAL, 1,728 indicator-periods, 137 activities,
# 144 expenditure lines, 95 milestones, 206 narrative rows. Its multiples keep those proportions.
SAMPLE_COUNTS = dict(countries=9, indicator_periods=1_728, activities=137, expenditure_lines=144, narrative_rows=206)


def sample_multiple(factor: int) -> Scale:
    counts = {key: value * factor for key, value in SAMPLE_COUNTS.items()}
    return Scale(f"sample-x{factor}", milestones_per_country=10, bad_line_every=0, **counts)


SCALES = {s.name: s for s in (PORTFOLIO, QUICK, sample_multiple(1), sample_multiple(10), sample_multiple(100))}
ACCOUNTS = ("71200", "71300", "71600", "72100", "72500", "74200", "74500", "75700")  # ERP account codes
COUNTRY_OUTPUTS = ("1", "2", "3", "4")
# The portfolio is the bundled programme (its calendar, phases, agencies, milestones) with generated countries.
PROGRAMME = read_programme(REFERENCE_DIR / "programme.toml")
AGENCIES = tuple(agency.code for agency in PROGRAMME.agencies)
INCEPTION_MILESTONES = tuple(m.title for m in PROGRAMME.milestones if m.kind == "inception")


@dataclass(frozen=True)
class Generated:
    scale: Scale
    root: Path
    reference: Path  # MM_REFERENCE_DIR for this input
    xlsx: Path  # folder: programme.xlsx + expenditure-NN.xlsx
    csv: Path  # folder: programme.xlsx + expenditure.csv
    seconds: float  # generation time (0 when the cache was used)

    @property
    def xlsx_files(self) -> list[Path]:
        return sorted(self.xlsx.glob("*.xlsx"))


def country_codes(count: int) -> list[str]:
    """AAA, AAB, ...: three letters like ISO-3 codes (the generated reference lists them)."""
    codes = []
    for index in range(count):
        letters = ""
        for _ in range(3):
            index, remainder = divmod(index, 26)
            letters = chr(65 + remainder) + letters
        codes.append(letters)
    return codes


def write_reference(directory: Path, codes: list[str]) -> None:
    """A reference folder for the portfolio: its own country list (codes AAA, AAB, ...) and the bundled
    programme file with those countries in place of the bundled ones."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("fx_rates.csv", "no_value_markers.csv", "header_aliases.csv"):
        shutil.copy(REFERENCE_DIR / name, directory / name)
    with open(REFERENCE_DIR / "countries.csv", newline="", encoding="utf-8") as handle:
        fields = next(csv.reader(handle))
    with open(directory / "countries.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        for code in codes:
            writer.writerow({"iso3": code, "iso_numeric": "", "name": f"Portfolio country {code}", "aliases": "",
                             "latitude": "", "longitude": "", "iso2": ""})
    blocks = (REFERENCE_DIR / "programme.toml").read_text(encoding="utf-8").split("\n\n")
    kept = [block for block in blocks if not block.lstrip().startswith("[[countries]]")]
    countries = [f'[[countries]]\niso3 = "{code}"\nregion = "Region {number % 6 + 1}"\n'
                 f'government_lead = "Ministry {code}"' for number, code in enumerate(codes)]
    (directory / "programme.toml").write_text("\n\n".join(kept + countries) + "\n", encoding="utf-8")


def _units(scale: Scale) -> list[str]:
    """Reporting units: the generated countries (the sample's GLOBAL unit counts as one of them)."""
    codes = country_codes(scale.countries)
    return codes


def results_rows(scale: Scale, rng: random.Random) -> list[list]:
    periods = PROGRAMME.periods()
    rows = []
    countries = _units(scale)
    for index in range(scale.indicator_periods // len(periods)):
        country = countries[index % len(countries)]
        output = COUNTRY_OUTPUTS[(index // len(countries)) % 4]
        code = f"{output}.{index // len(countries) + 1}"
        higher = rng.random() < 0.85
        baseline = rng.randint(0, 20)
        end_target = baseline + rng.randint(4, 40) if higher else max(0, baseline - rng.randint(1, baseline or 1))
        title = f"Indicator {code}: stakeholders engaged in migration mainstreaming ({country})"
        adjusted = baseline + 1 if rng.random() < 0.03 else None
        for number, period in enumerate(periods, start=1):
            target = round(baseline + (end_target - baseline) * number / len(periods), 1)
            started = period.start <= AS_OF
            actual = None
            if started and rng.random() < 0.9:
                actual = round(baseline + (target - baseline) * rng.uniform(0.3, 1.2), 1)
            rows.append([f"Output {output}", code, title, "number", "higher is better" if higher else "lower is better",
                         country, baseline, 2013, adjusted, "Baseline revised after the 2014 survey" if adjusted else None,
                         period.label, target, actual, end_target, "Government report", None])
    return rows


def workplan_rows(scale: Scale, rng: random.Random) -> list[list]:
    rows = []
    countries = _units(scale)
    for index in range(scale.activities):
        country = countries[index % len(countries)]
        sequence = index // len(countries)
        output = COUNTRY_OUTPUTS[sequence % 4]
        start = dt.date(2014, 2, 1) + dt.timedelta(days=rng.randint(0, 1200))
        end = min(start + dt.timedelta(days=rng.randint(30, 400)), dt.date(2018, 1, 31))
        status = rng.choices(("planned", "ongoing", "completed", "delayed", "cancelled"), (2, 3, 5, 1, 0.2))[0]
        actual_start = start if status != "planned" else None
        actual_end = end if status == "completed" else None
        percent = 100 if status == "completed" else rng.randint(0, 90)
        agency = "UNDP" if output == "1" else "IOM"
        rows.append([f"{output}.{sequence + 1}", f"Activity {output}.{sequence + 1} in {country}: workshop and study",
                     f"Output {output}", country, agency, "UNDP" if agency == "IOM" else "IOM",
                     dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time()),
                     dt.datetime.combine(actual_start, dt.time()) if actual_start else None,
                     dt.datetime.combine(actual_end, dt.time()) if actual_end else None,
                     status, percent, rng.randint(5, 200) * 500, "USD", None])
    return rows


def milestone_rows(scale: Scale, rng: random.Random) -> list[list]:
    rows = []
    for country in _units(scale):
        for number in range(scale.milestones_per_country):
            inception = number < len(INCEPTION_MILESTONES)
            name = INCEPTION_MILESTONES[number] if inception else f"Implementation milestone {number}"
            due = dt.date(2014, 6, 30) + dt.timedelta(days=30 * number)
            achieved = due + dt.timedelta(days=rng.randint(-60, 120)) if rng.random() < 0.85 else None
            rows.append([country, name, "inception" if inception else "implementation",
                         dt.datetime.combine(due, dt.time()),
                         dt.datetime.combine(achieved, dt.time()) if achieved and achieved <= AS_OF else None, None])
    return rows


def narrative_rows(scale: Scale, rng: random.Random) -> list[list]:
    started = [p.label for p in PROGRAMME.periods() if p.start <= AS_OF]
    countries = _units(scale)
    count = scale.narrative_rows or 2 * len(countries) * len(started)
    kinds = spec.NARRATIVE_KINDS
    rows = []
    for index in range(count):
        country = countries[index % len(countries)]
        period = started[(index // len(countries)) % len(started)]
        kind = kinds[(index // (len(countries) * len(started))) % len(kinds)]
        rows.append([country, f"Output {COUNTRY_OUTPUTS[index % 4]}", period, kind,
                     f"{kind.capitalize()} {index}: the national project board met and agreed the next steps."])
    return rows


def expenditure_rows(scale: Scale, first: int, last: int) -> list[list]:
    """Lines first..last-1: spread over country x output x agency x programme year, each with an ERP
    account and voucher number as its Line, amounts in the country office's currency."""
    rng = random.Random(first)
    countries = _units(scale)
    groups = [(c, o, a, y) for c in countries for o in COUNTRY_OUTPUTS for a in AGENCIES
              for y in range(PROGRAMME.first_year, PROGRAMME.last_year + 1)]
    rows = []
    for index in range(first, last):
        country, output, agency, year = groups[index % len(groups)]
        currency = "EUR" if countries.index(country) % 10 == 3 else "USD"
        budget = rng.randint(10, 5_000) * 10.0
        received = round(budget * rng.uniform(0.5, 1.0), 2)
        spent = round(budget * rng.uniform(0.2, 1.02), 2)
        line = f"{ACCOUNTS[index % len(ACCOUNTS)]}-{index:07d}"
        row = [country, f"Output {output}", agency, year, budget, received, spent, currency, None, line]
        if scale.bad_line_every and index % scale.bad_line_every == scale.bad_line_every - 1:
            row[4] = -budget  # a reversal line, rejected: "found '-31650', expected an amount of zero or more ..."
        rows.append(row)
    return rows


def _headers(sheet: spec.Sheet) -> list[str]:
    return [c.header for c in sheet.columns]


def write_xlsx(path: Path, sheets: list[tuple[spec.Sheet, list[list]]]) -> None:
    """openpyxl's write-only mode: rows are streamed to the file, not kept as cell objects."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet, rows in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.append(_headers(sheet))
        for row in rows:
            worksheet.append(row)
    workbook.save(path)


def _write_expenditure_file(arguments: tuple[Scale, Path, int, int]) -> str:
    scale, path, first, last = arguments
    write_xlsx(path, [(spec.EXPENDITURE, expenditure_rows(scale, first, last))])
    return path.name


def generate(scale: Scale, root: Path = DATA_DIR, *, workers: int = 2, log=print) -> Generated:
    """The generated input for `scale`, from the cache when it is complete and of the same scale."""
    target = root / scale.name
    stamp = target / "generated.json"
    wanted = {"version": GENERATOR_VERSION, **asdict(scale)}
    generated = Generated(scale, target, target / "reference", target / "xlsx", target / "csv", 0.0)
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return generated
    started = time.perf_counter()
    if target.exists():
        shutil.rmtree(target)
    for folder in (generated.reference, generated.xlsx, generated.csv):
        folder.mkdir(parents=True)
    write_reference(generated.reference, country_codes(scale.countries))
    rng = random.Random(2014)
    log(f"  generating {scale.name}: programme.xlsx")
    write_xlsx(generated.xlsx / "programme.xlsx", [
        (spec.RESULTS, results_rows(scale, rng)), (spec.WORKPLAN, workplan_rows(scale, rng)),
        (spec.MILESTONES, milestone_rows(scale, rng)), (spec.NARRATIVE, narrative_rows(scale, rng))])
    os.link(generated.xlsx / "programme.xlsx", generated.csv / "programme.xlsx")
    chunks = [(scale, generated.xlsx / f"expenditure-{number + 1:02d}.xlsx", first,
               min(first + scale.rows_per_file, scale.expenditure_lines))
              for number, first in enumerate(range(0, scale.expenditure_lines, scale.rows_per_file))]
    log(f"  generating {scale.name}: {len(chunks)} expenditure workbook(s) of up to {scale.rows_per_file:,} lines")
    if workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_write_expenditure_file, chunks))
    else:
        for chunk in chunks:
            _write_expenditure_file(chunk)
    log(f"  generating {scale.name}: expenditure.csv")
    with open(generated.csv / "expenditure.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(_headers(spec.EXPENDITURE))
        for _, _, first, last in chunks:
            writer.writerows(expenditure_rows(scale, first, last))
    stamp.write_text(json.dumps(wanted, indent=1))
    return Generated(generated.scale, target, generated.reference, generated.xlsx, generated.csv,
                     time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scale", nargs="?", default="portfolio", choices=sorted(SCALES))
    args = parser.parse_args(argv)
    generated = generate(SCALES[args.scale])
    print(f"{generated.root}: generated in {generated.seconds:.1f} s" if generated.seconds
          else f"{generated.root}: cached")
    return 0


if __name__ == "__main__":
    sys.exit(main())
