"""Great Expectations suites as Dagster asset checks, one check per suite on the asset it names.

The raw tables' suites are validated in one step and the marts' in another, each step rendering
the Data Docs once.

Each check validates its table in the run's build copy, so it sees exactly what the run is about
to publish. The checks are blocking: a failed `critical` expectation (GX's severity) fails the
check with severity ERROR, the assets downstream are not built and `published_warehouse` never
runs, so the published file stays as it was. Failed `warning` expectations (the source's
implausible figures) fail the check with severity WARN, which is reported, with the file, row
and value of the failing rows, and publishes.

A table whose rows each belong to one delivered file (raw.mdo_report, marts.mdo_snapshot, ...)
is validated for the files this run loaded, in chunks of whole files: older rows were validated
by the runs that loaded them. A full refresh validates every row.

Every check also renders its results into the Data Docs site beside the warehouse file
(`<warehouse folder>/data_docs/index.html`), so a person can read why a run was blocked.
"""

import dagster as dg

from dagster_project.check_results import record_suite_outcome
from dagster_project.memory import return_freed_memory
from dagster_project.resources import Warehouse
from dagster_project.run_inputs import files_to_validate, is_full_refresh_wanted
from expectations.runner import (
    FailedExpectation,
    Suite,
    SuiteOutcome,
    build_data_docs,
    docs_dir_for,
    load_suites,
    validate_suite,
)

SUMMARY_ROWS = 20  # failing expectations listed in the check's markdown summary


def suite_asset_key(suite: Suite) -> dg.AssetKey:
    return dg.AssetKey(list(suite.asset_key))


def check_name(suite: Suite) -> str:
    return f"gx_{suite.name}"


def suite_check_spec(suite: Suite) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        name=check_name(suite),
        asset=suite_asset_key(suite),
        blocking=True,
        description=f"Great Expectations suite {suite.name} on {suite.table}. {suite.description}",
        metadata={"suite_file": f"expectations/suites/{suite.name}.json", "table": suite.table},
    )


def build_suite_checks(suites: list[Suite], name: str) -> dg.AssetChecksDefinition:
    """One step that validates several suites against the run's build copy: a blocking check
    per suite, and the Data Docs rendered once for all of them (rendering them per suite cost
    about 0.4 s of CPU each, more than validating most tables)."""

    @dg.multi_asset_check(
        specs=[suite_check_spec(suite) for suite in suites], name=name, can_subset=True
    )
    def checks(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        run_id = context.run.run_id
        selected = context.selected_asset_check_keys
        outcomes = []
        with warehouse.build_connection(run_id) as con:
            only_files = (
                None if is_full_refresh_wanted(context.run.tags) else files_to_validate(con, run_id)
            )
            for suite in suites:
                if dg.AssetCheckKey(suite_asset_key(suite), check_name(suite)) in selected:
                    outcome = validate_suite(con, suite, run_name=run_id, only_files=only_files)
                    record_suite_outcome(con, run_id, outcome)  # read by marts.check_results
                    outcomes.append(outcome)
        # dbt runs next with its own DuckDB budget: what this process freed must not stay
        # counted beside it (see dagster_project/memory.py).
        return_freed_memory()
        docs = _data_docs(context, warehouse, outcomes)
        for outcome in outcomes:
            for failure in outcome.failures:
                context.log.warning(f"{outcome.suite.table}: {failure.describe()}")
            yield dg.AssetCheckResult(
                asset_key=suite_asset_key(outcome.suite),
                check_name=check_name(outcome.suite),
                passed=outcome.success,
                severity=dg.AssetCheckSeverity.ERROR
                if outcome.critical
                else dg.AssetCheckSeverity.WARN,
                # What `make run` tells when the check stops the run: each critical failure,
                # with the file and row of its first failing values.
                description="; ".join(
                    f"{outcome.suite.table}: {failure.describe()}" for failure in outcome.critical
                )
                or None,
                metadata={**_outcome_metadata(outcome), **docs},
            )

    return checks


def build_suite_check(suite: Suite) -> dg.AssetChecksDefinition:
    """The blocking check of one suite, in a step of its own."""
    return build_suite_checks([suite], f"gx_{suite.name}_suite")


def _outcome_metadata(outcome: SuiteOutcome) -> dict:
    return {
        "table": outcome.suite.table,
        "rows": outcome.rows if outcome.rows is not None else "unreadable",
        "expectations": outcome.evaluated,
        "failed_critical": len(outcome.critical),
        "failed_warnings": len(outcome.warnings),
        "failing_expectations": dg.MetadataValue.json([f.as_dict() for f in outcome.failures]),
        "summary": dg.MetadataValue.md(_summary(outcome)),
    }


def _summary(outcome: SuiteOutcome) -> str:
    if outcome.success:
        return f"All {outcome.evaluated} expectations on `{outcome.suite.table}` hold."
    lines = [
        "| severity | expectation | on | unexpected | sample |",
        "|---|---|---|---|---|",
    ]
    lines += [_summary_row(f) for f in outcome.failures[:SUMMARY_ROWS]]
    if len(outcome.failures) > SUMMARY_ROWS:
        lines.append(f"\n…and {len(outcome.failures) - SUMMARY_ROWS} more in failing_expectations.")
    return "\n".join(lines)


def _summary_row(failure: FailedExpectation) -> str:
    target = ", ".join(
        str(value) for name, value in failure.kwargs.items() if name.startswith("column")
    )
    found = failure.unexpected_count if failure.unexpected_count is not None else ""
    sample = failure.exception or failure.sample[:2] or failure.observed_value or ""
    cells = [failure.severity, failure.expectation, target, str(found), str(sample)]
    return "| " + " | ".join(cell.replace("|", "\\|").replace("\n", " ") for cell in cells) + " |"


def _data_docs(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse, outcomes: list[SuiteOutcome]
) -> dict:
    """Render the outcome into Data Docs; a rendering failure is logged, never blocking.

    The docs explain a verdict; they are not part of it. A GX rendering bug must not hold back
    a warehouse whose expectations all hold.
    """
    docs_dir = docs_dir_for(warehouse.published_path())
    try:
        index = build_data_docs(outcomes, docs_dir)
    except Exception as err:  # see the docstring: never blocking
        context.log.warning(f"Data Docs were not written to {docs_dir}: {err}")
        return {"data_docs_error": str(err)}
    return {"data_docs": dg.MetadataValue.path(str(index))}


# Two steps: the raw tables' suites run before dbt (a critical failure there stops the models
# from being built on bad input), the marts' suites after it.
suites = load_suites()
raw_quality_checks = [
    build_suite_checks([s for s in suites if s.asset_key[0] == "raw"], "gx_raw_suites")
]
quality_checks = [
    *raw_quality_checks,
    build_suite_checks([s for s in suites if s.asset_key[0] != "raw"], "gx_mart_suites"),
]
