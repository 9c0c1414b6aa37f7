"""How long each stage of a finished run took and how many rows it handled.

Read back from Dagster's run history: each step's start and end (`get_run_step_stats`), grouped
into the four stages a person reasons about. Rows come from what the stages leave behind: files
loaded in this run (`raw.file_loads`), the tables dbt wrote, the rows each Great Expectations
suite validated (its check's metadata) and the marts published.
"""

from collections import defaultdict
from pathlib import Path

import dagster as dg
import duckdb

STAGES = ("ingest", "dbt", "checks", "publish")


def stage_of(step_key: str) -> str:
    """The stage a step belongs to, from its key (the op names the pipeline gives its steps)."""
    if step_key.startswith("load_"):
        return "ingest"
    if step_key.startswith("dbt_"):
        return "dbt"
    if step_key == "published_warehouse":
        return "publish"
    return "checks"


def stage_timings(instance: dg.DagsterInstance, run_id: str, warehouse: Path) -> dict:
    """{stage: {"seconds", "rows"}} for a run that has ended."""
    seconds: dict[str, float] = defaultdict(float)
    for step in instance.get_run_step_stats(run_id):
        if step.start_time is not None and step.end_time is not None:
            seconds[stage_of(step.step_key)] += step.end_time - step.start_time
    rows = _stage_rows(warehouse, run_id)
    rows["checks"] = _rows_validated(instance, run_id)
    return {
        stage: {"seconds": round(seconds.get(stage, 0.0), 3), "rows": rows.get(stage, 0)}
        for stage in STAGES
    }


def _rows_validated(instance: dg.DagsterInstance, run_id: str) -> int:
    """The rows the run's Great Expectations checks validated, from their metadata."""
    validated = 0
    records = instance.get_records_for_run(
        run_id=run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    for record in records:
        evaluation = record.event_log_entry.dagster_event.asset_check_evaluation_data
        rows = evaluation.metadata.get("rows")
        if rows is not None and isinstance(rows.value, int):
            validated += rows.value
    return validated


def _stage_rows(warehouse: Path, run_id: str) -> dict[str, int]:
    if not warehouse.exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        loaded = con.execute(
            "select coalesce(sum(rows_read), 0) from raw.file_loads where run_id = ?", [run_id]
        ).fetchall()[0][0]
        sizes = dict(
            con.execute(
                "select schema_name, sum(estimated_size) from duckdb_tables() "
                "where schema_name in ('intermediate', 'marts') group by schema_name"
            ).fetchall()
        )
    except duckdb.Error:
        return {}
    finally:
        con.close()
    return {
        "ingest": int(loaded),
        "dbt": int(sum(sizes.values())),
        "publish": int(sizes.get("marts", 0)),
    }
