"""Reference data the validator checks against: countries, outputs, reporting periods, exchange rates.

Countries, outputs, rates, header aliases and 'no value' markers come from `data/reference/*.csv` so
a programme can extend them without code. Periods are the half-years of Phase II's programme years
(February to January).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
# Another reference directory (same files and columns), e.g. a portfolio's own country list: the
# benchmarks point the ETL at the one they generate.
REFERENCE_DIR_ENVIRONMENT_VARIABLE = "MM_REFERENCE_DIR"
GLOBAL = "GLOBAL"
PHASE_START = dt.date(2014, 2, 1)
PHASE_END = dt.date(2018, 1, 31)
FIRST_PROGRAMME_YEAR = 2014
LAST_PROGRAMME_YEAR = 2017
# Dates outside this window are typing errors: Phase I started in January 2011 and Phase II's
# final reports are due within a year of its end.
EARLIEST_DATE = dt.date(2011, 1, 1)
LATEST_DATE = dt.date(2019, 1, 31)


@dataclass(frozen=True)
class Period:
    label: str  # 2014/15 H1
    programme_year: int  # 2014
    half: int  # 1 or 2
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Place:
    """Where a country is drawn on the map: its ISO 3166 numeric code (the world map's id) and an
    approximate centre for its marker; None where countries.csv leaves them blank."""
    iso_numeric: str | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Reference:
    countries: dict[str, str]  # ISO-3 -> name
    country_details: dict[str, dict[str, str]]  # ISO-3 -> {region, government_lead}
    country_lookup: dict[str, str]  # any accepted spelling, casefolded -> ISO-3
    outputs: dict[str, dict[str, str]]  # "1" -> {level, lead_agency, title}
    periods: dict[str, Period]  # label -> Period
    fx_rates: dict[tuple[str, int], Decimal]  # (currency, year) -> units per USD
    no_value_markers: dict[str, str] = field(default_factory=dict)  # marker, normalised -> meaning
    header_aliases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # kind -> key -> aliases
    iso2: dict[str, str] = field(default_factory=dict)  # ISO-3 -> ISO 3166 alpha-2 (IATI uses alpha-2)
    places: dict[str, Place] = field(default_factory=dict)  # ISO-3 -> where the map draws it

    @property
    def currencies(self) -> set[str]:
        """Currencies a workbook may use: those with a rate for at least one programme year."""
        return {currency for currency, year in self.fx_rates
                if FIRST_PROGRAMME_YEAR <= year <= LAST_PROGRAMME_YEAR}

    def no_value_meaning(self, value: object) -> str | None:
        """What a 'no value' marker such as 'N/A' or 'Pending' means, or None if `value` is not one."""
        if not isinstance(value, str):
            return None
        return self.no_value_markers.get(normalise_marker(value))


def normalise_marker(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def programme_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def phase_periods(first_year: int = FIRST_PROGRAMME_YEAR, last_year: int = LAST_PROGRAMME_YEAR) -> list[Period]:
    """Half-years: H1 is February-July, H2 is August-January of the next calendar year."""
    periods = []
    for year in range(first_year, last_year + 1):
        label = programme_year_label(year)
        periods.append(Period(f"{label} H1", year, 1, dt.date(year, 2, 1), dt.date(year, 7, 31)))
        periods.append(Period(f"{label} H2", year, 2, dt.date(year, 8, 1), dt.date(year + 1, 1, 31)))
    return periods


def _read_csv(name: str, directory: Path) -> list[dict[str, str]]:
    with open(directory / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def reference_dir() -> Path:
    """$MM_REFERENCE_DIR when set, else data/reference in the repository."""
    configured = os.environ.get(REFERENCE_DIR_ENVIRONMENT_VARIABLE)
    return Path(configured) if configured else REFERENCE_DIR


def load_reference(directory: Path | None = None) -> Reference:
    """The reference data in `directory` (default: reference_dir()), read once per directory."""
    return _load_reference(Path(directory) if directory is not None else reference_dir())


@lru_cache(maxsize=4)
def _load_reference(directory: Path) -> Reference:
    countries: dict[str, str] = {}
    details: dict[str, dict[str, str]] = {}
    lookup: dict[str, str] = {GLOBAL.casefold(): GLOBAL}
    for row in _read_csv("countries.csv", directory):
        iso3 = row["iso3"].strip().upper()
        countries[iso3] = row["name"].strip()
        details[iso3] = {"region": (row.get("region") or "").strip(),
                         "government_lead": (row.get("government_lead") or "").strip()}
        spellings = [iso3, row["name"], *row.get("aliases", "").split(";")]
        for spelling in spellings:
            if spelling.strip():
                lookup[" ".join(spelling.split()).casefold()] = iso3
    outputs = {
        row["output_code"].strip(): {"level": row["level"].strip(), "lead_agency": row["lead_agency"].strip(),
                                     "title": row["title"].strip()}
        for row in _read_csv("outputs.csv", directory)
    }
    rates = {(row["currency"].strip().upper(), int(row["year"])): Decimal(row["units_per_usd"].strip())
             for row in _read_csv("fx_rates.csv", directory)}
    periods = {p.label: p for p in phase_periods()}
    markers = {normalise_marker(row["marker"]): row["meaning"].strip()
               for row in _read_csv("no_value_markers.csv", directory) if row["marker"].strip()}
    aliases: dict[str, dict[str, list[str]]] = {}
    for row in _read_csv("header_aliases.csv", directory):
        aliases.setdefault(row["sheet_kind"].strip(), {}).setdefault(row["column_key"].strip(), []).append(
            row["alias"])
    iso2 = {row["iso3"].strip().upper(): (row.get("iso2") or "").strip().upper()
            for row in _read_csv("countries.csv", directory) if (row.get("iso2") or "").strip()}
    places = {row["iso3"].strip().upper(): Place((row.get("iso_numeric") or "").strip() or None,
                                                 _coordinate(row.get("latitude")), _coordinate(row.get("longitude")))
              for row in _read_csv("countries.csv", directory)}
    return Reference(countries, details, lookup, outputs, periods, rates, markers,
                     {kind: {key: tuple(names) for key, names in columns.items()} for kind, columns in aliases.items()},
                     iso2, places)


def _coordinate(text: str | None) -> float | None:
    return float(text) if text and text.strip() else None
