"""Submissions: a country office sends its files for a reporting round and sees what the reviewers said; the
PMU (editors) reviews them, returns them with comments or approves them into the board's warehouse, and
builds a preview with the pending ones. The work is in mm_core/submissions.py."""

from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from mm_core import access, rounds, submissions, upload, upload_process
from mm_core.safety import SHORT_TEXT, markdown_literal
from mm_dashboard import auth, db, ui

COUNTRY_OFFICE = access.COUNTRY_OFFICE
role = auth.current_role()
countries = auth.current_countries()
actor = auth.current_user() or "local user"

st.title("Submissions")
if role not in (auth.EDITOR, COUNTRY_OFFICE):
    st.error("Submitting files needs the **country office** role, reviewing them the **editor** role. Ask the "
             "Programme Management Unit for access.")
    st.stop()
upload_process.clean_leftovers()  # folders of a server that died during a check or a build

try:
    periods, as_of = submissions.calendar()  # the board's warehouse, as built by any version: see calendar
except duckdb.Error as error:  # not a warehouse: explained as on every page, and the page stops
    ui.explain_missing_database(db.not_a_warehouse(Path(db.database_path()).name, error))
labels = rounds.round_labels(periods)
if not labels:
    ui.empty("No reporting round yet", "The warehouse has no reporting periods: load the programme's data first.")
    st.stop()
current = rounds.current_round(periods, as_of)
NOTICE = "submission_notice"  # what the last action did, shown after the page reran with the new states
if NOTICE in st.session_state:
    st.success(markdown_literal(st.session_state.pop(NOTICE)))
chosen_round = st.selectbox("Reporting round", labels, index=labels.index(current) if current in labels else 0,
                            key="submission_round")


def show_comments(row) -> None:
    """The reviewer's comment on the file and on its rows, as typed."""
    if row.comment:
        st.markdown(f"**{markdown_literal(row.reviewed_by, SHORT_TEXT)}:** {markdown_literal(row.comment)}")
    on_rows = submissions.row_comments(int(row.id))
    if not on_rows.empty:
        ui.table(on_rows, f"row comments {row.id}",
                 column_config={"sheet": "Sheet", "row": "Row", "column": "Column", "comment": "Comment",
                                "actor": "By", "at": "At (UTC)"})


def title_of(row) -> str:
    return (f"{markdown_literal(row.file_name, SHORT_TEXT)} — {markdown_literal(row.state)} "
            f"(no. {row.id}, {markdown_literal(row.countries or 'no country')}, "
            f"by {markdown_literal(row.submitted_by, SHORT_TEXT)})")


def submit_section() -> None:
    st.subheader("Send files for this round")
    if role == COUNTRY_OFFICE:
        st.caption(f"You may send rows for {markdown_literal(', '.join(countries) or 'no country yet')} only: "
                   "each row's country is checked, whatever the file is called.")
    files = st.file_uploader("Results matrix, work plan, expenditure, milestones or narrative workbooks",
                             type=["xlsx", "xlsm", "csv", "xml"], accept_multiple_files=True, key="submission_files")
    if not files:
        return
    uploads, _ = upload.distinct_uploads([(uploaded.name, uploaded.getvalue()) for uploaded in files])
    ui.stored_names(uploads)  # the refusals and tables below name the files so
    try:
        check = upload_process.check_uploads(uploads, st.session_state)
    except upload_process.UploadFailed as failure:
        st.error(f"**These files cannot be checked.** {markdown_literal(failure)}")
        return
    if check.unreadable:
        st.error(f"**These files cannot be read.** {markdown_literal(check.unreadable)}")
        return
    allowed = countries if role == COUNTRY_OFFICE else None
    refusals = [reason for chosen in uploads for reason in submissions.refused(check, chosen.stored_name, allowed)]
    columns = st.columns(3)
    columns[0].metric("Files", len(uploads))
    columns[1].metric("Rows that would load", f"{sum(check.rows_by_table.values()):,}")
    columns[2].metric("Rows that would be rejected", f"{check.rows_rejected:,}")
    if not check.countries.empty:
        ui.table(check.countries, "countries of the rows",
                 column_config={"file": "File", "country": "Country", "sheet": "First sheet", "row": "First row"})
    if not check.problems.empty:
        st.markdown("**Problems, cell by cell** (the rows with problems are not loaded; you may correct them first)")
        ui.table(check.problems, "submission problems", column_config={"found": "Found", "expected": "Expected"})
    for reason in refusals:
        st.error(markdown_literal(reason))
    returned = submissions.listed(chosen_round, allowed)
    returned = returned[returned["state"].isin([submissions.RETURNED, *submissions.PENDING])]
    options = [None, *returned["id"].tolist()]
    names = dict(zip(returned["id"], returned["file_name"]))
    answered = returned.loc[returned["state"] == submissions.RETURNED, "id"].tolist()  # a resubmission, by default
    replaces = st.selectbox("It answers", options, index=options.index(answered[0]) if answered else 0,
                            key="submission_replaces", format_func=lambda i: "no earlier submission" if i is None
                            else f"no. {i}: {names[i]}")  # a selectbox shows its options as typed
    if st.button("Submit", type="primary", disabled=bool(refusals), key="submission_submit"):
        try:
            sent = submissions.submit(uploads, chosen_round, actor, allowed, replaces=replaces)
        except (submissions.SubmissionError, upload_process.UploadFailed) as error:
            st.error(markdown_literal(error))
            return
        st.session_state[NOTICE] = f"Submitted {len(sent)} file(s) for {chosen_round}; the PMU will review them."
        st.rerun()


def own_submissions() -> None:
    st.subheader("Your submissions")
    mine = submissions.listed(chosen_round, countries)
    if mine.empty:
        ui.empty("Nothing sent for this round yet", "Your files and the reviewers' comments will be listed here.")
        return
    for row in mine.itertuples():
        with st.expander(title_of(row), expanded=row.state == submissions.RETURNED):
            show_comments(row)


def review_section() -> None:
    st.subheader("To review")
    if st.button("Build preview", key="submission_preview",
                 help="A warehouse with the approved and the pending submissions, for the PMU only"):
        with st.status("Building the preview…", expanded=True) as status:
            try:
                submissions.build_preview(actor, lambda message: st.write(markdown_literal(message)))
            except submissions.SubmissionError as error:
                status.update(label="The preview could not be built", state="error")
                st.error(markdown_literal(error))
            else:
                status.update(label="Preview built", state="complete")
    every = submissions.listed(chosen_round)
    pending = every[every["state"].isin(submissions.PENDING)]
    if pending.empty:
        st.success("Nothing waits for review in this round.")
    for row in pending.itertuples():
        with st.expander(title_of(row), expanded=True):
            review_one(row)
    st.subheader("Every submission of this round")
    if every.empty:
        ui.empty("Nothing received for this round", "Country offices' files will be listed here.")
    else:
        ui.table(every, "submissions", column_config={"file_name": "File", "state": "State", "replaces": "Replaces",
                                                      "submitted_at": "Submitted (UTC)", "reviewed_at": "Reviewed (UTC)"})


def review_one(row) -> None:
    identifier = int(row.id)
    st.caption(f"{row.rows_loaded:,} rows would load, {row.rows_rejected:,} rejected; "
               f"{markdown_literal(row.kinds)}; received {ui.date_time(row.submitted_at)} (UTC).")
    found = submissions.problems(identifier)
    if not found.empty:
        ui.table(found, f"problems {identifier}", column_config={"found": "Found", "expected": "Expected"})
    comment = st.text_area("Comment on the file", key=f"review_comment_{identifier}")
    on_rows = st.data_editor(pd.DataFrame({"sheet": pd.Series([], dtype="string"), "row": pd.Series([], dtype="Int64"),
                                           "column": pd.Series([], dtype="string"),
                                           "comment": pd.Series([], dtype="string")}),
                             num_rows="dynamic", key=f"review_rows_{identifier}", width="stretch",
                             column_config={"sheet": "Sheet", "row": "Row", "column": "Column", "comment": "Comment"})
    buttons = st.columns(3)
    try:
        if row.state == submissions.SUBMITTED and buttons[0].button("Start review", key=f"review_start_{identifier}"):
            submissions.start_review(identifier, actor)
            st.session_state[NOTICE] = f"Submission {identifier} is under review."
            st.rerun()
        if buttons[1].button("Return", key=f"review_return_{identifier}"):
            submissions.return_submission(identifier, actor, comment,
                                          on_rows[["sheet", "row", "column", "comment"]].itertuples(index=False))
            st.session_state[NOTICE] = f"Submission {identifier} was returned with your comments."
            st.rerun()
        if buttons[2].button("Approve", type="primary", key=f"review_approve_{identifier}"):
            with st.status("Rebuilding the board's warehouse…", expanded=True) as status:
                try:
                    submissions.approve([identifier], actor, lambda message: st.write(markdown_literal(message)))
                except submissions.ApprovedButIncomplete:
                    status.update(label="Approved, but the rebuild did not finish cleanly", state="error")
                    raise
                except submissions.SubmissionError:
                    status.update(label="Not approved — the board's warehouse is unchanged", state="error")
                    raise
                status.update(label="Approved: the board's warehouse now includes it", state="complete")
            st.session_state[NOTICE] = f"Submission {identifier} was approved: the board's warehouse includes it."
            st.rerun()
    except submissions.SubmissionError as error:
        st.error(markdown_literal(error))


if role == COUNTRY_OFFICE:
    submit_section()
    own_submissions()
else:
    review_section()
    with st.expander("Send files for this round (as the PMU)"):
        submit_section()
