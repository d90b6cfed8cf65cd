"""How the pages and the pack name the programme's facts (mm_core/wording.py) and its periods
(mm_core/periods.py): every word from the programme file, for a February year with half-years (the bundled
Phase II) as for calendar years with quarters and several phases."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.programme import read_programme
from mm_core import periods, wording

from .helpers.programme import BUNDLED, bundled, write_programme


@pytest.fixture(scope="module")
def phase_two():
    return read_programme(BUNDLED)


@pytest.fixture(scope="module")
def calendar_programme(tmp_path_factory):
    """Calendar years, quarterly reports, two phases, one agency."""
    document = bundled()
    document["calendar"].update(year_start_month=1, reporting="quarter", earliest_date=dt.date(2019, 1, 1))
    document["phases"] = [dict(code="III", name="Phase III", start=dt.date(2019, 1, 1), end=dt.date(2020, 12, 31)),
                          dict(code="IV", name="Phase IV", start=dt.date(2021, 1, 1), end=dt.date(2022, 12, 31))]
    document["agencies"] = document["agencies"][:1]
    for entry in document["results"]:
        entry.pop("lead_agency", None)
    for entry in document["countries"]:
        entry["phases"] = ["III"]
    document["milestones"] = []
    document["recommendations"]["phases"] = ["III"]
    document["programme"]["reporting_agency"] = document["agencies"][0]["code"]
    return read_programme(write_programme(tmp_path_factory.mktemp("calendar") / "calendar.toml", document))


def test_the_bundled_programme_reads_as_phase_two_always_did(phase_two):
    assert wording.phases_name(phase_two) == "Phase II"
    assert wording.phase_spans(phase_two) == "Phase II (Feb 2014 – Jan 2018)"
    assert wording.year_months(phase_two) == "Feb–Jan"
    assert wording.year_months(phase_two, short=False) == "February – January"
    assert wording.year_kind(phase_two) == "programme year, Feb–Jan"
    assert wording.year_title(phase_two) == "Programme year (Feb–Jan)"
    assert wording.period_kind(phase_two) == "half-year"


def test_calendar_years_quarters_and_several_phases(calendar_programme):
    assert wording.phases_name(calendar_programme) == "Phase III and Phase IV"
    assert wording.phase_spans(calendar_programme) == ("Phase III (Jan 2019 – Dec 2020) and "
                                                       "Phase IV (Jan 2021 – Dec 2022)")
    assert wording.year_months(calendar_programme) is None
    assert wording.year_kind(calendar_programme) == "calendar year"
    assert wording.year_title(calendar_programme) == "Calendar year"
    assert wording.period_kind(calendar_programme) == "quarter"


@pytest.mark.parametrize("codes, expected", [
    (["1", "2", "3", "4"], "1–4"), (["5", "6", "7"], "5–7"), (["1", "3", "4", "5", "9"], "1, 3–5, 9"),
    (["1", "2"], "1, 2"), (["A", "B"], "A, B"), (["7"], "7"), (["1.1", "1.2"], "1.1, 1.2")])
def test_code_ranges(codes, expected):
    assert wording.code_ranges(codes) == expected


def outputs(levels: str) -> pd.DataFrame:
    """A table like queries.outputs from 'code:level code:level …'."""
    pairs = [pair.split(":") for pair in levels.split()]
    return pd.DataFrame({"output_code": [code for code, _ in pairs], "level": [level for _, level in pairs]})


@pytest.mark.parametrize("levels, scopes, global_label", [
    ("1:country 2:country 3:country 4:country 5:global 6:global 7:global",
     "Outputs 1–4 are country level, 5–7 global level", "Global level (outputs 5–7)"),
    ("1:country 2:country 3:country 4:country 5:country 6:country", "Outputs 1–6 are country level", "Global level"),
    ("1:global", "Output 1 is global level", "Global level (output 1)"),
    ("10:country 9:country 2:global", "Outputs 9, 10 are country level, 2 global level", "Global level (output 2)"),
])
def test_output_scopes_come_from_the_outputs_table(levels, scopes, global_label):
    table = outputs(levels)
    assert wording.output_scopes(table) == scopes
    assert wording.global_level_label(table) == global_label


def period_table(programme) -> pd.DataFrame:
    """As queries.periods gives it."""
    return pd.DataFrame([{"period": p.label, "programme_year": p.programme_year,
                          "year_label": programme.year_label(p.programme_year), "half": p.half,
                          "has_started": p.start <= dt.date(2020, 5, 1)} for p in programme.periods()])


def test_period_options_and_labels_follow_the_calendar(phase_two, calendar_programme):
    table = period_table(phase_two)
    assert periods.options(table)[:3] == ["2014/15 H1", "2014/15 H2", "Year 2014/15"]
    assert periods.year_label(table, 2016) == "2016/17"
    assert periods.resolve("Year 2016/17", table) == ("2016/17 H2", 2016)
    assert periods.resolve("Year 2016", table) == ("2016/17 H2", 2016)
    assert periods.period_kind(table) == "half-year"
    table = period_table(calendar_programme)
    assert periods.options(table)[:5] == ["2019 Q1", "2019 Q2", "2019 Q3", "2019 Q4", "Year 2019"]
    assert periods.year_label(table, 2020) == "2020"
    assert periods.resolve("Year 2020", table) == ("2020 Q2", 2020)  # the last quarter started by the as-of date
    assert periods.period_kind(table) == "quarter"
    with pytest.raises(ValueError, match=r"^unknown period '2023 Q1': choose a quarter \(2019 Q1, "):
        periods.resolve("2023 Q1", table)


def test_a_year_is_named_as_the_programme_counts_it(phase_two, calendar_programme):
    assert wording.year_noun(phase_two) == "programme year"
    assert wording.year_named(phase_two, "2016/17") == "programme year 2016/17"
    assert wording.year_named(phase_two, "2016/17", capital=True) == "Programme year 2016/17"
    assert wording.year_noun(calendar_programme) == "calendar year"
    assert wording.year_named(calendar_programme, "2021") == "calendar year 2021"
    assert wording.year_noun(calendar_programme, capital=True) == "Calendar year"


@pytest.fixture(scope="module")
def mixed_calendars(tmp_path_factory):
    """Phase II (February years, half-years) followed by a Phase III of calendar years and quarters, while
    [calendar] keeps February: the wording follows each phase, never the [calendar] default alone."""
    document = bundled()
    document["phases"].append(dict(code="III", name="Phase III", start=dt.date(2019, 1, 1),
                                   end=dt.date(2022, 12, 31), year_start_month=1, reporting="quarter"))
    return read_programme(write_programme(tmp_path_factory.mktemp("mixed") / "mixed.toml", document))


def test_phases_with_different_calendars_are_worded_by_the_phase_of_the_year(mixed_calendars):
    assert mixed_calendars.year_start_month == 2  # the [calendar] default, which Phase III overrides
    assert wording.year_kind(mixed_calendars, 2015) == "programme year, Feb–Jan"
    assert wording.year_kind(mixed_calendars, 2020) == "calendar year"
    assert wording.period_kind(mixed_calendars, 2015) == "half-year"
    assert wording.period_kind(mixed_calendars, 2020) == "quarter"
    # Without a year, nothing claims one calendar for both phases.
    assert wording.year_months(mixed_calendars) is None
    assert wording.year_noun(mixed_calendars) == "year"
    assert wording.year_kind(mixed_calendars) == "year"
    assert wording.year_title(mixed_calendars) == "Year"
    assert wording.period_kind(mixed_calendars) == "reporting period"
    assert wording.period_choices(mixed_calendars) == (
        "A half-year, or a programme year (February – January) in Phase II; "
        "a quarter, or a calendar year in Phase III")


def test_period_choices_of_one_calendar(phase_two, calendar_programme):
    assert wording.period_choices(phase_two) == "A half-year, or a programme year (February – January)"
    assert wording.period_choices(calendar_programme) == "A quarter, or a calendar year"
