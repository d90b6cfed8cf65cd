"""Settings read from the environment ($MM_*), by one rule: a value that is not a positive number is a
mistake, said in the log, and the documented default is used (a limit of 0 would refuse every file; a
typo must not lift a limit). Every setting is listed in README.md (tests/test_documented_settings.py)."""

from __future__ import annotations

import logging
import math
import os
from typing import TypeVar

LOG = logging.getLogger("etl")
Number = TypeVar("Number", int, float)


def positive_setting(variable: str, default: Number) -> Number:
    """$variable as a number of the default's type (int or float), or `default` when unset or unusable."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0 or (isinstance(default, int) and int(value) <= 0):
        LOG.warning("%s=%r is not a positive number: using the default, %s", variable, text, default)
        return default
    return type(default)(value)
