"""The building blocks every page is made of: header, takeaway, metric cards, tables.

Keeping them in one place gives the pages one look: a title and the question it answers, one
sentence to read out in a meeting, a row of figures, charts, then the tables behind them, each
downloadable as CSV.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from streamlit_app import warehouse
from streamlit_app.formatting import (
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

# Column headings where the mart's own name is not plain English.
HEADINGS = {
    "state": "State/UT",
    "composite_score": "Composite score",
    "rank_in_category": "Rank (printed)",
    "computed_rank": "Rank (from scores)",
    "score_gap_to_leader": "Behind leader",
    "score_gap_to_next_rank": "Behind next rank",
    "states_in_category": "States in category",
    "mdo_count": "MDOs",
    "mdo_name": "MDO",
    "department_as_reported": "Department (as reported)",
    "user_completions": "Users completed",
    "learning_hours": "Learning hours",
    "courses_attempted": "Courses attempted",
    "courses_passed": "Courses passed",
    "hours_per_active_user": "Hours per active user",
    "share_of_state_completions": "Share of state completions",
    "rank_in_state_by_completion_rate": "Rank by completion rate",
    "rank_in_state_by_activation_rate": "Rank by activation rate",
    "open_mapping_issues": "Open mapping findings",
    "inactive_users": "Not active",
    "duration_minutes": "Minutes",
    "canonical_url": "Link",
    "issue_type": "Issue type",
    "suggested_fix": "Suggested fix",
    "experience_band": "Experience band",
    "serial_no": "S.No",
    "started_at": "Started (IST)",
    "finished_at": "Finished (IST)",
}


def heading(column: str) -> str:
    return HEADINGS.get(column, column.replace("_", " ").capitalize())


def page_header(title: str, question: str) -> None:
    st.title(title, anchor=False)
    st.caption(question)


def takeaway(sentence: str) -> None:
    """The one sentence to read out in a meeting, above everything else on the page."""
    st.subheader(sentence, anchor=False)


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    delta_color: str = "normal"


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
            )


def formatter_for(column: str, values: pd.Series) -> Callable | None:
    """How a column's cells read, chosen by the marts' naming conventions; None leaves the
    cells to Streamlit."""
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


def plain(value) -> str:
    return MISSING if is_missing(value) else str(value)


def table(
    frame: pd.DataFrame,
    *,
    file_name: str,
    key: str,
    column_config: dict | None = None,
    height: int | str = "auto",
) -> None:
    """A sortable table with the dashboard's number formats, and a CSV download of it.

    The screen shows Indian digit grouping through a Styler, which changes only what the cells
    display: sorting still uses the numbers. The CSV keeps plain numbers, for Excel.
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
    config = {column: heading(column) for column in frame.columns}
    config.update(column_config or {})
    st.dataframe(styled, hide_index=True, column_config=config, height=height)
    st.download_button(
        "Download CSV",
        data=_csv(frame),
        file_name=f"{file_name}.csv",
        mime="text/csv",
        key=f"download_{key}",
        icon=":material/download:",
    )


def _csv(frame: pd.DataFrame) -> bytes:
    """The table as a CSV file a spreadsheet opens safely: lists as text, and no cell that
    Excel would run as a formula (numbers stay numbers)."""
    safe_cells = frame.apply(
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
    """Turn a missing warehouse or mart into a message that says what to do, not a traceback."""
    try:
        yield
    except warehouse.WarehouseMissing as missing:
        st.info(missing.message, icon=":material/database:")
    except warehouse.WarehouseUnavailable as unavailable:
        st.error(unavailable.message, icon=":material/error:")


def sidebar_status() -> None:
    """Which warehouse the pages show, and how fresh it is."""
    published = warehouse.published_at()
    with st.sidebar:
        if published is None:
            st.caption("No warehouse published yet: run `make run`.")
        else:
            st.caption(
                f"Warehouse published {short_date(published)} {published:%H:%M} IST. "
                "Figures are as printed in the source reports."
            )
            if warehouse.holds_synthetic_data():
                st.warning(
                    "This warehouse holds **synthetic** test data (python -m "
                    "synth): its figures are not real.",
                    icon=":material/science:",
                )
