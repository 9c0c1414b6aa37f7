"""`python -m dagster_project.cli`: run the full-refresh job and print what it did.

This is what `make run` calls. It runs the same Dagster job the schedules run, on the Dagster
instance in DAGSTER_HOME (so the run shows in `make dagster`), then summarises the published
warehouse. When nothing is new since the last publish (same delivered files, same code), it
says so and stops: a re-run costs seconds, not a rebuild. `--force` rebuilds anyway, every
incremental model and check from scratch.
`--timings FILE` writes how long each stage took and how many rows it handled, as JSON (the
benchmark reads it).
While it runs, the terminal shows one progress display (see `progress`) and Dagster's and dbt's
full logs go to a file beside the warehouse, whose path the summary prints; `--verbose` streams
dbt's log to the terminal instead.

A failure is told in one sentence per cause (which file, what happened, what to do), never as a
traceback of Dagster's wrappers; a failed run removes its build copy, and a run first marks
failed the runs that were killed before it (see `abandoned_runs`).
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

    from dagster_project.progress import QuietRun
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


def failures(result: dg.ExecuteInProcessResult, build: Path) -> list[str]:
    """One line per failed step: the step's own description, or a sentence about the disk or
    folder when that is what failed, or the original error rather than Dagster's wrapper of it.
    The same sentence from several steps is told once."""
    import dagster as dg

    from dagster_project.warehouse import is_storage_problem, storage_failure

    messages: list[str] = []
    for event in result.all_events:
        if event.event_type != dg.DagsterEventType.STEP_FAILURE:
            continue
        described = event.step_failure_data.user_failure_data
        chain = _error_chain(event.step_failure_data.error)
        if described and described.description:
            message = described.description
        elif is_storage_problem(" ".join(chain)):
            message = storage_failure(" ".join(chain), build, "writing into")
        elif any(BLOCKED_BY_CHECKS in text for text in chain):
            message = blocking_checks_failed(result) or chain[-1]
        else:
            message = chain[-1] if chain else "failed"
        line = f"{event.step_key}: {message}".strip()
        if not any(message in seen for seen in messages):
            messages.append(line)
    return messages


# How Dagster words the error of a step whose blocking checks failed ("1 blocking asset check
# failed", "3 blocking asset checks failed").
BLOCKED_BY_CHECKS = "blocking asset check"


def blocking_checks_failed(result: dg.ExecuteInProcessResult) -> str:
    """The critical expectations that stopped the run, each with the file and row of its first
    failing values, instead of Dagster's list of check names."""
    import dagster as dg

    failed = [
        evaluation.description
        for evaluation in result.get_asset_check_evaluations()
        if not evaluation.passed
        and evaluation.severity == dg.AssetCheckSeverity.ERROR
        and evaluation.description
    ]
    if not failed:
        return ""
    return (
        "critical checks failed, so nothing was published: "
        + "; ".join(failed)
        + ". Correct the file and row named (or, for a value the framework now allows, its "
        "suite in expectations/suites/), then run again"
    )


def warnings_logged(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """The warnings the run's steps logged, first line of each, in order, once each."""
    import logging

    lines = [
        entry.user_message.strip().splitlines()[0]
        for entry in instance.all_logs(run_id)
        if entry.level == logging.WARNING and not entry.is_dagster_event and entry.user_message
    ]
    return list(dict.fromkeys(lines))


def _error_chain(error) -> list[str]:
    """The messages of an error and the errors that caused it, outermost first."""
    chain = []
    while error is not None:
        chain.append((error.message or "").strip())  # already "ValueError: ..."
        error = error.cause or error.context
    return [text for text in chain if text]


def execute(
    job: dg.JobDefinition,
    instance: dg.DagsterInstance,
    warehouse: Path,
    force: bool,
    verbose: bool,
) -> tuple[dg.ExecuteInProcessResult, QuietRun | None]:
    """Run the job. Quietly, the terminal shows one progress display and Dagster's and dbt's
    logs go to a file beside the warehouse; verbosely, dbt's log streams to the terminal as
    it always did. Either way step-by-step logs, and the tracebacks of failed steps, are in
    Dagster's run history."""
    import dagster as dg

    from dagster_project.progress import ProgressDisplay, quiet_run
    from dagster_project.run_timings import stage_of

    options = {
        "instance": instance,
        "raise_on_error": False,
        "tags": {FULL_REFRESH_TAG: "true"} if force else None,
    }
    if verbose:
        console = {"console": {"config": {"log_level": "CRITICAL"}}}
        return job.execute_in_process(run_config={"loggers": console}, **options), None
    display = ProgressDisplay(sys.stdout, total_steps=len(job.graph.nodes))
    with quiet_run(run_log_file(warehouse), display, stage_of) as (quiet, logger):
        quiet_job = job.with_logger_defs({"run_log": dg.LoggerDefinition(lambda _: logger)})
        result = quiet_job.execute_in_process(run_config={"loggers": {"run_log": {}}}, **options)
    return result, quiet


def run_log_file(warehouse: Path) -> Path:
    """Where this run's full log goes: beside the warehouse, or, where that folder cannot be
    written (the run will say why), in the temporary folder."""
    import tempfile

    from dagster_project.progress import log_path_for

    path = log_path_for(warehouse)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return Path(tempfile.gettempdir()) / "igot-warehouse" / path.name
    return path


def run(
    job_name: str, force: bool = False, timings: Path | None = None, verbose: bool = False
) -> int:
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

    from dagster_project.abandoned_runs import mark_abandoned_runs
    from dagster_project.definitions import defs
    from dagster_project.report import summary
    from dagster_project.run_timings import stage_timings
    from dagster_project.warehouse import build_dir_for, discard_build, forget_owner
    from expectations.runner import docs_dir_for

    job = defs.resolve_job_def(job_name)
    build_dir = build_dir_for(warehouse)
    # Without DAGSTER_HOME (outside make) the run still works, on a throwaway instance.
    instance_for_run = (
        dg.DagsterInstance.get if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral
    )
    with instance_for_run() as instance:
        for killed in mark_abandoned_runs(instance, build_dir):
            print(f"Run {killed} was killed before it finished; marked failed in the run log.")
        result, quiet = execute(job, instance, warehouse, force, verbose)
        stages = stage_timings(instance, result.run_id, warehouse) if timings else {}
        warned = warnings_logged(instance, result.run_id)
    if result.success:
        try:
            record_inputs(warehouse, code)
        except OSError as error:  # published already: only "nothing new" is lost
            print(
                f"Published, but {error.filename or 'the note beside it'} could not be written "
                f"({error.strerror}); the next run will rebuild instead of saying nothing is new."
            )
    else:
        discard_build(build_dir, result.run_id)
        forget_owner(build_dir, result.run_id)
    _write_timings(timings, result.run_id, result.success, False, started, stages)
    print(summary(warehouse, tally_checks(result), result.run_id if result.success else None))
    if warned:
        print("\nWarnings\n" + "\n".join(f"  {line}" for line in warned))
    docs = docs_dir_for(settings.warehouse_path()) / "index.html"
    if docs.exists():
        print(f"\nData Docs (Great Expectations results): {docs}")
    if quiet is not None:
        print(f"\nFull log of this run (Dagster and dbt): {quiet.log_path}")
    if not result.success:
        print("\nThe run FAILED; the published warehouse was left as it was:", file=sys.stderr)
        for message in failures(result, build_dir / f"{result.run_id}.duckdb"):
            print(f"  {message}", file=sys.stderr)
        if quiet is not None and quiet.dbt_failure_lines:
            print("\ndbt said:", file=sys.stderr)
            for line in quiet.dbt_failure_lines:
                print(f"  {line}", file=sys.stderr)
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
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="stream dbt's full log to the terminal instead of one progress display",
    )
    args = parser.parse_args(argv)
    try:
        return run(args.job, force=args.force, timings=args.timings, verbose=args.verbose)
    except Exception as error:
        sentence = outside_a_step(error)
        if sentence is None:
            raise  # a bug: its traceback is what a developer needs
        print(f"The run FAILED: {sentence}", file=sys.stderr)
        return 1


def outside_a_step(error: Exception) -> str | None:
    """One sentence for a failure to write beside the warehouse outside any step (Dagster's run
    history on a full disk or in a read-only folder, say); None for anything else. What this
    process had started in the build folder is removed."""
    from dagster_project.warehouse import (
        build_dir_for,
        discard_own_builds,
        is_storage_problem,
        storage_failure,
    )

    causes = []
    cause: BaseException | None = error
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    text = " ".join(f"{type(c).__name__}: {c}" for c in causes)
    if not (any(isinstance(c, OSError) for c in causes) or is_storage_problem(text)):
        return None
    warehouse = settings.warehouse_path()
    discard_own_builds(build_dir_for(warehouse))
    culprit = next((c for c in causes if isinstance(c, OSError) and c.errno), None)
    if culprit is not None and culprit.filename:
        return storage_failure(culprit, Path(culprit.filename), "writing")
    # Dagster's run history (SQLite in DAGSTER_HOME) says only what, not where.
    history = Path(os.environ.get("DAGSTER_HOME") or warehouse.parent)
    return storage_failure(culprit or text, history / "storage", "writing the run history in")


if __name__ == "__main__":
    sys.exit(main())
