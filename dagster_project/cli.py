"""`python -m dagster_project.cli`: run the full-refresh job and print what it did.

This is what `make run` calls. It runs the same Dagster job the schedules run, on the Dagster
instance in DAGSTER_HOME (so the run shows in `make dagster`), then summarises the published
warehouse.
"""

import argparse
import os
import sys

import dagster as dg

from dagster_project import settings
from dagster_project.report import CheckTally, summary
from expectations.runner import docs_dir_for


def tally_checks(result: dg.ExecuteInProcessResult) -> CheckTally:
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


def run(job_name: str) -> int:
    from dagster_project.definitions import defs

    job = defs.resolve_job_def(job_name)
    # Without DAGSTER_HOME (outside make) the run still works, on a throwaway instance.
    instance_for_run = (
        dg.DagsterInstance.get if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral
    )
    with instance_for_run() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            # Step-by-step logs go to Dagster's run history; the terminal gets the summary.
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
    print(summary(settings.warehouse_path(), tally_checks(result)))
    docs = docs_dir_for(settings.warehouse_path()) / "index.html"
    if docs.exists():
        print(f"\nData Docs (Great Expectations results): {docs}")
    if not result.success:
        print("\nThe run FAILED; the published warehouse was left as it was:", file=sys.stderr)
        for message in failures(result):
            print(f"  {message}", file=sys.stderr)
        return 1
    print(f"\nRun {result.run_id} succeeded and was published.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--job", default="full_refresh")
    args = parser.parse_args(argv)
    return run(args.job)


if __name__ == "__main__":
    sys.exit(main())
