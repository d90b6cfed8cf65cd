"""Reporting rounds (mm_core/rounds.py): what a round expects from whom (the programme file's [reporting]), its
deadline, and the tracker: per country × sheet kind the state of the newest submission of the round covering
it, with days late to the warehouse's as-of date; the reminder text for an e-mail."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pandas as pd
import pytest

from etl import records, statuses
from etl.records import RECORDS_ENVIRONMENT_VARIABLE
from mm_core import rounds

from .helpers.rounds import add_submission

ROUND = "2016/17 H2"  # ends 31 January 2017: due 30 days later, on 2 March 2017
AS_OF = dt.date(2017, 7, 31)  # the sample's as-of date: 151 days after the deadline
SAMPLE_COUNTRIES = ["BGD", "ECU", "JAM", "KGZ", "MAR", "MDA", "SRB", "TUN"]  # by name: Bangladesh ... Tunisia
KINDS = ["results", "workplan", "expenditure", "narrative"]


@pytest.fixture
def cursor(sample_database):
    with duckdb.connect(str(sample_database), read_only=True) as connection:
        yield connection.cursor()


@pytest.fixture
def board(tmp_path, monkeypatch):
    """A warehouse path whose records live in tmp_path (nothing written beside the shared sample)."""
    monkeypatch.setenv(RECORDS_ENVIRONMENT_VARIABLE, str(tmp_path / "records"))
    return tmp_path / "warehouse.duckdb"


def test_a_round_expects_each_sheet_kind_from_every_country_of_its_phase_and_the_global_level(cursor):
    table = rounds.expected(cursor, ROUND)
    assert list(table.columns) == ["country", "country_name", "kind"]
    assert list(dict.fromkeys(table["country"])) == SAMPLE_COUNTRIES + ["GLOBAL"]
    assert table[table["country"] == "MDA"]["kind"].tolist() == KINDS
    assert table[table["country"] == "GLOBAL"][["country_name", "kind"]].values.tolist() == [
        ["Global level", kind] for kind in KINDS]
    assert rounds.expected(cursor, "1999 H1").empty


def test_the_deadline_is_the_periods_end_plus_the_programmes_days(cursor):
    assert rounds.deadline(cursor, ROUND) == dt.date(2017, 3, 2)
    assert rounds.deadline(cursor, "2014/15 H1") == dt.date(2014, 8, 30)
    assert rounds.deadline(cursor, "1999 H1") is None


def test_submissions_are_read_from_the_records_of_one_round(board):
    first = add_submission(board, ROUND, ["MAR"], ["results"], "submitted", "2017-02-10T09:00:00Z")
    add_submission(board, "2017/18 H1", ["MAR"], ["results"], "submitted", "2017-08-10T09:00:00Z")
    table = rounds.submissions(ROUND, board)
    assert table.to_dict("records") == [{"id": first, "countries": '["MAR"]', "kinds": '["results"]',
                                         "state": "submitted", "submitted_at": "2017-02-10T09:00:00Z",
                                         "submitted_by": "office@example.org"}]
    assert rounds.submissions("2015/16 H1", board).empty


def cells(table: pd.DataFrame) -> dict[tuple[str, str], tuple]:
    return {(row.country, row.kind): (row.state, None if pd.isna(row.submission) else int(row.submission),
                                      None if pd.isna(row.days_late) else int(row.days_late))
            for row in table.itertuples()}


def test_the_tracker_shows_the_newest_submission_covering_each_cell_with_days_late(cursor, board):
    replaced = add_submission(board, ROUND, ["MAR"], ["results", "workplan"], "replaced", "2017-02-10T09:00:00Z")
    approved = add_submission(board, ROUND, ["MAR"], ["results"], "approved", "2017-02-20T09:00:00Z",
                              replaces=replaced)
    returned = add_submission(board, ROUND, ["TUN"], KINDS, "returned", "2017-03-05T10:00:00Z", "tunis@example.org")
    submitted = add_submission(board, ROUND, ["JAM"], ["expenditure"], "submitted", "2017-03-01T08:00:00Z")
    review = add_submission(board, ROUND, ["SRB", "KGZ"], ["narrative"], "under review", "2017-02-28T08:00:00Z")
    earlier_same_time = add_submission(board, ROUND, ["KGZ"], ["results"], "returned", "2017-02-28T08:00:00Z")
    later_same_time = add_submission(board, ROUND, ["KGZ"], ["results"], "submitted", "2017-02-28T08:00:00Z")
    global_team = add_submission(board, ROUND, ["GLOBAL"], ["results"], "approved", "2017-02-01T12:00:00Z")
    add_submission(board, "2017/18 H1", ["BGD"], KINDS, "approved", "2017-08-01T12:00:00Z")  # another round

    table = rounds.tracker(cursor, rounds.submissions(ROUND, board), ROUND, AS_OF)
    assert list(table.columns) == ["country", "country_name", "kind", "state", "submission", "submitted_at",
                                   "submitted_by", "days_late"]
    assert len(table) == 9 * 4
    found = cells(table)
    assert found[("MAR", "results")] == ("approved", approved, None)  # approved: not late
    assert found[("MAR", "workplan")] == ("replaced", replaced, 151)
    assert found[("MAR", "expenditure")] == ("not received", None, 151)
    assert all(found[("TUN", kind)] == ("returned", returned, 151) for kind in KINDS)
    assert found[("JAM", "expenditure")] == ("submitted", submitted, 151)
    assert found[("SRB", "narrative")] == found[("KGZ", "narrative")] == ("under review", review, 151)
    assert found[("KGZ", "results")] == ("submitted", later_same_time, 151) and earlier_same_time < later_same_time
    assert found[("GLOBAL", "results")] == ("approved", global_team, None)
    assert found[("BGD", "results")] == ("not received", None, 151)  # its submission is of another round
    tunis = table[(table["country"] == "TUN") & (table["kind"] == "results")].iloc[0]
    assert (tunis["submitted_by"], tunis["submitted_at"]) == ("tunis@example.org",
                                                             pd.Timestamp("2017-03-05T10:00:00Z"))
    assert set(table["state"]) <= set(statuses.names("submission"))


def test_before_the_deadline_nothing_is_late(cursor, board):
    table = rounds.tracker(cursor, rounds.submissions(ROUND, board), ROUND, dt.date(2017, 3, 2))
    assert set(table["days_late"]) == {0} and set(table["state"]) == {"not received"}
    assert rounds.tracker(cursor, rounds.submissions(ROUND, board), ROUND, dt.date(2017, 3, 3))[
        "days_late"].iloc[0] == 1


def test_the_reminders_list_what_each_country_has_not_sent_or_must_send_again(cursor, board):
    add_submission(board, ROUND, ["BGD", "ECU", "JAM", "KGZ", "MDA", "SRB", "TUN", "GLOBAL"], KINDS, "approved",
                   "2017-02-10T09:00:00Z")
    add_submission(board, ROUND, ["MAR"], ["results", "narrative"], "returned", "2017-02-20T09:00:00Z")
    add_submission(board, ROUND, ["MAR"], ["expenditure"], "under review", "2017-02-21T09:00:00Z")
    add_submission(board, ROUND, ["TUN"], ["workplan"], "returned", "2017-02-22T09:00:00Z")
    table = rounds.tracker(cursor, rounds.submissions(ROUND, board), ROUND, AS_OF)
    assert rounds.reminders(table) == (
        "Morocco (MAR): not received: Work plan; returned: Results matrix, Narrative — 151 days late\n"
        "Tunisia (TUN): returned: Work plan — 151 days late")
    early = rounds.tracker(cursor, rounds.submissions(ROUND, board), ROUND, dt.date(2017, 3, 1))
    assert rounds.reminders(early).splitlines()[1] == "Tunisia (TUN): returned: Work plan — not yet late"
    assert rounds.reminders(table[table["country"] == "BGD"]) == ""


def test_the_submission_states_are_the_records_states_and_not_received():
    schema = records.SCHEMA.read_text(encoding="utf-8")
    states = re.search(r"state TEXT NOT NULL CHECK \(state IN \(([^)]*)\)\)", schema).group(1)
    assert set(statuses.names("submission")) == {s.strip(" '") for s in states.split(",")} | {"not received"}
