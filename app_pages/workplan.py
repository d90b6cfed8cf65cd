"""Work plan: a Gantt of activities, planned against actual, coloured by status; overdue ones flagged."""

import streamlit as st

from mm_core import charts, metrics, queries
from mm_dashboard import filters, ui
from mm_dashboard.data import load

GANTT_MAX_ROWS = 300  # more bars than a screen can show would only slow the page

scope = ui.require_scope()
ui.header("Work plan", scope)
info = load(queries.data_info).iloc[0]
activities = load(queries.activities, scope)
if activities.empty:
    ui.empty("No activities match these filters.",
             "Widen the country, output or agency filter, or load the Work plan sheets of the country workbooks.")
    st.stop()

counts = load(queries.activity_counts, scope).iloc[0]
ui.kpis({"label": "Activities", "value": ui.count(counts["activities"])},
        {"label": "Completed", "value": ui.count(counts["completed"])},
        {"label": "Delayed", "value": ui.count(counts["delayed"])},
        {"label": "Overdue", "value": ui.count(counts["overdue"]),
         "help": f"Past the planned end on {ui.date(info['as_of_date'])} and neither completed nor cancelled"})
st.caption(f"{metrics.delays(counts)}: {int(counts['delayed_or_overdue'])} delayed or overdue, as the overview "
           f"counts them; status on {ui.date(info['as_of_date'])}, whatever period is chosen.")

# in the address as ?status=delayed&status=ongoing: a link shows the same statuses
ignored_statuses = filters.link_choices("status", "workplan_statuses", charts.ACTIVITY_STATUS_ORDER,
                                        charts.ACTIVITY_STATUS_ORDER)
statuses = st.multiselect("Status", charts.ACTIVITY_STATUS_ORDER, key="workplan_statuses")
filters.keep_link_choices("status", statuses, charts.ACTIVITY_STATUS_ORDER, ignored_statuses)
ui.ignored_from_link("not an activity status", {"status": ignored_statuses})
ignored_overdue = filters.link_flag("overdue", "workplan_only_overdue")  # ?overdue=yes
only_overdue = st.toggle("Only overdue activities", key="workplan_only_overdue")
filters.keep_link_flag("overdue", only_overdue, ignored_overdue)
ui.ignored_from_link("not yes or no", {"overdue": ignored_overdue})
shown = activities[activities["status"].isin(statuses)]
if only_overdue:
    shown = shown[shown["is_overdue"]]
if shown.empty:
    ui.empty("No activity matches the status choice.", "Select more statuses above.")
    st.stop()
drawn = charts.gantt_selection(shown, GANTT_MAX_ROWS)
ui.chart(charts.gantt, drawn, info["as_of_date"],
         caption="Light bar: planned period; solid bar: actual period (to the as-of date while running); "
         "◀ overdue at its planned end; red rule: as-of date."
         + (f" Showing {len(drawn):,} of {len(shown):,} activities, overdue ones first: narrow the sidebar or "
            "status filters to see the others (the table below lists them all)." if len(drawn) < len(shown) else ""))
overdue = shown[shown["is_overdue"]]
if not overdue.empty:
    st.subheader("Overdue")
    ui.table(overdue[["country", "activity_code", "activity_title", "lead_agency", "planned_end", "days_overdue",
                      "status", "percent_complete"]], "overdue activities", column_config=ui.ACTIVITY_COLUMNS)
st.subheader("All activities shown")
ui.table(shown.drop(columns=["budget", "currency"]), "work plan", column_config=ui.ACTIVITY_COLUMNS)
