"""The drop-folder sensor asks for a run of exactly what a changed file feeds."""

import shutil

import dagster as dg
import pytest

from dagster_project.definitions import defs
from dagster_project.resources import RawFiles, Warehouse

pytestmark = pytest.mark.pipeline


def evaluate(raw_dir, cursor=None, instance=None, warehouse=None):
    warehouse = warehouse or raw_dir.parent / "no-warehouse-yet" / "igot.duckdb"
    context = dg.build_sensor_context(
        cursor=cursor,
        resources={
            "raw_files": RawFiles(root=str(raw_dir)),
            "warehouse": Warehouse(path=str(warehouse)),
        },
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


def test_a_misnamed_file_is_reported_on_every_tick_until_fixed(raw_copy):
    first, _ = evaluate(raw_copy)
    (raw_copy / "mdo" / "bihar-march.csv").write_text("x\n")
    message = "mdo/bihar-march.csv: has a name this folder does not take"
    result, _ = evaluate(raw_copy, cursor=first.cursor)
    assert not result.run_requests
    assert message in result.skip_reason.skip_message
    again, _ = evaluate(raw_copy, cursor=result.cursor)
    assert message in again.skip_reason.skip_message
    (raw_copy / "mdo" / "bihar-march.csv").rename(raw_copy / "mdo" / "bihar_2026-03-31.csv")
    fixed, _ = evaluate(raw_copy, cursor=again.cursor)
    assert len(fixed.run_requests) == 1


def test_a_misnamed_file_does_not_hold_up_a_good_one(raw_copy):
    first, _ = evaluate(raw_copy)
    (raw_copy / "mdo" / "bihar-march.csv").write_text("x\n")
    shutil.copy(
        raw_copy / "ranking" / "ranking_2025-12-31.csv",
        raw_copy / "ranking" / "ranking_2026-01-31.csv",
    )
    result, _ = evaluate(raw_copy, cursor=first.cursor)
    [request] = result.run_requests
    assert dg.AssetKey(["raw", "state_ranking"]) in request.asset_selection


def test_a_file_the_last_run_held_back_is_reported_until_fixed(tmp_path, raw_copy):
    from support import materialize_into

    warehouse = tmp_path / "wh" / "igot.duckdb"
    bihar = raw_copy / "mdo" / "bihar_2026-02-25.csv"
    bihar.write_bytes(bihar.read_bytes().replace(b"Bihar", b"Bih\xe4r", 1))
    assert materialize_into(raw_copy, warehouse, with_dbt=False, with_quality=False).success
    first, _ = evaluate(raw_copy, warehouse=warehouse)
    tick, _ = evaluate(raw_copy, cursor=first.cursor, warehouse=warehouse)
    assert not tick.run_requests
    assert "mdo/bihar_2026-02-25.csv: is not UTF-8 text" in tick.skip_reason.skip_message


def test_a_new_officer_delivery_starts_the_officer_load_and_a_held_back_one_is_named(
    tmp_path, raw_copy, monkeypatch
):
    from support import REPO_ROOT, materialize_into

    first, _ = evaluate(raw_copy)
    fixture = REPO_ROOT / "tests" / "fixtures" / "officers" / "officers"
    shutil.copytree(fixture, raw_copy / "officers")
    result, _ = evaluate(raw_copy, cursor=first.cursor)
    [request] = result.run_requests
    keys = {key.to_user_string() for key in request.asset_selection}
    assert {"raw/officer_users", "raw/officer_enrolments", "marts/mandate_compliance"} <= keys
    assert "raw/mdo_report" not in keys

    # A second date whose ZIP is a web page: it asks for a run; the run holds the delivery
    # back, and every tick after it names the file until it is fixed.
    broken = raw_copy / "officers" / "bihar_2026-04-14"
    broken.mkdir()
    (broken / "reports.zip").write_bytes(b"<html>Session expired</html>")
    requested, _ = evaluate(raw_copy, cursor=result.cursor)
    assert requested.run_requests
    monkeypatch.setenv("IGOT_OFFICER_KEY_FILE", str(tmp_path / "officer.key"))
    warehouse = tmp_path / "wh" / "igot.duckdb"
    assert materialize_into(raw_copy, warehouse, with_dbt=False, with_quality=False).success
    tick, _ = evaluate(raw_copy, cursor=requested.cursor, warehouse=warehouse)
    assert not tick.run_requests
    assert (
        "officers/bihar_2026-04-14/reports.zip: is not a readable ZIP file"
        in tick.skip_reason.skip_message
    )
