"""Jobs. They run on the code location's in-process executor (definitions.py): a DuckDB file
takes one writer, so steps run one at a time."""

import dagster as dg

full_refresh_job = dg.define_asset_job(
    name="full_refresh",
    selection=dg.AssetSelection.all(),
    description="Load every raw file, build every dbt model and test, then publish.",
)

mdo_reports_job = dg.define_asset_job(
    name="mdo_reports",
    # The MDO load also writes raw/mdo_report_totals: select the whole multi-asset.
    selection=dg.AssetSelection.assets(["raw", "mdo_report"])
    .required_multi_asset_neighbors()
    .downstream(),
    description="Load MDO reports and rebuild the models, checks and publication downstream.",
)
