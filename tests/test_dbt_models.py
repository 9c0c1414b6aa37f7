"""The dbt project on its own: load raw/ into a temporary DuckDB, `dbt build` it, check the marts.

Expected values are either printed in the seed document (the ranking, the Water Resources
Department's rates) or computed here from the raw CSVs, never copied from the models' output.
"""

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from support import DBT_PROJECT, SHIPPED_RAW, run_dbt

pytestmark = pytest.mark.pipeline

RAW = SHIPPED_RAW
PROJECT = DBT_PROJECT
PORTAL = "https://portal.igotkarmayogi.gov.in/app/toc/ext/"
BUILD_RESULTS = "build_run_results.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A warehouse loaded from raw/ by the Python loader, then built by `dbt build`."""
    from dagster_project.check_results import ensure_check_results
    from dagster_project.ingest.discovery import discover
    from dagster_project.ingest.loader import load_source
    from dagster_project.ingest.sources import SOURCES
    from dagster_project.run_log import ensure_run_log

    root = tmp_path_factory.mktemp("dbt_models")
    warehouse, target = root / "igot.duckdb", root / "target"
    con = duckdb.connect(str(warehouse))
    try:
        found = discover(RAW)
        for source in SOURCES:
            load_source(con, source, found.get(source.name, []), dt.datetime.now())
        ensure_run_log(con)  # as the pipeline does before dbt: the source of pipeline_runs
        ensure_check_results(con)  # and of check_results
    finally:
        con.close()
    result = run_dbt("build", warehouse=warehouse, target=target)
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout}\n{result.stderr}"
    # Later dbt commands on this target (docs generate) rewrite run_results.json: keep the build's.
    shutil.copy(target / "run_results.json", target / BUILD_RESULTS)
    return warehouse, target


@pytest.fixture
def con(built):
    connection = duckdb.connect(str(built[0]), read_only=True)
    yield connection
    connection.close()


def one(con, sql: str, params=None) -> tuple:
    rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def read_csv(relative: str) -> list[dict[str, str]]:
    with (RAW / relative).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def loaded_mdo_rows() -> list[list[str]]:
    """The Bihar rows the loader keeps: exactly 11 cells and an MDO name (not the total row)."""
    with (RAW / "mdo" / "bihar_2026-02-25.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    return [row for row in rows if len(row) == 11 and row[1]]


def minutes(printed: str) -> int:
    hours = re.search(r"(\d+)\s*h", printed)
    mins = re.search(r"(\d+)\s*min", printed)
    return (int(hours[1]) * 60 if hours else 0) + (int(mins[1]) if mins else 0)


# --- the build itself ---------------------------------------------------------------------


def test_build_passes_without_warnings(built):
    # dbt tests guard the pipeline's own invariants and are errors; the source's implausible
    # figures are Great Expectations warnings (expectations/README.md), so none warns here.
    results = json.loads((built[1] / BUILD_RESULTS).read_text())["results"]
    # The dashboard's exposure is a node that dbt 1.11 reports as built with nothing to do.
    exposures = [r for r in results if r["unique_id"].startswith("exposure.")]
    assert {r["status"] for r in exposures} == {"no-op"}
    statuses = {r["status"] for r in results if r not in exposures}
    assert statuses <= {"success", "pass"}, statuses
    assert sum(r["unique_id"].startswith("unit_test.") for r in results) >= 10


def test_schemas_are_plain_names(con):
    sql = "select distinct table_schema from information_schema.tables"
    schemas = {r[0] for r in con.execute(sql).fetchall()}
    assert {"raw", "staging", "intermediate", "marts", "reference"} <= schemas
    assert not any(s.startswith("main_") for s in schemas)


def test_every_mart_is_built_to_its_contract(built, con):
    """Every model in models/marts is contracted, and the built table has exactly its columns."""
    manifest = json.loads((built[1] / "manifest.json").read_text())
    contracts = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    built_columns: dict[str, list[str]] = {}
    for mart, column in con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' order by table_name, ordinal_position"
    ).fetchall():
        built_columns.setdefault(mart, []).append(column)
    assert set(built_columns) == set(contracts)
    for mart, node in contracts.items():
        assert node["config"]["contract"]["enforced"], mart
        assert node["schema"] == "marts", mart
        assert built_columns[mart] == list(node["columns"]), mart


def test_the_marts_hold_their_contract_constraints_and_refuse_rows_breaking_them(built, tmp_path):
    """A mart's not-null and non-negative columns are DuckDB constraints, not tests run after
    the build: every one the contracts name is on the built table, and it refuses a bad row."""
    manifest = json.loads((built[1] / "manifest.json").read_text())
    declared = {
        (node["name"], column["name"], constraint["type"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
        for column in node["columns"].values()
        for constraint in column.get("constraints", [])
    }
    assert len({c for c in declared if c[2] == "not_null"}) >= 100  # the marts' key columns
    assert {c[:2] for c in declared if c[2] == "check"} >= {("state_summary", "onboarded")}
    copy = tmp_path / "igot.duckdb"
    shutil.copy(built[0], copy)
    con = duckdb.connect(str(copy))
    try:
        enforced = {
            (table, column, kind.lower().replace(" ", "_"))
            for table, columns, kind in con.execute(
                "select table_name, constraint_column_names, constraint_type "
                "from duckdb_constraints() where schema_name = 'marts'"
            ).fetchall()
            for column in columns
        }
        assert declared <= enforced
        with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
            con.execute("update marts.state_summary set state = null")
        with pytest.raises(duckdb.ConstraintException, match="CHECK"):
            con.execute("update marts.state_summary set onboarded = -1")
    finally:
        con.close()


# --- state ranking (Annexure 1) -------------------------------------------------------------


def test_bihar_in_the_december_ranking(con):
    row = one(
        con,
        "select category, composite_score, rank_in_category, computed_rank, "
        "score_gap_to_leader, score_gap_to_next_rank, previous_rank, rank_change "
        "from marts.state_ranking where state = 'Bihar' and edition_date = date '2025-12-31'",
    )
    assert row[:4] == ("C", 39.09, 8, 8)
    assert row[4] == pytest.approx(82.76 - 39.09, abs=1e-9)  # 43.67 behind Maharashtra
    assert row[5] == pytest.approx(40.39 - 39.09, abs=1e-9)  # 1.30 behind Tamil Nadu
    assert row[6:] == (None, None)  # the first edition has no previous rank
    above = one(
        con,
        "select state, composite_score from marts.state_ranking "
        "where edition_date = date '2025-12-31' and category = 'C' and computed_rank = 7",
    )
    assert above == ("Tamil Nadu", 40.39)


def test_category_sizes_and_leaders(con):
    sizes = con.execute(
        "select category, count(*), min(states_in_category), max(states_in_category) "
        "from marts.state_ranking group by 1 order by 1"
    ).fetchall()
    assert sizes == [("A", 13, 13, 13), ("B", 14, 14, 14), ("C", 9, 9, 9)]
    assert one(con, "select count(distinct state) from marts.state_ranking") == (36,)
    leader = one(
        con,
        "select state, score_gap_to_leader, score_gap_to_next_rank from marts.state_ranking "
        "where category = 'C' and computed_rank = 1",
    )
    assert leader == ("Maharashtra", 0, 0)


def test_printed_spellings_resolve_to_canonical_states(con):
    printed = {row["State"] for row in read_csv("ranking/ranking_2025-12-31.csv")}
    states = {r[0] for r in con.execute("select state from marts.state_ranking").fetchall()}
    seed = {r[0] for r in con.execute("select state from reference.states").fetchall()}
    assert len(printed) == 36
    assert states == seed
    assert {"Andaman and Nicobar Islands", "Jammu and Kashmir", "Delhi"} <= states


def test_printed_ranks_agree_with_the_scores(con):
    ranks = read_csv("ranking/ranking_2025-12-31.csv")
    for bucket in "ABC":
        scores = sorted(
            (float(r["Composite Score"]) for r in ranks if r["Bucket"] == bucket), reverse=True
        )
        printed = [r for r in ranks if r["Bucket"] == bucket]
        for r in printed:
            assert scores.index(float(r["Composite Score"])) + 1 == int(r["Rank"])
    assert one(
        con, "select count(*) from marts.state_ranking where rank_in_category <> computed_rank"
    ) == (0,)


# --- MDO report -----------------------------------------------------------------------------


def test_water_resources_department_rates(con):
    row = one(
        con,
        "select completion_rate, pass_rate from marts.department_summary "
        "where state = 'Bihar' and snapshot_date = date '2026-02-25' "
        "and department = 'Water Resources Department'",
    )
    assert row[0] == pytest.approx(0.7249, abs=1e-4)
    assert row[1] == pytest.approx(0.8338, abs=1e-4)


def test_bihar_state_summary_totals_the_loaded_rows(con):
    rows = loaded_mdo_rows()
    assert len(rows) == 96

    def total(i: int) -> float:
        return sum(float(r[i]) for r in rows)

    onboarded, active, enrollments, completions = total(2), total(3), total(5), total(6)
    hours, attempted, passed = total(7), total(8), total(9)
    row = one(
        con,
        "select mdo_count, onboarded, active, enrollments, completions, learning_hours, "
        "courses_attempted, courses_passed, activation_rate, completion_rate, pass_rate, "
        "hours_per_active_user, edition_date, category, rank_in_category "
        "from marts.state_summary where state = 'Bihar' and as_of_date = date '2026-02-25'",
    )
    assert row[:5] == (96, onboarded, active, enrollments, completions)
    assert row[5] == pytest.approx(hours)
    assert row[6:8] == (attempted, passed)
    assert row[8] == pytest.approx(active / onboarded)
    assert row[9] == pytest.approx(completions / enrollments)
    assert row[10] == pytest.approx(passed / attempted)
    assert row[11] == pytest.approx(hours / active)
    assert row[12:] == (dt.date(2025, 12, 31), "C", 8)


def test_state_summary_has_each_snapshot_and_edition_date(con):
    dates = con.execute(
        "select as_of_date, mdo_count is not null from marts.state_summary "
        "where state = 'Bihar' order by 1"
    ).fetchall()
    assert dates == [(dt.date(2025, 12, 31), False), (dt.date(2026, 2, 25), True)]
    assert one(con, "select count(*) from marts.state_summary") == (37,)


def test_departments_add_up_to_the_state(con):
    departments = one(
        con,
        "select sum(mdo_count), sum(onboarded), sum(completions), sum(courses_passed), "
        "sum(share_of_state_completions) from marts.department_summary",
    )
    state = one(
        con,
        "select mdo_count, onboarded, completions, courses_passed from marts.state_summary "
        "where mdo_count is not null",
    )
    assert departments[:4] == state
    assert departments[4] == pytest.approx(1.0)


def test_every_bihar_department_cell_is_in_the_reviewed_seed():
    with (PROJECT / "seeds" / "department_aliases.csv").open(encoding="utf-8") as handle:
        seed = {(r["state"], r["department_as_reported"]) for r in csv.DictReader(handle)}
    with (RAW / "mdo" / "bihar_2026-02-25.csv").open(encoding="utf-8", newline="") as handle:
        cells = {row[0] for row in list(csv.reader(handle))[1:] if row[0]}
    assert {("Bihar", cell) for cell in cells} <= seed


def test_near_duplicate_and_merged_departments(con):
    def reported(department: str) -> set[str]:
        return {
            r[0]
            for r in con.execute(
                "select distinct department_as_reported from marts.mdo_snapshot "
                "where department = ?",
                [department],
            ).fetchall()
        }

    assert reported("Industry Department") == {
        "Industry Department Bihar",
        "Department of Industries, Government of Bihar",
        "Industry Department Bihar District Buxar, Bihar",
        "Industry Department Bihar Excise and Prohibition Department Bihar",
    }
    assert reported("Rural Works Department") == {"Rural Works Department Bihar"}
    assert reported("BC and EBC Welfare Department") == {"BC EBC WELFARE DEPARTMENT"}
    blank = one(
        con,
        "select count(*) from marts.mdo_snapshot "
        "where department_as_reported is null and department is null",
    )
    assert blank == (2,)


def test_ratios_are_null_when_the_denominator_is_zero(con):
    row = one(
        con,
        "select courses_attempted, pass_rate, pct_course_passed_printed from marts.mdo_snapshot "
        "where mdo_name = 'North Bihar Power Distribution Company Limited'",
    )
    assert row == (0, None, None)


# --- courses (Annexures 2 and 3) ------------------------------------------------------------


def test_durations_parse_to_minutes(con):
    parsed = dict(
        con.execute(
            "select distinct duration_as_printed, duration_minutes from marts.course_recommendation"
        ).fetchall()
    )
    assert parsed["2h 42 mins"] == 162
    assert parsed["53 mins"] == 53
    assert parsed["10h 10 mins"] == 610
    assert all(parsed[printed] == minutes(printed) for printed in parsed)


def test_quickest_ai_and_cyber_pair_per_band(con):
    canonical = {
        "16 Years and above": "16+ years",
        "9 - 16 Years": "9-16 years",
        "0 - 9 Years": "0-9 years",
        "MTS & equivalent": "MTS and equivalent",
        "MTS equivalent &": "MTS and equivalent",
    }
    quickest: dict[tuple[str, str], tuple[int, int, str]] = {}
    for r in read_csv("catalogue/recommended_courses.csv"):
        key = (canonical[r["Years of Experience/Role"]], r["Domain"])
        candidate = (minutes(r["Duration"]), int(r["S.No"]), r["Course Name"])
        quickest[key] = min(quickest.get(key, candidate), candidate)
    assert len(quickest) == 8  # 4 bands x 2 domains: the two MTS spellings are one band
    expected = {
        (band, domain, name, mins, quickest[(band, "AI")][0] + quickest[(band, "Cybersecurity")][0])
        for (band, domain), (mins, _serial, name) in quickest.items()
    }
    actual = set(
        con.execute(
            "select experience_band, domain, course_name, duration_minutes, "
            "mandate_minutes_for_band from marts.course_recommendation "
            "where is_quickest_ai or is_quickest_cyber"
        ).fetchall()
    )
    assert actual == expected
    flags = one(
        con,
        "select count(*) filter (where is_quickest_ai), count(*) filter (where is_quickest_cyber), "
        "count(distinct mandate_due_date), min(mandate_due_date) from marts.course_recommendation",
    )
    assert flags == (4, 4, 1, dt.date(2026, 3, 31))


def test_duplicates_within_a_band_are_flagged(con):
    duplicates = con.execute(
        "select experience_band, serial_no from marts.course_recommendation "
        "where is_duplicate_in_band order by serial_no"
    ).fetchall()
    assert duplicates == [("0-9 years", 1), ("0-9 years", 2), ("0-9 years", 4), ("0-9 years", 6)]


def test_garbled_links_get_the_real_portal_address(con):
    marketplace = read_csv("catalogue/marketplace_courses.csv")
    garbled = [
        r for r in marketplace if r["Course Link"] and not r["Course Link"].startswith(PORTAL)
    ]
    assert len(garbled) > 50
    for r in garbled:
        course_id = re.search(r"(\d+)$", r["Course Link"])[1]
        row = one(
            con,
            "select course_id, canonical_url, in_marketplace from marts.course_catalogue "
            "where course_id = ?",
            [course_id],
        )
        assert row == (course_id, PORTAL + course_id, True)
    digital = one(
        con,
        "select course_id, canonical_url from marts.course_catalogue "
        "where course_name = 'Digital Transformation'",
    )
    assert digital == ("114471828378181632178", PORTAL + "114471828378181632178")


def test_catalogue_covers_both_lists(con):
    marketplace = read_csv("catalogue/marketplace_courses.csv")
    recommended = read_csv("catalogue/recommended_courses.csv")
    linked = {re.search(r"(\d+)$", r["Course Link"])[1] for r in marketplace if r["Course Link"]}
    unlinked = {r["Course Name"] for r in marketplace if not r["Course Link"]}
    assert one(con, "select count(*) from marts.course_catalogue where in_marketplace") == (
        len(linked) + len(unlinked),
    )
    assert one(con, "select count(*) from marts.course_catalogue where is_recommended") == (
        len({r["Course Name"] for r in recommended}),
    )
    both = {
        r[0]
        for r in con.execute(
            "select course_name from marts.course_catalogue where in_marketplace and is_recommended"
        ).fetchall()
    }
    assert both == {r["Course Name"] for r in recommended} & {r["Course Name"] for r in marketplace}
    surrogate = one(
        con,
        "select course_id, canonical_url from marts.course_catalogue "
        "where course_name = 'Digital Governance'",
    )
    assert surrogate[0].startswith("name-") and surrogate[1] is None
    unmatched = one(
        con,
        "select count(*) from marts.course_recommendation as r "
        "left join marts.course_catalogue as c using (course_id) where c.course_id is null",
    )
    assert unmatched == (0,)


def test_dbt_docs_generate_works(built):
    warehouse, target = built
    # The build's target: dbt reuses the build's parse instead of parsing the project again.
    result = run_dbt("docs", "generate", warehouse=warehouse, target=target)
    assert result.returncode == 0, f"dbt docs generate failed:\n{result.stdout}\n{result.stderr}"
    catalog = json.loads((target / "catalog.json").read_text())
    assert any(key.endswith(".state_ranking") for key in catalog["nodes"])


def test_mdos_with_no_department_are_grouped_not_dropped(con):
    blank = [row for row in loaded_mdo_rows() if not row[0].strip()]
    row = one(
        con,
        "select mdo_count, onboarded from marts.department_summary "
        "where department = '(no department)'",
    )
    assert row == (len(blank), sum(int(r[2]) for r in blank))


def test_a_single_edition_has_no_rank_change(con):
    assert one(con, "select count(*) from marts.state_ranking where previous_rank is not null") == (
        0,
    )
