"""Submissions of a reporting round: a country office submits only rows for its own country; the PMU
reviews, returns with comments or approves; approving rebuilds the board's warehouse atomically from the
approved submissions; the preview adds the pending ones. Nothing is ever deleted."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import duckdb
import pytest

from etl import records
from mm_core import submissions, upload
from mm_core.submissions import SubmissionError

from .helpers.inputs_submissions import base_warehouse, edited_sample

pytestmark = pytest.mark.slow  # every submission is checked, and every approval built, in a child process

ROUND = "2017/18 H1"
NEW_COMMENT = "Endorsed by the Council of Ministers (corrected)"


@pytest.fixture
def board(tmp_path, monkeypatch):
    """The board's warehouse, built from MAR, SRB and the recommendations; its records beside it."""
    monkeypatch.setenv(upload.INBOX_ENVIRONMENT_VARIABLE, str(tmp_path / "inbox"))
    monkeypatch.delenv(records.RECORDS_ENVIRONMENT_VARIABLE, raising=False)
    return base_warehouse(tmp_path)


def chosen(path, name=None) -> upload.Upload:
    return upload.Upload(name or path.name, upload.safe_name(name or path.name), path.read_bytes())


def corrected_morocco(tmp_path, name="MAR.xlsx"):
    """MAR's workbook with the comment of its first milestone corrected."""
    return edited_sample("MAR.xlsx", tmp_path / "sent" / name, {("Milestones", "F2"): NEW_COMMENT})


def first_milestone_comment(database) -> str:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute("SELECT comment FROM milestones WHERE country = 'MAR' "
                                  "AND milestone = 'Government endorsement'").fetchone()[0]


def settings(database) -> dict[str, str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return dict(connection.execute("SELECT name, value FROM settings").fetchall())


def audit_actions(database) -> list[tuple[str, str, str]]:
    """The audit trail, oldest first, less the base warehouse's build (made by the system user in the fixture)."""
    trail = submissions.audit_trail(database=database)
    return [entry for entry in list(trail[["actor", "action", "object"]].itertuples(index=False, name=None))[::-1]
            if entry[0] != records.system_user()]


def test_a_country_office_submits_its_own_file(board, tmp_path):
    sent = corrected_morocco(tmp_path)
    [submission] = submissions.submit([chosen(sent)], ROUND, "amina", ("MAR",), database=board)
    assert (submission.state, submission.countries, submission.submitted_by) == ("submitted", ("MAR",), "amina")
    assert submission.kinds == ("expenditure", "milestones", "narrative", "results", "workplan")
    assert (submission.rows_loaded, submission.rows_rejected, submission.problems) == (266, 0, ())
    assert submission.stored_path == records.submissions_dir(board) / str(submission.id) / "MAR.xlsx"
    assert submission.stored_path.read_bytes() == sent.read_bytes()
    assert submission.sha256 == hashlib.sha256(sent.read_bytes()).hexdigest()
    assert audit_actions(board) == [("amina", "submitted", f"submission {submission.id}")]
    assert first_milestone_comment(board) != NEW_COMMENT  # the board's warehouse waits for the approval


def test_a_file_with_rows_for_another_country_is_refused(board, tmp_path):
    serbia = edited_sample("SRB.xlsx", tmp_path / "sent" / "ours.xlsx")
    with pytest.raises(SubmissionError) as refused:
        submissions.submit([chosen(serbia)], ROUND, "amina", ("MAR",), database=board)
    assert str(refused.value) == (
        "Nothing was submitted. ours.xlsx: sheet 'Expenditure', row 2 is for SRB; you may submit for MAR only.")
    assert submissions.listed(database=board).empty
    assert not records.submissions_dir(board).exists()


def test_a_single_row_for_another_country_is_named(board, tmp_path):
    sent = edited_sample("MAR.xlsx", tmp_path / "sent" / "MAR.xlsx", {("Narrative", "A7"): "Serbia"})
    with pytest.raises(SubmissionError, match=r"MAR.xlsx: sheet 'Narrative', row 7 is for SRB; "
                                              r"you may submit for MAR only\.$"):
        submissions.submit([chosen(sent)], ROUND, "amina", ("MAR",), database=board)


def test_a_sheet_for_no_country_is_refused_to_a_country_office_not_to_the_pmu(board, tmp_path):
    sent = edited_sample("MTR-recommendations.xlsx", tmp_path / "sent" / "recommendations.xlsx")
    with pytest.raises(SubmissionError) as refused:
        submissions.submit([chosen(sent)], ROUND, "amina", ("MAR",), database=board)
    assert str(refused.value) == ("Nothing was submitted. recommendations.xlsx: sheet 'Recommendations', row 2 "
                                  "(recommendations) is for no country; you may submit rows for MAR only.")
    [submission] = submissions.submit([chosen(sent)], ROUND, "pmu", None, database=board)
    assert (submission.countries, submission.kinds) == ((), ("recommendations",))


def test_an_unknown_round_is_refused(board, tmp_path):
    with pytest.raises(SubmissionError, match="'2030 H1' is not a reporting round of this programme"):
        submissions.submit([chosen(corrected_morocco(tmp_path))], "2030 H1", "amina", ("MAR",), database=board)


def test_return_resubmit_and_approve(board, tmp_path):
    before = hashlib.sha256(board.read_bytes()).hexdigest()
    [first] = submissions.submit([chosen(corrected_morocco(tmp_path))], ROUND, "amina", ("MAR",), database=board)
    assert submissions.start_review(first.id, "pmu", database=board).state == "under review"
    returned = submissions.return_submission(
        first.id, "pmu", "Please check the milestones.",
        [("Milestones", 2, "Comment", "Say which council."), (None, None, None, None)], database=board)
    assert returned.state == "returned"
    assert submissions.row_comments(first.id, database=board)[["sheet", "row", "column", "comment", "actor"]
                                                              ].values.tolist() == [
        ["Milestones", 2, "Comment", "Say which council.", "pmu"]]
    mine = submissions.listed(ROUND, ("MAR",), database=board)
    assert mine[["id", "state", "comment", "reviewed_by"]].values.tolist() == [
        [first.id, "returned", "Please check the milestones.", "pmu"]]
    with pytest.raises(SubmissionError, match=rf"Submission {first.id} \(MAR.xlsx\) is returned; "
                                              "it cannot be approved."):
        submissions.approve([first.id], "pmu", database=board)
    assert hashlib.sha256(board.read_bytes()).hexdigest() == before

    [second] = submissions.submit([chosen(corrected_morocco(tmp_path, "MAR v2.xlsx"))], ROUND, "amina", ("MAR",),
                                  database=board, replaces=first.id)
    assert submissions.get(first.id, database=board).state == "replaced"
    assert first.stored_path.exists() and second.stored_path.name == "MAR v2.xlsx"
    assert [s.id for s in (second, first)] == submissions.listed(ROUND, database=board)["id"].tolist()
    assert submissions.queue(ROUND, database=board)["id"].tolist() == [second.id]

    progress = []
    [approved] = submissions.approve([second.id], "pmu", progress.append, database=board)
    assert approved.state == "approved"
    assert progress  # the rebuild's progress was passed on
    assert first_milestone_comment(board) == NEW_COMMENT
    assert first.stored_path.exists() and second.stored_path.exists()
    with duckdb.connect(str(board), read_only=True) as connection:
        settings = dict(connection.execute("SELECT name, value FROM settings").fetchall())
        files = sorted(row[0] for row in connection.execute("SELECT file FROM load_log").fetchall())
    assert settings["as_of_date"] == "2017-07-31"  # the last load's
    assert files == ["MAR v2.xlsx", "MTR-recommendations.xlsx", "SRB.xlsx"]  # the base MAR.xlsx superseded
    assert [row[1:] for row in audit_actions(board)] == [
        ("submitted", f"submission {first.id}"), ("under review", f"submission {first.id}"),
        ("returned", f"submission {first.id}"), ("submitted", f"submission {second.id}"),
        ("replaced", f"submission {first.id}"), ("loaded", f"build {settings['load_id']}"),  # the approval's rebuild
        ("approved", f"submission {second.id}")]
    assert submissions.reviews(first.id, database=board)["state"].tolist() == ["under review", "returned", "replaced"]
    assert len(submissions.listed(database=board)) == 2  # nothing deleted


def test_a_failed_rebuild_changes_nothing(board, tmp_path):
    [sent] = submissions.submit([chosen(corrected_morocco(tmp_path))], ROUND, "amina", ("MAR",), database=board)
    before = board.read_bytes()
    sent.stored_path.write_bytes(b"PK\x03\x04 not a workbook any more")  # the kept copy can no longer be read
    with pytest.raises(SubmissionError) as failed:
        submissions.approve([sent.id], "pmu", database=board)
    assert str(failed.value).startswith("The board warehouse could not be rebuilt, so nothing changed: ")
    assert "MAR.xlsx" in str(failed.value)
    assert board.read_bytes() == before
    assert submissions.get(sent.id, database=board).state == "submitted"
    assert [row[1] for row in audit_actions(board)] == ["submitted"]


def test_the_preview_includes_pending_submissions_the_board_does_not(board, tmp_path):
    submissions.submit([chosen(corrected_morocco(tmp_path))], ROUND, "amina", ("MAR",), database=board)
    preview = submissions.build_preview("pmu", database=board)
    assert preview == records.preview_path(board)
    assert first_milestone_comment(preview) == NEW_COMMENT
    assert first_milestone_comment(board) != NEW_COMMENT
    load_id = settings(preview)["load_id"]  # the preview's build, recorded by run_load in the board's records
    assert audit_actions(board)[-1] == ("pmu", "previewed", f"build {load_id}")


def test_a_newer_submission_supersedes_only_what_it_covers(board, tmp_path):
    only_milestones = edited_sample("MAR.xlsx", tmp_path / "sent" / "MAR milestones.xlsx",
                                    {("Milestones", "F2"): NEW_COMMENT}, only=("Milestones",))
    [partial] = submissions.submit([chosen(only_milestones)], ROUND, "amina", ("MAR",), database=board)
    assert partial.kinds == ("milestones",)
    base = board.parent / "base"
    # only MAR's milestones: the base MAR.xlsx, with its results, work plan, ..., stays (after it: newer first)
    assert submissions.board_inputs(board, including=[partial.id]) == [
        partial.stored_path, base / "MAR.xlsx", base / "MTR-recommendations.xlsx", base / "SRB.xlsx"]
    assert submissions.board_inputs(board) == [base / "MAR.xlsx", base / "MTR-recommendations.xlsx",
                                               base / "SRB.xlsx"]


def test_a_newer_submission_supersedes_an_earlier_one_of_the_same_rows(board, tmp_path):
    first = submissions.submit([chosen(corrected_morocco(tmp_path))], ROUND, "amina", ("MAR",), database=board)[0]
    submissions.approve([first.id], "pmu", database=board)
    second = submissions.submit([chosen(corrected_morocco(tmp_path, "MAR again.xlsx"))], ROUND, "amina", ("MAR",),
                                database=board)[0]
    base = board.parent / "base"
    assert submissions.board_inputs(board, including=[second.id]) == [
        second.stored_path, base / "MTR-recommendations.xlsx", base / "SRB.xlsx"]


def test_an_approved_submission_cannot_be_returned_or_approved_again(board, tmp_path):
    [sent] = submissions.submit([chosen(corrected_morocco(tmp_path))], ROUND, "amina", ("MAR",), database=board)
    submissions.approve([sent.id], "pmu", database=board)
    with pytest.raises(SubmissionError, match="is approved; it cannot be returned"):
        submissions.return_submission(sent.id, "pmu", "too late", database=board)
    with pytest.raises(SubmissionError, match="is approved; it cannot be approved"):
        submissions.approve([sent.id], "pmu", database=board)
    with pytest.raises(SubmissionError, match="Say why the file is returned"):
        submissions.return_submission(sent.id, "pmu", "  ", database=board)


def test_the_audit_trail_filters(board, tmp_path):
    [sent] = submissions.submit([chosen(corrected_morocco(tmp_path))], ROUND, "amina", ("MAR",), database=board)
    submissions.start_review(sent.id, "pmu", database=board)
    assert submissions.audit_trail(actor="pmu", database=board)["action"].tolist() == ["under review"]
    assert submissions.audit_trail(action="submitted", database=board)["actor"].tolist() == ["amina"]
    today = dt.datetime.now(dt.timezone.utc).date()
    assert len(submissions.audit_trail(start=today, end=today, database=board)) == 3  # with the base build's 'loaded'
    assert submissions.audit_trail(end=today - dt.timedelta(days=1), database=board).empty
    assert submissions.audit_choices(database=board) == (sorted(["amina", "pmu", records.system_user()]),
                                                         ["loaded", "submitted", "under review"])
    assert json.loads(json.dumps(submissions.problems(sent.id, database=board).values.tolist())) == []


def test_a_country_office_with_nothing_sent_yet_gets_an_empty_list(tmp_path):
    """Filtering no submission by country leaves every column (an empty filter once selected none, and the
    Submissions page failed for every country office on its first visit)."""
    listed = submissions.listed(ROUND, ("MAR",), database=tmp_path / "warehouse.duckdb")
    assert listed.empty and list(listed.columns) == submissions.SUBMISSION_COLUMNS


def test_an_approval_whose_build_landed_though_its_process_failed_is_approved_and_says_so(board, tmp_path,
                                                                                          monkeypatch):
    """The child stopped after the swap (a rerun, a limit): the board shows the submission, so it is approved,
    and the reviewer is told the rebuild did not finish cleanly (before, it stayed 'submitted' and the next
    approval dropped it again)."""
    [sent] = submissions.submit([chosen(corrected_morocco(tmp_path))], ROUND, "amina", ("MAR",), database=board)
    real_build = submissions._build

    def landed_then_failed(*arguments):
        real_build(*arguments)
        raise SubmissionError("The board warehouse could not be rebuilt, so nothing changed: the process stopped")

    monkeypatch.setattr(submissions, "_build", landed_then_failed)
    with pytest.raises(submissions.ApprovedButIncomplete, match=rf"Submission\(s\) {sent.id} are approved"):
        submissions.approve([sent.id], "pmu", database=board)
    assert submissions.get(sent.id, database=board).state == "approved"
    assert first_milestone_comment(board) == NEW_COMMENT


def test_a_state_changed_by_another_process_between_read_and_write_is_not_overwritten(board, tmp_path,
                                                                                      monkeypatch):
    [sent] = submissions.submit([chosen(corrected_morocco(tmp_path))], ROUND, "amina", ("MAR",), database=board)
    stale = submissions.get(sent.id, database=board)  # read while 'submitted'
    submissions.return_submission(sent.id, "pmu", "Check the milestones.", database=board)
    monkeypatch.setattr(submissions, "_get", lambda connection, identifier: stale)
    with pytest.raises(SubmissionError, match="changed state meanwhile"):
        submissions.start_review(sent.id, "another reviewer", database=board)
    monkeypatch.undo()
    assert submissions.get(sent.id, database=board).state == "returned"


def test_two_approved_submissions_of_one_name_both_stay_in_an_upload_pages_load(board, tmp_path):
    """Two offices send 'results.xlsx': both are approved, and a later load from the Upload page (which drops an
    earlier input of an upload's name) keeps both, since each is under its own submission's folder."""
    morocco = edited_sample("MAR.xlsx", tmp_path / "mar" / "results.xlsx")
    serbia = edited_sample("SRB.xlsx", tmp_path / "srb" / "results.xlsx")
    [first] = submissions.submit([chosen(morocco)], ROUND, "amina", ("MAR",), database=board)
    [second] = submissions.submit([chosen(serbia)], ROUND, "milan", ("SRB",), database=board)
    submissions.approve([first.id, second.id], "pmu", database=board)
    planned = upload.planned_inputs([], board)
    assert {first.stored_path, second.stored_path} <= set(planned)
    with duckdb.connect(str(board), read_only=True) as connection:
        files = sorted(row[0] for row in connection.execute("SELECT file FROM load_log").fetchall())
    # told apart by their submission's folder, never by the server's folders from the root
    assert files == sorted(["MTR-recommendations.xlsx", f"{first.id}/results.xlsx", f"{second.id}/results.xlsx"])
