"""Shared fixtures: temporary raw folders and warehouses, and the shipped warehouse built once."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_RAW = REPO_ROOT / "raw"
DBT_PROJECT = REPO_ROOT / "dbt_models"
DBT = Path(sys.executable).parent / "dbt"


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped raw/ folder that a test may change."""
    target = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW, target)
    return target


def materialize_into(
    raw_dir: Path, warehouse: Path, *, with_dbt: bool = True, with_quality: bool = True
):
    """Run the pipeline's own assets and checks against a given raw folder and warehouse file.

    Without dbt the run loads the raw files and publishes them, which is all the ingestion tests
    need; with dbt it is the full-refresh job. Tests about history and publishing may leave out
    the Great Expectations checks, which they do not exercise, to save their time.
    """
    import dagster as dg

    from dagster_project.assets.dbt import dbt_cli, dbt_models
    from dagster_project.assets.publish import published_warehouse
    from dagster_project.assets.quality import quality_checks, raw_quality_checks
    from dagster_project.assets.raw import raw_asset_checks, raw_assets
    from dagster_project.resources import RawFiles
    from dagster_project.warehouse import Warehouse

    assets = [*raw_assets, *raw_asset_checks, published_warehouse]
    if with_dbt:
        assets.append(dbt_models)
    if with_quality:
        assets += quality_checks if with_dbt else raw_quality_checks
    return dg.materialize(
        assets,
        resources={
            "warehouse": Warehouse(path=str(warehouse)),
            "raw_files": RawFiles(root=str(raw_dir)),
            "dbt": dbt_cli(),
        },
        raise_on_error=False,
    )


@pytest.fixture(scope="session")
def shipped_warehouse(tmp_path_factory) -> Path:
    """The warehouse built once from the shipped raw/ files by the whole pipeline."""
    warehouse = tmp_path_factory.mktemp("shipped") / "igot.duckdb"
    result = materialize_into(SHIPPED_RAW, warehouse)
    assert result.success, "the full pipeline failed on the shipped raw/ files"
    return warehouse


def run_dbt(*args: str, warehouse: Path, target: Path) -> subprocess.CompletedProcess:
    """The venv's dbt against a given warehouse file, with its artifacts in `target`."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    return subprocess.run(
        [
            str(DBT),
            *args,
            "--project-dir",
            str(DBT_PROJECT),
            "--profiles-dir",
            str(DBT_PROJECT),
            "--target-path",
            str(target),
            "--log-path",
            str(target / "logs"),
            "--vars",
            json.dumps({"warehouse_path": str(warehouse)}),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
