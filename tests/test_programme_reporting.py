"""[reporting] of the programme file: what each reporting round expects (sheet kinds from every country and
from the global team) and its deadline, checked when the file is read and written into the warehouse."""

from __future__ import annotations

import duckdb
import pytest

from etl.load import write_reference
from etl.schema import create_schema
from etl.programme import ProgrammeError, from_warehouse, read_programme
from etl.reference import load_reference

from .helpers.programme import BUNDLED, bundled, write_programme

KINDS = ("results, workplan, expenditure, milestones, narrative, disaggregation (the sheets whose rows name a "
         "country)")


def test_the_bundled_programme_expects_four_sheets_from_everyone_within_30_days():
    programme = read_programme(BUNDLED)
    assert programme.expected == ("results", "workplan", "expenditure", "narrative")
    assert programme.global_expected == ("results", "workplan", "expenditure", "narrative")
    assert programme.deadline_days == 30


def test_without_reporting_the_defaults_apply(tmp_path):
    document = bundled()
    del document["reporting"]
    programme = read_programme(write_programme(tmp_path / "p.toml", document))
    assert (programme.expected, programme.global_expected, programme.deadline_days) == (
        ("results", "workplan", "expenditure", "narrative"), ("results", "workplan", "expenditure", "narrative"), 30)


@pytest.mark.parametrize("reporting, message", [
    ({"expected": ["results", "budget"]},
     f"p.toml › [reporting]: 'expected' names 'budget', expected sheet kinds among {KINDS}"),
    ({"global_expected": ["Results"]},
     f"p.toml › [reporting]: 'global_expected' names 'Results', expected sheet kinds among {KINDS}"),
    ({"expected": ["results", "recommendations"]},  # its rows name no country: no round could track it
     f"p.toml › [reporting]: 'expected' names 'recommendations', expected sheet kinds among {KINDS}"),
    ({"expected": ["results", "results"]},
     "p.toml › [reporting]: 'expected' names a sheet kind twice: ['results', 'results']"),
    ({"expected": "results"}, "p.toml › [reporting]: 'expected' is 'results', expected list"),
    ({"deadline_days": "30"}, "p.toml › [reporting]: 'deadline_days' is '30', expected a whole number"),
    ({"deadline_days": -1}, "p.toml › [reporting]: 'deadline_days' is -1, expected 0 or more days after the "
                            "period's end"),
    ({"deadline": 30}, "p.toml › [reporting]: key 'deadline' not used by this version"),
])
def test_a_reporting_section_with_a_mistake_is_refused_naming_the_key(tmp_path, reporting, message):
    document = bundled()
    document["reporting"] = reporting
    with pytest.raises(ProgrammeError) as raised:
        read_programme(write_programme(tmp_path / "p.toml", document))
    assert str(raised.value).startswith(message)


def test_the_warehouse_carries_what_each_round_expects(tmp_path):
    document = bundled()
    document["reporting"] = {"expected": ["results", "expenditure"], "global_expected": ["narrative"],
                             "deadline_days": 45}
    path = write_programme(tmp_path / "p.toml", document)
    with duckdb.connect() as connection:
        create_schema(connection)
        write_reference(connection, load_reference(programme=path))
        expected = connection.execute("SELECT kind, scope, ordinal FROM reporting_expected ORDER BY ordinal")
        assert expected.fetchall() == [("results", "country", 0), ("expenditure", "country", 1),
                                       ("narrative", "global", 2)]
        assert connection.execute("SELECT deadline_days FROM programme").fetchall() == [(45,)]
        programme = from_warehouse(connection)
    assert (programme.expected, programme.global_expected, programme.deadline_days) == (
        ("results", "expenditure"), ("narrative",), 45)
