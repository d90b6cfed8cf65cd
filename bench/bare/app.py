"""The yardstick for the click benchmark (bench/click_bench.py): a bare Streamlit app on the same Streamlit,
two pages in the sidebar's navigation, each with one selectbox and one 20-bar Altair chart that follows it.
Whatever this app takes for a first load, a page switch or a filter change is Streamlit's own cost."""

import streamlit as st

st.set_page_config(page_title="Bare app", layout="wide")
page = st.navigation([st.Page("page_one.py", title="One", default=True),
                      st.Page("page_two.py", title="Two", url_path="two")])
st.sidebar.selectbox("Country", [f"Country {n}" for n in range(1, 11)], key="country")
page.run()
