"""Runs that died without finishing: marked failed in Dagster's run history once their process
is gone.

A run killed with `kill -9`, stopped by a full disk or a power cut never reports its end, so
Dagster keeps it STARTED for ever and the run log (`marts.pipeline_runs`, which takes failed
runs from Dagster's history) would never list it. Each run records the process that runs it
beside its build copy (`warehouse.create_build`); the next run asks, for every run that left
such a note, whether that process still exists, and marks the run failed if it does not. Run
before the run log is written, so the log is complete.
"""

import dagster as dg

from dagster_project.warehouse import (
    LEFT_AS_IT_WAS,
    discard_build,
    forget_owner,
    is_alive,
    read_owner,
    runs_in,
)

# A run in these states has (or had) a process working on it; queued runs have none yet.
IN_FLIGHT = {
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
}


def mark_abandoned_runs(
    instance: dg.DagsterInstance, build_dir, current_run_id: str | None = None
) -> list[str]:
    """Mark failed every run of this instance that is still in flight in Dagster's storage but
    whose process is gone; return their ids."""
    marked = []
    for run_id in sorted(runs_in(build_dir) - {current_run_id}):
        owner = read_owner(build_dir, run_id)
        if owner is None or is_alive(owner):
            continue
        run = instance.get_run_by_id(run_id)
        if run is None:
            continue  # a run of another Dagster instance: that instance's runs mark it
        if run.status in IN_FLIGHT:
            instance.report_run_failed(
                run,
                message=(
                    f"Run {run_id} stopped without finishing: its process {owner['pid']} is "
                    "gone (killed, or stopped by the machine or a full disk). Marked failed by "
                    f"a later run, which removed its build copy. {LEFT_AS_IT_WAS}"
                ),
            )
            marked.append(run_id)
        # Its status is final now: its files and the note of its process can go.
        discard_build(build_dir, run_id)
        forget_owner(build_dir, run_id)
    return marked
