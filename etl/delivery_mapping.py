"""Which output each activity of a delivery report belongs to: a mapping file per award, written by the user.

A delivery report (etl/delivery_report.py) names activities ('ACTIVITY1'), not the programme's outputs. The
mapping file for award A is `A.outputs.csv` (00081234.outputs.csv), a CSV file with a header line and the
columns

    activity,output,agency
    ACTIVITY1,1,
    ACTIVITY2,Output 5,UNDP

(`agency` may be left out or empty: the agency the report's title block names, else the default agency of
data/reference/delivery_report.csv, UNDP). It is looked for, the first found wins:

1. beside the report, in the same folder: `<award>.outputs.csv`, else `<report file name>.outputs.csv`
   (for a report whose title block names no award, e.g. an ERP export);
2. in `data/reference/delivery/` (or `delivery/` under $MM_REFERENCE_DIR): `<award>.outputs.csv`.

Files ending in `.outputs.csv` are never read as inputs (etl/files.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import spec
from .csv_text import WINDOWS_1252, csv_records, decoded, not_utf8
from .delivery_words import MAPPING_SUFFIX, normalise
from .errors import UnreadableFile, ValueProblem
from .parse import parser_for
from .reference import Reference, reference_dir

MAPPING_FOLDER = "delivery"  # under the reference folder


@dataclass(frozen=True)
class ActivityOutput:
    output: str  # the output code, checked
    agency: str | None  # the agency code, checked; None: the report's
    line: int  # line of the mapping file


@dataclass(frozen=True)
class Mapping:
    path: Path | None  # None: no mapping file was found
    activities: dict[str, ActivityOutput]  # activity, normalised -> its output
    # said with an activity it does not map: the file was read as Windows-1252 and holds letters beyond ASCII,
    # which may have been typed as others (a Cyrillic activity saved as Windows-1251 reads into other letters)
    misread: str | None = None

    def output_of(self, activity: str) -> ActivityOutput | None:
        return self.activities.get(normalise(activity))


def mapping_candidates(report: Path | None, award: str | None) -> list[Path]:
    """Where the mapping file of a report is looked for, in order."""
    candidates = []
    if report is not None:
        if award:
            candidates.append(report.parent / f"{award}{MAPPING_SUFFIX}")
        candidates.append(report.parent / f"{report.stem}{MAPPING_SUFFIX}")
    if award:
        candidates.append(reference_dir() / MAPPING_FOLDER / f"{award}{MAPPING_SUFFIX}")
    return candidates


def where_to_write(report: Path | None, award: str | None) -> str:
    """The mapping file a user should create or edit, as said in messages."""
    candidates = mapping_candidates(report, award)
    return str(candidates[0]) if candidates else f"<award>{MAPPING_SUFFIX} beside the report"


def find_mapping(report: Path | None, award: str | None, reference: Reference) -> Mapping:
    for candidate in mapping_candidates(report, award):
        if candidate.is_file():
            return read_mapping(candidate, reference)
    return Mapping(None, {})


def read_mapping(path: Path, reference: Reference) -> Mapping:
    """A mapping file, every output and agency checked; a bad line makes the file unreadable, naming it."""
    text, encoding = decoded(path.read_bytes(), str(path))
    records = csv_records(text, str(path))
    if not records:
        raise UnreadableFile(str(path), "an empty mapping file: expected a header line 'activity,output,agency'")
    header = [normalise(cell) for cell in records[0]]
    if "activity" not in header or "output" not in header:
        raise UnreadableFile(str(path), "expected a header line naming the columns 'activity' and 'output' "
                                        f"(and optionally 'agency'); found {','.join(records[0])!r}")
    position = {name: header.index(name) for name in ("activity", "output", "agency") if name in header}
    parse_output = parser_for(spec.EXPENDITURE.column("output_code"), reference)
    parse_agency = parser_for(spec.EXPENDITURE.column("agency"), reference)
    activities: dict[str, ActivityOutput] = {}
    for number, record in enumerate(records[1:], start=2):
        cell = {name: (record[p].strip() if p < len(record) else "") for name, p in position.items()}
        if not any(cell.values()):
            continue
        if not cell["activity"]:
            raise UnreadableFile(str(path), f"line {number}: no activity; expected 'activity,output,agency'")
        try:
            output = parse_output(cell["output"])
            agency = parse_agency(cell["agency"]) if cell.get("agency") else None
        except ValueProblem as problem:
            raise UnreadableFile(str(path), f"line {number} ({cell['activity']}): {problem}") from None
        key = normalise(cell["activity"])
        earlier = activities.get(key)
        if earlier is not None and (earlier.output, earlier.agency) != (output, agency):
            raise UnreadableFile(str(path), f"line {number}: activity '{cell['activity']}' is mapped twice, "
                                            f"differently (first on line {earlier.line})")
        activities.setdefault(key, ActivityOutput(output, agency, number))
    return Mapping(path, activities, _misread(records) if encoding == WINDOWS_1252 else None)


def _misread(records: list[list[str]]) -> str | None:
    for number, record in enumerate(records, start=1):
        for cell in record:
            if not cell.isascii():
                return not_utf8("the mapping file", f"line {number}", cell)
    return None
