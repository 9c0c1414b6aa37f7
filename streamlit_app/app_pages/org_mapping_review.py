"""Org mapping review: the open findings on how MDOs are filed on iGOT, for the officer to fix.

Karmayogi Bharat's letter of 20 January 2026 asks each state to make sure "all subordinate
organisations and units under its administrative control are correctly mapped". This page is
that to-do list.
"""

import streamlit as st

from streamlit_app import charts, components, insights, warehouse
from streamlit_app.components import Card
from streamlit_app.formatting import indian_number, is_missing, long_date, md
from streamlit_app.i18n import t, translatable

components.page_header(
    t("Org mapping review"),
    t(
        "Is the organisation hierarchy on iGOT mapped correctly? Districts filed under "
        "departments, MDOs with no department, duplicates, two names in one cell, totals that do "
        "not add up: each finding with its evidence and the suggested fix."
    ),
)
warehouse.require("org_mapping_issues")

# A finding from a file with no state in its name (a ranking or course file) has no state, and
# one from a file with no date in its name no snapshot date. They get a choice of their own,
# and the queries compare with `is not distinct from`, so every finding can be reached.
# The mart keeps decided findings too (with their decision); this page is the open ones.
NO_STATE = translatable("No state (ranking, course and reference files)")
NO_DATE = translatable("No date in the file name")
SEVERITIES = {"error": translatable("error"), "warning": translatable("warning")}
# The to-do list shows this many findings as cards; the table below holds them all.
CARDS_SHOWN = 25


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
    components.takeaway(t("No open findings: every MDO is mapped as expected, or reviewed."))
    st.stop()
home = warehouse.home_state()
state_column, snapshot_column = st.columns([2, 1])
state = state_column.selectbox(
    t("State"),
    states,
    index=states.index(home) if home in states else 0,
    format_func=components.labels_from(
        {value: t(NO_STATE) if value is None else value for value in states}
    ),
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
    t("MDO report as on"),
    snapshots,
    format_func=components.labels_from(
        {value: t(NO_DATE) if value is None else long_date(value) for value in snapshots}
    ),
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
        Card(t("Open findings"), indian_number(len(findings))),
        Card(
            t("Errors"),
            indian_number((findings["severity"] == "error").sum()),
            help=t("The figures of these rows cannot be trusted until fixed."),
        ),
        Card(
            t("Warnings"),
            indian_number((findings["severity"] != "error").sum()),
            help=t("A person needs to look at these."),
        ),
        Card(t("Departments affected"), indian_number(findings["department"].nunique())),
    ]
)

if not findings.empty:
    st.altair_chart(charts.findings_by_type(findings, insights.readable_issue_type))

st.header(t("Findings"), anchor=False, divider="gray")
type_column, severity_column, search_column = st.columns([2, 1, 2])
issue_types = sorted(findings["issue_type"].dropna().unique())
# An empty choice means every type, as on the other pages.
chosen_types = type_column.multiselect(
    t("Issue type"),
    issue_types,
    format_func=components.labels_from(
        {kind: insights.readable_issue_type(kind) for kind in issue_types}
    ),
    key="review_types",
    placeholder=t("All"),
)
severities = sorted(findings["severity"].dropna().unique())
chosen_severities = severity_column.multiselect(
    t("Severity"),
    severities,
    format_func=components.labels_from(
        {value: t(SEVERITIES[value]) if value in SEVERITIES else value for value in severities}
    ),
    key="review_severities",
    placeholder=t("All"),
)
search = search_column.text_input(
    t("Department or MDO contains"), key="review_search", placeholder=t("e.g. District")
)

# The filters go to SQL as bound parameters, never into the SQL text.
shown = warehouse.query(
    "select * from marts.org_mapping_issues "
    "where state is not distinct from ? and snapshot_date is not distinct from ? and is_open "
    "and (len(?::varchar[]) = 0 or list_contains(?::varchar[], issue_type)) "
    "and (len(?::varchar[]) = 0 or list_contains(?::varchar[], severity)) "
    "and (? = '' or coalesce(department, '') ilike '%' || ? || '%' "
    "     or coalesce(mdo_name, '') ilike '%' || ? || '%') "
    "order by case severity when 'error' then 0 else 1 end, issue_type, department, mdo_name",
    [
        state,
        snapshot,
        chosen_types,
        chosen_types,
        chosen_severities,
        chosen_severities,
        search,
        search,
        search,
    ],
)
st.caption(
    t(
        "{shown} of {total} open findings shown.",
        shown=indian_number(len(shown)),
        total=indian_number(len(findings)),
    )
)

# The to-do list: each finding readable in full, evidence and fix wrapped, no scrolling sideways.
for finding in shown.head(CARDS_SHOWN).itertuples():
    with st.container(border=True):
        where = " · ".join(
            md(name) for name in (finding.department, finding.mdo_name) if not is_missing(name)
        )
        severity = t(SEVERITIES.get(finding.severity, finding.severity))
        st.markdown(
            f"**{insights.readable_issue_type(finding.issue_type)}** ({severity})"
            + (f" — {where}" if where else "")
        )
        st.markdown(
            t("**Evidence:** {evidence}", evidence=md(insights.indian_figures(finding.evidence)))
        )
        st.markdown(
            t("**Suggested fix:** {fix}", fix=md(insights.indian_figures(finding.suggested_fix)))
        )
if len(shown) > CARDS_SHOWN:
    st.caption(
        t(
            "The first {count} findings are shown above; the table below holds all {total}.",
            count=CARDS_SHOWN,
            total=indian_number(len(shown)),
        )
    )

st.subheader(t("All shown findings as a table"), anchor=False)
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
table = shown.assign(
    issue_type=shown["issue_type"].map(insights.readable_issue_type),
    evidence=shown["evidence"].map(insights.indian_figures),
    suggested_fix=shown["suggested_fix"].map(insights.indian_figures),
)
components.table(
    table[leading],
    file_name=components.file_slug(state, snapshot, "org_mapping_findings"),
    key="findings",
    column_config={
        "evidence": st.column_config.TextColumn(t("Evidence"), width="large"),
        "suggested_fix": st.column_config.TextColumn(t("Suggested fix"), width="large"),
    },
)
