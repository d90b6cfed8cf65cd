"""Entry point: page configuration, navigation and the shared sidebar filters. No data code here."""

import streamlit as st

from mm_core import upload_process
from mm_core.safety import SHORT_TEXT, markdown_literal
from mm_dashboard import auth, data, db, filters, ui


@st.cache_resource(show_spinner=False)
def clean_upload_leftovers() -> None:
    """Once per server process, at its first page: the temporary folders and inbox changes left by a server
    that died during an upload (the Upload page also looks each time it opens)."""
    upload_process.clean_leftovers()


db.begin_run()  # every query of this run reads one snapshot of the warehouse (the title is the first)
st.set_page_config(page_title=data.title(), page_icon="🌐", layout="wide")  # the programme's, from the warehouse

clean_upload_leftovers()
role = auth.require_login()  # stops here with a sign-in form when a login is configured
overview = st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="", default=True)
pages = [
    overview,
    st.Page("app_pages/outputs.py", title="Outputs", icon=":material/flag:", url_path="outputs"),
    st.Page("app_pages/indicators.py", title="Indicators", icon=":material/insights:", url_path="indicators"),
    st.Page("app_pages/theory_of_change.py", title="Theory of change", icon=":material/account_tree:",
            url_path="theory-of-change"),
    st.Page("app_pages/countries.py", title="Countries", icon=":material/public:", url_path="countries"),
    st.Page("app_pages/workplan.py", title="Work plan", icon=":material/view_timeline:", url_path="workplan"),
    st.Page("app_pages/money.py", title="Money", icon=":material/payments:", url_path="money"),
    st.Page("app_pages/recommendations.py", title="Recommendations", icon=":material/checklist:",
            url_path="recommendations"),
    st.Page("app_pages/data_quality.py", title="Data quality", icon=":material/fact_check:", url_path="data-quality"),
]
reporting = [  # the reporting rounds: every role sees the tracker and what changed; a country office sees its own rows
    st.Page("app_pages/round_tracker.py", title="Round tracker", icon=":material/assignment_turned_in:",
            url_path="rounds"),
    st.Page("app_pages/changes.py", title="What changed", icon=":material/difference:", url_path="changes"),
]
if role in (auth.EDITOR, auth.COUNTRY_OFFICE):  # a country office submits for its own countries only
    reporting.append(st.Page("app_pages/submissions.py", title="Submissions", icon=":material/inbox:",
                             url_path="submissions"))
if role == auth.EDITOR:  # viewers and country offices do not get these at all (the pages check the role again)
    reporting.append(st.Page("app_pages/upload.py", title="Upload", icon=":material/upload_file:", url_path="upload"))
    reporting.append(st.Page("app_pages/audit.py", title="Audit", icon=":material/history:", url_path="audit"))
# Every page listed (expanded): Streamlit otherwise folds a long list behind "View more", hiding Submissions.
# `/overview` (a link or bookmark): Streamlit serves the default page at `/` only. The Overview is drawn there
# as it is (not sent on to `/`, which would put a step in the browser's history that Back returns to).
aliases = [st.Page("app_pages/overview.py", title="Overview", url_path="overview", visibility="hidden")]
page = st.navigation({"Programme": pages + aliases, "Reporting": reporting}, expanded=True)
st.session_state["scope"] = filters.sidebar()
if auth.uses_login():  # the name comes from the secrets file or the sign-in provider: shown as typed
    countries = ", ".join(auth.current_countries())  # a country office's: codes checked against the programme's
    st.sidebar.caption(f"Signed in as **{markdown_literal(auth.current_user(), SHORT_TEXT)}** "
                       f"({role}{': ' + countries if countries else ''})")
    st.sidebar.button("Sign out", on_click=auth.sign_out, key="sign_out")
if role == auth.EDITOR and db.preview_available():  # db.py checks the role again when it opens the file
    st.sidebar.toggle("Preview pending submissions", key=db.PREVIEW_CHOICE,
                      help="Read the preview warehouse, built with the submissions not yet approved. Every page "
                           "says so at its top; the board pack is made only from the Board's warehouse.")
ui.apply_presentation_mode()
ui.preview_banner()  # on every page, above it, while the preview is read
try:
    page.run()
except Exception as error:  # explained on the page; st.stop and reruns are not Exceptions
    ui.show_unexpected(error)
