"""Round tracker: for a reporting round, each country × sheet the programme file expects ([reporting]), coloured
by the state of the newest submission covering it, with days late against the round's deadline, and the reminder
list to paste into an e-mail. A country office sees its own countries only."""

import sqlite3

import pandas as pd
import streamlit as st

from mm_core import charts, queries, rounds
from mm_dashboard import auth, choices, db, filters, ui
from mm_dashboard.data import load, programme

scope = ui.require_scope()
the_programme = programme()
st.title("Round tracker")
as_of = pd.Timestamp(load(queries.data_info).iloc[0]["as_of_date"]).date()
# in the address as ?round=: a link opens the same round; without one, the round being collected
labels, ignored = filters.page_choice("round", "tracker_round", choices.round_labels, scope)
if not labels:
    ui.empty("No reporting period.", "The programme file's phases give the periods; reload with it.")
    st.stop()
chosen = st.selectbox("Round (reporting period)", rounds.round_labels(load(queries.periods)), key="tracker_round",
                      help="Default: the round being collected on the data's as-of date (the last period ended).")
if filters.keep_page_choice("round", chosen, labels, ignored):  # said while the address holds it
    ui.ignored_from_link("not a round of the programme", {"round": ignored})
due = load(rounds.deadline, chosen)
st.caption(f"Due {ui.date(due)}: {the_programme.deadline_days} days after the period ends (programme file, "
           f"[reporting]). Days late are counted to the data's as-of date, {ui.date(as_of)}, the same 'today' "
           "every status on the dashboard uses; an approved sheet is never late."
           + (" Every country of the round's phase and the global level: the sidebar's filters do not apply here."
              if auth.current_role() != auth.COUNTRY_OFFICE else ""))  # a country office: its own rows, said below

try:  # the records of the Board's warehouse, whichever warehouse this session reads
    submitted = rounds.submissions(chosen, db.database_path())
except (OSError, sqlite3.Error) as error:
    st.error(f"**The records of submissions cannot be read.** {ui.message_for_page(error)}")
    st.stop()
table = load(rounds.tracker, submitted, chosen, as_of)
countries = auth.current_countries()
if auth.current_role() == auth.COUNTRY_OFFICE:  # its own rows only
    table = table[table["country"].isin(countries)].reset_index(drop=True)
    st.caption(f"Your countries: {ui.literal(', '.join(countries))}.")
if table.empty:
    ui.empty("Nothing is expected in this round.", "The programme file's [reporting] section lists what each "
             "country and the global team send; a country takes part in the rounds of its phases.")
    st.stop()

counts = table["state"].value_counts()
ui.kpis({"label": "Approved", "value": f"{ui.count(counts.get('approved', 0))} / {ui.count(len(table))}",
         "help": "Sheets approved of those the round expects"},
        {"label": "Awaiting review", "value": ui.count(counts.get("submitted", 0) + counts.get("under review", 0))},
        {"label": "Returned", "value": ui.count(counts.get("returned", 0))},
        {"label": "Not received", "value": ui.count(counts.get(rounds.NOT_RECEIVED, 0))})
ui.chart(charts.round_tracker, table, caption="Each cell is the state of the newest submission of the round that "
         "covers the country and sheet (its symbol, and the days late where any). Replaced submissions are kept; "
         "the Submissions page lists every one with the reviewer's comments.")
ui.table(table.assign(kind=[rounds.kind_title(kind) for kind in table["kind"]]), f"round {chosen}", column_config={
    "country": st.column_config.TextColumn("Country", width="small"), "country_name": "Name", "kind": "Sheet",
    "state": "State", "submission": st.column_config.NumberColumn("Submission", format="%d"),
    "submitted_at": ui.date_time_column("Submitted (UTC)"), "submitted_by": "Submitted by",
    "days_late": ui.count_column("Days late")})

st.subheader("Reminders")
text = rounds.reminders(table)
if text:
    st.caption("One line per country with a sheet not received or returned; copy it into an e-mail.")
    st.code(text, language=None, wrap_lines=True)
else:
    st.success("Every expected sheet of this round has arrived and none is waiting to be sent again.")
