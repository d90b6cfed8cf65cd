"""Upload (editors): check workbooks cell by cell before anything is loaded, then load them."""

import streamlit as st

from mm_core import upload, upload_process
from mm_core.safety import SHORT_TEXT, markdown_literal
from mm_dashboard import auth, ui


def cut_short(shown: int, count: int, what: str) -> None:
    """Say so when the check listed only the first of its problems or warnings (a load stores them all)."""
    if shown < count:
        st.caption(f"The first {shown:,} of {count:,} {what} are shown; all of them are listed on the Data quality "
                   "page after loading.")


st.title("Upload workbooks")
if auth.current_role() != auth.EDITOR:
    st.error("Uploading and loading need the **editor** role. Ask the Programme Management Unit for access.")
    st.stop()

upload_process.clean_leftovers()  # folders, and inbox changes, of a server that died during an upload
st.caption("Nothing is loaded until you press **Load**: first every cell is checked and each problem shown "
           "with its file, sheet, row and column. Rejected rows are kept in the database and listed on the "
           "Data quality page; they are never silently dropped.")
files = st.file_uploader("Results matrix, work plan, expenditure, milestones, narrative or recommendations "
                         "workbooks (.xlsx, .csv) or IATI activity files (.xml)",
                         type=["xlsx", "xlsm", "csv", "xml"], accept_multiple_files=True, key="upload_files")
if not files:
    st.download_button("Download a blank template (every sheet, with the programme's lists)", upload.blank_template,
                       file_name=upload.TEMPLATE_NAME, key="download_template", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore")
    st.caption("Made for the programme this dashboard serves (also `python -m etl template all report.xlsx`).")
    st.stop()

# The uploads are checked, and loaded, by a child process (mm_core/upload_process.py) in a folder that
# lives only for that step: a file that crashes a reader or uses up memory ends that process, not the
# server. The check is kept in the session until something it read changes, so pressing Load (which reruns
# the page; the uploader still holds the files) or changing a filter does not check again.
# Text from a file or its name goes into Markdown only through markdown_literal.
uploads, repeated = upload.distinct_uploads([(uploaded.name, uploaded.getvalue()) for uploaded in files])
for name in repeated:
    st.warning(f"{markdown_literal(upload.printable(name), SHORT_TEXT)} was chosen twice; it is read once.")
ui.stored_names(uploads)

try:
    check = upload_process.check_uploads(uploads, st.session_state)
except upload_process.UploadFailed as failure:
    st.error(f"**This upload cannot be checked.** {markdown_literal(failure)}")
    st.stop()
if check.unreadable:
    st.error(f"**This upload cannot be loaded.** {markdown_literal(check.unreadable)}")
    st.stop()

columns = st.columns(3)
columns[0].metric("Files", len(uploads))
columns[1].metric("Rows that would load", f"{sum(check.rows_by_table.values()):,}")
columns[2].metric("Rows that would be rejected", f"{check.rows_rejected:,}")
st.caption(" · ".join(f"{table}: {count:,}" for table, count in check.rows_by_table.items()) or "No data rows found.")
if check.problems.empty:
    st.success("Every cell passed the checks.")
else:
    st.subheader("Problems, cell by cell")
    ui.table(check.problems, "upload problems", column_config={"found": "Found", "expected": "Expected"})
    cut_short(len(check.problems), check.problem_count, "problems")
if not check.warnings.empty:
    st.subheader("Warnings")
    ui.table(check.warnings, "upload warnings")
    cut_short(len(check.warnings), check.warning_count, "warnings")

if st.button("Load into the warehouse", type="primary", key="upload_load",
             help="Adds these files to the inbox and rebuilds the database from the previous inputs plus the inbox; "
                  "a file replaces one of the same name"):
    with st.status("Loading…", expanded=True) as status, upload_process.Workspace() as workspace:
        try:
            paths = [workspace.add(chosen.stored_name, chosen.content) for chosen in uploads]
            summary = workspace.load(paths, progress=lambda message: st.write(markdown_literal(message)),
                                     actor=auth.current_user())
        except upload_process.UploadFailed as failure:
            status.update(label="The load's process failed after the new database was in place" if failure.loaded
                          else "Load failed — the previous database is unchanged", state="error")
            st.error(markdown_literal(failure))
            st.stop()
        status.update(label=f"Loaded {summary.rows_loaded:,} rows from {summary.files} files "
                            f"({summary.rows_rejected:,} rejected)", state="complete")
    st.success("The dashboard now shows the new data.")
