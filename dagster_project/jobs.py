"""Jobs. In-process execution: a DuckDB file takes one writer, so steps run one at a time."""

import dagster as dg

full_refresh_job = dg.define_asset_job(
    name="full_refresh",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Load every raw file, build every dbt model and test, then publish.",
)

mdo_reports_job = dg.define_asset_job(
    name="mdo_reports",
    # The MDO load also writes raw/mdo_report_totals: select the whole multi-asset.
    selection=dg.AssetSelection.assets(["raw", "mdo_report"])
    .required_multi_asset_neighbors()
    .downstream(),
    executor_def=dg.in_process_executor,
    description="Load MDO reports and rebuild the models, checks and publication downstream.",
)
