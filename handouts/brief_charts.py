"""The monthly brief's charts, drawn by matplotlib into PNG bytes for the PDF.

Small, plain and printable in black and white: the state in a strong blue, everything else
grey, values written on the bars in Indian grouping so that nobody has to read an axis.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: the charts are only ever written to bytes

import matplotlib.pyplot as plt
import pandas as pd

from streamlit_app.formatting import indian_number, percent, score

STATE = "#0b5394"
OTHERS = "#b7b7b7"
WIDTH_IN = 3.6  # two charts side by side on an A4 page
plt.rcParams.update({"font.size": 7, "axes.spines.top": False, "axes.spines.right": False})


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=200)
    plt.close(figure)
    return buffer.getvalue()


def category_scores(category: pd.DataFrame, state: str) -> bytes:
    """The composite score of every state in the category, the state highlighted."""
    rows = category.sort_values("composite_score")
    figure, axes = plt.subplots(figsize=(WIDTH_IN, 0.25 * len(rows) + 0.6))
    colours = [STATE if name == state else OTHERS for name in rows["state"]]
    bars = axes.barh(rows["state"], rows["composite_score"], color=colours)
    axes.bar_label(bars, labels=[score(v) for v in rows["composite_score"]], padding=2)
    axes.set_xlabel("Composite score (out of 100)")
    axes.set_xlim(0, max(100, rows["composite_score"].max() * 1.1))
    return _png(figure)


def rank_history(history: pd.DataFrame) -> bytes:
    """The state's rank in its category per ranking edition (1 at the top)."""
    figure, axes = plt.subplots(figsize=(WIDTH_IN, 1.8))
    dates = pd.to_datetime(history["edition_date"])
    axes.plot(dates, history["rank_in_category"], marker="o", color=STATE)
    for when, rank in zip(dates, history["rank_in_category"], strict=True):
        axes.annotate(str(int(rank)), (when, rank), textcoords="offset points", xytext=(0, 5))
    axes.invert_yaxis()
    axes.set_ylabel("Rank in category")
    axes.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%b %Y"))
    return _png(figure)


def rate_bars(frame: pd.DataFrame, label: str, rate: str, reference: float | None) -> bytes:
    """A rate per department, with the state's overall rate as a dashed line."""
    rows = frame.sort_values(rate, ascending=False)
    figure, axes = plt.subplots(figsize=(WIDTH_IN, 0.28 * len(rows) + 0.7))
    names = [_short(name) for name in rows[label]]
    bars = axes.barh(names, rows[rate].fillna(0), color=STATE)
    axes.bar_label(bars, labels=[percent(v) for v in rows[rate]], padding=2)
    if reference is not None:
        axes.axvline(reference, color="black", linestyle="--", linewidth=0.8)
        axes.text(
            reference, len(rows) - 0.45, f"state {percent(reference)}", fontsize=6, ha="center"
        )
    axes.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    axes.set_xlim(0, max(rows[rate].fillna(0).max(), reference or 0) * 1.3 or 1)
    axes.set_ylim(-0.6, len(rows) - 0.1)  # room above the top bar for the state's label
    return _png(figure)


STATUSES = {  # status -> label and colour, in the order an officer moves through them
    "compliant": ("Compliant", STATE),
    "completed_late": ("Completed late", "#e69f00"),
    "in_progress": ("In progress", "#8fb8de"),
    "not_started": ("Not started", OTHERS),
}


def status_bars(departments: pd.DataFrame) -> bytes:
    """Each department's officers by mandate status, as stacked bars of officers."""
    rows = departments.iloc[::-1]  # the most officers not yet compliant at the top
    figure, axes = plt.subplots(figsize=(2 * WIDTH_IN, 0.28 * len(rows) + 0.9))
    names = [_short(name, 60) for name in rows["department"]]
    left = pd.Series(0, index=rows.index, dtype="float")
    for status, (label, colour) in STATUSES.items():
        axes.barh(names, rows[status], left=left, color=colour, label=label)
        left += rows[status]
    for y, total in enumerate(rows["officers"]):
        axes.text(total, y, f" {indian_number(total)}", va="center", fontsize=6)
    axes.set_xlabel("Officers in scope, by status")
    axes.legend(ncols=4, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return _png(figure)


def findings_by_type(findings: pd.DataFrame) -> bytes:
    """Open org-mapping findings per issue type, errors darker than warnings."""
    by_type = findings.groupby("issue_type", as_index=False)["findings"].sum()
    by_type = by_type.sort_values("findings")
    severe = set(findings.loc[findings["severity"] == "error", "issue_type"])
    figure, axes = plt.subplots(figsize=(WIDTH_IN, 0.25 * len(by_type) + 0.6))
    colours = [STATE if kind in severe else OTHERS for kind in by_type["issue_type"]]
    names = [kind.replace("_", " ") for kind in by_type["issue_type"]]
    bars = axes.barh(names, by_type["findings"], color=colours)
    axes.bar_label(bars, padding=2)
    axes.set_xlabel("Open findings (dark: errors)")
    return _png(figure)


def _short(name: str, limit: int = 34) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"
