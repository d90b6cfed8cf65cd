"""The dashboard's Streamlit layer: the cached warehouse snapshot and query results, sidebar filters, display
blocks and sign-in. Everything without Streamlit lives below it, in mm_core (and etl)."""
