"""The dashboard's charts, in Altair, in one visual language.

One strong colour marks what the reader chose (their state, a lagging department); everything
else is grey, so the eye goes where the meeting's question is. Bar charts put each name above
its bar rather than on an axis beside it, so that the bars keep the width on a phone (390 px)
as on a desktop. Numbers on axes use Vega-Lite's number locale set to Indian grouping
(`INDIAN_LOCALE`); labels carry numbers already formatted by `formatting`. Text is dark enough
for 4.5:1 contrast on white, and every chart carries a text description for screen readers.
"""

import altair as alt
import pandas as pd

from streamlit_app.formatting import MISSING, duration, indian_number, percent, score, short_date
from streamlit_app.i18n import t

HIGHLIGHT = "#c2410c"  # saffron-red: the chosen state or department (5.2:1 on white)
MUTED = "#94a3b8"  # slate grey: everyone else's bars
TEXT = "#1f2937"  # labels and values: 14.7:1 on white
SOFT_TEXT = "#4b5563"  # axis ticks: 7.6:1 on white
ERROR = "#b91c1c"
WARNING = "#b45309"
AI_COLOUR = "#1d4ed8"
CYBER_COLOUR = "#0f766e"
ROW_STEP = 38  # pixels per bar: its name above, the bar below
BAR_SIZE = 12

# d3-format cycles through `grouping`, so the twos are spelt out up to a hundred thousand crore.
INDIAN_LOCALE = {
    "number": {
        "decimal": ".",
        "thousands": ",",
        "grouping": [3, 2, 2, 2, 2, 2, 2],
        "currency": ["₹", ""],
    }
}

# Axis labels in lakhs and crores: short, so that ticks do not run into each other on a phone.
AXIS_LAKH_LABELS = (
    "datum.value >= 1e7 ? format(datum.value / 1e7, '.3~f') + ' {crore}' : "
    "datum.value >= 1e5 ? format(datum.value / 1e5, '.3~f') + ' {lakh}' : "
    "format(datum.value, ',')"
)


def _lakh_labels() -> str:
    return AXIS_LAKH_LABELS.format(crore=t("cr"), lakh=t("lakh"))


def _finish(chart, description: str):
    """The look every chart shares, and its text description (Vega puts it in aria-label)."""
    return (
        chart.properties(description=description)
        .configure(locale=INDIAN_LOCALE)
        .configure_axis(
            labelColor=SOFT_TEXT,
            titleColor=TEXT,
            labelFontSize=12,
            titleFontSize=12,
            labelOverlap="greedy",
            labelFlush=True,
        )
        .configure_legend(
            labelColor=TEXT, titleColor=TEXT, orient="top", direction="vertical", labelLimit=0
        )
        .configure_title(color=TEXT, anchor="start")
        .configure_view(stroke=None)
    )


def _named_bars(base: alt.Chart, name_field: str, bar_colour, value_field: str, **bar_encoding):
    """Rows of name-above-bar: the name at the left edge over its bar, the value at the bar's
    end. `base` must encode y (with axis=None) and x."""
    names = base.mark_text(
        align="left", baseline="bottom", dy=-1, fontSize=12, color=TEXT, limit=600
    ).encode(x=alt.value(0), text=f"{name_field}:N")
    bars = base.mark_bar(size=BAR_SIZE, yOffset=9).encode(color=bar_colour, **bar_encoding)
    values = base.mark_text(
        align="left", baseline="middle", dx=4, yOffset=9, fontSize=12, color=TEXT
    ).encode(text=f"{value_field}:N")
    return (bars + names + values).properties(height=alt.Step(ROW_STEP))


def category_ranking(category: pd.DataFrame, chosen_state: str, title: str) -> alt.Chart:
    """Bars of composite score, best first, the chosen state in colour."""
    data = category.assign(
        label=category["composite_score"].map(score),
        is_chosen=category["state"] == chosen_state,
        place=category["rank_in_category"].astype(int).astype(str) + ". " + category["state"],
    )
    order = data.sort_values(["rank_in_category", "state"])["place"].tolist()
    base = alt.Chart(data, title=title).encode(
        y=alt.Y("place:N", sort=order, title=None, axis=None),
        x=alt.X(
            "composite_score:Q",
            title=t("Composite score"),
            scale=alt.Scale(domain=[0, 100]),
            axis=alt.Axis(tickCount=5),
        ),
        tooltip=[
            alt.Tooltip("state:N", title=t("State/UT")),
            alt.Tooltip("label:N", title=t("Composite score")),
            alt.Tooltip("rank_in_category:Q", title=t("Rank in category")),
        ],
    )
    chosen = data.loc[data["is_chosen"]]
    description = t(
        "{title}: composite score of each state, best first. {state} scores {score}.",
        title=title,
        state=chosen_state,
        score=score(chosen["composite_score"].iloc[0]) if not chosen.empty else MISSING,
    )
    return _finish(_named_bars(base, "place", _highlight("is_chosen"), "label"), description)


def rank_history(history: pd.DataFrame, chosen_state: str) -> alt.Chart:
    """Rank in category across editions, rank 1 at the top, the chosen state in colour."""
    data = history.sort_values("edition_date").assign(
        is_chosen=lambda frame: frame["state"] == chosen_state,
        # Editions are months apart and irregular: one evenly spaced column per edition.
        edition=lambda frame: frame["edition_date"].map(short_date),
    )
    editions = list(dict.fromkeys(data["edition"]))
    ranks = list(range(1, int(data["rank_in_category"].max()) + 1))
    base = alt.Chart(data, title=t("Rank in category, edition by edition")).encode(
        x=alt.X("edition:O", sort=editions, title=t("Data as on"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y(
            "rank_in_category:Q",
            title=t("Rank"),
            scale=alt.Scale(reverse=True, domain=[1, ranks[-1]]),
            axis=alt.Axis(values=ranks, format="d", labelOverlap=False),
        ),
        detail="state:N",
        color=_highlight("is_chosen"),
        tooltip=[
            alt.Tooltip("state:N", title=t("State/UT")),
            alt.Tooltip("edition:N", title=t("Data as on")),
            alt.Tooltip("rank_in_category:Q", title=t("Rank")),
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
    description = t(
        "Rank in category of every state in the category across {count} editions; "
        "{state} in colour.",
        count=len(editions),
        state=chosen_state,
    )
    return _finish((lines + latest).properties(height=40 + 24 * len(ranks)), description)


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


def _measure_axis(kind: str) -> alt.Axis:
    if kind == "ratio":
        return alt.Axis(format="%", tickCount=4)
    if kind == "count":
        return alt.Axis(labelExpr=_lakh_labels(), tickCount=4)
    return alt.Axis(tickCount=4)


def department_bars(
    departments: pd.DataFrame,
    measure: str,
    measure_title: str,
    marked: set[str],
    marked_meaning: str,
) -> alt.Chart:
    """Departments ranked by one measure; those lagging on that measure in colour, with a
    legend that says what the colour means."""
    kind = MEASURE_KINDS[measure]
    others = t("The others")
    data = departments.dropna(subset=[measure]).assign(
        label=lambda frame: frame[measure].map(lambda value: measure_label(value, kind)),
        onboarded_label=lambda frame: frame["onboarded"].map(indian_number),
        group=lambda frame: (
            frame["department"].isin(marked).map({True: marked_meaning, False: others})
        ),
    )
    # An explicit order: a layered chart does not sort reliably by its own x.
    order = data.sort_values([measure, "department"], ascending=[False, True])["department"]
    base = alt.Chart(data).encode(
        y=alt.Y("department:N", sort=order.tolist(), title=None, axis=None),
        x=alt.X(f"{measure}:Q", title=measure_title, axis=_measure_axis(kind)),
        tooltip=[
            alt.Tooltip("department:N", title=t("Department")),
            alt.Tooltip("label:N", title=measure_title),
            alt.Tooltip("onboarded_label:N", title=t("Onboarded")),
        ],
    )
    colour = alt.Color(
        "group:N",
        title=None,
        scale=alt.Scale(domain=[marked_meaning, others], range=[HIGHLIGHT, MUTED]),
    )
    description = t(
        "{measure} of {count} departments, highest first; {marked} in colour.",
        measure=measure_title,
        count=len(data),
        marked=marked_meaning,
    )
    return _finish(_named_bars(base, "department", colour, "label"), description)


def size_against_activation(departments: pd.DataFrame, marked: set[str]) -> alt.Chart:
    """Each department by onboarded users (log scale) and activation rate: big and low is bad."""
    data = departments.loc[departments["onboarded"].fillna(0) > 0].assign(
        onboarded_label=lambda frame: frame["onboarded"].map(indian_number),
        active_label=lambda frame: frame["active"].map(indian_number),
        rate_label=lambda frame: frame["activation_rate"].map(percent),
        is_marked=lambda frame: frame["department"].isin(marked),
    )
    # No text labels: Vega shrinks the plot to fit long names, so names are in the tooltip.
    chart = (
        alt.Chart(data)
        .mark_circle(size=110, opacity=0.85)
        .encode(
            x=alt.X(
                "onboarded:Q",
                title=t("Onboarded users (log scale)"),
                scale=alt.Scale(type="log"),
                axis=alt.Axis(values=[10, 1_000, 100_000], labelExpr=_lakh_labels()),
            ),
            y=alt.Y("activation_rate:Q", title=t("Activation rate"), axis=alt.Axis(format="%")),
            color=_highlight("is_marked"),
            tooltip=[
                alt.Tooltip("department:N", title=t("Department")),
                alt.Tooltip("onboarded_label:N", title=t("Onboarded")),
                alt.Tooltip("active_label:N", title=t("Active")),
                alt.Tooltip("rate_label:N", title=t("Activation rate")),
            ],
        )
        .properties(height=320)
    )
    description = t(
        "{count} departments by onboarded users and activation rate; the lagging ones in colour.",
        count=len(data),
    )
    return _finish(chart, description)


def findings_by_type(findings: pd.DataFrame, readable) -> alt.Chart:
    """Open findings per issue type (named by `readable`), errors and warnings stacked."""
    counts = (
        findings.groupby(["issue_type", "severity"], as_index=False)
        .size()
        .rename(columns={"size": "findings"})
    )
    counts["issue"] = counts["issue_type"].map(readable)
    counts["severity_name"] = counts["severity"].map({"error": t("error"), "warning": t("warning")})
    totals = counts.groupby("issue", as_index=False)["findings"].sum()
    order = totals.sort_values("findings", ascending=False)["issue"].tolist()
    base = alt.Chart(counts, title=t("Open findings by type")).encode(
        y=alt.Y("issue:N", sort=order, title=None, axis=None),
        x=alt.X("sum(findings):Q", title=t("Findings"), axis=alt.Axis(tickMinStep=1)),
        tooltip=[
            alt.Tooltip("issue:N", title=t("Issue type")),
            alt.Tooltip("severity_name:N", title=t("Severity")),
            alt.Tooltip("findings:Q", title=t("Findings")),
        ],
    )
    colour = alt.Color(
        "severity_name:N",
        title=t("Severity"),
        scale=alt.Scale(domain=[t("error"), t("warning")], range=[ERROR, WARNING]),
    )
    names = (
        alt.Chart(totals)
        .mark_text(align="left", baseline="bottom", dy=-1, fontSize=12, color=TEXT, limit=600)
        .encode(
            y=alt.Y("issue:N", sort=order, axis=None),
            x=alt.value(0),
            text="label:N",
        )
        .transform_calculate(label="datum.issue + ': ' + datum.findings")
    )
    bars = base.mark_bar(size=BAR_SIZE, yOffset=9).encode(color=colour)
    description = t(
        "Open findings per issue type, errors and warnings stacked: {count} in all.",
        count=int(counts["findings"].sum()),
    )
    return _finish((bars + names).properties(height=alt.Step(ROW_STEP)), description)


def course_durations(band: pd.DataFrame, quickest: set[str]) -> alt.Chart:
    """The recommended courses of one band by length, AI and Cybersecurity side by side. Each
    course once: the annexure lists some twice in a band, which is said beside the chart."""
    data = (
        band.dropna(subset=["duration_minutes"])
        .drop_duplicates(subset=["domain", "course_name"])
        .assign(
            label=lambda frame: frame["duration_minutes"].map(duration),
            is_quickest=lambda frame: frame["course_name"].isin(quickest),
            hours=lambda frame: frame["duration_minutes"] / 60,
        )
    )
    order = data.sort_values(["duration_minutes", "course_name"])["course_name"].tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("course_name:N", sort=order, title=None, axis=None),
        x=alt.X("hours:Q", title=t("Length (hours)"), axis=alt.Axis(tickCount=4)),
        tooltip=[
            alt.Tooltip("course_name:N", title=t("Course")),
            alt.Tooltip("provider:N", title=t("Provider")),
            alt.Tooltip("label:N", title=t("Length")),
        ],
    )
    colour = alt.Color(
        "domain:N",
        title=t("Domain"),
        scale=alt.Scale(domain=["AI", "Cybersecurity"], range=[AI_COLOUR, CYBER_COLOUR]),
    )
    layered = _named_bars(
        base,
        "course_name",
        colour,
        "label",
        opacity=alt.condition("datum.is_quickest", alt.value(1.0), alt.value(0.45)),
    )
    description = t(
        "{count} recommended courses of the band by length, shortest first; the quickest AI "
        "and Cybersecurity courses drawn solid.",
        count=len(data),
    )
    return _finish(layered, description)


def courses_per_theme(by_theme: pd.DataFrame) -> alt.Chart:
    """How many catalogue courses each theme has; `by_theme` has a row per course and theme."""
    counts = (
        by_theme.dropna(subset=["theme"])
        .groupby("theme", as_index=False)
        .size()
        .rename(columns={"size": "courses"})
        .assign(label=lambda frame: frame["courses"].map(indian_number))
    )
    order = counts.sort_values("courses", ascending=False)["theme"].tolist()
    base = alt.Chart(counts, title=t("Marketplace courses per theme")).encode(
        y=alt.Y("theme:N", sort=order, title=None, axis=None),
        x=alt.X("courses:Q", title=t("Courses"), axis=alt.Axis(tickMinStep=1)),
        tooltip=[
            alt.Tooltip("theme:N", title=t("Theme")),
            alt.Tooltip("courses:Q", title=t("Courses")),
        ],
    )
    description = t("Marketplace courses per theme: {count} themes.", count=len(counts))
    return _finish(_named_bars(base, "theme", alt.value(AI_COLOUR), "label"), description)


def _highlight(field: str) -> alt.Color:
    return alt.Color(
        f"{field}:N",
        scale=alt.Scale(domain=[True, False], range=[HIGHLIGHT, MUTED]),
        legend=None,
    )
