"""The last step of a run: swap the build copy in as the published warehouse."""

import dagster as dg

from dagster_project.abandoned_runs import mark_abandoned_runs
from dagster_project.assets.dbt import dbt_models
from dagster_project.assets.raw import raw_assets
from dagster_project.resources import Warehouse
from dagster_project.run_log import record_publishing_run

PUBLISHED_KEY = dg.AssetKey(["published_warehouse"])


@dg.asset(
    key=PUBLISHED_KEY,
    group_name="publish",
    deps=[*dbt_models.keys, *(key for asset in raw_assets for key in asset.keys)],
    kinds={"duckdb"},
    description=(
        "The warehouse users read. Replaced in one atomic rename, only after every load, "
        "model and error-severity check of the run has succeeded."
    ),
)
def published_warehouse(context: dg.AssetExecutionContext, warehouse: Warehouse):
    # Runs killed before this one are marked failed first, so the run log lists them.
    mark_abandoned_runs(context.instance, warehouse.build_dir(), context.run_id)
    with warehouse.build_connection(context.run_id) as con:
        record_publishing_run(con, context.instance, context.run_id, context.job_name)
        # information_schema lists views too: marts.pipeline_runs is one.
        names = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' order by table_name"
        ).fetchall()
        marts = [
            (name, con.execute(f'select count(*) from marts."{name}"').fetchall()[0][0])
            for (name,) in names
        ]
    path = warehouse.publish(context.run_id)
    context.log.info(f"published {path}")
    return dg.MaterializeResult(
        metadata={
            "path": str(path),
            "marts": dg.MetadataValue.json({name: rows for name, rows in marts}),
        }
    )
