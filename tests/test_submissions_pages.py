"""The Submissions and Audit pages for an editor (the PMU; local use): the queue of files to review, returning
one with comments, approving one into the board's warehouse, sending a file, and the audit trail.
(The country office's view needs the role the ROUNDS-ROLES part adds: tested once that is merged.)"""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl import DATABASE_ENVIRONMENT_VARIABLE, records
from mm_core import submissions, upload
from mm_core.safety import markdown_literal

from .helpers.inputs_submissions import base_warehouse, edited_sample
from .helpers.paths import APP

pytestmark = pytest.mark.slow  # checks and builds run in child processes

ROUND = "2017/18 H1"
NEW_COMMENT = "Endorsed by the Council of Ministers (corrected)"


@pytest.fixture
def board(tmp_path, monkeypatch, clear_streamlit_caches):
    monkeypatch.setenv(upload.INBOX_ENVIRONMENT_VARIABLE, str(tmp_path / "inbox"))
    monkeypatch.delenv(records.RECORDS_ENVIRONMENT_VARIABLE, raising=False)
    database = base_warehouse(tmp_path)
    monkeypatch.setenv(DATABASE_ENVIRONMENT_VARIABLE, str(database))
    return database


def sent_by_morocco(board, tmp_path, name="MAR.xlsx") -> submissions.Submission:
    path = edited_sample("MAR.xlsx", tmp_path / "sent" / name, {("Milestones", "F2"): NEW_COMMENT})
    return submissions.submit([upload.Upload(name, name, path.read_bytes())], ROUND, "amina", ("MAR",),
                              database=board)[0]


def page(name: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=120).run()
    return app.switch_page(f"app_pages/{name}.py").run()


def test_the_editor_returns_a_submission_with_comments(board, tmp_path):
    sent = sent_by_morocco(board, tmp_path)
    app = page("submissions")
    assert not app.exception
    assert app.selectbox(key="submission_round").value == "2017/18 H1"  # the round due on the as-of date
    assert [e.label for e in app.expander][0] == (
        f"MAR{markdown_literal('.xlsx')} — submitted (no. {sent.id}, MAR, by amina)")
    app.text_area(key=f"review_comment_{sent.id}").input("Please check the milestones.").run()
    app.button(key=f"review_return_{sent.id}").click().run()
    assert not app.exception
    assert submissions.get(sent.id, database=board).state == "returned"
    assert app.success[0].value == markdown_literal(f"Submission {sent.id} was returned with your comments.")
    assert app.success[1].value == "Nothing waits for review in this round."
    listed = app.dataframe[-1].value
    assert listed[["id", "state", "comment"]].values.tolist() == [[sent.id, "returned", "Please check the milestones."]]


def test_returning_without_a_comment_is_refused(board, tmp_path):
    sent = sent_by_morocco(board, tmp_path)
    app = page("submissions")
    app.button(key=f"review_return_{sent.id}").click().run()
    assert app.error[0].value == markdown_literal("Say why the file is returned: a comment on the file or on a row.")
    assert submissions.get(sent.id, database=board).state == "submitted"


def test_the_editor_starts_a_review_then_approves(board, tmp_path):
    sent = sent_by_morocco(board, tmp_path)
    app = page("submissions")
    app.button(key=f"review_start_{sent.id}").click().run()
    assert submissions.get(sent.id, database=board).state == "under review"
    app.button(key=f"review_approve_{sent.id}").click().run()
    assert not app.exception
    assert submissions.get(sent.id, database=board).state == "approved"
    with duckdb.connect(str(board), read_only=True) as connection:
        assert connection.execute("SELECT comment FROM milestones WHERE country = 'MAR' AND milestone = "
                                  "'Government endorsement'").fetchone()[0] == NEW_COMMENT


def test_the_editor_sends_a_file_from_the_page(board, tmp_path):
    path = edited_sample("MTR-recommendations.xlsx", tmp_path / "recommendations.xlsx")
    app = page("submissions")
    app.get("file_uploader")[0].upload("Рекомендации: <final>.xlsx", path.read_bytes()).run()
    assert {m.label: m.value for m in app.metric}["Rows that would load"] == "16"
    stored = (f"{markdown_literal('Рекомендации: <final>.xlsx')} is stored as "
              f"{markdown_literal('Рекомендации_ _final_.xlsx')}.")
    assert [c.value for c in app.caption if "stored as" in c.value] == [stored]  # the tables below name it so
    app.button(key="submission_submit").click().run()
    assert not app.exception
    [received] = submissions.listed(ROUND, database=board).itertuples()
    assert (received.file_name, received.kinds, received.submitted_by) == (
        "Рекомендации: <final>.xlsx", "recommendations", "local user")  # the name chosen, in the records


def test_the_audit_page_lists_and_filters(board, tmp_path):
    sent = sent_by_morocco(board, tmp_path)
    submissions.start_review(sent.id, "pmu", database=board)
    app = page("audit")
    assert not app.exception
    trail = app.dataframe[0].value[["actor", "action", "object"]].values.tolist()
    assert trail[:2] == [["pmu", "under review", f"submission {sent.id}"], ["amina", "submitted", f"submission {sent.id}"]]
    assert trail[2][:2] == [records.system_user(), "loaded"]  # the fixture's build of the board's warehouse
    app.selectbox(key="audit_actor").select("amina").run()
    assert app.dataframe[0].value["action"].tolist() == ["submitted"]


def test_a_country_office_sees_its_own_submissions_and_the_reviewers_comments(board, tmp_path):
    """Signed in as a country office (MAR): only its own submissions, the one returned opened with the file and
    row comments, and no reviewer's buttons."""
    from .helpers.pages import OFFICE_USERS, sign_in

    app = AppTest.from_file(APP, default_timeout=120)
    app.secrets["auth_users"] = OFFICE_USERS
    app = sign_in(app.run(), "olga", "olga-secret")
    app.switch_page("app_pages/submissions.py").run()
    assert not app.exception and not app.error
    assert [subheader.value for subheader in app.subheader] == ["Send files for this round", "Your submissions"]
    assert "Nothing sent for this round yet" in " ".join(element.value for element in app.info)

    sent = sent_by_morocco(board, tmp_path)
    submissions.return_submission(sent.id, "pmu", "Totals do not add up.", [("Expenditure", 3, "Spent", "Too high")])
    app.switch_page("app_pages/submissions.py").run()
    assert not app.exception and not app.error
    assert f"**pmu:** {markdown_literal('Totals do not add up.')}" in [element.value for element in app.markdown]
    on_rows = next(frame.value for frame in app.dataframe if "comment" in frame.value.columns)
    assert on_rows[["sheet", "row", "column", "comment", "actor"]].values.tolist() == [
        ["Expenditure", 3, "Spent", "Too high", "pmu"]]
    assert not [button for button in app.button if button.label in ("Return", "Approve", "Start review")]
