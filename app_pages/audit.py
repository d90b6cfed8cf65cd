"""Audit (editors): who submitted, reviewed, approved, loaded and exported what, and when — written by the code
that acted (etl/records.py), read through mm_core/submissions.py."""

import datetime as dt

import streamlit as st

from mm_core import submissions
from mm_dashboard import auth, ui

st.title("Audit")
if auth.current_role() != auth.EDITOR:
    st.error("The audit trail needs the **editor** role. Ask the Programme Management Unit for access.")
    st.stop()

actors, actions = submissions.audit_choices()
columns = st.columns(3)
actor = columns[0].selectbox("Who", [None, *actors], format_func=lambda a: "everyone" if a is None else a,  # options shown as typed
                             key="audit_actor")
action = columns[1].selectbox("What", [None, *actions], key="audit_action",
                              format_func=lambda a: "every action" if a is None else a)
today = dt.datetime.now(dt.timezone.utc).date()
dates = columns[2].date_input("When (UTC)", (today - dt.timedelta(days=90), today), key="audit_dates")
start, end = (tuple(dates) + (None, None))[:2] if isinstance(dates, (tuple, list)) else (dates, None)

trail = submissions.audit_trail(actor, action, start, end)
if trail.empty:
    ui.empty("Nothing recorded", "Nothing matches these filters: widen the dates or choose everyone.")
else:
    st.caption(f"{len(trail):,} actions, newest first.")
    ui.table(trail, "audit trail", column_config={"at": "At (UTC)", "actor": "Who", "action": "Action",
                                                  "object": "On", "detail": "Detail"})
