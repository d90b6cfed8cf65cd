"""Write the bundled sample workbooks (data/sample/*.xlsx) from the tables in data/sample-source/.

Run with `make sample` (or `python scripts/make_sample.py [FOLDER]` to write them elsewhere). The workbooks
are the templates filled in, one per country plus GLOBAL, so loading them exercises exactly the path a
country office's file takes.

The content is data, one CSV file per sheet (data/sample/README.md says how to edit it): a row of
`workplan.csv` is a row of a Work plan sheet, its `workbook` column names the file it goes to (BGD -> BGD.xlsx).
`results.csv`
names each indicator by its code; its wording, unit, direction and means of verification are written once
in `indicators.csv`. `recommendations.csv` is the MTR-recommendations workbook. The sheet's column kinds
(etl/spec.py) say how a field is read: empty is an empty cell, numbers stay whole (12) or not (12.0), an
ISO date (2015-06-30) in a date column is a date, anything else is text as typed ("Jun 2015", "Q3 2014").
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from etl import spec
from etl.templates import build_workbook

SAMPLE_DIR = REPOSITORY / "data" / "sample"
# Not inside data/sample: `python -m etl load data/sample` reads every workbook and CSV below that folder.
SOURCE_DIR = REPOSITORY / "data" / "sample-source"
# The sample is a snapshot at this date (also used by `make database` and the tests).
AS_OF = dt.date.fromisoformat((SAMPLE_DIR / "AS_OF").read_text().strip())
# A fixed creation time: the sample describes the programme in mid-2017, not the day it was generated.
DOCUMENT_TIME = dt.datetime(2017, 8, 15, 9, 0, 0)

# The sheets of a unit's workbook, in order; and the workbook of the MTR recommendations.
UNIT_KINDS = ("results", "workplan", "expenditure", "milestones", "narrative")
RECOMMENDATIONS = "MTR-recommendations.xlsx"
# The columns of the Results matrix that are the same on every row of an indicator (indicators.csv).
INDICATOR_KEYS = ("indicator_code", "output_code", "indicator_title", "unit", "direction", "means_of_verification")
WORKBOOK = "workbook"  # the column naming the workbook a row goes to

NUMBER_KINDS = {spec.NUMBER, spec.MONEY, spec.YEAR, spec.PROGRAMME_YEAR, spec.PERCENT, spec.WHOLE_NUMBER}
DATE_KINDS = {spec.DATE, spec.MONTH_START, spec.MONTH_END}
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WHOLE = re.compile(r"-?\d+")


def cell(kind: str, text: str) -> object:
    """The value a CSV field stands for in a column of this kind (see the module's docstring)."""
    if text == "":
        return None
    if kind in NUMBER_KINDS:
        return int(text) if WHOLE.fullmatch(text) else float(text)
    if kind in DATE_KINDS and ISO_DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    return text


def read_table(path: Path, kinds: dict[str, str]) -> list[dict]:
    """The rows of one source CSV, each value read by its column's kind; a column not in `kinds` is refused."""
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        unknown = [key for key in reader.fieldnames or () if key not in kinds]
        if unknown:
            raise ValueError(f"{path.name}: unknown column {', '.join(unknown)}; expected some of {', '.join(kinds)}")
        return [{key: cell(kinds[key], text) for key, text in row.items()} for row in reader]


def column_kinds(kind: str) -> dict[str, str]:
    return {column.key: column.kind for column in spec.SHEETS_BY_KIND[kind].columns}


def unit_rows(source: Path = SOURCE_DIR) -> dict[str, dict[str, list[dict]]]:
    """{workbook name (BGD, ..., GLOBAL): {sheet kind: rows}} from the source tables, in their order."""
    indicator_kinds = {key: kind for key, kind in column_kinds("results").items() if key in INDICATOR_KEYS}
    indicators = {row["indicator_code"]: row for row in read_table(source / "indicators.csv", indicator_kinds)}
    units: dict[str, dict[str, list[dict]]] = {}
    for kind in UNIT_KINDS:
        kinds = {WORKBOOK: spec.TEXT, **column_kinds(kind)}
        if kind == "results":
            kinds = {key: value for key, value in kinds.items() if key not in INDICATOR_KEYS[1:]}
        for row in read_table(source / f"{kind}.csv", kinds):
            unit = row.pop(WORKBOOK)
            if unit is None:
                raise ValueError(f"{kind}.csv: a row without a workbook")
            if kind == "results":
                if row["indicator_code"] not in indicators:
                    raise ValueError(f"results.csv: indicator {row['indicator_code']} is not in indicators.csv")
                row.update(indicators[row["indicator_code"]])
            units.setdefault(unit, {k: [] for k in UNIT_KINDS})[kind].append(row)
    return units


def recommendation_rows(source: Path = SOURCE_DIR) -> list[dict]:
    return read_table(source / "recommendations.csv", column_kinds("recommendations"))


def _period_start(label: str) -> dt.date:
    """2017/18 H2 -> 1 Aug 2017 (programme years run February to January)."""
    year, half = int(label[:4]), label[-1]
    return dt.date(year, 2, 1) if half == "1" else dt.date(year, 8, 1)


def as_of_snapshot(rows: dict[str, list[dict]], as_of: dt.date = AS_OF) -> dict[str, list[dict]]:
    """Nothing reported for periods that had not started by the as-of date, nor achieved after it."""
    for row in rows["results"]:
        if _period_start(row["period"]) > as_of:
            row["actual"] = None
    rows["narrative"] = [r for r in rows["narrative"] if _period_start(r["period"]) <= as_of]
    for row in rows["milestones"]:
        if row.get("achieved_date") and row["achieved_date"] > as_of:
            row["achieved_date"] = None
    return rows


def save(workbook, folder: Path, name: str) -> Path:
    workbook.properties.creator = "Programme Management Unit (sample data)"
    workbook.properties.created = DOCUMENT_TIME
    workbook.properties.modified = DOCUMENT_TIME
    path = folder / name
    workbook.save(path)
    return path


def shown(path: Path) -> Path:
    return path.relative_to(REPOSITORY) if path.is_relative_to(REPOSITORY) else path


def build_sample(folder: Path = SAMPLE_DIR, source: Path = SOURCE_DIR) -> list[Path]:
    """Write every sample workbook into `folder`, printing what each holds; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for unit, rows in unit_rows(source).items():
        rows = as_of_snapshot(rows)
        paths.append(save(build_workbook(UNIT_KINDS, rows), folder, f"{unit}.xlsx"))
        counts = ", ".join(f"{kind} {len(items)}" for kind, items in rows.items())
        print(f"wrote {shown(paths[-1])}: {counts}")
    recommendations = recommendation_rows(source)
    paths.append(save(build_workbook(["recommendations"], {"recommendations": recommendations}), folder,
                      RECOMMENDATIONS))
    print(f"wrote {shown(paths[-1])}: recommendations {len(recommendations)}")
    return paths


def main(argv: list[str]) -> None:
    build_sample(Path(argv[0]) if argv else SAMPLE_DIR)


if __name__ == "__main__":
    main(sys.argv[1:])
