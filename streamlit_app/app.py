"""The iGOT Karmayogi dashboard: `make app` serves it on http://127.0.0.1:8501.

It reads only the `marts` schema of the published warehouse (IGOT_WAREHOUSE), read-only, so it
can stay open while the pipeline runs; a newly published warehouse shows on the next rerun.
"""

import streamlit as st

from streamlit_app import components, warehouse
from streamlit_app.i18n import t

st.set_page_config(
    page_title="iGOT Karmayogi: state learning dashboard",
    page_icon=":material/school:",
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
        title="State ranking",
        icon=":material/leaderboard:",
        default=not tracker_leads,
    ),
    st.Page("app_pages/departments.py", title="Departments", icon=":material/account_tree:"),
    st.Page("app_pages/org_mapping_review.py", title="Org mapping review", icon=":material/rule:"),
    st.Page("app_pages/courses.py", title="Courses", icon=":material/menu_book:"),
    *([] if tracker_leads else [tracker]),
    st.Page("app_pages/data_status.py", title="Data status", icon=":material/fact_check:"),
]

page = st.navigation(PAGES)
# A page stops at the first mart it cannot read; this says why and what to run.
with components.explain_unavailable():
    components.sidebar_status()
    page.run()
