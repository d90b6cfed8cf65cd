"""What changed: any two builds of the warehouse compared (etl/diff.py through mm_core/changes.py). By default,
the build the last board pack was made from, and the current warehouse."""

from pathlib import Path

import streamlit as st

from etl import database_path
from etl.errors import EtlError
from mm_core import changes
from mm_dashboard import filters, ui

ui.require_scope()  # no warehouse: explained, and the page stops
st.title("What changed")
st.caption("Between two builds of the warehouse: indicators whose status changed, values restated for periods "
           "already reported (and who submitted them), activities, money by line, new rejections")

database = database_path()
builds = changes.builds(database)
pair = changes.default_pair(database)
if pair.from_id is None:
    ui.empty(pair.reason, "Each load is kept (`python -m etl history` lists them); choose two here once there are "
             "two.")
    st.stop()

labels = dict(zip(builds["load_id"], builds["label"]))
ids = list(builds["load_id"])
default_to = pair.to_id if pair.to_id in ids else ids[0]
# in the address as ?from=<build>&to=<build>: a link compares the same two builds
ignored_from = filters.link_choice("from", "changes_from", ids, pair.from_id)
ignored_to = filters.link_choice("to", "changes_to", ids, default_to)
left, right = st.columns(2)
from_id = left.selectbox("From", ids, format_func=labels.get, key="changes_from", help="By default " + pair.reason)
to_id = right.selectbox("To", ids, format_func=labels.get, key="changes_to", help="By default the current warehouse")
filters.keep_link_choice("from", from_id, pair.from_id, ignored_from)
filters.keep_link_choice("to", to_id, default_to, ignored_to)
ui.ignored_from_link("not a kept build", {"from": ignored_from, "to": ignored_to})
st.caption(f"From build {ui.literal(from_id)} to build {ui.literal(to_id)}.")


@st.cache_data(show_spinner="Comparing the two builds…", max_entries=8, ttl=300)
def compare(from_id: str, to_id: str, database: str):
    return changes.between(from_id, to_id, Path(database))


try:
    found = compare(from_id, to_id, str(database))
except EtlError as error:
    st.error(ui.message_for_page(error))
    st.stop()

if from_id == to_id:
    st.info("The same build on both sides: nothing can have changed. Choose another build to compare with.")
for section in found.sections():
    st.subheader(f"{section.title} ({ui.count(len(section.frame))})")
    if section.frame.empty:
        st.caption(section.empty)
    else:
        ui.table(section.frame, section.title.lower())
