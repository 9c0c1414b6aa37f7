"""The run log: one row per pipeline run in `pipeline.runs`, read through `marts.pipeline_runs`.

The publishing step writes it into the build copy just before the copy is published, so the log
is part of what readers see. The table is created before dbt runs (the dbt asset calls
`ensure_run_log`), since the contracted view `marts.pipeline_runs` that dbt builds reads it.
Runs that failed cannot touch the published file; their rows (taken from Dagster's own run
history) are added by the next run that publishes.
"""

import datetime as dt

import dagster as dg
import duckdb

RUN_LOG = "pipeline.runs"
FINISHED_BADLY = {
    dg.DagsterRunStatus.FAILURE: "failed",
    dg.DagsterRunStatus.CANCELED: "canceled",
}
LOOKBACK_RUNS = 500


def _timestamp(epoch: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None) if epoch else None


def ensure_run_log(con: duckdb.DuckDBPyConnection) -> None:
    """Create the run log, taking over the rows of an earlier one kept as marts.pipeline_runs."""
    con.execute("create schema if not exists pipeline")
    con.execute(
        f"""
        create table if not exists {RUN_LOG} (
            run_id varchar primary key,
            job_name varchar,
            started_at timestamp,
            finished_at timestamp,
            status varchar not null,
            files_loaded integer,
            rows_loaded bigint,
            rows_quarantined bigint,
            checks_passed integer,
            checks_warned integer,
            checks_failed integer
        )
        """
    )
    _adopt_earlier_log(con)


def _adopt_earlier_log(con: duckdb.DuckDBPyConnection) -> None:
    """Warehouses published before the run log was a dbt view kept it as the table
    marts.pipeline_runs; its rows move into the run log before dbt replaces it by the view."""
    earlier = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'marts' and table_name = 'pipeline_runs'"
    ).fetchall()[0][0]
    if earlier:
        con.execute(f"insert or ignore into {RUN_LOG} by name select * from marts.pipeline_runs")


def check_counts(instance: dg.DagsterInstance, run_id: str) -> tuple[int, int, int]:
    """Passed, warned and failed asset checks of one run, from its event log."""
    passed = warned = failed = 0
    records = instance.get_records_for_run(
        run_id=run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    for record in records:
        evaluation = record.event_log_entry.dagster_event.asset_check_evaluation_data
        if evaluation.passed:
            passed += 1
        elif evaluation.severity == dg.AssetCheckSeverity.WARN:
            warned += 1
        else:
            failed += 1
    return passed, warned, failed


def logged_run_ids(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute(f"select run_id from {RUN_LOG}").fetchall()}


def log_failed_runs(con: duckdb.DuckDBPyConnection, instance: dg.DagsterInstance) -> None:
    """Add the failed and canceled runs in Dagster's history that the log does not have yet."""
    logged = logged_run_ids(con)
    for record in instance.get_run_records(
        filters=dg.RunsFilter(statuses=list(FINISHED_BADLY)), limit=LOOKBACK_RUNS
    ):
        run = record.dagster_run
        if run.run_id in logged:
            continue
        con.execute(
            f"insert into {RUN_LOG} (run_id, job_name, started_at, finished_at, status, "
            "checks_passed, checks_warned, checks_failed) values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run.run_id,
                run.job_name,
                _timestamp(record.start_time),
                _timestamp(record.end_time),
                FINISHED_BADLY[run.status],
                *check_counts(instance, run.run_id),
            ],
        )


def log_publishing_run(
    con: duckdb.DuckDBPyConnection, instance: dg.DagsterInstance, run_id: str, job_name: str
) -> None:
    """Add the run now publishing, with what it loaded and how its checks went."""
    this_run = instance.get_run_record_by_id(run_id)
    files_loaded, rows_loaded, rows_quarantined = con.execute(
        "select count(*), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0) "
        "from raw.file_loads where run_id = ? and status = 'loaded'",
        [run_id],
    ).fetchall()[0]
    con.execute(
        f"insert or replace into {RUN_LOG} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            job_name,
            _timestamp(this_run.start_time if this_run else None),
            dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "success",
            files_loaded,
            rows_loaded,
            rows_quarantined,
            *check_counts(instance, run_id),
        ],
    )


def record_publishing_run(
    con: duckdb.DuckDBPyConnection, instance: dg.DagsterInstance, run_id: str, job_name: str
) -> None:
    """Add this run, and failed runs not yet logged, to the run log."""
    ensure_run_log(con)
    log_failed_runs(con, instance)
    log_publishing_run(con, instance, run_id, job_name)
