"""Nothing programme-specific in code: the facts of the bundled programme (Phase II) live in
data/reference/programme.toml, and the Python, SQL and page sources name none of them — so another phase
or programme is a new file, not a code change (issue 13, item 8).

The facts searched for are taken from the programme file itself (its phases' names and dates, the board,
the titles, the milestones' due dates, the countries' codes, the agencies' IATI identifiers) plus the
phrasings Phase II gave them in the code before ("outputs 5–7", "Feb–Jan")."""

from __future__ import annotations

import datetime as dt
import re
import tomllib

import pytest

from tests.helpers.paths import REPOSITORY as ROOT

PROGRAMME_FILE = ROOT / "data" / "reference" / "programme.toml"
# Sources that run: the packages, the pages and the dashboard's entry point (tests, sample data and the
# scripts that write the sample are allowed to name the programme they describe).
SOURCE_FOLDERS = ("etl", "mm_core", "mm_dashboard", "app_pages", "reports")
SOURCE_FILES = ("dashboard.py",)
SUFFIXES = (".py", ".sql")
PHRASINGS = ("outputs 5–7", "outputs 5-7", "5–7 global", "5-7 global", "1–4 are country", "1-4 country",
             "outputs 1-7", "outputs 1–7", "Feb–Jan", "Feb-Jan", "February – January", "February to January",
             "8 countries", "eight countries")


def _date_texts(day: dt.date) -> set[str]:
    return {day.isoformat(), f"{day.day} {day:%B %Y}", f"{day:%d %B %Y}", f"{day:%B %Y}", f"{day:%b %Y}",
            f"{day.day} {day:%b %Y}", f"{day:%d/%m/%Y}"}


def programme_facts() -> set[str]:
    programme = tomllib.loads(PROGRAMME_FILE.read_text(encoding="utf-8"))
    facts = {programme["programme"]["title"], programme["programme"]["short_title"], programme["programme"]["board"],
             programme["programme"]["code"]}
    for phase in programme["phases"]:
        facts.add(phase["name"])
        facts |= _date_texts(phase["start"]) | _date_texts(phase["end"])
    for milestone in programme.get("milestones", []):
        facts |= _date_texts(milestone["due"])
    for agency in programme["agencies"]:
        if agency.get("iati_org"):
            facts.add(agency["iati_org"])
    for country in programme["countries"]:
        facts |= {f'"{country["iso3"]}"', f"'{country['iso3']}'"}
    return facts | set(PHRASINGS)


def sources():
    for folder in SOURCE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in SUFFIXES and "__pycache__" not in path.parts:
                yield path
    for name in SOURCE_FILES:
        yield ROOT / name


def test_the_facts_searched_for_are_those_of_the_bundled_programme():
    facts = programme_facts()
    assert {"Phase II", "Global Project Board", "31 January 2015", "2014-02-01", "2018-01-31", '"BGD"',
            "XM-DAC-41114", "outputs 5–7", "Feb–Jan"} <= facts


@pytest.mark.parametrize("path", list(sources()), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_programme_fact_in_a_source(path):
    text = path.read_text(encoding="utf-8")
    found = []
    for fact in sorted(programme_facts()):
        for match in re.finditer(re.escape(fact), text, flags=re.IGNORECASE):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {fact!r}")
    assert not found, f"{path.relative_to(ROOT)} names programme facts; take them from the programme: {found}"
