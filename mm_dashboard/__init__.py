"""The Streamlit dashboard's data access, queries and display blocks."""
