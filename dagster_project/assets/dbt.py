"""The dbt project as Dagster assets: every model and seed an asset, every dbt test a check.

dbt writes into the run's build copy of the warehouse, passed as the `warehouse_path` var that
the dbt profile reads (standalone `dbt build` falls back to IGOT_WAREHOUSE), and keeps its
per-run artifacts and logs beside that copy, never in the source tree; only the static manifest
that `dbt parse` writes stays in `dbt_models/target/`.

The big models are incremental; a run rebuilds them whole (`--full-refresh`) when the dbt
project changed since the warehouse was built, or when the run is tagged for a full refresh
(`make run FORCE=1`).
"""

import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from dagster_project.check_results import ensure_check_results, record_dbt_results
from dagster_project.dbt_project import dbt_project
from dagster_project.resources import Warehouse
from dagster_project.run_inputs import (
    DBT_CODE_GLOBS,
    code_fingerprint,
    is_full_refresh_wanted,
    last_dbt_code,
    record_dbt_build,
)
from dagster_project.run_log import ensure_run_log


class WarehouseTranslator(DagsterDbtTranslator):
    """Keys models by schema and name (marts/state_ranking) and groups them by folder.

    Sources keep the default behaviour, which honours `meta.dagster.asset_key`, so each dbt
    source is tied to the raw asset that loads it.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    build = warehouse.prepare_build(context.run_id)
    dbt_vars = json.dumps({"warehouse_path": str(build)})
    code = code_fingerprint(DBT_CODE_GLOBS)
    with warehouse.build_connection(context.run_id) as con:
        full_refresh = is_full_refresh_wanted(context.run.tags) or last_dbt_code(con) != code
        ensure_run_log(con)  # the source of the view marts.pipeline_runs
        ensure_check_results(con)  # the source of the view marts.check_results
    args = ["build", "--vars", dbt_vars, *(["--full-refresh"] if full_refresh else [])]
    if full_refresh:
        context.log.info("full refresh: the dbt project changed, or the run asked for one")
    # dbt's per-run artifacts and logs go beside the build copy and leave with it.
    target = warehouse.dbt_target_path(context.run_id)
    yield from dbt.cli(args, context=context, target_path=target).stream()
    with warehouse.build_connection(context.run_id) as con:
        record_dbt_build(con, context.run_id, code, full_refresh)
        record_dbt_results(con, context.run_id, target)  # each test's outcome, as data
