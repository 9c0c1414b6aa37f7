"""The drop-folder sensor asks for a run of exactly what a changed file feeds."""

import shutil

import dagster as dg
import pytest

from dagster_project.definitions import defs
from dagster_project.resources import RawFiles

pytestmark = pytest.mark.pipeline


def evaluate(raw_dir, cursor=None, instance=None):
    context = dg.build_sensor_context(
        cursor=cursor,
        resources={"raw_files": RawFiles(root=str(raw_dir))},
        definitions=defs,
        instance=instance,
    )
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    return sensor(context), context


def test_new_file_requests_its_assets_and_downstream_only(tmp_path):
    raw = tmp_path / "raw"
    (raw / "ranking").mkdir(parents=True)
    first, _ = evaluate(raw)
    assert not first.run_requests
    shutil.copy("raw/ranking/ranking_2025-12-31.csv", raw / "ranking")
    result, _ = evaluate(raw, cursor=first.cursor)
    [request] = result.run_requests
    keys = {key.to_user_string() for key in request.asset_selection}
    assert "raw/state_ranking" in keys
    assert "marts/state_ranking" in keys
    assert "published_warehouse" in keys
    assert "raw/mdo_report" not in keys
    assert "marts/course_catalogue" not in keys

    again, _ = evaluate(raw, cursor=result.cursor)
    assert not again.run_requests


def test_touching_a_file_without_changing_it_requests_nothing(tmp_path, raw_copy):
    first, _ = evaluate(raw_copy)
    assert len(first.run_requests) == 1
    path = raw_copy / "mdo" / "bihar_2026-02-25.csv"
    path.write_bytes(path.read_bytes())
    again, _ = evaluate(raw_copy, cursor=first.cursor)
    assert not again.run_requests


def test_changed_content_requests_a_run(raw_copy):
    first, _ = evaluate(raw_copy)
    path = raw_copy / "mdo" / "bihar_2026-02-25.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",1219,", ",1220,"))
    result, _ = evaluate(raw_copy, cursor=first.cursor)
    [request] = result.run_requests
    assert dg.AssetKey(["raw", "mdo_report"]) in request.asset_selection
    assert dg.AssetKey(["raw", "state_ranking"]) not in request.asset_selection


def test_a_misnamed_file_is_reported_and_not_forgotten(raw_copy):
    first, _ = evaluate(raw_copy)
    (raw_copy / "mdo" / "bihar-march.csv").write_text("x\n")
    result, _ = evaluate(raw_copy, cursor=first.cursor)
    assert not result.run_requests
    assert (
        "mdo/bihar-march.csv: has a name this folder does not take"
        in result.skip_reason.skip_message
    )
    assert result.cursor is None
