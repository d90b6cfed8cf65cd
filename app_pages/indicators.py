"""Indicators: an explorer with filters, and one indicator's trajectory over time."""

import streamlit as st

from mm_core import charts, queries
from mm_core.safety import shorten
from mm_dashboard import choices, filters, ui
from mm_dashboard.data import load

scope = ui.require_scope()
ui.header("Indicators", scope)
table = load(queries.indicator_table, scope)
# in the address as ?status=on+track&status=at+risk: a link shows the same statuses
ignored_statuses = filters.link_choices("status", "indicator_statuses", charts.STATUS_ORDER, charts.STATUS_ORDER)
statuses = st.multiselect("Status", charts.STATUS_ORDER, key="indicator_statuses")
filters.keep_link_choices("status", statuses, charts.STATUS_ORDER, ignored_statuses)
ui.ignored_from_link("not an indicator status", {"status": ignored_statuses})
shown = table[table["status"].isin(statuses)]
if shown.empty:
    ui.empty("No indicator matches these filters.", "Widen the status, country, output or agency filters.")
else:
    ui.table(shown[["output_code", "indicator_code", "indicator_title", "country", "baseline", "target", "actual",
                    "unit", "status", "progress_ratio", "baseline_is_adjusted"]],
             f"indicators {scope.period}", column_config=ui.INDICATOR_COLUMNS, height=380)


def say_ignored(value: str) -> None:
    ui.ignored_from_link("not among the indicators for these filters", {"indicator": value})


st.subheader("Trajectory of one indicator")
labels, ignored = filters.page_choice("indicator", "indicator_choice", choices.indicator_labels, scope)
if not labels:
    ui.empty("No indicator to show.", "Load a results matrix, or widen the filters.")
    if st.query_params.get("indicator"):  # the address names one all the same
        say_ignored(shorten(st.query_params["indicator"], filters.IGNORED_SHOWN))
    st.stop()
choice = st.selectbox("Indicator", list(labels), format_func=labels.get, key="indicator_choice")
if filters.keep_page_choice("indicator", choice, labels, ignored) and ignored:  # said while the address holds it
    say_ignored(ignored)
code, country = choice.rsplit("|", 1)  # a code may hold "|"; a country code cannot
trajectory = load(queries.indicator_trajectory, country, code)
first = trajectory.iloc[0]
st.markdown(f"**{ui.literal(first['indicator_title'])}** "
            f"({ui.literal(first['unit'])}, {ui.literal(first['direction'])})")
if bool(first["baseline_is_adjusted"]):
    st.warning(f"Baseline adjusted from {ui.literal(ui.number(first['baseline_original'], first['unit']))} to "
               f"{ui.literal(ui.number(first['baseline'], first['unit']))}: "
               f"{ui.literal(first['baseline_adjustment_note'])}")
ui.chart(charts.indicator_trajectory, trajectory,
         caption="Solid: actual per period; dashed: target per period; dotted rules: baseline(s) and "
         "end-of-programme target.")
codes = trajectory["indicator_code"].unique().tolist()
if trajectory["phase"].nunique() > 1:
    st.caption("Across the phases " + ", ".join(ui.literal(p) for p in trajectory["phase"].unique())
               + (": indicator " + " then ".join(ui.literal(c) for c in codes) + " (the Results matrix's Continues "
                  "column)" if len(codes) > 1 else "") + ".")
shown = ["period", "baseline", "target", "actual", "status", "unit"] + (
    ["phase", "indicator_code"] if trajectory["phase"].nunique() > 1 else [])
ui.table(trajectory[shown], f"trajectory {code} {country}", column_config=ui.INDICATOR_COLUMNS)

parts = load(queries.indicator_parts, country, code, scope.period)
if not parts.empty:  # only for a programme with [[dimensions]] and parts reported for this indicator
    st.subheader(f"Split of {ui.literal(code)} · {ui.literal(country)}, {ui.literal(scope.period)}")
    for dimension, rows in parts.groupby("dimension", sort=False):
        ui.chart(charts.indicator_parts_bars, rows,
                 caption=f"By {ui.literal(dimension)}: each category's target (grey) and actual (blue) for the "
                 "period; the table gives the Results matrix's total beside the parts.")
        ui.table(rows[["dimension", "category", "target", "actual"]],
                 f"split {code} {country} {scope.period} {dimension}",
                 column_config={"dimension": "Dimension", "category": "Category", "target": "Target",
                                "actual": "Actual"})
