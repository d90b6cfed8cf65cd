"""One way to write each kind of value, for every page (and, later, the board pack): money, percentages, counts,
dates, date-times and programme years. No Streamlit here; the dashboard's table column formats are built from
the same patterns (mm_dashboard/ui.py), and the board pack prints with these functions (reports/values.py) and
the matching Excel number formats (EXCEL_FORMATS).

    money(298017.4)        'US$ 298,017'       whole US dollars
    money_short(2_743_000) 'US$ 2.74 M'        for a metric on a projector (the exact amount beside it)
    percent(0.4913)        '49.1%'             one decimal
    count(4.0)             '4'                 a whole number, with thousands separators
    date(2017-07-31)       '31 July 2017'
    date_time(…)           '31 July 2017, 13:03'
    year_label(…)          '2014/15'           a programme year by its label (mm_core.periods)
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

MISSING = "—"  # what any format gives for a missing value (never 'None' or 'nan')
PERCENT_DECIMALS = 1

# The same formats for Streamlit's table columns (NumberColumn / DateColumn / DatetimeColumn): money as whole
# dollars with thousands separators (the header says US$), shares as percentages, dates as moment.js patterns.
MONEY_COLUMN_FORMAT = "accounting"  # thousands separators; with step=1 no decimals
MONEY_COLUMN_STEP = 1
COUNT_COLUMN_FORMAT = "%d"
PERCENT_COLUMN_FORMAT = "percent"
DATE_COLUMN_FORMAT = "D MMMM YYYY"
DATE_TIME_COLUMN_FORMAT = "D MMMM YYYY, HH:mm"
# The same formats as Excel number formats, for the board pack's workbook (the cells keep the exact values).
EXCEL_FORMATS = {"int": "#,##0", "usd": "#,##0", "percent": "0.0%", "date": "d mmmm yyyy",
                 "datetime": "d mmmm yyyy, hh:mm", "number": "General"}
# The same formats for charts' tooltips, axes and labels (Vega's d3-format patterns). Dates in tooltips are
# written by `date` into a text column instead: Vega would show a date in the browser's time zone.
VEGA_FORMATS = {"int": ",d", "usd": ",.0f", "percent": f".{PERCENT_DECIMALS}%",
                "points": f",.{PERCENT_DECIMALS}f",  # a percentage already multiplied by 100
                "number": ",.12~r", "month": "%b %Y"}
# money_short as a Vega expression, for chart axes: 'US$ 600,000', 'US$ 2.5 M'
MONEY_AXIS_EXPRESSION = ("abs(datum.value) >= 1e6 ? 'US$ ' + format(datum.value / 1e6, ',.2~f') + ' M' "
                         ": 'US$ ' + format(datum.value, ',.0f')")


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))  # NaN, NaT, pd.NA
    except (TypeError, ValueError):  # pd.NA compared
        return True


def money(value: Any) -> str:
    """Whole US dollars: 'US$ 298,017'."""
    return MISSING if is_missing(value) else f"US$ {amount(value)}"


def amount(value: Any) -> str:
    """Whole US dollars without the sign, for a column headed in US$: '298,017' (as the pages' money columns)."""
    if is_missing(value):
        return MISSING
    return f"{float(value):,.0f}"


def money_short(amount: Any) -> str:
    """Whole dollars below a million, then millions, then billions with two decimals: 'US$ 2.74 M'."""
    if is_missing(amount):
        return MISSING
    value = float(amount)
    if abs(value) >= 1_000_000_000:
        return f"US$ {value / 1_000_000_000:,.2f} bn"
    if abs(value) >= 1_000_000:
        return f"US$ {value / 1_000_000:,.2f} M"
    return money(value)


def percent(share: Any, decimals: int = PERCENT_DECIMALS) -> str:
    """A share (0.491) as a percentage with one decimal: '49.1%'."""
    if is_missing(share):
        return MISSING
    return f"{float(share) * 100:.{decimals}f}%"


def count(value: Any) -> str:
    """A whole number: '4', '1,234' (never '4.0')."""
    if is_missing(value):
        return MISSING
    return f"{int(round(float(value))):,}"


def fraction(part: Any, whole: Any) -> str:
    """'7 of 8' for a count out of a total."""
    return f"{count(part)} of {count(whole)}"


def number(value: Any, unit: str = "") -> str:
    """A measured value, up to two decimals without trailing zeros, with its unit: '12.5 %', '1,200 people'."""
    if is_missing(value):
        return MISSING
    text = f"{float(value):,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip()


def _as_datetime(value: Any) -> dt.datetime | dt.date:
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return value.to_pydatetime()
    return value


def date(value: Any) -> str:
    """'31 July 2017'."""
    if is_missing(value):
        return MISSING
    value = _as_datetime(value)
    return f"{value.day} {value:%B %Y}"


def date_time(value: Any) -> str:
    """'31 July 2017, 13:03' (to the minute)."""
    if is_missing(value):
        return MISSING
    value = _as_datetime(value)
    return f"{date(value)}, {value:%H:%M}"


def month(value: Any) -> str:
    """'July 2017'."""
    if is_missing(value):
        return MISSING
    return f"{_as_datetime(value):%B %Y}"


def year_label(programme_year: Any, labels: dict[int, str]) -> str:
    """A programme year by its label ('2014/15'; '2020' for a calendar year), from {year: label}
    (mm_core.periods.year_labels); a year without a label is written as a number."""
    if is_missing(programme_year):
        return MISSING
    return labels.get(int(programme_year), count(programme_year).replace(",", ""))
