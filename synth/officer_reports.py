"""Write one state's officer-level delivery for one report date, exactly as iGOT's MDO portal
gives it: `user-report.csv`, `user-enrollment-report.csv` and, where a CBP plan allocated
courses, `cbp-report-mdo-enrolment.csv`, packed in password-protected ZIPs (one per group of
departments, as when a state admin downloads several) or as bare CSVs.

The CSVs are written by DuckDB from NumPy columns (COPY ... TO, minimal quoting, '\\n' line
endings), which is what makes 40 lakh rows take seconds rather than minutes.
"""

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from synth.officer_content import ANNEXURE, Contents, is_program
from synth.officer_enrolments import COMPLETED, STATUSES, Enrolments, Shown, shown_at
from synth.officer_files import Delivery
from synth.officer_manifest import (
    DUE,
    WRD,
    expected_counts,
    planted_content,
    planted_order,
    planted_rows,
)
from synth.officer_people import (
    MDO_CREATED_FROM,
    MDO_CREATED_UNTIL,
    NEW_MDO,
    Officers,
    Organisation,
    seconds,
)
from synth.officer_vocabulary import (
    CBP_HEADER,
    CBP_REPORT,
    ENROLMENT_HEADER,
    ENROLMENT_REPORT,
    USER_HEADER,
    USER_REPORT,
)
from synth.randomness import array_stream
from synth.zipcrypto import Member, write_encrypted_zip

TIMESTAMP = "%Y-%m-%d %H:%M:%S"
GENERATED = "%Y-%m-%d %I:%M:%S %p"
MEMORY_LIMIT = "1GB"
CBP_ALLOCATED = dt.datetime(2026, 2, 26, 11, 0, 0)  # the day after the WRD memo


@dataclass
class DayOutput:
    planted: list[dict] = field(default_factory=list)
    expected: list[dict] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    user_rows: int = 0
    enrolment_rows: int = 0
    cbp_rows: int = 0
    bytes: int = 0


def _ts_macro(con) -> None:
    con.execute(
        f"create or replace macro ts(x) as "
        f"case when x >= 0 then strftime(epoch_ms(x * 1000), '{TIMESTAMP}') end"
    )


def _parts(officers: Officers, zips: int) -> np.ndarray:
    """Each officer's ZIP: the departments, in name order, dealt round the ZIPs."""
    if zips <= 1:
        return np.zeros(officers.count, dtype=np.int64)
    cells = [d or "" for d in officers.departments]
    order = {cell: i for i, cell in enumerate(sorted(set(cells)))}
    return np.array([order[c] % zips for c in cells], dtype=np.int64)


def _officer_frame(officers: Officers, organisation: Organisation, shown: Shown, e) -> pd.DataFrame:
    n = officers.count
    enrolled = np.bincount(e.officer[shown.rows], minlength=n)
    done_rows = shown.rows[shown.status == COMPLETED]
    completions = np.bincount(e.officer[done_rows], minlength=n)
    return pd.DataFrame(
        {
            "officer": np.arange(n),
            "full_name": officers.full_name,
            "email": officers.email_printed,
            "email_flipped": officers.email_flipped,
            "phone": officers.phone,
            "employee_id": officers.employee_id,
            "mdo_name": officers.mdo_names,
            "department": officers.departments,
            "organization": [
                None if m == d else m
                for m, d in zip(officers.mdo_names, officers.departments, strict=True)
            ],
            "ministry": organisation.state.name,
            "registered": officers.registered,
            "course_enrolments": enrolled,
            "course_completions": completions,
            **officers.columns,
        }
    )


def _content_frame(contents: Contents) -> pd.DataFrame:
    displays = contents.displays
    batch = [is_program(contents.types[d.content]) for d in displays]
    published = contents.published
    return pd.DataFrame(
        {
            "display": np.arange(len(displays)),
            "name": [d.name for d in displays],
            "provider": [d.provider for d in displays],
            "content_type": [contents.types[d.content] for d in displays],
            "duration": [contents.durations[d.content] for d in displays],
            "batch_id": [
                f"batch-{d.content:04d}-01" if b else None
                for d, b in zip(displays, batch, strict=True)
            ],
            "batch_name": ["Batch 1" if b else None for b in batch],
            "batch_start": [
                int(published[d.content]) if b else -1 for d, b in zip(displays, batch, strict=True)
            ],
            "batch_end": [
                int(published[d.content]) + 180 * 86_400 if b else -1
                for d, b in zip(displays, batch, strict=True)
            ],
            "published": [int(published[d.content]) for d in displays],
            "mandate": ["Yes" if contents.kinds[d.content] == ANNEXURE else "No" for d in displays],
        }
    )


def _hours(officers: Officers, contents: Contents, shown: Shown, e) -> np.ndarray:
    done_rows = shown.rows[shown.status == COMPLETED]
    return np.round(
        np.bincount(
            e.officer[done_rows],
            weights=contents.duration_seconds[e.content[done_rows]] / 3600,
            minlength=officers.count,
        ),
        2,
    )


def _user_order(officers: Officers, parts: np.ndarray) -> pd.DataFrame:
    """The user report's rows: every officer, the re-listed ones twice, by ZIP then MDO."""
    officer = np.arange(officers.count)
    copies = np.flatnonzero(officers.relisted)
    rows = np.concatenate([officer, copies])
    flip = np.concatenate([np.zeros(len(officer), bool), np.ones(len(copies), bool)])
    order = np.lexsort((flip, rows, officers.mdo[rows], parts[rows]))
    rows, flip, part = rows[order], flip[order], parts[rows][order]
    return _with_source_rows(pd.DataFrame({"officer": rows, "flip": flip, "part": part}))


def _with_source_rows(frame: pd.DataFrame) -> pd.DataFrame:
    frame["ord"] = np.arange(len(frame))
    frame["source_row"] = frame.groupby("part").cumcount().to_numpy() + 2
    return frame


def _enrolment_order(e: Enrolments, shown: Shown, officers, parts) -> pd.DataFrame:
    """The consumption report's rows: what is shown, re-listed rows twice, by ZIP, MDO,
    officer and enrolment time."""
    position = np.arange(len(shown.rows))
    copies = np.flatnonzero(e.relisted[shown.rows])
    index = np.concatenate([position, copies])
    flip = np.concatenate([np.zeros(len(position), bool), np.ones(len(copies), bool)])
    rows = shown.rows[index]
    officer = e.officer[rows]
    order = np.lexsort(
        (flip, e.content[rows], e.enrolled[rows], officer, officers.mdo[officer], parts[officer])
    )
    index, flip, rows = index[order], flip[order], rows[order]
    officer = e.officer[rows]
    frame = pd.DataFrame(
        {
            "row": rows,
            "officer": officer,
            "display": e.display[rows],
            "enrolled": e.enrolled[rows],
            "status": np.array(STATUSES, dtype=object)[shown.status[index]],
            "progress": shown.progress[index],
            "completed_on": shown.completed_on[index],
            "certificate": np.where(shown.certificate[index], "Yes", "No"),
            "rating": np.where(shown.status[index] == COMPLETED, e.rating[rows], 0),
            "flip": flip,
            "part": parts[officer],
        }
    )
    return _with_source_rows(frame)


USER_SQL = """
select o.full_name, o.designation, case when u.flip then o.email_flipped else o.email end,
    o.phone, o.mdo_name, o."group", null, o.ministry, o.department, o.organization,
    ts(o.registered), o.cadre, o.civil_service_type, null, o.cadre_batch, o.organised_service,
    o.roles, o.gender, o.category, o.external_system, o.external_system_id, o.employee_id,
    ts(m.created), o.profile_status, o.weekly_claps, o.karma_points, o.event_enrolments,
    o.event_completions, o.event_hours, o.course_enrolments, o.course_completions,
    o.course_hours, o.event_enrolments + o.course_enrolments,
    o.event_completions + o.course_completions, round(o.event_hours + o.course_hours, 2),
    $generated
from user_rows as u
join officers as o on o.officer = u.officer
join mdos as m on m.mdo_name = o.mdo_name
where u.part = $part
order by u.ord
"""

ENROLMENT_SQL = """
select o.full_name, o.designation, case when r.flip then o.email_flipped else o.email end,
    o.phone, o.mdo_name, o."group", null, o.ministry, o.department, o.organization,
    c.provider, c.name, c.content_type, c.duration, c.batch_id, c.batch_name,
    ts(c.batch_start), ts(c.batch_end), ts(r.enrolled), r.status, r.progress, ts(c.published),
    null, ts(r.completed_on), r.certificate, nullif(r.rating, 0), o.gender, o.category,
    o.external_system, o.external_system_id,
    case when r.certificate = 'Yes' then md5($seed || ':' || r.row) end,
    $generated, c.mandate
from enrolment_rows as r
join officers as o on o.officer = r.officer
join contents as c on c.display = r.display
where r.part = $part
order by r.ord
"""


CBP_SQL = """
select o.full_name, o.email, o.phone, o.mdo_name, o."group", o.designation, o.ministry,
    o.department, o.organization, c.name, 'Yes', ts(r.allocated), r.progress, ts(r.due),
    ts(r.completed_on), $generated
from cbp_rows as r
join officers as o on o.officer = r.officer
join contents as c on c.display = r.display
where r.part = $part
order by r.ord
"""


def _cbp_order(delivery, officers: Officers, contents: Contents, e, shown, parts) -> pd.DataFrame:
    """The CBP report's rows: after the WRD memo of 25 February 2026, each officer of the Water
    Resources Department is allocated the first AI and the first Cybersecurity course of their
    band's Annexure-3 list, due 31 March; progress as the consumption report shows it."""
    allocated_on = seconds(CBP_ALLOCATED)
    wrd = np.array(
        [
            bool(d) and WRD.lower() in d.lower() and "minor" not in d.lower()
            for d in officers.departments
        ]
    )
    chosen = np.flatnonzero(wrd & ~officers.unidentifiable)
    if seconds(delivery.moment) < allocated_on or not len(chosen):
        chosen = chosen[:0]
    first = first_courses(contents)
    officer = np.repeat(chosen, 2)
    content = first[officers.band[officer], np.tile([0, 1], len(chosen))]
    keys = e.officer[shown.rows] * contents.count + e.content[shown.rows]
    order = np.argsort(keys)
    wanted = officer * contents.count + content
    at = np.clip(np.searchsorted(keys[order], wanted), 0, max(0, len(keys) - 1))
    found = (keys[order][at] == wanted) if len(keys) else np.zeros(len(wanted), bool)
    position = order[at]
    status = np.where(found, shown.status[position] if len(keys) else 0, 0)
    completed_on = np.where(found, shown.completed_on[position] if len(keys) else -1, -1)
    sort = np.lexsort((content, officer, officers.mdo[officer], parts[officer]))
    frame = pd.DataFrame(
        {
            "officer": officer[sort],
            "display": contents.canonical_display[content[sort]],
            "allocated": allocated_on,
            "due": seconds(DUE),
            "progress": np.array(STATUSES, dtype=object)[status[sort]],
            "completed_on": completed_on[sort],
            "part": parts[officer[sort]],
        }
    )
    return _with_source_rows(frame)


def first_courses(contents: Contents) -> np.ndarray:
    """Per band: the first AI and the first Cybersecurity course on its Annexure-3 list."""
    table = np.zeros((4, 2), dtype=np.int64)
    for band in range(4):
        for column, domain in enumerate(("AI", "Cybersecurity")):
            table[band, column] = next(
                c
                for c in range(contents.count)
                if contents.domains[c] == domain and band in contents.bands[c]
            )
    return table


def _copy(con, sql: str, header: list[str], path: Path, params: dict) -> None:
    columns = ", ".join(f'column{i:02d} as "{name}"' for i, name in enumerate(header))
    numbered = "select " + columns + " from (" + _numbered(sql, len(header)) + ")"
    con.execute(f"copy ({numbered}) to '{path}' (header, delimiter ',')", params)


def _numbered(sql: str, width: int) -> str:
    """Name a select's columns column00, column01, ... so the header can be iGOT's."""
    return f"select * from ({sql}) as t({', '.join(f'column{i:02d}' for i in range(width))})"


def write_day(
    delivery: Delivery, officers: Officers, contents: Contents, enrolments: Enrolments
) -> DayOutput:
    """Write the delivery's files; return what was planted in them and what to expect."""
    moment = seconds(delivery.moment)
    shown = shown_at(enrolments, moment)
    parts = _parts(officers, delivery.zips)
    officer_frame = _officer_frame(officers, delivery.organisation, shown, enrolments)
    officer_frame["course_hours"] = _hours(officers, contents, shown, enrolments)
    user_rows = _user_order(officers, parts)
    enrolment_rows = _enrolment_order(enrolments, shown, officers, parts)
    cbp_rows = _cbp_order(delivery, officers, contents, enrolments, shown, parts)
    mdo_frame = _mdo_frame(delivery)
    content_frame = _content_frame(contents)
    generated = delivery.moment.strftime(GENERATED)
    delivery.folder.mkdir(parents=True, exist_ok=True)
    output = DayOutput(
        user_rows=len(user_rows), enrolment_rows=len(enrolment_rows), cbp_rows=len(cbp_rows)
    )
    con = duckdb.connect()
    try:
        # The ordered join spills to disk rather than holding 40 lakh wide rows in memory.
        con.execute("set enable_progress_bar = false")
        con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
        _ts_macro(con)
        con.register("officers", officer_frame)
        con.register("user_rows", user_rows)
        con.register("enrolment_rows", enrolment_rows)
        con.register("mdos", mdo_frame)
        con.register("contents", content_frame)
        con.register("cbp_rows", cbp_rows)
        for part in range(max(1, delivery.zips)):
            output.bytes += _write_part(con, delivery, part, generated, output)
    finally:
        con.close()
    planted = planted_rows(delivery, officers, enrolments, user_rows, enrolment_rows)
    planted += planted_content(delivery, contents, enrolment_rows)
    output.planted = sorted(planted, key=planted_order)
    output.expected = expected_counts(delivery, officers, contents, enrolments, shown)
    return output


def _mdo_frame(delivery: Delivery) -> pd.DataFrame:
    names = sorted(set(delivery.organisation.mdo_names) | {NEW_MDO})
    rng = array_stream(delivery.seed, delivery.state.slug, "mdo-created")
    low, high = seconds(MDO_CREATED_FROM), seconds(MDO_CREATED_UNTIL)
    return pd.DataFrame({"mdo_name": names, "created": rng.integers(low, high, len(names))})


def _write_part(con, delivery: Delivery, part: int, generated: str, output: DayOutput) -> int:
    """One ZIP (or the bare CSVs): the two reports, and the CBP report where it has rows."""
    params = {"part": part, "generated": generated}
    with_seed = {**params, "seed": delivery.seed}
    reports = [(USER_REPORT, USER_SQL, USER_HEADER, params)]
    reports.append((ENROLMENT_REPORT, ENROLMENT_SQL, ENROLMENT_HEADER, with_seed))
    allocated = con.execute("select count(*) from cbp_rows where part = $part", {"part": part})
    if allocated.fetchone()[0]:
        reports.append((CBP_REPORT, CBP_SQL, CBP_HEADER, params))
    if not delivery.zips:
        for name, sql, header, values in reports:
            _copy(con, sql, header, delivery.folder / name, values)
            output.files.append(delivery.relative(name))
        return sum((delivery.folder / name).stat().st_size for name, *_ in reports)
    with tempfile.TemporaryDirectory(dir=delivery.folder.parent) as scratch:
        members = []
        for name, sql, header, values in reports:
            _copy(con, sql, header, Path(scratch) / name, values)
            members.append(Member(name, (Path(scratch) / name).read_bytes()))
    source_file, _ = delivery.file_of(part)
    path = delivery.raw / source_file
    output.files.append(source_file)
    key = (delivery.seed, delivery.state.slug, delivery.report_date.isoformat(), part)
    return write_encrypted_zip(path, members, delivery.password, delivery.moment, key)
