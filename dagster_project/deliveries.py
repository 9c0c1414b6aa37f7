"""When each kind of delivered file is due, as Dagster freshness policies: a late month shows in
the UI ("March report not delivered by the 10th").

A raw asset is materialised by every run that selects it (the daily schedule too), so its last
materialisation says when the pipeline last ran, not when a file last arrived. A delivery is
therefore an asset of its own, `delivered/<source>`: an external asset upstream of the raw
table, which the load reports (a runless materialisation) whenever it loads a new or changed file
of that source. The freshness policy on it says when the next file is due; past the deadline
without a delivery, the asset's freshness turns FAIL in the UI. Dagster evaluates the policies
when `freshness: enabled: true` is in `dagster.yaml` (it is, in `dagster_project/dagster.yaml`).
"""

import datetime as dt

import dagster as dg

from dagster_project.ingest.loader import FileLoad
from dagster_project.ingest.sources import SOURCES, Source

TIMEZONE = "Asia/Kolkata"

# An MDO report or a ranking edition for the month just ended is due by the end of the 10th,
# and not before the 1st: the window is the first ten days of every month.
DUE_BY_THE_10TH = dg.FreshnessPolicy.cron(
    deadline_cron="0 0 11 * *", lower_bound_delta=dt.timedelta(days=10), timezone=TIMEZONE
)
# The course lists and reference files change only when a new letter brings new ones: nothing
# is due on a calendar, so they carry no policy.
DUE = {"mdo_report": DUE_BY_THE_10TH, "state_ranking": DUE_BY_THE_10TH}


def delivery_key(source: Source) -> dg.AssetKey:
    return dg.AssetKey(["delivered", source.name])


def delivery_spec(source: Source) -> dg.AssetSpec:
    due = "due by the 10th of every month" if source.name in DUE else "not due on a calendar"
    return dg.AssetSpec(
        delivery_key(source),
        group_name="deliveries",
        description=f"The {source.name} files delivered to {source.folder}/ ({due}).",
        freshness_policy=DUE.get(source.name),
    )


deliveries = [delivery_spec(source) for source in SOURCES]


def report_delivery(instance: dg.DagsterInstance, source: Source, loads: list[FileLoad]) -> None:
    """Mark the source as delivered when this load took in a new or changed file."""
    arrived = [load.source_file for load in loads if load.status == "loaded"]
    if arrived:
        instance.report_runless_asset_event(
            dg.AssetMaterialization(
                asset_key=delivery_key(source), metadata={"files": dg.MetadataValue.json(arrived)}
            )
        )
