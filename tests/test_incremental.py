"""Incremental runs: a new month costs a month of work, and gives what a full rebuild gives."""

import shutil
from pathlib import Path

import duckdb
import pytest
from support import SHIPPED_RAW, copy_warehouse, materialize_into, write_march

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


@pytest.fixture(scope="module")
def incremental_and_full(tmp_path_factory, shipped_warehouse) -> tuple[Path, Path]:
    """One warehouse built month by month, one built from both months at once."""
    root = tmp_path_factory.mktemp("incremental")
    raw = root / "raw"
    shutil.copytree(SHIPPED_RAW, raw)
    stepwise = copy_warehouse(shipped_warehouse, root / "stepwise")  # February, as published
    write_march(raw)
    assert materialize_into(raw, stepwise, with_quality=False).success
    at_once = root / "at_once" / "igot.duckdb"
    assert materialize_into(raw, at_once, with_quality=False).success
    return stepwise, at_once


def test_the_second_month_is_an_incremental_run(incremental_and_full):
    stepwise, _ = incremental_and_full
    builds = query(stepwise, "select full_refresh from pipeline.dbt_builds order by built_at")
    assert builds == [(True,), (False,)]


def test_an_incremental_month_gives_what_a_full_rebuild_gives(incremental_and_full):
    stepwise, at_once = incremental_and_full
    for mart in MARTS:
        assert mart_rows(stepwise, mart) == mart_rows(at_once, mart), mart
    classes = "select * exclude (rules_version) from intermediate.review_name_classes order by all"
    assert query(stepwise, classes) == query(at_once, classes)


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
