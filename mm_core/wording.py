"""How the pages and the board pack name the programme's facts: its phases, its year, its reporting periods
and the scope of its outputs. Every word comes from the programme the warehouse holds
(queries.programme, etl/programme.py), none from here. No Streamlit here.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from etl.programme import Programme
from etl.programme import code_ranges as programme_code_ranges

from . import formats

RANGE_DASH = "–"


def listed(words: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def phases_name(programme: Programme) -> str:
    """The phases the warehouse covers, as the programme names them: its phase's name, or all of them
    ('… and …') when it covers several."""
    return listed(phase.name for phase in programme.phases)


def phase_spans(programme: Programme) -> str:
    """Each phase with its months: 'Name (Mon YYYY – Mon YYYY)', several joined."""
    return listed(f"{phase.name} ({phase.start:%b %Y} – {phase.end:%b %Y})" for phase in programme.phases)


def _year_start(programme: Programme, year: int | None = None) -> int | None:
    """The month the programme's years start in: that of the phase of `year` when given, else the month
    every phase shares; None when the phases count their years differently (years from July, then calendar years)."""
    if year is not None:
        return programme.phase_of_year(year).year_start_month
    months = {phase.year_start_month for phase in programme.phases}
    return months.pop() if len(months) == 1 else None


def year_months(programme: Programme, short: bool = True, year: int | None = None) -> str | None:
    """The months a programme year runs, first to last ('Mmm–Mmm', or in full 'Month – Month'); None when
    the years (of `year`'s phase, or of every phase) are calendar years or differ between phases."""
    first = _year_start(programme, year)
    if first in (None, 1):
        return None
    last = first - 1
    if short:
        return f"{calendar.month_abbr[first]}{RANGE_DASH}{calendar.month_abbr[last]}"
    return f"{calendar.month_name[first]} {RANGE_DASH} {calendar.month_name[last]}"


def year_kind(programme: Programme, year: int | None = None) -> str:
    """What a year option is: 'programme year, Mmm–Mmm', 'calendar year', or 'year' where the phases
    differ and no year is given."""
    months = year_months(programme, year=year)
    return f"programme year, {months}" if months else year_noun(programme, year=year)


def year_noun(programme: Programme, capital: bool = False, year: int | None = None) -> str:
    """What the programme calls its year: 'programme year' (a year starting in another month than January),
    'calendar year', or plain 'year' where its phases count years differently; with a capital first letter
    for a heading or a column."""
    noun = {None: "year", 1: "calendar year"}.get(_year_start(programme, year), "programme year")
    return noun[0].upper() + noun[1:] if capital else noun


def year_named(programme: Programme, label: str, capital: bool = False) -> str:
    """A year as a sentence names it: 'programme year 2016/17', 'calendar year 2021'."""
    return f"{year_noun(programme, capital)} {label}"


def year_title(programme: Programme) -> str:
    """An axis or column title for the year: 'Programme year (Mmm–Mmm)', 'Calendar year' or 'Year'."""
    months = year_months(programme)
    return f"Programme year ({months})" if months else year_noun(programme, capital=True)


def period_kind(programme: Programme, year: int | None = None) -> str:
    """What one reporting period is (of `year`'s phase, or of every phase): half-year, quarter or year; where
    the phases differ, 'reporting period'."""
    if year is not None:
        return programme.phase_of_year(year).reporting
    kinds = {phase.reporting for phase in programme.phases}
    return kinds.pop() if len(kinds) == 1 else "reporting period"


def period_choices(programme: Programme) -> str:
    """What the period filter offers: 'A half-year, or a programme year (July – June)'; phase by phase where
    their calendars differ ('A half-year, or a programme year (…) in Phase A; a quarter, or …')."""
    choices: dict[str, list[str]] = {}
    for phase in programme.phases:
        months = year_months(programme, short=False, year=phase.first_year)
        choice = f"{phase.reporting}, or " + (f"a programme year ({months})" if months else "a calendar year")
        choices.setdefault(choice, []).append(phase.name)
    if len(choices) == 1:
        return "A " + next(iter(choices))
    return "; ".join(("A " if i == 0 else "a ") + f"{choice} in {listed(names)}"
                     for i, (choice, names) in enumerate(choices.items()))


def not_started(period_start: Any) -> str:
    """What a period that starts after the as-of date is, after its name (the pages, the scope line and the pack
    say it in these words): 'starts on 1 August 2017, after the as-of date: nothing of it is due yet'."""
    return f"starts on {formats.date(period_start)}, after the as-of date: nothing of it is due yet"


def code_ranges(codes: Iterable[str]) -> str:
    """Codes in their order, runs of consecutive whole numbers written as a range: '1–4', '5–7', '1, 3, A'
    (etl.programme.code_ranges, with an en dash)."""
    return programme_code_ranges(codes, RANGE_DASH)


def natural_order(code: str) -> tuple:
    """A sort key reading the runs of digits in a code as numbers: 8.8 before 10.7, output 2 before 10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(code)))


def output_codes(outputs: pd.DataFrame, level: str) -> list[str]:
    """The codes of the outputs of one level (country or global) in a table of queries.outputs, in order."""
    return sorted(outputs.loc[outputs["level"] == level, "output_code"].astype(str), key=natural_order)


ILLUSTRATIVE_MARK = "†"  # after a title the programme file marks `illustrative = true`
ILLUSTRATIVE_NOTE = "† Illustrative title: not from the programme's source documents."


def marked_title(title: str, illustrative: bool) -> str:
    """A result's title with the illustrative mark after it when its title is illustrative."""
    return f"{title} {ILLUSTRATIVE_MARK}" if illustrative else str(title)


def output_scopes(outputs: pd.DataFrame) -> str:
    """Which outputs are country level and which global, from a table of queries.outputs:
    'Outputs 1–3 are country level, 4–6 global level' (tests/test_wording.py has more)."""
    parts = []
    for level in ("country", "global"):
        codes = output_codes(outputs, level)
        if codes:
            parts.append((codes, f"{code_ranges(codes)} {'is' if len(codes) == 1 else 'are'} {level} level"))
    if not parts:
        return ""
    first_codes, first = parts[0]
    text = ("Output " if len(first_codes) == 1 else "Outputs ") + first
    if len(parts) > 1:
        text += ", " + parts[1][1].replace(" is ", " ").replace(" are ", " ")
    return text


def global_level_label(outputs: pd.DataFrame) -> str:
    """The name of the global level among the countries: 'Global level (outputs 4–6)', say."""
    codes = output_codes(outputs, "global")
    if not codes:
        return "Global level"
    return f"Global level ({'output' if len(codes) == 1 else 'outputs'} {code_ranges(codes)})"


def inception_basis(inception: Mapping[str, Any], deadlines: Sequence[tuple[str, str]]) -> str:
    """What the inception figure counts (a row of queries.inception_summary; `deadlines` each phase's name and its
    inception deadline as written, queries.inception_deadlines): the milestones the programme file expects, an
    expected one not reported counting as not reached, and the countries that sent no row for some; else, when
    the file declares none, the rows reported."""
    by = inception_deadline_words(deadlines)
    if int(inception["declared"]):
        missing = inception["not_reported"]
        return (f"Programme countries that reached every inception milestone the programme file expects of them"
                f"{by}; a milestone not reported counts as not reached"
                + ("" if pd.isna(missing) else f". Expected milestones not reported: {missing}"))
    if not int(inception["countries"]):
        return ("No inception milestones: the programme file declares none ([[milestones]] of kind inception) and "
                "no country reported one")
    return (f"The programme file declares no inception milestones ([[milestones]] of kind inception): counted over "
            f"the {int(inception['countries'])} of {int(inception['programme_countries'])} programme countries "
            f"that reported some, each complete when all it reported were reached{by}")


def inception_deadline_words(deadlines: Sequence[tuple[str, str]]) -> str:
    """' by <date>' when the phases share one deadline; else each phase's: ', each by its phase's deadline
    (<phase>: <date>; <phase>: <date>)', to follow a word (dates and names as the caller writes them)."""
    dates = {date for _, date in deadlines}
    if len(dates) == 1:
        return f" by {dates.pop()}"
    return ", each by its phase's deadline" + (f" ({'; '.join(f'{name}: {date}' for name, date in deadlines)})"
                                             if deadlines else "")
