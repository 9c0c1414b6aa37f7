"""The marts built from the shipped raw/ files, against figures printed in the seed."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import REPO_ROOT, SHIPPED_RAW

pytestmark = pytest.mark.pipeline

WRD = "Water Resources Department, Bihar"


@pytest.fixture(scope="module")
def marts(shipped_warehouse):
    con = duckdb.connect(str(shipped_warehouse), read_only=True)
    yield con
    con.close()


def one(con, sql, params=None):
    rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_bihar_ranks_eighth_in_category_c(marts):
    row = one(
        marts,
        "select category, composite_score, rank_in_category, computed_rank, "
        "score_gap_to_leader, score_gap_to_next_rank, states_in_category "
        "from marts.state_ranking where state = 'Bihar'",
    )
    assert row == ("C", 39.09, 8, 8, 43.67, 1.30, 9)


def test_category_leaders_and_sizes(marts):
    leaders = marts.execute(
        "select category, state, composite_score from marts.state_ranking "
        "where computed_rank = 1 order by category"
    ).fetchall()
    assert leaders == [
        ("A", "Chandigarh", 75.38),
        ("B", "Jharkhand", 70.09),
        ("C", "Maharashtra", 82.76),
    ]
    sizes = marts.execute(
        "select category, count(*) from marts.state_ranking group by 1 order by 1"
    ).fetchall()
    assert sizes == [("A", 13), ("B", 14), ("C", 9)]


def test_every_printed_rank_matches_the_recomputed_one(marts):
    assert one(
        marts, "select count(*) from marts.state_ranking where rank_in_category <> computed_rank"
    ) == (0,)


def test_first_edition_has_no_previous_rank(marts):
    assert one(
        marts, "select count(*) from marts.state_ranking where previous_rank is not null"
    ) == (0,)


def test_water_resources_department_rates(marts):
    row = one(
        marts,
        "select mdo_count, onboarded, active, enrollments, completions, completion_rate, pass_rate "
        "from marts.department_summary "
        "where state = 'Bihar' and department = 'Water Resources Department'",
    )
    assert row[:5] == (1, 1219, 1077, 44107, 31973)
    assert row[5] == pytest.approx(0.7249, abs=1e-4)
    assert row[6] == pytest.approx(0.8338, abs=1e-4)


def loaded_bihar_rows() -> list[list[str]]:
    """The report's data rows that the loader keeps: 11 cells and an MDO name."""
    with (SHIPPED_RAW / "mdo" / "bihar_2026-02-25.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:]
    return [r for r in rows if len(r) == 11 and r[1]]


def test_state_summary_totals_are_the_sum_of_the_loaded_rows(marts):
    rows = loaded_bihar_rows()
    expected = (
        len(rows),
        sum(int(r[2]) for r in rows),
        sum(int(r[3]) for r in rows),
        sum(int(r[6]) for r in rows),
    )
    row = one(
        marts,
        "select mdo_count, onboarded, active, completions, category, rank_in_category "
        "from marts.state_summary where state = 'Bihar' and as_of_date = date '2026-02-25'",
    )
    assert row[:4] == expected
    assert row[4:] == ("C", 8)


def test_departments_add_up_to_the_state(marts):
    depts = one(marts, "select sum(onboarded), sum(completions) from marts.department_summary")
    state = one(
        marts, "select onboarded, completions from marts.state_summary where mdo_count is not null"
    )
    assert depts == state


def test_near_duplicate_departments_are_one_canonical_department(marts):
    rural = marts.execute(
        "select distinct department_as_reported from marts.mdo_snapshot "
        "where department = 'Rural Works Department'"
    ).fetchall()
    assert rural == [("Rural Works Department Bihar",)]
    industry = {
        r[0]
        for r in marts.execute(
            "select distinct department_as_reported from marts.mdo_snapshot "
            "where department = 'Industry Department'"
        ).fetchall()
    }
    assert {
        "Industry Department Bihar",
        "Department of Industries, Government of Bihar",
    } <= industry


def test_mdos_with_no_department_are_grouped_not_dropped(marts):
    assert one(
        marts,
        "select mdo_count from marts.department_summary where department = '(no department)'",
    ) == (2,)


def test_durations_parse_to_minutes(marts):
    row = one(
        marts,
        "select duration_minutes from marts.course_recommendation "
        "where course_name = 'Artificial Intelligence for Public Governance' and serial_no = 1 "
        "and experience_band = '16+ years'",
    )
    assert row == (162,)


def test_quickest_mandate_pair_per_band(marts):
    pairs = marts.execute(
        "select experience_band, domain, course_name, duration_minutes, mandate_minutes_for_band "
        "from marts.course_recommendation where is_quickest_ai or is_quickest_cyber "
        "order by band_order, domain"
    ).fetchall()
    assert pairs == [
        ("16+ years", "AI", "Deep Tech and India", 53, 104),
        ("16+ years", "Cybersecurity", "Cybersecurity Fundamentals for Leaders", 51, 104),
        ("9-16 years", "AI", "Core Areas of Artificial Intelligence", 45, 130),
        ("9-16 years", "Cybersecurity", "Cybersecurity (Intermediate Level)", 85, 130),
        ("0-9 years", "AI", "Fundamentals of Generative Artificial Intelligence", 58, 102),
        ("0-9 years", "Cybersecurity", "Emerging Technologies and Security", 44, 102),
        ("MTS and equivalent", "AI", "आर्टिफिशियल इंटेलिजेंस का भविष्य", 67, 151),
        ("MTS and equivalent", "Cybersecurity", "Cybersecurity (Basic Level)", 84, 151),
    ]


def test_garbled_links_get_the_real_portal_address(marts):
    row = one(
        marts,
        "select course_id, canonical_url from marts.course_catalogue "
        "where course_name = 'Digital Transformation'",
    )
    assert row == (
        "114471828378181632178",
        "https://portal.igotkarmayogi.gov.in/app/toc/ext/114471828378181632178",
    )


def test_each_marketplace_row_is_a_course_and_recommended_ones_join_them(marts):
    # 124 marketplace rows; the two 'Concepts of Heavy Lifting' rows carry different ids, so
    # every row is its own course. Recommended courses that share a name join them.
    assert one(marts, "select count(*) from marts.course_catalogue where in_marketplace") == (124,)
    both = marts.execute(
        "select course_name from marts.course_catalogue where in_marketplace and is_recommended "
        "order by 1"
    ).fetchall()
    assert both == [
        ("Advanced Prompt Engineering for Everyone",),
        ("Build and Execute an Organisational AI Strategy",),
        ("Foundations of Cybersecurity",),
    ]


def test_dbt_docs_generate_works(shipped_warehouse, tmp_path):
    # On a copy: dbt opens its database read-write, and the shipped one is shared.
    warehouse = tmp_path / "igot.duckdb"
    shutil.copy(shipped_warehouse, warehouse)
    dbt = Path(sys.executable).parent / "dbt"
    result = subprocess.run(
        [str(dbt), "docs", "generate", "--profiles-dir", ".", "--target-path", str(tmp_path),
         "--vars", f'{{"warehouse_path": "{warehouse}"}}'],
        cwd=REPO_ROOT / "dbt_models",
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "catalog.json").exists()
