"""Mandate tracker: per department, how many officers have done the Annexure-3 courses the
letters ask for by 31 March 2026, how that moved between report dates, and where each
department will be on the due date at its recent pace. Counts only: the page never shows a name,
and the marts it reads hold none.
"""

import pandas as pd
import streamlit as st

from streamlit_app import components, mandate_charts, warehouse
from streamlit_app.components import Card
from streamlit_app.formatting import indian_number, long_date, md, percent, short_date
from streamlit_app.i18n import t

components.page_header(
    t("Mandate tracker"),
    t(
        "Which departments, and how many officers in each, have completed the AI and "
        "Cybersecurity courses of Annexure-3 that the letters ask for, from iGOT's per-officer "
        "reports. Counts only: no officer is named."
    ),
)
warehouse.require("mandate_compliance", "mandate_projection", "course_uptake")

reports = warehouse.query(
    "select distinct state, report_date from marts.mandate_compliance order by state, report_date"
)
if reports.empty:
    st.info(
        t(
            "No officer-level reports have been loaded yet, so there is nothing to count. The "
            "tracker needs the reports.zip that an MDO administrator downloads from the Reports "
            "section of the iGOT MDO portal."
        ),
        icon=":material/upload_file:",
    )
    st.markdown(
        t(
            "1. Put each reports.zip, unopened, in a folder named "
            "`officers/<state>_<YYYY-MM-DD>/` inside the folder of delivered files (normally "
            "`raw/`), the state as in the MDO report's file name and the date of the report: "
            "for example `raw/officers/bihar_2026-03-31/reports.zip`.\n"
            "2. Note the password the portal shows beside the download; it changes every day.\n"
            "3. Ask whoever updates the warehouse to run it with that password in the variable "
            "`IGOT_REPORTS_ZIP_PASSWORD` (the command is "
            "`IGOT_REPORTS_ZIP_PASSWORD='<password>' make run`). Names and e-mails are removed "
            "as the files are read; this page then shows the counts."
        )
    )
    st.stop()

states = sorted(reports["state"].unique())
home = warehouse.home_state()
state_column, date_column, mandate_column = st.columns([1, 1, 2])
state = state_column.selectbox(
    t("State/UT"), states, index=states.index(home) if home in states else 0, key="tracker_state"
)
dates = sorted(reports.loc[reports["state"] == state, "report_date"], reverse=True)
report_date = date_column.selectbox(
    t("Report date"),
    dates,
    format_func=components.labels_from({date: long_date(date) for date in dates}),
    key="tracker_date",
)
mandates = warehouse.query(
    "select mandate_id, any_value(due_date) as due_date, sum(officers) as officers "
    "from marts.mandate_compliance where state = ? and report_date = ? "
    "group by mandate_id order by officers desc, mandate_id",
    [state, report_date],
)
mandate = mandate_column.selectbox(
    t("Mandate"),
    mandates["mandate_id"].tolist(),
    format_func=components.labels_from(
        {
            m: t("{mandate} (due {due})", mandate=m, due=short_date(due))
            for m, due in zip(mandates["mandate_id"], mandates["due_date"], strict=True)
        }
    ),
    key="tracker_mandate",
)

departments = warehouse.query(
    "select c.department, c.officers, c.compliant, c.completed_late, c.in_progress, "
    "c.not_started, c.compliance_rate, c.days_left, c.due_date, p.projection_basis, "
    "p.compliant_per_day, p.previous_report_date, p.projected_compliant, "
    "p.projected_compliance_rate "
    "from marts.mandate_compliance c join marts.mandate_projection p "
    "using (state, report_date, department, mandate_id) "
    "where c.state = ? and c.report_date = ? and c.mandate_id = ? "
    # Most officers still to reach first: a department of 600 at 30% before one of 2 at 0%.
    "order by c.officers - c.compliant desc, c.compliance_rate, c.department",
    [state, report_date, mandate],
)
totals = departments[
    ["officers", "compliant", "completed_late", "in_progress", "not_started"]
].sum()
due_date, days_left = departments["due_date"].iloc[0], int(departments["days_left"].iloc[0])
state_rate = totals["compliant"] / totals["officers"] if totals["officers"] else None


def days_left_words() -> str:
    if days_left > 0:
        return t("{days} days left to the due date, {due}", days=days_left, due=long_date(due_date))
    if days_left == 0:
        return t("the due date, {due}, is the report date", due=long_date(due_date))
    return t(
        "the due date, {due}, was {days} days before this report",
        due=long_date(due_date),
        days=-days_left,
    )


components.takeaway(
    t(
        "{rate} of {officers} officers in {state} met the mandate on {date}; {deadline}.",
        rate=percent(state_rate),
        officers=indian_number(totals["officers"]),
        state=md(state),
        date=long_date(report_date),
        deadline=days_left_words(),
    )
)
components.metric_cards(
    [
        Card(t("Officers"), indian_number(totals["officers"])),
        Card(t("Compliant"), indian_number(totals["compliant"]), help=percent(state_rate)),
        Card(t("In progress"), indian_number(totals["in_progress"])),
        Card(t("Not started"), indian_number(totals["not_started"])),
        Card(
            t("Completed late"),
            indian_number(totals["completed_late"]),
            help=t("Completed after the due date: these do not count."),
        ),
        Card(t("Days left"), indian_number(max(days_left, 0)), help=long_date(due_date)),
    ]
)

HEADINGS = {
    "department": t("Department"),
    "officers": t("Officers"),
    "compliant": t("Compliant"),
    "completed_late": t("Completed late"),
    "in_progress": t("In progress"),
    "not_started": t("Not started"),
    "compliance_rate": t("Compliance rate"),
    "projected_compliant": t("Projected compliant"),
    "projected_compliance_rate": t("Projected rate"),
    "compliant_per_day": t("Compliant per day"),
    "report_date": t("Report date"),
    "domain": t("Domain"),
    "course_name": t("Course"),
    "provider": t("Provider"),
    "enrolled": t("Enrolled"),
    "completed_in_time": t("Completed by the due date"),
    "completed_undated": t("Completed, no date"),
    "median_days_to_complete": t("Median days to complete"),
}

st.header(t("Departments"), anchor=False, divider="gray")
st.caption(
    t(
        "Each department's officers in scope on {date}, by status; the departments with the "
        "most officers not yet compliant first. Late completions do not count towards the "
        "mandate.",
        date=long_date(report_date),
    )
)
st.altair_chart(mandate_charts.status_bars(departments))
status_columns = [
    "department",
    "officers",
    "compliant",
    "completed_late",
    "in_progress",
    "not_started",
    "compliance_rate",
]
components.table(
    departments[status_columns],
    file_name=components.file_slug("mandate", state, report_date, mandate),
    key="tracker_departments",
    column_config={column: HEADINGS[column] for column in status_columns},
)

st.header(t("Trend across report dates"), anchor=False, divider="gray")
trend = warehouse.query(
    "select report_date, department, officers, compliant, compliance_rate "
    "from marts.mandate_compliance where state = ? and mandate_id = ? "
    "order by report_date, department",
    [state, mandate],
)
if trend["report_date"].nunique() < 2:
    st.info(
        t(
            "Only one report date is loaded for {state}, so there is no trend yet. Each new "
            "delivery of the officer reports adds a point.",
            state=md(state),
        ),
        icon=":material/history:",
    )
else:
    whole_state = (
        trend.groupby("report_date", as_index=False)[["officers", "compliant"]]
        .sum()
        .assign(department=t("All departments"))
    )
    whole_state["compliance_rate"] = whole_state["compliant"] / whole_state["officers"]
    largest = departments.sort_values("officers", ascending=False)["department"].head(5).tolist()
    shown = st.multiselect(
        t("Departments to draw"),
        sorted(departments["department"]),
        default=largest,
        key="tracker_trend_departments",
    )
    lines = pd.concat([whole_state, trend.loc[trend["department"].isin(shown)]])
    st.altair_chart(mandate_charts.compliance_trend(lines))
    pivot = trend.pivot_table(
        index="department", columns="report_date", values="compliance_rate"
    ).reset_index()
    pivot.columns = [
        HEADINGS["department"] if c == "department" else short_date(c) for c in pivot.columns
    ]
    st.dataframe(
        pivot.style.format(percent, subset=pivot.columns[1:]),
        hide_index=True,
    )

st.header(t("Projection to the due date"), anchor=False, divider="gray")
st.caption(
    t(
        "How it is computed: a department's pace is the change in its compliant officers since "
        "its previous report date, divided by the days between the two reports. The projection "
        "adds that pace for every day left to the due date, never more than the department's "
        "officers; a department whose count fell is projected to stay where it is. It assumes "
        "the recent pace holds, nothing more."
    )
)
basis = set(departments["projection_basis"])
if basis == {"one_report_date"} and len(dates) > 1:
    st.info(
        t(
            "{date} is the first report date loaded for {state}: a pace needs an earlier "
            "report to compare with, so there is no projection for it. Choose a later date.",
            date=long_date(report_date),
            state=md(state),
        ),
        icon=":material/trending_up:",
    )
elif basis == {"one_report_date"}:
    st.info(
        t(
            "Only one report date is loaded for {state}: a pace needs two, so there is no "
            "projection yet. The next delivery of the officer reports gives one.",
            state=md(state),
        ),
        icon=":material/trending_up:",
    )
elif basis == {"due_date_passed"}:
    st.info(
        t(
            "This report is from after the due date, so the counts above are final: "
            "completions after {due} do not count.",
            due=long_date(due_date),
        ),
        icon=":material/event_busy:",
    )
else:
    projected = departments.loc[departments["projection_basis"] == "recent_pace"]
    expected = projected["projected_compliant"].sum()
    st.subheader(
        t(
            "At their recent pace, {expected} of {officers} officers in these departments will "
            "meet the mandate by {due}.",
            expected=indian_number(expected),
            officers=indian_number(projected["officers"].sum()),
            due=long_date(due_date),
        ),
        anchor=False,
    )
    st.altair_chart(mandate_charts.projection_bars(projected))
    projection_columns = [
        "department",
        "officers",
        "compliant",
        "compliant_per_day",
        "projected_compliant",
        "compliance_rate",
        "projected_compliance_rate",
    ]
    components.table(
        projected[projection_columns].sort_values("projected_compliance_rate"),
        file_name=components.file_slug("mandate_projection", state, report_date, mandate),
        key="tracker_projection",
        column_config={column: HEADINGS[column] for column in projection_columns},
    )
    without_pace = departments.loc[departments["projection_basis"] == "one_report_date"]
    if not without_pace.empty:
        st.caption(
            t(
                "{count} departments appear in this report for the first time: no pace, so "
                "no projection.",
                count=indian_number(len(without_pace)),
            )
        )

st.header(t("Course uptake"), anchor=False, divider="gray")
uptake = warehouse.query(
    # Renamed so that the table does not take the count for a date (its name ends in _date).
    "select domain, course_name, provider, enrolled, completed_by_due_date as completed_in_time, "
    "completed_late, completed_undated, median_days_to_complete from marts.course_uptake "
    "where state = ? and report_date = ? order by domain, completed_in_time desc, course_name",
    [state, report_date],
)
st.caption(
    t(
        "Officers of {state} who enrolled in and completed each Annexure-3 course, as of "
        "{date}; courses nobody took are listed too.",
        state=md(state),
        date=long_date(report_date),
    )
)
st.altair_chart(mandate_charts.course_completions(uptake))
components.table(
    uptake,
    file_name=components.file_slug("course_uptake", state, report_date),
    key="tracker_uptake",
    column_config={column: HEADINGS[column] for column in uptake.columns},
)
