"""The dbt project as Dagster assets: every model, seed and snapshot an asset.

dbt's tests stay dbt's: `dbt build` runs them and fails the step when an error-severity test
fails, and each test's outcome is recorded as data (`pipeline.check_results`, read by the
dashboard). They are not also Dagster asset checks: Dagster stores every check evaluation as
several rows in its SQLite run history, and mirroring 266 tests that way cost more than a
third of the shipped data's run (about 10 s of 65 on 2 cores) while saying nothing the
recorded results do not.

dbt writes into the run's build copy of the warehouse, passed as the `warehouse_path` var that
the dbt profile reads (standalone `dbt build` falls back to IGOT_WAREHOUSE), and keeps its
per-run artifacts and logs beside that copy, never in the source tree; only the static manifest
that `dbt parse` writes stays in `dbt_models/target/`.

The big models are incremental. When the dbt project changed since the warehouse was built,
the changed models and their children are rebuilt whole and the rest run incrementally (dbt's
`state:modified+` against the last build's manifest, kept in the warehouse); a change dbt cannot
trace (a macro, a seed, dbt_project.yml, see `run_inputs.plan_dbt_build`) or a run tagged for a
full refresh (`make run FORCE=1`) rebuilds everything (`--full-refresh`).

dbt works through a stable path and keeps its parse between runs (`dbt_workspace`), so it
parses only the files that changed.
"""

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from dagster_project import settings
from dagster_project.check_results import ensure_check_results, record_dbt_results
from dagster_project.dbt_project import dbt_project
from dagster_project.dbt_workspace import (
    dbt_workspace,
    record_unit_tests_passed,
    unit_tests_passed,
    warehouse_vars,
)
from dagster_project.resources import Warehouse
from dagster_project.run_inputs import (
    DBT_CODE_GLOBS,
    DBT_UNCOMPARABLE_GLOBS,
    DbtState,
    code_fingerprint,
    is_full_refresh_wanted,
    last_dbt_state,
    plan_dbt_build,
    record_dbt_build,
    record_dbt_state,
    runs_unit_tests,
    unit_tests_fingerprint,
)
from dagster_project.run_log import ensure_run_log


class WarehouseTranslator(DagsterDbtTranslator):
    """Keys models by schema and name (marts/state_ranking) and groups them by folder.

    Sources keep the default behaviour, which honours `meta.dagster.asset_key`, so each dbt
    source is tied to the raw asset that loads it.
    """

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=False)
    ),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    build = warehouse.prepare_build(context.run_id)
    published = warehouse.published_path()
    code = code_fingerprint(DBT_CODE_GLOBS)
    uncomparable = code_fingerprint(DBT_UNCOMPARABLE_GLOBS)
    verdict = unit_tests_fingerprint()
    with warehouse.build_connection(context.run_id) as con:
        last = last_dbt_state(con)
        plan = plan_dbt_build(
            last,
            code,
            uncomparable,
            is_full_refresh_wanted(context.run.tags),
            unit_tests_passed(published, verdict),
        )
        ensure_run_log(con)  # the source of the view marts.pipeline_runs
        ensure_check_results(con)  # the source of the view marts.check_results
    context.log.info(f"dbt: {plan.reason}")
    # dbt's per-run artifacts and logs go beside the build copy and leave with it.
    target = warehouse.dbt_target_path(context.run_id)
    with dbt_workspace(published, build, target) as database:
        common = [*warehouse_vars(database), "--threads", str(settings.dbt_threads())]
        # dbt's debug log file repeats every node's SQL (about 1 s on the shipped data) and would
        # be removed with the build copy unread: the run log keeps dbt's own output.
        common += ["--log-level-file", "none"]
        if plan.compares_state:
            common += ["--state", str(_last_manifest(last, target))]
        results = []
        for number, call in enumerate(plan.calls):
            invocation = dbt.cli(["build", *common, *call], context=context, target_path=target)
            yield from models_built(invocation.stream())
            # Each call rewrites run_results.json; the tests of every call are recorded.
            results.append(
                (target / "run_results.json").rename(target / f"run_results_{number}.json")
            )
    if runs_unit_tests(plan):  # and they passed: a failed dbt call has raised
        record_unit_tests_passed(published, verdict)
    state = DbtState(code, uncomparable, (target / "manifest.json").read_text())
    with warehouse.build_connection(context.run_id) as con:
        record_dbt_build(con, context.run_id, code, plan.rebuilds_whole)
        record_dbt_state(con, context.run_id, state)
        for run_results in results:  # each test's outcome, as data
            record_dbt_results(con, context.run_id, run_results, target / "manifest.json")


def models_built(events: Iterable[Any]) -> Iterator[Any]:
    """dbt's events as Dagster records them: the models, seeds and snapshots built. Without
    asset checks dagster-dbt reports each test (and each source) as an asset observation
    instead; those would cost the run history as much and are left out for the same reason."""
    return (event for event in events if not isinstance(event, dg.AssetObservation))


def _last_manifest(last: DbtState, target: Path) -> Path:
    """The last build's manifest as a folder for dbt's --state."""
    folder = target / "last_build"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(last.manifest)
    return folder
