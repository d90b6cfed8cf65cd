"""Neutralising user text in exports: a cell that starts with =, +, -, @ (or a tab / carriage return)
is run as a formula by spreadsheet programs, so exported text gets a leading apostrophe.

Numbers are never touched: only text that came from a workbook or a form can carry a formula.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    cleaned = frame.copy()
    for column in cleaned.columns:
        if cleaned[column].dtype == object or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(neutralise)
    return cleaned
