"""The iGOT Karmayogi dashboard: `make app` serves it on http://127.0.0.1:8501.

It reads only the `marts` schema of the published warehouse (IGOT_WAREHOUSE), read-only, so it
can stay open while the pipeline runs; a newly published warehouse shows on the next rerun.
Nothing is fetched from outside this machine: the favicon and the fonts are served with the app.
"""

from pathlib import Path

import streamlit as st

from streamlit_app import components, warehouse
from streamlit_app.i18n import t

STATIC = Path(__file__).parent / "static"

st.set_page_config(
    page_title=t("iGOT Karmayogi: state learning dashboard"),
    # A file, not an emoji or icon name: Streamlit serves it itself, where an emoji favicon is
    # fetched from a CDN.
    page_icon=str(STATIC / "favicon.png"),
    layout="wide",
)
# Once officer reports are loaded the mandate is the question of the month: its tracker leads.
tracker_leads = warehouse.holds_officer_reports()
tracker = st.Page(
    "app_pages/mandate_tracker.py",
    title=t("Mandate tracker"),
    icon=":material/task_alt:",
    default=tracker_leads,
)
PAGES = [
    *([tracker] if tracker_leads else []),
    st.Page(
        "app_pages/state_ranking.py",
        title=t("State ranking"),
        icon=":material/leaderboard:",
        default=not tracker_leads,
    ),
    st.Page("app_pages/departments.py", title=t("Departments"), icon=":material/account_tree:"),
    st.Page(
        "app_pages/org_mapping_review.py", title=t("Org mapping review"), icon=":material/rule:"
    ),
    st.Page("app_pages/courses.py", title=t("Courses"), icon=":material/menu_book:"),
    *([] if tracker_leads else [tracker]),
    st.Page("app_pages/data_status.py", title=t("Data status"), icon=":material/fact_check:"),
]

page = st.navigation(PAGES)
components.accessible_style()
# Every read goes through one error path: a page stops at the first mart it cannot read, and
# this says why and what to do.
with components.explain_unavailable():
    components.sidebar_status()
    page.run()
