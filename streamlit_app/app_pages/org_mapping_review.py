"""Org mapping review: the open findings on how MDOs are filed on iGOT, for the officer to fix.

Karmayogi Bharat's letter of 20 January 2026 asks each state to make sure "all subordinate
organisations and units under its administrative control are correctly mapped". This page is
that to-do list.
"""

import streamlit as st

from streamlit_app import charts, components, insights, warehouse
from streamlit_app.components import Card
from streamlit_app.formatting import indian_number, is_missing, long_date

components.page_header(
    "Org mapping review",
    "Is the organisation hierarchy on iGOT mapped correctly? Districts filed under departments, "
    "MDOs with no department, duplicates, two names in one cell, totals that do not add up: "
    "each finding with its evidence and the suggested fix.",
)
warehouse.require("org_mapping_issues")

# A finding from a file with no state in its name (a ranking or course file) has no state, and
# one from a file with no date in its name no snapshot date. They get a choice of their own,
# and the queries compare with `is not distinct from`, so every finding can be reached.
# The mart keeps decided findings too (with their decision); this page is the open ones.
NO_STATE = "No state (ranking, course and reference files)"
NO_DATE = "No date in the file name"


def _or_none(value):
    return None if is_missing(value) else value


states = [
    _or_none(state)
    for state in warehouse.query(
        "select distinct state from marts.org_mapping_issues where is_open "
        "order by state nulls last"
    )["state"]
]
if not states:
    components.takeaway("No open findings: every MDO is mapped as expected, or reviewed.")
    st.stop()
home = warehouse.home_state()
state_column, snapshot_column = st.columns([2, 1])
state = state_column.selectbox(
    "State",
    states,
    index=states.index(home) if home in states else 0,
    format_func=lambda value: NO_STATE if value is None else value,
    key="review_state",
)
snapshots = [
    _or_none(snapshot)
    for snapshot in warehouse.query(
        "select distinct snapshot_date from marts.org_mapping_issues "
        "where state is not distinct from ? and is_open order by snapshot_date desc",
        [state],
    )["snapshot_date"]
]
snapshot = snapshot_column.selectbox(
    "MDO report as on",
    snapshots,
    format_func=lambda value: NO_DATE if value is None else long_date(value),
    key="review_snapshot",
)

findings = warehouse.query(
    "select * from marts.org_mapping_issues "
    "where state is not distinct from ? and snapshot_date is not distinct from ? and is_open "
    "order by case severity when 'error' then 0 else 1 end, issue_type, department, mdo_name",
    [state, snapshot],
)
components.takeaway(insights.findings_takeaway(findings))
components.metric_cards(
    [
        Card("Open findings", indian_number(len(findings))),
        Card(
            "Errors",
            indian_number((findings["severity"] == "error").sum()),
            help="The figures of these rows cannot be trusted until fixed.",
        ),
        Card(
            "Warnings",
            indian_number((findings["severity"] != "error").sum()),
            help="A person needs to look at these.",
        ),
        Card("Departments affected", indian_number(findings["department"].nunique())),
    ]
)

if not findings.empty:
    st.altair_chart(charts.findings_by_type(findings))

st.header("Findings", anchor=False, divider="gray")
type_column, severity_column, search_column = st.columns([2, 1, 2])
issue_types = sorted(findings["issue_type"].dropna().unique())
chosen_types = type_column.multiselect(
    "Issue type",
    issue_types,
    default=issue_types,
    format_func=insights.readable_issue_type,
    key="review_types",
)
severities = sorted(findings["severity"].dropna().unique())
chosen_severities = severity_column.multiselect(
    "Severity", severities, default=severities, key="review_severities"
)
search = search_column.text_input(
    "Department or MDO contains", key="review_search", placeholder="e.g. District"
)

# The filters go to SQL as bound parameters, never into the SQL text.
shown = warehouse.query(
    "select * from marts.org_mapping_issues "
    "where state is not distinct from ? and snapshot_date is not distinct from ? and is_open "
    "and list_contains(?, issue_type) and list_contains(?, severity) "
    "and (? = '' or coalesce(department, '') ilike '%' || ? || '%' "
    "     or coalesce(mdo_name, '') ilike '%' || ? || '%') "
    "order by case severity when 'error' then 0 else 1 end, issue_type, department, mdo_name",
    [state, snapshot, chosen_types, chosen_severities, search, search, search],
)
st.caption(f"{indian_number(len(shown))} of {indian_number(len(findings))} open findings shown.")
leading = [
    "severity",
    "issue_type",
    "department",
    "mdo_name",
    "evidence",
    "suggested_fix",
    "first_seen",
    "last_seen",
]
ordered = leading + [
    column
    for column in shown.columns
    if column not in leading and column not in {"state", "snapshot_date"}
]
components.table(
    shown[ordered],
    file_name=components.file_slug(state, snapshot, "org_mapping_findings"),
    key="findings",
    column_config={
        "evidence": st.column_config.TextColumn("Evidence", width="large"),
        "suggested_fix": st.column_config.TextColumn("Suggested fix", width="large"),
    },
)
