"""What the rows above a sheet's header say (its title block), and its sheet and file names: the country, the
period or year, and the currency of its rows. docs/schema.md ("Title blocks") lists the rules:

- a labelled value ('Country: Jamaica', 'Operating Unit: Jamaica', 'Period: Jan–Dec 2016', 'Year: 2015',
  'Currency: USD', 'Devise : EUR'), in one cell or as a label cell followed by its value; the label words are
  data: each language file's [title_labels] (data/reference/languages/, Reference.title_labels);
- a title names a country only when, once the programme's own title and short title are taken out of it, it
  names exactly one country of the programme as a word of its own; two countries named give none, and say
  so. 'Global' makes a sheet GLOBAL only as a labelled value ('Country: Global', 'Level: Global') or as a
  sheet or file name that starts with it (GLOBAL.xlsx);
- a period: a labelled one, else a reporting period a title row names ('Progress report 2015/16 H1'), else
  the one year the title rows name; read as the programme's reporting period or programme year it is
  (`read_period`), saying how where it is not word for word;
- a currency: a labelled one only ('Currency: KGS \'000' is KGS, in thousands);
- a scale: words of a title row, the sheet name or the file name saying the amounts are in thousands or millions
  ('Amounts in thousands of KGS', "USD '000", 'en milliers', 'тыс. сом'; each language file's [scales]). The
  sheet's amounts are then read as written times 1,000 or 1,000,000, said in a warning; two scales named give
  none, and the rows' amounts are refused (etl/transform.py).

The sheet's year, for work-plan timeframes, is still the first year named anywhere in its title rows, sheet
name or file name.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
import unicodedata
from decimal import Decimal
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable

from . import spec
from .conventions import BRACKETED, ISO_CURRENCIES, bracket_currency, sign_currency
from .errors import ValueProblem, quoted
from .formatted import SCALE_NAMES, ScaledShown, SuffixShown
from .header_cells import group_labels
from .languages import APOSTROPHES, fold, scale_words
from .parse import CURRENCY_SIGNS, MONEY_LIMIT, MONTHS, clean_text, is_blank, period_parser
from .reference import GLOBAL, Reference, normalise_marker

LABELLED = re.compile(r"^(.{1,40}?)\s*[:：]\s*(\S.*)$")
YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
YEAR_ANYWHERE = re.compile(r"\b(20\d{2})\b")  # the sheet's year, for timeframes
PERIOD_IN_TEXT = re.compile(r"(?i)(?<![\w/])(?:\d{4}(?:\s*/\s*\d{2,4})?\s*-?\s*[HQ]\s*[1-4]|[HQ]\s*[1-4]\s*-?\s*\d{4}"
                            r"(?:\s*/\s*\d{2,4})?)(?![\w/])")
MONTH_SPAN = re.compile(r"(?i)^([a-z]+)\.?\s*(\d{4})?\s*(?:-|–|—|to)\s*([a-z]+)\.?\s*(\d{4})$")
DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})


@dataclass(frozen=True)
class TitleValue:
    """A value the title block (or the sheet name, the file name, a header) gives every row of a sheet."""

    value: str  # as the column's parser is given it: 'Jamaica', '2015/16 H2', '2016', 'USD'
    place: str  # 'title row 2', 'sheet name', "headers '2015 · Target', '2015 · Actual'"
    text: str  # what it was read from, as written
    note: str = ""  # how it was read, where not word for word
    from_title_row: bool = True  # a title row's value is checked against the column where there is one

    def said(self) -> str:
        return f"the {self.place} {quoted(self.text)}" + (f": {self.note}" if self.note else "")


@dataclass(frozen=True)
class Scale:
    """Words of a title row or a name saying the amounts are in thousands or millions."""

    power: int  # of ten: 3 for thousands
    place: str  # 'title row 1', 'sheet name'
    text: str  # what it was read from, as written
    words: str  # the scale words found in it, folded ('in thousands')
    columns: tuple[str, ...] = ()  # the columns (keys) a group header stands over; () for every amount of the sheet
    currency: str | None = None  # the ISO 4217 code the words name or stand beside ('en KDH', 'USD '000'), if one
    shared: str | None = None  # where they name none: the name several share they stand beside ('thousands of dollars')
    # the codes of every currency the words stand beside, said or not ("$000" -> JMD, USD; 'KGS '000 dollars' -> JMD,
    # KGS, USD), and of those the text lists beside them ('USD or EUR '000'), but a rate's (`_listed`: 'exchange
    # rate used: 69 KGS', '1 USD = 69.5 KGS'): a row in another is no amount in thousands of these (etl/transform.py,
    # Derivations); none where the words stand beside no currency
    of: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return SCALE_NAMES[self.power]

    def said(self) -> str:
        quote = '"' if "'" in self.words else "'"
        return f"the {self.place} {quoted(self.text)} says the amounts are in {self.name} ({quote}{self.words}{quote})"


@dataclass(frozen=True)
class SheetContext:
    """What the title rows above the header (or the sheet or file name) say."""

    year: int | None = None
    country: str | None = None  # the text naming a country
    where: str = ""
    # what fills a column the sheet lacks: country, period (a reporting period's label), programme_year,
    # period_text (the period as written) and currency
    values: dict[str, TitleValue] = field(default_factory=dict)
    looked: str = ""  # where a title value was looked for, for messages
    notes: tuple[str, ...] = ()  # what a title says that was not taken, and why
    scales: tuple[Scale, ...] = ()  # every scale named (`Scale`): the amounts' when they agree
    # scale words said beside a currency only, found with none beside them ('Expenditure, thousands'): said
    unplaced: tuple[Scale, ...] = ()
    # where no label or scale words give a currency, the one the title rows name in their words ('All amounts in
    # USD'): not read as the rows' (a title may name a rate, a donor's grant), but a row in another is said
    prose_currency: TitleValue | None = None

    def scales_of(self, key: str) -> tuple[Scale, ...]:
        """The scales said of a column: the title rows' and names', and a group header's over it."""
        return tuple(scale for scale in self.scales if not scale.columns or key in scale.columns)

    def scale(self, key: str) -> int:
        """The power of ten a column's amounts are read as written times: 0 unless scale words say it, and say
        one scale."""
        powers = {scale.power for scale in self.scales_of(key)}
        return powers.pop() if len(powers) == 1 else 0

    def scale_unclear(self, key: str) -> str | None:
        """What is unclear where two scales are said of a column, else None."""
        scales = self.scales_of(key)
        if len({scale.power for scale in scales}) < 2:
            return None
        return "; ".join(scale.said() for scale in scales)

    @property
    def says_something(self) -> bool:
        """Whether a title row gives a value (which rows are then checked against)."""
        return any(value.from_title_row for value in self.values.values())


@dataclass(frozen=True)
class PeriodReading:
    label: str | None  # a reporting period of the programme
    programme_year: int | None
    note: str = ""


def within(outer: SheetContext, inner: SheetContext) -> SheetContext:
    """The context of a second table under title rows of its own (`inner`: 'Currency: EUR' above an IOM block),
    within the sheet's (`outer`): what its own rows say, and the sheet's where they say nothing of it."""
    return replace(outer, values={**outer.values, **inner.values},
                   year=inner.year if inner.year is not None else outer.year,
                   country=inner.country or outer.country, where=inner.where or outer.where,
                   scales=inner.scales or outer.scales, notes=inner.notes,
                   unplaced=inner.unplaced)  # the sheet's, said of its first table


def sheet_context(title_rows: list[list[Any]], names: list[tuple[str, str]], reference: Reference,
                  memo: dict[tuple[str, str, str], Any] | None = None) -> SheetContext:
    """A sheet's context from its title rows (above the header) and `names` ((sheet name, 'sheet name'), (file
    name, 'file name')). `memo`: what a row's or a name's text was read as (its scales, its scale words without a
    currency, the currency its words name), kept for the contexts above the rows below it: a long title row is
    read once, not once for each row under it that may be the header."""
    memo = {} if memo is None else memo

    def once(kind: str, text: str, place: str, read: Callable[[], Any]) -> Any:
        if (kind, text, place) not in memo:
            memo[kind, text, place] = read()
        return memo[kind, text, place]
    rows = [(index + 1, _segments(row, reference.title_labels)) for index, row in enumerate(title_rows)]
    whole = [(" ".join(clean_text(c) for c in row if c is not None), f"title row {i + 1}")
             for i, row in enumerate(title_rows)] + names
    values: dict[str, TitleValue] = {}
    notes: list[str] = []
    where = []
    year = None
    for text, place in whole:
        found = YEAR_ANYWHERE.search(text)
        if found:
            year = int(found.group(1))
            where.append(f"year {year} from the {place}")
            break
    country = _country(rows, names, reference, notes, lambda text, place, lookup: once(
        "countries" if lookup is reference.country_lookup else "world", text, place,
        lambda: _countries_named(text, lookup, reference)))
    if country is not None:
        values["country"] = country
        where.append(f"country '{country.value}' from the {country.place}")
    values.update(_period(rows, reference, notes))
    words = reference.scale_words
    scales = tuple(found for text, place in whole
                   for found in once("scales", text, place, lambda: _scales(text, place, words)))
    unplaced = tuple(found for text, place in whole if not any(scale.text == text for scale in scales)
                     for found in once("unplaced", text, place, lambda: _unplaced(text, place, words)))
    currency = next((TitleValue(label_currency(value, reference), f"title row {number}", f"{label_text}: {value}")
                     for number, (labelled, _) in rows for field_name, label_text, value in labelled
                     if field_name == "currency"), None)
    if currency is None:  # else the words beside a title's scale: 'Montants en KDH', 'Expenditure (USD '000)'
        currency = _scales_currency(scales, shared_too=True)
    # the one currency the title rows' words name ('All amounts in USD'), where none is read or a name several
    # share is ('thousands of dollars', 'Budget ($)': the words say which)
    prose = None if currency is not None and not shared_codes(currency.value, words) else _prose_currency(
        [(text, place, once("named", text, place, lambda: _named_in_words(text, words)))
         for text, place in whole[:len(title_rows)]])
    if currency is None:  # else a title row that is a currency alone ('USD' merged over the amounts), as a label
        alone = {(code, number, text) for number, (labelled, text) in rows if not labelled
                 for code in [_currency_alone(text, words)] if code}
        if len({code for code, _, _ in alone}) == 1:
            code, number, text = min(alone, key=lambda found: found[1])
            may_be = shared_codes(code, words)
            if prose is None or prose.value in (may_be or (code,)):  # 'in KGS' above '$': neither
                currency = TitleValue(code, f"title row {number}", text, "a currency alone in the row")
                prose = prose if may_be else None
    if currency is not None:
        values["currency"] = currency
    places = [f"the title rows above the header (rows 1-{len(title_rows)})" if len(title_rows) > 1
              else "the title row above the header (row 1)" if title_rows else "the rows above the header (none)"]
    places += [f"the {place} {quoted(text)}" for text, place in names]
    looked = ", ".join(places[:-1]) + " and " + places[-1] if len(places) > 1 else places[0]
    return SheetContext(year, country.value if country else None, "; ".join(where), values,
                        looked, tuple(notes), scales, unplaced, prose)


def _currency_alone(text: str, words: dict[str, int]) -> str | None:
    """The currency a title row's text is alone ('USD', '(USD)', 'US dollars', '€', 'US$'): its code; a name
    several share as written ('$', 'dollars': `shared_codes` reads it); None for other text, a code in small
    letters ('kgs' may be kilograms) and a sign in letters ('DH' may be a department)."""
    token = clean_text(text).strip(WORD_EDGES + " ")
    folded = fold(token)
    named = getattr(words, "currencies", {}).get(folded)
    if isinstance(named, tuple):
        return token
    if isinstance(named, str):
        return named if folded != named.casefold() or token == named else None
    return None if token.isalpha() else sign_currency(token)


def _prose_currency(texts: list[tuple[str, str, set[str]]]) -> TitleValue | None:
    """The one currency title rows (text, place, the codes `_named_in_words`) name ('All amounts in USD', 'Montants
    en euros', 'in US dollars'); None where they name none, or two ('1 USD = 69.5 KGS')."""
    found: dict[str, tuple[str, str]] = {}
    for text, place, codes in texts:
        for code in sorted(codes):
            found.setdefault(code, (text, place))
    if len(found) != 1:
        return None
    code, (text, place) = next(iter(found.items()))
    return TitleValue(code, place, text, "the currency its words name", from_title_row=False)


def _named_in_words(text: str, words: dict[str, int]) -> set[str]:
    """The currencies a text names in its words: a code (in capitals), a name or a sign after 'in' ('All amounts in
    USD', 'Montants en euros', 'Budget in lei') or alone in brackets ('(USD)', '(€)'); not a letter sign ('(DH)' may
    be a department), a code elsewhere ('MAD – Mobilising Action', 'EUR 2.5 million grant') nor a word ('Euro Youth
    Partnership', 'seeds (kgs)'). A name several currencies share counts as each of them, wherever it stands, so a
    rate against a dollar names two ('1 $ = 69.5 KGS', '69.5 som per dollar')."""
    currencies = getattr(words, "currencies", {})
    amounts_in = getattr(words, "amounts_in", ())  # the language files' [scales.joining]: 'in', 'en', 'в'
    folded = scale_words(text)
    found = set()
    for name, code in currencies.items():
        if " " in name and isinstance(code, str) and name in folded:  # 'us dollars': one word, its code's
            folded = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", f"={code}=", folded)
    tokens = folded.split()
    capitals = set(re.findall(r"(?<![^\W\d_])[A-Z]{3}(?![^\W\d_])", text))  # the codes written in capitals
    mentioned = set()  # every currency named, wherever: two (a rate, 'in KGS and USD') name none
    for index, written in enumerate(tokens):
        token = written.strip(WORD_EDGES)
        value = currencies.get(token)
        if isinstance(value, tuple):
            mentioned.update(value)
            continue
        code = (token[1:-1] if re.fullmatch(r"=[A-Z]{3}=", token) else value if isinstance(value, str)
                else None if token.isalpha() else SIGN_CODES.get(token))
        if code is None or token == code.lower() and code not in capitals:
            continue  # a code in capitals only: 'kgs' may be kilograms
        mentioned.add(code)
        alone = written.startswith("(") and written.rstrip(".,;:").endswith(")")
        if alone or index and tokens[index - 1].strip(WORD_EDGES) in amounts_in:  # '(in USD)' too
            found.add(code)
    return found if len(mentioned) == 1 else set()


def _scales_currency(scales: tuple[Scale, ...], shared_too: bool = False) -> TitleValue | None:
    """The currency the scale words of the title rows and names stand beside, where they name one; `shared_too`:
    else the name several share they stand beside ('thousands of dollars': a cell of KGS disagrees, one of USD
    says which; no Currency column, and every row is refused naming the dollars it may be)."""
    codes = {scale.currency for scale in scales if scale.currency}
    names = {scale.shared for scale in scales if scale.shared}
    if not codes and len(names) == 1 and shared_too:
        scale = next(scale for scale in scales if scale.shared)
        return TitleValue(scale.shared, scale.place, scale.text, "the currency named with its scale words",
                          from_title_row=scale.place.startswith("title row"))
    if len(codes) != 1:
        return None
    scale = next(scale for scale in scales if scale.currency)  # a name's fills a Currency cell, and is no check
    return TitleValue(scale.currency, scale.place, scale.text, "the currency named with its scale words",
                      from_title_row=scale.place.startswith("title row"))


def _segments(row: list[Any], labels: dict[str, str]) -> tuple[list[tuple[str, str, str]], str]:
    """A title row's labelled values ((field, label as written, value)) and the rest of its text."""
    texts = [clean_text(cell) for cell in row if not is_blank(cell)]
    labelled, plain = [], []
    index = 0
    while index < len(texts):
        text = texts[index]
        match = LABELLED.match(text)
        bare = normalise_marker(text.rstrip(" :："))
        if match and normalise_marker(match.group(1)) in labels:
            labelled.append((labels[normalise_marker(match.group(1))], match.group(1), match.group(2).strip()))
        elif bare in labels and index + 1 < len(texts):
            labelled.append((labels[bare], text.rstrip(" :："), texts[index + 1]))
            index += 1
        else:
            plain.append(text)
        index += 1
    return labelled, " ".join(plain)


# --- the country ----------------------------------------------------------------------------------------

def _country(rows, names: list[tuple[str, str]], reference: Reference, notes: list[str],
             named_in: Callable[[str, str, dict[str, str]], set[str]]) -> TitleValue | None:
    """The country the title rows' 'Country:' label, else one title row's or name's words name (`named_in`: the
    countries a text at a place names in a lookup, `_countries_named`, as read once for the sheet)."""
    for number, (labelled, _) in rows:
        for field_name, label, value in labelled:
            said = f"{label}: {value}"
            if field_name == "level":
                if value.casefold() == GLOBAL.casefold():
                    return TitleValue(GLOBAL, f"title row {number}", said)
                continue
            if field_name != "country":
                continue
            folded = " ".join(value.split()).casefold()
            if folded not in reference.world_lookup:
                folded = fold(value)  # a language's name, kept without its accents ('tunez' for 'Túnez')
            if folded in reference.country_lookup:
                found = reference.country_lookup[folded]
                return TitleValue(reference.countries.get(found, found), f"title row {number}", said)
            if folded in reference.world_lookup:
                return TitleValue(reference.world_names[reference.world_lookup[folded]], f"title row {number}", said)
            notes.append(f"the title row {number} {quoted(said)} names no country the reader knows, so no country was "
                         "taken from it")
    places = [(text, f"title row {number}", True) for number, (_, text) in rows] + [
        (text, place, False) for text, place in names]
    for lookup, names_of in ((reference.country_lookup, reference.countries),
                             (reference.world_lookup, reference.world_names)):
        for text, place, title_row in places:
            if not title_row and lookup is reference.country_lookup \
                    and re.split(r"\W+", text.strip().casefold())[0] == GLOBAL.casefold():
                return TitleValue(GLOBAL, place, text, from_title_row=False)  # GLOBAL.xlsx
            named = named_in(text, place, lookup)
            if len(named) == 1:
                iso3 = next(iter(named))
                return TitleValue(names_of.get(iso3, iso3), place, text, from_title_row=title_row)
            if len(named) > 1:
                notes.append(f"the {place} {quoted(text)} names {len(named)} countries, "
                             + " and ".join(sorted(names_of.get(iso3, iso3) for iso3 in named))
                             + ", so no country was taken from it")
                return None
    return None


def _countries_named(text: str, lookup: dict[str, str], reference: Reference) -> set[str]:
    """The countries (ISO-3) `text` names as words of their own, once the programme's title and short title
    are taken out; never GLOBAL."""
    texts = []
    for folding in (str.casefold, fold):  # as written, and without accents (a language's names are kept so)
        folded = " ".join(folding(text).translate(DASHES).split())
        for title in (reference.programme.title, reference.programme.short_title):
            own = " ".join(folding(title).translate(DASHES).split())
            if own:
                folded = folded.replace(own, " ")
        texts.append(folded)
    found = set()
    for spelling, iso3 in lookup.items():
        if iso3 != GLOBAL and len(spelling) > 3 and any(
                spelling in folded and re.search(rf"(?<!\w){re.escape(spelling)}(?!\w)", folded) for folded in texts):
            found.add(iso3)
    return found


# --- the period -----------------------------------------------------------------------------------------

def _period(rows, reference: Reference, notes: list[str]) -> dict[str, TitleValue]:
    candidates = []
    for number, (labelled, _) in rows:
        candidates += [(value, f"title row {number}", f"{label}: {value}")
                       for field_name, label, value in labelled if field_name in ("period", "year")]
    for number, (_, text) in rows:
        candidates += [(found.group(0), f"title row {number}", text) for found in PERIOD_IN_TEXT.finditer(text)]
    years = {(found.group(1)) for _, (_, text) in rows for found in YEAR.finditer(text)}
    if len(years) == 1:
        year = years.pop()
        number, text = next((number, text) for number, (_, text) in rows if year in text)
        candidates.append((year, f"title row {number}", text))
    for value, place, said in candidates:
        reading = read_period(value, reference)
        if reading is None:
            notes.append(f"the {place} {quoted(said)} names no period or year of the programme, so no period was "
                         "taken from it")
            continue
        found = {"period_text": TitleValue(value, place, said)}
        if reading.label is not None:
            found["period"] = TitleValue(reading.label, place, said, reading.note)
        if reading.programme_year is not None:
            label = reference.programme.year_label(reading.programme_year)
            note = reading.note or ("" if label == str(reading.programme_year) or reading.label
                                    else f"programme year {label}")
            found["programme_year"] = TitleValue(str(reading.programme_year), place, said, note)
        return found
    return {}


def read_period(text: str, reference: Reference) -> PeriodReading | None:
    """A period or year as written in a title or a header: a reporting period ('2015/16 H1', and '2016 H1'
    for the first half-year of programme year 2016), a span of months ('Jan–Dec 2016': the period it is,
    else the programme year it falls mostly in), a programme year ('2015/16') or a year ('2015'); None
    when it is none of these within the programme."""
    text = " ".join(clean_text(text).translate(DASHES).split())
    periods = reference.periods
    try:
        label = period_parser(reference)(text)
        return PeriodReading(label, periods[label].programme_year)
    except ValueProblem:
        pass
    match = re.fullmatch(r"(?i)(\d{4})\s*-?\s*([HQ])\s*([1-4])|([HQ])\s*([1-4])\s*-?\s*(\d{4})", text)
    if match:
        year, letter, number = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
            match.group(6), match.group(4), match.group(5))
        period = next((p for p in periods.values() if p.programme_year == int(year) and p.half == int(number)
                       and p.label.upper().endswith(f"{letter.upper()}{number}")), None)
        if period is None:
            return None
        return PeriodReading(period.label, period.programme_year,
                             f"read as {period.label}, {_span(period.start, period.end)}")
    match = MONTH_SPAN.fullmatch(text)
    if match and match.group(1).casefold() in MONTHS and match.group(3).casefold() in MONTHS:
        return _month_span(match, reference)
    match = re.fullmatch(r"(\d{4})\s*/\s*(\d{2}|\d{4})", text)
    if match and (int(match.group(1)) + 1) % 100 == int(match.group(2)[-2:]):
        year = int(match.group(1))
        return PeriodReading(None, year) if year in reference.programme.programme_years else None
    if re.fullmatch(r"\d{4}", text) and int(text) in reference.programme.programme_years:
        return PeriodReading(periods[text].label if text in periods else None, int(text))
    return None


def _month_span(match: re.Match, reference: Reference) -> PeriodReading | None:
    first_month, last_month = MONTHS[match.group(1).casefold()], MONTHS[match.group(3).casefold()]
    last_year = int(match.group(4))
    first_year = int(match.group(2)) if match.group(2) else last_year - (first_month > last_month)
    start = dt.date(first_year, first_month, 1)
    end = dt.date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    if end < start:
        return None
    period = next((p for p in reference.periods.values() if (p.start, p.end) == (start, end)), None)
    if period is not None:
        return PeriodReading(period.label, period.programme_year)
    programme = reference.programme
    overlaps = {year: (min(end, programme.year_end(year)) - max(start, programme.year_start(year))).days + 1
                for year in programme.programme_years}
    year = max(overlaps, key=overlaps.get)
    if overlaps[year] * 2 <= (end - start).days + 1:
        return None
    if (programme.year_start(year), programme.year_end(year)) == (start, end):
        return PeriodReading(None, year)
    return PeriodReading(None, year, f"{_span(start, end)} falls mostly in programme year "
                                     f"{programme.year_label(year)}, "
                                     f"{_span(programme.year_start(year), programme.year_end(year))}")


def _span(start: dt.date, end: dt.date) -> str:
    return f"{start:%b %Y}–{end:%b %Y}"


def period_of_values(text: str, reference: Reference) -> tuple[str, str] | None:
    """The reporting period the values under a header naming `text` ('2015', '2015/16 H1') are of, and how it
    was read where not word for word: a year is its programme year's last period (the year's target is the
    target at its end)."""
    reading = read_period(text, reference)
    if reading is None:
        return None
    if reading.label is not None:
        return reading.label, reading.note
    last = [p for p in reference.periods.values() if p.programme_year == reading.programme_year][-1]
    return last.label, (f"the last period of programme year {reference.programme.year_label(reading.programme_year)}"
                        f", {_span(last.start, last.end)}")


# --- the currency ---------------------------------------------------------------------------------------

def _currency_code(value: str) -> str:
    """'USD', 'usd' -> USD; 'US$', 'us$', '€' -> their code; anything else as written, a bare '$' too (any dollar:
    the currency parser then names it, or refuses it naming the currencies it may be)."""
    text = value.strip()
    if re.fullmatch(r"[A-Za-z]{3}", text):
        return text.upper()
    return sign_currency(text) or text


# --- the scale --------------------------------------------------------------------------------------------

def _bounded(words: str) -> str:
    """A pattern of `words` as words of their own: no letter or digit against an end that is one; a sign not after
    a digit ("1'000" is a number, "USD'000" a scale); digits after a word, a currency sign, a bracket or nothing
    ('USD 000', '€000', '(000s)', not '2015-000'), in the plural too ('000s')."""
    if words[0].isdigit():  # after a word, a currency sign, a bracket, a colon or a comma (the amount check aside)
        before = r"(?:(?<=[^\W\d_]\s)|(?<=[(:,$€£¥₽']\s)|(?<=[($€£¥₽'])|^)"
    else:
        before = r"(?<!\w)" if words[0].isalnum() else r"(?<!\d)"
    after = r"(?:'?s)?(?!\w)" if words[-1].isdigit() else r"(?!\w)" if words[-1].isalnum() else ""  # '000s
    return before + re.escape(words) + after


AMOUNT_BEFORE = re.compile(r"(\d[\d\s.,']*)$")


CURRENCY_SIGN = re.compile(r"[$€£¥₽]")
DASH_MARKS = "-" + "".join(map(chr, DASHES))  # between a currency and its scale ("USD – '000"), as a comma is
WORD_EDGES = "()[],;:."  # what may stand against a currency beside a scale word: '(usd)', 'kgs,'
NEAR = 48  # characters either side of a scale word a currency beside it is looked for in (a name is shorter)
# Signs a title's word may be otherwise, without their dot: Romanian 'din' (of), 'FR' (a French version), a letter
OTHER_WORDS = ("din.", "дин.", "Fr.", "р.")
# Signs spelt out, beside a scale ('dh', 'dt', 'руб', 'us$') -> their code; a bare '$' is any dollar
SIGN_CODES = {fold(sign).rstrip("."): code for sign, code in CURRENCY_SIGNS.items()
              if sign != "$" and sign not in OTHER_WORDS}


def _found(word: str, folded: str, currencies: dict[str, str | tuple[str, ...]] | None = None,
           between: tuple[str, ...] = ()) -> list[re.Match]:
    """Where `word` stands in `folded` as a scale: as words of its own, and not after an amount ('1.2 millions',
    'KGS 150 000 тыс' are amounts; a year before it, 'Budget 2016 thousands USD', is no amount); with
    `currencies`, only beside one of them or a currency sign ('USD million', 'in thousand US$')."""
    found = _currency_between(word, folded, currencies, between) if currencies is not None else []
    for match in _standing(word, folded):
        if currencies is not None and not _beside_currency(folded[:match.start()], folded[match.end():], currencies,
                                                           between, match.group()):
            continue
        if currencies is not None and word.startswith("(") and re.search(r"\d", word) and not _bracket_ends(
                folded[match.end():], currencies):
            continue  # '(1000 usd each)', '(1,000 usd, 5,000 usd)': amounts
        found.append(match)
    return found


def _standing(word: str, folded: str) -> list[re.Match]:
    """Where `word` stands in `folded` as words of its own (`_bounded`), not after an amount (`_after_amount`)."""
    if word not in folded:
        return []
    return [match for match in re.finditer(_bounded(word), folded) if not _after_amount(folded[:match.start()])]


def _after_amount(before: str) -> bool:
    """Whether text ends in an amount ('150', 'KGS 150 000'; a year, 'Budget 2016', is none, nor a period's
    figures, '2015/16', 'H1'), looked for in its last NEAR characters."""
    near = before.rstrip()[-NEAR:]
    number = AMOUNT_BEFORE.search(near)
    if number is None or re.fullmatch(r"(?:19|20)\d\d", number.group(1).strip(" .,'")):
        return False
    return not (number.start() and (near[number.start() - 1].isalpha() or near[number.start() - 1] in "/-"))


BRACKET_CLAUSE = re.compile(r"\s*([^();]*?)\s*(?:\)|;|,(?!\s*\d)|$)")  # '(1000 usd)' -> 'usd'


def _bracket_ends(after: str, currencies: dict[str, str | tuple[str, ...]]) -> bool:
    """Whether a bracketed figure ('(1000') is followed by its currency alone, then the bracket's end or a
    clause's: '(1000 usd)', '(1000 us dollars)', '(1000 usd; 2015)'; not '(1000 usd each)', '(1,000 usd, 5,000
    usd)'."""
    clause = BRACKET_CLAUSE.match(after)  # none where a bracket opens first: '(1,000 usd (kdh)'
    return clause is not None and (clause.group(1) in currencies or len(clause.group(1).split()) == 1)


FIGURE_PHRASE = re.compile(r"(\D+?)\s*(\d[\d\s.,']*s?)")  # 'unit: 1,000' -> 'unit:', '1,000'


def _currency_between(word: str, folded: str, currencies: dict[str, str | tuple[str, ...]],
                      between: tuple[str, ...]) -> list[re.Match]:
    """Where a figure phrase of `word` ('unit: 1,000', 'in 1000', '(1000') stands in `folded` with a currency
    between its words and its figure ('unit: usd 1,000', 'in us$ 1000', '(usd 1,000)'), the figure ending the
    phrase: not '(usd 1,000,000)' as thousands, nor '(usd 1,000.50)', '(usd 1000 each)', '(usd 1,000, 5,000)'."""
    parts = FIGURE_PHRASE.fullmatch(word)
    if parts is None or parts.group(2) not in folded:
        return []
    lead, figure = parts.groups()
    pattern = (_bounded(lead) + r"\s*(?P<currency>[^\s\d]+)\s*" + re.escape(figure)
               + r"(?:'?s)?\s*(?=$|[)\]]|[,;](?!\s*\d))")
    return [match for match in re.finditer(pattern, folded)
            if _beside_currency("", match.group("currency"), currencies, between)
            and not _after_amount(folded[:match.start()])]


def _beside_currency(before: str, after: str, currencies: dict[str, str | tuple[str, ...]], between: tuple[str, ...],
                     word: str = "x") -> bool:
    """Whether the word or sign next to a scale word (`word`, `before` and `after` it, folded), past a word between
    ('thousands in usd'), is a currency: a code or name of `currencies` ('usd', 'dirhams', 'долл. сша', 'us
    dollars'), a currency sign, or a sign spelt out ('dh')."""
    before, after = _past_connectors(*_sides(before, after), word, between)
    beside = [token.strip(WORD_EDGES) for token in before.split()[-1:] + after.split()[:1]]
    if any(token in currencies or CURRENCY_SIGN.search(token) or token in SIGN_CODES for token in beside):
        return True
    return bool(_names_beside(before, after, currencies))


def _sides(before: str, after: str) -> tuple[str, str]:
    """The text either side of a scale word a currency beside it is looked for in: NEAR characters, without the
    punctuation against the word ('thousands, usd)' -> 'usd)')."""
    return before[-NEAR:].rstrip(WORD_EDGES + DASH_MARKS + " "), after[:NEAR].lstrip(WORD_EDGES + DASH_MARKS + " ")


def _names_beside(before: str, after: str, currencies: dict[str, str | tuple[str, ...]]) -> list[str]:
    """The codes of the currency names of two words or more `after` starts or `before` ends with ('us dollars',
    'долл. сша')."""
    return [code for name, code in currencies.items() if " " in name and isinstance(code, str) and (
        after.startswith(name) and re.match(re.escape(name) + r"(?!\w)", after)
        or before.endswith(name) and re.search(r"(?<!\w)" + re.escape(name) + "$", before))]


def _all_found(words: dict[str, int], folded: str) -> list[tuple[str, int, re.Match]]:
    """Every scale word of `words` (ScaleWords: with those said beside a currency only) found in `folded`."""
    beside = getattr(words, "beside", {})
    currencies = getattr(words, "currencies", {})
    between = getattr(words, "between", ())
    return [(word, power, match) for table, near in ((words, None), (beside, currencies))
            for word, power in table.items() for match in _found(word, folded, near, between)]


def _scales(text: str, place: str, words: dict[str, int], columns: tuple[str, ...] = ()) -> list[Scale]:
    """The scales `text` names (the longest words of each scale found first)."""
    found: dict[int, str] = {}
    folded = scale_words(text)
    taken = _Spans(len(folded))  # a word inside a longer one found is no other ('x 1 000' in 'x 1 000 000')
    currencies = getattr(words, "currencies", {})
    between = getattr(words, "between", ())
    named: dict[int, set[str]] = {}
    sharing: dict[int, set[str]] = {}
    inside: dict[int, set[str]] = {}
    for word, power, match in sorted(_all_found(words, folded), key=lambda item: -len(item[0])):
        if not taken.holds(*match.span()):
            found.setdefault(power, word)
            codes, names = _currencies_at(folded, match, currencies, between)
            named.setdefault(power, set()).update(codes)
            sharing.setdefault(power, set()).update(names)
            inside.setdefault(power, set()).update(  # 'kusd', 'en kdh': the scale's own, never a rate's alone
                code for part in match.group().split() if (code := _word_currency(part, currencies)[0]))
            taken.add(*match.span())
    words_at = _words(folded)  # 'USD 1=KGS 69.5': four words and the sign
    tokens = [word for word, _, _ in words_at if word not in EQUALS_WORDS]
    rate_ends = [hit.end() for rate in getattr(words, "rate", ()) for hit in re.finditer(_bounded(rate), folded)]
    listed, rates, figured = _listed(folded, words_at, currencies, taken, getattr(words, "equals", ()), rate_ends,
                                     set().union(*named.values()), getattr(words, "percent", ()))
    # those the amounts may be in beside a scale's own, an equation's only (Scale.of), those beside a rate's figure
    a_rate_s = rates | figured  # no amount's: "KGS '000; 1 USD = 69.5 KGS" says KGS, 'курс доллара 69' no dollar
    elsewhere = {code for token in tokens if isinstance(code := currencies.get(token), str)  # 'USD and EUR'
                 and code not in a_rate_s}  # a word of its own only: "l'euro : 10,9" is a rate's, maybe
    # "KGS '000 dollars": which? (a bare '$' elsewhere names none: 'KGS '000; 1 $ = 69.5 KGS', "EUR '000 ($)")
    shared = [set(codes) for token in tokens if isinstance(codes := currencies.get(token), tuple)
              and not CURRENCY_SIGN.fullmatch(token) and not set(codes) <= a_rate_s]
    scales = []
    for power, word in found.items():
        own = named[power] - (rates - inside[power])  # a rate's beside them is none: "in '000, USD 1 = KGS 69.5"
        currency = (next(iter(own)) if len(own) == 1 and elsewhere <= own and all(own <= codes for codes in shared)
                    else None)
        name = None
        may_be = set.intersection(*(set(currencies[name]) for name in sharing[power])) if sharing[power] else set()
        if not named[power] and may_be and elsewhere <= may_be:  # another currency named too: neither is said
            # 'thousands of dollars': JMD or USD; 'dollars (USD)', 'USD $000': USD ('converted from JMD': either)
            told = {code for index, token in enumerate(tokens) if _shared_part(token, currencies) in sharing[power]
                    for step in (-1, 1) if (code := currencies.get(_next_word(tokens, index, step, between))) in may_be}
            if len(told) == 1:
                currency = next(iter(told))
            else:
                name = min(sharing[power], key=lambda shared_name: (-len(shared_name), shared_name))  # 'dollars'
        beside = frozenset(own).union(
            *(currencies[shared_name] for shared_name in sharing[power]), listed if named[power] or sharing[power]
            else ())
        scales.append(Scale(power, place, text, word, columns, currency, name, beside))
    return scales


RATE_FIGURE = re.compile(r"\d+(?:\.\d{1,4}|,\d{1,2})")  # a rate's figure has decimals: '69.5', '10,9', '1.00'
A_FIGURE = re.compile(r"\d[\d.,']*")
A_NUMBER = re.compile(r"(?!(?:19|20)\d\d$)\d+(?:[.,]\d+)?")  # after a rate's word: '69', '69,5'; not '2015', a date
CLAUSE_MARKS = frozenset(",;:()[]")
RATE_CLAUSE_ENDS = frozenset(",;")  # a rate's clause ends ('exchange rate 87.5; Table 2'), not at 'rate used: 69'
EQUALS = "=≈~→"  # a rate's sign: '1 USD = 69.5 KGS', 'USD 1=KGS 69.5', '1 USD ~ 70 KGS'


def _words(folded: str) -> list[tuple[str, int, int]]:
    """A folded text's words without the marks at their edges (WORD_EDGES), each with where it starts and ends in
    the text; a rate's sign (EQUALS) is a word of its own ('usd 1=kgs 69.5': five words); a mark or a dash alone
    is none ('usd : 69.5', 'usd - 69.5': two words)."""
    return [(token.strip(WORD_EDGES), found.start() + len(token) - len(token.lstrip(WORD_EDGES)),
             found.end() - len(token) + len(token.rstrip(WORD_EDGES)))
            for found in re.finditer(rf"[{EQUALS}]|[^\s{EQUALS}]+", folded) for token in [found.group()]
            if token.strip(WORD_EDGES + DASH_MARKS)]


def _listed(folded: str, words: list[tuple[str, int, int]], currencies: dict[str, str | tuple[str, ...]],
            taken: _Spans, signs: Iterable[str] = (), rate_ends: Iterable[int] = (),
            scales_own: Iterable[str] = (), percent: Iterable[str] = ()) -> tuple[set[str], set[str], set[str]]:
    """The codes of the currencies a folded text's words (`_words`) name other than in a rate: those the amounts may
    be in, beside the scale's own ('USD or EUR '000', "'000 (KGS / USD)", 'USD for UNDP, EUR for the EU', "en
    milliers d'euros"); and those it names only in an equation, a rate's, whose currency is no amount's: a rate's
    sign beside it and a figure past the sign, or a figure between ('USD = 69.5', 'USD 1 =', '= 69.5 KGS': "'000,
    USD 1 = KGS 69.5"; not 'KGS = local costs', nor 'Total = USD or EUR'), with past the sign a currency, a figure
    with decimals, or a whole one ending its clause after '1 USD' or a currency not the scale's (`scales_own`: the
    codes beside its words): '= KGS 69.5', '= 69.5', '= 11 DH', '(1 USD = 87)', "KGS '000; USD=87"; not '= 2023
    budget', '= 12 months', 'KGS = 2,500' under 'thousands of KGS'); the sign may be a word (`signs`: '1 USD equals
    69.5 KGS'), with a currency past it and no clause mark from the currency to it (not 'KGS, equal to 2.5
    percent'). And those beside a rate's figure only, in its clause ('KGS; 1 USD': the '1' is the next currency's):
    a number but a year or a date after the end of a rate's word, two words at most between, up to its first figure
    (`rate_ends`: 'exchange rate used: 69 KGS', 'taux de change : 10 MAD'; not 'Annex 2 USD …, UN operational
    rate'), not listed with another currency ('rate 2 USD or EUR'): no amount's currency listed, nor one taken out
    of the scale's own. A currency beside a figure with decimals ('converted at 69.5 KGS', but 'Table 3.1 USD or
    EUR') is in none: no amount's listed, no rate's either; never beside the scale's own figure (`taken`: 'Unit: USD
    1.000'). A bare sign names none."""

    signs = EQUALS_WORDS.union(signs)
    own = set(scales_own)
    percent = tuple(percent)

    def word(at: int) -> str:
        return words[at][0] if 0 <= at < len(words) else ""

    def figure(at: int, pattern: re.Pattern) -> bool:
        text, start, end = words[at] if 0 <= at < len(words) else ("", 0, 0)
        return bool(pattern.fullmatch(text)) and not (end > start and taken.holds(start, end))

    def beside(index: int, at: int, marks: frozenset[str] = CLAUSE_MARKS) -> bool:
        """Whether words[index] and words[at] stand in one clause: no mark in a gap between the words from one to
        the other (a figure's own comma aside: 'EUR 1,00 equals')."""
        low, high = sorted((index, at))
        return 0 <= low and high < len(words) and not any(
            marks.intersection(folded[words[k][2]:words[k + 1][1]]) for k in range(low, high))

    def a_currency(at: int) -> bool:  # 'kgs', 'сом', a sign in letters, one against its figure: 'dh', 'j$155'
        text = word(at)
        return bool(text) and any(_word_currency(part, currencies) != (None, None)
                                  for part in (text, text.rstrip("0123456789.,'")))

    def codes_of(at: int) -> tuple[str, ...]:  # 'usd', "usd'000", "d'euros"; 'dollars': JMD and USD
        meaning = _meaning(word(at), currencies)
        return () if meaning is None else (meaning,) if isinstance(meaning, str) else meaning

    def ends_a_rate(at: int) -> bool:  # a figure ending its clause, or before a currency: not '2,500 units'
        return not beside(at, at + 1) or a_currency(at + 1)

    def a_percentage(at: int) -> bool:  # '%', 'percent', 'процентов' (`percent`: the units' words, folded)
        text = word(at)
        return bool(text) and beside(at - 1, at) and any(
            text == unit.split()[0] if " " in unit else text.startswith(unit) for unit in percent)

    def a_sign(index: int, sign: int, step: int) -> bool:  # words[sign] a rate's sign, the figures on step's side
        if word(sign) not in signs:
            return False
        past = [sign + k * step for k in (1, 2, 3)]
        if any(a_currency(at) for at in past):  # '= 69.5 KGS', '= 11 DH', 'equals J$155'
            return word(sign) in EQUALS_WORDS or beside(index, sign)  # not 'KGS, equal to 1.2 million USD'
        if word(sign) not in EQUALS_WORDS:  # a sign in words only before a currency: not 'equal to 2023 budget'
            return False
        return any(figure(at, RATE_FIGURE) and not a_percentage(at + 1) for at in past) or step == 1 and (
            figure(index - 1, A_FIGURE) or not own.intersection(codes_of(index))) and figure(
                sign + 1, A_NUMBER) and ends_a_rate(sign + 1)  # '(1 USD = 87)'; 'KGS = 2,500' under its scale: a total

    def in_equation(index: int) -> bool:  # 'USD =' a figure, or a figure between: not 'KGS = local costs'
        return any(a_sign(index, index + step, step) and (figure(index + 2 * step, A_FIGURE) or figure(
            index + 3 * step, A_FIGURE)) or figure(index + step, A_FIGURE) and a_sign(index, index + 2 * step, step)
                   for step in (-1, 1))

    def in_a_list(index: int, away: int) -> bool:  # 'USD or EUR', 'USD, EUR': the amounts', not a rate's
        return any(codes_of(at) and beside(index, at) for at in (index + away, index + 2 * away))

    after_a_rate = _after_a_rate(folded, words, rate_ends)
    free: set[str] = set()
    equations: set[str] = set()
    figured: set[str] = set()
    for index, (text, _, _) in enumerate(words):
        codes = codes_of(index)  # "usd'000", "d'euros": as 'usd', 'euros'
        if not codes or CURRENCY_SIGN.fullmatch(text):
            continue
        if in_equation(index):
            equations.update(codes)
        elif any(0 <= at < len(words) and beside(index, at) and after_a_rate[at] and figure(at, A_NUMBER)
                 and not in_a_list(index, index - at) for at in (index - 1, index + 1)):
            figured.update(codes)  # 'exchange rate used: 69 KGS'
        elif not any(beside(index, at, RATE_CLAUSE_ENDS) and figure(at, RATE_FIGURE) for at in (index - 1, index + 1)):
            free.update(codes)  # else a rate's, maybe: 'converted at 69.5 KGS' ('Table 3.1 USD or EUR')
    return free, equations - free, figured - free - equations


EQUALS_WORDS = frozenset(EQUALS)


def _meaning(word: str, currencies: dict[str, str | tuple[str, ...]]) -> str | tuple[str, ...] | None:
    """What a title's word (`_words`) names as a currency: its code, or the codes a name several share may be; a
    currency joined to its scale or after an apostrophe too ("usd'000", "d'euros")."""
    return currencies.get(word) or currencies.get(_sign_parts(word)[1]) or currencies.get(word.split("'")[-1])


def _after_a_rate(folded: str, words: list[tuple[str, int, int]], rate_ends: Iterable[int]) -> list[bool]:
    """For each word (`_words` of `folded`), whether two words at most stand between it and a rate's word's end,
    up to its first figure and within its clause ('rate used: 69', 'taux de change : 10'; not 'Table 2' in
    'exchange rate 87.5; Table 2 USD'): one pass over the words."""
    ends = sorted(rate_ends)
    after, passed, since, edge = [], 0, None, 0  # since: the words counted since the last rate's word ended
    for text, start, end in words:
        while passed < len(ends) and ends[passed] <= start:
            since, edge, passed = 0, max(edge, ends[passed]), passed + 1
        if since is not None and RATE_CLAUSE_ENDS.intersection(folded[edge:start]):
            since = None
        after.append(since is not None and since <= 2)
        if since is not None:
            since = None if A_FIGURE.fullmatch(text) else since + 1
        edge = max(edge, end)
    return after


def _next_word(tokens: list[str], index: int, step: int, between: tuple[str, ...]) -> str:
    """The word before (`step` -1) or after (1) tokens[index], past a dash, a slash or a word between a currency
    and its name ('dollars – USD', 'dollars / USD', 'dollars (in USD)'): three tokens at most; '' for none."""
    for at in range(index + step, index + 4 * step, step):
        if not 0 <= at < len(tokens):
            return ""
        word = tokens[at].strip(WORD_EDGES + DASH_MARKS + "/|")
        if word and word not in between:
            return word
    return ""


class _Spans:
    """Spans of a text of `length` characters, asked whether one of them holds a span: each question and each
    span added in log(length) steps (a Fenwick tree of the furthest end among spans starting at or before a
    place), so a long cell of scale words ('k€,' 10,000 times) is read in n·log(n), not n²."""

    def __init__(self, length: int) -> None:
        self._ends = [-1] * (length + 2)

    def add(self, start: int, end: int) -> None:
        place = start + 1
        while place < len(self._ends):
            self._ends[place] = max(self._ends[place], end)
            place += place & -place

    def holds(self, start: int, end: int) -> bool:
        """Whether a span added starts at or before `start` and ends at or after `end`."""
        place, furthest = start + 1, -1
        while place > 0:
            furthest = max(furthest, self._ends[place])
            place -= place & -place
        return furthest >= end


def _unplaced(text: str, place: str, words: dict[str, int]) -> list[Scale]:
    """The first word of `text` said to be a scale beside a currency only that stands beside none, at the end of
    the text or of a clause, where `text` names no scale ('Expenditure, thousands', 'Budget 2016 thousands'; the
    figures, 'in 1000', aside): it may be one, so the reader says the amounts are read as written."""
    folded = scale_words(text)
    currencies = getattr(words, "currencies", {})
    for word, power in sorted(getattr(words, "beside", {}).items(), key=lambda item: -len(item[0])):
        if re.search(r"\d", word):
            continue
        for match in _standing(word, folded):
            rest = folded[match.end():].lstrip()
            if rest and rest[0] not in CLAUSE_ENDS:  # 'One Million Women', 'thousands of youth': a name, prose
                continue
            if not _beside_currency(folded[:match.start()], folded[match.end():], currencies,
                                    getattr(words, "between", ()), match.group()):
                return [Scale(power, place, text, word)]
    return []


CLAUSE_ENDS = ")],;:.–-/|'\"»”"  # what may follow a scale word ending a clause ('Expenditure, thousands – 2015')
# the words between scale words and their currency, or before them: 'thousands of KGS', 'milliers de dirhams',
# "milliers d'euros", "in '000", 'в тыс. сом', 'en k€' (folded: Romanian 'în' is 'in')
def _currencies_at(folded: str, match: re.Match, currencies: dict[str, str | tuple[str, ...]],
                   between: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """The currencies scale words found at `match` name ('en kdh', 'kusd', '(usd 1,000') or stand beside ("usd
    '000", 'thousands usd', 'thousands of kgs', 'тысяч долл. сша'), by code: a bare '$' or 'k$' names none (any
    dollar); and the names several currencies share they hold or stand beside ('thousands of dollars', 'k$' ->
    'dollars', '$'). Looked for in the word they are in, the one either side (past a connector), and a name of
    several words either side."""
    near_before, near_after = folded[max(0, match.start() - NEAR):match.start()], folded[match.end():match.end() + NEAR]
    whole = near_before.split(" ")[-1] + match.group() + near_after.split(" ")[0]  # the word it is in: "(us$000)"
    before, after = _past_connectors(*_sides(near_before, near_after), match.group(), between)  # NEAR each side
    words = match.group().split() + [whole] + before.split()[-1:] + after.split()[:1]
    read = [_word_currency(word, currencies) for word in words]
    codes = {code for code in [code for code, _ in read] + _names_beside(before, after, currencies) if code}
    return codes, {name for _, name in read if name}


def _past_connectors(before: str, after: str, word: str, between: tuple[str, ...]) -> tuple[str, str]:
    """The text either side of scale words (`_sides`) past a word between them and a currency (`between`: the
    language files' [scales.joining]):
    'kgs in' before "'000" -> 'kgs'; 'of kgs' after 'thousands' -> 'kgs', "d'euros" -> 'euros' (not where the scale
    words end in one: 'thousands of')."""
    last = before.rsplit(maxsplit=1)
    if last and last[-1] in between and word.split()[0] not in between:
        before = last[0] if len(last) > 1 else ""
    first = after.split(maxsplit=1)
    if first and first[0] in between and word.split()[-1] not in between:
        after = first[1] if len(first) > 1 else ""
    if after[:2] == "d'":
        after = after[2:]
    return before, after


def _sign_code(token: str, currencies: dict[str, str | tuple[str, ...]]) -> str | None:
    """The currency one word names: a code or name ('usd', 'dirhams'), a sign ('dh', 'us$', '€'), one after a
    scale letter ('kusd', 'kdh', 'mmad') or before a scale in figures ('€000', "usd'000"). A name several
    currencies share ('dollars', 'dinars': a list in a language's [currencies], their codes in `currencies`) names none,
    as a bare '$' does."""
    return _word_currency(token, currencies)[0]


def _shared_part(token: str, currencies: dict[str, str | tuple[str, ...]]) -> str | None:
    """The name several currencies share that one word is, or holds beside its scale ('$000', 'k$' -> '$'), where
    `_sign_code` finds it (and so names no code); None for another word."""
    return _word_currency(token, currencies)[1]


def _word_currency(token: str, currencies: dict[str, str | tuple[str, ...]]) -> tuple[str | None, str | None]:
    """The currency one word names (`_sign_code`), or the name several share it is or holds (`_shared_part`)."""
    for part in _sign_parts(token):
        if part in SIGN_CODES:
            return SIGN_CODES[part], None
        if part in currencies:
            code = currencies[part]
            return (code, None) if isinstance(code, str) else (None, part)
    return None, None


def _sign_parts(token: str) -> tuple[str, ...]:
    """Where in one word a currency may stand: the word, or what is left beside its scale ('kusd', '€000')."""
    token = token.strip(WORD_EDGES)
    return (token, re.sub(r"'?0{3}'?s?$", "", token), token[1:] if token[:1] in "km" else "",
            token[2:] if token[:2] == "mm" else "")


def group_scales(top: list[Any], sub: list[Any], spans: dict[int, int], columns: dict[str, int],
                 words: dict[str, int]) -> tuple[Scale, ...]:
    """The scales the group cells of a stacked header name ("USD '000" merged over Budget and Expenditure), each
    of the columns (keys of `columns`: key -> position) it stands over."""
    labels = group_labels(top, sub, spans)
    under: dict[str, list[str]] = {}
    for key, position in columns.items():
        if position in labels:
            under.setdefault(labels[position], []).append(key)
    return tuple(scale for label, keys in under.items()
                 for scale in _scales(label, "group header", words, tuple(keys)))


def scale_of_another(scales: Iterable[Scale], codes: set[str], said: set[str] = frozenset()) -> Scale | None:
    """Of the scales said of an amount column, the one whose words stand beside currencies (`Scale.of`) none of
    `codes` (a row's currency, or those a name several share may be) is: its amount is no number of thousands of
    them. A header's own goes before a group header's, and that before a title's ("Budget (KGS '000)" under
    "Expenditure ($000); exchange rate used: 69.5 KGS"); a sheet's or file's name's is none (its currency is no
    check either); nor is one whose currencies hold all the sheet's (`said`: the check of its Currency cells says
    a row in another). None where none is."""
    checked = [scale for scale in scales if scale.of and not scale.place.endswith(" name")]
    for place in ("header", "group header"):
        if any(scale.place == place for scale in checked):
            checked = [scale for scale in checked if scale.place == place]
            break
    return next((scale for scale in checked if not codes & scale.of and not (said and said <= scale.of)), None)


def scale_of_another_expected(scale: Scale, stated: str, source: str, fix: str) -> str:
    """What a problem says of an amount whose row's currency (`stated`, as said; `source`: whence) is none of those
    its scale's words stand beside (`scale_of_another`), and how to mend it (`fix`)."""
    return f"an amount in {' or '.join(sorted(scale.of))}, as {scale.said()}, not in {stated} ({source}): {fix}"


def unclear_scale_expected(unclear: str) -> str:
    """What a problem says of an amount whose column two scales are said of (`unclear`: SheetContext.scale_unclear)."""
    return (f"an amount of one scale, but {unclear}: keep the words that are true, or take them all out if the amounts "
            "are whole")


def whole_amount(value: Any, amount: Decimal, power: int, said: str) -> Decimal:
    """An amount as meant: as written, times the scale said of its column (`power`: 3 for thousands; `said`: by
    whom, for a message). A cell whose number format shows it in thousands (ScaledShown, '#,##0,') already
    holds the whole amount, which such a title describes; one whose format follows it with a sign for thousands
    (SuffixShown, '150 K') holds the number of thousands. A format and a title saying two scales refuse it."""
    if isinstance(value, (ScaledShown, SuffixShown)):
        if power and power != value.power:
            raise ValueProblem(value, f"an amount of one scale, but its number format shows it in {value.scale} and "
                                      f"{said}: format the cell as the title says, or correct the title")
        power = 0 if isinstance(value, ScaledShown) else value.power
    whole = amount.scaleb(power)
    if power and whole >= MONEY_LIMIT:
        raise ValueProblem(value, f"an amount below 10^16 once read times {10 ** power:,}")
    return whole


def label_currency(value: str, reference: Reference) -> str:
    """The currency a title's currency label names ('Currency: KGS '000' -> KGS): its value without the scale
    words (`_without_scale`), or the currency they name where that is all it says or what is left is no currency
    ('k€', 'kUSD' -> EUR, USD; 'US$000' -> USD, not 'us'); the name several currencies share where the scale words
    hold one and it is all they say ('$000', 'k$' -> '$'); else as written: the currency parser refuses both,
    naming the currencies a shared name may be."""
    rest = _without_scale(value, reference.scale_words)
    code = _label_code(rest, reference.currency_names)
    named = {scale.currency for scale in _scales(value, "", reference.scale_words)}
    if len(named) == 1 and None not in named and (
            not rest or code in named or not (code in ISO_CURRENCIES or fold(code) in reference.currency_names)):
        return named.pop()
    if not rest and named == {None}:
        currencies = getattr(reference.scale_words, "currencies", {})
        return next((name for word in scale_words(value).split() if (name := _shared_part(word, currencies))),
                    value.strip())
    return code if rest else value.strip()


def _label_code(text: str, names: dict[str, str | tuple[str, ...]]) -> str:
    """A currency label's value without its scale as a code: a code ('usd' -> USD) or a sign ('€'); a currency's
    name in any language (`names`: 'сом', 'som' -> KGS, whatever the sheet's language); the same currency said
    twice, once in brackets ('KGS (som)', 'US dollars (USD)', '$ (USD)' -> KGS, USD, USD); a name several
    currencies share as written ('dollars': the currency parser refuses it, naming them); else as written."""
    text = text.strip()
    named = names.get(fold(text))
    if named is not None:
        return named if isinstance(named, str) else text
    inside = BRACKETED.findall(text)
    outside = BRACKETED.sub(" ", text).strip()
    if inside and outside:
        may_be = [{named} if isinstance(named := names.get(fold(part)), str) else set(named or ()) or (
            {code} if (code := _currency_code(part)) in ISO_CURRENCIES else set()) for part in [outside, *inside]]
        agreed = set.intersection(*may_be)
        if len(agreed) == 1:
            return agreed.pop()
    return _currency_code(text)


def _without_scale(value: str, words: dict[str, int]) -> str:
    """A currency label's value without its scale words, as `_scales` finds them ("KGS '000" -> 'kgs', 'thousands of
    KGS' -> 'kgs', 'MDL (în mii)' -> 'mdl'), folded; as written where it has none."""
    folded = scale_words(value)
    spans = _scale_spans(folded, words)
    if not spans:
        return value
    for start, end in sorted(spans, reverse=True):
        folded = folded[:start] + " " + folded[end:]
    connectors = "(?:" + ("|".join(map(re.escape, getattr(words, "between", ()))) or "(?!)") + ")"  # none: no match
    folded = re.sub(rf"\(\s*(?:{connectors}\s*)*\)", " ", folded)  # "USD (in '000)" -> 'usd
    return re.sub(rf"^(?:\s*{connectors}\s+)+|(?:\s+{connectors})+\s*$", "", " ".join(folded.split())).strip(" ,;-")


def _scale_spans(folded: str, words: dict[str, int]) -> list[tuple[int, int]]:
    """Where `folded`'s scale words stand (`_all_found`), the longest first, each place once."""
    found = sorted({m.span() for _, _, m in _all_found(words, folded)}, key=lambda s: s[0] - s[1])
    return _apart(found)


def _apart(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans (of words found) that overlap none kept before them, in their order; kept by their start, each
    one's neighbours alone looked at, so a long cell of scale words is read in n·log(n) steps, not n²."""
    kept: list[tuple[int, int]] = []  # by start: none overlaps another
    order: list[tuple[int, int]] = []
    for start, end in spans:
        at = bisect.bisect_left(kept, (start, end))
        if (at == 0 or kept[at - 1][1] <= start) and (at == len(kept) or end <= kept[at][0]):
            kept.insert(at, (start, end))
            order.append((start, end))
    return order


# --- the column a value fills ---------------------------------------------------------------------------

FIELD_OF_KIND = {spec.COUNTRY: "country", spec.PERIOD: "period", spec.PROGRAMME_YEAR: "programme_year",
                 spec.CURRENCY: "currency"}
FIELD_OF_TEXT_COLUMN = {"country": "country", "period": "period_text"}  # an indicator table's, as written


def title_field(column: spec.Column) -> str | None:
    """The field of SheetContext.values that gives `column`, if any."""
    return FIELD_OF_KIND.get(column.kind) or (FIELD_OF_TEXT_COLUMN.get(column.key) if column.kind == spec.TEXT
                                              else None)


def title_value_for(column: spec.Column, context: SheetContext) -> TitleValue | None:
    """What the title block gives `column`, if anything."""
    name = title_field(column)
    return context.values.get(name) if name else None


# Columns whose empty cells the title row's value fills, where the sheet has them: a Currency cell left empty
# would otherwise be read in the default currency (etl/transform.py, Derivations.fill; the fast lane reads such
# rows cell by cell)
FILLED_FROM_THE_TITLE = ("currency",)


def title_checks(sheet_spec: spec.Sheet, context: SheetContext, absent: set[str] = frozenset()
                 ) -> dict[str, TitleValue]:
    """The title rows' values each row's cell of a column the sheet has must agree with, by column key."""
    given = {c.key: title_value_for(c, context) for c in sheet_spec.columns if c.key not in absent}
    return {key: value for key, value in given.items() if value is not None and value.from_title_row}


def header_currencies(sheet_spec: spec.Sheet, headers: dict[str, str], words: dict[str, int]
                      ) -> dict[str, tuple[str, str]]:
    """The currency each amount column's header names in brackets, by a code or a sign (conventions.
    bracket_currency: 'Budget (USD)', 'Бюджет (USD)', 'Montant (DH)'; its group label's too: 'Amounts (EUR) ·
    Budget'), or its scale words name (`words`: "Budget (USD '000)", "USD '000 · Budget") -> (the code, the header
    as written): its amounts are in that currency, as a title row's 'Currency: USD' says of every amount. Where
    it names a name several currencies share ('Budget ($)', 'Budget (thousands of dollars)'), that name, as
    written: a row's Currency cell says which (`shared_codes`), and one naming another disagrees."""
    found = {}
    for column in sheet_spec.columns:
        if column.kind == spec.MONEY and column.key in headers:
            text = headers[column.key]
            code = bracket_currency(text) or bracket_name(text, words)
            if code is None:
                named = _scales_currency(tuple(_scales(text, "header", words)), shared_too=True)
                code = named.value if named else None
            if code:
                found[column.key] = (code, text)
    return found


def bracket_name(text: str, words: dict[str, int] | None) -> str | None:
    """The currency a header names alone in brackets by a name (`words`' currencies, any language's): its code
    ('Budget (US dollars)', 'Presupuesto (euros)'); a name several share as written ('Budget ($)', 'Presupuesto
    (dólares)': JMD or USD, `shared_codes`). None for another header (a code in small letters: '(kgs)' may be
    kilograms), or one naming two."""
    found = {code for inside in BRACKETED.findall(unicodedata.normalize("NFKC", text))
             for code in [_currency_alone(inside, words)] if code}  # a code or a sign: conventions.bracket_currency's
    return found.pop() if len(found) == 1 else None


def besides_bracket_scale(text: str, words: dict[str, int]) -> list[str] | None:
    """The words a header's brackets after its name hold beside the scale they name and its currency ('2016' in
    "Budget (2016, '000)"), folded; None where they name no scale. A header whose brackets name a scale with none
    beside it ("Budget (USD '000)", 'Gastos (miles de USD)', 'Expenditure (thousands)') is read as its column, the
    scale as its amounts' (`header_scales`); "Budget (2016, '000)" (a year: whose?) and 'Budget (in thousands of
    beneficiaries)' are no such header."""
    for bracket in HEADER_BRACKET.findall(unicodedata.normalize("NFKC", text)):
        scales = _scales(bracket, "header", words)
        if scales:
            left, codes = _besides_scale(bracket, words)
            if len(codes) == 1 and not any(scale.currency in codes for scale in scales):
                left = list(dict.fromkeys(left + sorted(codes)))  # not beside the scale: "(usd dollars '000)"
            return left
    return None


HEADER_BRACKET = re.compile(r"\([^()]{1,200}\)\s*$")  # a header's last bracket; a longer one is prose, no scale


def _besides_scale(text: str, words: dict[str, int]) -> tuple[list[str], set[str]]:
    """The words of `text` that are neither its scale words, nor a currency, nor a word between them ('of', 'in'):
    '2016' in "(2016, '000)", 'beneficiaries' in '(in thousands of beneficiaries)', each once, folded, with the codes
    where it names two currencies ("(USD EUR '000)"); and the codes of the currencies it names."""
    folded = scale_words(text)
    currencies = getattr(words, "currencies", {})
    scale = bytearray(len(folded))  # 1 where a scale word or a currency's name of several words stands
    codes: set[str] = set()
    shared: dict[str, tuple[str, ...]] = {}  # 'dollars' -> the codes it may be
    for start, end in _scale_spans(folded, words):
        scale[start:end] = b"\x01" * (end - start)
    for name, code in currencies.items():
        if " " in name and name in folded:
            for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", folded):
                scale[match.start():match.end()] = b"\x01" * (match.end() - match.start())
                codes.add(code) if isinstance(code, str) else shared.setdefault(name, code)
    left: list[str] = []
    for token in re.finditer(r"\S+", folded):
        rest = "".join(char for index, char in enumerate(token.group(), token.start()) if not scale[index])
        rest = rest.strip(WORD_EDGES + DASH_MARKS + "'")  # "(USD – '000)": a dash between them is no word
        code = _sign_code(token.group(), currencies) or _sign_code(rest, currencies)
        if code:
            codes.add(code)
        elif rest and all(CURRENCY_SIGN.fullmatch(char) for char in rest):
            continue  # a bare '$' beside a code ("(EUR '000 $)") names no other
        elif isinstance(currencies.get(rest), tuple):
            shared.setdefault(rest, currencies[rest])
        elif rest and rest not in getattr(words, "between", ()) and rest not in currencies:
            left.append(rest)
    if len(codes) > 1 or any(not codes <= set(may_be) for may_be in shared.values()):  # "(USD EUR '000)"
        left += sorted(codes) + list(shared)
    return list(dict.fromkeys(left)), codes


def with_headers(context: SheetContext, sheet_spec: spec.Sheet, headers: dict[str, str], cells: dict[str, str],
                 words: dict[str, int]) -> SheetContext:
    """The context of a table under its header: the scales its amounts' own header cells name (`cells`: "Budget
    (USD '000)"), and the currency its amounts' headers name (`headers`, with their group labels), in place of
    those of a header before it (a table above's)."""
    values = {key: value for key, value in context.values.items() if value.place != "header"}
    scales = tuple(scale for scale in context.scales if scale.place != "header")
    if "currency" not in values:  # a name's, which a header's had gone before ('Expenditure (USD '000)')
        named = _scales_currency(tuple(scale for scale in scales if scale.place != "group header"), shared_too=True)
        values.update({"currency": named} if named else {})
    context = replace(context, values=values, scales=scales + header_scales(sheet_spec, cells, words))
    return with_header_currency(context, header_currencies(sheet_spec, headers, words), words)


def header_scales(sheet_spec: spec.Sheet, cells: dict[str, str], words: dict[str, int]) -> tuple[Scale, ...]:
    """The scales an amount column's own header cell names ("Budget (USD '000)", 'Expenditure (thousands)'), each
    of that column only (`cells`: key -> the header row's cell as written)."""
    return tuple(scale for column in sheet_spec.columns if column.kind == spec.MONEY and column.key in cells
                 for scale in _scales(cells[column.key], "header", words, (column.key,)))


def currency_codes(text: str, words: dict[str, int] | None) -> set[str]:
    """The currencies a row's or a title's currency as written may be: a name several share's (`shared_codes`:
    '$' -> JMD, USD), else itself ('KGS')."""
    return set(shared_codes(text, words) or (text,))


def shared_codes(text: Any, words: dict[str, int] | None) -> tuple[str, ...]:
    """The currencies a name or sign several share may be ('dollars', '$', 'долларов' -> JMD, USD), in any
    language (`words`' currencies); () for another text."""
    codes = getattr(words, "currencies", {}).get(fold(clean_text(text)))
    return codes if isinstance(codes, tuple) else ()


def with_header_currency(context: SheetContext, found: dict[str, tuple[str, str]],
                         words: dict[str, int] | None = None) -> SheetContext:
    """The context with the currency the amounts' headers name (`header_currencies`), where the title names none
    and the headers one: a Currency column's cells are checked against it, its empty cells filled with it, and a
    sheet without one read in it (etl/transform.py), as under a title row's 'Currency: USD'. A title naming
    another leaves the title's, and each amount under such a header is refused (Derivations); a title's name
    several currencies share (`words`' currencies) gives way to a header naming one of them ('in thousands of
    dollars' over 'Budget (USD)'). A header's such name ('Budget ($)') is the context's as a title's is, and gives
    way to another header's code it may be ('Budget (USD)' beside 'Expenditure ($)')."""
    names = {value: set(shared_codes(value, words)) for value, _ in found.values() if shared_codes(value, words)}
    codes = {value for value, _ in found.values()} - names.keys()
    if len(codes) == 1 and all(codes <= may_be for may_be in names.values()):
        one = next(iter(codes))  # 'Budget (USD)' beside 'Expenditure ($)': USD
    elif not codes and names and all(may_be == next(iter(names.values())) for may_be in names.values()):
        one = next(iter(names))  # JMD or USD ('($)' beside '(dollars)'): each row's cell, format or text says which
    else:
        return context  # two: each amount is checked against its own header's (Derivations)
    named = context.values.get("currency")
    told = named is not None and one in shared_codes(named.value, words)  # the header says which
    if named is not None and named.from_title_row and not told:  # a title row's (a name's gives way)
        return context
    text = next(text for value, text in found.values() if value == one)
    return replace(context, values={**context.values, "currency": TitleValue(one, "header", text)})


def title_context(title_rows: list[list[Any]], names: list[tuple[str, str]], sheet_spec: spec.Sheet, match: Any,
                  reference: Reference, headers: dict[str, str]) -> SheetContext | None:
    """For the fast lane: what the title rows above a header and the names say, or None where they give a
    value for a column the sheet lacks or name a scale, or where an amount's header names a currency or a scale
    (`headers`: each column's, as written; the per-cell path fills, scales and checks those)."""
    context = sheet_context(title_rows, names, reference, match.readings)
    if context.scales or context.unplaced or any(title_value_for(c, context) for c in sheet_spec.columns
                                                 if c.key not in match.columns):
        return None
    if header_currencies(sheet_spec, headers, reference.scale_words) or header_scales(sheet_spec, headers,
                                                                                       reference.scale_words):
        return None
    return context
