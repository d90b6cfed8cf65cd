"""Overview: where are we, what is late, what is off track, where is the money."""

import streamlit as st

from etl import statuses
from etl.reference import GLOBAL
from mm_core import changes, charts, metrics, queries, wording
from mm_dashboard import db, filters, ui
from mm_dashboard.data import load, programme

scope = ui.require_scope()
info = load(queries.data_info).iloc[0]
the_programme = programme()
phases = ui.literal(wording.phases_name(the_programme))
ui.header(ui.literal(the_programme.title), scope, f"{ui.literal(the_programme.short_title)}, {phases}")
st.markdown(f"**Status as of {ui.date(info['as_of_date'])}** · {int(info['files'])} files loaded "
            f"{ui.date_time(info['loaded_at'])} · {ui.count(info['rows_loaded'])} rows, "
            f"{ui.count(info['rows_rejected'])} rejected")

counts = load(queries.indicator_status_counts, scope).set_index("status")["indicators"]
activities = load(queries.activity_counts, scope).iloc[0]
money = load(queries.finance_totals, scope).iloc[0]
inception = load(queries.inception_summary, scope).iloc[0]
inception_deadlines = [(ui.literal(name), ui.date(day))  # a tooltip is Markdown; phase names are typed
                       for name, day in load(queries.inception_deadlines).itertuples(index=False)]

st.subheader(f"Indicators, {ui.literal(scope.period)}")
st.caption("Each indicator counted once for every country that reports it (and once for the global level), "
           f"{ui.count(counts.sum())} in these filters.")
ui.kpis(*({"label": status.capitalize(), "value": ui.count(counts.get(status, 0)),
           "help": "Judged against the progress expected by the as-of date; see docs/schema.md"}
          for status in charts.STATUS_ORDER))

st.subheader(f"Delivery, as of {ui.date(info['as_of_date'])}")
st.caption(f"Activities: the work plan's status on the as-of date, every activity in the filters, whatever period "
           f"is chosen. Budget delivered: {phases} to date. The four money figures below: "
           f"{ui.literal(wording.year_named(the_programme, filters.year_label(scope.programme_year)))} only.")
total_activities = int(activities["activities"])
complete, countries = int(inception["complete"]), int(inception["countries"])
year = filters.year_label(scope.programme_year)
budget, received, spent = (float(money[k]) for k in ("budget_usd", "received_usd", "expenditure_usd"))
ui.kpis(
    {"label": "Activities completed", "value": f"{ui.count(activities['completed'])} / {ui.count(total_activities)}"},
    {"label": "Activities delayed or overdue", "value": ui.count(activities["delayed_or_overdue"]),
     "help": f"{metrics.delays(activities)}: {int(activities['delayed_or_overdue'])} activities"},
    {"label": "Inception completed in year 1", "value": f"{ui.count(complete)} / {ui.count(countries)}"
     if countries else ui.MISSING,  # nothing to judge: the help says why
     "delta": f"{ui.percent(metrics.inception_share(inception))} of countries" if countries else None,
     "delta_color": "off", "delta_arrow": "off",
     "help": wording.inception_basis(inception, inception_deadlines)},
    {"label": "Budget delivered to date", "value": ui.percent(metrics.phase_delivery(money)),
     "help": f"{phases} to date: {ui.usd(money['phase_expenditure_usd'])} spent of "
             f"{ui.usd(money['phase_budget_usd'])}"},
    {"label": f"Budget {year}", "value": ui.usd_short(budget), "help": ui.usd(budget)},
    {"label": f"Funds received {year}", "value": ui.usd_short(received), "help": ui.usd(received)},
    {"label": f"Spent ÷ budget {year}", "value": ui.percent(metrics.year_delivery(money)),
     "help": f"{ui.usd(spent)} spent"},
    {"label": f"Spent ÷ received {year}", "value": ui.percent(metrics.year_spent_of_received(money))})

status = load(queries.country_status, scope)
st.subheader(f"Countries, {ui.literal(scope.period)}")
kept = load(queries.outputs_in_scope, scope)
coming = filters.not_started(scope.period)
if coming:  # nothing of it is due yet: no country is 'not reported'
    ui.empty(f"{ui.literal(scope.period)} {coming}, so no country reports results for it.",
             "Choose a period that has started: the sidebar's default is the latest one.")
elif scope.country == GLOBAL:  # the global team reports, but is no country: it has no place on the map
    ui.empty("The global level is not a country: it has no place on the map.",
             "Its indicators are on the Outputs and Indicators pages; choose 'All countries' in the sidebar to see "
             "the countries.")
elif status.empty:
    ui.empty(f"No programme country of these filters is expected to report results for {ui.literal(scope.period)}.",
             "A country reports in the periods of its phases (programme file, [[countries]] phases): choose another "
             "period, or 'All countries' in the sidebar.")
elif not (kept["level"] == "country").any():  # no country reports on them: none is 'not reported'
    ui.empty("The outputs in these filters are the global level's (or none): no country reports on them.",
             "Choose a country output, or widen the output, agency or SDG target filter, to see the countries.")
else:
    ui.chart(charts.world_map, status, load(queries.country_places),
             caption=f"Country status: {statuses.country_rule()}; 'not reported' when no indicator has a value "
             "for the period.")

st.subheader("Needs attention")
attention = load(queries.needs_attention, scope)
if attention.empty:
    st.success("Nothing needs attention for these filters: no off-track indicator, overdue activity, "
               "overspent line or missing report.")
else:
    plural = {"Off-track indicator": "off-track indicators", "Overdue activity": "overdue activities",
              "Overspent budget line": "overspent budget lines", "Not reported": "not reported"}  # GLOBAL too
    summary = attention.groupby("issue", sort=False).size()
    st.markdown(" · ".join(f"**{n}** {ui.literal(plural.get(issue, issue) if n != 1 else issue.lower())}"
                           for issue, n in summary.items()))
    ui.table(attention.drop(columns=["sort"]), "needs attention",
             column_config={"issue": "Issue", "country": st.column_config.TextColumn("Country", width="small"),
                            "output": "Output", "item": st.column_config.TextColumn("What", width="large"),
                            "detail": st.column_config.TextColumn("Detail", width="large")}, height=360)
st.caption(f"Off-track indicators and missing reports: {ui.literal(scope.period)}; overdue activities: the work "
           f"plans as of {ui.date(info['as_of_date'])}; overspent lines: every "
           f"{wording.year_noun(the_programme)} up to {ui.literal(year)}.")

st.subheader("Board pack")
if scope.output or scope.agency or scope.sdg_target:  # the pack is of a period and a country only
    st.caption("The pack covers every output and agency of the period"
               + (f" for {ui.literal(scope.country)}" if scope.country else "")
               + ": the output, agency and SDG target filters do not apply to it.")
# kept per period, country and database version: after a new load the pack is made afresh
pack_key = ("board_pack", st.session_state.get("chosen_period"), scope.country, db.snapshot().key)
if ui.reading_preview():  # the pack is the Board's document: never made from pending submissions
    st.info("The board pack is made from the Board's warehouse only: switch off **Preview pending submissions** "
            "in the sidebar to prepare it.")
elif st.button(f"Prepare the board pack for {ui.literal(st.session_state.get('chosen_period'))} (Excel, PDF and "
             "slides)",
             icon=":material/description:", key="board_pack_button"):
    with st.spinner("Building the board pack: results matrix, country progress, work plan, finance, flash "
                    "reports and charts…"):
        st.session_state[pack_key] = ui.board_pack_files(st.session_state.get("chosen_period"), scope.country)
if pack_key in st.session_state and not ui.reading_preview():
    files = st.session_state[pack_key]
    load_id = load(changes.load_id_of)  # the build the pack was made from: this run's snapshot, as the pack
    columns = st.columns(len(files))
    for column, (name, data, mime) in zip(columns, files):
        # the audit line 'exported' is written when a file is downloaded, not when the pack is prepared
        column.download_button(f"Download {ui.literal(name)}", data, file_name=name, mime=mime, key=f"download_{name}",
                               icon=":material/download:", on_click=ui.record_pack_download, args=(load_id, name))
    if st.session_state.get(ui.EXPORT_PROBLEM):
        st.error(ui.literal(st.session_state.pop(ui.EXPORT_PROBLEM)))
else:
    st.caption(f"An Excel workbook, a PDF and slides of the period for the {ui.literal(the_programme.board)}, "
               "formatted for print and screen-share (also `python -m reports board-pack --period … --out …`).")
