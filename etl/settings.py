"""Settings read from the environment ($MM_*), by one rule: a value that is not a number in the setting's
range is a mistake, said once in the log, and the documented default is used (a limit of 0 would refuse
every file; a typo must not lift a limit). Every setting is listed in README.md
(tests/test_documented_settings.py)."""

from __future__ import annotations

import logging
import math
import os
from typing import TypeVar

LOG = logging.getLogger("etl")
Number = TypeVar("Number", int, float)
_warned: set[tuple[str, str]] = set()


def positive_setting(variable: str, default: Number, *, zero_allowed: bool = False) -> Number:
    """$variable as a number of the default's type (int or float), or `default` when unset or unusable:
    not a number, negative, or zero unless `zero_allowed`."""
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = type(default)(float(text))
    except (ValueError, OverflowError):
        value = None
    if value is None or not math.isfinite(value) or value < 0 or (value == 0 and not zero_allowed):
        if (variable, text) not in _warned:  # once: a limit is read for every file and sheet
            _warned.add((variable, text))
            LOG.warning("%s=%r is not a %s number: using the default, %s", variable, text,
                        "non-negative" if zero_allowed else "positive", default)
        return default
    return value
