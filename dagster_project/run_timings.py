"""How long each stage of a finished run took and how many rows it handled.

Read back from Dagster's event log of the run: each step's start and end, grouped into the four
stages a person reasons about. Rows come from what the stages leave behind: files loaded in this
run (`raw.file_loads`), the tables dbt wrote, the rows each Great Expectations suite validated
(its check's metadata) and the marts published.
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
    started: dict[str, float] = {}
    seconds: dict[str, float] = defaultdict(float)
    validated = 0
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            started[event.step_key] = entry.timestamp
        elif (
            event.event_type
            in (
                dg.DagsterEventType.STEP_SUCCESS,
                dg.DagsterEventType.STEP_FAILURE,
            )
            and event.step_key in started
        ):
            seconds[stage_of(event.step_key)] += entry.timestamp - started.pop(event.step_key)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            rows = event.event_specific_data.metadata.get("rows")
            if rows is not None and isinstance(rows.value, int):
                validated += rows.value
    rows = _stage_rows(warehouse, run_id)
    rows["checks"] = validated
    return {
        stage: {"seconds": round(seconds.get(stage, 0.0), 3), "rows": rows.get(stage, 0)}
        for stage in STAGES
    }


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
