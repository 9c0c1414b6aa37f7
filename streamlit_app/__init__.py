"""The iGOT Karmayogi dashboard: a Streamlit app that reads the published warehouse's marts."""
