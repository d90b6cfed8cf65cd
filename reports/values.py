"""Cell values shared by the writers: missing values, Python types, and text for the PDF.

User text reads the same in both files: neutralised (no formula), characters a workbook cannot hold shown
as U+FFFD, and cut at a spreadsheet cell's limit with an ending that says how much was left out (a CSV
cell can be longer; Excel refuses such a cell, and openpyxl would cut it silently).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

import pandas as pd

from mm_core import formats
from mm_core.safety import neutralise

MISSING = formats.MISSING
TEXT_KINDS = ("text", "label", "status")
MAX_CELL_CHARACTERS = 32_767  # Excel's limit for a cell, in UTF-16 code units (its "characters")
# What openpyxl refuses in a cell (control characters other than tab, line feed and carriage return): the
# ETL keeps them from a CSV file, and one of them would stop the workbook.
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"


def _cut_ending(left_out: int) -> str:
    return f"… [{left_out:,} characters left out: a cell holds at most {MAX_CELL_CHARACTERS:,}]"


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _prefix_within(text: str, units: int) -> str:
    """The start of `text` in at most `units` UTF-16 code units (characters beyond U+FFFF take two)."""
    prefix = text[:units]
    while (excess := _utf16_length(prefix) - units) > 0:
        prefix = prefix[:len(prefix) - (excess + 1) // 2]  # characters are 1 or 2 units: overshoots by 1 at most
    return prefix


def within_cell_limit(text: str) -> str:
    """`text` if a cell holds it, else its start and an ending saying how many characters were left out,
    together no longer than a cell holds."""
    if len(text) <= MAX_CELL_CHARACTERS // 2 or _utf16_length(text) <= MAX_CELL_CHARACTERS:
        return text
    prefix = _prefix_within(text, MAX_CELL_CHARACTERS - len(_cut_ending(len(text))))  # the longest ending
    # fewer characters left out can mean a shorter count: give the room it frees back to the text
    longer = _prefix_within(text, MAX_CELL_CHARACTERS - len(_cut_ending(len(text) - len(prefix))))
    if _utf16_length(longer) + len(_cut_ending(len(text) - len(longer))) <= MAX_CELL_CHARACTERS:
        prefix = longer
    return prefix + _cut_ending(len(text) - len(prefix))


def text_value(value: Any) -> str:
    """User text as both files show it: neutralised, unprintable characters replaced, cut to a cell."""
    return within_cell_limit(UNPRINTABLE.sub(REPLACEMENT, neutralise(str(value))))


def plain(value: Any) -> Any:
    """None for a missing value; numpy / pandas scalars as plain Python values."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def cell_value(value: Any, kind: str) -> Any:
    """The value an .xlsx cell holds for a column kind. Text as text_value makes it."""
    value = plain(value)
    if value is None:
        return None
    if kind in TEXT_KINDS:
        return text_value(value)
    if kind == "flag":
        return "yes" if value else "no"
    if kind == "int":
        return int(value)
    if kind in ("number", "usd", "percent"):
        number = float(value) if isinstance(value, Decimal) else value
        return int(number) if kind == "number" and float(number).is_integer() else float(number)
    if kind == "date":
        return pd.Timestamp(value).date()
    if kind == "datetime":
        return pd.Timestamp(value).to_pydatetime().replace(tzinfo=None)
    return value


def display_text(value: Any, kind: str) -> str:
    """The value as printed in the PDF. Text as text_value makes it, like in the workbook."""
    value = plain(value)
    if value is None:
        return MISSING
    if kind in TEXT_KINDS:
        return text_value(value)
    if kind == "flag":
        return "yes" if value else "no"
    # one format per kind of value, as on the pages (mm_core/formats.py)
    if kind == "int":
        return formats.count(value)
    if kind == "usd":
        return formats.amount(value)
    if kind == "number":
        return formats.number(value)
    if kind == "percent":
        return formats.percent(value)
    if kind == "date":
        return formats.date(pd.Timestamp(value))
    if kind == "datetime":
        return formats.date_time(pd.Timestamp(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return formats.date(value)
    return str(value)
