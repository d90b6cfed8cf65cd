"""Pages under streamlit.testing.v1.AppTest: the page table, charts as sent, filters, sign-in, text as shown."""

from __future__ import annotations

import json
import re

from streamlit.testing.v1 import AppTest

from mm_core.access import password_hash

PAGES = {  # page file -> (title, charts it draws on the sample)
    "app_pages/overview.py": ("Mainstreaming Migration into National Development Strategies", 1),
    "app_pages/outputs.py": ("Outputs", 1),  # one output in detail, below the summary of all
    "app_pages/indicators.py": ("Indicators", 1),
    "app_pages/theory_of_change.py": ("Theory of change", 1),
    "app_pages/countries.py": ("Countries", 3),
    "app_pages/workplan.py": ("Work plan", 1),
    "app_pages/money.py": ("Money", 3),
    "app_pages/data_quality.py": ("Data quality", 0),
    "app_pages/recommendations.py": ("Mid-Term Review recommendations", 0),
    "app_pages/round_tracker.py": ("Round tracker", 1),
}
USERS = {"alice": {"password_hash": password_hash("alice-secret", salt="a1"), "role": "editor"},
         "victor": {"password_hash": password_hash("victor-secret", salt="v1"), "role": "viewer"}}


def as_shown(markdown: str) -> str:
    """Markdown built by the pages as a reader sees it: backslash escapes and the invisible word joiners of
    mm_core.safety.markdown_literal removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def charts(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def chart_rows(app: AppTest, index: int) -> list[dict]:
    """The rows Streamlit sends with a chart (as Arrow, beside the spec)."""
    import pyarrow as pa
    proto = app.get("vega_lite_chart")[index].proto
    return [row for dataset in proto.datasets
            for row in pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()]


def choose(app: AppTest, **filters: str) -> AppTest:
    """Set sidebar filters and rerun. (AppTest drops the sidebar's elements from its tree on reruns of an
    st.navigation app, so the widgets are driven through their session-state keys; the browser test
    drives the real widgets.)"""
    for name, value in filters.items():
        app.session_state[f"chosen_{name}"] = value
    return app.run()


def sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input(key="login_name").input(name)
    app.text_input(key="login_password").input(password)
    return app.button[0].click().run()
OFFICE_USERS = {**USERS, "olga": {"password_hash": password_hash("olga-secret", salt="o1"), "role": "country office",
                                  "countries": ["MAR"]}}  # a country office for Morocco (a programme country)
