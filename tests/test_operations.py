"""Operating the pipeline: history across months, atomic publishing, reading during a run."""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections import namedtuple
from pathlib import Path

import duckdb
import pytest
from support import (
    ADDED_MDO,
    REMOVED_MDO,
    REPO_ROOT,
    copy_warehouse,
    materialize_into,
    write_march,
)

pytestmark = pytest.mark.pipeline


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def march_added(tmp_path_factory, two_months) -> tuple[Path, Path]:
    """February published, then March added in a second run: this module's copy of the one
    built per test run (its tests only read it; the reload test leaves it as it was)."""
    raw, built = two_months
    return raw, copy_warehouse(built, tmp_path_factory.mktemp("two_months") / "wh")


def test_a_new_month_adds_to_the_history(march_added):
    _, warehouse = march_added
    dates = query(
        warehouse,
        "select snapshot_date::varchar, count(*) from marts.mdo_snapshot group by 1 order by 1",
    )
    assert dates == [("2026-02-25", 96), ("2026-03-31", 96)]
    assert query(
        warehouse, "select count(*) from marts.mdo_snapshot where mdo_name = ?", [ADDED_MDO]
    ) == [(1,)]


def test_month_over_month_deltas_are_exact(march_added):
    _, warehouse = march_added
    rows = query(
        warehouse,
        """
        select onboarded_change, active_change, mdo_count_change
        from marts.department_trend
        where state = 'Bihar' and snapshot_date = date '2026-03-31'
            and department = (
                select department from marts.mdo_snapshot
                where mdo_name = 'Water Resources Department, Bihar' limit 1
            )
        """,
    )
    assert rows == [(10, 5, 0)]
    on_date = "from marts.mdo_snapshot where snapshot_date = ?"
    february = query(warehouse, f"select sum(onboarded) {on_date}", ["2026-02-25"])[0][0]
    march = query(warehouse, f"select sum(onboarded) {on_date}", ["2026-03-31"])[0][0]
    removed = query(
        warehouse, f"select onboarded {on_date} and mdo_name = ?", ["2026-02-25", REMOVED_MDO]
    )[0][0]
    assert march - february == 95 * 10 - removed + 40
    trend_total = query(
        warehouse,
        "select sum(onboarded_change) from marts.department_trend where snapshot_date = ?",
        ["2026-03-31"],
    )[0][0]
    assert trend_total == march - february


def test_reloading_a_month_keeps_one_copy(march_added):
    raw, warehouse = march_added
    before = query(warehouse, "select count(*), sum(onboarded) from marts.mdo_snapshot")
    assert materialize_into(raw, warehouse, with_quality=False).success
    assert query(warehouse, "select count(*), sum(onboarded) from marts.mdo_snapshot") == before


def published_tables(warehouse: Path) -> dict[str, str]:
    """A checksum of every mart's content, to compare published states."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
        ).fetchall()]  # fmt: skip
        return {
            name: con.execute(
                f"select md5(coalesce(string_agg(t::varchar, '|' order by t::varchar), '')) "
                f"from marts.{name} as t"
            ).fetchall()[0][0]
            for name in names
        }
    finally:
        con.close()


def test_a_failing_error_check_in_dbt_leaves_the_published_marts_unchanged(
    tmp_path, raw_copy, shipped_copy
):
    warehouse = shipped_copy  # the shipped raw/ files, published
    before_tables, before_file = published_tables(warehouse), digest(warehouse)
    # A new ranking edition with a category that does not exist: a dbt error-severity test
    # (accepted_values on category) fails after the models have been rebuilt.
    edition = raw_copy / "ranking" / "ranking_2026-01-31.csv"
    text = (raw_copy / "ranking" / "ranking_2025-12-31.csv").read_text(encoding="utf-8")
    edition.write_text(text.replace("BIHAR,C,", "BIHAR,D,"), encoding="utf-8")
    result = materialize_into(raw_copy, warehouse, with_quality=False)
    assert not result.success
    assert digest(warehouse) == before_file
    assert published_tables(warehouse) == before_tables


def pipeline_env(raw: Path, warehouse: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(IGOT_RAW_DIR=str(raw), IGOT_WAREHOUSE=str(warehouse))
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    return env


def dbt_is_running(parent: int) -> bool:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            stat = (proc / "stat").read_text().split()
        except OSError:
            continue
        is_dbt_build = any(part.endswith(b"dbt") for part in cmdline) and b"build" in cmdline
        if is_dbt_build and int(stat[4]) == os.getpgid(parent):
            return True
    return False


READER = textwrap.dedent(
    """
    import json, sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    import os
    states, errors = set(), []
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            try:
                snapshots, mdo_total, dept_total, state_total = con.execute(
                    '''
                    select
                        (select count(distinct snapshot_date) from marts.mdo_snapshot),
                        (select sum(onboarded) from marts.mdo_snapshot),
                        (select sum(onboarded) from marts.department_summary),
                        (select sum(onboarded) from marts.state_summary)
                    '''
                ).fetchall()[0]
            finally:
                con.close()
            states.add((snapshots, mdo_total, dept_total, state_total))
        except Exception as err:
            errors.append(repr(err))
        time.sleep(0.05)
    print(json.dumps({"states": sorted(states), "errors": errors[:5]}))
    """
)


def test_readers_see_only_whole_states_and_no_errors_during_a_run(tmp_path, raw_copy, shipped_copy):
    warehouse = shipped_copy  # the shipped raw/ files, published
    write_march(raw_copy)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert materialize_into(raw_copy, warehouse, with_quality=False).success
        time.sleep(0.5)
    finally:
        stop.touch()
        output, _ = reader.communicate(timeout=60)
    seen = json.loads(output)
    assert seen["errors"] == []
    assert {state[0] for state in seen["states"]} == {1, 2}
    for _, mdo_total, dept_total, state_total in seen["states"]:
        assert mdo_total == dept_total == state_total


# --- failures that say what to do, and clean up after themselves ----------------------------


DiskUsage = namedtuple("DiskUsage", "total used free")


def test_a_full_disk_is_one_sentence_and_the_run_leaves_nothing(
    raw_copy, shipped_copy, monkeypatch, capsys
):
    from dagster_project import cli
    from dagster_project import warehouse as warehouse_module

    warehouse = shipped_copy  # the shipped raw/ files, published
    before = digest(warehouse)
    write_march(raw_copy)
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("IGOT_RAW_DIR", str(raw_copy))
    monkeypatch.setenv("IGOT_WAREHOUSE", str(warehouse))
    free = 5 * 1024**2
    monkeypatch.setattr(
        warehouse_module.shutil, "disk_usage", lambda path: DiskUsage(free, 0, free)
    )
    exit_code = cli.main(["run"])
    err = capsys.readouterr().err
    assert exit_code == 1
    assert digest(warehouse) == before
    assert "Traceback" not in err and "DagsterExecutionStepExecutionError" not in err
    failed = [line for line in err.splitlines() if "Not enough free space" in line]
    assert len(failed) == 1, err  # once, though every load step met it
    assert (
        failed[0]
        .strip()
        .endswith(
            "Free some space on that disk, or set IGOT_WAREHOUSE to a folder on a larger one, and "
            "run again. The published warehouse was left as it was."
        )
    )
    assert f"Not enough free space to copy {warehouse} into {warehouse.parent / '.build'}" in err
    assert [p.name for p in (warehouse.parent / ".build").iterdir()] == []


def test_a_run_killed_while_dbt_runs_changes_nothing_and_the_next_run_cleans_up_after_it(
    tmp_path, raw_copy, shipped_copy
):
    warehouse = shipped_copy  # the shipped raw/ files, published; March is new
    write_march(raw_copy)
    before_tables, before_file = published_tables(warehouse), digest(warehouse)
    build_dir = warehouse.parent / ".build"
    env = pipeline_env(raw_copy, warehouse)
    env["DAGSTER_HOME"] = str(tmp_path / "dagster_home")
    Path(env["DAGSTER_HOME"]).mkdir()
    shutil.copy(REPO_ROOT / "dagster_project" / "dagster.yaml", env["DAGSTER_HOME"])
    source_target = sorted(p.name for p in (REPO_ROOT / "dbt_models" / "target").iterdir())
    run = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli", "run"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not dbt_is_running(run.pid):
            assert run.poll() is None, "the run ended before dbt started"
            assert time.monotonic() < deadline, "dbt never started"
            time.sleep(0.2)
        time.sleep(1.0)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    # The published warehouse is the one from before, byte for byte.
    assert digest(warehouse) == before_file
    assert published_tables(warehouse) == before_tables
    # What kill -9 leaves: the build copy, and dbt's output beside it (not in the source tree).
    (killed,) = [p.name.removesuffix(".owner.json") for p in build_dir.glob("*.owner.json")]
    assert (build_dir / f"{killed}.duckdb").exists()
    assert (build_dir / f"{killed}-dbt").is_dir()
    assert sorted(p.name for p in (REPO_ROOT / "dbt_models" / "target").iterdir()) == source_target

    rerun = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"Run {killed} was killed before it finished; marked failed in the run log." in (
        rerun.stdout
    )
    assert list(build_dir.iterdir()) == []
    assert query(
        warehouse, "select status from marts.pipeline_runs where run_id = ?", [killed]
    ) == [("failed",)]
    # And it did the killed run's work: March is published beside February.
    months = "select count(distinct snapshot_date) from marts.mdo_snapshot"
    assert query(warehouse, months) == [(2,)]
    assert sorted(p.name for p in (REPO_ROOT / "dbt_models" / "target").iterdir()) == source_target
