"""Inception in year 1 (views inception_milestones and country_inception, queries.inception_summary): a country's
inception is complete when every inception milestone the programme file expects of it was reached by the
inception deadline, one it sent no row for counting as not reached, over all the programme's countries, those
that sent no milestone row among them. Judged on copies of the sample warehouse with rows taken out."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.warehouse import open_read_only, reading_warehouse
from mm_core import queries, wording

WHOLE_PROGRAMME = queries.Scope("2017/18 H1", 2017)
ECUADOR_UNREACHED = "DELETE FROM milestones WHERE country = 'ECU' AND category = 'inception' AND achieved_date IS NULL"
TUNISIA_ALL = "DELETE FROM milestones WHERE country = 'TUN'"
NEW_MILESTONE = "INSERT INTO programme_milestones (code, title, phase, kind, due_date, ordinal) VALUES"
# A milestone row renamed in a copy, folded as a load folds a title that is no other title (etl/rules.py FOLDS)
FOLD_AS_LOADED = "UPDATE milestones SET milestone_folded = title_folded(milestone)"


def read(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def summary(database: Path, scope: queries.Scope = WHOLE_PROGRAMME) -> dict:
    connection = open_read_only(database)
    try:
        return queries.inception_summary(reading_warehouse(connection.cursor()), scope).iloc[0].to_dict()
    finally:
        connection.close()


def inception(database: Path) -> dict[str, tuple]:
    """country -> (inception_milestones, achieved_in_year_one, not_reported, inception_complete)."""
    return {row[0]: row[1:] for row in read(database, "SELECT * FROM country_inception")}


def test_the_sample_reports_every_expected_inception_milestone_and_its_figure_stays_7_of_8(sample_database):
    assert read(sample_database, "SELECT count(*), count(*) FILTER (WHERE is_expected AND is_reported) "
                                 "FROM inception_milestones") == [(64, 64)]
    found = summary(sample_database)
    assert (found["complete"], found["countries"], found["programme_countries"], found["declared"]) == (7, 8, 8, 8)
    assert found["not_reported"] is None


def test_taking_out_a_countrys_unreached_inception_rows_does_not_complete_it(changed_copy):
    copy = changed_copy(ECUADOR_UNREACHED)
    assert inception(copy)["ECU"] == (8, 1, 7, False)
    found = summary(copy)
    assert (found["complete"], found["countries"], found["not_reported"]) == (7, 8, "ECU (7)")


def test_a_programme_country_that_sent_no_milestone_row_counts_as_not_complete(changed_copy):
    copy = changed_copy(ECUADOR_UNREACHED, TUNISIA_ALL)  # the audit's case: it read 7 / 7
    assert inception(copy)["TUN"] == (8, 0, 8, False)
    found = summary(copy)
    assert (found["complete"], found["countries"], found["not_reported"]) == (6, 8, "ECU (7), TUN (8)")
    tunisia = summary(copy, queries.Scope("2017/18 H1", 2017, country="TUN"))
    assert (tunisia["complete"], tunisia["countries"]) == (0, 1)


def test_a_row_is_matched_to_the_expected_milestone_by_its_title(changed_copy):
    copy = changed_copy("UPDATE milestones SET milestone = 'Budget approved' "
                        "WHERE country = 'JAM' AND milestone = 'Budget endorsed'",
                        "UPDATE milestones SET milestone = ' NATIONAL LAUNCH EVENT' "  # its case and spaces aside
                        "WHERE country = 'JAM' AND milestone = 'National launch event'", FOLD_AS_LOADED)
    assert inception(copy)["JAM"] == (9, 8, 1, False)  # the eight expected and the row reported beside them
    assert read(copy, "SELECT is_expected, is_reported, status FROM inception_milestones "
                      "WHERE country = 'JAM' AND milestone IN ('Budget endorsed', 'Budget approved') "
                      "ORDER BY milestone") == [(False, True, "achieved late"), (True, False, "not reported")]


def test_a_milestone_is_expected_of_the_countries_of_its_phase_only(changed_copy):
    copy = changed_copy(TUNISIA_ALL, "UPDATE countries SET phases = ['III'] WHERE iso3 = 'TUN'")
    assert inception(copy)["TUN"] == (0, 0, 0, None)  # nothing to judge: not counted
    found = summary(copy)
    assert (found["complete"], found["countries"], found["programme_countries"]) == (6, 7, 8)


def test_a_country_of_no_phase_is_left_unjudged(changed_copy):
    """No phase, no deadline: its rows are neither reached nor missed by one (it read complete under one
    programme-wide deadline, then not complete under a phase's)."""
    copy = changed_copy("UPDATE countries SET phases = [] WHERE iso3 = 'JAM'")
    assert inception(copy)["JAM"] == (8, 0, 0, None)
    found = summary(copy)
    assert (found["complete"], found["countries"], found["programme_countries"]) == (6, 7, 8)


def test_the_countries_matrix_shows_an_expected_milestone_not_reported(changed_copy):
    copy = changed_copy(TUNISIA_ALL)
    connection = open_read_only(copy)
    try:
        matrix = queries.milestone_matrix(reading_warehouse(connection.cursor()), "TUN")
    finally:
        connection.close()
    assert len(matrix) == 8
    assert set(matrix["status"]) == {"not reported"} and set(matrix["category"]) == {"inception"}
    assert matrix["achieved_date"].isna().all()


def test_without_declared_inception_milestones_the_rows_reported_are_judged(changed_copy):
    copy = changed_copy("DELETE FROM programme_milestones WHERE kind = 'inception'", TUNISIA_ALL)
    assert inception(copy)["TUN"] == (0, 0, 0, None)
    assert inception(copy)["ECU"][3] is False
    found = summary(copy)
    assert (found["complete"], found["countries"], found["programme_countries"], found["declared"]) == (6, 7, 8, 0)
    assert wording.inception_basis(found, [("Phase II", "31 July 2015")]) == (
        "The programme file declares no inception milestones ([[milestones]] of kind inception): counted over the "
        "7 of 8 programme countries that reported some, each complete when all it reported were reached by "
        "31 July 2015")
    nothing = summary(changed_copy("DELETE FROM programme_milestones WHERE kind = 'inception'",
                                   "DELETE FROM milestones WHERE category = 'inception'"))
    assert (nothing["complete"], nothing["countries"], nothing["programme_countries"]) == (0, 0, 8)
    assert wording.inception_basis(nothing, [("Phase II", "31 July 2015")]).startswith(
        "No inception milestones: the programme file declares none")


def test_the_overview_counts_the_country_that_sent_nothing_and_names_what_is_missing(app_for, changed_copy):
    app = app_for(changed_copy(ECUADOR_UNREACHED, TUNISIA_ALL))
    figure = next(m for m in app.metric if m.label == "Inception completed in year 1")
    assert figure.value == "6 / 8"
    assert figure.delta == "75.0% of countries"
    assert figure.help == ("Programme countries that reached every inception milestone the programme file expects "
                           "of them by 31 January 2015; a milestone not reported counts as not reached. Expected "
                           "milestones not reported: ECU (7), TUN (8)")


def test_the_overview_says_why_there_is_no_inception_figure(app_for, changed_copy):
    app = app_for(changed_copy("DELETE FROM programme_milestones WHERE kind = 'inception'",
                               "DELETE FROM milestones WHERE category = 'inception'"))
    assert not app.exception
    figure = next(m for m in app.metric if m.label == "Inception completed in year 1")
    assert figure.value == "—" and figure.help.startswith("No inception milestones")


def test_a_milestone_expected_by_two_phases_is_one_and_a_row_of_another_category_is_none(changed_copy):
    """A country in two phases that both expect 'Budget endorsed' has one such milestone, matched once; Jamaica's
    'Government endorsement' filed under implementation is not its inception milestone, which is then not
    reported (as the Countries page's inception matrix, which shows inception rows only, has it)."""
    copy = changed_copy(
        "UPDATE countries SET phases = ['II', 'III'] WHERE iso3 = 'JAM'",
        f"{NEW_MILESTONE} ('BE3', 'Budget endorsed', 'III', 'inception', DATE '2015-01-31', 99)",
        "UPDATE milestones SET category = 'implementation' WHERE country = 'JAM' "
        "AND milestone = 'Government endorsement'")
    assert read(copy, "SELECT count(*) FROM inception_milestones WHERE country = 'JAM' "
                      "AND milestone = 'Budget endorsed'") == [(1,)]
    assert read(copy, "SELECT is_expected, is_reported FROM inception_milestones WHERE country = 'JAM' "
                      "AND milestone = 'Government endorsement'") == [(True, False)]
    assert inception(copy)["JAM"] == (8, 7, 1, False)


# Phase III added to the programme file: one inception milestone of its own, due 30 June 2019; Jamaica takes part
# in both phases; Morocco (Phase II only) endorsed its budget in March 2016, after Phase II's deadline.
PHASE_THREE = (
    "INSERT INTO phases VALUES ('III', 'Phase III', DATE '2019-01-01', DATE '2022-12-31', 1, 1, 'quarter')",
    f"{NEW_MILESTONE} ('NSC', 'National Steering Committee established', 'III', 'inception', "
    "DATE '2019-06-30', 99)",
    "UPDATE countries SET phases = ['II', 'III'] WHERE iso3 = 'JAM'",
    "UPDATE milestones SET achieved_date = DATE '2016-03-01' WHERE country = 'MAR' AND milestone = 'Budget endorsed'")


def test_each_phase_has_its_own_inception_deadline(changed_copy):
    """Phase III's milestone due in 2019 does not move Phase II's deadline: Morocco's budget endorsed in 2016 is
    late for Phase II (it counted as in time when one deadline, the latest due of any phase, judged all)."""
    copy = changed_copy(*PHASE_THREE)
    assert read(copy, "SELECT phase, deadline::VARCHAR FROM inception_deadline ORDER BY ordinal") == [
        ("II", "2015-01-31"), ("III", "2019-06-30")]
    assert read(copy, "SELECT deadline::VARCHAR, achieved_by_deadline FROM inception_milestones "
                      "WHERE country = 'MAR' AND milestone = 'Budget endorsed'") == [("2015-01-31", False)]
    assert inception(copy)["MAR"] == (8, 7, 0, False)
    assert inception(copy)["JAM"] == (9, 8, 1, False)  # Phase III's milestone not reported yet
    reached = changed_copy(*PHASE_THREE, "INSERT INTO milestones VALUES ('JAM', 'National Steering Committee "
                           "established', 'national steering committee established', 'inception', DATE '2019-06-30', "
                           "DATE '2019-05-14', NULL, 'JAM.xlsx', 'Milestones', 99)")
    assert read(reached, "SELECT deadline::VARCHAR, achieved_by_deadline FROM inception_milestones "
                         "WHERE country = 'JAM' AND milestone LIKE 'National Steering%'") == [("2019-06-30", True)]
    assert inception(reached)["JAM"] == (9, 9, 0, True)
    found = summary(reached)
    assert (found["complete"], found["countries"]) == (6, 8)  # Ecuador, and now Morocco, not complete


def test_the_overview_names_each_phases_inception_deadline(app_for, changed_copy):
    app = app_for(changed_copy(*PHASE_THREE))
    assert not app.exception
    figure = next(m for m in app.metric if m.label == "Inception completed in year 1")
    assert figure.value == "5 / 8"  # Ecuador, Morocco and Jamaica (its Phase III milestone not reported)
    assert figure.help == ("Programme countries that reached every inception milestone the programme file expects "
                           "of them, each by its phase's deadline (Phase II: 31 January 2015; Phase III: 30 June "
                           "2019); a milestone not reported counts as not reached. Expected milestones not "
                           "reported: JAM (1)")


def test_one_deadline_shared_by_the_phases_is_said_once():
    assert wording.inception_deadline_words([("Phase II", "31 January 2015")]) == " by 31 January 2015"
    assert wording.inception_deadline_words([("Phase II", "30 June 2019"), ("Phase III", "30 June 2019")]) == (
        " by 30 June 2019")


def test_a_row_under_one_of_the_milestones_other_titles_is_that_milestone(changed_copy):
    """Ecuador reports in Spanish: 'Aprobación del Gobierno' is Government endorsement once the programme file
    lists it among its other titles (whatever its capitals); without it, the row is one no phase expects."""
    spanish = ("UPDATE milestones SET milestone = 'Aprobación del gobierno', achieved_date = DATE '2014-09-01' "
               "WHERE country = 'ECU' AND milestone = 'Government endorsement'")
    plain = changed_copy(spanish, FOLD_AS_LOADED)
    assert read(plain, "SELECT milestone, is_expected, is_reported FROM inception_milestones WHERE country = 'ECU' "
                       "AND (milestone LIKE 'Aprobaci%' OR milestone = 'Government endorsement') ORDER BY 1") == [
        ("Aprobación del gobierno", False, True), ("Government endorsement", True, False)]
    named = changed_copy(spanish, "UPDATE programme_milestones SET other_titles = ['Aprobación del Gobierno'] "
                                  "WHERE title = 'Government endorsement'",
                         # as a load with that programme file folds the row (test_programme loads one)
                         "UPDATE milestones SET milestone_folded = 'government endorsement' "
                         "WHERE country = 'ECU' AND milestone = 'Aprobación del gobierno'")
    assert read(named, "SELECT milestone, is_expected, is_reported, achieved_by_deadline FROM inception_milestones "
                       "WHERE country = 'ECU' AND milestone LIKE 'Aprobaci%' OR milestone = 'Government "
                       "endorsement' AND country = 'ECU'") == [("Government endorsement", True, True, True)]
    assert inception(named)["ECU"] == (8, 2, 0, False)
