"""The status vocabularies, as data: `data/reference/statuses.csv`, one line per status of each family
(indicator, country, activity, milestone, recommendation, narrative, submission): its rank (display order), its
attention order (what needs the board's attention first), the label shown, colour and symbol, and for the
judged families the threshold it takes (`at_least`).

It is the one place for these facts: the ETL takes a workbook's accepted values from it (etl/spec.py),
writes it into every warehouse as the table `statuses` (the views judge indicators by its thresholds and
the queries sort by its ranks), and the charts, pages and board pack draw with its colours and symbols.
Like the IATI codelists it is the product's vocabulary, read from the bundled folder (never from
MM_REFERENCE_DIR): a programme's reference folder does not have to carry it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "data" / "reference" / "statuses.csv"
FAMILIES = ("indicator", "country", "result", "activity", "milestone", "recommendation", "narrative",
            "submission")


@dataclass(frozen=True)
class Status:
    family: str
    status: str
    rank: int
    attention: int | None
    label: str
    colour: str | None
    symbol: str
    at_least: float | None
    meaning: str
    heading: str = ""  # a longer heading where a page titles a section by it (the Countries page's flash report)


def _number(text: str, kind, where: str):
    text = text.strip()
    if not text:
        return None
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"{where}: found {text!r}, expected a number") from None


def read_statuses(path: Path = PATH) -> tuple[Status, ...]:
    """Every status of the file, in its families' rank order; a damaged file is said with its line."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    statuses, seen = [], set()
    for line, row in enumerate(rows, start=2):
        where = f"{path.name} › row {line}"
        family, status = row["family"].strip(), row["status"].strip()
        if family not in FAMILIES:
            raise ValueError(f"{where} › column family: found {family!r}, expected one of {', '.join(FAMILIES)}")
        if not status or (family, status) in seen:
            raise ValueError(f"{where} › column status: found {status!r}, expected a status named once per family")
        seen.add((family, status))
        statuses.append(Status(family, status, _number(row["rank"], int, f"{where} › column rank"),
                               _number(row["attention"], int, f"{where} › column attention"),
                               row["label"].strip() or status, row["colour"].strip() or None, row["symbol"].strip(),
                               _number(row["at_least"], float, f"{where} › column at_least"),
                               row["meaning"].strip(), (row.get("heading") or "").strip()))
    return tuple(sorted(statuses, key=lambda s: (FAMILIES.index(s.family), s.rank)))


STATUSES = read_statuses()


def of(family: str) -> tuple[Status, ...]:
    """A family's statuses in display order."""
    found = tuple(s for s in STATUSES if s.family == family)
    if not found:
        raise KeyError(f"no statuses of the family {family!r} in {PATH.name}")
    return found


def names(family: str) -> tuple[str, ...]:
    return tuple(s.status for s in of(family))


def colours(family: str) -> dict[str, str]:
    return {s.status: s.colour for s in of(family) if s.colour}


def symbols(family: str) -> dict[str, str]:
    return {s.status: s.symbol for s in of(family) if s.symbol}


def labels(family: str) -> dict[str, str]:
    return {s.status: s.label for s in of(family)}


def headings(family: str) -> dict[str, str]:
    """A family's section headings: the `heading` of statuses.csv where it gives one, else the label."""
    return {s.status: s.heading or s.label for s in of(family)}


def threshold(family: str, status: str) -> float:
    """The share a status takes at least (indicator: progress ratio; country: share of indicators)."""
    for s in of(family):
        if s.status == status and s.at_least is not None:
            return s.at_least
    raise KeyError(f"{PATH.name} gives no at_least for {family} › {status}")


def spoken(family: str) -> str:
    """'a, b, c or d': the statuses as a sentence, for the template's column help."""
    words = names(family)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def rows() -> list[tuple]:
    """The table `statuses` of the warehouse (etl/load.py)."""
    return [(s.family, s.status, s.rank, s.attention, s.label, s.colour, s.symbol or None, s.at_least, s.meaning,
             s.heading or None) for s in STATUSES]


def country_rule() -> str:
    """How a country's overall status is judged, in words, from the thresholds (shown under the map and in
    the pack)."""
    return (f"on track when at least {threshold('country', 'on track'):.0%} of its indicators with data are on "
            f"track, off track when {threshold('country', 'off track'):.0%} or more are off track, otherwise at risk")


def result_rule() -> str:
    """How a result of the theory of change is judged, in words, from the 'result' family's thresholds (shown
    under the theory of change): an output from its indicators, an outcome or the impact from the results
    directly under it."""
    on, off = threshold("result", "on track"), threshold("result", "off track")
    return (f"an output is on track when at least {on:.0%} of its indicators with data are on track, off track "
            f"when {off:.0%} or more are off track, otherwise at risk; an outcome or the impact is judged the same "
            f"way from the results directly under it that have a status; not reported when none has data")
