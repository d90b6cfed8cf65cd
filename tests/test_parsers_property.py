"""Property-based tests: whatever a cell holds, every value parser returns a value or raises the ETL's own
ValueProblem — never another exception — so a hostile or odd cell becomes a reported rejection."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import spec
from etl.errors import ValueProblem
from etl.parse import parser_for
from etl.reference import load_reference

pytestmark = pytest.mark.slow  # property-based sweep (hypothesis) over every cell parser

REFERENCE = load_reference()
KINDS = sorted({column.kind for sheet in spec.ALL_SHEETS for column in sheet.columns})
COLUMNS = {kind: next(c for sheet in spec.ALL_SHEETS for c in sheet.columns if c.kind == kind) for kind in KINDS}

# What a cell can hold as read from a workbook or CSV: text of any kind, numbers of any size,
# dates and times, booleans, nothing.
cell_text = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"[\s$€£(]*-?[\d,.\s]{0,15}[%)]?\s*", fullmatch=True),  # number-like text
    st.from_regex(r"(Q[0-9]|[A-Za-z]{3,9})[ -]?\d{0,5}", fullmatch=True),  # month / quarter-like
    st.from_regex(r"\d{0,4}[-/.]\d{0,2}[-/.]\d{0,4}", fullmatch=True),  # date-like
    st.from_regex(r"\d{4}\s*[/-]\s*\d{2,4}\s*H\d", fullmatch=True),  # period-like
    st.sampled_from(["#DIV/0!", "#N/A", "#VALUE!", "N/A", "TBD", "Pending", "No target", "=1+1", "nan",
                     "inf", "-inf", "1e309", "0x10", "١٢٣", "½", "Output 99", "O-1"]),
)
cell = st.one_of(
    cell_text,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.booleans(),
    st.none(),
)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=300, deadline=None)
@given(value=cell)
def test_a_parser_returns_a_value_or_raises_its_own_typed_error(kind, value):
    parse = parser_for(COLUMNS[kind], REFERENCE)
    try:
        parse(value)
    except ValueProblem as problem:
        assert problem.expected  # says what was expected
        assert str(problem).startswith("found ")


@settings(max_examples=300, deadline=None)
@given(number=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(lambda x: round(x, 2)))
def test_numbers_written_with_thousands_separators_read_back(number):
    parse = parser_for(COLUMNS[spec.NUMBER], REFERENCE)
    assert parse(f"{number:,.2f}") == pytest.approx(number)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=dt.date(2011, 1, 1), max_value=dt.date(2019, 1, 31)))
def test_dates_in_every_accepted_spelling_read_back(day):
    parse = parser_for(COLUMNS[spec.DATE], REFERENCE)
    serial = (day - dt.date(1899, 12, 30)).days
    for spelling in (day, day.isoformat(), day.strftime("%d/%m/%Y"), serial, float(serial)):
        assert parse(spelling) == day


@settings(max_examples=200, deadline=None)
@given(share=st.integers(min_value=0, max_value=100))
def test_percentages_with_or_without_the_sign(share):
    parse = parser_for(COLUMNS[spec.PERCENT], REFERENCE)
    assert parse(f"{share}%") == parse(share) == share
