"""The dashboard's charts, in Altair, in one visual language.

One strong colour marks what the reader chose (their state, a lagging department); everything
else is grey, so the eye goes where the meeting's question is. Labels carry numbers already
formatted the Indian way, because Vega's own number formats only group in thousands.
"""

import altair as alt
import pandas as pd

from streamlit_app.formatting import duration, indian_number, percent, score, short_date

HIGHLIGHT = "#c2410c"  # saffron-red: the chosen state or department
MUTED = "#94a3b8"  # slate grey: everyone else
ERROR = "#b91c1c"
WARNING = "#d97706"
AI_COLOUR = "#1d4ed8"
CYBER_COLOUR = "#0f766e"
BAR_STEP = alt.Step(24)  # pixels per bar: every label shows, however many bars

# Axis labels in lakhs and crores: Vega cannot group digits the Indian way, but it can divide.
INDIAN_AXIS_LABELS = (
    "datum.value >= 1e7 ? format(datum.value / 1e7, '.3~f') + ' cr' : "
    "datum.value >= 1e5 ? format(datum.value / 1e5, '.3~f') + ' lakh' : "
    "format(datum.value, ',')"
)


def category_ranking(category: pd.DataFrame, chosen_state: str, title: str) -> alt.Chart:
    """Horizontal bars of composite score, best first, the chosen state in colour."""
    data = category.assign(
        label=category["composite_score"].map(score),
        is_chosen=category["state"] == chosen_state,
        place=category["rank_in_category"].astype(int).astype(str) + ". " + category["state"],
    )
    order = data.sort_values(["rank_in_category", "state"])["place"].tolist()
    base = alt.Chart(data, title=title).encode(
        # A fixed label width lines the category charts up under each other.
        y=alt.Y("place:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, minExtent=260)),
        x=alt.X(
            "composite_score:Q",
            title="Composite score",
            scale=alt.Scale(domain=[0, 100]),
            axis=alt.Axis(tickCount=10),
        ),
        tooltip=[
            alt.Tooltip("state:N", title="State/UT"),
            alt.Tooltip("label:N", title="Composite score"),
            alt.Tooltip("rank_in_category:Q", title="Rank in category"),
            alt.Tooltip("score_gap_to_leader:Q", title="Points behind leader", format=".2f"),
        ],
    )
    bars = base.mark_bar().encode(color=_highlight("is_chosen"))
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        text="label:N", color=_highlight("is_chosen")
    )
    return (bars + labels).properties(height=BAR_STEP)


def rank_history(history: pd.DataFrame, chosen_state: str) -> alt.Chart:
    """Rank in category across editions, rank 1 at the top, the chosen state in colour."""
    data = history.sort_values("edition_date").assign(
        is_chosen=lambda frame: frame["state"] == chosen_state,
        # Editions are months apart and irregular: one evenly spaced column per edition.
        edition=lambda frame: frame["edition_date"].map(short_date),
    )
    editions = list(dict.fromkeys(data["edition"]))
    ranks = list(range(1, int(data["rank_in_category"].max()) + 1))
    base = alt.Chart(data, title="Rank in category, edition by edition").encode(
        x=alt.X("edition:O", sort=editions, title="Data as on", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "rank_in_category:Q",
            title="Rank",
            scale=alt.Scale(reverse=True, domain=[1, ranks[-1]]),
            axis=alt.Axis(values=ranks, format="d", labelOverlap=False),
        ),
        detail="state:N",
        color=_highlight("is_chosen"),
        tooltip=[
            alt.Tooltip("state:N", title="State/UT"),
            alt.Tooltip("edition:N", title="Data as on"),
            alt.Tooltip("rank_in_category:Q", title="Rank"),
            alt.Tooltip("composite_score:Q", title="Composite score", format=".2f"),
        ],
    )
    lines = base.mark_line(point=True).encode(
        strokeWidth=alt.condition("datum.is_chosen", alt.value(3), alt.value(1))
    )
    latest = (
        base.mark_text(align="left", dx=8, fontSize=12, fontWeight="bold")
        .encode(text="state:N")
        .transform_filter(alt.FieldOneOfPredicate(field="edition", oneOf=[editions[-1]]))
        .transform_filter("datum.is_chosen")
    )
    return (lines + latest).properties(height=40 + 24 * len(ranks))


MEASURE_KINDS = {
    "onboarded": "count",
    "activation_rate": "ratio",
    "completion_rate": "ratio",
    "pass_rate": "ratio",
    "hours_per_active_user": "hours",
}


def measure_label(value, kind: str) -> str:
    if kind == "ratio":
        return percent(value)
    if kind == "hours":
        return indian_number(value, decimals=1)
    return indian_number(value)


def department_bars(
    departments: pd.DataFrame, measure: str, measure_title: str, marked: set[str]
) -> alt.Chart:
    """Departments ranked by one measure; the lagging ones named on the page in colour."""
    kind = MEASURE_KINDS[measure]
    data = departments.dropna(subset=[measure]).assign(
        label=lambda frame: frame[measure].map(lambda value: measure_label(value, kind)),
        onboarded_label=lambda frame: frame["onboarded"].map(indian_number),
        is_marked=lambda frame: frame["department"].isin(marked),
    )
    axis = (
        alt.Axis(format="%")
        if kind == "ratio"
        else alt.Axis(labelExpr=INDIAN_AXIS_LABELS)
        if kind == "count"
        else alt.Axis()
    )
    # An explicit order: a layered chart does not sort reliably by its own x.
    order = data.sort_values([measure, "department"], ascending=[False, True])["department"]
    base = alt.Chart(data).encode(
        y=alt.Y("department:N", sort=order.tolist(), title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X(f"{measure}:Q", title=measure_title, axis=axis),
        tooltip=[
            alt.Tooltip("department:N", title="Department"),
            alt.Tooltip("label:N", title=measure_title),
            alt.Tooltip("onboarded_label:N", title="Onboarded"),
        ],
    )
    bars = base.mark_bar().encode(color=_highlight("is_marked"))
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(
        text="label:N", color=_highlight("is_marked")
    )
    return (bars + labels).properties(height=BAR_STEP)


def size_against_activation(departments: pd.DataFrame, marked: set[str]) -> alt.Chart:
    """Each department by onboarded users (log scale) and activation rate: big and low is bad."""
    data = departments.loc[departments["onboarded"].fillna(0) > 0].assign(
        onboarded_label=lambda frame: frame["onboarded"].map(indian_number),
        active_label=lambda frame: frame["active"].map(indian_number),
        rate_label=lambda frame: frame["activation_rate"].map(percent),
        is_marked=lambda frame: frame["department"].isin(marked),
    )
    # No text labels: Vega shrinks the plot to fit long names, so names are in the tooltip.
    return (
        alt.Chart(data)
        .mark_circle(size=110, opacity=0.85)
        .encode(
            x=alt.X(
                "onboarded:Q",
                title="Onboarded users (log scale)",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(
                    values=[1, 10, 100, 1_000, 10_000, 100_000, 1_000_000],
                    labelExpr=INDIAN_AXIS_LABELS,
                ),
            ),
            y=alt.Y("activation_rate:Q", title="Activation rate", axis=alt.Axis(format="%")),
            color=_highlight("is_marked"),
            tooltip=[
                alt.Tooltip("department:N", title="Department"),
                alt.Tooltip("onboarded_label:N", title="Onboarded"),
                alt.Tooltip("active_label:N", title="Active"),
                alt.Tooltip("rate_label:N", title="Activation rate"),
            ],
        )
        .properties(height=320)
    )


def findings_by_type(findings: pd.DataFrame) -> alt.Chart:
    """Open findings per issue type, errors and warnings stacked."""
    counts = (
        findings.groupby(["issue_type", "severity"], as_index=False)
        .size()
        .rename(columns={"size": "findings"})
    )
    counts["issue"] = counts["issue_type"].str.replace("_", " ")
    return (
        alt.Chart(counts, title="Open findings by type")
        .mark_bar()
        .encode(
            y=alt.Y(
                "issue:N",
                sort=counts.groupby("issue")["findings"]
                .sum()
                .sort_values(ascending=False)
                .index.tolist(),
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
            x=alt.X("sum(findings):Q", title="Findings", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "severity:N",
                title="Severity",
                scale=alt.Scale(domain=["error", "warning"], range=[ERROR, WARNING]),
            ),
            tooltip=["issue:N", "severity:N", "findings:Q"],
        )
        .properties(height=BAR_STEP)
    )


def course_durations(band: pd.DataFrame, quickest: set[str]) -> alt.Chart:
    """The recommended courses of one band by length, AI and Cybersecurity side by side."""
    data = band.dropna(subset=["duration_minutes"]).assign(
        label=lambda frame: frame["duration_minutes"].map(duration),
        is_quickest=lambda frame: frame["course_name"].isin(quickest),
        hours=lambda frame: frame["duration_minutes"] / 60,
    )
    order = data.sort_values(["duration_minutes", "course_name"])["course_name"].drop_duplicates()
    base = alt.Chart(data).encode(
        y=alt.Y("course_name:N", sort=order.tolist(), title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("hours:Q", title="Length (hours)"),
        tooltip=[
            alt.Tooltip("course_name:N", title="Course"),
            alt.Tooltip("provider:N", title="Provider"),
            alt.Tooltip("label:N", title="Length"),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "domain:N",
            title="Domain",
            scale=alt.Scale(domain=["AI", "Cybersecurity"], range=[AI_COLOUR, CYBER_COLOUR]),
        ),
        opacity=alt.condition("datum.is_quickest", alt.value(1.0), alt.value(0.45)),
    )
    labels = base.mark_text(align="left", dx=4, fontSize=11).encode(text="label:N")
    return (bars + labels).properties(height=BAR_STEP)


def courses_per_theme(by_theme: pd.DataFrame) -> alt.Chart:
    """How many catalogue courses each theme has; `by_theme` has a row per course and theme."""
    counts = (
        by_theme.dropna(subset=["theme"])
        .groupby("theme", as_index=False)
        .size()
        .rename(columns={"size": "courses"})
    )
    return (
        alt.Chart(counts, title="Marketplace courses per theme")
        .mark_bar(color=AI_COLOUR)
        .encode(
            y=alt.Y(
                "theme:N",
                sort=counts.sort_values("courses", ascending=False)["theme"].tolist(),
                title=None,
                axis=alt.Axis(labelLimit=300),
            ),
            x=alt.X("courses:Q", title="Courses"),
            tooltip=[alt.Tooltip("theme:N", title="Theme"), "courses:Q"],
        )
        .properties(height=BAR_STEP)
    )


def _highlight(field: str) -> alt.Color:
    return alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=[True, False], range=[HIGHLIGHT, MUTED]),
        legend=None,
    )
