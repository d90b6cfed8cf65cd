"""Overview: the programme at a glance for the reporting period."""

import streamlit as st

from mm_dashboard import db, queries, ui
from mm_dashboard.data import load

st.title("Mainstreaming Migration into National Development Strategies")
st.caption("IOM–UNDP Joint Global Programme · Phase II (Feb 2014 – Jan 2018)")

try:
    info = load(queries.data_info).iloc[0]
    period = load(queries.current_period)
except (db.DatabaseMissing, db.DatabaseUnusable) as error:
    ui.explain_missing_database(error)

if period.empty:
    st.info("The as-of date lies before the first reporting period; there is nothing to report yet.")
    st.stop()
period_label = period.iloc[0]["period"]
st.markdown(f"**Status as of {info['as_of_date']:%d %B %Y}** · reporting period **{period_label}** · "
            f"{int(info['files'])} files loaded {info['loaded_at']:%d %b %Y %H:%M} · "
            f"{int(info['rows_loaded']):,} rows, {int(info['rows_rejected']):,} rejected")

counts = load(queries.indicator_status_counts, period_label).set_index("status")["indicators"]
activities = load(queries.activity_counts).iloc[0]
money = load(queries.finance_totals).iloc[0]
inception = load(queries.inception_summary).iloc[0]

st.subheader(f"Indicators in {period_label}")
columns = st.columns(4)
for column, status in zip(columns, ("on track", "at risk", "off track", "no data")):
    column.metric(status.capitalize(), int(counts.get(status, 0)))

st.subheader("Delivery")
columns = st.columns(4)
columns[0].metric("Activities completed", f"{int(activities['completed'])} / {int(activities['activities'])}")
columns[1].metric("Activities delayed or overdue", int(activities["delayed"] + activities["overdue"]),
                  help="Status 'delayed', or past the planned end and not completed or cancelled")
budget, spent, received = (float(money[k] or 0) for k in ("budget_usd", "expenditure_usd", "received_usd"))
columns[2].metric("Budget delivery (spent ÷ budget)", ui.percent(spent / budget if budget else None),
                  help=f"{ui.usd(spent)} spent of {ui.usd(budget)} budget; {ui.usd(received)} received")
complete, countries = int(inception["complete"]), int(inception["countries"])
columns[3].metric("Inception completed in year 1",
                  f"{complete} / {countries} ({ui.percent(complete / countries if countries else None)})",
                  help="Countries whose inception milestones were all reached by 31 January 2015")

st.subheader(f"Indicator status by country, {period_label}")
by_country = load(queries.indicator_status_by_country, period_label)
st.dataframe(by_country.rename(columns={"country": "Country", "on_track": "On track", "at_risk": "At risk",
                                        "off_track": "Off track", "no_data": "No data"}),
             hide_index=True, width="stretch")
