"""A number Excel shows otherwise than it stores it: a cell formatted as a percentage, a date shown as its month
(MonthShown, below), a number shown in thousands or millions (ScaledShown), followed by a sign for them
(SuffixShown), not shown (NotShown), or with a fixed number of decimals (DecimalsShown). A person who types 75% in
Excel stores 0.75 with the format '0%', and sees 75%. The readers (etl/xlsx_rows.py, and etl/cells.py through it)
give such a cell as a `PercentFormatted`, a float equal to the stored number that knows how it is shown; the
parsers (etl/parse.py) read it as the text it shows ('75%') is read, and the validator reports it. No import of the
package: the readers, the parsers and the messages (etl/errors.py) all use it.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


SCALE_NAMES = {3: "thousands", 6: "millions", 9: "billions"}  # a power of ten -> what amounts in it are in


class _Stored(float):
    """A stored number a message names as Excel stores it (`stored`), beside how it is shown."""

    @property
    def stored(self) -> str:
        return plain_number(float(self))


class PercentFormatted(_Stored):
    """A number stored in a cell formatted as a percentage (0.75 under '0%' or '0.0%'): the float is the stored
    number, as calamine reads it; `as_shown` the number Excel shows before its percent sign (75)."""

    by = ""  # what formats it, where a message must say: the cell's own style goes without saying

    @property
    def as_shown(self) -> float:
        """The stored number times 100, exactly as written in decimal (0.29 -> 29, not 28.999999999999996)."""
        return float(Decimal(repr(float(self))).scaleb(2))

    @property
    def shown(self) -> str:
        """The number as Excel shows it, but with every digit: '75%', '4.5%' (the format may round it)."""
        return f"{plain_number(self.as_shown)}%"


class DefaultStylePercent(PercentFormatted):
    """A number in a cell without a style of its own, in a workbook whose default style (Excel's Normal, the
    first of cellXfs) is a percentage: Excel shows it times 100, so every such number is one."""

    by = " by the workbook's Normal style"


class MonthShown(dt.date):
    """A date in a cell whose number format shows its month and year only ('mmm-yy': Jun-15), as Excel stores
    'Jun 2015' typed into a cell: the date is the stored one (the 1st); the parsers read it as the text 'Jun 2015'
    is read (a planned end: the last day of June)."""

    @classmethod
    def of(cls, day: dt.date) -> "MonthShown":
        return cls(day.year, day.month, day.day)


class _InScale(_Stored):
    """A stored number whose number format speaks of a scale: `power`, the power of ten (3: thousands)."""

    power: int = 3

    def __new__(cls, number: float, power: int) -> "_InScale":
        value = super().__new__(cls, number)
        value.power = power
        return value

    @property
    def scale(self) -> str:
        return SCALE_NAMES[self.power]


class ScaledShown(_InScale):
    """A number in a cell whose number format shows it divided by a thousand or a million ('#,##0,' shows 150000
    as 150): the float is the stored number, the amount the person typed; `power` the power of ten Excel divides
    it by. Read as stored; a sheet whose title says its amounts are in thousands is read knowing the cell already
    holds the whole amount (etl/transform.py)."""

    @property
    def shown_number(self) -> str:
        """The number Excel shows, but with every digit: '150' for 150000 in thousands, '0.2' for 200000 in
        millions."""
        return plain_number(float(Decimal(repr(float(self))).scaleb(-self.power)))


class SuffixShown(_InScale):
    """A number in a cell whose format writes a sign for thousands or millions after it ('#,##0" K"' shows 150 as
    '150 K'): the float is the number typed; `power` the power of ten the sign stands for. An amount is read as
    the sign says (150,000), and said (etl/transform.py)."""


class NotShown(_Stored):
    """A number in a cell whose number format shows no digit: nothing (';;;') or text only ('"n/a"'). The person
    sees no number; the stored one is read, and reported."""


class ShownBySize(_Stored):
    """A number in a cell whose number format shows numbers one way or another by their size, some with a sign
    for a scale or a currency and some not ('[>=1000]#,##0" K";0' shows 1500 as '1,500 K' and 150 as '150'):
    the float is the stored number, read as it is, and reported; `code` the format."""

    code: str = ""

    def __new__(cls, number: float, code: str) -> "ShownBySize":
        value = super().__new__(cls, number)
        value.code = code
        return value


class DecimalsShown(float):
    """A number in a cell whose format shows a fixed number of decimals and nothing else ('0.00' shows 1.1 as
    1.10): a code typed as a number and formatted so ('1.10', the tenth indicator of output 1, stored as 1.1). A
    text column (a code) reads it as shown (etl/parse.py, parse_text); a number column reads the number."""

    places: int = 2

    def __new__(cls, number: float, places: int) -> "DecimalsShown":
        value = super().__new__(cls, number)
        value.places = places
        return value

    @property
    def shown(self) -> str:
        """As Excel shows it: rounded half away from zero to its places ('1.10')."""
        number = Decimal(repr(float(self)))
        try:
            return format(number.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP), "f")
        except InvalidOperation:  # more digits than a Decimal holds (1e30): no code, shown as Excel stores it
            return plain_number(float(self))


class CurrencyShown(float):
    """A number in a cell whose number format shows beside it what may say its currency or its scale ('#,##0
    "KGS"' shows 450000 as '450,000 KGS'; etl/ooxml.py, `_currency_named`): the float is the stored number;
    `shown` that text: a [$sign-locale] bracket whole ('[$R$-416]'), then the signs and words of the literal text
    ('тыс. сом'). `signs` splits it ('R$', 'тыс.', 'сом'), the bracket's `locale` ('416'; '' for none) beside.
    etl/parse.py (FormatCurrencies) tells what it says; an amount whose Currency cell is empty is read in that
    currency, and said; one whose Currency names another is refused (etl/transform.py)."""

    shown: str = ""
    signs: tuple[str, ...] = ()
    locale: str = ""
    bracketed: bool = False

    def __new__(cls, number: float, shown: str) -> "CurrencyShown":
        value = super().__new__(cls, number)
        value.shown = shown
        words = shown.split()
        value.bracketed = bool(words) and words[0].startswith("[$") and words[0].endswith("]")
        if value.bracketed:
            sign, _, value.locale = words[0][2:-1].partition("-")
            words[0] = sign
        value.signs = tuple(words)
        return value


class CurrencyInScale(SuffixShown, CurrencyShown):
    """A number whose format shows beside it a scale word, with or without a currency ('#,##0" тыс. сом"' shows 150
    as '150 тыс. сом', 150,000 KGS): read as a SuffixShown number of that scale, and as a CurrencyShown one
    (etl/parse.py, FormatCurrencies.in_scale, makes it where it finds the scale)."""

    def __new__(cls, value: CurrencyShown, power: int) -> "CurrencyInScale":
        number = CurrencyShown.__new__(cls, float(value), value.shown)
        number.power = power
        return number


class CurrencyScaled(ScaledShown, CurrencyShown):
    """A number whose format shows it divided by a thousand or more and names a currency beside it
    ('[$€-x-euro2] #,##0,' shows 150000 as '€150'; '#,##0," тыс. сом"' as '150 тыс. сом'): read as stored, the whole
    amount, as a ScaledShown number is (a scale word beside it says what the commas do), and in the currency it
    shows, as a CurrencyShown number is."""

    def __new__(cls, number: float, power: int, shown: str) -> "CurrencyScaled":
        value = CurrencyShown.__new__(cls, number, shown)
        value.power = power
        return value


# what the readers give where calamine does not tell how a number is shown
SHOWN_OTHERWISE = (PercentFormatted, MonthShown, ScaledShown, SuffixShown, NotShown, DecimalsShown, CurrencyShown,
                   ShownBySize)


def plain_number(number: float) -> str:
    """A number as a person writes it: 75, 4.5, 0.001 (no exponent, no trailing .0)."""
    if number.is_integer():
        return str(int(number))
    return format(Decimal(repr(number)), "f")
