"""Page two of the bare app: a title and a 20-bar chart of the chosen country."""

import altair as alt
import pandas as pd
import streamlit as st

st.title("Page two")
seed = int(st.session_state["country"].split()[-1])
bars = pd.DataFrame({"item": [f"Item {n:02d}" for n in range(20)], "value": [(n + seed) % 13 + 1 for n in range(20)]})
st.altair_chart(alt.Chart(bars).mark_bar().encode(x="value:Q", y="item:N"), use_container_width=True)
