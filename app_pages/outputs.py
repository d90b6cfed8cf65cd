"""Outputs: a summary across the outputs (lead, level, indicators by status, the output's status), then one chosen
output in detail: its indicators, baseline → actual → target, with status and latest narrative."""

import pandas as pd
import streamlit as st

from etl import statuses
from mm_core import charts, queries, wording
from mm_dashboard import choices, filters, ui
from mm_dashboard.data import load

CHART_MAX_ROWS = 80  # bars per output chart: beyond that a chart is a texture, not a picture
RESULT_SYMBOLS = {**statuses.symbols("indicator"), **statuses.symbols("result")}

scope = ui.require_scope()
outputs = load(queries.outputs)
ui.header("Outputs", scope, ui.literal(wording.output_scopes(outputs)) or None)
targets = load(queries.output_sdg_targets)
outputs = load(queries.outputs_in_scope, scope)
if outputs.empty:
    ui.empty("No output matches these filters.", "Widen the output, agency or SDG target filter.")
    st.stop()

SHOWN = ["indicator_code", "indicator_title", "country", "baseline", "actual", "target", "unit", "status", "end_target"]
# the columns used below, split by output once: this runs on every rerun, over thousands of indicators
indicators = load(queries.indicator_table, scope)[["output_code", "progress_ratio", *SHOWN]]
by_output = dict(tuple(indicators.groupby("output_code", sort=False)))
chain = load(queries.theory_of_change, scope)  # the theory of change page asks the same: one cached answer
output_rows = chain[chain["level"] == "output"]
output_status = dict(zip(output_rows["code"], output_rows["status"]))
titles = {row.output_code: wording.marked_title(row.title, bool(row.illustrative)) for row in outputs.itertuples()}

st.subheader(f"All outputs, {ui.literal(scope.period)}")
counts = (indicators.groupby(["output_code", "status"]).size().unstack(fill_value=0)
          .reindex(columns=charts.STATUS_ORDER, fill_value=0))
summary = pd.DataFrame({
    "output": [f"Output {code}" for code in outputs["output_code"]],
    "title": [titles[code] for code in outputs["output_code"]],
    "level": outputs["level"].str.capitalize().tolist(),
    "lead_agency": outputs["lead_agency"].tolist(),
    **{status: [int(counts.at[code, status]) if code in counts.index else 0 for code in outputs["output_code"]]
       for status in charts.STATUS_ORDER},
    "output_status": [f"{RESULT_SYMBOLS.get(output_status.get(code), '')} {output_status.get(code, '')}".strip()
                      or None for code in outputs["output_code"]]})
ui.table(summary, f"outputs summary {scope.period}", column_config={
    "output": "Output", "title": st.column_config.TextColumn("Title", width="large"), "level": "Level",
    "lead_agency": "Lead", **{status: ui.count_column(status.capitalize()) for status in charts.STATUS_ORDER},
    "output_status": "Output status"})
st.caption(f"Indicators counted once per country reporting them. Output status: {statuses.result_rule()}."
           + (f" {wording.ILLUSTRATIVE_NOTE}" if outputs["illustrative"].any() else ""))

# in the address as ?detail=: a link opens the same output; the filters' change writes it with them
labels, ignored = filters.page_choice("detail", "output_in_detail", choices.output_labels, scope)
code = st.selectbox("Output in detail", list(labels), key="output_in_detail",
                    format_func=labels.get,  # a drop-down shows its options as typed
                    help="One output at a time, with its indicators, chart and latest narrative")
if filters.keep_page_choice("detail", code, labels, ignored):  # said while the address holds it
    ui.ignored_from_link("not among the outputs for these filters", {"detail": ignored})
output = outputs[outputs["output_code"] == code].iloc[0]
st.subheader(f"Output {ui.literal(code)}: {ui.literal(titles[code])}")
carried = targets.get(code, ())
st.caption(f"{ui.literal(output['level'].capitalize())} level · "
           f"lead agency **{ui.literal(output['lead_agency'])}**"
           + (f" · SDG targets **{ui.literal(', '.join(carried))}**" if carried else "")
           + (f" · {wording.ILLUSTRATIVE_NOTE}" if bool(output["illustrative"]) else ""))
rows = by_output.get(code, indicators[:0])
if rows.empty:
    ui.empty("No indicators for this output match the filters.",
             "Check the country and agency filters, or load a results matrix that covers this output.")
    st.stop()
status_counts = rows["status"].value_counts()
st.markdown(" ".join(ui.badge(s) + f" {int(status_counts.get(s, 0))}" for s in charts.STATUS_ORDER),
            unsafe_allow_html=True)
with_progress = rows[rows["progress_ratio"].notna()]
if not with_progress.empty:
    drawn = with_progress.sort_values("progress_ratio", kind="stable").head(CHART_MAX_ROWS)
    ui.chart(charts.indicator_progress_bars, drawn,
             caption="Bar length: progress from the baseline as a share of the progress expected by now "
             "(dashed line = on target). Hover for baseline, target, actual and unit."
             + (f" Showing the {len(drawn)} furthest behind of {len(with_progress):,}; the table lists all."
                if len(drawn) < len(with_progress) else ""))
ui.table(rows[SHOWN], f"output {code} indicators {scope.period}", column_config=ui.INDICATOR_COLUMNS)
latest = load(queries.narrative, queries.Scope(scope.period, scope.programme_year, scope.country, code),
              ("achievement", "challenge"), True)
latest = latest[latest["output_code"] == code]
if not latest.empty:
    with st.expander(f"Latest narrative for Output {ui.literal(code)} ({ui.literal(latest['period'].iloc[0])})"):
        # one element for all the entries: a portfolio has hundreds per output
        st.markdown("\n\n".join(f"**{ui.literal(entry.country)} — {ui.literal(entry.kind)}:** "
                                f"{ui.literal(entry.text)}" for entry in latest.itertuples()))
