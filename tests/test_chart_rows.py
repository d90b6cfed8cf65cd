"""A chart's rows as they go into its spec (mm_core/charts.py, _records): built column by column, exactly as Altair's
own conversion writes them (altair.utils.data.to_values): the same keys in the same order, the same values of the
same Python types, missing values as null. A frame of a kind it does not read is left to Altair."""

from __future__ import annotations

import datetime as dt
import decimal
import enum

import altair as alt
import numpy as np
import pandas as pd
import pytest
from altair.utils.data import to_values
from hypothesis import given, settings
from hypothesis import strategies as st

from mm_core import charts

class Level(enum.IntEnum):
    HIGH = 3


class Share(float):
    pass


TEXT = st.text(max_size=6)
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
OBJECTS = st.one_of(TEXT, st.none(), st.just(float("nan")), st.integers(-10**12, 10**12), FLOATS, st.booleans(),
                    FLOATS.map(np.float64), st.integers(-1000, 1000).map(np.int64), st.booleans().map(np.bool_),
                    st.lists(st.integers(0, 9), max_size=3), st.lists(st.integers(0, 9), max_size=3).map(np.array),
                    st.sampled_from([decimal.Decimal("1.50"), decimal.Decimal("NaN"), decimal.Decimal("-0")]),
                    st.dates(), st.just(pd.NaT), st.just(pd.NA),
                    st.just(np.datetime64("2017-07-31T12:00")), st.just(pd.Timestamp("2017-07-31")),
                    st.sampled_from([np.str_("a"), np.longdouble(1.5), np.float32(0.1), np.uint64(2**64 - 1),
                                     Level.HIGH, Share(0.5), np.bytes_(b"a"), np.timedelta64(3, "D")]))


def column(kind: str, size: int) -> st.SearchStrategy:
    """A column of `size` values of a kind a chart's frame may hold."""
    if kind == "int64":
        return st.lists(st.integers(-2**62, 2**62), min_size=size, max_size=size).map(
            lambda values: pd.Series(values, dtype="int64"))
    if kind == "uint8":
        return st.lists(st.integers(0, 255), min_size=size, max_size=size).map(
            lambda values: pd.Series(values, dtype="uint8"))
    if kind in ("float64", "float32"):
        return st.lists(FLOATS, min_size=size, max_size=size).map(lambda values: pd.Series(values, dtype=kind))
    if kind == "bool":
        return st.lists(st.booleans(), min_size=size, max_size=size).map(lambda values: pd.Series(values, dtype=bool))
    if kind == "object":
        return st.lists(OBJECTS, min_size=size, max_size=size).map(lambda values: pd.Series(values, dtype=object))
    if kind in ("string", "str", "category"):
        return st.lists(st.one_of(TEXT, st.none()), min_size=size, max_size=size).map(
            lambda values: pd.Series(values, dtype=kind))
    if kind in ("Int64", "UInt8", "Float64", "boolean"):
        value = {"Int64": st.integers(-10**9, 10**9), "UInt8": st.integers(0, 255), "Float64": FLOATS,
                 "boolean": st.booleans()}[kind]
        return st.lists(st.one_of(value, st.none()), min_size=size, max_size=size).map(
            lambda values: pd.Series(pd.array(values, dtype=kind)))
    if kind in ("datetime", "datetime UTC"):
        return st.lists(st.one_of(st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2040, 1, 1)), st.none()),
                        min_size=size, max_size=size).map(lambda values: pd.Series(pd.to_datetime(
                            values, utc=kind == "datetime UTC")))
    raise ValueError(kind)


KINDS = ["int64", "uint8", "float64", "float32", "bool", "object", "string", "str", "category", "Int64", "UInt8",
         "Float64", "boolean", "datetime", "datetime UTC"]


@st.composite
def frames(draw) -> pd.DataFrame:
    size = draw(st.integers(0, 6))
    kinds = draw(st.lists(st.sampled_from(KINDS), max_size=5))
    names = draw(st.lists(st.text(min_size=1, max_size=4), min_size=len(kinds), max_size=len(kinds), unique=True))
    frame = pd.DataFrame({name: draw(column(kind, size))
                          for name, kind in zip(names, kinds)}, index=pd.RangeIndex(size))
    if size and draw(st.booleans()):  # an index of a query's filtered rows: its labels are no part of the rows
        frame.index = draw(st.lists(st.integers(0, 5), min_size=size, max_size=size))
    return frame


def typed(rows: dict) -> list[list[tuple]]:
    """Each row as its (key, value's type, value) in order: equal values of other types (1 and True, 1 and 1.0,
    np.float64 and float) differ here, as they may in the spec's JSON."""
    return [[(key, type(value), repr(value)) for key, value in row.items()] for row in rows["values"]]


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")  # large floats as float32
@settings(max_examples=400, deadline=None)
@given(frames())
def test_a_frames_rows_are_altairs_exactly(frame):
    ours = charts._records(frame)
    if not len(frame.columns):
        assert ours is None  # a frame without columns has them numbered: left to Altair
        return
    assert ours is not None
    assert typed(ours) == typed(to_values(frame))


def test_a_frame_of_every_kind_read_gives_altairs_rows_with_nulls_for_missing_values():
    frame = pd.DataFrame({
        "i": [1, 2], "f": [1.5, np.nan], "inf": [np.inf, -0.0], "b": [True, False], "text": ["a", None],
        "o": [np.float64(2.5), np.nan], "arr": [np.array([1, 2]), None], "s": pd.array(["x", None], dtype="string"),
        "c": pd.Categorical(["u", None]), "I": pd.array([1, None], dtype="Int64"),
        "B": pd.array([None, False], dtype="boolean"), "d": [decimal.Decimal("NaN"), decimal.Decimal("2")]},
        index=[7, 3])
    assert charts._records(frame) == {"values": [
        {"i": 1, "f": 1.5, "inf": None, "b": True, "text": "a", "o": 2.5, "arr": [1, 2], "s": "x", "c": "u", "I": 1,
         "B": None, "d": None},
        {"i": 2, "f": None, "inf": -0.0, "b": False, "text": None, "o": None, "arr": None, "s": None, "c": None,
         "I": None, "B": False, "d": decimal.Decimal("2")}]}
    assert typed(charts._records(frame)) == typed(to_values(frame))


@pytest.mark.parametrize("values", [["a", None], [1, None], [1.5, None], [np.nan], [None, None], [True, None],
                                    [pd.Timestamp("2017-07-31"), None], [[1], None], ["a", 1.5, None],
                                    [decimal.Decimal("1"), None], [np.float64(2.5), "a"]])
def test_a_column_of_python_objects_is_read_by_altairs_own_steps(values):
    """Altair infers an object column's kind again before it sets None for missing values, so under pandas 3 a
    missing value beside numbers or text stays NaN (and 1 beside a missing value becomes 1.0): the same here."""
    frame = pd.DataFrame({"x": pd.Series(values, dtype=object)})
    assert charts._records(frame) is not None
    assert typed(charts._records(frame)) == typed(to_values(frame))


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"took": pd.to_timedelta([1, 2], unit="D")}),  # durations: Altair refuses them
    pd.DataFrame([[1, 2]]),  # columns numbered, not named
    pd.DataFrame([[1, 2]], columns=["a", "a"]),  # a name twice
    pd.DataFrame({("a", "b"): [1]}),  # columns of two levels
    pd.DataFrame({"a": [1]}, index=pd.MultiIndex.from_tuples([(1, 2)])),
    pd.DataFrame({"a": pd.array([1], dtype="int64[pyarrow]")}),  # Arrow's own kinds
    pd.DataFrame({"a": np.array([0.1], dtype=np.longdouble)}),  # floats wider than Python's
    pd.DataFrame({"a": pd.Series([pd.Series([1, 2]), pd.Series([3, 4])], dtype=object)}),  # rows of frames
    {"values": [{"a": 1}]},  # not a frame
])
def test_a_frame_of_a_kind_it_does_not_read_is_left_to_altair(frame):
    assert charts._records(frame) is None


def test_a_chart_with_times_has_altairs_iso_text_and_an_empty_text_for_none():
    frame = pd.DataFrame({"day": pd.to_datetime(["2017-07-31", None, "2017-07-31 12:30:00.5"], format="ISO8601"), "value": [3, 4, 5]})
    assert charts._records(frame) is not None
    spec = charts.to_spec(alt.Chart(frame).mark_point().encode(x="day:T", y="value:Q"))
    assert list(spec["datasets"].values()) == [[{"day": "2017-07-31T00:00:00", "value": 3}, {"day": "", "value": 4},
                                                {"day": "2017-07-31T12:30:00.500000", "value": 5}]]
