"""Theory of change: impact → outcomes → outputs → indicators for the chosen period and country, each node by
its status (colour, shape and the status written), with the assumptions and progress by SDG target."""

import streamlit as st

from etl import statuses
from mm_core import charts, queries, wording
from mm_dashboard import filters, ui
from mm_dashboard.data import load

SHOWN = ["level", "code", "parent", "title", "status", "on_track", "at_risk", "off_track", "no_data", "sdg_targets",
         "assumptions"]
COLUMNS = {"level": "Level", "code": "Code", "parent": "Serves", "title": st.column_config.TextColumn("Result",
                                                                                                      width="large"),
           "status": "Status", "on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
           "no_data": "No data / not reported", "sdg_targets": "SDG targets", "assumptions": "Assumptions"}

INDICATORS_AT_ONCE = 24  # drawn by default up to this many; more make the chart taller than a screen

scope = ui.require_scope()
ui.header("Theory of change", scope, "How the outputs are expected to lead to the outcomes and the impact")
nodes = load(queries.theory_of_change, scope)
indicator_count = int((nodes["level"] == "indicator").sum())
# on a projector the chain must fit: many indicators are left to the toggle (and the table below)
# in the address as ?indicators=yes or ?indicators=no, where it is not the default
drawn_at_once = indicator_count <= INDICATORS_AT_ONCE
ignored_indicators = filters.link_flag("indicators", "theory_indicators", drawn_at_once)
with_indicators = st.toggle("Show indicators", key="theory_indicators",
                            help=f"{indicator_count} indicators in these filters")
filters.keep_link_flag("indicators", with_indicators, ignored_indicators, drawn_at_once)
ui.ignored_from_link("not yes or no", {"indicators": ignored_indicators})
if not with_indicators:
    nodes = queries.without_indicators(nodes)
if nodes.empty:
    ui.empty("No result matches these filters.",
             "The output, agency and SDG target filters keep the outputs they select; widen them.")
    st.stop()
# the mark first: a node's title is cut to two lines
nodes = nodes.assign(title=[f"{wording.ILLUSTRATIVE_MARK} {title}" if illustrative else title
                            for title, illustrative in zip(nodes["title"], nodes["illustrative"])])
where = f"country {ui.literal(scope.country)}" if scope.country else "all countries together"
coming = filters.not_started(scope.period)
if coming:  # its results are 'not reported' because nothing of it is due
    ui.empty(f"{ui.literal(scope.period)} {coming}, so no result has a status for it.",
             "Choose a period that has started: the sidebar's default is the latest one.")
elif (nodes["status"] == "not reported").all():
    ui.empty(f"No indicator has data for {ui.literal(scope.period)} ({where}).",
             "Every result is 'not reported': choose a period with reported values, or another country.")
# the filters that keep some outputs only: the outcomes and the impact above them are judged on all of theirs
narrowed = " and ".join(name for name, value in (("an output", scope.output), ("an agency", scope.agency),
                                                ("an SDG target", scope.sdg_target)) if value)
indicator_rule = ("an indicator by its progress against the value expected by now" if scope.country else
                  "an indicator across the countries by the output rule over its countries' values")
ui.chart(charts.theory_of_change, nodes,
         caption=f"Status for {ui.literal(scope.period)}, {where}. Colour, shape and the written status say the "
         f"same. The rule: {statuses.result_rule()}; {indicator_rule}."
         + (f" With {narrowed} chosen, only the outputs it keeps are drawn, with the results above them, whose "
            "status still counts every result under them." if narrowed else "")
         + (f" {wording.ILLUSTRATIVE_NOTE}" if nodes["illustrative"].any() else ""))

assumed = nodes[nodes["level"].isin(["impact", "outcome"]) & (nodes["assumptions"].fillna("") != "")]
st.subheader("Assumptions")
if assumed.empty:
    ui.empty("The programme file states no assumptions.",
             "Add `assumptions = \"…\"` to the impact and outcomes under [[results]] in programme.toml.")
else:
    st.markdown("\n".join(f"- **{ui.literal(row.level.capitalize())} {ui.literal(row.code)}** "
                          f"({ui.literal(row.title)}): {ui.literal(row.assumptions)}" for row in assumed.itertuples()))
ui.table(nodes[SHOWN], f"theory of change {scope.period}", column_config=COLUMNS)

progress = load(queries.sdg_target_progress, scope)
if not progress.empty:
    st.subheader(f"Progress by SDG target, {ui.literal(scope.period)}")
    ui.chart(charts.sdg_target_bars, progress,
             caption=f"Per SDG target: the indicators of the outputs carrying it ({where}), by status; the target's "
             f"status (after its code) by the output rule: {statuses.result_rule().split(';')[0]}."
             + (" Every output carrying a target counts, whatever output or agency is chosen."
                if scope.output or scope.agency else ""))
    ui.table(progress, f"progress by SDG target {scope.period}",
             column_config={"sdg_target": "SDG target", "outputs": "Outputs", "indicators": "Indicators",
                            "on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
                            "no_data": "No data", "status": "Status"})
