"""Upload (editors): check workbooks cell by cell before anything is loaded, then load them."""

import tempfile
from pathlib import Path

import streamlit as st

from mm_dashboard import auth, ui, upload

st.title("Upload workbooks")
if auth.current_role() != auth.EDITOR:
    st.error("Uploading and loading need the **editor** role. Ask the Programme Management Unit for access.")
    st.stop()

st.caption("Nothing is loaded until you press **Load**: first every cell is checked and each problem shown "
           "with its file, sheet, row and column. Rejected rows are kept in the database and listed on the "
           "Data quality page; they are never silently dropped.")
files = st.file_uploader("Results matrix, work plan, expenditure, milestones, narrative or recommendations "
                         "workbooks (.xlsx, .csv) or IATI activity files (.xml)",
                         type=["xlsx", "xlsm", "csv", "xml"], accept_multiple_files=True, key="upload_files")
if not files:
    st.info("Get a blank template with `python -m etl template all report.xlsx`.")
    st.stop()

# The uploads are written to a folder that lives only for this run: checking and loading both happen
# within it (pressing Load reruns the page, and the uploader still holds the files).
with tempfile.TemporaryDirectory(prefix="mm-upload-") as temporary:
    folder = Path(temporary)
    paths = []
    for uploaded in files:
        path = folder / upload.safe_name(uploaded.name)
        if path in paths:
            st.warning(f"{uploaded.name} was chosen twice; it is read once.")
            continue
        path.write_bytes(uploaded.getvalue())
        paths.append(path)

    check = upload.check_files(paths)
    if check.unreadable:
        st.error(f"**This upload cannot be loaded.** {check.unreadable}")
        st.stop()

    columns = st.columns(3)
    columns[0].metric("Files", len(paths))
    columns[1].metric("Rows that would load", f"{sum(check.rows_by_table.values()):,}")
    columns[2].metric("Rows that would be rejected", f"{check.rows_rejected:,}")
    st.caption(" · ".join(f"{table}: {count:,}" for table, count in check.rows_by_table.items()) or "No data rows found.")
    if check.problems.empty:
        st.success("Every cell passed the checks.")
    else:
        st.subheader("Problems, cell by cell")
        ui.table(check.problems, "upload problems", column_config={"found": "Found", "expected": "Expected"})
    if not check.warnings.empty:
        st.subheader("Warnings")
        ui.table(check.warnings, "upload warnings")

    if st.button("Load into the warehouse", type="primary", key="upload_load",
                 help="Adds these files to the inbox and rebuilds the database from the previous inputs plus the inbox; "
                      "a file replaces one of the same name"):
        with st.status("Loading…", expanded=True) as status:
            try:
                summary = upload.load_with_uploads(paths, progress=st.write)
            except Exception as error:  # the ETL's typed errors; the previous database is untouched either way
                status.update(label="Load failed — the previous database is unchanged", state="error")
                st.error(str(error))
                st.stop()
            status.update(label=f"Loaded {summary.rows_loaded:,} rows from {len(summary.files)} files "
                                f"({summary.rows_rejected:,} rejected)", state="complete")
        st.success("The dashboard now shows the new data.")
