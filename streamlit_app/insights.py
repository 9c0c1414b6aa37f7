"""What each page says first: the one-line takeaway, and the short lists behind it.

Pure functions from mart rows to sentences and small frames, kept apart from the pages so that
they can be tested without Streamlit and read without scrolling past layout code. The sentences
are Markdown: every name in them goes through `md`, so a name is shown, never obeyed.
"""

import pandas as pd

from streamlit_app.formatting import date_time, duration, indian_number, md, percent, score
from streamlit_app.mandate import Deadline


def ranking_takeaway(edition: pd.DataFrame, state: str) -> str:
    """'Bihar ranks 8 of 9 in category C, 43.67 points behind Maharashtra.' The rank is the
    printed one, the official rank; the leader is the state printed first in the category."""
    row = edition.loc[edition["state"] == state].iloc[0]
    category = edition.loc[edition["category"] == row["category"]].sort_values(
        ["rank_in_category", "composite_score"], ascending=[True, False]
    )
    leader = category.iloc[0]
    rank, size = int(row["rank_in_category"]), len(category)
    if leader["state"] == state:
        if size == 1:
            return f"{md(state)} is the only state in category {md(row['category'])}."
        runner_up = category.iloc[1]
        lead = float(row["composite_score"]) - float(runner_up["composite_score"])
        return (
            f"{md(state)} leads category {md(row['category'])} ({size} states), "
            f"{score(lead)} points ahead of {md(runner_up['state'])}."
        )
    return (
        f"{md(state)} ranks {rank} of {size} in category {md(row['category'])}, "
        f"{score(row['score_gap_to_leader'])} points behind {md(leader['state'])}."
    )


def state_just_above(edition: pd.DataFrame, state: str) -> pd.Series | None:
    """The state one place better in the same category (what 'gap to next rank' refers to)."""
    row = edition.loc[edition["state"] == state].iloc[0]
    above = edition.loc[
        (edition["category"] == row["category"])
        & (edition["composite_score"] > row["composite_score"])
    ]
    return None if above.empty else above.sort_values("composite_score").iloc[0]


def inactive_users(departments: pd.DataFrame) -> pd.Series:
    return departments["onboarded"].fillna(0) - departments["active"].fillna(0)


def laggards(departments: pd.DataFrame, count: int = 5) -> pd.DataFrame:
    """The departments that hold the most onboarded-but-inactive users, among those whose
    activation is below the state's overall rate: where activation work pays off most.

    Ranking by inactive users weighs size and low activation together, so a large department
    at 3% active comes before a ten-person one at 0%.
    """
    onboarded = departments["onboarded"].fillna(0).sum()
    overall = departments["active"].fillna(0).sum() / onboarded if onboarded else None
    frame = departments.assign(inactive_users=inactive_users(departments))
    if overall is not None:
        frame = frame.loc[frame["activation_rate"].fillna(0) < overall]
    return frame.sort_values("inactive_users", ascending=False).head(count)


def departments_takeaway(state: str, onboarded, active, lagging: pd.DataFrame) -> str:
    """'In Bihar, 6.5% of 13,89,815 onboarded users are active; most inactive users are in …'"""
    rate = active / onboarded if onboarded else None
    sentence = (
        f"In {md(state)}, {percent(rate)} of {indian_number(onboarded)} onboarded users are active"
    )
    if lagging.empty:
        return sentence + "."
    worst = lagging.iloc[0]
    return (
        f"{sentence}; the most inactive users are in {md(worst['department'])}: "
        f"{indian_number(worst['inactive_users'])} not active "
        f"({percent(worst['activation_rate'])} of {indian_number(worst['onboarded'])})."
    )


def readable_issue_type(issue_type: str) -> str:
    """'district_under_department' -> 'district under department'."""
    return str(issue_type).replace("_", " ")


def findings_takeaway(findings: pd.DataFrame) -> str:
    """'57 open findings: 12 errors (figures that cannot be trusted) and 45 warnings; …'"""
    if findings.empty:
        return "No open findings: every MDO is mapped as expected, or has been reviewed."
    errors = int((findings["severity"] == "error").sum())
    warnings = len(findings) - errors
    commonest = findings["issue_type"].value_counts()
    return (
        f"{len(findings)} open finding{'s' if len(findings) != 1 else ''}: "
        f"{errors} error{'s' if errors != 1 else ''} (figures that cannot be trusted) and "
        f"{warnings} warning{'s' if warnings != 1 else ''} (needs a person's review); "
        f"the commonest is {md(readable_issue_type(commonest.index[0]))} ({commonest.iloc[0]})."
    )


def band_order(recommended: pd.DataFrame) -> list[str]:
    """Experience bands in the mart's order (band_order: most experienced first)."""
    ordered = recommended.sort_values(["band_order", "experience_band"])
    return list(dict.fromkeys(ordered["experience_band"]))


def quickest_pairs(recommended: pd.DataFrame) -> pd.DataFrame:
    """Per experience band, the shortest AI course and the shortest Cybersecurity course: the
    quickest way for an employee in that band to meet the mandate, as the mart marks them
    (is_quickest_ai, is_quickest_cyber; ties go to the lower serial number).
    """
    rows = []
    for band in band_order(recommended):
        in_band = recommended.loc[recommended["experience_band"] == band]
        ai = _quickest(in_band, "is_quickest_ai")
        cyber = _quickest(in_band, "is_quickest_cyber")
        rows.append(
            {
                "experience_band": band,
                "ai_course": None if ai is None else ai["course_name"],
                "ai_minutes": None if ai is None else ai["duration_minutes"],
                "cyber_course": None if cyber is None else cyber["course_name"],
                "cyber_minutes": None if cyber is None else cyber["duration_minutes"],
            }
        )
    pairs = pd.DataFrame(rows)
    pairs["total_minutes"] = pairs["ai_minutes"].astype("Float64") + pairs["cyber_minutes"].astype(
        "Float64"
    )
    return pairs


def _quickest(in_band: pd.DataFrame, flag: str) -> pd.Series | None:
    """The band's course the mart flags, or None where no course of the domain has a length."""
    flagged = in_band.loc[in_band[flag]]
    return None if flagged.empty else flagged.iloc[0]


NO_DUE_DATE = "The loaded mandates set no due date for the AI and Cybersecurity courses."


def courses_takeaway(deadline: Deadline | None, pairs: pd.DataFrame) -> str:
    """The deadline, then how little time the mandate needs: '…; the quickest AI + Cybersecurity
    pair takes 1h 42m (0-9 years) to 2h 31m (MTS and equivalent).'"""
    sentence = deadline.sentence() if deadline else NO_DUE_DATE
    timed = pairs.dropna(subset=["total_minutes"]).sort_values("total_minutes")
    if timed.empty:
        return sentence
    quickest, slowest = timed.iloc[0], timed.iloc[-1]
    if len(timed) == 1 or quickest["total_minutes"] == slowest["total_minutes"]:
        span = f"takes {duration(quickest['total_minutes'])}"
    else:
        span = (
            f"takes {duration(quickest['total_minutes'])} ({md(quickest['experience_band'])}) to "
            f"{duration(slowest['total_minutes'])} ({md(slowest['experience_band'])})"
        )
    return f"{sentence[:-1]}; the quickest AI + Cybersecurity pair {span}."


def split_themes(listed) -> list[str]:
    """A catalogue course's themes: the mart lists them in one cell, '; '-separated."""
    if not isinstance(listed, str):
        return []
    return [theme.strip() for theme in listed.split(";") if theme.strip()]


def run_takeaway(run: pd.Series) -> str:
    """'Last published 28 Nov 2026 15:32 IST: 6 files, 299 rows loaded, 4 quarantined; …'

    `run` is a row of marts.pipeline_runs with its times already in Indian time.
    """
    finished = run["finished_at"]
    when = f"{date_time(finished)} IST" if not pd.isna(finished) else "at an unknown time"
    loaded = (
        f"{indian_number(run['files_loaded'])} files, {indian_number(run['rows_loaded'])} rows "
        f"loaded, {indian_number(run['rows_quarantined'])} quarantined"
    )
    checks = (
        f"checks: {indian_number(run['checks_passed'])} passed, "
        f"{indian_number(run['checks_warned'])} warned, "
        f"{indian_number(run['checks_failed'])} failed"
    )
    return f"Last published {when}: {loaded}; {checks}."
