"""The building blocks every page is made of: header, takeaway, metric cards, tables.

Keeping them in one place gives the pages one look: a title and the question it answers, one
sentence to read out in a meeting, a row of figures, charts, then the tables behind them, each
downloadable as CSV.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from streamlit_app import warehouse
from streamlit_app.formatting import (
    INDIA,
    MISSING,
    date_time,
    hours,
    indian_number,
    is_missing,
    percent,
    score,
    short_date,
    spreadsheet_safe,
)
from streamlit_app.i18n import language_switch, t, translatable

# Column headings where the mart's own name is not plain English. The English is written here
# and translated where it is shown (`heading`); `translatable` marks it for the catalogue test.
HEADINGS = {
    "state": translatable("State/UT"),
    "category": translatable("Category"),
    "composite_score": translatable("Composite score"),
    "rank_in_category": translatable("Rank (printed)"),
    "computed_rank": translatable("Rank (from scores)"),
    "score_gap_to_leader": translatable("Behind leader"),
    "score_gap_to_next_rank": translatable("Behind next rank"),
    "states_in_category": translatable("States in category"),
    "previous_rank": translatable("Previous rank"),
    "rank_change": translatable("Rank change"),
    "department": translatable("Department"),
    "mdo_count": translatable("MDOs"),
    "mdo_name": translatable("MDO"),
    "department_as_reported": translatable("Department (as reported)"),
    "onboarded": translatable("Onboarded"),
    "active": translatable("Active"),
    "activation_rate": translatable("Activation rate"),
    "enrollments": translatable("Enrolments"),
    "completions": translatable("Completions"),
    "completion_rate": translatable("Completion rate"),
    "pass_rate": translatable("Pass rate"),
    "user_completions": translatable("Users completed"),
    "learning_hours": translatable("Learning hours"),
    "courses_attempted": translatable("Courses attempted"),
    "courses_passed": translatable("Courses passed"),
    "hours_per_active_user": translatable("Hours per active user"),
    "share_of_state_completions": translatable("Share of state completions"),
    "rank_in_state_by_completion_rate": translatable("Rank by completion rate"),
    "rank_in_state_by_activation_rate": translatable("Rank by activation rate"),
    "open_mapping_issues": translatable("Open mapping findings"),
    "inactive_users": translatable("Not active"),
    "duration_minutes": translatable("Minutes"),
    "length": translatable("Length"),
    "canonical_url": translatable("Link"),
    "issue_type": translatable("Issue type"),
    "severity": translatable("Severity"),
    "evidence": translatable("Evidence"),
    "suggested_fix": translatable("Suggested fix"),
    "first_seen": translatable("First seen"),
    "last_seen": translatable("Last seen"),
    "status": translatable("Status"),
    "experience_band": translatable("Experience band"),
    "domain": translatable("Domain"),
    "serial_no": translatable("S.No"),
    "course_name": translatable("Course"),
    "provider": translatable("Provider"),
    "themes": translatable("Themes"),
    "in_marketplace": translatable("In Marketplace"),
    "is_recommended": translatable("Recommended"),
    "started_at": translatable("Started (IST)"),
    "finished_at": translatable("Finished (IST)"),
    "measure": translatable("Measure"),
    "printed_total": translatable("Printed total"),
    "loaded_sum": translatable("Sum of readable rows"),
    "quarantined_sum": translatable("Rows set aside, as printed"),
    "unexplained_difference": translatable("Not explained by rows set aside"),
    "mart": translatable("Table"),
    "row_count": translatable("Rows"),
}


def heading(column: str) -> str:
    """A column's on-screen heading, in the reader's language; a column without one of its own
    shows its name in words."""
    english = HEADINGS.get(column)
    return t(english) if english else column.replace("_", " ").capitalize()


def page_header(title: str, question: str) -> None:
    st.title(title, anchor=False)
    st.caption(question)


def takeaway(sentence: str) -> None:
    """The one sentence to read out in a meeting, above everything else on the page."""
    st.subheader(sentence, anchor=False)


# Streamlit's captions and faded text are grey at 60% opacity (about 3.7:1 on white); readers
# in a bright office need 4.5:1. Keyboard focus on chart and table controls must show.
ACCESSIBLE_STYLE = """
<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] p,
[data-testid="stWidgetLabel"] p { color: #374151 !important; opacity: 1 !important; }
[data-testid="stElementToolbar"] button:focus-visible,
[data-testid="stVegaLiteChart"] :focus-visible,
.vega-embed summary:focus-visible, .vega-embed a:focus-visible,
button:focus-visible, [role="radio"]:focus-visible {
  outline: 3px solid #1d4ed8 !important; outline-offset: 2px !important;
}
/* On a phone the page titles would take three lines each. */
@media (max-width: 640px) {
  h1 { font-size: 2rem !important; } h2 { font-size: 1.45rem !important; }
  h3 { font-size: 1.2rem !important; }
}
</style>
"""


def accessible_style() -> None:
    st.html(ACCESSIBLE_STYLE)


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    delta_color: str = "normal"
    trend: list | None = None  # the figure over time, drawn as a sparkline in the card


CARDS_PER_ROW = 4  # more, and a figure like 13,89,815 no longer fits its card


def metric_cards(cards: list[Card]) -> None:
    rows = -(-len(cards) // CARDS_PER_ROW)
    per_row = -(-len(cards) // rows)  # six cards make two rows of three, not four and two
    for start in range(0, len(cards), per_row):
        row = cards[start : start + per_row]
        for column, card in zip(st.columns(per_row), row, strict=False):
            column.metric(
                card.label,
                card.value,
                delta=card.delta,
                help=card.help,
                delta_color=card.delta_color,
                border=True,
                chart_data=card.trend,
                chart_type="line",
            )


def formatter_for(column: str, values: pd.Series) -> Callable | None:
    """How a column's cells read, chosen by the marts' naming conventions; None leaves the
    cells to Streamlit."""
    if column.endswith("_url"):
        # Left empty where there is no address: a dash in a link column would be a link, to
        # the dashboard's own page.
        return None
    if pd.api.types.is_object_dtype(values) or pd.api.types.is_string_dtype(values):
        return plain  # already words or formatted text, whatever the column's name
    if column.endswith("_rate") or column.startswith("share_of_"):
        return percent
    if column in {"learning_hours", "hours_per_active_user"}:
        return hours
    if column == "composite_score" or column.startswith("score_gap"):
        return score
    if pd.api.types.is_datetime64_any_dtype(values):
        moments = values.dropna()
        return date_time if (moments.dt.normalize() != moments).any() else short_date
    if column.endswith(("_date", "_seen")):
        return short_date
    if pd.api.types.is_integer_dtype(values) or (
        pd.api.types.is_float_dtype(values) and column not in {"duration_minutes"}
    ):
        return indian_number
    if pd.api.types.is_bool_dtype(values):
        return None  # shown as check boxes
    return plain


# The chosen state's row: a pale saffron behind dark text (contrast well over 4.5:1).
HIGHLIGHT_ROW = "background-color: #fde7d3; color: #111827; font-weight: 600"


def labels_from(labels: dict) -> Callable:
    """A widget's format_func from labels made in this script run, in the reader's language.

    Streamlit may call a format_func again outside the run (its test harness does, and on a
    label it already made), where the reader's language is not known: a label passes through.
    """
    return lambda value: labels.get(value, value)


def plain(value) -> str:
    return MISSING if is_missing(value) else str(value)


def table(
    frame: pd.DataFrame,
    *,
    file_name: str,
    key: str,
    column_config: dict | None = None,
    height: int | str = "auto",
    highlight: tuple[str, object] | None = None,
) -> None:
    """A sortable table with the dashboard's number formats, and a CSV download of it.

    The screen shows Indian digit grouping through a Styler, which changes only what the cells
    display: sorting still uses the numbers. The CSV has the on-screen headings, plain numbers
    for Excel (rates as percentages, rounded as on screen) and the moment it was taken in its
    name, so that two downloads of one table do not overwrite each other. `highlight`
    (column, value) marks the rows holding that value, e.g. the reader's own state.
    """
    formats = {
        column: formatter
        for column in frame.columns
        if (formatter := formatter_for(column, frame[column])) is not None
    }
    # Streamlit draws an empty cell as a grey "None" whatever the Styler says, so text columns
    # get the dash in their data; numbers keep their empty cells, or they would not sort.
    shown = frame.apply(
        lambda column: (
            column.where(column.notna(), MISSING) if formats.get(column.name) is plain else column
        )
    )
    styled = shown.style.format(formats, na_rep=MISSING)
    if highlight is not None:
        column, value = highlight
        styled = styled.apply(
            lambda row: [HIGHLIGHT_ROW if row[column] == value else "" for _ in row], axis=1
        )
    config = {column: heading(column) for column in frame.columns}
    config.update(column_config or {})
    st.dataframe(styled, hide_index=True, column_config=config, height=height)
    st.download_button(
        t("Download CSV"),
        data=_csv(frame, config, formats),
        file_name=f"{file_name}_{dt.datetime.now(INDIA):%Y-%m-%d_%H%M}.csv",
        mime="text/csv",
        key=f"download_{key}",
        icon=":material/download:",
    )


def _label(config_value, column: str) -> str:
    """The heading a column shows under, from its column_config (a label or a column type)."""
    if isinstance(config_value, str):
        return config_value
    if isinstance(config_value, dict) and config_value.get("label"):
        return config_value["label"]
    return heading(column)


def csv_frame(frame: pd.DataFrame, config: dict, formats: dict) -> pd.DataFrame:
    """The table as the CSV holds it: on-screen headings, rates as percentages rounded to one
    decimal, hours to one decimal and scores to two, as the screen shows them."""
    rounded = frame.copy()
    headings = {}
    for column in frame.columns:
        label = _label(config.get(column), column)
        formatter = formats.get(column)
        if formatter is percent:
            rounded[column] = (pd.to_numeric(frame[column]) * 100).round(1)
            label = f"{label} (%)"
        elif formatter is hours:
            rounded[column] = pd.to_numeric(frame[column]).round(1)
        elif formatter is score:
            rounded[column] = pd.to_numeric(frame[column]).round(2)
        headings[column] = label
    return rounded.rename(columns=headings)


def _csv(frame: pd.DataFrame, config: dict | None = None, formats: dict | None = None) -> bytes:
    """The table as a CSV file a spreadsheet opens safely: lists as text, and no cell that
    Excel would run as a formula (numbers stay numbers)."""
    if formats is None:
        formats = {column: formatter_for(column, frame[column]) for column in frame.columns}
    readable = csv_frame(frame, config or {}, formats)
    safe_cells = readable.apply(
        lambda column: column.map(
            lambda value: spreadsheet_safe(
                "; ".join(map(str, value)) if isinstance(value, list | tuple) else value
            )
        )
    )
    # utf-8-sig so that Excel shows Devanagari course names correctly.
    return safe_cells.to_csv(index=False).encode("utf-8-sig")


def file_slug(*parts) -> str:
    """A download's file name from what it shows: ('Bihar', date) -> 'bihar_2026-02-25'."""
    return "_".join(str(part).lower().replace(" ", "-") for part in parts if part is not None)


@contextmanager
def explain_unavailable() -> Iterator[None]:
    """The one error path: a missing, corrupt, locked or outdated warehouse becomes a message
    that says what to do, never a traceback."""
    try:
        yield
    except warehouse.WarehouseMissing as missing:
        st.info(missing.message, icon=":material/database:")
    except warehouse.WarehouseUnavailable as unavailable:
        st.error(unavailable.message, icon=":material/error:")


def sidebar_status() -> None:
    """The language switch, then which warehouse the pages show and how fresh it is. The
    warehouse is read before anything is said about it: a file that cannot be read gets the
    page's message, not "published"."""
    language_switch()
    published = warehouse.published_at()
    if published is None:
        with st.sidebar:
            st.caption(t("No figures have been loaded yet."))
        return
    try:
        synthetic = warehouse.holds_synthetic_data()
    except warehouse.WarehouseUnavailable:
        with st.sidebar:
            st.caption(t("The figures cannot be read just now: the page says why."))
        raise
    with st.sidebar:
        st.caption(
            t(
                "Figures as loaded on {date} {time} IST. Each report's printed total is shown "
                "beside the sum of its readable rows where they differ.",
                date=short_date(published),
                time=f"{published:%H:%M}",
            )
        )
        if synthetic:
            st.warning(
                t(
                    "These figures are **synthetic** test data made up by the test-data "
                    "generator, not real reports."
                ),
                icon=":material/science:",
            )
