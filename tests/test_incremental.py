"""Incremental runs: a new month costs a month of work, and gives what a full rebuild gives."""

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from support import ADDED_MDO, MARCH, SHIPPED_RAW, copy_warehouse, materialize_into, write_march

from dagster_project import run_inputs

pytestmark = pytest.mark.pipeline

MARTS = (
    "mdo_snapshot",
    "department_summary",
    "department_trend",
    "state_summary",
    "org_mapping_issues",
)


def mart_rows(warehouse: Path, mart: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            f"select * exclude (loaded_at) from marts.{mart} order by all"
        ).fetchall()
    except duckdb.BinderException:
        return con.execute(f"select * from marts.{mart} order by all").fetchall()
    finally:
        con.close()


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


# The review tables that are incremental per snapshot, without the columns that say when a row
# was loaded or built (which differ between the two warehouses by construction).
REVIEW_TABLES = {
    "review_snapshot_names": "snapshot_loaded_at, batch_stamp",
    "review_mdo_rows_classified": "loaded_at, batch_stamp",
    "review_findings": "batch_stamp",
}
# review_name_classes keeps the class of every name ever delivered (a cache: a name keeps its
# class from month to month); compared on the names the snapshots use.
NAME_CLASSES_IN_USE = (
    "select * exclude (rules_version) from intermediate.review_name_classes as classes "
    "semi join intermediate.review_snapshot_names as names "
    "on classes.state = names.state and classes.org_name = names.org_name order by all"
)


def correct_march(raw: Path) -> None:
    """March delivered again, corrected: the district added under a department is gone, so
    its district_under_department finding must go with it."""
    path = raw / MARCH
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if ADDED_MDO not in line), encoding="utf-8")


def district_findings(warehouse: Path) -> list[tuple]:
    return query(
        warehouse,
        "select snapshot_date from intermediate.review_findings "
        f"where mdo_name = '{ADDED_MDO}' order by all",
    )


@pytest.fixture(scope="module")
def incremental_and_full(tmp_path_factory, two_months) -> tuple[Path, Path, list]:
    """One warehouse built month by month (February as published, then March), then with March
    corrected; one built from the corrected months at once."""
    root = tmp_path_factory.mktemp("incremental")
    raw = root / "raw"
    shutil.copytree(two_months[0], raw)
    stepwise = copy_warehouse(two_months[1], root / "stepwise")  # February, then March
    before_correction = district_findings(stepwise)
    correct_march(raw)
    assert materialize_into(raw, stepwise, with_quality=False).success
    at_once = root / "at_once" / "igot.duckdb"
    assert materialize_into(raw, at_once, with_quality=False).success
    return stepwise, at_once, before_correction


def test_the_later_months_are_incremental_runs(incremental_and_full):
    stepwise, _, _ = incremental_and_full
    builds = query(stepwise, "select full_refresh from pipeline.dbt_builds order by built_at")
    assert builds == [(True,), (False,), (False,)]


def test_an_incremental_month_gives_what_a_full_rebuild_gives(incremental_and_full):
    stepwise, at_once, _ = incremental_and_full
    for mart in MARTS:
        assert mart_rows(stepwise, mart) == mart_rows(at_once, mart), mart
    for table, when_built in REVIEW_TABLES.items():
        rows = f"select * exclude ({when_built}) from intermediate.{table} order by all"
        assert query(stepwise, rows) == query(at_once, rows), table
    assert query(stepwise, NAME_CLASSES_IN_USE) == query(at_once, NAME_CLASSES_IN_USE)


def test_a_corrected_month_replaces_its_findings_and_only_its_own(incremental_and_full):
    stepwise, _, before_correction = incremental_and_full
    assert before_correction == [(dt.date(2026, 3, 31),)]
    assert district_findings(stepwise) == []
    # Each snapshot's findings come from one run: February's from the first build, March's
    # from the correction, the last run, which did not redo February.
    stamps = query(
        stepwise,
        "select snapshot_date, count(distinct batch_stamp), max(batch_stamp) "
        "from intermediate.review_findings where review_scope like 'snapshot|%' "
        "group by all order by all",
    )
    assert [(day, runs) for day, runs, _ in stamps] == [
        (dt.date(2026, 2, 25), 1),
        (dt.date(2026, 3, 31), 1),
    ]
    february_stamp, march_stamp = (stamp for _, _, stamp in stamps)
    assert february_stamp < march_stamp
    last_stamp = "select max(batch_stamp) from intermediate.review_snapshot_names"
    assert query(stepwise, last_stamp) == [(march_stamp,)]


def test_nothing_new_is_recognised_and_any_change_is_not(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW, raw)
    warehouse = tmp_path / "wh" / "igot.duckdb"
    assert materialize_into(raw, warehouse, with_dbt=False, with_quality=False).success
    code = run_inputs.code_fingerprint()
    assert run_inputs.why_run(warehouse, raw, code) == (
        "the published warehouse has no record of its inputs"
    )
    run_inputs.record_inputs(warehouse, code)
    assert run_inputs.why_run(warehouse, raw, code) is None
    assert run_inputs.why_run(warehouse, raw, "other code") == "the pipeline's code changed"
    write_march(raw)
    assert run_inputs.why_run(warehouse, raw, code) == "mdo/bihar_2026-03-31.csv is new or changed"
    (raw / "mdo" / "bihar_2026-03-31.csv").unlink()
    (raw / "ranking" / "ranking_2025-12-31.csv").write_text("State,Bucket\n", encoding="utf-8")
    assert run_inputs.why_run(warehouse, raw, code) == (
        "ranking/ranking_2025-12-31.csv is new or changed"
    )


@pytest.mark.unit
def test_code_fingerprint_follows_the_dbt_project(tmp_path):
    (tmp_path / "dbt_models" / "models").mkdir(parents=True)
    model = tmp_path / "dbt_models" / "models" / "m.sql"
    model.write_text("select 1", encoding="utf-8")
    first = run_inputs.code_fingerprint(root=tmp_path)
    assert run_inputs.code_fingerprint(root=tmp_path) == first
    model.write_text("select 2", encoding="utf-8")
    assert run_inputs.code_fingerprint(root=tmp_path) != first


@pytest.mark.unit
def test_code_fingerprint_ignores_code_that_cannot_change_the_warehouse(tmp_path):
    """The generator, the run summary and the CLI shape no table: editing them rebuilds nothing."""
    loader = tmp_path / "dagster_project" / "ingest" / "loader.py"
    loader.parent.mkdir(parents=True)
    loader.write_text("x = 1\n", encoding="utf-8")
    bystanders = [
        tmp_path / "synth" / "generator.py",
        tmp_path / "dagster_project" / "report.py",
        tmp_path / "dagster_project" / "cli.py",
    ]
    for path in bystanders:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n", encoding="utf-8")
    first = run_inputs.code_fingerprint(root=tmp_path)
    for path in bystanders:
        path.write_text("x = 2\n", encoding="utf-8")
    assert run_inputs.code_fingerprint(root=tmp_path) == first
    loader.write_text("x = 2\n", encoding="utf-8")
    assert run_inputs.code_fingerprint(root=tmp_path) != first
