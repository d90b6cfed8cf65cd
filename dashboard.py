"""Entry point: page configuration and navigation. No data code here."""

import streamlit as st

st.set_page_config(page_title="Migration Mainstreaming — Results Dashboard", page_icon="🌐", layout="wide")

pages = [st.Page("pages/overview.py", title="Overview", icon="📊", url_path="overview", default=True)]
st.navigation(pages).run()
