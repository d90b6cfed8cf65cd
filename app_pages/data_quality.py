"""Data quality: what was loaded, what was rejected and where, who has not reported, and gaps in the
results framework (indicators without a baseline or target)."""

import pandas as pd
import streamlit as st

from mm_core import cross_checks, queries, wording
from mm_dashboard import filters, ui
from mm_dashboard.data import load, programme

scope = ui.require_scope()
ui.header("Data quality", scope, "What the last load took in, what it rejected, and what is missing")
info = load(queries.data_info).iloc[0]

ui.kpis({"label": "Files loaded", "value": ui.count(info["files"])},
        {"label": "Rows loaded", "value": ui.count(info["rows_loaded"])},
        {"label": "Rows rejected", "value": ui.count(info["rows_rejected"])})
st.caption((f"Loaded {ui.date_time(info['loaded_at'])}. " if info["files"] else "")  # too long for a metric
           + "The figures, the load log, the rejected rows and the warnings are of every file of the last load, "
             "whatever the filters; reporting completeness, freshness and the cross-checks follow the country "
             "chosen (the cross-checks the period too), and the missing baselines and targets every filter.")

st.subheader("Load log")
ui.table(load(queries.load_log), "load log",
         column_config={"file": "File", "status": "Status", "rows_loaded": "Rows loaded",
                        "rows_rejected": "Rows rejected", "loaded_at": "Loaded", "sha256": "SHA-256"})

st.subheader("Rejected rows")
summary = load(queries.rejected_summary)
if summary.empty:
    st.success("No row was rejected: every cell of every file passed validation.")
else:
    st.markdown("Grouped by file and reason; each rejected row is kept, never loaded, until the file is "
                "corrected and loaded again.")
    ui.table(summary, "rejected rows by reason",
             column_config={"column": "Column", "expected": "Expected", "problems": "Problems", "rows": "Rows",
                            "at_rows": "At rows"})
    with st.expander("Every rejected value, with its row as typed"):
        ui.table(load(queries.rejected_rows), "rejected rows")

st.subheader("Warnings")
warnings = load(queries.load_warnings)
if warnings.empty:
    st.success("Nothing was skipped or filled in: no hidden sheet or row, no value derived.")
else:
    st.markdown("Loaded, but worth a look: hidden sheets and rows that were **not** used, values filled in "
                "(a country from a title row, a default status) and text kept beside a number.")
    ui.table(warnings.groupby(["file", "kind"]).size().rename("warnings").reset_index(), "warnings by file",
             column_config={"file": "File", "kind": "Kind", "warnings": "Warnings"})
    with st.expander("Every warning"):
        ui.table(warnings, "load warnings")

st.subheader("Reporting completeness")
everyone = load(queries.reporting_completeness)
completeness = everyone[everyone["country"] == scope.country] if scope.country else everyone
if everyone.empty:
    ui.empty("No reporting period has started by the as-of date.", "")
elif completeness.empty:
    ui.empty(f"Nothing is expected of {ui.literal(scope.country)} in the periods started by the as-of date.",
             "A country reports in the periods of its phases (programme file, [[countries]] phases).")
else:
    kinds = {"results": "Indicator values", "narrative": "Narrative", "expenditure": "Expenditure"}
    # in the address as ?input=narrative: a link shows the same matrix
    ignored_kind = filters.link_choice("input", "completeness_kind", kinds, "results")
    kind = st.segmented_control("Input", list(kinds), format_func=kinds.get, key="completeness_kind") or "results"
    filters.keep_link_choice("input", kind, "results", ignored_kind)
    ui.ignored_from_link("not an input of the completeness matrix", {"input": ignored_kind})
    matrix = completeness.pivot(index="name", columns="period", values=kind)
    starts = dict(zip(completeness["period"], completeness["period_start"]))  # the periods in their order
    matrix = matrix[sorted(matrix.columns, key=starts.get)]
    missing = completeness[completeness[kind].eq(False)]  # not where the programme expects nothing (NULL)
    st.markdown(f"**{len(missing)}** country-periods without {kinds[kind].lower()} "
                f"(expenditure counts per {wording.year_noun(programme())}).")
    ui.table(matrix.map(lambda sent: "– not due" if pd.isna(sent) else "✓ sent" if sent else "✗ missing")
             .rename_axis(None, axis=1).reset_index()
             .rename(columns={"name": "Country"}), f"completeness {kind}")
    ui.table(missing[["name", "period"]].rename(columns={"name": "Country", "period": "Period"}),
             f"missing {kind}")

st.subheader(f"Cross-checks, {ui.literal(scope.period)}")
# every country's findings of the period, once: a country chosen then only slices them
findings = cross_checks.of_country(load(cross_checks.findings, cross_checks.everywhere(scope)), scope.country)
if findings.empty:
    st.success("Indicators, activities, milestones and the review agree: no cross-check found anything.")
else:
    st.markdown(f"**{len(findings)}** place(s) where one sheet says something another contradicts "
                "(the rules: data/reference/cross_checks.csv).")
    ui.table(findings.drop(columns=["rule"]), f"cross-checks {scope.period}",
             column_config={"check": "Check", "country": "Country", "item": "One sheet says",
                            "item_source": "From", "conflicts_with": "Another says", "conflict_source": "From"})

st.subheader("Freshness")
freshness = load(queries.freshness)
ui.table(freshness[freshness["country"] == scope.country] if scope.country else freshness, "freshness",
         column_config={"latest_period_reported": "Latest period with values", "source_files": "From",
                        "loaded_at": "Loaded"})

st.subheader("Indicators missing a baseline or target")
gaps = load(queries.indicators_missing_baseline_or_target, scope)
if gaps.empty:
    st.success("Every indicator in scope has a baseline, an end-of-programme target and a target for every period.")
else:
    ui.table(gaps, "indicators missing baseline or target", column_config=ui.INDICATOR_COLUMNS)
