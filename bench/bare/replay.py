"""The replay yardstick of the click benchmark: the dashboard's own elements, recorded run by run by
bench/record_runs.py ($MM_REPLAY_DIR), sent again by a script that computes nothing.

Its navigation is the recorded one (the same sections, titles and addresses), and each run of any page sends
the next recorded run, so the same sequence of clicks as the recording's gets the same elements in the same
order: the sidebar's filters and the page. What it takes is Streamlit's own cost of drawing that content; the
dashboard's time over it is the dashboard's own work (queries, charts built, messages made).
"""

import os
import sys
import threading
from pathlib import Path

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository: streamlit adds only bench/bare/
from bench.record_runs import read  # noqa: E402

RECORDINGS = Path(os.environ["MM_REPLAY_DIR"])


@st.cache_resource
def _next_run() -> dict:
    return {"next": 0, "lock": threading.Lock()}


def _messages(number: int) -> list[ForwardMsg]:
    messages = []
    for data in read(RECORDINGS / f"{number:05d}.bin"):
        message = ForwardMsg()
        message.ParseFromString(data)
        messages.append(message)
    return messages


def _replay() -> None:
    counter = _next_run()
    with counter["lock"]:
        number = counter["next"]
        counter["next"] += 1
    navigation, *elements = _messages(number)
    wanted = {page.page_script_hash: page.page_name for page in navigation.navigation.app_pages}
    recorded_page = wanted.get(navigation.navigation.page_script_hash)
    if recorded_page != PAGE.title:  # the clicks did not follow the recording's: the figures would mean nothing
        raise RuntimeError(f"run {number} recorded page {recorded_page!r}, replayed on {PAGE.title!r}")
    context = get_script_run_ctx()
    main_script = context.pages_manager.main_script_hash
    for message in elements:
        # An element drawn by the main script (the sidebar's filters) stays one of the main script's, as in the
        # dashboard: the browser keeps those across a page switch and clears the page's own.
        if message.metadata.active_script_hash == navigation.navigation.page_script_hash:
            context.enqueue(message)
        else:
            with ThreadState.scoped(active_script_hash=main_script):
                context.enqueue(message)


@st.cache_resource
def _navigation():
    """The recorded navigation (the first run's): the same for every run."""
    return _messages(0)[0].navigation


first = _navigation()
sections: dict[str, list] = {}
for app_page in first.app_pages:
    sections.setdefault(app_page.section_header, []).append(st.Page(
        _replay, title=app_page.page_name, icon=app_page.icon or None, url_path=app_page.url_pathname or None,
        default=app_page.is_default, visibility="hidden" if app_page.is_hidden else "visible"))
st.set_page_config(page_title="Replay", layout="wide")
PAGE = st.navigation(sections, expanded=True)
PAGE.run()
