"""The monthly numbers of every MDO: onboarded users growing along a logistic curve, the other
figures derived from them by the MDO's own ratios, so every clean row is consistent.

For each row: active <= onboarded, user completions <= active and <= total completions,
total completions <= total enrolments, courses passed <= courses attempted <= total
completions (so a passed course always has a completion). Onboarded users, enrolments,
completions, hours, attempts and passes never fall from one month to the next; active users
wobble a little around their trend.
"""

import numpy as np

from synth.structure import REFERENCE_MONTH

# The measure columns of an MDO report, in the report's order (hours are kept in hundredths).
MEASURES = (
    "onboarded",
    "active",
    "user_completions",
    "total_enrollments",
    "total_completions",
    "hours",
    "attempted",
    "passed",
)
# The review's label for each measure (review_totals_mismatch.sql).
MEASURE_LABELS = {
    "onboarded": "Onboarded",
    "active": "Active",
    "user_completions": "User Completions",
    "total_enrollments": "Total Enrollments",
    "total_completions": "Total Completions",
    "hours": "Total Hours",
    "attempted": "Course Attempted",
    "passed": "Course Passed",
}


def _progress(params: dict[str, np.ndarray], month: int) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(month - params["midpoint"]) / params["width"]))


def month_figures(
    params: dict[str, np.ndarray], month: int, wobble: np.ndarray
) -> dict[str, np.ndarray]:
    """Every row's figures for one month (month index, see months.py); `wobble` holds a
    uniform 0-1 number per row, the month's noise on active users."""
    progress = _progress(params, month)
    scale = progress / _progress(params, REFERENCE_MONTH)
    onboarded = np.maximum(1.0, np.floor(params["target"] * scale + 0.5))
    trend_active = onboarded * params["activation"] * (0.8 + 0.2 * progress)
    active = np.minimum(onboarded, np.floor(trend_active * (0.98 + 0.04 * wobble)))
    user_completions = np.floor(active * params["user_completion"])
    enrollments = np.maximum(
        user_completions,
        np.floor(trend_active * params["enrolments_per_user"] * (0.7 + 0.3 * progress)),
    )
    completions = np.maximum(
        user_completions,
        np.floor(enrollments * params["completion"] * (0.85 + 0.15 * progress)),
    )
    hours = np.floor(completions * params["hours_per_completion"] * 100 + 0.5)
    attempted = np.floor(completions * params["attempt"])
    passed = np.floor(attempted * params["pass"])
    columns = (
        onboarded,
        active,
        user_completions,
        enrollments,
        completions,
        hours,
        attempted,
        passed,
    )
    return {name: column.astype(np.int64) for name, column in zip(MEASURES, columns, strict=True)}


def scaled_copy(figures: dict[str, int], fraction: float) -> dict[str, int]:
    """Smaller figures for a second listing of an MDO, still consistent with each other."""
    out = {name: int(value * fraction) for name, value in figures.items()}
    out["onboarded"] = max(1, out["onboarded"])
    out["active"] = min(out["active"], out["onboarded"])
    out["total_completions"] = min(out["total_completions"], out["total_enrollments"])
    out["user_completions"] = min(out["user_completions"], out["active"], out["total_completions"])
    out["attempted"] = min(out["attempted"], out["total_completions"])
    out["passed"] = min(out["passed"], out["attempted"])
    return out


def pass_basis_points(passed: np.ndarray, attempted: np.ndarray) -> np.ndarray:
    """% Course Passed in hundredths of a percent, rounded half up; -1 where nothing was
    attempted (printed blank)."""
    safe = np.maximum(attempted, 1)
    return np.where(attempted > 0, (passed * 20000 + safe) // (2 * safe), -1)
