"""Deliveries: each source's files as an asset whose freshness policy says when the next is due."""

import datetime as dt
import shutil

import dagster as dg
import pytest
from support import SHIPPED_RAW

from dagster_project.deliveries import DUE_BY_THE_10TH, deliveries, delivery_key
from dagster_project.ingest.sources import SOURCES

MDO = next(source for source in SOURCES if source.name == "mdo_report")


@pytest.mark.unit
def test_monthly_sources_are_due_by_the_10th_and_feed_their_raw_table():
    from dagster_project.definitions import defs

    graph = defs.resolve_asset_graph()
    due = {
        key.path[1]: graph.get(key).freshness_policy
        for key in graph.get_all_asset_keys()
        if key.path[0] == "delivered"
    }
    assert set(due) == {source.name for source in SOURCES}
    assert due["mdo_report"] == due["state_ranking"] == DUE_BY_THE_10TH
    assert DUE_BY_THE_10TH.deadline_cron == "0 0 11 * *"
    assert DUE_BY_THE_10TH.lower_bound_delta == dt.timedelta(days=10)
    assert due["marketplace_courses"] is None
    assert delivery_key(MDO) in graph.get(dg.AssetKey(["raw", "mdo_report"])).parent_keys


def last_delivery(instance: dg.DagsterInstance) -> dg.AssetMaterialization | None:
    event = instance.get_latest_materialization_event(delivery_key(MDO))
    return event.asset_materialization if event else None


@pytest.mark.pipeline
def test_a_new_file_is_a_delivery_and_a_rerun_without_one_is_not(tmp_path):
    from dagster_project.assets.publish import published_warehouse
    from dagster_project.assets.raw import raw_assets
    from dagster_project.resources import RawFiles, Warehouse

    raw = tmp_path / "raw"
    (raw / "mdo").mkdir(parents=True)
    shutil.copy(SHIPPED_RAW / "mdo" / "bihar_2026-02-25.csv", raw / "mdo")
    # The runs publish, as a real one does: the second starts from what the first published.
    assets = [*deliveries, *raw_assets, published_warehouse]
    resources = {
        "warehouse": Warehouse(path=str(tmp_path / "wh" / "igot.duckdb")),
        "raw_files": RawFiles(root=str(raw)),
    }
    with dg.instance_for_test() as instance:
        assert dg.materialize(assets, resources=resources, instance=instance).success
        delivered = last_delivery(instance)
        assert delivered.metadata["files"].value == ["mdo/bihar_2026-02-25.csv"]
        # The same file again is no delivery: the asset's freshness keeps the first one's time.
        first = instance.get_latest_materialization_event(delivery_key(MDO)).timestamp
        assert dg.materialize(assets, resources=resources, instance=instance).success
        assert instance.get_latest_materialization_event(delivery_key(MDO)).timestamp == first
