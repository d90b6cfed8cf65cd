"""The plumbing of an .xlsx workbook: its zip parts, the positions of cells, the names of elements, what its
cell styles' number formats mean, and the scan of a sheet's bytes that tells what calamine does not (hidden
rows, error cells, formulas saved uncalculated, numbers formatted as percentages) and whether the sheet is
plain enough for the fast lane. Parts are found and streamed through
etl/guard.py, which checks each sheet's used range before any reader opens it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeElementTree

from . import guard
from .formatted import SCALE_NAMES

# a row hidden, or of no height set by hand (ht="0" customHeight="1": Excel shows it as hidden, and other writers
# may not write hidden="1"; a height of 0 without customHeight Excel works out again when it opens the file)
HIDDEN_ROW = re.compile(rb'<(?:\w+:)?row\b(?:[^>]*?\bhidden="(?:1|true)"|(?=[^>]*?\bht="0+(?:\.0*)?")'
                        rb'[^>]*?\bcustomHeight="(?:1|true)")[^>]*>')
ROW_NUMBER = re.compile(rb'\br="(\d+)"')
CELL_MARKERS = (b't="e"', b"<f>", b"<f ", b"<f/>", b":f>", b":f ")
MERGED = (b"<mergeCell ", b"<mergeCell>", b":mergeCell ")
MERGE_TAG = re.compile(rb"<(?:[^\s<>/:]+:)?mergeCell[\s/>]")
# Texts fastexcel reads as an empty cell (pandas' missing-value markers) or as a number ('nan') in a
# column of numbers or dates; in a column of texts they stay texts.
FASTEXCEL_EMPTY_TEXTS = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                         "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null")
MARKER_TEXTS = tuple(f">{text}</t>".encode() for text in FASTEXCEL_EMPTY_TEXTS) + (b"<t/>", b">&lt;NA&gt;</t>")
# A text can also be written with character references (&#78;), Excel's _xHHHH_ escapes or in rich-text runs
# (<r><t>N/</t></r><r><t>A</t></r>): where any of those appears, any text may be a marker.
MARKER_DISGUISES = (b"&#", b"_x", b"<r>", b"<r ", b":r>", b":r ")
# Number formats: what calamine reads as a date or a duration, and what Excel shows as a percentage
DATE, DURATION, PERCENT = "date", "duration", "percent"
MONTH = "month"  # a date format showing the month and year only ('mmm-yy'): read as the month (etl/formatted.py)
MONTH_FORMAT_IDS = {"17"}  # builtin: mmm-yy
DATE_FORMAT_IDS = {str(i) for i in (*range(14, 23), *range(27, 37), 45, 47, *range(50, 59))}  # builtin
DURATION_FORMAT_ID = "46"  # [h]:mm:ss
PERCENT_FORMAT_IDS = {"9", "10"}  # builtin: 0% and 0.00%
# A number format whose commas after its last digit show the number divided by 1,000 each ('#,##0,' shows
# 150000 as 150; '0.0,,"M"' as 0.2M): the kind says by what power of ten (etl/formatted.py, ScaledShown)
SHOWN_SCALED = {power: f"shown in {name}" for power, name in SCALE_NAMES.items()}
SCALED_POWER = {kind: power for power, kind in SHOWN_SCALED.items()}
# A number format showing a fixed number of decimals and nothing else ('0.00' shows 1.1 as 1.10), as a code typed
# as a number is formatted: a text column reads such a number as shown (etl/formatted.py, DecimalsShown)
FIXED_DECIMALS = re.compile(r"0\.(0{1,6})")
DECIMALS_SHOWN = {places: f"{places} decimal{'s' if places > 1 else ''} shown" for places in range(1, 7)}
DECIMAL_PLACES = {kind: places for places, kind in DECIMALS_SHOWN.items()}
DECIMALS_FORMAT_ID = "2"  # builtin: 0.00
# Excel keeps a number format of 255 characters at most: a longer one is a hand-made file's, read as no format (the
# number as stored), as its sign, said in every row's message, would be unbounded
FORMAT_CODE_LENGTH = 255
# A number format whose literal text after the number is a sign for thousands or millions ('#,##0" K"',
# '0.0" M"', '#,##0" kUSD"'): Excel shows the number typed, 150, as '150 K', which the person means as 150,000
# (etl/formatted.py, SuffixShown; an amount is read times 1,000)
SUFFIXES = {"k": 3, "m": 6, "mn": 6, "mln": 6, "bn": 9}
SHOWN_SUFFIXED = {power: f"suffix {name}" for power, name in SCALE_NAMES.items()}
SUFFIX_POWER = {kind: power for power, kind in SHOWN_SUFFIXED.items()}
_SUFFIX_NOISE = re.compile(r"[\s$€£¥₽.()]|usd|eur|chf|gbp")
# A number format whose first section shows no digit: nothing (';;;') or text only ('"n/a"', '"-"'): the person
# sees no number where one is stored (etl/formatted.py, NotShown)
NOT_SHOWN = "not shown"
# A number format that names a currency ('#,##0 "KGS"', '[$€-x-euro2] #,##0'): its kind is this prefix and what
# it names ('currency KGS', 'currency €'), after its SHOWN_SCALED kind where commas scale it ('shown in thousands
# currency €'; `scaled_and_shown` reads both); a bare '$' (Excel's Currency button, in the dollar of the
# computer's locale) names none
CURRENCY_SHOWN = "currency "
# A number format with a condition whose sections show numbers one way or another by their size, some with a sign
# for a scale or a currency, some not ('[>=1000]#,##0" K";0'): its kind is this prefix and its code; a number is
# read as stored, and said (etl/formatted.py, ShownBySize)
SHOWN_BY_SIZE = "shown by size "
DEFAULT_STYLE = 0  # the style (cellXfs index) Excel gives a cell without an s attribute
# A cell tag (any prefix) with a style (its number: group 1), found by the scan; one pattern whatever the styles,
# so that its cost per byte does not grow with the number of percent styles a workbook declares
STYLED_CELL = re.compile(rb"""<(?:[\w.-]+:)?c\s[^>]*?(?<=\s)s\s*=\s*["'](\d+)["'][^>]*>""")
# The style attribute written otherwise than s="9" (spaces around '=', leading zeros): the block is searched
ODD_STYLE_MARKS = (b"s =", b"s= ", b's="0', b"s='0")
CELL_ROW = re.compile(rb"""\sr\s*=\s*["']\$?[A-Za-z]{1,3}\$?(\d+)["']""")
CELL_KIND = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")
EMPTY_CELL_END = re.compile(rb"\s*</(?:[\w.-]+:)?c>")  # a cell closed as soon as opened: <c r="A1" s="3"></c>
CELL_REFERENCE = re.compile(rb"""\sr\s*=\s*["'](\$?[A-Za-z]{1,3}\$?\d+)["']""")
EXCEL_ROWS = 1_048_576


@dataclass
class SheetScan:
    """What calamine does not tell: hidden rows, cells holding Excel errors, formulas saved uncalculated;
    and whether the sheet is plain enough for the fast lane (etl/columnar.py): no formula, error cell or
    merged cell, nor date stored as text (t="d")."""

    hidden_rows: set[int] = field(default_factory=set)  # 1-based
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row index, column index) -> #DIV/0!
    uncalculated: list[tuple[int, int]] = field(default_factory=list)
    plain: bool = False
    # Runs of rows (first, last; 1-based) holding a number cell styled as a percentage (or a date shown as its
    # month): its value is read from the XML (etl/xlsx_rows.py), which knows the cell's format; (1, EXCEL_ROWS)
    # where the scan cannot place one.
    percent_rows: list[tuple[int, int]] = field(default_factory=list)
    # Runs of columns (first, last; 1-based) hidden in Excel (<cols><col hidden="1">): read, and said to be
    hidden_columns: list[tuple[int, int]] = field(default_factory=list)
    # The cells (1-based row -> 0-based columns) whose style strikes their text through (`struck_styles`), empty
    # or not: a row whose every value is struck through is not loaded (etl/cells.py), as a hidden one is not
    struck: dict[int, set[int]] = field(default_factory=dict)

    def rows_with_percent(self, first: int, last: int) -> list[int]:
        """The rows from `first` to `last` that may hold a number formatted as a percentage."""
        found: set[int] = set()
        for start, end in self.percent_rows:
            found.update(range(max(start, first), min(end, last) + 1))
        return sorted(found)


def cell_position(reference: str) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", reference)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, column - 1


def column_letters(position: int) -> str:
    """A column's letters from its position counted from 0 (0 -> A); guard.column_letters counts from 1."""
    return guard.column_letters(position + 1)


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts_by_name(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the archive, found as calamine finds it (etl/guard.py, `sheet_parts`):
    the first sheet of a name, the part's name matched regardless of case."""
    parts: dict[str, str] = {}
    for name, part in guard.sheet_parts(archive):
        if part is not None:
            parts.setdefault(name, part)
    return parts


@dataclass(frozen=True)
class CellStyles:
    """What the scan and the readers need of a workbook's cell styles (cellXfs), by a cell's s attribute."""

    kinds: list[str | None]  # each style's number format kind (`number_format_kinds`)
    struck: frozenset[int]  # the styles whose font is struck through (`struck_styles`)


def cell_styles(archive: zipfile.ZipFile) -> CellStyles:
    """The workbook's cell styles, read in one pass over its styles part: each style's number format kind (DATE,
    DURATION, PERCENT ... or None: dates and durations as calamine tells them apart, percentages as Excel shows
    them), and the styles whose font is struck through (<font><strike/></font>), as a person marks a line deleted
    but kept in sight. The part is streamed, each element dropped once read: memory stays that of one element,
    whatever the part holds."""
    part = guard.member_name(archive, guard.STYLES_PART)
    if part is None:  # no styles part: every number is a number, no font strikes through
        return CellStyles([], frozenset())
    custom: dict[str, str] = {}
    formats: list[str | None] = []
    fonts: list[bool] = []  # whether each font strikes through
    fonts_of_styles: list[str | None] = []
    struck = False  # the font being read strikes through
    path: list[Element] = []  # the open elements, the root first
    with archive.open(part) as stream:
        for event, element in SafeElementTree.iterparse(stream, events=("start", "end")):
            local = local_name(element.tag)
            if event == "start":
                path.append(element)
                struck = False if local == "font" else struck
                continue
            parent = local_name(path[-2].tag) if len(path) > 1 else ""
            if local == "numFmt" and element.get("formatCode"):  # one over Excel's length kept as none ("")
                code = element.get("formatCode")
                custom[element.get("numFmtId", "")] = code if len(code) <= FORMAT_CODE_LENGTH else ""
            elif local == "xf" and parent == "cellXfs":
                formats.append(element.get("numFmtId"))
                fonts_of_styles.append(element.get("fontId"))
            elif local == "strike" and parent == "font":
                struck = element.get("val", "1").strip().lower() not in ("0", "false")
            elif local == "font" and parent == "fonts":
                fonts.append(struck)
            path.pop()
            if path:
                del path[-1][:]  # the element and its read siblings leave memory; tags and attributes stay
    kinds = [(_format_kind(custom[f]) if custom[f] else None) if f in custom
             else DURATION if f == DURATION_FORMAT_ID else MONTH if f in MONTH_FORMAT_IDS
             else DATE if f in DATE_FORMAT_IDS
             else PERCENT if f in PERCENT_FORMAT_IDS
             else DECIMALS_SHOWN[2] if f == DECIMALS_FORMAT_ID else None
             for f in formats]
    return CellStyles(kinds, frozenset(index for index, font in enumerate(fonts_of_styles)
                                       if font is not None and font.isdigit() and int(font) < len(fonts)
                                       and fonts[int(font)]))


def number_format_kinds(archive: zipfile.ZipFile) -> list[str | None]:
    """Each cell style's number format kind (`cell_styles`)."""
    return cell_styles(archive).kinds


def percent_styles(archive: zipfile.ZipFile, kinds: list[str | None] | None = None) -> frozenset[int]:
    """The cell styles (indexes into cellXfs, a cell's s attribute) whose numbers the scan finds the rows of, to
    be read from the XML (etl/xlsx_rows.py), since calamine reads them otherwise than Excel shows them: those
    whose number format shows a percentage, a date as its month, a number divided by a thousand or a million (a
    money column's scale must know it: etl/transform.py), no number at all, or a fixed number of decimals (a code
    column reads it as shown); `kinds`: the workbook's
    `number_format_kinds`, where already read."""
    kinds = number_format_kinds(archive) if kinds is None else kinds
    # the Normal style as a month format is left out: a cell without a style is read as its number (calamine's),
    # so marking every row for it would only send every sheet cell by cell
    return frozenset(index for index, kind in enumerate(kinds)
                     if kind in (PERCENT, NOT_SHOWN) or scaled_and_shown(kind)[0] or kind in DECIMAL_PLACES
                     or shown_by_size(kind) is not None
                     or kind in SUFFIX_POWER
                     or (index != DEFAULT_STYLE and (kind == MONTH or shows_currency(kind))))


def shows_currency(kind: str | None) -> bool:
    """Whether a number format kind names a currency (CURRENCY_SHOWN)."""
    return scaled_and_shown(kind)[1] is not None


def shown_by_size(kind: str | None) -> str | None:
    """The code of a SHOWN_BY_SIZE kind's format; None for another kind."""
    return kind[len(SHOWN_BY_SIZE):] if kind is not None and kind.startswith(SHOWN_BY_SIZE) else None


def scaled_and_shown(kind: str | None) -> tuple[int, str | None]:
    """The power of ten a number format kind's commas divide what it shows by (0 for none), and what it shows
    beside the number that may say a currency (None for nothing): (3, None) for '#,##0,'; (0, '€') for '€#,##0';
    (3, '[$€-x-euro2]') for '[$€-x-euro2] #,##0,'."""
    if kind is None or kind.startswith(SHOWN_BY_SIZE):
        return 0, None
    scaled, found, named = kind.partition(CURRENCY_SHOWN)
    return SCALED_POWER.get(scaled.rstrip(), 0), named if found else None


def struck_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell styles whose font is struck through (`cell_styles`)."""
    return cell_styles(archive).struck


def _first_section(code: str) -> Iterator[tuple[str, bool]]:
    """Each character of a number format's first section (up to a ';' that is neither quoted nor escaped), and
    whether it is literal text: quoted ("%"), escaped (\\%, _), or the quote or escape mark itself."""
    escaped = quoted = False
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return
        else:
            yield char, False
            continue
        yield char, True


def _format_kind(code: str) -> str | None:
    """DATE, MONTH, DURATION ([h]:mm), PERCENT, a SHOWN_SCALED kind, NOT_SHOWN, a DECIMALS_SHOWN kind, a
    SHOWN_SUFFIXED kind or None for a number format code. Dates and durations as calamine
    reads them, which looks at the first section only and skips quoted text, escaped characters and
    [colours]; a percentage where that section has a percent sign neither quoted ('0"%"') nor escaped ('0\\%'),
    which Excel shows as a sign after the stored number, not multiplied by 100."""
    am_pm = elapsed = percent = False
    brackets = 0
    previous = " "
    for char, literal in _first_section(code):
        if literal:
            pass
        elif char == "[":
            brackets += 1
        elif char == "]" and brackets == 1 and elapsed:
            return DURATION
        elif char == "]":
            brackets = max(brackets - 1, 0)
        elif char == "%" and brackets == 0:
            percent = True
        elif char in "aA" and not am_pm and brackets == 0:
            am_pm = True
        elif brackets == 0 and (char in "pmPM/" if am_pm else char in "dmhysDMHYS"):
            shown = _shown_letters(code)
            gregorian = not code.lstrip().upper().startswith(("B1", "B2"))  # B2: the Hijri calendar's months
            return MONTH if gregorian and not am_pm and {"m", "y"} <= shown and not shown & {"d", "h", "s"} else DATE
        elif not (elapsed and char.lower() == previous.lower()):
            elapsed = previous == "[" and char in "hmsHMS"
        previous = char
    if percent:
        return PERCENT
    commas = _scaling_commas(code)
    if commas < 0:  # a condition: what it shows depends on the number
        return _conditional_kind(code)
    if not code.strip():  # nothing: General
        return None
    if not _shows_digits(code):
        return NOT_SHOWN
    fixed = FIXED_DECIMALS.fullmatch(code.strip())
    if fixed:
        return DECIMALS_SHOWN[len(fixed.group(1))]
    named = _currency_named(code)
    if commas:  # divided by 1,000 a comma; a currency beside it is its amount's ('[$€-x-euro2] #,##0,')
        scaled = SHOWN_SCALED.get(min(3 * commas, 9))
        shows = named and not all(word.casefold().rstrip(".") in SUFFIXES for word in named.split())
        return f"{scaled} {CURRENCY_SHOWN}{named}" if shows else scaled
    suffixed = SHOWN_SUFFIXED.get(SUFFIXES.get(_literal_text(code), 0))
    if named and not (suffixed and all(word.casefold().rstrip(".") in SUFFIXES for word in named.split())):
        return f"{CURRENCY_SHOWN}{named}"  # its words, the suffix's with them ('€ K': FormatCurrencies reads both)
    return suffixed


def _conditional_kind(code: str) -> str | None:
    """The kind of a number format with a condition ('[=0]"-";#,##0" K"': a dash for nothing, thousands otherwise):
    the one its sections that show numbers other than 0 agree on, each read without its condition. Sections that
    differ in their commas only agree on the currency they show ('[>=1000]€#,##0,"K";€#,##0': euros, stored
    whole either way), or on none ('[>=1000]0,"K";0': read as stored). Sections that differ otherwise, one with a
    sign for a scale or a currency, make a SHOWN_BY_SIZE kind: read as stored, and said. A date's kind is none
    (calamine reads the first section only, and the lanes read as it does)."""
    sections = _sections(code)[:3]  # a fourth shows text
    conditions = [_condition(section) for section in sections]
    kinds = []
    for index, section in enumerate(sections):
        plain = CONDITION.sub("", section)
        if _scaling_commas(plain) < 0:  # a bracket read as a condition, which is none ('["x"=0]0'): left alone
            return None
        if _shows_digits(plain) and not _zero_only(conditions, index):
            kinds.append(_format_kind(plain))
    distinct = set(kinds)
    if len(distinct) == 1:
        kind = distinct.pop()
        return None if kind in (DATE, MONTH, DURATION) else kind
    shown = set()  # the currency each section shows, its scale's signs left out
    for kind in distinct:
        power, named = scaled_and_shown(kind)
        words = (named or "").split()
        currency = [word for word in words if word.casefold().rstrip(".") not in SUFFIXES]
        if kind in SUFFIX_POWER or kind == PERCENT or (named is not None and not power and currency != words):
            return f"{SHOWN_BY_SIZE}{code}"  # '150 K', typed thousands, or a percentage, beside other numbers
        if named is None and kind is not None and kind not in SCALED_POWER:
            return None  # a date, fixed decimals: read as the first section is
        shown.add(" ".join(currency))
    if len(shown) > 1:  # a currency in some sections only, or two
        return f"{SHOWN_BY_SIZE}{code}"
    named = shown.pop() if shown else ""
    return f"{CURRENCY_SHOWN}{named}" if named else None


CONDITION = re.compile(r"\[(<>|[<>]=?|=)\s*([+-]?(?:\d+\.?\d*|\.\d+))?[^\]]*\]")  # '[=0]', '[>=1000]'


def _condition(section: str) -> tuple[str, float] | None:
    """A section's condition: its operator and number ('[>=1000]': ('>=', 1000.0)); None for none, or one
    written otherwise."""
    found = CONDITION.search(section)
    return (found.group(1), float(found.group(2))) if found and found.group(2) else None


def _zero_only(conditions: list[tuple[str, float] | None], index: int) -> bool:
    """Whether a format's section shows 0 only: its condition is '[=0]', or it is the third after '[>0]' and '[<0]'
    (in either order), which leave it 0 alone."""
    if conditions[index] == ("=", 0.0):
        return True
    return index == 2 and {("<", 0.0), (">", 0.0)} <= set(conditions[:2])


def _sections(code: str) -> list[str]:
    """A number format's sections, split at each ';' that is neither quoted nor escaped."""
    sections, current = [], []
    escaped = quoted = False
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*" and not quoted:
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            sections.append("".join(current))
            current = []
            continue
        current.append(char)
    return [*sections, "".join(current)]


def _currency_named(code: str) -> str | None:
    """What a number format's first section shows beside the number that may say its currency or its scale, as
    one text (etl/formatted.py, CurrencyShown; etl/parse.py, FormatCurrencies, tells what it says): its
    [$sign-locale] bracket whole, Excel's way of writing a currency ('[$€-x-euro2]', '[$R$-416]', '[$KGS]', and
    '[$$-2009]', a dollar of a locale); then each code or sign in its literal text ('"KGS"', '\\€') or outside the
    digits ('€#,##0'), and each word of letters in its literal text ('"сом"', '"lei"', '" тыс."', '"(KGS)"',
    '" тыс.сом"'), in their order: '[$сом-440]', 'тыс. сом'. None for none, or for '$' alone."""
    shown: list[str] = []
    bracket: list[str] | None = None
    text: list[str] = []
    for char, literal in _visible(code):
        if bracket is not None and not literal and char == "]":
            content = "".join(bracket)
            sign, _, locale = content[1:].partition("-")
            if (content.startswith("$") and sign.strip() and (sign.strip() != "$" or locale.strip())
                    and not any(c.isspace() for c in content)):
                shown.append(f"[{content}]")
            bracket = None
        elif bracket is not None:
            bracket.append(char)
        elif not literal and char == "[":
            bracket = []
        else:
            text.append(char if literal or char in CURRENCY_CHARACTERS else " ")
    for word in CURRENCY_TOKEN.findall("".join(text)):
        if word != "$" and (len(word) <= 16 or not word[0].isalpha()) and (  # 'estadounidenses' of a name
                word[0].isalpha() or "$" in word or unicodedata.category(word[0]) == "Sc") and word not in shown:
            shown.append(word)
    return " ".join(shown) or None


# the pieces of a format's literal text that may say a currency or a scale: a sign ending in '$' ('US$', 'R$'), a
# word of letters with its dot ('сом', 'тыс.' of 'тыс.сом', 'KGS' of '(KGS)', 'kEUR'), or one other character
# ('€', '৳'; a currency sign only is kept); a unit's words too ('days'), which FormatCurrencies reads as neither
CURRENCY_TOKEN = re.compile(r"[A-Z]{0,2}\$|[^\W\d_]+\.?|[^\w\s]")
CURRENCY_CHARACTERS = "$€£¥₽₸₴₺₹₩₪₫₦₱"  # signs Excel writes outside quotes


def _literal_text(code: str) -> str:
    """The literal text after the last digit of a number format's first section (quoted or escaped; not what '_'
    pads with or '*' fills with), lower case, without spaces, currency signs or codes and brackets: 'k' for
    '#,##0" K"' or '#,##0" kUSD"'; '' for '"K"#,##0' or '#,##0_k'."""
    text: list[str] = []
    for char, literal in _visible(code):
        if not literal:
            if char in "0#?":
                text = []  # literal text before a digit is a prefix
            continue
        text.append(char)
    return _SUFFIX_NOISE.sub("", "".join(text).casefold())


def _visible(code: str) -> Iterator[tuple[str, bool]]:
    """Each character of a number format's first section that Excel shows, and whether it is literal text
    (quoted or escaped): not the quote and escape marks, nor what '_' pads with or '*' fills with."""
    skip = escaped = quoted = False
    for char, literal in _first_section(code):
        if not literal:
            yield char, False
        elif skip or escaped:
            if escaped:
                yield char, True
            skip = escaped = False
        elif char == '"':
            quoted = not quoted
        elif quoted:
            yield char, True
        elif char in "_*":
            skip = True
        elif char == "\\":
            escaped = True
        else:
            yield char, True


def _shows_digits(code: str) -> bool:
    """Whether a number format's first section shows the number: a digit placeholder (0, #, ?) outside literal
    text and [brackets], 'General', or '@'."""
    if "@" in code:
        return True
    shown = "".join(_shown_characters(code))
    return "general" in shown.casefold() or any(char in "0#?" for char in shown)


def _scaling_commas(code: str) -> int:
    """How many commas of a number format's first section scale what it shows (each divides by 1,000): those
    after its last digit placeholder ('#,##0,' 1; '0.0,,"M"' 2), not those between two ('#,##0'). A format with
    a condition ('[>=1000]0,"K"') shows some numbers one way and some another: -1, and it is left as it is."""
    commas = pending = brackets = 0
    digits = opened = False
    for char, literal in _first_section(code):
        if literal:
            continue
        if opened and char in "<>=":
            return -1
        opened = char == "["
        if char == "[":
            brackets += 1
        elif char == "]":
            brackets = max(brackets - 1, 0)
        elif brackets:
            continue
        elif char in "0#?":
            digits, pending = True, 0  # the commas before it were separators
        elif char == "," and digits:
            pending += 1
        elif char == ".":
            commas, pending = commas + pending, 0
        elif char in "eE":
            return 0  # scientific: commas there are no scale
    return commas + pending


def _shown_letters(code: str) -> set[str]:
    """The letters of a number format's first section that show a part of a date or time (lower case), skipping
    literal text and [brackets]."""
    return {char.lower() for char in _shown_characters(code) if char.lower() in "dmyhs"}


def _shown_characters(code: str) -> Iterator[str]:
    """The characters of a number format's first section that are neither literal text nor inside [brackets] (a
    colour, a locale, a condition): its placeholders, date letters and the like."""
    brackets = 0
    for char, literal in _first_section(code):
        if literal:
            continue
        if char == "[":
            brackets += 1
        elif char == "]":
            brackets = max(brackets - 1, 0)
        elif not brackets:
            yield char


@dataclass(frozen=True)
class PercentCells:
    """How the scan finds the cells of a sheet with a percent style: a byte search for the style attribute as
    spreadsheet programs write it (s="9"; any other way of writing it, ODD_STYLE_MARKS, or with more than eight
    percent styles any s=), far cheaper than a regular expression over every cell tag, and the expression
    (STYLED_CELL) only over a block holding one."""

    styles: frozenset[int]
    marks: tuple[bytes, ...]

    @classmethod
    @functools.lru_cache(maxsize=32)
    def of(cls, styles: frozenset[int]) -> "PercentCells":
        numbers = [b"%d" % style for style in sorted(styles)]
        marks = tuple(b's="%s"' % n for n in numbers) + tuple(b"s='%s'" % n for n in numbers)
        return cls(styles, marks + ODD_STYLE_MARKS if len(marks) <= 16 else (b"s=", b"s ="))


def _percent_cells(text: bytes, cells: PercentCells, runs: list[tuple[int, int]]) -> bool:
    """Adds to `runs` the row of each cell of `text` with a percent style and a number (not an empty cell, nor
    a text, boolean or error); returns False where a cell has no position, whose row only a parse can tell."""
    if not any(mark in text for mark in cells.marks):
        return True
    for found in STYLED_CELL.finditer(text):
        if int(found.group(1)) not in cells.styles:
            continue
        tag = found.group(0)
        kind = CELL_KIND.search(tag)
        if tag.endswith(b"/>") or kind and kind.group(1) not in (b"", b"n"):
            continue
        row = CELL_ROW.search(tag)
        if row is None:
            return False
        number = int(row.group(1))
        if runs and runs[-1][0] <= number <= runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], max(runs[-1][1], number))
        else:
            runs.append((number, number))
    return True


def _struck_cells(text: bytes, cells: PercentCells, struck: dict[int, set[int]]) -> None:
    """Adds to `struck` the position of each cell of `text` with a struck-through style."""
    if not any(mark in text for mark in cells.marks):
        return
    for found in STYLED_CELL.finditer(text):
        if int(found.group(1)) in cells.styles and not found.group(0).endswith(b"/>") \
                and not EMPTY_CELL_END.match(text, found.end()):  # an empty cell: no value struck
            reference = CELL_REFERENCE.search(found.group(0))
            if reference is not None:
                row, column = cell_position(reference.group(1).decode().replace("$", "").upper())
                struck.setdefault(row + 1, set()).add(column)


def _byte_scan(archive: zipfile.ZipFile, part: str, scan: SheetScan, extent: guard.UsedRange, file: str,
               percent: PercentCells | None = None, struck: PercentCells | None = None) -> bool:
    """Hidden rows from the raw bytes (a regular expression over <row> tags, run only on blocks that have
    one, far cheaper than parsing); the sheet's used range (`extent`, etl/guard.py), which also finds the
    formulas, error cells and dates stored as text of a sheet whose tags have no prefix; whether the sheet
    is plain; the merged ranges (`extent.merges`); returns whether any cell holds an error or a formula, which
    needs the XML parsed. Each search is a pass over a megabyte block, so a block is searched for a few short
    marks, and for the exact ones only where a mark is found. The part is read as the Rust readers unzip it
    (etl/guard.py, `PartStream`). With `percent` (a workbook with percent styles), the rows of the cells
    carrying one (`SheetScan.percent_rows`)."""
    cells_to_parse = merged = iso_dates = False
    prefixed = None  # whether the tags carry a namespace prefix (<x:f>), known from the <sheetData> tag
    carry = b""
    with guard.PartStream(archive, part, file) as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            text = carry + block
            cut = text.rfind(b"<")  # an element may straddle two blocks: keep its start for the next one
            text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            if prefixed is None and b"hidden" in text:  # the <cols> come before the <sheetData>
                _hidden_columns(text.split(b"sheetData", 1)[0], scan.hidden_columns)
            if prefixed is None and b"sheetData" in text:
                prefixed = b"<sheetData" not in text
                extent.needs_exact |= prefixed  # the quick bounds know unprefixed tags only
            if prefixed is False and not extent.needs_exact:
                back = extent.feed(text)
                if back is not None:  # a cell tag at the end of the block goes on in the next one
                    text, carry = text[:back], text[back:] + carry
            if b"hidden=" in text or b'ht="0' in text:
                for match in HIDDEN_ROW.finditer(text):
                    number = ROW_NUMBER.search(match.group(0))
                    if number:
                        scan.hidden_rows.add(int(number.group(1)))
            if prefixed is not False or extent.needs_exact:  # what the used range did not look for
                if not cells_to_parse and (b"<f" in text or b't="e"' in text
                                           or prefixed is not False and b":f" in text):
                    cells_to_parse = any(marker in text for marker in CELL_MARKERS)
                iso_dates = iso_dates or b't="d"' in text  # dates stored as text: calamine and fastexcel differ
            if b"mergeCell" in text:
                merged = merged or any(marker in text for marker in MERGED)
                extent.merges += len(MERGE_TAG.findall(text))
            if percent is not None and not _percent_cells(text, percent, scan.percent_rows):
                scan.percent_rows, percent = [(1, EXCEL_ROWS)], None  # every row may hold one
            if struck is not None:
                _struck_cells(text, struck, scan.struck)
    if carry and guard.CELL_TAG.search(carry):
        extent.needs_exact = True  # a cell tag the file ends in the middle of
    cells_to_parse = cells_to_parse or extent.formulas or extent.errors
    iso_dates = iso_dates or extent.dates
    scan.plain = not (cells_to_parse or merged or iso_dates)
    return cells_to_parse


HIDDEN_COLUMN = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?col\s[^>]*?\bhidden\s*=\s*["\'](?:1|true)["\'][^>]*>')
COLUMN_BOUND = re.compile(rb'\b(min|max)\s*=\s*["\']\s*(\d{1,5})\s*["\']')


def _hidden_columns(text: bytes, runs: list[tuple[int, int]]) -> None:
    """Adds to `runs` the (min, max) of every <col> element of `text` that hides its columns."""
    for match in HIDDEN_COLUMN.finditer(text):
        bounds = dict(COLUMN_BOUND.findall(match.group(0)))
        if b"min" in bounds:
            first = int(bounds[b"min"])
            runs.append((first, max(first, int(bounds.get(b"max", bounds[b"min"])))))


def has_marker_texts(path: Path, sheet: str) -> bool:
    """Whether the sheet (or the shared strings) may hold a text fastexcel reads as an empty cell in a
    column of numbers or dates ('N/A', 'null', ...); when unsure (escaped or rich text), yes. Read only
    when such a column has empty cells."""
    with zipfile.ZipFile(path) as archive:
        parts = [sheet_parts_by_name(archive).get(sheet), guard.member_name(archive, "xl/sharedStrings.xml")]
        for part in (p for p in parts if p):
            carry = b""
            with archive.open(part) as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    text = carry + block
                    if any(marker in text for marker in MARKER_TEXTS + MARKER_DISGUISES):
                        return True
                    carry = text[-64:]
    return False


def scan_sheet(path: Path, part: str, file: str, sheet: str, percent: frozenset[int] | None = None,
               struck: frozenset[int] | None = None) -> SheetScan:
    """What calamine does not report about one sheet: hidden rows, error cells and formulas saved
    uncalculated, rows with numbers formatted as percentages; after its used range is checked against
    $MM_MAX_CELLS (raises UnreadableFile), before any reader opens the sheet. `percent`: the workbook's
    percent styles (`percent_styles`), read here when not given. Bounded memory: bytes are read in blocks,
    and the XML is only parsed (streamed) when it has error cells or formulas."""
    scan = SheetScan()
    with zipfile.ZipFile(path) as archive:
        if percent is None or struck is None:
            styles = cell_styles(archive)
            percent = percent_styles(archive, styles.kinds) if percent is None else percent
            struck = styles.struck if struck is None else struck
        # a cell without a style attribute shows as a percentage: no mark finds it, so every row may hold one,
        # and every row is read as cells (not plain: the per-cell lane reads the sheet once)
        every_row = DEFAULT_STYLE in percent
        cells = PercentCells.of(percent) if percent and not every_row else None
        if every_row:
            scan.percent_rows = [(1, EXCEL_ROWS)]
        extent = guard.UsedRange(guard.max_cells(), archive.getinfo(part).file_size)
        cells_to_parse = _byte_scan(archive, part, scan, extent, file, cells,
                                    PercentCells.of(struck) if struck else None)
        scan.plain = scan.plain and not every_row and not scan.struck  # struck rows: the per-cell lane leaves them
        extent.settle(lambda: guard.PartStream(archive, part, file))
        extent.check(file, sheet)
        if not cells_to_parse:
            return scan
        with guard.PartStream(archive, part, file) as stream:
            for _, element in SafeElementTree.iterparse(stream, events=("end",)):
                if local_name(element.tag) != "row":
                    continue
                namespace = element.tag[:-3]  # '{...}row' -> '{...}'
                for cell in element:
                    value = cell.find(namespace + "v")
                    if cell.get("t") == "e" and value is not None and value.text:
                        scan.errors[cell_position(cell.get("r"))] = value.text.strip()
                    elif cell.find(namespace + "f") is not None and (value is None or not value.text):
                        scan.uncalculated.append(cell_position(cell.get("r")))
                element.clear()
    return scan


def scan_sheets(path: Path, file: str | None = None) -> dict[str, SheetScan]:
    """`scan_sheet` for every sheet of the workbook, one after the other; then the used range of the parts
    in the sheet folders that no sheet refers to (etl/guard.py, `unreferenced_sheet_parts`)."""
    file = file or path.name
    with zipfile.ZipFile(path) as archive:
        guard.check_part_names(archive, file)
        parts = sheet_parts_by_name(archive)
        others = guard.unreferenced_sheet_parts(archive, parts.values())
        styles = cell_styles(archive)
        percent, struck = percent_styles(archive, styles.kinds), styles.struck
    scans = {name: scan_sheet(path, part, file, name, percent, struck) for name, part in parts.items()}
    for part in others:
        scan_sheet(path, part, file, part, frozenset())
    return scans


def scan_workbook(path: Path, file: str) -> dict[str, SheetScan]:
    """What `read_workbook` needs before a reader opens any sheet: the workbook's container checked
    (etl/guard.py: size, zip bomb, sheets), then every sheet scanned. The loader runs it in one thread for
    the files it reads, in their order (`read_workbook(..., scans=)`)."""
    guard.check_input(path, file)
    return scan_sheets(path, file)
