"""Wires assets, checks, resources, jobs, schedules and sensors into the code location."""

import dagster as dg

from dagster_project.assets.dbt import dbt_models
from dagster_project.assets.publish import published_warehouse
from dagster_project.assets.quality import quality_checks
from dagster_project.assets.raw import raw_asset_checks, raw_assets, shared_raw_tables
from dagster_project.deliveries import deliveries
from dagster_project.jobs import full_refresh_job, mdo_reports_job
from dagster_project.resources import RawFiles, Warehouse, dbt_cli
from dagster_project.schedules import daily_mdo_reports, monthly_full_refresh
from dagster_project.sensors import raw_files_sensor

defs = dg.Definitions(
    assets=[*deliveries, *raw_assets, *shared_raw_tables, dbt_models, published_warehouse],
    asset_checks=[*raw_asset_checks, *quality_checks],
    jobs=[full_refresh_job, mdo_reports_job],
    schedules=[monthly_full_refresh, daily_mdo_reports],
    sensors=[raw_files_sensor],
    resources={
        "warehouse": Warehouse(),
        "raw_files": RawFiles(),
        "dbt": dbt_cli(),
    },
    # One DuckDB file takes one writer: every run, sensor-started ones included, runs its
    # steps one after another in one process.
    executor=dg.in_process_executor,
)
