"""The mandate tracker's charts: where each department stands, how it moved, where it is heading.

Every label goes through `t`, so the charts read in the reader's language; the figures are the
marts' own (mandate_compliance, mandate_projection, course_uptake), never recomputed here.
"""

import altair as alt
import pandas as pd

from streamlit_app.i18n import t

# The four statuses in the order an officer moves through them, each with a colour that stays
# apart for readers with red-green colour blindness (the Okabe-Ito palette).
STATUSES = ("compliant", "completed_late", "in_progress", "not_started")
STATUS_COLOURS = ("#009E73", "#E69F00", "#56B4E9", "#999999")


def status_label(status: str) -> str:
    return {
        "compliant": t("Compliant"),
        "completed_late": t("Completed late"),
        "in_progress": t("In progress"),
        "not_started": t("Not started"),
    }[status]


def status_bars(departments: pd.DataFrame) -> alt.Chart:
    """Per department, its officers split by status, in the order given (the most officers not
    yet compliant at the top)."""
    order = departments["department"].tolist()
    long = departments.melt(
        id_vars=["department", "officers"], value_vars=list(STATUSES), var_name="status"
    )
    long["status_label"] = long["status"].map(status_label)
    long["status_order"] = long["status"].map(STATUSES.index)
    labels = [status_label(status) for status in STATUSES]
    return (
        alt.Chart(long, height=alt.Step(18))
        .mark_bar()
        .encode(
            y=alt.Y("department:N", sort=order, title=None, axis=alt.Axis(labelLimit=150)),
            x=alt.X(
                "value:Q",
                stack="normalize",
                title=t("Share of the department's officers"),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "status_label:N",
                scale=alt.Scale(domain=labels, range=list(STATUS_COLOURS)),
                legend=alt.Legend(title=None, orient="top", columns=2),
            ),
            order=alt.Order("status_order:Q"),
            tooltip=[
                alt.Tooltip("department:N", title=t("Department")),
                alt.Tooltip("status_label:N", title=t("Status")),
                alt.Tooltip("value:Q", title=t("Officers"), format=","),
            ],
        )
        .properties(description=t("Officers of each department by mandate status"))
    )


def compliance_trend(trend: pd.DataFrame) -> alt.Chart:
    """Compliance rate per report date, one line per department shown (the state's in black)."""
    return (
        alt.Chart(trend)
        .mark_line(point=True)
        .encode(
            x=alt.X("report_date:T", title=t("Report date"), axis=alt.Axis(format="%d %b")),
            y=alt.Y(
                "compliance_rate:Q",
                title=t("Compliant"),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("department:N", legend=alt.Legend(title=None, orient="bottom")),
            tooltip=[
                alt.Tooltip("department:N", title=t("Department")),
                alt.Tooltip("report_date:T", title=t("Report date"), format="%d %b %Y"),
                alt.Tooltip("compliance_rate:Q", title=t("Compliant"), format=".1%"),
            ],
        )
        .properties(description=t("Compliance rate of each department across report dates"))
    )


def projection_bars(projection: pd.DataFrame) -> alt.Chart:
    """Per department, the share compliant now and the share projected on the due date."""
    now, projected = t("Now"), t("Projected on the due date")
    long = pd.concat(
        [
            projection.assign(when=now, rate=projection["compliance_rate"]),
            projection.assign(when=projected, rate=projection["projected_compliance_rate"]),
        ]
    )[["department", "when", "rate"]]
    order = projection.sort_values("projected_compliance_rate")["department"].tolist()
    return (
        alt.Chart(long, height=alt.Step(12))
        .mark_bar()
        .encode(
            y=alt.Y("department:N", sort=order, title=None, axis=alt.Axis(labelLimit=150)),
            yOffset=alt.YOffset("when:N", sort=[now, projected]),
            x=alt.X(
                "rate:Q",
                title=t("Compliant"),
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "when:N",
                scale=alt.Scale(domain=[now, projected], range=["#0072B2", "#CC79A7"]),
                legend=alt.Legend(title=None, orient="top", columns=2),
            ),
            tooltip=[
                alt.Tooltip("department:N", title=t("Department")),
                alt.Tooltip("when:N", title=" "),
                alt.Tooltip("rate:Q", title=t("Compliant"), format=".1%"),
            ],
        )
        .properties(description=t("Share compliant now and projected on the due date"))
    )


def course_completions(uptake: pd.DataFrame) -> alt.Chart:
    """Per Annexure-3 course, officers who completed it by the due date, by domain."""
    return (
        alt.Chart(uptake, height=alt.Step(16))
        .mark_bar()
        .encode(
            y=alt.Y("course_name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=170)),
            x=alt.X("completed_in_time:Q", title=t("Completed by the due date")),
            color=alt.Color(
                "domain:N",
                scale=alt.Scale(range=["#0072B2", "#D55E00"]),
                legend=alt.Legend(title=None, orient="top", columns=2),
            ),
            tooltip=[
                alt.Tooltip("course_name:N", title=t("Course")),
                alt.Tooltip("provider:N", title=t("Provider")),
                alt.Tooltip("enrolled:Q", title=t("Enrolled"), format=","),
                alt.Tooltip("completed_in_time:Q", title=t("Completed by the due date")),
            ],
        )
        .properties(description=t("Officers who completed each Annexure-3 course by the due date"))
    )
