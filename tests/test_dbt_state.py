"""A run after a change to some models rebuilds those and their children, not the whole project;
and dbt works through a stable path so that it reuses its parse between runs."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from support import DBT, DBT_PROJECT

from dagster_project.dbt_workspace import (
    dbt_workspace,
    parse_project,
    record_unit_tests_passed,
    stable_database,
    state_dir,
    unit_tests_passed,
    warehouse_vars,
)
from dagster_project.run_inputs import (
    WITHOUT_UNIT_TESTS,
    DbtState,
    last_dbt_state,
    plan_dbt_build,
    runs_unit_tests,
)

# --- which dbt calls a run makes ----------------------------------------------------------------


@pytest.mark.unit
def test_a_forced_run_and_a_first_build_refresh_everything():
    built = DbtState("code", "macros", "{}")
    forced = plan_dbt_build(built, "code", "macros", full_refresh_wanted=True)
    first = plan_dbt_build(None, "code", "macros", full_refresh_wanted=False)
    for plan in (forced, first):
        assert plan.calls == (("--full-refresh",),)
        assert plan.rebuilds_whole and not plan.compares_state


@pytest.mark.unit
def test_an_unchanged_project_runs_incrementally_without_its_unit_tests():
    plan = plan_dbt_build(DbtState("code", "macros", "{}"), "code", "macros", False)
    assert plan.calls == (WITHOUT_UNIT_TESTS,)
    assert not plan.rebuilds_whole


@pytest.mark.unit
def test_changed_models_are_rebuilt_with_their_children_and_the_rest_runs_incrementally():
    plan = plan_dbt_build(DbtState("old", "macros", "{}"), "new", "macros", False)
    assert plan.compares_state and plan.rebuilds_whole
    unchanged, changed = plan.calls
    assert unchanged == ("--exclude", "state:modified+", *WITHOUT_UNIT_TESTS)
    assert changed == ("--selector", "modified_since_last_build", "--full-refresh")


@pytest.mark.unit
def test_unit_tests_that_passed_on_this_code_are_not_run_again_by_any_call():
    for last, code in ((None, "code"), (DbtState("old", "macros", "{}"), "new")):
        plan = plan_dbt_build(last, code, "macros", False, unit_tests_passed=True)
        assert not runs_unit_tests(plan)
        assert all(call[-2:] == WITHOUT_UNIT_TESTS for call in plan.calls), plan.calls
        assert "unit tests passed before" in plan.reason
        assert runs_unit_tests(plan_dbt_build(last, code, "macros", False))
    unchanged = plan_dbt_build(DbtState("code", "macros", "{}"), "code", "macros", False, True)
    assert unchanged.calls == (WITHOUT_UNIT_TESTS,)  # nothing to add


@pytest.mark.unit
def test_the_unit_test_verdict_is_kept_per_state_folder_and_code(tmp_path, monkeypatch):
    monkeypatch.setenv("IGOT_DBT_STATE_DIR", str(tmp_path / "dbt-state"))
    published = tmp_path / "igot.duckdb"
    assert not unit_tests_passed(published, "fingerprint")  # no folder yet
    state_dir(published).mkdir()
    record_unit_tests_passed(published, "fingerprint")
    assert unit_tests_passed(published, "fingerprint")
    assert not unit_tests_passed(published, "other code")


@pytest.mark.unit
def test_changes_dbt_cannot_trace_or_compare_refresh_everything():
    macro_changed = plan_dbt_build(DbtState("old", "macros", "{}"), "new", "other macros", False)
    # A warehouse built before the manifest was kept knows only the project's fingerprint.
    no_manifest = plan_dbt_build(DbtState("old"), "new", "macros", False)
    for plan in (macro_changed, no_manifest):
        assert plan.calls == (("--full-refresh",),)


@pytest.mark.unit
def test_selector_the_plan_names_is_defined_as_modified_nodes_and_their_children():
    text = (DBT_PROJECT / "selectors.yml").read_text()
    assert "name: modified_since_last_build" in text
    assert "method: state" in text and "value: modified" in text and "children: true" in text


# --- the stable path dbt works through ----------------------------------------------------------


@pytest.mark.unit
def test_dbt_writes_the_build_copy_through_the_stable_path_and_its_parse_is_kept(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("IGOT_DBT_STATE_DIR", raising=False)  # the default: beside the warehouse
    published = tmp_path / "igot.duckdb"
    build = tmp_path / ".build" / "run-1.duckdb"
    build.parent.mkdir()
    duckdb.connect(str(build)).close()
    target = tmp_path / "run-1-dbt"
    with dbt_workspace(published, build, target) as database:
        assert database == stable_database(published)
        assert database.name == "build.duckdb"  # dbt-duckdb names the database "build"
        con = duckdb.connect(str(database))
        con.execute("pragma disable_checkpoint_on_shutdown")
        con.execute("create table written_by_dbt as select 42 as answer")
        con.close()
        assert database.with_name("build.duckdb.wal").exists()  # left for the workspace
        (target / "partial_parse.msgpack").write_bytes(b"parsed")
    assert not database.exists() and not database.with_name("build.duckdb.wal").exists()
    con = duckdb.connect(str(build), read_only=True)
    assert con.execute("select answer from written_by_dbt").fetchall() == [(42,)]
    con.close()
    assert (state_dir(published) / "partial_parse.msgpack").read_bytes() == b"parsed"

    # The next run finds the parse in its own target folder.
    with dbt_workspace(published, build, tmp_path / "run-2-dbt"):
        assert (tmp_path / "run-2-dbt" / "partial_parse.msgpack").read_bytes() == b"parsed"


@pytest.mark.unit
def test_a_link_and_log_left_by_a_killed_run_are_not_applied_to_the_next(tmp_path, monkeypatch):
    monkeypatch.setenv("IGOT_DBT_STATE_DIR", str(tmp_path / "dbt-state"))
    published = tmp_path / "igot.duckdb"
    killed = tmp_path / "killed.duckdb"
    duckdb.connect(str(killed)).close()
    link = stable_database(published)
    link.parent.mkdir()
    os.link(killed, link)
    link.with_name("build.duckdb.wal").write_bytes(b"not this run's log")
    build = tmp_path / "run-2.duckdb"
    duckdb.connect(str(build)).close()
    with dbt_workspace(published, build, tmp_path / "target") as database:
        assert database.stat().st_ino == build.stat().st_ino
        assert not database.with_name("build.duckdb.wal").exists()


def parse_messages(published: Path, target: Path) -> list[str]:
    """dbt's log messages when a run on `published` parses the project in `target`."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    command = [str(DBT), "--debug", "--log-format", "json", "parse", "--profiles-dir", "."]
    command += [*warehouse_vars(stable_database(published)), "--target-path", str(target)]
    result = subprocess.run(command, cwd=DBT_PROJECT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    lines = (json.loads(line) for line in result.stdout.splitlines() if line.startswith("{"))
    return [line["info"]["msg"] for line in lines]


def test_a_first_run_reuses_the_install_parse_and_another_warehouse_does_not(tmp_path, monkeypatch):
    """What `make install` parses is what a first run on the default warehouse may reuse: same
    vars, same profile. A warehouse elsewhere (its own state folder) parses everything."""
    monkeypatch.delenv("IGOT_DBT_STATE_DIR", raising=False)
    installed = tmp_path / "install-target"
    published = tmp_path / "warehouse" / "igot.duckdb"
    parse_project(published, installed)
    for run, warehouse in (("first", published), ("elsewhere", tmp_path / "other" / "igot.duckdb")):
        (tmp_path / run).mkdir()
        shutil.copy(installed / "partial_parse.msgpack", tmp_path / run)
        messages = parse_messages(warehouse, tmp_path / run)
        refused = [m for m in messages if m.startswith("Unable to do partial parsing")]
        reused = [m for m in messages if m.startswith("Partial parsing enabled")]
        if run == "first":
            assert refused == [] and reused, messages
        else:
            assert refused and reused == [], messages


# --- a change to one model, end to end ---------------------------------------------------------

CHANGED_MODEL = "department_summary"


def dbt_build(project: Path, database: Path, target: Path, *args: str) -> dict:
    """`dbt build` of a project copy on a warehouse file; its run results."""
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    command = [str(DBT), "build", "--project-dir", str(project), "--profiles-dir", str(project)]
    command += ["--target-path", str(target), "--log-path", str(target / "logs")]
    command += ["--vars", json.dumps({"warehouse_path": str(database)}), *args]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((target / "run_results.json").read_text())


def models_run(results: dict) -> set[str]:
    return {r["unique_id"] for r in results["results"] if r["unique_id"].startswith("model.")}


def marts(database: Path) -> dict[str, list]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        ]
        return {name: con.execute(f"from marts.{name} order by all").fetchall() for name in names}
    finally:
        con.close()


def descendants(manifest: dict, node: str) -> set[str]:
    found, todo = set(), [node]
    while todo:
        for child in manifest["child_map"][todo.pop()]:
            if child.startswith("model.") and child not in found:
                found.add(child)
                todo.append(child)
    return found


@pytest.mark.pipeline
def test_a_changed_mart_rebuilds_itself_and_its_children_and_matches_a_full_build(
    tmp_path, shipped_copy
):
    # The shipped warehouse as published, with the manifest of its build. Unit tests are left out
    # of every build below: what is compared is which models rebuild and the marts they give, and
    # the unit tests are test_dbt_models' (they cost 15 s a build).
    published = shipped_copy
    con = duckdb.connect(str(published))
    last = last_dbt_state(con)
    con.close()
    assert last is not None and last.manifest is not None

    # A copy of the project with one mart's SQL changed.
    project = tmp_path / "changed" / "dbt_models"
    shutil.copytree(DBT_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs"))
    sql = project / "models" / "marts" / f"{CHANGED_MODEL}.sql"
    sql.write_text(sql.read_text() + "\n-- changed: a new version of this mart\n")

    # The plan's two calls, on a copy named as dbt sees the build copy in a run. All three
    # builds here use one database path and one target folder, so dbt parses the project once
    # and the later calls reuse that parse, as a user's runs do (another path is new vars, and
    # new vars are a full parse).
    state = tmp_path / "state"
    state.mkdir()
    (state / "manifest.json").write_text(last.manifest)
    build_copy = tmp_path / "build" / "build.duckdb"
    build_copy.parent.mkdir()
    shutil.copyfile(published, build_copy)
    target = tmp_path / "target"
    plan = plan_dbt_build(last, "changed", last.uncomparable_code, False, unit_tests_passed=True)
    runs = [
        dbt_build(project, build_copy, target, "--state", str(state), *call) for call in plan.calls
    ]
    changed = f"model.igot_warehouse.{CHANGED_MODEL}"
    manifest = json.loads((target / "manifest.json").read_text())
    rebuilt = {changed} | descendants(manifest, changed)
    assert models_run(runs[1]) == rebuilt
    assert not models_run(runs[0]) & rebuilt
    assert len(models_run(runs[0])) + len(rebuilt) == sum(
        node.startswith("model.") for node in manifest["nodes"]
    )
    stepwise = shutil.move(build_copy, tmp_path / "stepwise.duckdb")

    # The same marts as a full build of the changed project, on a fresh copy at the same path.
    shutil.copyfile(published, build_copy)
    dbt_build(project, build_copy, target, "--full-refresh", *WITHOUT_UNIT_TESTS)
    assert marts(stepwise) == marts(build_copy)


# --- the dbt CLI's set-up -----------------------------------------------------------------------


@pytest.mark.unit
def test_the_dbt_cli_knows_its_version_without_asking_dbt_and_builds_no_adapter():
    from dagster_project.resources import dbt_cli

    cli = dbt_cli()
    printed = subprocess.run(
        [cli.dbt_executable, "--version"], capture_output=True, text=True, check=True
    ).stdout
    # What dagster-dbt would have learnt from the subprocess: the same dbt-core version.
    assert f"installed: {cli._cli_version}" in printed
    assert cli._cli_version.major < 2  # dbt Core, not the Fusion engine: dagster-dbt's branch
    assert cli._initialize_dbt_core_adapter(["build"]) is None
