"""Money: budget, funds received and expenditure by output, country, agency and year; burn rate; results
against resources. All amounts in US dollars, converted with the shipped rate table."""

import streamlit as st

from mm_core import charts, metrics, queries, wording
from mm_dashboard import filters, ui
from mm_dashboard.data import load, programme

scope = ui.require_scope()
ui.header("Money", scope, "US dollars; amounts reported in other currencies converted with data/reference/fx_rates.csv")
lines = load(queries.finance_lines, scope)
if lines.empty:
    ui.empty("No expenditure lines match these filters.",
             "Widen the filters, or load the Expenditure sheets of the country workbooks.")
    st.stop()

money = load(queries.finance_totals, scope).iloc[0]
the_programme = programme()
phases = wording.phases_name(the_programme)
overspent = lines[lines["is_overspent"]]
ui.kpis({"label": f"{ui.literal(phases)} budget", "value": ui.usd_short(money["phase_budget_usd"]),
         "help": ui.usd(money["phase_budget_usd"])},
        {"label": "Spent to date", "value": ui.usd_short(money["phase_expenditure_usd"]),
         "help": ui.usd(money["phase_expenditure_usd"])},
        {"label": "Delivery (spent ÷ budget)", "value": ui.percent(metrics.phase_delivery(money))},
        {"label": "Overspent lines", "value": ui.count(len(overspent))})

chosen_year = wording.year_named(the_programme, filters.year_label(scope.programme_year))
# the sidebar's period names a year: the grouped figures and the lines follow it, or show every year, and say which
# in the address as ?years=all and ?group=country: a link opens the same figures
ignored_years = filters.link_choice("years", "money_years", ["chosen", "all"], "chosen")
years = st.segmented_control("Years", ["chosen", "all"], key="money_years",
                             format_func={"chosen": ui.literal(chosen_year[0].upper() + chosen_year[1:]),
                                          "all": f"All years ({ui.literal(phases)} to date)"}.get) or "chosen"
filters.keep_link_choice("years", years, "chosen", ignored_years)
year = scope.programme_year if years == "chosen" else None
covers = chosen_year if year is not None else f"all {wording.year_noun(the_programme)}s of {phases} to date"
st.caption(f"The four figures above cover {ui.literal(phases)} to date, every year; the chart and table grouped "
           f"below, and the expenditure lines, cover {ui.literal(covers)}.")
labels = {"output": "Output", "country": "Country", "agency": "Agency",
          "year": wording.year_noun(the_programme, capital=True)}
ignored_group = filters.link_choice("group", "money_dimension", labels, "output")
dimension = st.segmented_control("Group by", list(labels), format_func=labels.get, key="money_dimension") or "output"
filters.keep_link_choice("group", dimension, "output", ignored_group)
ui.ignored_from_link("not a choice of this page", {"years": ignored_years, "group": ignored_group})
grouped = load(queries.finance_by, scope, dimension, year)
ui.chart(charts.money_bars, grouped, labels[dimension],
         caption=f"Budget, funds received and expenditure, {ui.literal(covers)}.")
ui.table(grouped.rename(columns={"group": labels[dimension]}), f"money by {dimension}",
         column_config=ui.money_columns())

left, right = st.columns(2)
with left:
    st.subheader("Burn rate against time")
    burn = load(queries.burn_rate, scope)
    if burn.empty:
        ui.empty(f"No {wording.year_noun(the_programme)} has started yet.", "")
    else:
        ui.chart(charts.burn_rate, burn, phases, wording.year_title(the_programme),
                 caption=f"Cumulative expenditure as a share of the {ui.literal(phases)} budget, beside the share of "
                 f"{ui.literal(phases)} elapsed (to the as-of date in the current year).")
with right:
    st.subheader(f"Results against resources, {ui.literal(scope.period)}")
    outputs = load(queries.results_vs_resources, scope).dropna(subset=["spent_share", "on_track_share"])
    if outputs.empty:
        ui.empty("No output has both money and indicator data for these filters.", "")
    else:
        ui.chart(charts.results_against_resources, outputs,
                 caption=f"Square: share of the output's {ui.literal(phases)} budget spent to date, every "
                 f"{wording.year_noun(the_programme)} to the as-of date, whatever the period chosen; circle: share of "
                 f"its indicators on track in {ui.literal(scope.period)}. A circle right of its square: more results "
                 "than the share of budget spent; left of it, fewer.")

if not overspent.empty:
    st.subheader("Overspent lines, all years")
    ui.table(overspent[["country", "output_code", "agency", "programme_year", "budget_usd", "expenditure_usd",
                        "comment"]], "overspent lines", column_config=ui.money_columns())
st.subheader(f"Expenditure lines, {ui.literal(covers)}")
ui.table(load(queries.finance_lines, scope, year), "expenditure lines",
         column_config=ui.money_columns())
