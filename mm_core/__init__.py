"""The Streamlit-free core used by the dashboard and the board pack: queries, chart specs, periods, text safety,
and the Upload page's checks and loads."""
