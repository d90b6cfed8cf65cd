"""How a column writes its numbers and dates, inferred from all its text cells: never guessed silently.

A number typed as text may use a decimal comma (`0,45`, `1.234,56`, `1 234,5`) or a decimal point (`0.45`,
`1,234.56`), with thousands separated by a space, a no-break space, a dot, a comma or an apostrophe. Some
texts prove the column's decimal mark (`12,5` can only be twelve and a half); others read two ways
(`12.500` is 12.5 with a decimal point and 12500 with a decimal comma). A date typed as `03/04/2015` may be
day first or month first; `13/04/2015` proves day first.

For each number or date column the convention is, in this order:

1. what its cells prove (cells Excel stores as numbers or dates need none); where cells prove both, the
   side more cells prove (a tie goes on to 2.), and a cell proving the other side is rejected, naming the
   convention;
2. the sheet's language (RawSheet.decimal_hint for numbers; for dates its language file's date_order, which
   the callers pass in: Reference.day_first);
3. the English default: a decimal point; day first (and each ambiguous date reported).

A value that reads two ways is read by the column's convention and reported (`reported`), with why that
convention. Both lanes use this module: etl/transform.py (`infer_conventions` over the sheet's rows) and
etl/columnar.py (the same over its columns), and etl/parse.py reads with the convention it is given.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

from . import spec

NUMBER_KINDS = frozenset({spec.MONEY, spec.NUMBER, spec.PERCENT, spec.WHOLE_NUMBER, spec.REPORTED_NUMBER})
DATE_KINDS = frozenset({spec.DATE, spec.MONTH_START, spec.MONTH_END})
POINT, COMMA = ".", ","
MARK_NAMES = {POINT: "decimal point", COMMA: "decimal comma"}
DEFAULT_DECIMAL = POINT  # English

# Currency signs and codes a number typed as text may carry: "$12,500", "USD 1,000", "1 000 EUR"; and the signs
# a country office's Excel writes ('৳', 'DH', 'DT', 'дин.'), each of one currency only ('¥' is two: not here)
CURRENCY_SIGNS = {"US$": "USD", "J$": "JMD", "$": "USD", "€": "EUR", "£": "GBP", "CHF": "CHF", "Fr.": "CHF",
                  "৳": "BDT", "DH": "MAD", "Dh": "MAD", "DT": "TND", "din.": "RSD", "дин.": "RSD", "₽": "RUB",
                  "₸": "KZT", "₴": "UAH", "₺": "TRY", "₹": "INR", "₪": "ILS", "₫": "VND", "₦": "NGN", "₾": "GEL",
                  "₼": "AZN", "руб.": "RUB", "руб": "RUB", "р.": "RUB"}
CURRENCY_CODE = re.compile(r"^([A-Z]{3})\s*(?=[\d(+-])|(?<=[\d)])\s*([A-Z]{3})$")
# The codes of ISO 4217 (a standard, as the signs above are), those in use and those of the programme's years since
# replaced (BYR, MRO, STD, VEF): three capitals beside a number are a currency only if one of these ('KGS 450 000');
# others are a word ('INS 2015', 'HCP 2014': a source and its year), and the text no number
ISO_CURRENCIES = frozenset("""
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BYR BZD CAD
    CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
    GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP
    LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRO MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB
    PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STD STN SVC SYP SZL
    THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VEF VES VND VUV WST XAF XCD XCG XDR XOF
    XPF YER ZAR ZMW ZWG ZWL""".split())


def bracket_currency(text: str) -> str | None:
    """The currency a header names in brackets ('Budget (USD)', 'Presupuesto (€)', 'Montant (DH)'): an ISO 4217
    code or a currency sign standing alone there; a bare '$' names none (any dollar), nor does prose ('(USD budget
    in note)'). None for none, or for two."""
    found = set()
    for inside in BRACKETED.findall(unicodedata.normalize("NFKC", text)):  # '（USD）' as '(USD)'
        word = inside.strip()
        code = word if word in ISO_CURRENCIES else None if word == "$" else CURRENCY_SIGNS.get(word)  # not '(all)'
        if code:
            found.add(code)
    return found.pop() if len(found) == 1 else None


BRACKETED = re.compile(r"\(([^()]+)\)")


def sign_currency(text: str) -> str | None:
    """The currency a sign written alone names ('€', 'US$', 'us$', 'DH': CURRENCY_SIGNS, in any case), as a Currency
    cell or label holds it; None for other text, and for a bare '$' (any dollar: en.toml's "$" lists which)."""
    text = text.strip().casefold()
    return next((code for sign, code in CURRENCY_SIGNS.items() if sign != "$" and sign.casefold() == text), None)


def currency_code(text: str) -> str | None:
    """The ISO 4217 code written before or after a number ('KGS 450 000', '1,000 EUR'), or None."""
    match = CURRENCY_CODE.search(text)
    code = (match.group(1) or match.group(2)) if match else None
    return code if code in ISO_CURRENCIES else None
# Thousands separators besides the other decimal mark ('.' where ',' is decimal, and the reverse). The
# no-break spaces (U+00A0, U+202F) are spaces once the text's whitespace is normalised.
THOUSANDS_SEPARATORS = (" ", "'", "\u2019")
_GROUPED = {separator: re.compile(rf"[1-9]\d{{0,2}}(?:{re.escape(separator)}\d{{3}})+")
            for separator in THOUSANDS_SEPARATORS + (POINT, COMMA)}
_DIGITS = re.compile(r"\d+")
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})")


def normalised(text: str) -> str:
    """Whitespace as single spaces (no-break spaces included), the minus sign as '-'."""
    return " ".join(text.replace("\u2212", "-").split())


@dataclass(frozen=True)
class NumberText:
    """A number typed as text, split: its sign, its digits and separators (`core`), a percent sign."""

    negative: bool
    sign: str  # '+', '-' or ''
    core: str
    percent: bool


def starts_with_sign(text: str, sign: str) -> bool:
    """Whether `text` starts with the currency sign `sign`, as a sign of its own: no letter follows it ('DHS 12'
    does not start with 'DH')."""
    return text.startswith(sign) and not text[len(sign):len(sign) + 1].isalpha()


def ends_with_sign(text: str, sign: str) -> bool:
    """Whether `text` ends with the currency sign `sign`, as a sign of its own: no letter comes before it ('12
    един.' does not end with 'дин.', nor '12 AUS$' with '$' or 'US$')."""
    return text.endswith(sign) and not text[:-len(sign)][-1:].isalpha()


def split_number(text: str) -> NumberText:
    """The parts of `text`: (300) · -15% · $15,200,000 · USD 2 500 · 1 000 EUR."""
    text = normalised(text)
    negative = percent = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.endswith("%"):
        percent, text = True, text[:-1].strip()
    for sign in sorted(CURRENCY_SIGNS, key=len, reverse=True):
        if starts_with_sign(text, sign):
            text = text[len(sign):].strip()
        elif starts_with_sign(text, "-" + sign):
            text = "-" + text[len(sign) + 1:].strip()
        elif ends_with_sign(text, sign):
            text = text[:-len(sign)].strip()
    match = CURRENCY_CODE.search(text)
    if match and currency_code(text):
        text = (text[3:] if match.group(1) else text[:-3]).strip()
    if text.startswith("(") and text.endswith(")") and not negative:
        negative, text = True, text[1:-1].strip()
    sign = ""
    if text[:1] in "+-":
        sign, text = text[:1], text[1:].strip()
    return NumberText(negative, sign, text, percent)


def read_core(core: str, decimal: str) -> str | None:
    """`core` (digits and separators) written with `decimal` as its decimal mark, as plain digits with a
    point ('1234.5'); None where it cannot be so written. Thousands come in groups of three after a first
    group of one to three digits not starting with 0 (so `0,450` is never 450)."""
    integer, mark, fraction = core.partition(decimal)
    if mark and fraction and not _DIGITS.fullmatch(fraction):
        return None
    if not integer:
        return "0." + fraction if fraction else None  # '.5'
    if not _DIGITS.fullmatch(integer):
        other = COMMA if decimal == POINT else POINT
        separator = next((s for s in THOUSANDS_SEPARATORS + (other,) if _GROUPED[s].fullmatch(integer)), None)
        if separator is None:
            return None
        integer = integer.replace(separator, "")
    return integer + ("." + fraction if fraction else "")


@dataclass(frozen=True)
class Readings:
    """What a text reads as with a decimal point and with a decimal comma (None: it cannot)."""

    point: float | None
    comma: float | None

    @property
    def two_way(self) -> bool:
        return self.point is not None and self.comma is not None and self.point != self.comma

    @property
    def proves(self) -> str | None:
        """The decimal mark this text alone proves, or None."""
        if self.point is not None and self.comma is None:
            return POINT
        if self.comma is not None and self.point is None:
            return COMMA
        return None

    def under(self, decimal: str) -> float | None:
        return self.point if decimal == POINT else self.comma


def readings(text: str) -> Readings:
    parts = split_number(text)
    values = []
    for decimal in (POINT, COMMA):
        digits = read_core(parts.core, decimal)
        if digits is None:
            values.append(None)
            continue
        number = float(parts.sign + digits)
        values.append(-number if parts.negative else number)
    return Readings(*values)


def shown(number: float) -> str:
    """A number as a message shows it: 12500, 0.45."""
    return str(int(number)) if number.is_integer() and abs(number) < 1e16 else repr(number)


@dataclass(frozen=True)
class NumberConvention:
    """A column's decimal mark, and why it is that one (said in every report and rejection)."""

    decimal: str = DEFAULT_DECIMAL
    why: str = "the English default"

    @property
    def name(self) -> str:
        return MARK_NAMES[self.decimal]

    def reported(self, value: Any) -> str | None:
        """What to report of a cell that reads two ways ('12.500'), or None."""
        if not isinstance(value, str):
            return None
        found = readings(value)
        if not found.two_way:
            return None
        other = found.comma if self.decimal == POINT else found.point
        return (f"'{normalised(value)}' read as {shown(found.under(self.decimal))}, not {shown(other)} "
                f"({self.why})")


DEFAULT_NUMBERS = NumberConvention()


@dataclass(frozen=True)
class DateOrder:
    """A column's order of day and month in dates like 03/04/2015, and why."""

    day_first: bool = True
    why: str = "the default"

    @property
    def name(self) -> str:
        return "day first" if self.day_first else "month first"

    def reported(self, value: Any) -> str | None:
        """What to report of a date that reads two ways ('03/04/2015'), or None."""
        if not isinstance(value, str):
            return None
        found = date_readings(value)
        if found is None or None in found or found[0] == found[1]:
            return None
        read, other = found if self.day_first else found[::-1]
        return f"'{normalised(value)}' read as {_day(read)}, not {_day(other)} ({self.why})"


DEFAULT_DATES = DateOrder()


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def date_readings(text: str) -> tuple[dt.date | None, dt.date | None] | None:
    """(day-first reading, month-first reading) of a date written 03/04/2015 or 03.04.2015; None for
    other texts."""
    match = _NUMERIC_DATE.fullmatch(normalised(text))
    if not match:
        return None
    first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
    return _date(year, second, first), _date(year, first, second)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_proves(text: str) -> bool | None:
    """True where `text` can only be day first, False where only month first, else None."""
    found = date_readings(text)
    if found is None or (found[0] is None) == (found[1] is None):
        return None
    return found[0] is not None


@dataclass
class _Evidence:
    """The cells proving each side: how many, and the first one (text, row)."""

    count: Counter
    first: dict

    def add(self, side: Any, text: str, row: int, times: int = 1) -> None:
        self.count[side] += times
        if side not in self.first or row < self.first[side][1]:
            self.first[side] = (text, row)

    def cite(self, side: Any) -> str:
        text, row = self.first[side]
        others = self.count[side] - 1
        return f"'{text}' in row {row}" + (f" and {others} other cell{'s' * (others != 1)}" if others else "")


def _side(evidence: _Evidence, names: dict[Any, str], hint: Any, hint_why: str | None, default: Any,
          default_why: str) -> tuple[Any, str]:
    """The side a column takes (see the module's docstring) and why."""
    sides = [side for side in names if evidence.count[side]]
    if len(sides) == 1:
        side = sides[0]
        return side, f"this column writes {names[side]}: {evidence.cite(side)}"
    if len(sides) == 2:
        first, second = sorted(sides, key=lambda s: -evidence.count[s])
        both = (f"this column writes {names[first]} ({evidence.cite(first)}) and {names[second]} "
                f"({evidence.cite(second)})")
        if evidence.count[first] != evidence.count[second]:
            return first, f"{both}; more cells write {names[first]}"
        if hint is not None:
            return hint, f"{both}; {hint_why}"
        return default, f"{both}; {default_why}"
    if hint is not None:
        return hint, hint_why
    return default, default_why


def distinct_texts(cells: Iterable[tuple[Any, int]]) -> list[tuple[str, int, int]]:
    """(text, first row, how many cells) of each distinct text among `cells` ((value, row number))."""
    found: dict[str, list[int]] = {}
    for value, row in cells:
        if isinstance(value, str):
            seen = found.get(value)
            if seen is None:
                found[value] = [row, 1]
            else:
                seen[0], seen[1] = min(seen[0], row), seen[1] + 1
    return [(text, row, count) for text, (row, count) in found.items()]


def infer_numbers(texts: Iterable[tuple[str, int, int]], hint: str | None = None, language: str | None = None
                  ) -> NumberConvention:
    """The convention of a column from its distinct texts ((text, first row, how many cells): cells Excel
    stores as numbers do not count) and the decimal mark of the sheet's language (`hint`: ',' or '.')."""
    evidence = _Evidence(Counter(), {})
    for text, row, count in texts:
        side = readings(text).proves
        if side is not None:
            evidence.add(side, normalised(text), row, count)
    spoken = f" ({language})" if language else ""
    hint_why = (f"no cell of this column shows its decimal mark; the sheet's language{spoken} writes "
                f"{MARK_NAMES[hint]}s" if hint in MARK_NAMES else None)
    decimal, why = _side(evidence, {POINT: "decimal points", COMMA: "decimal commas"},
                         hint if hint in MARK_NAMES else None, hint_why, DEFAULT_DECIMAL,
                         "no cell of this column shows its decimal mark and the sheet's language does not say: "
                         "the English default, a decimal point")
    return NumberConvention(decimal, why)


def infer_dates(texts: Iterable[tuple[str, int, int]], language: str | None = None,
                day_first: bool | None = None) -> DateOrder:
    """The order of day and month of a column from its distinct texts ((text, first row, how many cells))
    and the sheet's language (`day_first`: whether it writes dates day first, its language file's
    date_order; None where it does not say)."""
    evidence = _Evidence(Counter(), {})
    for text, row, count in texts:
        side = date_proves(text)
        if side is not None:
            evidence.add(side, normalised(text), row, count)
    hint = day_first if language else None
    hint_why = (f"no date of this column shows its order; the sheet's language ({language}) writes "
                f"{'day' if hint else 'month'} first" if hint is not None else None)
    day_first, why = _side(evidence, {True: "the day first", False: "the month first"}, hint, hint_why, True,
                           "no date of this column shows its order and the sheet's language does not say: "
                           "read day first")
    return DateOrder(day_first, why)


Convention = NumberConvention | DateOrder


def infer_column(kind: str, texts: Iterable[tuple[str, int, int]], hint: str | None, language: str | None,
                 day_first: bool | None = None) -> Convention | None:
    """The convention of a column of `kind` from its distinct texts (None for kinds that have none), given
    the decimal mark (`hint`) and date order (`day_first`) of the sheet's language."""
    if kind in NUMBER_KINDS:
        return infer_numbers(texts, hint, language)
    if kind in DATE_KINDS:
        return infer_dates(texts, language, day_first)
    return None


def infer_conventions(sheet: spec.Sheet, columns: dict[str, int], rows: list[tuple[int, list[Any]]],
                      hint: str | None, language: str | None, day_first: bool | None = None
                      ) -> dict[str, Convention]:
    """The convention of every number and date column of a sheet, from all its rows (the per-cell lane)."""
    found = {}
    for column in sheet.columns:
        position = columns.get(column.key)
        if position is None or column.kind not in NUMBER_KINDS | DATE_KINDS:
            continue
        cells = ((cells[position], number) for number, cells in rows if position < len(cells))
        found[column.key] = infer_column(column.kind, distinct_texts(cells), hint, language, day_first)
    return found
