"""Publishing: the build copy replaces the published file whole, or not at all; a run that
cannot write says so in one sentence and leaves nothing behind."""

import errno
import json
import os
import subprocess
import sys
import time
from collections import namedtuple
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.storage.dagster_run import DagsterRun

from dagster_project import warehouse as warehouse_module
from dagster_project.abandoned_runs import mark_abandoned_runs
from dagster_project.resources import Warehouse
from dagster_project.warehouse import LEFT_AS_IT_WAS, WarehouseNotWritten

pytestmark = pytest.mark.unit


def rows(path, sql):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_run_writes_its_build_copy_and_publishes_it(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "igot.duckdb"))
    with warehouse.build_connection("run-1") as con:
        con.execute("create table t as select 1 as x")
    assert not warehouse.published_path().exists()
    warehouse.publish("run-1")
    assert rows(warehouse.published_path(), "select x from t") == [(1,)]
    assert not warehouse.build_path("run-1").exists()


def test_a_build_starts_from_the_published_warehouse_and_leaves_it_alone(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "igot.duckdb"))
    with warehouse.build_connection("run-1") as con:
        con.execute("create table t as select 1 as x")
    warehouse.publish("run-1")
    before = warehouse.published_path().read_bytes()
    with warehouse.build_connection("run-2") as con:
        assert con.execute("select x from t").fetchall() == [(1,)]
        con.execute("insert into t values (2)")
    # run-2 never publishes, as when it fails or is killed
    assert warehouse.published_path().read_bytes() == before


def test_a_reader_holding_the_old_file_keeps_reading_it_after_a_publish(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "igot.duckdb"))
    with warehouse.build_connection("run-1") as con:
        con.execute("create table t as select 1 as x")
    warehouse.publish("run-1")
    with warehouse.read_published() as reader:
        with warehouse.build_connection("run-2") as con:
            con.execute("update t set x = 2")
        warehouse.publish("run-2")
        assert reader.execute("select x from t").fetchall() == [(1,)]
    assert rows(warehouse.published_path(), "select x from t") == [(2,)]


def test_a_run_does_not_overwrite_what_another_run_published_meanwhile(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "igot.duckdb"))
    warehouse.prepare_build("slow")
    with warehouse.build_connection("fast") as con:
        con.execute("create table t as select 1 as x")
    warehouse.publish("fast")
    with pytest.raises(WarehouseNotWritten) as refused:
        warehouse.publish("slow")
    assert refused.value.sentence == (
        f"{warehouse.published_path()} was published by another run after run slow copied it, "
        "so this run did not publish over that run's work; run again to build on top of it. "
        f"{LEFT_AS_IT_WAS}"
    )
    assert rows(warehouse.published_path(), "select x from t") == [(1,)]


# --- a folder that cannot be written, a full disk --------------------------------------------


def published_once(tmp_path) -> Warehouse:
    warehouse = Warehouse(path=str(tmp_path / "igot.duckdb"))
    with warehouse.build_connection("first") as con:
        con.execute("create table t as select 1 as x")
    warehouse.publish("first")
    return warehouse


def leftovers(warehouse: Warehouse) -> list[str]:
    """What the build folder holds besides notes of which process ran a run."""
    return sorted(
        entry.name
        for entry in warehouse.build_dir().iterdir()
        if not entry.name.endswith(".owner.json")
    )


def raising(code: int, message: str):
    """A stand-in for an OS call that fails as the kernel does (tests run as root, for whom
    chmod does not stop writes)."""

    def fail(*args, **kwargs):
        partial = args[1] if len(args) > 1 else None
        if partial is not None and code == errno.ENOSPC:
            Path(partial).write_bytes(b"half a copy")  # a full disk stops a copy midway
        raise OSError(code, message, str(partial or args[0]))

    return fail


def test_a_read_only_warehouse_folder_is_one_sentence_and_leaves_nothing(tmp_path, monkeypatch):
    warehouse = published_once(tmp_path)
    before = warehouse.published_path().read_bytes()
    monkeypatch.setattr(
        warehouse_module.shutil, "copyfile", raising(errno.EROFS, "Read-only file system")
    )
    with pytest.raises(WarehouseNotWritten) as failed:
        warehouse.prepare_build("run-2")
    build = warehouse.build_path("run-2")
    assert failed.value.sentence == (
        f"{build.parent} cannot be written (copying the warehouse {build} failed: Read-only "
        "file system): make the folder writable for this user, or set IGOT_WAREHOUSE to a "
        f"writable folder, and run again. {LEFT_AS_IT_WAS}"
    )
    assert warehouse.published_path().read_bytes() == before
    assert leftovers(warehouse) == []


def test_a_disk_that_fills_during_the_copy_removes_the_partial_copy(tmp_path, monkeypatch):
    warehouse = published_once(tmp_path)
    before = warehouse.published_path().read_bytes()
    monkeypatch.setattr(
        warehouse_module.shutil, "copyfile", raising(errno.ENOSPC, "No space left on device")
    )
    with pytest.raises(WarehouseNotWritten) as failed:
        warehouse.prepare_build("run-2")
    build = warehouse.build_path("run-2")
    assert failed.value.sentence == (
        f"The disk holding {build.parent} is full (copying the warehouse {build} failed): free "
        "some space there, or set IGOT_WAREHOUSE to a folder on a larger disk, and run again. "
        f"{LEFT_AS_IT_WAS}"
    )
    assert warehouse.published_path().read_bytes() == before
    assert leftovers(warehouse) == []


def test_publishing_into_a_folder_that_refuses_the_rename_is_one_sentence(tmp_path, monkeypatch):
    warehouse = published_once(tmp_path)
    before = warehouse.published_path().read_bytes()
    with warehouse.build_connection("run-2") as con:
        con.execute("insert into t values (2)")
    monkeypatch.setattr(warehouse_module.os, "replace", raising(errno.EACCES, "Permission denied"))
    with pytest.raises(WarehouseNotWritten) as failed:
        warehouse.publish("run-2")
    assert failed.value.sentence.startswith(
        f"{warehouse.published_path().parent} cannot be written (publishing "
    )
    assert failed.value.sentence.endswith(
        "make the folder writable for this user, or set IGOT_WAREHOUSE to a writable folder, "
        f"and run again. {LEFT_AS_IT_WAS}"
    )
    assert warehouse.published_path().read_bytes() == before


MB = 1024**2
DiskUsage = namedtuple("DiskUsage", "total used free")


def test_a_run_checks_free_space_first_and_says_how_much_it_needs(tmp_path, monkeypatch):
    warehouse = published_once(tmp_path)
    size = warehouse.published_path().stat().st_size
    needed = size + max(size, 64 * MB)
    monkeypatch.setattr(
        warehouse_module.shutil, "disk_usage", lambda path: DiskUsage(48 * MB, 38 * MB, 10 * MB)
    )
    with pytest.raises(WarehouseNotWritten) as refused:
        warehouse.prepare_build("run-2")
    assert refused.value.sentence == (
        f"Not enough free space to copy {warehouse.published_path()} into "
        f"{warehouse.build_dir()}: a run needs {needed / MB:,.1f} MB (the copy and room for it "
        "to grow), 10.0 MB is free. Free some space on that disk, or set IGOT_WAREHOUSE to a "
        f"folder on a larger one, and run again. {LEFT_AS_IT_WAS}"
    )
    assert leftovers(warehouse) == []
    # With room enough, the same run goes ahead.
    monkeypatch.setattr(
        warehouse_module.shutil, "disk_usage", lambda path: DiskUsage(1024 * MB, 0, needed)
    )
    assert warehouse.prepare_build("run-2").exists()


# --- what failed and killed runs leave behind ------------------------------------------------


def dead_process() -> dict:
    """The owner note of a process that has ended."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    note = {"pid": ended.pid, "started": warehouse_module._process_start(ended.pid)}
    ended.wait()
    return note


def leave_build(warehouse: Warehouse, run_id: str, owner: dict | None) -> None:
    """What a run that died mid-way leaves: its copy, a partial copy, notes, dbt's output."""
    build_dir = warehouse.build_dir()
    build_dir.mkdir(parents=True, exist_ok=True)
    for name in (f"{run_id}.duckdb", f"{run_id}.copying", f"{run_id}.base.json"):
        (build_dir / name).write_text("left behind")
    (warehouse.dbt_target_path(run_id) / "run").mkdir(parents=True)
    if owner is not None:
        (build_dir / f"{run_id}.owner.json").write_text(json.dumps(owner))


def test_the_next_run_removes_what_a_killed_run_left_and_keeps_a_live_runs(tmp_path):
    warehouse = published_once(tmp_path)
    leave_build(warehouse, "killed", dead_process())
    leave_build(warehouse, "running", warehouse_module.this_process())
    leave_build(warehouse, "old-code-recent", None)
    leave_build(warehouse, "old-code-stale", None)
    day_ago = time.time() - 25 * 3600
    for entry in warehouse.build_dir().glob("old-code-stale*"):
        os.utime(entry, (day_ago, day_ago))
    warehouse.prepare_build("next")
    assert leftovers(warehouse) == sorted(
        [
            "next.base.json",
            "next.duckdb",
            "old-code-recent-dbt",
            "old-code-recent.base.json",
            "old-code-recent.copying",
            "old-code-recent.duckdb",
            "running-dbt",
            "running.base.json",
            "running.copying",
            "running.duckdb",
        ]
    )


def test_a_failed_run_discards_its_copy_and_dbt_output_and_a_publish_leaves_nothing(tmp_path):
    warehouse = published_once(tmp_path)
    before = warehouse.published_path().read_bytes()
    warehouse.prepare_build("failed")
    warehouse.dbt_target_path("failed").mkdir()
    (warehouse.dbt_target_path("failed") / "manifest.json").write_text("{}")
    warehouse.discard_build("failed")
    assert list(warehouse.build_dir().iterdir()) == []
    assert warehouse.published_path().read_bytes() == before
    with warehouse.build_connection("good") as con:
        con.execute("insert into t values (2)")
    warehouse.dbt_target_path("good").mkdir()
    warehouse.publish("good")
    assert list(warehouse.build_dir().iterdir()) == []


# --- runs killed before they finished --------------------------------------------------------


def test_a_killed_run_is_marked_failed_once_its_process_is_gone(tmp_path):
    warehouse = published_once(tmp_path)
    leave_build(warehouse, "killed", dead_process())
    leave_build(warehouse, "running", warehouse_module.this_process())
    with dg.DagsterInstance.ephemeral() as instance:
        for run_id in ("killed", "running"):
            instance.add_run(
                DagsterRun(
                    job_name="full_refresh", run_id=run_id, status=dg.DagsterRunStatus.STARTED
                )
            )
        assert mark_abandoned_runs(instance, warehouse.build_dir(), "next") == ["killed"]
        assert instance.get_run_by_id("killed").status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id("running").status == dg.DagsterRunStatus.STARTED
        failure = instance.get_records_for_run(
            run_id="killed", of_type=dg.DagsterEventType.RUN_FAILURE
        ).records[0]
        assert failure.event_log_entry.message.startswith(
            "Run killed stopped without finishing: its process "
        )
        # Its files are gone with it, a live run's stay; and it is marked only once.
        assert not list(warehouse.build_dir().glob("killed*"))
        assert len(list(warehouse.build_dir().glob("running*"))) == 5
        assert mark_abandoned_runs(instance, warehouse.build_dir(), "later") == []


# --- what `make run` says when a run fails ----------------------------------------------------


def test_a_failed_step_is_told_by_its_cause_not_dagsters_wrapper(tmp_path):
    from dagster_project.cli import failures

    build = tmp_path / ".build" / "run.duckdb"

    @dg.asset
    def disk_full():
        raise OSError(errno.ENOSPC, "No space left on device", str(build))

    @dg.asset
    def a_bug():
        raise ValueError("an unexpected value")

    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([disk_full, a_bug], instance=instance, raise_on_error=False)
    assert sorted(failures(result, build)) == [
        "a_bug: ValueError: an unexpected value",
        f"disk_full: The disk holding {build.parent} is full (writing into {build} failed): "
        "free some space there, or set IGOT_WAREHOUSE to a folder on a larger disk, and run "
        f"again. {LEFT_AS_IT_WAS}",
    ]


def test_a_run_history_that_cannot_be_written_is_one_sentence_not_a_traceback(
    tmp_path, monkeypatch, capsys
):
    import sqlite3

    from dagster_project import cli

    monkeypatch.setenv("IGOT_WAREHOUSE", str(tmp_path / "igot.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / ".dagster"))

    def history_on_a_read_only_disk(*args, **kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(cli, "run", history_on_a_read_only_disk)
    assert cli.main(["run"]) == 1
    assert capsys.readouterr().err == (
        f"The run FAILED: {tmp_path / '.dagster'} cannot be written (writing the run history in "
        f"{tmp_path / '.dagster' / 'storage'} failed: OperationalError: attempt to write a "
        "readonly database): make the folder writable for this user, or set IGOT_WAREHOUSE to "
        f"a writable folder, and run again. {LEFT_AS_IT_WAS}\n"
    )

    def a_bug(*args, **kwargs):
        raise ValueError("not a storage problem")

    monkeypatch.setattr(cli, "run", a_bug)
    with pytest.raises(ValueError, match="not a storage problem"):
        cli.main(["run"])
