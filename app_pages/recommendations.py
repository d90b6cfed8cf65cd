"""Recommendations tracker: the recommendations of the review the programme names (programme.toml,
[recommendations]), the management response, and where each stands; overdue ones flagged."""

import streamlit as st

from etl import spec
from mm_core import queries
from mm_dashboard import filters, ui
from mm_dashboard.data import load, programme

scope = ui.require_scope()
the_programme = programme()
review = the_programme.review or "Review"
ui.header(f"{ui.literal(review)} recommendations", scope, "Management response and follow-up"
          + (f" (review of {the_programme.review_date:%B %Y})" if the_programme.review_date else ""))
info = load(queries.data_info).iloc[0]
st.caption("The review's recommendations are the whole programme's: the sidebar's filters do not apply to them.")
table = load(queries.recommendations)
if table.empty:
    ui.empty("No recommendations loaded.",
             "Add a 'Recommendations' sheet (see `python -m etl template recommendations rec.xlsx`) and load it "
             "with the other workbooks.")
    st.stop()

ui.kpis({"label": "Recommendations", "value": ui.count(len(table))},
        {"label": "Completed", "value": ui.count((table["status"] == "completed").sum())},
        {"label": "In progress", "value": ui.count((table["status"] == "in progress").sum())},
        {"label": "Overdue", "value": ui.count(table["is_overdue"].sum()),
         "help": f"Due before {ui.date(info['as_of_date'])} and neither completed nor no longer applicable"})

# Pills rather than drop-downs: every choice is written out in full (a drop-down's chips cut long ones short);
# pills do not wrap, so the statuses get a row of their own.
left, middle = st.columns([3, 2])
# in the address as ?to=HQs&for_phase=III: a link shows the same recommendations
ignored_to = filters.link_choices("to", "recommendation_addressees", spec.ADDRESSEES, spec.ADDRESSEES)
ignored_phase = filters.link_choices("for_phase", "recommendation_phases", the_programme.recommendation_phases,
                                     the_programme.recommendation_phases)
addressees = left.pills("Addressed to", spec.ADDRESSEES, selection_mode="multi", format_func=ui.literal,
                        key="recommendation_addressees")
phases = middle.pills("Phase", the_programme.recommendation_phases, selection_mode="multi", format_func=ui.literal,
                      key="recommendation_phases")
filters.keep_link_choices("to", addressees, spec.ADDRESSEES, ignored_to)
filters.keep_link_choices("for_phase", phases, the_programme.recommendation_phases, ignored_phase)
# in the address as ?status=not+started&status=in+progress: a link shows the same statuses
ignored_statuses = filters.link_choices("status", "recommendation_statuses", spec.RECOMMENDATION_STATUSES,
                                        spec.RECOMMENDATION_STATUSES)
statuses = st.pills("Status", spec.RECOMMENDATION_STATUSES, selection_mode="multi", format_func=ui.literal,
                    key="recommendation_statuses")
filters.keep_link_choices("status", statuses, spec.RECOMMENDATION_STATUSES, ignored_statuses)
ui.ignored_from_link("not an addressee, phase or status of the recommendations",
                     {"to": ignored_to, "for_phase": ignored_phase, "status": ignored_statuses})
shown = table[table["addressee"].isin(addressees) & table["phase"].isin(phases) & table["status"].isin(statuses)]

overdue = shown[shown["is_overdue"]]
if not overdue.empty:
    st.warning("**Overdue:** " + "; ".join(ui.literal(f"{r.number}. {r.title} (due {ui.date(r.due_date)}, {r.status})")
                                         for r in overdue.itertuples()))
if shown.empty:
    ui.empty("No recommendation matches these filters.", "Widen the addressee, phase or status choice.")
    st.stop()
ui.table(shown, f"{review} recommendations", height=min(36 * (len(shown) + 1) + 4, 700), column_config={
    "number": st.column_config.NumberColumn("No.", format="%d"), "title": st.column_config.TextColumn(
        "Recommendation", width="large"), "addressee": "Addressed to", "phase": "Phase", "status": "Status",
    "due_date": "Due", "is_overdue": st.column_config.CheckboxColumn("Overdue"), "days_overdue": "Days overdue",
    "responsible_unit": "Responsible unit", "management_response": st.column_config.TextColumn(
        "Management response", width="large"), "progress_notes": "Progress notes", "detail": "Review's wording"})
