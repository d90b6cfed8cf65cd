"""Reference data the validator checks against: the programme (etl/programme.py), countries, exchange rates.

The programme file (programme.toml) gives the programme's countries, outputs, calendar and periods; the
files of `data/reference/` give every ISO 3166 country's names and codes (countries.csv), exchange rates,
header aliases, 'no value' markers and the languages workbooks arrive in (languages/*.toml, etl/languages.py),
so a programme extends them without code.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from . import spec
from .delivery_words import VOCABULARY_FILE, read_vocabulary_file
from .languages import ENGLISH, JOINING, Language, LanguageError, ScaleWords, fold, read_languages
from .programme import Period, Programme, ProgrammeError, programme_path, read_programme

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"
# Another reference directory (same files and columns), e.g. a portfolio's own country list: the
# benchmarks point the ETL at the one they generate.
REFERENCE_DIR_ENVIRONMENT_VARIABLE = "MM_REFERENCE_DIR"
GLOBAL = "GLOBAL"
# Files that held languages' words before the language files did: a reference folder still holding one is
# refused (its words would be silently ignored), naming where they go now.
RETIRED = {"title_labels.csv": "[title_labels]", "date_orders.csv": "date_order", "units.csv": "[units]"}


@dataclass(frozen=True)
class Place:
    """Where a country is drawn on the map: its ISO 3166 numeric code (the world map's id) and an
    approximate centre for its marker; None where countries.csv leaves them blank."""
    iso_numeric: str | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class Reference:
    programme: Programme
    countries: dict[str, str]  # the programme's countries: ISO-3 -> name
    country_details: dict[str, dict[str, str]]  # ISO-3 -> {region, government_lead}
    country_lookup: dict[str, str]  # any accepted spelling of a programme country, casefolded -> ISO-3
    outputs: dict[str, dict[str, str]]  # "1" -> {level, lead_agency, title}
    periods: dict[str, Period]  # label -> Period
    fx_rates: dict[tuple[str, int], Decimal]  # (currency, year) -> units per USD
    no_value_markers: dict[str, str] = field(default_factory=dict)  # marker, normalised -> meaning
    header_aliases: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # kind -> key -> aliases
    iso2: dict[str, str] = field(default_factory=dict)  # ISO-3 -> ISO 3166 alpha-2 (IATI uses alpha-2)
    places: dict[str, Place] = field(default_factory=dict)  # ISO-3 -> where the map draws it
    world_lookup: dict[str, str] = field(default_factory=dict)  # any spelling of any ISO country -> ISO-3
    world_names: dict[str, str] = field(default_factory=dict)  # ISO-3 of any ISO country -> name
    languages: dict[str, Language] = field(default_factory=dict)  # code -> the words of that language
    # the label words of a title row ('Country:', 'Devise :'), normalised (normalise_marker) -> what they give:
    # country, level, period, year or currency (every language's [title_labels]; etl/title_block.py)
    title_labels: dict[str, str] = field(default_factory=dict)
    # a unit word of any language, folded -> percent, count or measure (every language's [units];
    # etl/plausibility.py)
    units: dict[str, str] = field(default_factory=dict)
    # a delivery report's own words (delivery_report.csv: role -> words as written) and the file they came from
    delivery_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    delivery_source: Path | None = None
    # the currency of a Windows locale, by its id or tag as a number format's [$sign-locale] bracket writes it
    # ('416', 'PT-BR' -> BRL; upper case; locale_currencies.csv, always read from the shipped folder: a standard,
    # not the programme's)
    locale_currencies: dict[str, str] = field(default_factory=dict)

    @property
    def currencies(self) -> set[str]:
        """Currencies a workbook may use: those with a rate for at least one programme year."""
        return {currency for currency, year in self.fx_rates
                if self.programme.first_year <= year <= self.programme.last_year}

    @property
    def sheets(self) -> tuple[spec.Sheet, ...]:
        """The sheets of the programme's template: every sheet kind but those it has nothing for (a
        Disaggregation sheet needs [[dimensions]]: spec.Sheet.only_with)."""
        return tuple(s for s in spec.SHEETS if not s.only_with or getattr(self.programme, s.only_with))

    @property
    def earliest_date(self) -> dt.date:
        """Dates before this are typing errors (programme.toml, [calendar] earliest_date)."""
        return self.programme.earliest_date

    @property
    def latest_date(self) -> dt.date:
        """Dates after this are typing errors: a year after the last phase ends."""
        return self.programme.latest_date

    def no_value_meaning(self, value: object, language: str | None = None) -> str | None:
        """What a 'no value' marker such as 'N/A' or 'Pending' (or one of `language`'s, 'N/D') means, or None
        if `value` is not one."""
        if not isinstance(value, str):
            return None
        meaning = self.no_value_markers.get(normalise_marker(value))
        for words in self.vocabularies(language) if meaning is None else ():
            meaning = meaning or words.no_value.get(fold(value))
        return meaning

    def decimal_mark(self, language: str | None) -> str | None:
        """The decimal mark of a language (its file's decimal_mark), or None."""
        words = self.languages.get(language) if language else None
        return words.decimal_mark if words else None

    def vocabularies(self, language: str | None) -> list[Language]:
        """The words a sheet in `language` is read with (etl/languages.py): English's (en.toml), which every
        sheet may use, and its own language's. None is English: the template's own sheets."""
        codes = dict.fromkeys([ENGLISH, language or ENGLISH])
        return [self.languages[code] for code in codes if code in self.languages]

    def day_first(self, language: str | None) -> bool | None:
        """Whether a language writes dates like 03/04/2015 day first (its file's date_order), or None."""
        words = self.languages.get(language) if language else None
        return words.day_first if words else None

    @property
    def total_words(self) -> tuple[str, ...]:
        """Every language's words for a total row, grand totals included ('total', 'sous-total', 'итого'),
        folded."""
        return tuple(dict.fromkeys(word for language in self.languages.values()
                                   for word in language.total_words + language.grand_total_words))

    @cached_property
    def currency_names(self) -> dict[str, str | tuple[str, ...]]:
        """Every language's currency names, folded -> the code ('сом': KGS), or the codes of a name several
        currencies share ('dollars': ('JMD', 'USD')); one meaning each (etl/languages.py, read_languages)."""
        return {name: meaning for language in self.languages.values()
                for name, meaning in [*language.currencies.items(), *language.shared_currencies.items()]}

    @cached_property  # asked for each sheet's title rows; built once per reference
    def scale_words(self) -> ScaleWords:
        """Every language's words saying amounts are in thousands or millions ('in thousands', "'000", 'en
        milliers', 'тыс.'), as languages.scale_words gives them -> the power of ten (3, 6); with those that say
        it beside a currency only ('million'), and the currencies: codes with a rate and every language's names,
        each to its code (to theirs for a name several currencies share: 'dollars')."""
        languages = self.languages.values()
        currencies = {code.casefold(): code for code, _ in self.fx_rates} | self.currency_names
        joining = {role: tuple(dict.fromkeys(word for language in languages
                                             for word in language.scale_joining.get(role, ()))) for role in JOINING}
        percent = tuple(dict.fromkeys(word for language in languages for word, kind in language.units.items()
                                      if kind == "percent"))
        return ScaleWords({word: power for language in languages for word, power in language.scales.items()},
                          {word: power for language in languages for word, power in language.scales_beside.items()},
                          currencies, joining, percent)

    @property
    def subtotal_words(self) -> tuple[str, ...]:
        """Every language's total_words ('total', 'sous-total'), folded: in a delivery report, a subtotal."""
        return tuple(dict.fromkeys(word for language in self.languages.values() for word in language.total_words))

    @property
    def grand_total_words(self) -> tuple[str, ...]:
        """Every language's grand_total_words ('grand total', 'total general', 'итого'), folded."""
        return tuple(dict.fromkeys(word for language in self.languages.values()
                                   for word in language.grand_total_words))


def normalise_marker(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold()


def _read_csv(name: str, directory: Path) -> list[dict[str, str]]:
    with open(directory / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def reference_dir() -> Path:
    """$MM_REFERENCE_DIR when set, else data/reference in the repository."""
    configured = os.environ.get(REFERENCE_DIR_ENVIRONMENT_VARIABLE)
    return Path(configured) if configured else REFERENCE_DIR


def load_reference(directory: Path | None = None, programme: Path | str | None = None) -> Reference:
    """The reference data in `directory` (default: reference_dir()) with the programme file `programme`
    (default: $MM_PROGRAMME, else programme.toml in that directory), read once per pair."""
    folder = Path(directory) if directory is not None else reference_dir()
    path = programme_path(programme, folder)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None  # read_programme says why it cannot be read
    return _load_reference(folder, path.resolve() if stamp is not None else path, stamp)


@lru_cache(maxsize=4)
def _load_reference(directory: Path, programme_file: Path, _stamp: int | None) -> Reference:
    for name, key in RETIRED.items():
        if (directory / name).exists():
            raise LanguageError(f"{directory / name}: no longer read; a language's words are in its language file, "
                                f"languages/<code>.toml ({key}; data/reference/README.md, 'Languages'): move them "
                                "there and remove this file")
    delivery_source = (directory / VOCABULARY_FILE if (directory / VOCABULARY_FILE).exists()
                       else REFERENCE_DIR / VOCABULARY_FILE)
    delivery_words = read_vocabulary_file(delivery_source)  # a line it cannot use stops the load here
    programme = read_programme(programme_file)
    world_names: dict[str, str] = {}
    world_lookup: dict[str, str] = {}
    iso2: dict[str, str] = {}
    places: dict[str, Place] = {}
    for row in _read_csv("countries.csv", directory):
        iso3 = row["iso3"].strip().upper()
        world_names[iso3] = row["name"].strip()
        for spelling in [iso3, row["name"], *(row.get("aliases") or "").split(";")]:
            if spelling.strip():
                world_lookup.setdefault(" ".join(spelling.split()).casefold(), iso3)
        if (row.get("iso2") or "").strip():
            iso2[iso3] = row["iso2"].strip().upper()
        places[iso3] = Place((row.get("iso_numeric") or "").strip() or None, _coordinate(row.get("latitude")),
                             _coordinate(row.get("longitude")))
    countries: dict[str, str] = {}
    details: dict[str, dict[str, str]] = {}
    for country in programme.countries:
        if country.iso3 not in world_names:
            raise ProgrammeError(f"{programme.source} › [[countries]] ({country.iso3}): '{country.iso3}' is not an "
                                 f"ISO 3166 alpha-3 code in {directory / 'countries.csv'}")
        countries[country.iso3] = world_names[country.iso3]
        details[country.iso3] = {"region": country.region, "government_lead": country.government_lead}
    # the shipped languages, and those of another reference folder (a file there replaces the shipped one); a
    # country's name in any of them names it anywhere ('Maroc' in a French title row, 'Кыргызстан')
    languages = read_languages(*dict.fromkeys([REFERENCE_DIR, directory]))
    for language in languages.values():
        for name, iso3 in language.countries.items():
            if iso3 in world_names:
                world_lookup.setdefault(name, iso3)
    lookup = {GLOBAL.casefold(): GLOBAL}
    lookup.update({spelling: iso3 for spelling, iso3 in world_lookup.items() if iso3 in countries})
    outputs = {result.code: {"level": result.scope, "lead_agency": result.lead_agency or "", "title": result.title}
               for result in programme.outputs}
    rates = {(row["currency"].strip().upper(), int(row["year"])): Decimal(row["units_per_usd"].strip())
             for row in _read_csv("fx_rates.csv", directory)}
    periods = {p.label: p for p in programme.periods()}
    markers = {normalise_marker(row["marker"]): row["meaning"].strip()
               for row in _read_csv("no_value_markers.csv", directory) if row["marker"].strip()}
    aliases: dict[str, dict[str, list[str]]] = {}
    for row in _read_csv("header_aliases.csv", directory):
        aliases.setdefault(row["sheet_kind"].strip(), {}).setdefault(row["column_key"].strip(), []).append(
            row["alias"])
    title_labels: dict[str, str] = {}
    units: dict[str, str] = {}
    for language in sorted(languages.values(), key=lambda words: words.code != ENGLISH):  # English's first
        for field_name, labels in language.title_labels.items():
            for label in labels:
                title_labels.setdefault(normalise_marker(label), field_name)
        for word, kind in language.units.items():
            units.setdefault(word, kind)
    return Reference(programme, countries, details, lookup, outputs, periods, rates, markers,
                     {kind: {key: tuple(names) for key, names in columns.items()} for kind, columns in aliases.items()},
                     iso2, places, world_lookup, world_names, languages=languages, title_labels=title_labels,
                     units=units, delivery_words=delivery_words, delivery_source=delivery_source,
                     locale_currencies={key.strip().upper(): row["currency"].strip().upper()
                                        for row in _read_csv("locale_currencies.csv", REFERENCE_DIR)
                                        for key in (row["locale_id"], row["locale"]) if key.strip()})


def _coordinate(text: str | None) -> float | None:
    return float(text) if text and text.strip() else None
