"""Cell values shared by the writers: missing values, Python types, and text for the PDF."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pandas as pd

from mm_dashboard.safety import neutralise

MISSING = "—"
TEXT_KINDS = ("text", "label", "status")


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
    """The value an .xlsx cell holds for a column kind. Text is neutralised (no formula injection)."""
    value = plain(value)
    if value is None:
        return None
    if kind in TEXT_KINDS:
        return neutralise(str(value))
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
    """The value as printed in the PDF. Text is neutralised like in the workbook."""
    value = plain(value)
    if value is None:
        return MISSING
    if kind in TEXT_KINDS:
        return neutralise(str(value))
    if kind == "flag":
        return "yes" if value else "no"
    if kind == "int":
        return f"{int(value):,}"
    if kind == "usd":
        return f"{float(value):,.2f}"
    if kind == "number":
        return f"{float(value):,.2f}".rstrip("0").rstrip(".")
    if kind == "percent":
        return f"{float(value) * 100:.1f}%"
    if kind == "date":
        return f"{pd.Timestamp(value):%d %b %Y}"
    if kind == "datetime":
        return f"{pd.Timestamp(value):%d %b %Y %H:%M}"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value:%d %b %Y}"
    return str(value)
