"""Officer-level mandate tracking, end to end in dbt, against a hand-computed fixture.

The officer raw tables are created by the loader's own `ensure_officer_tables`; here they are
written directly as rows, as the loader would after pseudonymisation, into a
warehouse loaded from the shipped raw/ files, and `dbt build` runs on it. Every expected count
below is worked out by hand from the rows in this file, never read back from the models.

The fixture is Bihar, reported on 2026-04-02 (user report + enrolment report) and 2026-03-15
(enrolment report only). Mandates: kb-2026-01-20-ai-cyber (1 AI and 1 Cybersecurity course, every
department) and wrd-bihar-2026-02-25 (2 courses in total, Water Resources Department only), both
due 2026-03-31.
"""

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from support import SHIPPED_RAW, run_dbt

from dagster_project.run_inputs import WITHOUT_UNIT_TESTS

pytestmark = pytest.mark.pipeline

RAW = SHIPPED_RAW

WRD = "Water Resources Department, Bihar"  # as the MDO report prints it, MDO and department
FINANCE = "Finance Department Bihar"
APRIL, MARCH = dt.date(2026, 4, 2), dt.date(2026, 3, 15)
USERS_FILE = "officers/bihar_2026-04-02/reports.zip"

# What these builds make: the officer marts, their snapshot and everything upstream of them, with
# their data tests. The rest of the project, and every model's unit tests, are test_dbt_models'
# to build: the officer marts read nothing the rest would change, and a whole build here cost
# four times 45 s, 15 s of each the unit tests.
OFFICER_BUILD = (
    "--select",
    "+mandate_compliance +officer_mandate_status +course_uptake +data_quality_issues "
    "+mandate_projection +officer_status_history",
    "--indirect-selection",
    "cautious",  # no test of a model outside the selection (a seed's relationships to states)
    *WITHOUT_UNIT_TESTS,
)

# Officers of the 2026-04-02 user report: (officer_key, department cell, MDO). W2 is on two rows
# (the loader gives 'W2@x.in' and 'w2@x.in' one key); W3 never enrolled; N1's MDO is in no
# report and has no department; M1's Department cell is blank and the MDO report files its MDO
# (Arwal Police) under the Home Department.
USERS = [
    ("w1", WRD, WRD),
    ("w2", WRD, WRD),
    ("w2", WRD, WRD),
    ("w3", WRD, WRD),
    ("w4", WRD, WRD),
    ("w5", WRD, WRD),
    ("f1", FINANCE, "AUDIT DIRECTORATE"),
    ("f2", FINANCE, "Audit Directorate"),
    ("f3", FINANCE, "Audit Directorate"),
    ("n1", None, "Mystery Cell"),
    ("m1", "  ", "Arwal Police"),
]
OFFICER_MDO = {key: (department, mdo) for key, department, mdo in USERS}
OFFICER_MDO["e1"] = (WRD, WRD)  # only in the enrolment report: out of scope on 2026-04-02

GOVERNANCE = (
    "  artificial   INTELLIGENCE for public governance ",
    "KYNDRYL & data security council of india",
)
UPGRAD = ("CYBERSECURITY", "upgrad")
UPGRAD_SPACED = ("cybersecurity ", " UpGrad")
HINDI = ("आर्टिफिशियल  इंटेलिजेंस का भविष्य", "RCVP Noronha Academy, MP")
YUVA = ("YUVA AI for All", "India AI Mission")
HYGIENE = ("Cyber Hygiene Essentials", "JRRPF Academy")
GOOGLE = ("Foundations of Cybersecurity", "Google")
CHATGPT = ("Introduction to ChatGPT", "Some Academy")


def ts(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


# (report date, officer, (course, provider), status, enrolled_on, completed_on)
ENROLMENTS = [
    # W1: AI on 10 March; Cybersecurity at 23:59 on the due date: both count.
    (APRIL, "w1", GOVERNANCE, "Completed", "2026-03-01 09:00", "2026-03-10 10:00"),
    (APRIL, "w1", UPGRAD, "completed", "2026-03-02 09:00", "2026-03-31 23:59"),
    # W2: the Hindi course (double space) twice, counted once; YUVA one second after the due
    # date: late. kb: AI only -> in progress; wrd: 1 on time + 1 late -> completed late.
    (APRIL, "w2", HINDI, "completed", "2026-03-01 10:00", "2026-03-20 12:00"),
    (APRIL, "w2", HINDI, "Completed", "2026-03-05 10:00", "2026-03-25 12:00"),
    (APRIL, "w2", YUVA, "completed", "2026-03-25 10:00", "2026-04-01 00:00:01"),
    # W4: Cybersecurity completed without a date (does not count), AI in progress.
    (APRIL, "w4", HYGIENE, "completed", "2026-03-03 10:00", None),
    (APRIL, "w4", GOVERNANCE, "In-Progress", "2026-03-03 10:00", None),
    # W5: two Cybersecurity courses and no AI: kb in progress, wrd (total 2) compliant on 5 March;
    # a ChatGPT course that is not on Annexure-3 does not count (a finding for review).
    (APRIL, "w5", GOOGLE, "completed", "2026-02-20 10:00", "2026-03-01 10:00"),
    (APRIL, "w5", UPGRAD_SPACED, "completed", "2026-02-21 10:00", "2026-03-05 10:00"),
    (APRIL, "w5", CHATGPT, "completed", "2026-02-21 10:00", "2026-02-25 10:00"),
    # F1: both domains on time, compliant on 15 March.
    (APRIL, "f1", YUVA, "completed", "2026-01-25 10:00", "2026-02-01 10:00"),
    (APRIL, "f1", UPGRAD_SPACED, "completed", "2026-03-10 10:00", "2026-03-15 10:00"),
    # F2: Cybersecurity on time (its Completed_On is before its Enrolled_On: a finding), AI late.
    (APRIL, "f2", UPGRAD, "completed", "2026-03-20 10:00", "2026-03-15 10:00"),
    (APRIL, "f2", YUVA, "completed", "2026-03-01 10:00", "2026-04-10 10:00"),
    # F3: enrolled, not started.
    (APRIL, "f3", YUVA, "Not-Started", "2026-03-01 10:00", None),
    # E1: not in the user report of that date, so not counted anywhere.
    (APRIL, "e1", UPGRAD, "completed", "2026-03-01 10:00", "2026-03-02 10:00"),
    # 2026-03-15 has no user report: its officers are those of its enrolment report.
    (MARCH, "w1", GOVERNANCE, "completed", "2026-03-01 09:00", "2026-03-10 10:00"),
    (MARCH, "f1", YUVA, "completed", "2026-01-25 10:00", "2026-02-01 10:00"),
]

# The delivered bands: W1's label in lower case, F1's written '0-9 Years' (Annexure-3 prints
# '0 - 9 Years'), W5's a label Annexure-3 does not have.
BANDS = [("w1", "16 years and above"), ("f1", "0-9 Years"), ("w5", "Senior")]


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    for row in rows:
        names = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"insert into raw.{table} ({names}) values ({marks})", list(row.values()))


def lineage(source_file: str, member: str, row: int) -> dict:
    return {
        "source_file": source_file,
        "source_member": member,
        "file_sha256": "0" * 64,
        "source_row": row,
        "loaded_at": dt.datetime(2026, 4, 2, 12, 0),
    }


def user_rows() -> list[dict]:
    return [
        {
            "state": "bihar",
            "report_date": APRIL,
            "officer_key": key,
            "key_basis": "email",
            "designation": "Assistant Engineer",
            "mdo_name": mdo,
            "group_name": "Group B",
            "department": department,
            "report_last_generated_on": dt.datetime(2026, 4, 2, 6, 30, 12),
            **lineage(USERS_FILE, "user-report.csv", index + 2),
        }
        for index, (key, department, mdo) in enumerate(USERS)
    ]


def enrolment_rows() -> list[dict]:
    rows = []
    for index, (report_date, key, (name, provider), status, enrolled, completed) in enumerate(
        ENROLMENTS
    ):
        department, mdo = OFFICER_MDO[key]
        folder = f"officers/bihar_{report_date.isoformat()}"
        rows.append(
            {
                "state": "bihar",
                "report_date": report_date,
                "officer_key": key,
                "key_basis": "email",
                "mdo_name": mdo,
                "department": department,
                "content_name": name,
                "content_provider": provider,
                "content_type": "Course",
                "status": status,
                "enrolled_on": ts(enrolled),
                "completed_on": ts(completed),
                **lineage(f"{folder}/user-enrollment-report.csv", None, index + 2),
            }
        )
    return rows


def band_rows() -> list[dict]:
    return [
        {
            "officer_key": key,
            "key_basis": "email",
            "band": band,
            **lineage("reference/officer_bands.csv", None, index + 2),
        }
        for index, (key, band) in enumerate(BANDS)
    ]


def read_marts(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            "compliance": con.sql(
                "select report_date, department, mandate_id, officers, compliant, in_progress, "
                "not_started, completed_late, denominator_source, days_left "
                "from marts.mandate_compliance order by all"
            ).fetchall(),
            "officers": con.sql(
                "select report_date, officer_key, mandate_id, department, status, "
                "counting_ai_completions, counting_cybersecurity_completions, "
                "late_completions, undated_completions, compliant_on, band, "
                "courses_on_band_list from marts.officer_mandate_status order by all"
            ).fetchall(),
            "uptake": con.sql(
                "select report_date, course_name, enrolled, completed_by_due_date, "
                "completed_late, completed_undated, median_days_to_complete "
                "from marts.course_uptake where enrolled > 0 order by all"
            ).fetchall(),
            "uptake_rows": con.sql("select count(*) from marts.course_uptake").fetchall(),
            "issues": con.sql(
                "select report_date, issue_type, coalesce(mdo_name, content_name), officers "
                "from marts.data_quality_issues order by all"
            ).fetchall(),
            "history": con.sql(
                "select officer_key, mandate_id, status, report_date, dbt_valid_to is null "
                "from snapshots.officer_status_history order by all"
            ).fetchall(),
        }


def build(warehouse: Path, target: Path, *args: str) -> None:
    result = run_dbt("build", *args, *OFFICER_BUILD, warehouse=warehouse, target=target)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, dict[str, list[tuple]]]:
    """The marts after three builds of one warehouse: with the officer tables empty, with the
    fixture, and after a later report (2026-04-10) in which only W3 changed."""
    from dagster_project.check_results import ensure_check_results
    from dagster_project.ingest.discovery import discover
    from dagster_project.ingest.loader import load_source
    from dagster_project.ingest.officer_loader import ensure_officer_tables
    from dagster_project.ingest.sources import SOURCES
    from dagster_project.run_log import ensure_run_log

    root = tmp_path_factory.mktemp("officer_mandates")
    warehouse, target = root / "igot.duckdb", root / "target"
    with duckdb.connect(str(warehouse)) as con:
        found = discover(RAW)
        for source in SOURCES:
            load_source(con, source, found.get(source.name, []), dt.datetime.now())
        ensure_run_log(con)  # as the pipeline does before dbt: the source of pipeline_runs
        ensure_check_results(con)  # and of check_results
        ensure_officer_tables(con)  # the loader's own officer tables, empty
    build(warehouse, target)
    empty = read_marts(warehouse)

    with duckdb.connect(str(warehouse)) as con:
        insert_rows(con, "officer_users", user_rows())
        insert_rows(con, "officer_enrolments", enrolment_rows())
        insert_rows(con, "officer_bands", band_rows())
    build(warehouse, target)
    delivered = read_marts(warehouse)

    # 2026-04-10: the same officers; W3 has started the Hindi course, nobody else changed.
    with duckdb.connect(str(warehouse)) as con:
        later = [
            {**row, "report_date": dt.date(2026, 4, 10)}
            for row in user_rows() + enrolment_rows()
            if row["report_date"] == APRIL
        ]
        insert_rows(con, "officer_users", [r for r in later if "content_name" not in r])
        enrolments = [r for r in later if "content_name" in r]
        enrolments.append(
            {
                **enrolments[0],
                "officer_key": "w3",
                "content_name": HINDI[0],
                "content_provider": HINDI[1],
                "status": "in-progress",
                "completed_on": None,
                "source_row": 99,
            }
        )
        insert_rows(con, "officer_enrolments", enrolments)
    build(warehouse, target)
    later = read_marts(warehouse)
    stamps = delivery_stamps(warehouse)

    build(warehouse, target, "--full-refresh")
    rebuilt = read_marts(warehouse)

    # 2026-04-10 corrected to header-only reports: the loader deletes its rows, and no row is
    # left for the officer models to redo.
    with duckdb.connect(str(warehouse)) as con:
        for table in ("officer_users", "officer_enrolments"):
            con.execute(f"delete from raw.{table} where report_date = '2026-04-10'")
    build(warehouse, target)
    return {
        "empty": empty,
        "delivered": delivered,
        "later": later,
        "later_stamps": stamps,
        "rebuilt": rebuilt,
        "withdrawn": read_marts(warehouse),
    }


def delivery_stamps(warehouse: Path) -> dict[dt.date, dt.datetime]:
    """When each delivery's officers were last worked out (int_officers_scoped's batch_stamp)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(
            con.sql(
                "select report_date, max(batch_stamp) from intermediate.int_officers_scoped "
                "group by all"
            ).fetchall()
        )


def test_a_later_delivery_redoes_only_itself_and_a_full_rebuild_agrees(builds):
    """The third build was incremental: it worked out the 2026-04-10 delivery alone, and gave
    the marts that a full rebuild of the same tables gives."""
    stamps = builds["later_stamps"]
    assert sorted(stamps) == [MARCH, APRIL, dt.date(2026, 4, 10)]
    assert stamps[MARCH] == stamps[APRIL] < stamps[dt.date(2026, 4, 10)]
    rebuilt, later = builds["rebuilt"], builds["later"]
    for mart in ("compliance", "officers", "uptake", "uptake_rows", "issues"):
        assert rebuilt[mart] == later[mart], mart


def test_a_delivery_whose_rows_are_all_gone_leaves_the_marts(builds):
    """A corrected delivery of header-only files has no row to redo; its officers must still
    go, so the marts are again those of the two earlier dates."""
    withdrawn, delivered = builds["withdrawn"], builds["delivered"]
    assert dt.date(2026, 4, 10) in {row[0] for row in builds["later"]["compliance"]}
    for mart in ("compliance", "officers", "uptake", "uptake_rows"):
        assert withdrawn[mart] == delivered[mart], mart


def test_no_officer_rows_build_empty_marts(builds):
    empty = builds["empty"]
    assert empty["compliance"] == empty["officers"] == empty["uptake"] == []
    assert empty["uptake_rows"] == [(0,)]
    assert empty["issues"] == empty["history"] == []


def test_mandate_compliance_counts(builds):
    # report_date, department, mandate, officers, compliant, in progress, not started, late,
    # denominator, days left
    assert builds["delivered"]["compliance"] == [
        (
            MARCH,
            "Finance Department",
            "kb-2026-01-20-ai-cyber",
            1,
            0,
            1,
            0,
            0,
            "enrolment_report",
            16,
        ),
        (
            MARCH,
            "Water Resources Department",
            "kb-2026-01-20-ai-cyber",
            1,
            0,
            1,
            0,
            0,
            "enrolment_report",
            16,
        ),
        (
            MARCH,
            "Water Resources Department",
            "wrd-bihar-2026-02-25",
            1,
            0,
            1,
            0,
            0,
            "enrolment_report",
            16,
        ),
        (APRIL, "(no department)", "kb-2026-01-20-ai-cyber", 1, 0, 0, 1, 0, "user_report", -2),
        (APRIL, "Finance Department", "kb-2026-01-20-ai-cyber", 3, 1, 0, 1, 1, "user_report", -2),
        (APRIL, "Home Department", "kb-2026-01-20-ai-cyber", 1, 0, 0, 1, 0, "user_report", -2),
        # W1 compliant; W2, W4, W5 in progress; W3 never enrolled
        (
            APRIL,
            "Water Resources Department",
            "kb-2026-01-20-ai-cyber",
            5,
            1,
            3,
            1,
            0,
            "user_report",
            -2,
        ),
        # total 2: W1 and W5 compliant, W2 late, W4 in progress, W3 not started
        (
            APRIL,
            "Water Resources Department",
            "wrd-bihar-2026-02-25",
            5,
            2,
            1,
            1,
            1,
            "user_report",
            -2,
        ),
    ]


def test_officer_mandate_status(builds):
    april = [row[1:] for row in builds["delivered"]["officers"] if row[0] == APRIL]
    kb, wrd = "kb-2026-01-20-ai-cyber", "wrd-bihar-2026-02-25"
    water, finance = "Water Resources Department", "Finance Department"
    # officer, mandate, department, status, AI, Cyber, late, undated, compliant on, band,
    # courses on the band's list
    assert april == [
        ("f1", kb, finance, "compliant", 1, 1, 0, 0, dt.date(2026, 3, 15), "0-9 years", 1),
        ("f2", kb, finance, "completed_late", 0, 1, 1, 0, None, "unknown", None),
        ("f3", kb, finance, "not_started", 0, 0, 0, 0, None, "unknown", None),
        ("m1", kb, "Home Department", "not_started", 0, 0, 0, 0, None, "unknown", None),
        ("n1", kb, "(no department)", "not_started", 0, 0, 0, 0, None, "unknown", None),
        ("w1", kb, water, "compliant", 1, 1, 0, 0, dt.date(2026, 3, 31), "16+ years", 2),
        ("w1", wrd, water, "compliant", 1, 1, 0, 0, dt.date(2026, 3, 31), "16+ years", 2),
        ("w2", kb, water, "in_progress", 1, 0, 1, 0, None, "unknown", None),
        ("w2", wrd, water, "completed_late", 1, 0, 1, 0, None, "unknown", None),
        ("w3", kb, water, "not_started", 0, 0, 0, 0, None, "unknown", None),
        ("w3", wrd, water, "not_started", 0, 0, 0, 0, None, "unknown", None),
        ("w4", kb, water, "in_progress", 0, 0, 0, 1, None, "unknown", None),
        ("w4", wrd, water, "in_progress", 0, 0, 0, 1, None, "unknown", None),
        ("w5", kb, water, "in_progress", 0, 2, 0, 0, None, "Senior", None),
        ("w5", wrd, water, "compliant", 0, 2, 0, 0, dt.date(2026, 3, 5), "Senior", None),
    ]


def test_course_uptake(builds):
    delivered = builds["delivered"]
    # 2 report dates x 26 distinct Annexure-3 courses (name, provider, domain)
    assert delivered["uptake_rows"] == [(2 * 26,)]
    assert delivered["uptake"] == [
        (MARCH, "Artificial Intelligence for Public Governance", 1, 1, 0, 0, 9.0),
        (MARCH, "YUVA AI for All", 1, 1, 0, 0, 7.0),
        (APRIL, "Artificial Intelligence for Public Governance", 2, 1, 0, 0, 9.0),
        (APRIL, "Cyber Hygiene Essentials", 1, 0, 0, 1, None),
        # W1 (29 days), W5 (12), F1 (5); F2's completion before its enrolment has no duration
        (APRIL, "Cybersecurity", 4, 4, 0, 0, 12.0),
        (APRIL, "Foundations of Cybersecurity", 1, 1, 0, 0, 9.0),
        (APRIL, "YUVA AI for All", 4, 1, 2, 0, 7.0),
        (APRIL, "आर्टिफिशियल इंटेलिजेंस का भविष्य", 1, 1, 0, 0, 19.0),
    ]


def test_data_quality_issues(builds):
    assert builds["delivered"]["issues"] == [
        (APRIL, "completed_before_enrolled", "Audit Directorate", 1),
        (APRIL, "completed_without_date", WRD, 1),
        (APRIL, "enrolment_of_unlisted_officer", WRD, 1),  # e1, not in the user report
        (APRIL, "mdo_missing_from_mdo_report", "Mystery Cell", 1),
        (APRIL, "mdo_without_department", "Mystery Cell", 1),
        (APRIL, "onboarded_mismatch", "AUDIT DIRECTORATE", 3),
        (APRIL, "onboarded_mismatch", "Arwal Police", 1),
        (APRIL, "onboarded_mismatch", WRD, 5),
        (APRIL, "unmatched_mandate_course", "Introduction to ChatGPT", 1),
    ]


def test_status_history_keeps_only_changes(builds):
    first = builds["delivered"]["history"]
    # one row per officer and mandate of the latest report, all current
    assert len(first) == 15 and all(current for *_, current in first)
    later = builds["later"]["history"]
    changed = [row for row in later if row[0] == "w3"]
    assert sorted(changed) == [
        ("w3", "kb-2026-01-20-ai-cyber", "in_progress", dt.date(2026, 4, 10), True),
        ("w3", "kb-2026-01-20-ai-cyber", "not_started", APRIL, False),
        ("w3", "wrd-bihar-2026-02-25", "in_progress", dt.date(2026, 4, 10), True),
        ("w3", "wrd-bihar-2026-02-25", "not_started", APRIL, False),
    ]
    # everyone else unchanged: the same single row, still dated 2026-04-02
    assert [row for row in later if row[0] != "w3"] == [row for row in first if row[0] != "w3"]


def test_shipped_warehouse_has_the_officer_marts_empty(shipped_warehouse):
    """The whole pipeline on the shipped raw/, which has no officer deliveries."""
    with duckdb.connect(str(shipped_warehouse), read_only=True) as con:
        for table in (
            "marts.mandate_compliance",
            "marts.officer_mandate_status",
            "marts.course_uptake",
            "marts.data_quality_issues",
            "snapshots.officer_status_history",
        ):
            assert con.sql(f"select count(*) from {table}").fetchall() == [(0,)], table
