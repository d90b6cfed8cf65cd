"""Countries: the country × milestone matrix, one country's page with its flash report, and peers."""

import dataclasses

import streamlit as st

from etl import statuses
from etl.reference import GLOBAL
from mm_core import charts, metrics, queries, wording
from mm_dashboard import choices, filters, ui
from mm_dashboard.data import load, programme

scope = ui.require_scope()
ui.header("Countries", scope)
info = load(queries.data_info).iloc[0]

st.subheader("Milestones by country")
matrix = load(queries.milestone_matrix, None)
matrix = matrix[matrix["country"] != "GLOBAL"]
if matrix.empty:
    ui.empty("No milestones loaded.", "Add a Milestones sheet to the country workbooks and load them.")
else:
    # in the address as ?milestones=implementation: a link shows the same matrix
    ignored_category = filters.link_choice("milestones", "milestone_category", ["inception", "implementation"],
                                           "inception")
    category = st.segmented_control("Milestones", ["inception", "implementation"],
                                    key="milestone_category") or "inception"
    filters.keep_link_choice("milestones", category, "inception", ignored_category)
    ui.ignored_from_link("not a milestone category", {"milestones": ignored_category})
    shown = matrix[matrix["category"] == category]
    ui.chart(charts.milestone_matrix, shown,
             caption="✓ achieved (blue: late) · ! overdue · … pending, as of the as-of date · ○ not reported: "
             "an inception milestone the programme file expects, with no row from the country (not reached)."
             + (" Every programme country, to compare, whatever the country chosen." if scope.country else ""))

outputs = load(queries.outputs)
# the global level has a page of its own too: its outputs, flash report, milestones and money. In the address as
# ?profile=: a link opens the same country; with the sidebar's country chosen, that one only
names, ignored = filters.page_choice("profile", "country_page_choice", choices.country_labels, scope)
if not names:
    st.stop()
country = st.selectbox("Country", list(names), format_func=names.get, key="country_page_choice",
                       disabled=bool(scope.country), help="Follows the sidebar's country filter when one is chosen")
if filters.keep_page_choice("profile", country, names, ignored):  # said while the address holds it
    ui.ignored_from_link("not a country of these filters", {"profile": ignored})
country_scope = dataclasses.replace(scope, country=country)
if country == GLOBAL:
    profile = {"name": names[GLOBAL]}
    st.header(ui.literal(profile["name"]))
    st.caption(ui.literal(wording.output_scopes(outputs)) + ": the global level reports its outputs' indicators, "
               "activities, money, milestones and flash report as a country does.")
else:
    profile = load(queries.country_profile, country).iloc[0]
    st.header(ui.literal(profile["name"]))
    st.caption(f"{ui.literal(profile['region'])} · government lead partner: "
               f"{ui.literal(profile['government_lead'])}")

st.subheader(f"Flash report, {ui.literal(scope.period)}")
flash = load(queries.flash_report, country, scope.period)
reported = not flash.empty
if scope.output or scope.agency:  # the texts of the outputs they keep; a text of no output is the country's own
    kept = load(queries.outputs_in_scope, dataclasses.replace(scope, sdg_target=None))["output_code"]
    flash = flash[flash["output_code"].isna() | flash["output_code"].isin(kept)]
    st.caption(f"The texts of {'output ' + ui.literal(scope.output) if scope.output else 'the outputs'}"
               + (f" led by {ui.literal(scope.agency)}" if scope.agency else "") + " only, as the filters say.")
if flash.empty and reported:  # the filters left none of its texts
    ui.empty(f"No text of these outputs from {ui.literal(profile['name'])} for {ui.literal(scope.period)}.",
             "Widen the output or agency filter to see the rest of its flash report.")
elif flash.empty and (coming := filters.not_started(scope.period)):
    ui.empty(f"{ui.literal(scope.period)} {coming}, so no narrative is due for it.",
             "Choose a period that has started: the sidebar's default is the latest one.")
elif flash.empty and not (left_out := load(queries.phase_left_out, country, scope.period)).empty:
    ui.empty(f"{ui.literal(profile['name'])} takes no part in {ui.literal(left_out.iloc[0]['phase_name'])}, the "
             f"phase of {ui.literal(scope.period)}, so no narrative is due from it.",
             "Choose a period of a phase it takes part in (the sidebar's phase and period).")
elif flash.empty:
    ui.empty(f"No narrative from {ui.literal(profile['name'])} for {ui.literal(scope.period)}.",
             f"Country offices report it in the Narrative sheet ({statuses.spoken('narrative')}).")
else:
    columns = st.columns(2)
    for index, (kind, title) in enumerate(statuses.headings("narrative").items()):
        with columns[index % 2].container(border=True):
            st.markdown(f"**{title}**")
            texts = flash[flash["kind"] == kind]["text"].tolist()
            st.markdown("\n".join(f"- {ui.literal(t)}" for t in texts) if texts
                        else "_Nothing reported._")

left, right = st.columns(2)
with left:
    counts = load(queries.indicator_status_counts, country_scope).set_index("status")["indicators"]
    st.subheader("Indicators")
    st.markdown(" ".join(ui.badge(s) + f" {int(counts.get(s, 0))}" for s in charts.STATUS_ORDER),
                unsafe_allow_html=True)
    activity = load(queries.activity_counts, country_scope).iloc[0]
    st.metric("Activities completed", f"{ui.count(activity['completed'])} / {ui.count(activity['activities'])}")
    st.metric("Activities delayed or overdue", ui.count(activity["delayed_or_overdue"]),
              help=metrics.delays(activity))
with right:
    money = load(queries.finance_totals, country_scope).iloc[0]
    st.subheader("Money")
    st.metric(f"{ui.literal(wording.phases_name(programme()))} budget", ui.usd_short(money["phase_budget_usd"]),
              help=ui.usd(money["phase_budget_usd"]))
    st.metric("Spent to date", ui.usd_short(money["phase_expenditure_usd"]),
              ui.percent(metrics.phase_delivery(money)) + " of budget", delta_color="off", delta_arrow="off")

milestones = load(queries.milestone_matrix, country)
if not milestones.empty:
    st.subheader("Milestones timeline")
    ui.chart(charts.milestone_timeline, milestones, info["as_of_date"],
             caption="Diamond: due date; dot: date reached; both coloured by status (legend); red rule: as-of date.")

st.subheader("Indicators in detail")
ui.table(load(queries.indicator_table, country_scope)[["output_code", "indicator_code", "indicator_title", "baseline",
                                                       "target", "actual", "unit", "status"]],
         f"{country} indicators {scope.period}", column_config=ui.INDICATOR_COLUMNS)
st.subheader("Activities")
ui.table(load(queries.activities, country_scope)[["activity_code", "activity_title", "output_code", "lead_agency",
                                                  "planned_start", "planned_end", "status", "percent_complete",
                                                  "is_overdue", "budget_usd"]],
         f"{country} activities", column_config=ui.ACTIVITY_COLUMNS)
st.subheader("Spending, all years")  # every year's lines, whatever the period chosen: the Year column tells them
ui.table(load(queries.finance_lines, country_scope)[["programme_year", "output_code", "agency", "budget_usd",
                                                     "received_usd", "expenditure_usd", "currency", "delivery_rate"]],
         f"{country} finance",
         column_config=ui.money_columns())

st.subheader(f"Peer comparison, {ui.literal(scope.period)}")
peers = load(queries.peer_comparison, dataclasses.replace(scope, country=None))
ui.chart(charts.peer_comparison, peers,
         caption="Shares per country: indicators on track in the period (of those with data); activities completed "
         "(and, in the table, overdue) in the work plans as of the as-of date, whatever the period; and budget "
         f"delivered up to the selected {wording.year_noun(programme())}.")
ui.table(peers, f"peer comparison {scope.period}",
         column_config={"on_track_share": ui.percent_column("Indicators on track"),
                        "completed_share": ui.percent_column("Activities completed"),
                        "delivery_rate": ui.percent_column("Budget delivered")})
