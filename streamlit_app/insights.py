"""What each page says first: the one-line takeaway, and the short lists behind it.

Pure functions from mart rows to sentences and small frames, kept apart from the pages so that
they can be tested without Streamlit and read without scrolling past layout code. The sentences
are Markdown: every name in them goes through `md`, so a name is shown, never obeyed.
"""

import re

import pandas as pd

from streamlit_app.formatting import (
    date_time,
    duration,
    hours,
    indian_number,
    md,
    percent,
    score,
)
from streamlit_app.i18n import t, translatable
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
            return t(
                "{state} is the only state in category {category}.",
                state=md(state),
                category=md(row["category"]),
            )
        runner_up = category.iloc[1]
        lead = float(row["composite_score"]) - float(runner_up["composite_score"])
        return t(
            "{state} leads category {category} ({size} states), {points} points ahead of "
            "{runner_up}.",
            state=md(state),
            category=md(row["category"]),
            size=size,
            points=score(lead),
            runner_up=md(runner_up["state"]),
        )
    return t(
        "{state} ranks {rank} of {size} in category {category}, {points} points behind {leader}.",
        state=md(state),
        rank=rank,
        size=size,
        category=md(row["category"]),
        points=score(row["score_gap_to_leader"]),
        leader=md(leader["state"]),
    )


def state_just_above(edition: pd.DataFrame, state: str) -> pd.Series | None:
    """The state one place better in the same category (what 'gap to next rank' refers to)."""
    row = edition.loc[edition["state"] == state].iloc[0]
    above = edition.loc[
        (edition["category"] == row["category"])
        & (edition["composite_score"] > row["composite_score"])
    ]
    return None if above.empty else above.sort_values("composite_score").iloc[0]


def score_evidence(
    figures: pd.Series, largest_mdo: pd.Series, findings: pd.Series
) -> list[tuple[str, str]]:
    """The three parts the ranking letter names, each beside the state's own figures.

    `figures` is a row of marts.state_summary (the state's MDO report), `largest_mdo` the
    state's largest MDO by onboarded users and `findings` its open org-mapping findings
    (open_findings, errors). The letter gives no weights, so this relates, never computes.
    """
    onboarded = figures["onboarded"]
    share = largest_mdo["onboarded"] / onboarded if onboarded else None
    return [
        (
            t("Organisational hygiene"),
            t(
                "{count} open org-mapping findings, {errors} of them errors (districts filed "
                "under departments, duplicate MDOs, totals that do not add up): the letter's "
                "first request is to clean up this hierarchy.",
                count=indian_number(findings["open_findings"]),
                errors=indian_number(findings["errors"]),
            ),
        ),
        (
            t("User readiness"),
            t(
                "{active} of {onboarded} onboarded users are active ({rate}). {mdo} alone has "
                "{mdo_onboarded} onboarded ({share} of the state) with {mdo_rate} active.",
                active=indian_number(figures["active"]),
                onboarded=indian_number(onboarded),
                rate=percent(figures["activation_rate"]),
                mdo=md(largest_mdo["mdo_name"]),
                mdo_onboarded=indian_number(largest_mdo["onboarded"]),
                share=percent(share),
                mdo_rate=percent(largest_mdo["activation_rate"]),
            ),
        ),
        (
            t("Role-based consumption"),
            t(
                "{completions} courses completed of {enrolments} enrolments ({rate}), "
                "{hours} learning hours per active user.",
                completions=indian_number(figures["completions"]),
                enrolments=indian_number(figures["enrollments"]),
                rate=percent(figures["completion_rate"]),
                hours=hours(figures["hours_per_active_user"]),
            ),
        ),
    ]


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


# The state-wide figure a department is compared with, per measure: a ratio of the totals.
STATE_RATIOS = {
    "activation_rate": ("active", "onboarded"),
    "completion_rate": ("completions", "enrollments"),
    "pass_rate": ("courses_passed", "courses_attempted"),
    "hours_per_active_user": ("learning_hours", "active"),
}


def lagging_on(departments: pd.DataFrame, measure: str, totals: pd.Series) -> tuple[set, str]:
    """The departments lagging on `measure`, and what that means in words for the legend.

    A rate lags below the state's own rate (the ratio of its totals); a count (onboarded) has
    no state rate, so it lags below the median department.
    """
    if measure in STATE_RATIOS:
        numerator, denominator = STATE_RATIOS[measure]
        benchmark = totals[numerator] / totals[denominator] if totals[denominator] else None
        shown = hours(benchmark) if measure == "hours_per_active_user" else percent(benchmark)
        meaning = t("Below the state as a whole ({value})", value=shown)
    else:
        benchmark = departments[measure].median()
        meaning = t("Below the median department ({value})", value=indian_number(benchmark))
    if benchmark is None or pd.isna(benchmark):
        return set(), meaning
    behind = departments.loc[departments[measure] < benchmark, "department"]
    return set(behind), meaning


def reconciliation_sentences(reconciliation: pd.DataFrame) -> list[str]:
    """Why the cards' onboarded users differ from the report's printed total, in sentences.

    `reconciliation` holds marts.mdo_report_reconciliation rows of one report. The cards add up
    the rows that could be read; the rows set aside and the report's own arithmetic make up
    the rest.
    """
    onboarded = reconciliation.loc[reconciliation["measure"] == "onboarded"]
    if onboarded.empty or pd.isna(onboarded["printed_total"].iloc[0]):
        return []
    row = onboarded.iloc[0]
    if row["printed_total"] == row["loaded_sum"]:
        return [
            t(
                "The report's printed total, {printed} onboarded, equals the sum of its rows.",
                printed=indian_number(row["printed_total"]),
            )
        ]
    sentences = [
        t(
            "The report prints a total of {printed} onboarded; its {rows} readable rows add up "
            "to {loaded}, which is what this page counts.",
            printed=indian_number(row["printed_total"]),
            rows=indian_number(row["loaded_rows"]),
            loaded=indian_number(row["loaded_sum"]),
        )
    ]
    if row["quarantined_rows"]:
        sentences.append(
            t(
                "{rows} rows were set aside because they could not be read safely (they are "
                "listed on the Org mapping review page); as printed they hold {figure} "
                "onboarded.",
                rows=indian_number(row["quarantined_rows"]),
                figure=indian_number(row["quarantined_sum"]),
            )
        )
    if row["unexplained_difference"]:
        sentences.append(
            t(
                "The remaining {difference} is the report's own arithmetic: its rows do not add "
                "up to the total it prints.",
                difference=indian_number(row["unexplained_difference"]),
            )
        )
    return sentences


def departments_takeaway(state: str, onboarded, active, lagging: pd.DataFrame) -> str:
    """'In Bihar, 6.5% of 13,89,815 onboarded users are active; most inactive users are in …'"""
    rate = active / onboarded if onboarded else None
    values = {"state": md(state), "rate": percent(rate), "onboarded": indian_number(onboarded)}
    if lagging.empty:
        return t("In {state}, {rate} of {onboarded} onboarded users are active.", **values)
    worst = lagging.iloc[0]
    return t(
        "In {state}, {rate} of {onboarded} onboarded users are active; the most inactive users "
        "are in {department}: {inactive} not active ({department_rate} of {department_onboarded}).",
        **values,
        department=md(worst["department"]),
        inactive=indian_number(worst["inactive_users"]),
        department_rate=percent(worst["activation_rate"]),
        department_onboarded=indian_number(worst["onboarded"]),
    )


# Each review rule in words an officer uses; a rule added later shows its name in words.
ISSUE_TYPES = {
    "district_under_department": translatable("District filed under a department"),
    "district_under_district": translatable("District filed under another district"),
    "duplicate_mdo": translatable("MDO listed more than once"),
    "impossible_figures": translatable("Figures that cannot be right"),
    "merged_cell": translatable("Two names in one department cell"),
    "near_duplicate_department": translatable("One department under two names"),
    "orphan": translatable("MDO without a department"),
    "suspect_parent": translatable("MDO under an unlikely department"),
    "totals_mismatch": translatable("Printed total does not match the rows"),
    "unparsed_row": translatable("Row that could not be read"),
}


def readable_issue_type(issue_type: str) -> str:
    """'duplicate_mdo' -> 'MDO listed more than once', in the reader's language."""
    english = ISSUE_TYPES.get(str(issue_type))
    return t(english) if english else str(issue_type).replace("_", " ").capitalize()


# A figure of four or more digits that is not part of a date, a file name or a longer number:
# the review writes 1389815, an officer reads 13,89,815.
_BARE_FIGURE = re.compile(r"(?<![\d.,/_-])([+-]?)(\d{4,12})(\.\d+)?(?![\d/_-]|\.\d)")


def indian_figures(text) -> str:
    """The review's evidence with its figures grouped the Indian way: 'printed 931710' ->
    'printed 9,31,710'. Row numbers and dates keep their form."""
    if not isinstance(text, str):
        return text

    def grouped(found: re.Match) -> str:
        sign, whole, fraction = found.group(1), found.group(2), found.group(3) or ""
        return sign + indian_number(int(whole)) + fraction

    return _BARE_FIGURE.sub(grouped, text)


def findings_takeaway(findings: pd.DataFrame) -> str:
    """'57 open findings: 12 errors (figures that cannot be trusted) and 45 warnings; …'"""
    if findings.empty:
        return t("No open findings: every MDO is mapped as expected, or has been reviewed.")
    errors = int((findings["severity"] == "error").sum())
    commonest = findings["issue_type"].value_counts()
    return t(
        "{count} open findings: {errors} errors (figures that cannot be trusted) and "
        "{warnings} warnings (need a person's review); the commonest: {commonest} ({times}).",
        count=indian_number(len(findings)),
        errors=indian_number(errors),
        warnings=indian_number(len(findings) - errors),
        commonest=md(readable_issue_type(commonest.index[0])),
        times=indian_number(commonest.iloc[0]),
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


NO_DUE_DATE = translatable(
    "The loaded mandates set no due date for the AI and Cybersecurity courses."
)


def courses_takeaway(deadline: Deadline | None, pairs: pd.DataFrame) -> str:
    """The deadline, then how little time the mandate needs: '…; the quickest AI + Cybersecurity
    pair takes 1h 42m (0-9 years) to 2h 31m (MTS and equivalent).'"""
    sentence = deadline.sentence() if deadline else t(NO_DUE_DATE)
    timed = pairs.dropna(subset=["total_minutes"]).sort_values("total_minutes")
    if timed.empty:
        return sentence
    quickest, slowest = timed.iloc[0], timed.iloc[-1]
    if len(timed) == 1 or quickest["total_minutes"] == slowest["total_minutes"]:
        return t(
            "{deadline} The quickest AI + Cybersecurity pair takes {time}.",
            deadline=sentence,
            time=duration(quickest["total_minutes"]),
        )
    return t(
        "{deadline} The quickest AI + Cybersecurity pair takes {quickest} ({quickest_band}) "
        "to {slowest} ({slowest_band}).",
        deadline=sentence,
        quickest=duration(quickest["total_minutes"]),
        quickest_band=md(quickest["experience_band"]),
        slowest=duration(slowest["total_minutes"]),
        slowest_band=md(slowest["experience_band"]),
    )


def listed_twice(in_band: pd.DataFrame) -> pd.DataFrame:
    """The courses Annexure 3 lists more than once in one band and domain: course_name, domain,
    how many times, and the serial numbers ('1 and 4')."""
    grouped = (
        in_band.groupby(["domain", "course_name"], as_index=False)
        .agg(times=("serial_no", "size"), serials=("serial_no", lambda s: sorted(s.astype(int))))
        .query("times > 1")
    )
    return grouped.assign(
        serials=grouped["serials"].map(lambda numbers: ", ".join(map(str, numbers)))
    )


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
    when = (
        t("{moment} IST", moment=date_time(finished))
        if not pd.isna(finished)
        else t("at an unknown time")
    )
    return t(
        "Last published {when}: {files} files, {rows} rows loaded, {quarantined} set aside; "
        "checks: {passed} passed, {warned} warned, {failed} failed.",
        when=when,
        files=indian_number(run["files_loaded"]),
        rows=indian_number(run["rows_loaded"]),
        quarantined=indian_number(run["rows_quarantined"]),
        passed=indian_number(run["checks_passed"]),
        warned=indian_number(run["checks_warned"]),
        failed=indian_number(run["checks_failed"]),
    )
