"""Departments: which departments lag, from the state's MDO report, and their MDOs."""

import streamlit as st

from streamlit_app import charts, components, insights, warehouse
from streamlit_app.components import Card
from streamlit_app.formatting import hours, indian_number, long_date, md, percent, short_date
from streamlit_app.i18n import t, translatable

MEASURES = {
    "onboarded": translatable("Onboarded users"),
    "activation_rate": translatable("Activation rate (active / onboarded)"),
    "completion_rate": translatable("Completion rate (completions / enrolments)"),
    "pass_rate": translatable("Pass rate (passed / attempted)"),
    "hours_per_active_user": translatable("Learning hours per active user"),
}
LARGEST = 20

components.page_header(
    t("Departments"),
    t(
        "Onboarding, activation, completion and pass rates department by department, from the "
        "state's MDO report: which departments lag, and which of their MDOs."
    ),
)
warehouse.require("department_summary", "department_trend", "mdo_snapshot")

states = warehouse.query("select distinct state from marts.department_summary order by state")[
    "state"
].tolist()
if not states:
    st.info(
        t(
            "No MDO report is loaded yet. Once a state's monthly MDO report is delivered and "
            "loaded (the pipeline's `make run`), its departments show here."
        )
    )
    st.stop()
home = warehouse.home_state()
state_column, snapshot_column = st.columns([2, 1])
state = state_column.selectbox(
    t("State"), states, index=states.index(home) if home in states else 0, key="departments_state"
)
snapshots = warehouse.query(
    "select distinct snapshot_date from marts.department_summary where state = ? "
    "order by snapshot_date desc",
    [state],
)["snapshot_date"].tolist()
snapshot = snapshot_column.selectbox(
    t("MDO report as on"),
    snapshots,
    format_func=components.labels_from({snapshot: long_date(snapshot) for snapshot in snapshots}),
    key="departments_snapshot",
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
# The state's totals report by report, up to this one: the cards' sparklines.
history = warehouse.query(
    "select snapshot_date, sum(onboarded) as onboarded, sum(active) as active "
    "from marts.department_trend where state = ? and snapshot_date <= ? "
    "group by snapshot_date order by snapshot_date",
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
    return t(
        "{sign}{amount} since {date}",
        sign="+" if moved >= 0 else "-",
        amount=indian_number(abs(moved)),
        date=short_date(rows["previous_snapshot_date"].iloc[0]),
    )


def sparkline(measure: str) -> list | None:
    """The measure report by report, for a card; none until there are two reports."""
    return history[measure].tolist() if len(history) > 1 else None


components.takeaway(
    insights.departments_takeaway(state, totals["onboarded"], totals["active"], lagging)
)


def ratio(numerator: str, denominator: str):
    return totals[numerator] / totals[denominator] if totals[denominator] else None


components.metric_cards(
    [
        Card(
            t("Onboarded users"),
            indian_number(totals["onboarded"]),
            delta=change("onboarded"),
            help=t(
                "Across {departments} departments and {mdos} MDOs.",
                departments=len(departments),
                mdos=indian_number(totals["mdo_count"]),
            ),
            trend=sparkline("onboarded"),
        ),
        Card(
            t("Active users"),
            indian_number(totals["active"]),
            delta=change("active"),
            help=t("Activation rate {rate}.", rate=percent(ratio("active", "onboarded"))),
            trend=sparkline("active"),
        ),
        Card(t("Activation rate"), percent(ratio("active", "onboarded"))),
        Card(
            t("Completion rate"),
            percent(ratio("completions", "enrollments")),
            help=t(
                "{completions} completions of {enrolments} enrolments.",
                completions=indian_number(totals["completions"]),
                enrolments=indian_number(totals["enrollments"]),
            ),
        ),
        Card(
            t("Pass rate"),
            percent(ratio("courses_passed", "courses_attempted")),
            help=t(
                "{passed} passed of {attempted} attempted.",
                passed=indian_number(totals["courses_passed"]),
                attempted=indian_number(totals["courses_attempted"]),
            ),
        ),
        Card(t("Hours per active user"), hours(ratio("learning_hours", "active"))),
    ]
)

# --- the report's printed total beside the sum of its readable rows --------------------------
reconciliation = warehouse.query(
    "select * from marts.mdo_report_reconciliation where state = ? and snapshot_date = ?",
    [state, snapshot],
)
for sentence in insights.reconciliation_sentences(reconciliation):
    st.caption(sentence)
if not reconciliation.empty:
    with st.expander(t("The report's printed totals beside the sum of its readable rows")):
        components.table(
            reconciliation.assign(measure=reconciliation["measure"].map(components.heading))[
                [
                    "measure",
                    "printed_total",
                    "loaded_sum",
                    "quarantined_sum",
                    "unexplained_difference",
                ]
            ],
            file_name=components.file_slug(state, snapshot, "printed_totals"),
            key="reconciliation",
        )

st.header(t("Where activation lags"), anchor=False, divider="gray")
marked = set(lagging["department"])
table_column, scatter_column = st.columns([3, 2])
with table_column:
    st.caption(
        t(
            "Departments below the state's activation rate, ordered by how many onboarded "
            "users are not active: where activation work reaches the most people."
        )
    )
    components.table(
        lagging[["department", "onboarded", "inactive_users", "activation_rate"]],
        file_name=components.file_slug(state, snapshot, "lagging_departments"),
        key="laggards",
        column_config={"department": st.column_config.TextColumn(t("Department"), width="medium")},
    )
with scatter_column:
    st.caption(t("Every department by size and activation; the lagging ones in colour."))
    st.altair_chart(charts.size_against_activation(departments, marked))

st.header(t("Departments compared"), anchor=False, divider="gray")
measure_column, scope_column = st.columns([3, 1])
measure = measure_column.radio(
    t("Measure"),
    list(MEASURES),
    format_func=components.labels_from({key: t(english) for key, english in MEASURES.items()}),
    horizontal=True,
    key="departments_measure",
)
scope = scope_column.radio(
    t("Departments shown"),
    ["largest", "all"],
    format_func=components.labels_from(
        {
            "largest": t("The {count} largest", count=LARGEST),
            "all": t("All {count}", count=len(departments)),
        }
    ),
    horizontal=True,
    key="departments_scope",
    help=t("Largest by onboarded users."),
)
shown = departments.head(LARGEST) if scope == "largest" else departments
behind, meaning = insights.lagging_on(departments, measure, totals)
st.altair_chart(charts.department_bars(shown, measure, t(MEASURES[measure]), behind, meaning))

st.header(t("All departments"), anchor=False, divider="gray")
st.caption(t("Click a column heading to sort."))
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

st.header(t("A department's MDOs"), anchor=False, divider="gray")
names = departments["department"].tolist()
# Start on a lagging department with several MDOs: the one where a drill-down says most.
starters = [*lagging.sort_values("mdo_count", ascending=False, kind="stable")["department"]]
department = st.selectbox(
    t("Department"),
    names,
    index=names.index(starters[0]) if starters else 0,
    key="departments_drilldown",
)
chosen = departments.loc[departments["department"] == department].iloc[0]
components.metric_cards(
    [
        Card(t("MDOs"), indian_number(chosen["mdo_count"])),
        Card(
            t("Onboarded"),
            indian_number(chosen["onboarded"]),
            delta=change("onboarded", department),
        ),
        Card(
            t("Activation rate"),
            percent(chosen["activation_rate"]),
            help=t(
                "Rank {rank} of {count} in {state}.",
                rank=indian_number(chosen["rank_in_state_by_activation_rate"]),
                count=len(departments),
                state=md(state),
            ),
        ),
        Card(
            t("Completion rate"),
            percent(chosen["completion_rate"]),
            help=t(
                "Rank {rank} of {count} in {state}.",
                rank=indian_number(chosen["rank_in_state_by_completion_rate"]),
                count=len(departments),
                state=md(state),
            ),
        ),
        Card(t("Pass rate"), percent(chosen["pass_rate"])),
        Card(t("Hours per active user"), hours(chosen["hours_per_active_user"])),
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
