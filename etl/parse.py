"""Cell value parsers: one raw workbook value in, one typed value out, or a ValueProblem.

A parser never raises anything else: whatever a country office typed, the validator gets either a
value or a problem it can report with the cell's location.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import partial
from typing import Any, Callable, Iterable

from . import spec
from .conventions import (
    COMMA,
    CURRENCY_SIGNS,
    POINT,
    DateOrder,
    NumberConvention,
    currency_code,
    date_readings,
    ends_with_sign,
    read_core,
    sign_currency,
    split_number,
    starts_with_sign,
)
from .errors import ValueProblem, quoted
from .formatted import (CurrencyInScale, CurrencyShown, DecimalsShown, MonthShown, PercentFormatted, ScaledShown,
                        SuffixShown)
from .languages import ENGLISH, fold
from .ooxml import SUFFIXES
from .programme import SDG_TARGET
from .reference import Reference

EXCEL_EPOCH = dt.date(1899, 12, 30)
MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.casefold(): number for number, name in enumerate(calendar.month_name) if name})
CENT = Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 16  # DECIMAL(18,2) holds 16 digits before the point


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# Characters that show nothing and mean nothing in a cell (a zero-width space, a word joiner, a byte-order mark, a
# soft hyphen), pasted in from the web or a PDF: '1.1' followed by one is indicator 1.1. The zero-width joiners
# of some scripts (Persian, emoji) are kept.
INVISIBLE = "\u200b\u2060\ufeff\u00ad"
_DROP_INVISIBLE = str.maketrans("", "", INVISIBLE)


def clean_text(value: Any) -> str:
    if isinstance(value, PercentFormatted):
        return value.shown  # as Excel shows it: '75%'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).translate(_DROP_INVISIBLE).split())


def parse_text(value: Any) -> str:
    """Text as written; a number under a fixed-decimals format ('0.00') as Excel shows it: a code typed as a
    number, '1.10', is not indicator 1.1."""
    return value.shown if isinstance(value, DecimalsShown) else clean_text(value)


# Error values Excel shows in a cell whose formula failed, and what each means.
EXCEL_ERRORS = {
    "#DIV/0!": "a division by zero", "#N/A": "a value not available to the formula",
    "#VALUE!": "a formula given the wrong type of value", "#REF!": "a reference to a deleted cell",
    "#NAME?": "an unknown name in the formula", "#NUM!": "an impossible number", "#NULL!": "an empty range",
    "#SPILL!": "a result that could not spill", "#CALC!": "a calculation error",
    "#GETTING_DATA": "a value still being fetched",
}
NUMBER_EXPECTED = "a number"
PERCENT_REFUSED = "a number without a percent sign (a percent sign belongs to percentages and indicator values)"


class ConventionProblem(ValueProblem):
    """A value impossible under its column's convention (etl/conventions.py): '1,234.5' in a column that
    writes decimal commas. Never kept as text in an indicator table: rejected."""


def excel_error(value: Any) -> str | None:
    """The Excel error (#DIV/0!, #N/A, ...) a cell holds, or None."""
    if isinstance(value, str):
        text = value.strip().upper()
        if text in EXCEL_ERRORS:
            return text
    return None


def excel_error_problem(value: Any, error: str) -> ValueProblem:
    return ValueProblem(value, f"a number, not the Excel error {error} ({EXCEL_ERRORS[error]} in the cell's "
                               "formula: fix the formula or type the value)")


def currency_in_text(value: Any) -> str | None:
    """The currency a number typed as text names ('$12,500' -> USD, '1,000 EUR' -> EUR), or None (a number whose
    format names one: FormatCurrencies)."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    for sign, code in CURRENCY_SIGNS.items():
        if starts_with_sign(text, sign) or starts_with_sign(text, "-" + sign) or ends_with_sign(text, sign):
            return code
    return currency_code(text)


def known_currencies(reference: Reference) -> set[str]:
    """The codes that are surely currencies: those with an exchange rate, and those a sign stands for ('£': GBP);
    three capitals otherwise ('PCS', 'CSO') may be anything."""
    return reference.currencies | set(CURRENCY_SIGNS.values())


def explicit_currency(value: Any) -> str | None:
    """The currency a number typed as text names (`currency_in_text`), but none for a bare '$', which may be any
    dollar ('$450,000' under a unit in Jamaican dollars)."""
    code = currency_in_text(value)
    if code == "USD" and isinstance(value, str) and not re.search(r"(?i)US\$|USD", value):
        return None
    return code


SCALED_SIGN = re.compile(r"(?i)(k|m|mn|mln|bn)(\S+)")  # a scale letter before a currency sign or code


@dataclass(frozen=True)
class FormatReading:
    """What a number format shows beside a number says (FormatCurrencies.read)."""

    code: str | None  # the currency, where it shows one that is told
    sign: str  # what shows it ('€', 'сом', 'R$'), or the sign of a currency not told; '' for none
    power: int  # the power of ten a scale word beside it says ('тыс.', 'mii', 'K': 3); 0 for none
    untold: bool  # a currency surely shown (in a [$...] bracket, a currency sign: 'CA$', '¥'; or two) but not told
    weak: bool = False  # a dollar ('[$$-2009]', '"dollars"') or a locale's currency: fills an empty Currency cell,
    # never refuses one that names another (a template's format left over, a Romanian 'lei' format in Moldova)


class FormatCurrencies:
    """What the signs and words a number's format shows beside it (etl/formatted.py, CurrencyShown) say, the one
    place it is told. A currency: a sign that stands for one ('€', 'US$', '৳', 'DH'), a code with a rate or a
    sign ('KGS'; three capitals otherwise only in a [$...] bracket, which is Excel's way of writing a currency:
    'PCS' may be anything), a currency's name in any language ('сом', 'lei'), a code or sign after a scale letter
    ('kEUR', 'K€'); else the currency of its bracket's locale ('[$R$-416]': Brazil's, BRL; '[$lei-418]':
    Romania's, RON; '[$$-2009]': Jamaica's, JMD). A locale's currency is `weak`; a name several currencies share
    ('dollars', 'dinars': etl/languages.py), as a bare '$', is a currency not told, and so are two currencies. A
    scale: a scale word of any language ('тыс.', 'mii', 'thousand': after a number, those a title says beside a
    currency only too) or a format's sign for thousands or millions (etl/ooxml.py SUFFIXES: 'K', 'M', 'bn')."""

    def __init__(self, reference: Reference):
        self.known = known_currencies(reference)
        self.names = {word: code for word, code in reference.currency_names.items() if isinstance(code, str)}
        self.shared = {word: codes for word, codes in reference.currency_names.items() if isinstance(codes, tuple)}
        self.locales = reference.locale_currencies
        self.scales = {**SUFFIXES, **reference.scale_words.beside, **reference.scale_words}  # after a number
        self.read_before: dict[str, FormatReading] = {}  # what a format shows -> what it says

    def read(self, value: CurrencyShown) -> FormatReading:
        known = self.read_before.get(value.shown)
        if known is None:
            known = self.read_before[value.shown] = self._read(value)
        return known

    def _read(self, value: CurrencyShown) -> FormatReading:
        strong: dict[str, str] = {}  # code -> the sign that says it
        weak: dict[str, str] = {}
        power, untold = 0, None
        shared: list[tuple[str, tuple[str, ...]]] = []  # 'dollars' and the codes it may be
        for index, sign in enumerate(self._names_joined(value.signs, value.bracketed)):
            in_bracket = value.bracketed and index == 0
            code, is_weak, scale = self._code(sign, in_bracket)
            locale = self.locales.get(value.locale.upper().lstrip("0")) if in_bracket else None
            if locale and locale != code and (code is None or sign not in CURRENCY_SIGNS
                                              and not re.fullmatch(r"[A-Z]{3}", sign)):
                code, is_weak = locale, True  # the locale says whose 'lei' is (418: Romania's, RON)
            scale = scale or (0 if code else _word(self.scales, sign) or 0)
            power = power or scale
            if code:
                (weak if is_weak else strong).setdefault(code, sign)
            elif not scale and (may_be := _word(self.shared, sign)):
                shared.append((sign, may_be))
            elif not scale and (in_bracket or any(_is_currency_sign(char) for char in sign)):
                untold = untold or sign
        told = strong or weak
        for sign, may_be in shared:  # 'dollars' says which only beside one it may be: '[$USD] "dollars"'
            if len(told) != 1 or next(iter(told)) not in may_be:
                untold = untold or sign
        if len(told) == 1 and untold is None:
            code, sign = next(iter(told.items()))
            return FormatReading(code, sign, power, False, not strong)
        if told:  # '"USD" "EUR"', or a currency told beside one not: which?
            return FormatReading(None, " ".join([*told.values(), *([untold] if untold else [])]), power, True)
        return FormatReading(None, untold or "", power, untold is not None)

    def _names_joined(self, signs: tuple[str, ...], bracketed: bool) -> list[str]:
        """`signs` with the words of a currency's name of two or three words as one ('US dollars', 'долл. США',
        'dinars serbes'), the bracket's sign (the first, where `bracketed`) on its own."""
        joined, index = list(signs[:1] if bracketed else []), 1 if bracketed else 0
        while index < len(signs):
            size = next((size for size in (3, 2) if index + size <= len(signs)
                         and _word(self.names, " ".join(signs[index:index + size]))), 1)
            joined.append(" ".join(signs[index:index + size]))
            index += size
        return joined

    def _code(self, sign: str, in_bracket: bool) -> tuple[str | None, bool, int]:
        """The currency a sign says, whether weakly, and the scale a letter before it says ('kEUR', 'kMAD': 3;
        'M$': millions of any dollar)."""
        code, weak = self._currency(sign, in_bracket)
        if code:
            return code, weak, 0
        scaled = SCALED_SIGN.fullmatch(sign)
        if scaled and (scaled.group(2) == "$" or not scaled.group(2).islower()):
            code, weak = self._currency(scaled.group(2), False)
            if code or scaled.group(2) == "$":
                return code, weak, SUFFIXES[scaled.group(1).lower()]
        return None, False, 0

    def _currency(self, sign: str, in_bracket: bool) -> tuple[str | None, bool]:
        """The currency a sign says, and whether weakly. A bare '$' says none: it may be any dollar (a bracket's
        locale may tell which); nor does a name several currencies share ('dollars', 'dinars')."""
        if sign == "$":
            return None, False
        if sign in CURRENCY_SIGNS:
            return CURRENCY_SIGNS[sign], False
        if re.fullmatch(r"[A-Z]{3}", sign) and (sign in self.known or in_bracket):
            return sign, False
        return _word(self.names, sign), False

    def in_scale(self, value: Any) -> Any:
        """A number whose format shows a scale word beside it ('150 тыс.') as one read in that scale
        (CurrencyInScale), as one followed by 'K' is; any other value as it is: one whose format's commas scale it
        ('#,##0," тыс."') is the whole amount, the word saying what the commas do."""
        if not isinstance(value, CurrencyShown) or isinstance(value, (SuffixShown, ScaledShown)):
            return value
        power = self.read(value).power
        return CurrencyInScale(value, power) if power else value

    def named(self, text: str) -> str:
        """A currency as a Currency cell may write it: its code, or its name in any language ('сом': KGS)."""
        return self.names.get(fold(text), text)


def _word(words: dict[str, Any], sign: str) -> Any:
    """What a folded word table says of a sign, with its trailing dot or without ('руб.', 'тыс.')."""
    return words.get(fold(sign)) or words.get(fold(sign.rstrip(".")))


def _is_currency_sign(char: str) -> bool:
    return unicodedata.category(char) == "Sc"


def _number_from_text(value: Any, convention: NumberConvention | None, percent: bool) -> float:
    """A number from text typed by a person: 14,100 · $15,200,000 · (300) · -15% · 1'000 · USD 2 500, and with
    a decimal comma where the column's convention says so: 0,45 · 1.234,56 · 1 234,5 (etl/conventions.py).
    Without a convention, a point is the decimal mark (12,5 is refused, never read as 125)."""
    parts = split_number(clean_text(value))
    decimal = convention.decimal if convention else POINT
    digits = read_core(parts.core, decimal)
    if digits is None:
        if convention is not None and read_core(parts.core, COMMA if decimal == POINT else POINT) is not None:
            raise ConventionProblem(value, f"a number written with a {convention.name} ({convention.why})")
        raise ValueProblem(value, NUMBER_EXPECTED)
    if parts.percent and not percent:
        raise ValueProblem(value, PERCENT_REFUSED)
    number = float(parts.sign + digits)
    return -number if parts.negative else number


def parse_number(value: Any, convention: NumberConvention | None = None, percent: bool = True) -> float:
    """A number: a cell Excel stores as one, or text (`convention`: the column's decimal mark; `percent`:
    whether a percent sign may follow it). A number in a cell formatted as a percentage (0.75 shown as 75%) is
    read as the text it shows is: 75 where a percent sign may follow a number, refused where not."""
    if isinstance(value, bool):
        raise ValueProblem(value, NUMBER_EXPECTED)
    if isinstance(value, PercentFormatted):
        if not percent:
            raise ValueProblem(value, PERCENT_REFUSED)
        number = value.as_shown
    elif isinstance(value, (int, float)):
        number = float(value)
    else:
        error = excel_error(value)
        if error:
            raise excel_error_problem(value, error)
        number = _number_from_text(value, convention, percent)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueProblem(value, "a finite number")
    return number


@dataclass(frozen=True)
class Reported:
    """A value of an indicator table: a number, or None with the text that stood in its place."""

    number: float | None
    note: str | None  # the text as typed, when it was not a plain number
    how: str  # 'number', 'number with a note', 'no value' (a marker) or 'text'


def reported_number_parser(reference: Reference, language: str | None = None,
                           convention: NumberConvention | None = None) -> Callable[[Any], Reported]:
    """Numbers as others report them. Excel errors and numbers impossible under the column's convention
    are problems; anything else is kept. `language` adds its 'no value' words."""

    def parse_reported_number(value: Any) -> Reported:
        error = excel_error(value)
        if error:
            raise excel_error_problem(value, error)
        if reference.no_value_meaning(value, language):
            return Reported(None, clean_text(value), "no value")
        try:
            return Reported(parse_number(value, convention), None, "number")
        except ConventionProblem:
            raise
        except ValueProblem:
            pass
        text = clean_text(value)
        qualified = re.fullmatch(r"(.*?\d%?)\s*\(([^()]*)\)", text)  # 25.43 (Q13-Q16)
        if qualified:
            try:
                return Reported(parse_number(qualified.group(1), convention), text, "number with a note")
            except ValueProblem:
                pass
        return Reported(None, text, "text")

    return parse_reported_number


def parse_money(value: Any, convention: NumberConvention | None = None) -> Decimal:
    number = parse_number(value, convention, percent=False)
    if number < 0:
        raise ValueProblem(value, "an amount of zero or more (money is never negative)")
    try:
        amount = Decimal(repr(number)).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        amount = MONEY_LIMIT
    if amount >= MONEY_LIMIT:  # the database keeps money as DECIMAL(18,2)
        raise ValueProblem(value, "an amount below 10^16")
    return amount


def parse_percent(value: Any, convention: NumberConvention | None = None) -> float:
    text = clean_text(value) if isinstance(value, str) else value
    if isinstance(text, str) and text.endswith("%"):
        text = text[:-1]
    number = parse_number(text, convention)
    if not 0 <= number <= 100:
        raise ValueProblem(value, "a percentage from 0 to 100")
    return number


EARLIEST_YEAR = 2000  # a year (a baseline's, say) before this is a typing error


def year_parser(reference: Reference) -> Callable[[Any], int]:
    """A calendar year from EARLIEST_YEAR to the year of the programme's latest date."""
    last = reference.latest_date.year

    def parse_year(value: Any) -> int:
        number = _whole_number(value, "a year such as 2013")
        if not EARLIEST_YEAR <= number <= last:
            raise ValueProblem(value, f"a year from {EARLIEST_YEAR} to {last}")
        return number

    return parse_year


def programme_year_parser(reference: Reference) -> Callable[[Any], int]:
    """A programme year with reporting periods: the year it starts in, or (for a phase whose programme years
    do not start in January) its label, 2014/15."""
    programme = reference.programme
    years = set(programme.programme_years)
    first, last = min(years), max(years)
    feb_like = [phase for phase in programme.phases if phase.year_start_month != 1]
    notes = "; ".join((f"{phase.name}: " if len(programme.phases) > 1 else "")
                      + f"{phase.first_year} or {phase.year_label(phase.first_year)} = "
                        f"{phase.year_start(phase.first_year):%b %Y} - {phase.year_end(phase.first_year):%b %Y}"
                      for phase in feb_like)
    expected = f"a programme year from {first} to {last} ({notes})" if notes else f"a year from {first} to {last}"

    def parse_programme_year(value: Any) -> int:
        label = None
        if isinstance(value, str):
            match = re.fullmatch(r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})", value.strip())
            if match:
                label, second = int(match.group(1)), int(match.group(2)[-2:])
                if (label + 1) % 100 != second:
                    raise ValueProblem(value, expected)
                value = label
        number = _whole_number(value, expected)
        if number not in years or (label is not None and programme.phase_of_year(number).year_start_month == 1):
            raise ValueProblem(value, expected)
        return number

    return parse_programme_year


WHOLE_NUMBER_LIMIT = 2 ** 31  # the database keeps them as INTEGER


def parse_whole_number(value: Any, convention: NumberConvention | None = None) -> int:
    number = _whole_number(value.strip().rstrip(".") if isinstance(value, str) else value, "a whole number",
                           convention)
    if number < 0:
        raise ValueProblem(value, "a whole number of zero or more")
    if number >= WHOLE_NUMBER_LIMIT:
        raise ValueProblem(value, f"a whole number below {WHOLE_NUMBER_LIMIT:,}")
    return number


def _whole_number(value: Any, expected: str, convention: NumberConvention | None = None) -> int:
    try:
        number = parse_number(value, convention, percent=False)
    except ConventionProblem as problem:
        raise ConventionProblem(value, f"{expected}, {problem.expected}") from None
    except ValueProblem:
        raise ValueProblem(value, expected) from None
    if not number.is_integer():
        raise ValueProblem(value, expected)
    return int(number)


def in_range(parse: Callable[[Any], dt.date], reference: Reference) -> Callable[[Any], dt.date]:
    """`parse`, refusing a date outside the programme's window (programme.toml: from [calendar]
    earliest_date to a year after the last phase ends): such a date is a typing error."""
    earliest, latest = reference.earliest_date, reference.latest_date

    def parse_in_range(value: Any) -> dt.date:
        day = parse(value)
        if not earliest <= day <= latest:
            raise ValueProblem(value, f"a date from {earliest:%d %b %Y} to {latest:%d %b %Y}")
        return day

    return parse_in_range


def _to_date(value: Any, order: DateOrder | None = None, months: dict[str, int] | None = None) -> dt.date | None:
    """A date from a real date, an Excel serial number or text; None if not a date. A date written 03/04/2015
    is read in the column's `order` (etl/conventions.py); without one, day first unless only month first
    makes it a date (06/30/2014). `months`: the month names of the sheet's language (folded, etl/languages.py),
    for a date written with one ('30 juin 2014', '1er mars 2015', '30 de junio de 2014')."""
    if isinstance(value, MonthShown):
        return None  # a month, as Excel shows it: read as the text is (_month_span)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (bool, PercentFormatted)):
        return None  # a serial shown as a percentage (41800 as 4180000%) is no date to the person who typed it
    if isinstance(value, (int, float)):
        if 1 <= value < 2958466 and float(value).is_integer():
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    text = clean_text(value)
    if text.endswith("T00:00:00"):
        text = text[:-9]
    numeric = date_readings(text)
    if numeric is not None:
        day_first, month_first = numeric
        if order is None:
            return day_first or month_first
        chosen, other = (day_first, month_first) if order.day_first else (month_first, day_first)
        if chosen is None and other is not None:
            raise ConventionProblem(value, f"a date written {order.name} ({order.why})")
        return chosen
    for pattern in ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d",
                    "%d-%b-%Y", "%d-%B-%Y", "%b %d, %Y", "%B %d, %Y", "%d %b. %Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    match = LANGUAGE_DATE.fullmatch(fold(text)) if months else None
    if match and match.group(2) in months:
        try:
            return dt.date(int(match.group(3)), months[match.group(2)], int(match.group(1)))
        except ValueError:
            return None
    return None


# A date or a month written with a language's month name, folded: '30 juin 2014', '1er mars 2015',
# '30 de junio de 2014'; 'juin 2014', 'marzo de 2015'.
LANGUAGE_DATE = re.compile(r"(\d{1,2})(?:er|e|o|º)?\.?\s+(?:de\s+)?([^\W\d_]+)\.?,?\s+(?:de\s+)?(\d{4})")
LANGUAGE_MONTH = re.compile(r"([^\W\d_]+)\.?[\s-]*(?:de\s+)?(\d{4})")


DATE_EXPECTED = "a date (2014-06-30, 30/06/2014 or an Excel date)"


def parse_date(value: Any, order: DateOrder | None = None, months: dict[str, int] | None = None) -> dt.date:
    """A date; a month or quarter given as text (Jun 2014, Q2 2014; 'juin 2014' with the sheet's language's
    `months`) is read as its last day."""
    day = _to_date(value, order, months)
    if day is None:
        span = _month_span(value, months) if isinstance(value, (str, MonthShown)) else None
        if span is None:
            raise ValueProblem(value, DATE_EXPECTED)
        day = span[1]
    return day


def _month_span(value: Any, months: dict[str, int] | None = None) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of a month or quarter written as text: 2014-06, Jun 2014, Q2 2014; with
    `months` (a language's month names, folded), also 'juin 2014', 'marzo de 2015'; or of a date shown as its
    month (MonthShown: 'Jun 2015' typed in Excel)."""
    if isinstance(value, MonthShown):
        return _months(value.year, value.month, value.month)
    text = clean_text(value).casefold()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        return _months(year, month, month)
    match = re.fullmatch(r"([a-z]+)\.?[\s-]*(\d{4})", text)
    if match and match.group(1) in MONTHS:
        month = MONTHS[match.group(1)]
        return _months(int(match.group(2)), month, month)
    match = re.fullmatch(r"q([1-4])[\s/-]*(\d{4})", text) or re.fullmatch(r"(\d{4})[\s/-]*q([1-4])", text)
    if match:
        quarter, year = (int(match.group(1)), int(match.group(2))) if text.startswith("q") else (
            int(match.group(2)), int(match.group(1)))
        return _months(year, 3 * quarter - 2, 3 * quarter)
    match = LANGUAGE_MONTH.fullmatch(fold(text)) if months else None
    if match and match.group(1) in months:
        month = months[match.group(1)]
        return _months(int(match.group(2)), month, month)
    return None


def _months(year: int, first_month: int, last_month: int) -> tuple[dt.date, dt.date] | None:
    if not 1 <= first_month <= last_month <= 12 or not 1900 <= year <= 9999:
        return None
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


MONTH_EXPECTED = "a date, a month (2014-06, Jun 2014) or a quarter (Q2 2014)"


def _month_bound(value: Any, end: bool, order: DateOrder | None = None, months: dict[str, int] | None = None
                 ) -> dt.date:
    """A date as given, or the first (or last) day of the month or quarter written (or shown: MonthShown)."""
    day = _to_date(value, order, months)
    if day is None:
        span = _month_span(value, months)
        if span is None:
            raise ValueProblem(value, MONTH_EXPECTED)
        day = span[1] if end else span[0]
    return day


def parse_month_start(value: Any, order: DateOrder | None = None, months: dict[str, int] | None = None) -> dt.date:
    return _month_bound(value, end=False, order=order, months=months)


def parse_month_end(value: Any, order: DateOrder | None = None, months: dict[str, int] | None = None) -> dt.date:
    return _month_bound(value, end=True, order=order, months=months)


def lookup_parser(lookup: dict[str, str], expected: str, words: dict[str, str] | None = None
                  ) -> Callable[[Any], str]:
    """A value found in `lookup` (its keys casefolded), or in `words` (a language's, keys folded: accents
    ignored, etl/languages.py), else ValueProblem with `expected`."""
    words = words or {}

    def parse_lookup(value: Any) -> str:
        text = clean_text(value)
        found = lookup.get(text.casefold())
        if found is None:
            found = words.get(fold(text))
        if found is None:
            raise ValueProblem(value, expected)
        return found

    return parse_lookup


def choice_parser(choices: tuple[str, ...], words: dict[str, str] | None = None) -> Callable[[Any], str]:
    """One of `choices`, or a word of the sheet's language for one (`words`: 'En curso' -> 'ongoing')."""
    return lookup_parser({choice.casefold(): choice for choice in choices}, "one of " + ", ".join(choices), words)


def agency_parser(reference: Reference, language: str | None = None) -> Callable[[Any], str]:
    """An agency of the programme (programme.toml, [[agencies]]) by its code or its name, or by its name in
    the sheet's language (PNUD, ПРООН) where that names an agency of the programme."""
    agencies = reference.programme.agencies
    codes = {agency.code for agency in agencies}
    words = {word: code for vocabulary in reference.vocabularies(language)
             for word, code in vocabulary.agencies.items() if code in codes}
    return lookup_parser({name.casefold(): agency.code for agency in agencies for name in (agency.code, agency.name)},
                         "one of " + ", ".join(agency.code for agency in agencies), words)


SDG_TARGETS_EXPECTED = "SDG target codes like 10.7 or 10.c, separated by ';'"


def parse_sdg_targets(value: Any) -> str:
    """SDG target codes ('10.7; 17.18', also with commas or spaces between them), each checked, kept once and
    in the order given, joined by '; '. A number is refused: 17.1 and 17.10 are the same number."""
    if not isinstance(value, str):
        raise ValueProblem(value, SDG_TARGETS_EXPECTED + ", written as text (a number cannot tell 17.1 from 17.10)")
    codes = [code for code in re.split(r"[;,\s]+", clean_text(value)) if code]
    if not codes or not all(SDG_TARGET.fullmatch(code) for code in codes):
        raise ValueProblem(value, SDG_TARGETS_EXPECTED)
    return "; ".join(dict.fromkeys(codes))


def dimension_parser(reference: Reference) -> Callable[[Any], str]:
    """A dimension of the programme (programme.toml [[dimensions]]) by its code or its name."""
    dimensions = reference.programme.dimensions
    return lookup_parser({name.casefold(): d.code for d in dimensions for name in (d.code, d.name)},
                         "one of " + ", ".join(d.code for d in dimensions) if dimensions
                         else "no value: the programme file names no [[dimensions]]")


def category_parser(reference: Reference) -> Callable[[Any], str]:
    """A category of one of the programme's dimensions, spelled as the programme file spells it."""
    dimensions = reference.programme.dimensions
    return choice_parser(tuple(dict.fromkeys(c for d in dimensions for c in d.categories)) or ("(none)",))


def phase_parser(reference: Reference) -> Callable[[Any], str]:
    """The phases a recommendation may be addressed to (programme.toml, [recommendations] phases)."""
    return choice_parser(reference.programme.recommendation_phases)


def country_parser(reference: Reference, language: str | None = None) -> Callable[[Any], str]:
    """A programme country by its code or a name (countries.csv, or the sheet's language: 'Maroc'), or GLOBAL."""
    expected = "a programme country (" + ", ".join(sorted(reference.countries)) + ") or GLOBAL"
    names = {word: code for vocabulary in reference.vocabularies(language) for word, code in vocabulary.countries.items()}

    def parse_country(value: Any) -> str:
        text = clean_text(value)
        # as written, else without accents: every language's country names are in the lookups, folded
        found = reference.country_lookup.get(text.casefold()) or reference.country_lookup.get(fold(text))
        named = names.get(fold(text))
        if found is None and named in reference.countries:
            found = named
        if found is None:
            other = (reference.world_lookup.get(text.casefold()) or reference.world_lookup.get(fold(text))
                     or (named if named in reference.world_names else None))
            if other is not None:
                raise ValueProblem(value, f"{expected}: '{reference.world_names[other]}' is not a country of this "
                                          f"programme; add it under [[countries]] in "
                                          f"{reference.programme.source}")
            raise ValueProblem(value, expected)
        return found

    return parse_country


def output_parser(reference: Reference, language: str | None = None) -> Callable[[Any], str]:
    expected = "an output number: " + ", ".join(f"Output {code}" for code in reference.outputs)
    # the words of the sheet's language for an output ('Produit 1', 'Продукт 1'), folded as the text is
    words = "".join(f"|{re.escape(word.rstrip('.'))}" for vocabulary in reference.vocabularies(language)
                    for word in sorted(vocabulary.output_words, key=len, reverse=True))
    label = re.compile(rf"(?is)(?:output|out|o{words})?\s*\.?\s*(\d+)(?:\s*[:)\u2013\u2014-]\s*\S.*|\s+[^\d.\s].*)?")
    # a second output after the first ('Output 1 and 2', 'Output 1-2', '1 & 3 shared', 'Output 3 / Output 4',
    # 'Produit 1 et 2'): two outputs, not the first; but 'Output 1 - 25 officials trained', 'Output 2 in 2016'
    # name one
    # A sign (& + / , ;) joins two outputs whatever follows; a dash or a short word ('and', 'et') only where the
    # output word follows it or the number ends the label: 'Output 1 - 25 officials' counts officials
    ends = r"\s*(?:$|[-\u2013\u2014&+/,;:)(])"
    second = re.compile(rf"(?is)\s*\d+\s*(?:[&+/,;]\s*(?:output|out|o{words})?\s*\.?\s*(\d+)(?![\d.])"
                        rf"|(?:[-\u2013\u2014]|\w{{1,3}})\s*(?:(?:output|out|o{words})\s*\.?\s*(\d+)(?![\d.])"
                        rf"|(\d+){ends}))")

    def parse_output(value: Any) -> str:
        text = fold(clean_text(value))
        # 'Output 1', '1', 'O1', and 'Output 1: Key migration ... stakeholders engaged' (a work plan's
        # 'Expected outputs' cell); never '1.1', which is an activity or indicator code.
        match = label.fullmatch(text)
        if not match or str(int(match.group(1))) not in reference.outputs:
            raise ValueProblem(value, expected)
        other = second.match(text, match.start(1))
        number = next((group for group in other.groups() if group), None) if other else None
        if number and str(int(number)) in reference.outputs:
            raise ValueProblem(value, "one output: this names two; give each output its own row (split the amount "
                                      "between them)")
        return str(int(match.group(1)))

    return parse_output


def period_parser(reference: Reference) -> Callable[[Any], str]:
    """A reporting period of the programme (etl/programme.py, Programme.periods), written as its label or
    with other separators: '2014/15 H1', '2014-2015 H1', 'H1 2014/15'; '2019 Q3', 'Q3-2019'; '2020'."""
    periods = list(reference.periods.values())
    programme = reference.programme
    rhythm = programme.words["rhythm"]
    examples = " or ".join(f"{p.label} ({p.start:%b}-{p.end:%b})" for p in periods[:2])
    expected = f"a reporting {rhythm} such as {examples}"
    year = r"(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?"
    part = r"([HQ])\s*([1-4])"
    forward, backward, alone = (re.compile(year + r"\s*-?\s*" + part), re.compile(part + r"\s*-?\s*" + year),
                                re.compile(year))
    # each period by (first year, the second year's last two digits or None, H/Q or None, its number or None)
    index = {}
    for period in periods:
        match = forward.fullmatch(period.label) or alone.fullmatch(period.label)
        first, second, *rest = match.groups()
        index[(int(first), None if second is None else int(second[-2:]), *rest)] = period.label

    def parse_period(value: Any) -> str:
        text = clean_text(value).upper()
        letter = number = None
        if (match := forward.fullmatch(text)):
            first, second, letter, number = match.groups()
        elif (match := backward.fullmatch(text)):
            letter, number, first, second = match.groups()
        elif (match := alone.fullmatch(text)):
            first, second = match.groups()
        else:
            raise ValueProblem(value, expected)
        label = index.get((int(first), None if second is None else int(second[-2:]), letter, number))
        if label is None:
            raise ValueProblem(value, expected)
        return label

    return parse_period


def shared_name_expected(written: str, codes: Iterable[str]) -> str:
    """What a problem expects of a currency's name or sign several currencies share ('dollars', '$')."""
    return f"the currency's code: {quoted(written)} is the name of more than one ({', '.join(codes)})"


def currency_parser(reference: Reference) -> Callable[[Any], str]:
    """An ISO 4217 code with a rate, a currency's name in any language file, whatever the sheet's (сом, dirham,
    lei: one meaning each, as a title's 'Currency: сом' is read) or its sign ('€', 'US$', 'J$', 'DH':
    CURRENCY_SIGNS); a name or sign several currencies share ('dollars', 'dinars', '$') is refused, naming them:
    which it is, the cell must say."""
    allowed = reference.currencies  # a property that scans the rate table: computed once, not per cell
    expected = "a currency with a shipped exchange rate: " + ", ".join(sorted(allowed))
    names = {word: code for word, code in reference.currency_names.items() if isinstance(code, str)}
    shared = {word: codes for word, codes in reference.currency_names.items() if isinstance(codes, tuple)}

    def parse_currency(value: Any) -> str:
        code = clean_text(value).upper()
        if fold(code) in shared:
            raise ValueProblem(value, shared_name_expected(clean_text(value), shared[fold(code)]))
        code = names.get(fold(code)) or sign_currency(clean_text(value)) or code
        if code not in allowed:
            raise ValueProblem(value, expected)
        return code

    return parse_currency


def number_parser(reference: Reference, language: str | None = None,
                  convention: NumberConvention | None = None) -> Callable[[Any], float]:
    """Numbers of the programme's own template: a 'no value' marker is named in the problem, because the
    template asks for an empty cell (and a reason in Comment) where there is no value."""

    def parse_template_number(value: Any) -> float:
        try:
            return parse_number(value, convention)
        except ValueProblem:
            meaning = reference.no_value_meaning(value, language)
            if meaning:
                raise ValueProblem(value, f"a number: {quoted(clean_text(value))} means {meaning}, so leave the cell "
                                          "empty and give the reason in Comment") from None
            raise

    return parse_template_number


def parser_for(column: spec.Column, reference: Reference, language: str | None = None,
               convention: NumberConvention | DateOrder | None = None) -> Callable[[Any], Any]:
    """The parser that turns a raw cell of `column` into its typed value; `language` (a sheet's, RawSheet.language)
    adds its words to English's for agencies, choices and statuses, outputs, currencies and 'no value';
    `convention` is how the column writes its numbers or dates (etl/conventions.py, inferred per column), None
    for the defaults."""
    simple = {
        spec.TEXT: parse_text, spec.NUMBER: parse_number, spec.MONEY: parse_money,
        spec.PERCENT: parse_percent, spec.WHOLE_NUMBER: parse_whole_number, spec.SDG_TARGETS: parse_sdg_targets,
    }
    dates = {spec.DATE: parse_date, spec.MONTH_START: parse_month_start, spec.MONTH_END: parse_month_end}
    if column.kind in dates:
        # the month names of the sheet's language ('30 juin 2014', 'marzo 2015'); English's are built in
        months = {word: number for vocabulary in reference.vocabularies(language) if vocabulary.code != ENGLISH
                  for word, number in vocabulary.months.items()} if language else {}
        given = {"order": convention} if convention else {}
        given.update({"months": months} if months else {})
        return in_range(partial(dates[column.kind], **given) if given else dates[column.kind], reference)
    if column.kind == spec.NUMBER:
        return number_parser(reference, language, convention)
    if column.kind == spec.REPORTED_NUMBER:
        return reported_number_parser(reference, language, convention)
    if column.kind in (spec.MONEY, spec.PERCENT, spec.WHOLE_NUMBER) and convention is not None:
        return partial(simple[column.kind], convention=convention)
    if column.kind in simple:
        return simple[column.kind]
    if column.kind == spec.CHOICE:
        return choice_parser(column.choices, {word: choice for vocabulary in reference.vocabularies(language)
                                              for word, choice in vocabulary.choice_words(column).items()})
    in_language = {spec.OUTPUT: output_parser, spec.AGENCY: agency_parser, spec.COUNTRY: country_parser}
    if column.kind in in_language:
        return in_language[column.kind](reference, language)
    factories = {spec.CURRENCY: currency_parser, spec.PERIOD: period_parser,
                 spec.YEAR: year_parser, spec.PROGRAMME_YEAR: programme_year_parser,
                 spec.PHASE: phase_parser, spec.DIMENSION: dimension_parser, spec.CATEGORY: category_parser}
    return factories[column.kind](reference)
