"""The figures of the monthly brief, read from the marts as of one date.

Everything the brief prints is here, straight from the marts (a test compares the PDF's text
with these frames): the ranking edition, the MDO snapshot, the officer report and the open
org-mapping findings in force on the brief's date, each the latest on or before it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from handouts.published import HandoutError, canonical_state, frame
from streamlit_app.insights import laggards, state_just_above

LAGGARDS = 5


@dataclass(frozen=True)
class BriefFigures:
    state: str
    as_of: dt.date
    edition_date: dt.date | None
    ranking: pd.Series | None  # the state's row of marts.state_ranking
    above: pd.Series | None  # the state one place better in its category
    leader: pd.Series | None
    category: pd.DataFrame  # the edition's states of the same category
    history: pd.DataFrame  # the state's rank and score per edition up to the date
    snapshot_date: dt.date | None
    totals: pd.Series | None  # the state's MDO totals of the snapshot (marts.state_summary)
    slow_activation: pd.DataFrame  # departments holding most inactive users, below state rate
    slow_completion: pd.DataFrame  # departments holding most unfinished enrolments, below rate
    report_date: dt.date | None  # the officer report in force, if officer reports are loaded
    mandates: pd.DataFrame  # per mandate: officers, compliant, rate, due date, projection
    mandate_laggards: pd.DataFrame  # per mandate, the departments least compliant
    findings: pd.DataFrame  # open org-mapping findings by issue type and severity


def gather(con: duckdb.DuckDBPyConnection, state: str, as_of: dt.date | None) -> BriefFigures:
    state = canonical_state(con, state, "state_summary")
    as_of = as_of or dt.date.today()
    ranking = _ranking(con, state, as_of)
    departments = _departments(con, state, as_of)
    officers = _mandates(con, state, as_of)
    findings = frame(
        con,
        "select issue_type, severity, count(*) as findings from marts.org_mapping_issues "
        "where state = ? and is_open and coalesce(snapshot_date <= ?, true) "
        "group by issue_type, severity order by findings desc, issue_type",
        [state, as_of],
    )
    if ranking["ranking"] is None and departments["totals"] is None:
        raise HandoutError(
            f"The warehouse holds no ranking and no MDO report of {state} "
            f"on or before {as_of:%d %B %Y}."
        )
    return BriefFigures(
        state=state, as_of=as_of, **ranking, **departments, **officers, findings=findings
    )


def _latest(con, sql: str, params: list) -> dt.date | None:
    found = frame(con, sql, params).iloc[0, 0]
    return None if pd.isna(found) else pd.Timestamp(found).date()


def _ranking(con, state: str, as_of: dt.date) -> dict:
    edition_date = _latest(
        con,
        "select max(edition_date) from marts.state_ranking where state = ? and edition_date <= ?",
        [state, as_of],
    )
    if edition_date is None:
        return dict(
            edition_date=None,
            ranking=None,
            above=None,
            leader=None,
            category=pd.DataFrame(),
            history=pd.DataFrame(),
        )
    edition = frame(
        con,
        "select * from marts.state_ranking where edition_date = ? order by rank_in_category",
        [edition_date],
    )
    row = edition.loc[edition["state"] == state].iloc[0]
    category = edition.loc[edition["category"] == row["category"]]
    history = frame(
        con,
        "select edition_date, rank_in_category, states_in_category, composite_score "
        "from marts.state_ranking where state = ? and edition_date <= ? order by edition_date",
        [state, as_of],
    )
    return dict(
        edition_date=edition_date,
        ranking=row,
        above=state_just_above(edition, state),
        leader=category.sort_values(
            ["rank_in_category", "composite_score"], ascending=[True, False]
        ).iloc[0],
        category=category,
        history=history,
    )


def _departments(con, state: str, as_of: dt.date) -> dict:
    snapshot_date = _latest(
        con,
        "select max(snapshot_date) from marts.department_summary "
        "where state = ? and snapshot_date <= ?",
        [state, as_of],
    )
    if snapshot_date is None:
        return dict(
            snapshot_date=None,
            totals=None,
            slow_activation=pd.DataFrame(),
            slow_completion=pd.DataFrame(),
        )
    departments = frame(
        con,
        "select * from marts.department_summary where state = ? and snapshot_date = ?",
        [state, snapshot_date],
    )
    totals = frame(
        con,
        "select * from marts.state_summary where state = ? and as_of_date = ?",
        [state, snapshot_date],
    ).iloc[0]
    return dict(
        snapshot_date=snapshot_date,
        totals=totals,
        slow_activation=laggards(departments, LAGGARDS),
        slow_completion=slow_completion(departments, LAGGARDS),
    )


def slow_completion(departments: pd.DataFrame, count: int) -> pd.DataFrame:
    """The departments holding the most enrolments not completed, among those whose completion
    rate is below the state's: as `laggards` does for activation."""
    enrolled = departments["enrollments"].fillna(0)
    overall = (
        departments["completions"].fillna(0).sum() / enrolled.sum() if enrolled.sum() else None
    )
    ranked = departments.assign(unfinished=enrolled - departments["completions"].fillna(0))
    if overall is not None:
        ranked = ranked.loc[ranked["completion_rate"].fillna(0) < overall]
    return ranked.sort_values("unfinished", ascending=False).head(count)


def _mandates(con, state: str, as_of: dt.date) -> dict:
    report_date = _latest(
        con,
        "select max(report_date) from marts.mandate_compliance "
        "where state = ? and report_date <= ?",
        [state, as_of],
    )
    if report_date is None:
        return dict(report_date=None, mandates=pd.DataFrame(), mandate_laggards=pd.DataFrame())
    mandates = frame(
        con,
        "select mandate_id, any_value(due_date) as due_date, any_value(days_left) as days_left, "
        "sum(officers) as officers, sum(compliant) as compliant, "
        "sum(in_progress) as in_progress, sum(not_started) as not_started, "
        "sum(completed_late) as completed_late, "
        "sum(projected_compliant) filter (where projection_basis = 'recent_pace') "
        "    as projected_compliant, "
        "sum(officers) filter (where projection_basis = 'recent_pace') as projected_officers "
        "from marts.mandate_compliance join marts.mandate_projection "
        "using (state, report_date, department, mandate_id, officers, compliant, due_date, "
        "days_left) where state = ? and report_date = ? "
        "group by mandate_id order by officers desc, mandate_id",
        [state, report_date],
    )
    mandates["compliance_rate"] = mandates["compliant"] / mandates["officers"]
    # Most officers not yet compliant first: where chasing reaches most people (a department
    # of two officers at 0% matters less than one of 600 at 30%).
    lagging = frame(
        con,
        "select mandate_id, department, officers, compliant, completed_late, in_progress, "
        "not_started, officers - compliant as not_compliant, compliance_rate "
        "from marts.mandate_compliance where state = ? and report_date = ? "
        "qualify row_number() over (partition by mandate_id "
        "    order by officers - compliant desc, department) <= ? "
        "order by mandate_id, not_compliant desc, department",
        [state, report_date, LAGGARDS],
    )
    return dict(report_date=report_date, mandates=mandates, mandate_laggards=lagging)
