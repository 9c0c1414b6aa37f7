"""What the manifest says about an officer-level delivery: each planted defect with its file,
ZIP member and row and what a correct pipeline does with it, and the compliance counts the
marts must reach, computed from the generator's own truth rather than from the files.
"""

import datetime as dt
import json

import numpy as np
import pandas as pd

from synth.officer_content import ANNEXURE, LOOKALIKE, Contents
from synth.officer_enrolments import COMPLETED, Enrolments
from synth.officer_files import Delivery
from synth.officer_people import Officers, seconds
from synth.officer_vocabulary import ENROLMENT_REPORT, USER_REPORT

DUE = dt.datetime(2026, 3, 31, 23, 59, 59)
WRD = "Water Resources Department"
OFFICER_KEYS = (
    "issue_type",
    "state",
    "report_date",
    "department",
    "mdo_name",
    "source_file",
    "source_member",
    "source_row",
    "column",
    "detail",
    "expected",
)


def planted_order(entry: dict) -> tuple:
    """By file, member and row; per-content entries after the rows, by their detail."""
    return (
        entry["source_file"] or "",
        entry["source_member"] or "",
        entry["source_row"] or 0,
        entry["issue_type"],
        entry["detail"],
    )


def entry(delivery: Delivery, **values) -> dict:
    """A manifest entry of the delivery, every key present."""
    fields = dict.fromkeys(OFFICER_KEYS)
    fields.update(state=delivery.state.name, report_date=delivery.report_date.isoformat())
    fields.update(values)
    return fields


def _where(delivery: Delivery, part: int, member: str) -> dict:
    source_file, _ = delivery.file_of(part)
    if not delivery.zips:
        return {"source_file": delivery.relative(member), "source_member": None}
    return {"source_file": source_file, "source_member": member}


def planted_rows(delivery, officers: Officers, e: Enrolments, user_rows, enrolment_rows) -> list:
    """One entry per planted row defect in this delivery, with its file and row."""
    planted = []
    user_rows = user_rows[
        user_rows["flip"].to_numpy() | officers.unidentifiable[user_rows["officer"]]
    ]
    for row in user_rows.itertuples():
        o = row.officer
        if row.flip:
            planted.append(
                entry(
                    delivery,
                    issue_type="duplicate_officer",
                    department=officers.departments[o],
                    mdo_name=officers.mdo_names[o],
                    **_where(delivery, row.part, USER_REPORT),
                    source_row=row.source_row,
                    column="Email",
                    detail="the officer listed a second time, the e-mail in the other case",
                    expected="one officer (same officer_key); counted once",
                )
            )
        elif officers.unidentifiable[o]:
            planted.append(_unidentifiable(delivery, officers, o, row, USER_REPORT))
    rows = enrolment_rows["row"].to_numpy()
    completed = (enrolment_rows["status"] == "completed").to_numpy()
    flagged = (
        enrolment_rows["flip"].to_numpy()
        | officers.unidentifiable[enrolment_rows["officer"].to_numpy()]
        | (completed & (e.undated[rows] | (e.before_enrolment[rows] > 0)))
    )
    for row in enrolment_rows[flagged].itertuples():
        o, r = row.officer, row.row
        kind = None
        if row.flip:
            kind = (
                "duplicate_enrolment",
                "Email",
                "the same officer and content listed a second time, the e-mail in the other case",
                "counted once",
            )
        elif officers.unidentifiable[o]:
            planted.append(_unidentifiable(delivery, officers, o, row, ENROLMENT_REPORT))
        elif row.status == "completed" and e.undated[r]:
            kind = (
                "completed_without_date",
                "Completed_On",
                "Status completed with a blank Completed_On",
                "finding 'completed without Completed_On'; does not count for a mandate",
            )
        elif row.status == "completed" and e.before_enrolment[r]:
            kind = (
                "completed_before_enrolled",
                "Completed_On",
                f"Completed_On {e.before_enrolment[r]} days before Enrolled_On",
                "finding 'Completed_On before Enrolled_On'",
            )
        if kind:
            planted.append(
                entry(
                    delivery,
                    issue_type=kind[0],
                    department=officers.departments[o],
                    mdo_name=officers.mdo_names[o],
                    **_where(delivery, row.part, ENROLMENT_REPORT),
                    source_row=row.source_row,
                    column=kind[1],
                    detail=kind[2],
                    expected=kind[3],
                )
            )
    return planted


def _unidentifiable(delivery, officers: Officers, o: int, row, member: str) -> dict:
    return entry(
        delivery,
        issue_type="unidentifiable_officer",
        department=officers.departments[o],
        mdo_name=officers.mdo_names[o],
        **_where(delivery, row.part, member),
        source_row=row.source_row,
        column="Email",
        detail="no e-mail, employee id or phone",
        expected="quarantined: no e-mail, employee id or phone to identify the officer",
    )


def planted_content(delivery, contents: Contents, enrolment_rows: pd.DataFrame) -> list:
    """Per content shown: look-alikes of AI/Cybersecurity courses and Annexure-3 spellings."""
    planted = []
    counts = enrolment_rows.groupby("display").size()
    for display, rows in counts.items():
        d = contents.displays[display]
        kind = contents.kinds[d.content]
        if kind == LOOKALIKE:
            planted.append(
                entry(
                    delivery,
                    issue_type="lookalike_course",
                    column="Content_Name",
                    detail=f"'{d.name}' by '{d.provider}' on {rows} rows",
                    expected="listed for review as looking like an AI or Cybersecurity course; "
                    "not on Annexure-3, never counts",
                )
            )
        elif kind == ANNEXURE and d.variant:
            planted.append(
                entry(
                    delivery,
                    issue_type="course_name_variant",
                    column="Content_Name",
                    detail=f"'{d.name}' by '{d.provider}' on {rows} rows ({d.variant})",
                    expected=f"matches Annexure-3 '{contents.names[d.content]}' by "
                    f"'{contents.providers[d.content]}'; counts",
                )
            )
    return planted


def expected_counts(delivery, officers: Officers, contents: Contents, e: Enrolments, shown) -> list:
    """What the compliance mart should say, per Department cell as delivered and mandate:
    officers in scope (identifiable, each once), compliant; and the report's late and undated
    Annexure-3 completions. Computed from the generator's own truth, not from the files."""
    due = seconds(DUE)
    rows = shown.rows
    counting = (
        (contents.kinds[e.content[rows]] == ANNEXURE)
        & (shown.status == COMPLETED)
        & (shown.completed_on >= 0)
        & (shown.completed_on <= due)
    )
    domains = np.array([contents.domains[c] for c in e.content[rows].tolist()], dtype=object)
    n = officers.count
    ai = np.bincount(e.officer[rows][counting & (domains == "AI")], minlength=n)
    cyber = np.bincount(e.officer[rows][counting & (domains == "Cybersecurity")], minlength=n)
    in_scope = ~officers.unidentifiable
    annexure_done = (contents.kinds[e.content[rows]] == ANNEXURE) & (shown.status == COMPLETED)
    late = annexure_done & (shown.completed_on > due)
    undated = annexure_done & (shown.completed_on < 0)
    enrolled = np.bincount(e.officer[rows], minlength=n) > 0
    frame = pd.DataFrame(
        {
            "department": [d or "" for d in officers.departments],
            "in_scope": in_scope,
            "kb": in_scope & (ai >= 1) & (cyber >= 1),
            "wrd": in_scope & (ai + cyber >= 2),
            "never": in_scope & ~enrolled,
            "late": np.bincount(e.officer[rows][late], minlength=n),
            "undated": np.bincount(e.officer[rows][undated], minlength=n),
        }
    )
    grouped = frame.groupby("department").sum(numeric_only=True)
    expected = []
    is_bihar = delivery.state.slug == "bihar"
    for department, totals in grouped.iterrows():
        base = {
            "state": delivery.state.name,
            "report_date": delivery.report_date.isoformat(),
            "department": department or None,
            "officers": int(totals["in_scope"]),
            "never_enrolled": int(totals["never"]),
            "annexure_completions_late": int(totals["late"]),
            "annexure_completions_undated": int(totals["undated"]),
        }
        expected.append(
            {**base, "mandate_id": "kb-2026-01-20-ai-cyber", "compliant": int(totals["kb"])}
        )
        if is_bihar and WRD.lower() in department.lower() and "minor" not in department.lower():
            expected.append(
                {**base, "mandate_id": "wrd-bihar-2026-02-25", "compliant": int(totals["wrd"])}
            )
    return expected


def json_lines(entries: list[dict]) -> list[str]:
    return [json.dumps(entry, ensure_ascii=False) for entry in entries]
