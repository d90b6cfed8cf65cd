"""How the pages and the board pack name the programme's facts: its phases, its year, its reporting periods
and the scope of its outputs. Every word comes from the programme the warehouse holds
(queries.programme, etl/programme.py), none from here. No Streamlit here.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable

import pandas as pd

from etl.programme import Programme
from etl.programme import code_ranges as programme_code_ranges

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


def year_months(programme: Programme, short: bool = True) -> str | None:
    """The months a programme year runs, first to last ('Mmm–Mmm', or in full 'Month – Month'); None when
    the programme counts calendar years."""
    if programme.year_start_month == 1:
        return None
    first, last = programme.year_start_month, programme.year_start_month - 1
    if short:
        return f"{calendar.month_abbr[first]}{RANGE_DASH}{calendar.month_abbr[last]}"
    return f"{calendar.month_name[first]} {RANGE_DASH} {calendar.month_name[last]}"


def year_kind(programme: Programme) -> str:
    """What a year option is: 'programme year, Mmm–Mmm', or 'calendar year'."""
    months = year_months(programme)
    return f"programme year, {months}" if months else "calendar year"


def year_noun(programme: Programme, capital: bool = False) -> str:
    """What the programme calls its year: 'programme year' (a year starting in another month than January)
    or 'calendar year'; with a capital first letter for a heading or a column."""
    noun = "calendar year" if programme.year_start_month == 1 else "programme year"
    return noun[0].upper() + noun[1:] if capital else noun


def year_named(programme: Programme, label: str, capital: bool = False) -> str:
    """A year as a sentence names it: 'programme year 2016/17', 'calendar year 2021'."""
    return f"{year_noun(programme, capital)} {label}"


def year_title(programme: Programme) -> str:
    """An axis or column title for the year: 'Programme year (Mmm–Mmm)', or 'Calendar year'."""
    months = year_months(programme)
    return f"Programme year ({months})" if months else "Calendar year"


def period_kind(programme: Programme) -> str:
    """What one reporting period is: half-year, quarter or year."""
    return programme.reporting


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
