"""The languages workbooks arrive in, as data: one TOML file per language in data/reference/languages/ (fr.toml,
es.toml, ...), each giving the words a sheet written in that language uses: its column names per sheet kind,
quarter and month columns, agency names, statuses and other choices, output labels ('Produit 1'), currency names,
country names, total and grand-total words, 'no value' words, title-row labels ('Pays :'), unit words (percent,
count, measure), the words saying amounts are in thousands or millions ('en milliers'), a delivery report's header
and title words in that language, its decimal mark and the order it writes dates in. These files are the one home
of every language's words (the other files of data/reference/ hold English's, the template's and the CDR's own).
data/reference/README.md documents the format; a user adds a language by adding a file, with no code. A key the
format does not know is refused, naming the file and the key.

Words are matched as `fold` gives them: accents, case and spacing ignored (Réalisé = realise).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from . import spec, statuses
from .errors import EtlError
from .formatted import SCALE_NAMES

ENGLISH = "en"  # the template's language: its own names are the spec's headers (etl/spec.py)
# What a title row's label gives (etl/title_block.py): [title_labels] field = ["Pays", ...]
TITLE_FIELDS = ("country", "level", "period", "year", "currency")
# What a unit is (etl/plausibility.py): [units] kind = ["pourcentage", ...]
UNIT_KINDS = ("percent", "count", "measure")
# What a title's scale words say the amounts are in (etl/title_block.py): [scales] thousands = ["en milliers", ...];
# the power of ten the amounts are read as written times
SCALES = {SCALE_NAMES[power]: power for power in (3, 6)}
# The words that join scale words and a currency in a title (etl/title_block.py): [scales.joining] between =
# ['of', 'in'] ('thousands of dollars', "KGS in '000"), amounts_in = ['in'] (a currency after one is the amounts':
# 'All amounts in USD'); and those of a rate a title may give: rate = ['exchange rate'] (a currency beside a number
# just after one is the rate's: 'exchange rate used: 69 KGS'), equals = ['equals'] (a rate's sign, as '=' is)
JOINING = ("between", "amounts_in", "rate", "equals")
DATE_ORDERS = {"day first": True, "month first": False}  # date_order = "day first"
# The roles a delivery report's words may have in a language file's [delivery] table (etl/delivery_words.py,
# where the English words of the CDR are delivery_report.csv): its header columns and title labels.
DELIVERY_ROLES = ("activity", "account", "account_description", "fund", "donor", "department", "implementing_agent",
                  "budget", "expenditure", "commitments", "total", "balance", "award", "country", "year", "currency",
                  "title_country", "title_award", "title_period", "title_currency", "title_agency")
# The word groups of the consistency checks (mm_core/cross_checks.py, data/reference/cross_checks.csv): words that
# do not tell two titles apart: [cross_checks] counting = ["nombre", ...], achievement = ["achevé", ...]
CROSS_CHECK_GROUPS = ("counting", "achievement")
KEYS = ("code", "name", "decimal_mark", "date_order", "total_words", "grand_total_words", "output_words", "quarters",
        "months", "columns", "agencies", "statuses", "choices", "currencies", "no_value", "countries",
        "title_labels", "units", "delivery", "cross_checks", "scales")


class LanguageError(EtlError):
    """A language file that cannot be used, with the file and key at fault."""


def fold(text: object) -> str:
    """Text as words are compared: accents removed, case folded, spaces collapsed ('Réalisé ' -> 'realise')."""
    decomposed = unicodedata.normalize("NFKD", str(text).replace("\u00a0", " "))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split()).casefold()


APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})


def scale_words(text: object) -> str:
    """Text as scale words are compared: folded (`fold`), every apostrophe written ' (USD ’000 = usd '000)."""
    return fold(text).translate(APOSTROPHES)


class ScaleWords(dict):
    """Scale words (`scale_words`) -> the power of ten they say (3, 6); `beside`: those that say it only beside a
    currency ('USD million', 'in thousand USD'; 'One Million Women' names a project); `currencies`: the currency
    codes and names a word beside them may be (folded) -> the ISO 4217 code they name (the codes a name several
    currencies share may be: 'dollars' -> ('JMD', 'USD'))."""

    def __init__(self, plain: dict[str, int] = (), beside: dict[str, int] = (),
                 currencies: dict[str, str | tuple[str, ...]] | None = None, joining: dict[str, tuple[str, ...]] = (),
                 percent: tuple[str, ...] = ()):
        super().__init__(plain)
        self.beside = dict(beside)
        self.currencies = dict(currencies or {})
        joining = dict(joining)
        self.between = joining.get("between", ())  # words between scale words and a currency ('of', 'de', 'в')
        self.amounts_in = joining.get("amounts_in", ())  # words a currency after which is the amounts' ('in', 'en')
        self.rate = joining.get("rate", ())  # an exchange rate's words ('exchange rate', 'taux de change', 'курс')
        self.equals = joining.get("equals", ())  # a rate's sign in words ('equals', 'egale', 'равно')
        self.percent = tuple(percent)  # the units' words for a percentage ('%', 'percent'): '= 2.5 %' is no rate


@dataclass(frozen=True)
class Language:
    """One language file, its words folded (`fold`) as keys."""

    code: str  # 'fr'
    name: str  # 'French'
    decimal_mark: str | None  # ',' or '.'
    source: Path
    columns: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # kind -> key -> names
    quarters: dict[str, int] = field(default_factory=dict)  # folded word -> 1..4
    months: dict[str, int] = field(default_factory=dict)  # folded word -> 1..12
    agencies: dict[str, str] = field(default_factory=dict)  # folded name -> agency code
    statuses: dict[str, dict[str, str]] = field(default_factory=dict)  # family -> folded word -> status
    choices: dict[str, dict[str, str]] = field(default_factory=dict)  # column key -> folded word -> choice
    output_words: tuple[str, ...] = ()  # folded: 'produit' in 'Produit 1'
    currencies: dict[str, str] = field(default_factory=dict)  # folded name -> ISO 4217 code
    total_words: tuple[str, ...] = ()  # folded: 'sous-total' (a total row; in a delivery report a subtotal)
    no_value: dict[str, str] = field(default_factory=dict)  # folded marker -> meaning
    countries: dict[str, str] = field(default_factory=dict)  # folded country name -> ISO 3166 alpha-3
    grand_total_words: tuple[str, ...] = ()  # folded: 'total general' (a total row; a delivery report's grand total)
    day_first: bool | None = None  # date_order: whether it writes 03/04/2015 day first; None: it does not say
    title_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> labels as written ('Pays')
    units: dict[str, str] = field(default_factory=dict)  # folded unit word -> percent, count or measure
    delivery: dict[str, tuple[str, ...]] = field(default_factory=dict)  # delivery-report role -> words as written
    cross_checks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word group -> folded words
    scales: dict[str, int] = field(default_factory=dict)  # folded scale words ('en milliers') -> power of ten
    scales_beside: dict[str, int] = field(default_factory=dict)  # the same, said only beside a currency ('million')
    # names several currencies share ('dollars': USD, JMD; 'dinars': TND, RSD), folded -> their codes: a name that
    # names none of them alone ([currencies] dollars = ["USD", "JMD"])
    shared_currencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scale_joining: dict[str, tuple[str, ...]] = field(default_factory=dict)  # JOINING -> scale words (`scale_words`)

    def choice_words(self, column: spec.Column) -> dict[str, str]:
        """The words of this language for the values of a choice column: a status family's whose names are
        the column's choices, and [choices.<column key>]."""
        words = dict(self.choices.get(column.key, {}))
        for family, by_word in self.statuses.items():
            if statuses.names(family) == column.choices:
                words.update(by_word)
        return {word: value for word, value in words.items() if value in column.choices}


def read_language(path: Path) -> Language:
    """A language file; a file that cannot be used is a LanguageError naming the file and the key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LanguageError(f"{path}: not a readable TOML file ({error})") from None
    reader = _Reader(path, data)
    for key in data:
        if key not in KEYS:
            raise LanguageError(f"{path} › {key}: not a key of a language file (expected one of {', '.join(KEYS)}; "
                                "data/reference/README.md, 'Languages')")
    code = reader.text("code")
    if code != path.stem:
        raise LanguageError(f"{path} › code: found {code!r}, expected the file's name, {path.stem!r}")
    mark = data.get("decimal_mark")
    if mark not in (None, ",", "."):
        raise LanguageError(f"{path} › decimal_mark: found {mark!r}, expected ',' or '.'")
    order = data.get("date_order")
    if order is not None and order not in DATE_ORDERS:
        raise LanguageError(f"{path} › date_order: found {order!r}, expected " + " or ".join(map(repr, DATE_ORDERS)))
    units = reader.lists("units", UNIT_KINDS)
    # [scales] thousands = [...], and [scales.beside_currency] thousands = [...]
    table = data.get("scales", {})
    beside = table.pop("beside_currency", {}) if isinstance(table, dict) else {}
    joining = table.pop("joining", {}) if isinstance(table, dict) else {}
    scale_reader = _Reader(path, {"scales": table, "scales.beside_currency": beside, "scales.joining": joining})
    scales = [{scale_words(word): SCALES[scale] for scale, words in scale_reader.lists(key, tuple(SCALES)).items()
               for word in words} for key in ("scales", "scales.beside_currency")]
    currencies, shared = reader.currencies()
    return Language(code, reader.text("name"), mark, path, reader.columns(), reader.numbered("quarters", 4),
                    reader.numbered("months", 12), reader.mapping("agencies"), reader.statuses(),
                    reader.choices(), reader.words("output_words"), currencies,
                    reader.words("total_words"), reader.mapping("no_value"),
                    {name: code.upper() for name, code in reader.mapping("countries").items()},
                    reader.words("grand_total_words"), None if order is None else DATE_ORDERS[order],
                    reader.lists("title_labels", TITLE_FIELDS),
                    {fold(word): kind for kind, words in units.items() for word in words},
                    reader.lists("delivery", DELIVERY_ROLES),
                    {group: tuple(fold(word) for word in words)
                     for group, words in reader.lists("cross_checks", CROSS_CHECK_GROUPS).items()},
                    *scales, shared,
                    {role: tuple(dict.fromkeys(map(scale_words, words)))
                     for role, words in scale_reader.lists("scales.joining", JOINING).items()})


class _Reader:
    """Checks each part of a language file as it is read."""

    def __init__(self, path: Path, data: dict):
        self.path, self.data = path, data

    def fail(self, key: str, expected: str) -> LanguageError:
        return LanguageError(f"{self.path} › {key}: expected {expected}")

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "a text")
        return value.strip()

    def _list(self, value: object, key: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "a list of texts")
        return tuple(value)

    def words(self, key: str) -> tuple[str, ...]:
        return tuple(fold(word) for word in self._list(self.data.get(key, []), key))

    def mapping(self, key: str, table: dict | None = None) -> dict[str, str]:
        table = self.data.get(key, {}) if table is None else table
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise self.fail(key, "a table of texts (word = \"meaning\")")
        return {fold(word): value.strip() for word, value in table.items()}

    def currencies(self) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
        """[currencies]: a name of one currency -> its code (dirham = "MAD"), and a name several share -> their
        codes (dollars = ["USD", "JMD"]), each folded."""
        table = self.data.get("currencies", {})
        one = {word: value for word, value in table.items() if not isinstance(value, list)} if isinstance(
            table, dict) else table
        shared = {}
        for word, codes in (table.items() if isinstance(table, dict) else ()):
            if isinstance(codes, list):
                if len(set(codes)) < 2 or not all(isinstance(code, str) and re.fullmatch(r"[A-Z]{3}", code)
                                                  for code in codes):
                    raise self.fail(f"currencies.{word}", "a currency's code (\"MAD\") or the codes of the "
                                                          "currencies a name may be, two or more ([\"USD\", \"JMD\"])")
                shared[fold(word)] = tuple(sorted(set(codes)))
        return self.mapping("currencies", one), shared

    def lists(self, key: str, names: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        """A table of lists of words, each under one of `names` ([title_labels] country = ["Pays"]), as written."""
        table = self.data.get(key, {})
        if not isinstance(table, dict):
            raise self.fail(key, "a table of lists of words ("
                            + ", ".join(f"{name} = [...]" for name in names[:2]) + ", ...)")
        for name in table:
            if name not in names:
                raise self.fail(f"{key}.{name}", f"one of {', '.join(names)}")
        return {name: self._list(words, f"{key}.{name}") for name, words in table.items()}

    def numbered(self, key: str, count: int) -> dict[str, int]:
        lists = self.data.get(key, [])
        if not isinstance(lists, list) or (lists and len(lists) != count):
            raise self.fail(key, f"{count} lists of names, the first for the first")
        return {fold(word): number for number, names in enumerate(lists, start=1)
                for word in self._list(names, f"{key}[{number}]")}

    def columns(self) -> dict[str, dict[str, tuple[str, ...]]]:
        columns = {}
        for kind, by_key in self.data.get("columns", {}).items():
            sheet = spec.ALL_SHEETS_BY_KIND.get(kind)
            if sheet is None:
                raise self.fail(f"columns.{kind}", "a sheet kind: " + ", ".join(spec.ALL_SHEETS_BY_KIND))
            keys = {c.key for c in sheet.columns}
            for key, names in by_key.items():
                if key not in keys:
                    raise self.fail(f"columns.{kind}.{key}", f"a column key of {kind}: " + ", ".join(sorted(keys)))
                columns.setdefault(kind, {})[key] = self._list(names, f"columns.{kind}.{key}")
        return columns

    def statuses(self) -> dict[str, dict[str, str]]:
        found = {}
        for family, table in self.data.get("statuses", {}).items():
            words = self.mapping(f"statuses.{family}", table)
            try:
                known = statuses.names(family)
            except KeyError:
                raise self.fail(f"statuses.{family}", "a status family of statuses.csv") from None
            wrong = sorted(set(words.values()) - set(known))
            if wrong:
                raise self.fail(f"statuses.{family}", f"statuses of {family} ({', '.join(known)}), not "
                                                      + ", ".join(repr(w) for w in wrong))
            found[family] = words
        return found

    def choices(self) -> dict[str, dict[str, str]]:
        return {key: self.mapping(f"choices.{key}", table) for key, table in self.data.get("choices", {}).items()}


def read_languages(*directories: Path) -> dict[str, Language]:
    """Every language file (*.toml) of the `languages` folder of each directory, a later directory's file
    replacing an earlier one of the same language. A file is parsed once per version of it (its size, times of
    modification and change, inode): the dashboard's consistency checks ask for the words on every run of their
    page, and parsing the files took 0.15 s of each. Do not change what it returns: the same objects are given to
    every caller."""
    found: dict[str, Language] = {}
    for directory in directories:
        folder = directory / "languages"
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                try:
                    status = path.stat()
                except OSError:  # gone since the listing: read_language says so
                    language = read_language(path)
                else:
                    language = _read_version(path, status.st_mtime_ns, status.st_ctime_ns, status.st_size,
                                             status.st_ino)
                found[language.code] = language
    _same_currency_names(found.values())
    return found


def _same_currency_names(languages: Iterable[Language]) -> None:
    """Every language's [currencies] are read for number formats and titles whatever the sheet's language: a name
    two files give two meanings ('dinar' RSD in one, shared in another) is a LanguageError naming both."""
    meant: dict[str, tuple[str | tuple[str, ...], Path]] = {}
    for language in languages:
        for name, meaning in [*language.currencies.items(), *language.shared_currencies.items()]:
            other = meant.setdefault(name, (meaning, language.source))
            if other[0] != meaning:
                raise LanguageError(f"{language.source} › currencies.{name}: {_meaning(meaning)} here, but "
                                    f"{_meaning(other[0])} in {other[1]}: give it one meaning in both")


def _meaning(codes: str | tuple[str, ...]) -> str:
    return repr(codes) if isinstance(codes, str) else "[" + ", ".join(map(repr, codes)) + "]"


@lru_cache(maxsize=64)
def _read_version(path: Path, _modified: int, _changed: int, _size: int, _inode: int) -> Language:
    # the change time too: a copy that keeps the file's size and sets its old time of modification back
    # (cp -p, rsync -t, tar) changes it, and no user can set it
    return read_language(path)
