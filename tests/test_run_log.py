"""The run log: pipeline.runs, written by the publishing step, read through marts.pipeline_runs."""

import duckdb
import pytest

from dagster_project.run_log import RUN_LOG, ensure_run_log


@pytest.mark.unit
def test_the_run_log_takes_over_an_earlier_log_kept_as_a_mart_table():
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.pipeline_runs (run_id varchar primary key, job_name varchar, "
        "started_at timestamp, finished_at timestamp, status varchar not null, "
        "files_loaded integer, rows_loaded bigint, rows_quarantined bigint, "
        "checks_passed integer, checks_warned integer, checks_failed integer)"
    )
    con.execute(
        "insert into marts.pipeline_runs values "
        "('earlier', 'full_refresh', null, null, 'success', 6, 305, 4, 290, 8, 0), "
        "('failed', 'mdo_reports', null, null, 'failed', null, null, null, 3, 0, 1)"
    )
    ensure_run_log(con)
    ensure_run_log(con)  # twice: nothing is taken over twice
    assert con.execute(
        f"select run_id, status, rows_loaded from {RUN_LOG} order by 1"
    ).fetchall() == [
        ("earlier", "success", 305),
        ("failed", "failed", None),
    ]


@pytest.mark.unit
def test_a_new_warehouse_gets_an_empty_run_log():
    con = duckdb.connect()
    ensure_run_log(con)
    assert con.execute(f"select count(*) from {RUN_LOG}").fetchall() == [(0,)]
