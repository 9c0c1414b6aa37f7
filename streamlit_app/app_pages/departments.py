"""Departments: which departments lag, from the state's MDO report, and their MDOs."""

import streamlit as st

from streamlit_app import charts, components, insights, warehouse
from streamlit_app.components import Card
from streamlit_app.formatting import hours, indian_number, long_date, md, percent, short_date

MEASURES = {
    "onboarded": "Onboarded users",
    "activation_rate": "Activation rate (active / onboarded)",
    "completion_rate": "Completion rate (completions / enrolments)",
    "pass_rate": "Pass rate (passed / attempted)",
    "hours_per_active_user": "Learning hours per active user",
}
LARGEST = 20

components.page_header(
    "Departments",
    "Onboarding, activation, completion and pass rates department by department, from the "
    "state's MDO report: which departments lag, and which of their MDOs.",
)
warehouse.require("department_summary", "department_trend", "mdo_snapshot")

states = warehouse.query("select distinct state from marts.department_summary order by state")[
    "state"
].tolist()
if not states:
    st.info("No MDO report is loaded yet: add one to `raw/mdo/` and run `make run`.")
    st.stop()
home = warehouse.home_state()
state_column, snapshot_column = st.columns([2, 1])
state = state_column.selectbox(
    "State", states, index=states.index(home) if home in states else 0, key="departments_state"
)
snapshots = warehouse.query(
    "select distinct snapshot_date from marts.department_summary where state = ? "
    "order by snapshot_date desc",
    [state],
)["snapshot_date"].tolist()
snapshot = snapshot_column.selectbox(
    "MDO report as on", snapshots, format_func=long_date, key="departments_snapshot"
)

departments = warehouse.query(
    "select * from marts.department_summary where state = ? and snapshot_date = ? "
    "order by onboarded desc nulls last, department",
    [state, snapshot],
)
totals = departments[
    [
        "mdo_count",
        "onboarded",
        "active",
        "enrollments",
        "completions",
        "learning_hours",
        "courses_attempted",
        "courses_passed",
    ]
].sum()
lagging = insights.laggards(departments)

# Month-over-month change, where the state has an earlier report.
trend = warehouse.query(
    "select * from marts.department_trend where state = ? and snapshot_date = ? "
    "and previous_snapshot_date is not null",
    [state, snapshot],
)


def change(measure: str, department: str | None = None) -> str | None:
    """'+1,234 since 31 Jan 2026' for a card, or nothing without an earlier report."""
    if trend.empty:
        return None
    rows = trend if department is None else trend.loc[trend["department"] == department]
    if rows.empty:
        return None
    moved = rows[f"{measure}_change"].sum()
    since = short_date(rows["previous_snapshot_date"].iloc[0])
    return f"{'+' if moved >= 0 else '-'}{indian_number(abs(moved))} since {since}"


components.takeaway(
    insights.departments_takeaway(state, totals["onboarded"], totals["active"], lagging)
)


def ratio(numerator: str, denominator: str):
    return totals[numerator] / totals[denominator] if totals[denominator] else None


components.metric_cards(
    [
        Card(
            "Onboarded users",
            indian_number(totals["onboarded"]),
            delta=change("onboarded"),
            help=f"Across {len(departments)} departments and "
            f"{indian_number(totals['mdo_count'])} MDOs.",
        ),
        Card(
            "Active users",
            indian_number(totals["active"]),
            delta=change("active"),
            help=f"Activation rate {percent(ratio('active', 'onboarded'))}.",
        ),
        Card("Activation rate", percent(ratio("active", "onboarded"))),
        Card(
            "Completion rate",
            percent(ratio("completions", "enrollments")),
            help=f"{indian_number(totals['completions'])} completions of "
            f"{indian_number(totals['enrollments'])} enrolments.",
        ),
        Card(
            "Pass rate",
            percent(ratio("courses_passed", "courses_attempted")),
            help=f"{indian_number(totals['courses_passed'])} passed of "
            f"{indian_number(totals['courses_attempted'])} attempted.",
        ),
        Card("Hours per active user", hours(ratio("learning_hours", "active"))),
    ]
)
st.caption(
    "Totals are the sums of the MDO rows that could be read; rows the loader quarantined are "
    "listed on the Org mapping review page."
)

st.header("Where activation lags", anchor=False, divider="gray")
marked = set(lagging["department"])
table_column, scatter_column = st.columns([3, 2])
with table_column:
    st.caption(
        "Departments below the state's activation rate, ordered by how many onboarded users "
        "are not active: where activation work reaches the most people."
    )
    components.table(
        lagging[["department", "onboarded", "inactive_users", "activation_rate"]],
        file_name=components.file_slug(state, snapshot, "lagging_departments"),
        key="laggards",
        column_config={"department": st.column_config.TextColumn("Department", width="medium")},
    )
with scatter_column:
    st.caption("Every department by size and activation; the lagging ones in colour.")
    st.altair_chart(charts.size_against_activation(departments, marked))

st.header("Departments compared", anchor=False, divider="gray")
measure_column, scope_column = st.columns([3, 1])
measure = measure_column.radio(
    "Measure",
    list(MEASURES),
    format_func=MEASURES.get,
    horizontal=True,
    key="departments_measure",
)
scope = scope_column.radio(
    "Departments shown",
    ["largest", "all"],
    format_func={
        "largest": f"The {LARGEST} largest",
        "all": f"All {len(departments)}",
    }.get,
    horizontal=True,
    key="departments_scope",
    help="Largest by onboarded users.",
)
shown = departments.head(LARGEST) if scope == "largest" else departments
st.altair_chart(charts.department_bars(shown, measure, MEASURES[measure], marked))

st.header("All departments", anchor=False, divider="gray")
st.caption("Click a column heading to sort.")
components.table(
    departments[
        [
            "department",
            "mdo_count",
            "onboarded",
            "active",
            "activation_rate",
            "enrollments",
            "completions",
            "completion_rate",
            "courses_attempted",
            "courses_passed",
            "pass_rate",
            "learning_hours",
            "hours_per_active_user",
            "share_of_state_completions",
            "open_mapping_issues",
        ]
    ],
    file_name=components.file_slug(state, snapshot, "departments"),
    key="departments",
)

st.header("A department's MDOs", anchor=False, divider="gray")
names = departments["department"].tolist()
# Start on a lagging department with several MDOs: the one where a drill-down says most.
starters = [*lagging.sort_values("mdo_count", ascending=False, kind="stable")["department"]]
department = st.selectbox(
    "Department",
    names,
    index=names.index(starters[0]) if starters else 0,
    key="departments_drilldown",
)
chosen = departments.loc[departments["department"] == department].iloc[0]
components.metric_cards(
    [
        Card("MDOs", indian_number(chosen["mdo_count"])),
        Card(
            "Onboarded",
            indian_number(chosen["onboarded"]),
            delta=change("onboarded", department),
        ),
        Card(
            "Activation rate",
            percent(chosen["activation_rate"]),
            help=f"Rank {indian_number(chosen['rank_in_state_by_activation_rate'])} "
            f"of {len(departments)} in {md(state)}.",
        ),
        Card(
            "Completion rate",
            percent(chosen["completion_rate"]),
            help=f"Rank {indian_number(chosen['rank_in_state_by_completion_rate'])} "
            f"of {len(departments)} in {md(state)}.",
        ),
        Card("Pass rate", percent(chosen["pass_rate"])),
        Card("Hours per active user", hours(chosen["hours_per_active_user"])),
    ]
)
mdos = warehouse.query(
    "select mdo_name, department_as_reported, onboarded, active, activation_rate, enrollments, "
    "completions, completion_rate, courses_attempted, courses_passed, pass_rate, "
    "learning_hours, hours_per_active_user "
    "from marts.mdo_snapshot where state = ? and snapshot_date = ? and department = ? "
    "order by onboarded desc nulls last, mdo_name",
    [state, snapshot, department],
)
components.table(
    mdos,
    file_name=components.file_slug(state, snapshot, department, "mdos"),
    key="mdos",
)
