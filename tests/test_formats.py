"""One format per kind of value (mm_core/formats.py), the same on every page: issue 15, defect 11."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from mm_core import formats


@pytest.mark.parametrize(("write", "value", "expected"), [
    (formats.money, 298017.4, "US$ 298,017"),
    (formats.money, 2043000.0, "US$ 2,043,000"),
    (formats.money_short, 2_743_000, "US$ 2.74 M"),
    (formats.money_short, 298_017, "US$ 298,017"),
    (formats.money_short, 1_250_000_000, "US$ 1.25 bn"),
    (formats.percent, 0.4913, "49.1%"),
    (formats.percent, 1, "100.0%"),
    (formats.count, 4.0, "4"),
    (formats.count, 1234, "1,234"),
    (formats.number, 25.80, "25.8"),
    (formats.date, dt.date(2017, 7, 31), "31 July 2017"),
    (formats.date, pd.Timestamp("2026-12-02 13:03:52"), "2 December 2026"),
    (formats.date_time, pd.Timestamp("2026-12-02 13:03:52"), "2 December 2026, 13:03"),
    (formats.month, dt.date(2014, 4, 1), "April 2014"),
])
def test_each_kind_has_one_format(write, value, expected):
    assert write(value) == expected


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA, pd.NaT])
@pytest.mark.parametrize("write", [formats.money, formats.money_short, formats.percent, formats.count,
                                   formats.number, formats.date, formats.date_time])
def test_a_missing_value_is_a_dash_never_none(write, missing):
    assert write(missing) == formats.MISSING == "—"


def test_a_programme_year_is_written_by_its_label():
    labels = {2014: "2014/15", 2015: "2015/16"}
    assert formats.year_label(2014, labels) == "2014/15"
    assert formats.year_label(2020, labels) == "2020"  # a year the calendar does not know: its number
