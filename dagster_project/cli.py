"""`python -m dagster_project.cli`: run the full-refresh job and print what it did.

This is what `make run` calls. It runs the same Dagster job the schedules run, on the Dagster
instance in DAGSTER_HOME (so the run shows in `make dagster`), then summarises the published
warehouse. When nothing is new since the last publish (same delivered files, same code), it
says so and stops: a re-run costs seconds, not a rebuild. `--force` rebuilds anyway, every
incremental model and check from scratch.
`--timings FILE` writes how long each stage took and how many rows it handled, as JSON (the
benchmark reads it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from dagster_project import settings
from dagster_project.run_inputs import (
    FULL_REFRESH_TAG,
    code_fingerprint,
    record_inputs,
    why_run,
)

# Dagster, dbt and Great Expectations take seconds to import; they are imported only once a
# run is needed, so that "nothing new" answers at once.
if TYPE_CHECKING:
    import dagster as dg

    from dagster_project.report import CheckTally


def tally_checks(result: dg.ExecuteInProcessResult) -> CheckTally:
    import dagster as dg

    from dagster_project.report import CheckTally

    tally = CheckTally()
    for evaluation in result.get_asset_check_evaluations():
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        if evaluation.passed:
            tally.passed.append(name)
        elif evaluation.severity == dg.AssetCheckSeverity.WARN:
            tally.warned.append(name)
        else:
            tally.failed.append(name)
    return tally


def failures(result: dg.ExecuteInProcessResult) -> list[str]:
    import dagster as dg

    messages = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            failure_text = (
                event.step_failure_data.user_failure_data.description
                if event.step_failure_data.user_failure_data
                else None
            )
            messages.append(
                f"{event.step_key}: {failure_text or (error.message if error else '')}".strip()
            )
    return messages


def run(job_name: str, force: bool = False, timings: Path | None = None) -> int:
    started = time.monotonic()
    warehouse = settings.warehouse_path()
    code = code_fingerprint()
    reason = "--force" if force else why_run(warehouse, settings.raw_dir(), code)
    if reason is None:
        print(
            f"Nothing new since the last publish: every file under {settings.raw_dir()} is "
            f"loaded as it is and the code is unchanged, so {warehouse} is current. "
            "Use --force to rebuild it anyway."
        )
        _write_timings(timings, None, True, True, started, {})
        return report_held_back(warehouse)
    print(f"Running {job_name}: {reason}.")
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.report import summary
    from dagster_project.run_timings import stage_timings
    from expectations.runner import docs_dir_for

    job = defs.resolve_job_def(job_name)
    # Without DAGSTER_HOME (outside make) the run still works, on a throwaway instance.
    instance_for_run = (
        dg.DagsterInstance.get if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral
    )
    with instance_for_run() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            tags={FULL_REFRESH_TAG: "true"} if force else None,
            # Step-by-step logs go to Dagster's run history; the terminal gets the summary.
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
        stages = stage_timings(instance, result.run_id, warehouse) if timings else {}
    if result.success:
        record_inputs(warehouse, code)
    _write_timings(timings, result.run_id, result.success, False, started, stages)
    print(summary(warehouse, tally_checks(result)))
    docs = docs_dir_for(settings.warehouse_path()) / "index.html"
    if docs.exists():
        print(f"\nData Docs (Great Expectations results): {docs}")
    if not result.success:
        print("\nThe run FAILED; the published warehouse was left as it was:", file=sys.stderr)
        for message in failures(result):
            print(f"  {message}", file=sys.stderr)
        return 1
    print(f"\nRun {result.run_id} succeeded and was published.")
    return report_held_back(warehouse)


def report_held_back(warehouse: Path) -> int:
    """A file held back is a source's mistake, not an outage: the rest published, but the exit
    code tells a scheduler that someone has to fix the file."""
    from dagster_project.ingest.rejections import held_back_in, held_back_section

    held = held_back_in(warehouse)
    if held:
        print("\n" + held_back_section(held), file=sys.stderr)
        return 1
    return 0


def _write_timings(
    path: Path | None,
    run_id: str | None,
    success: bool,
    skipped: bool,
    started: float,
    stages: dict,
) -> None:
    if path is None:
        return
    report = {
        "run_id": run_id,
        "success": success,
        "skipped": skipped,
        "wall_seconds": round(time.monotonic() - started, 3),
        "stages": stages,
    }
    path.write_text(json.dumps(report, indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--job", default="full_refresh")
    parser.add_argument("--force", action="store_true", help="run even if nothing is new")
    parser.add_argument("--timings", type=Path, help="write stage timings here as JSON")
    args = parser.parse_args(argv)
    return run(args.job, force=args.force, timings=args.timings)


if __name__ == "__main__":
    sys.exit(main())
