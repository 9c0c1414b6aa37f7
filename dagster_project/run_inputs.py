"""What the published warehouse was built from, so that a run with nothing new stops early.

A run's inputs are the delivered files and the pipeline's own code (dbt project, suites, Python).
After a run publishes, a note beside the warehouse records the code's fingerprint and the
identity of the file it published. The next run compares: if the published file is the one the
note describes, the code is the same, and every delivered file is in `raw.file_loads` with the
same content hash, there is nothing to do. Anything else (a new or changed file, changed code,
a warehouse published by another route) means a full run.
"""

import hashlib
import json
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path

import duckdb

from dagster_project import settings
from dagster_project.ingest.discovery import delivered_paths
from dagster_project.ingest.officer_loader import delivered_officer_files

# The code that decides what the warehouse holds: the loaders, the assets, the warehouse, the
# dbt project and the checks. The run summary, the CLI, the sensor and the schedules shape only
# how a run is started or reported, so an edit to them must not force a rebuild.
CODE_GLOBS = (
    "dagster_project/ingest/**/*.py",
    "dagster_project/assets/**/*.py",
    "dagster_project/warehouse.py",
    "dagster_project/resources.py",
    "dagster_project/check_results.py",
    "dbt_models/dbt_project.yml",
    "dbt_models/models/**/*",
    "dbt_models/macros/**/*",
    "dbt_models/seeds/**/*",
    "dbt_models/snapshots/**/*",
    "dbt_models/tests/**/*",
    "expectations/**/*.py",
    "expectations/suites/*.json",
)


def file_identity(path: Path) -> dict | None:
    """Enough to tell whether a file was replaced: inode, size and modification time."""
    if not path.exists():
        return None
    stat = path.stat()
    return {"inode": stat.st_ino, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


# The files whose change makes the incremental dbt models stale.
DBT_CODE_GLOBS = tuple(pattern for pattern in CODE_GLOBS if pattern.startswith("dbt_models/"))
# Changes dbt's state comparison (`state:modified`) cannot be trusted to trace, so a change to
# any of them rebuilds every model: dbt_project.yml configures every node; a macro (generic
# tests are macros) reaches models through calls dbt may not see (`adapter.dispatch`, one macro
# building another's name), and incremental models keep a fingerprint of seeds they read
# through a macro (`seed_fingerprint`); dbt compares a seed over 1 MiB by its path alone.
# Models, singular tests and snapshots dbt compares node by node.
DBT_UNCOMPARABLE_GLOBS = (
    "dbt_models/dbt_project.yml",
    "dbt_models/macros/**/*",
    "dbt_models/tests/generic/**/*",
    "dbt_models/seeds/**/*",
)

# A Dagster run tag asking for every incremental model and check to start from scratch.
FULL_REFRESH_TAG = "igot/full_refresh"


def code_fingerprint(globs: tuple[str, ...] = CODE_GLOBS, root: Path = settings.REPO_ROOT) -> str:
    """One hash over the path and content of every file that shapes the warehouse."""
    digest = hashlib.sha256()
    paths = sorted({p for pattern in globs for p in root.glob(pattern) if p.is_file()})
    for path in paths:
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def note_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".inputs.json")


def record_inputs(warehouse: Path, code: str) -> None:
    """After a publish: which file was published, from which code."""
    note = {"warehouse": file_identity(warehouse), "code": code}
    note_path(warehouse).write_text(json.dumps(note, indent=2))


def why_run(warehouse: Path, raw_root: Path, code: str) -> str | None:
    """Why a run is needed, in words; None when the published warehouse is already current."""
    note_file = note_path(warehouse)
    if not warehouse.exists():
        return "no published warehouse yet"
    if not note_file.exists():
        return "the published warehouse has no record of its inputs"
    note = json.loads(note_file.read_text())
    if note.get("warehouse") != file_identity(warehouse):
        return "the warehouse was published by another run since"
    if note.get("code") != code:
        return "the pipeline's code changed"
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as err:
        return f"the published warehouse cannot be read ({err})"
    try:
        loaded = dict(con.execute("select source_file, file_sha256 from raw.file_loads").fetchall())
        # A reports.zip is logged per member; the ZIP's own hash is kept beside.
        loaded |= delivered_officer_files(con)
    except duckdb.Error:
        return "the published warehouse has no file loads"
    finally:
        con.close()
    for path in delivered_paths(raw_root):
        name = path.relative_to(raw_root).as_posix()
        if loaded.get(name) != hashlib.sha256(path.read_bytes()).hexdigest():
            return f"{name} is new or changed"
    return None


def is_full_refresh_wanted(tags: dict[str, str]) -> bool:
    return tags.get(FULL_REFRESH_TAG) == "true"


@dataclass(frozen=True)
class DbtState:
    """What the warehouse's models were last built from: fingerprints and dbt's manifest."""

    code: str | None
    uncomparable_code: str | None = None
    manifest: str | None = None  # manifest.json of that build, as text


@dataclass(frozen=True)
class DbtPlan:
    """How a run calls `dbt build`: the arguments of each call, in order, and why."""

    reason: str
    calls: tuple[tuple[str, ...], ...]
    rebuilds_whole: bool  # some models start from scratch, so every row is derived again
    compares_state: bool = False  # the calls need the last build's manifest in --state


# dbt's unit tests check a model's SQL on fixed rows: their verdict changes only with the code
# (and the dbt and DuckDB it runs on), so a run whose project is the one the warehouse was built
# with leaves them out, and so does a full build of code whose unit tests already passed in this
# state folder (`unit_tests_fingerprint`). `make test` runs them all (tests/test_dbt_models.py).
WITHOUT_UNIT_TESTS = ("--exclude-resource-type", "unit_test")


def unit_tests_fingerprint() -> str:
    """What a unit test's verdict depends on: all the code that shapes the warehouse (the loaders
    make the tables whose columns dbt reads for a fixture's missing ones), dbt and DuckDB."""
    engines = ",".join(f"{name} {version(name)}" for name in ("dbt-core", "dbt-duckdb", "duckdb"))
    return hashlib.sha256(f"{code_fingerprint()}|{engines}".encode()).hexdigest()


def plan_dbt_build(
    last: DbtState | None,
    code: str,
    uncomparable_code: str,
    full_refresh_wanted: bool,
    unit_tests_passed: bool = False,
) -> DbtPlan:
    """Which `dbt build` calls bring the warehouse's models up to the project as it is now.

    `unit_tests_passed`: this code's unit tests already passed here, so no call repeats them."""
    plan = _plan_dbt_build(last, code, uncomparable_code, full_refresh_wanted)
    if not (unit_tests_passed and runs_unit_tests(plan)):
        return plan
    calls = tuple(
        call if _leaves_out_unit_tests(call) else (*call, *WITHOUT_UNIT_TESTS)
        for call in plan.calls
    )
    reason = f"{plan.reason}; this code's unit tests passed before, so they are left out"
    return replace(plan, reason=reason, calls=calls)


def runs_unit_tests(plan: DbtPlan) -> bool:
    return not all(_leaves_out_unit_tests(call) for call in plan.calls)


def _leaves_out_unit_tests(call: tuple[str, ...]) -> bool:
    return any(call[i : i + 2] == WITHOUT_UNIT_TESTS for i in range(len(call) - 1))


def _plan_dbt_build(
    last: DbtState | None, code: str, uncomparable_code: str, full_refresh_wanted: bool
) -> DbtPlan:
    """Which `dbt build` calls bring the warehouse's models up to the project as it is now."""
    if full_refresh_wanted:
        return _full_refresh("the run asked for a full refresh")
    if last is None or last.code is None:
        return _full_refresh("no model has been built in this warehouse yet")
    if last.code == code:
        return DbtPlan("the dbt project is unchanged", (WITHOUT_UNIT_TESTS,), False)
    if last.manifest is None:
        return _full_refresh("the dbt project changed, and its last build left no manifest")
    if last.uncomparable_code != uncomparable_code:
        return _full_refresh("a macro, seed, generic test or dbt_project.yml changed")
    # A selector, not --select: dagster-dbt adds its own --select, which dbt would add to ours,
    # while a --selector replaces it (dbt_models/selectors.yml).
    changed = ("--selector", "modified_since_last_build", "--full-refresh")
    unchanged = ("--exclude", "state:modified+", *WITHOUT_UNIT_TESTS)
    return DbtPlan(
        "models changed: those and their children are rebuilt, the rest run incrementally",
        (unchanged, changed),
        True,
        compares_state=True,
    )


def _full_refresh(reason: str) -> DbtPlan:
    return DbtPlan(f"full refresh: {reason}", (("--full-refresh",),), True)


def ensure_dbt_state(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists pipeline")
    con.execute(
        "create table if not exists pipeline.dbt_state (run_id varchar, dbt_code varchar, "
        "uncomparable_code varchar, manifest varchar)"
    )


def last_dbt_state(con: duckdb.DuckDBPyConnection) -> DbtState | None:
    """The state of the last dbt build in this warehouse; a warehouse built before the manifest
    was kept has only the project's fingerprint."""
    ensure_dbt_state(con)
    rows = con.execute(
        "select dbt_code, uncomparable_code, manifest from pipeline.dbt_state"
    ).fetchall()
    if rows:
        return DbtState(*rows[0])
    code = last_dbt_code(con)
    return None if code is None else DbtState(code)


def record_dbt_state(con: duckdb.DuckDBPyConnection, run_id: str, state: DbtState) -> None:
    """Keep this build's state in the build copy: it is published with the models it describes,
    or thrown away with them."""
    ensure_dbt_state(con)
    con.execute("delete from pipeline.dbt_state")
    con.execute(
        "insert into pipeline.dbt_state values (?, ?, ?, ?)",
        [run_id, state.code, state.uncomparable_code, state.manifest],
    )


def ensure_dbt_builds(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists pipeline")
    con.execute(
        "create table if not exists pipeline.dbt_builds (run_id varchar, dbt_code varchar, "
        "full_refresh boolean, built_at timestamp default current_timestamp)"
    )


def last_dbt_code(con: duckdb.DuckDBPyConnection) -> str | None:
    """The dbt project fingerprint the warehouse's incremental models were last built with."""
    ensure_dbt_builds(con)
    rows = con.execute(
        "select dbt_code from pipeline.dbt_builds order by built_at desc limit 1"
    ).fetchall()
    return rows[0][0] if rows else None


def record_dbt_build(
    con: duckdb.DuckDBPyConnection, run_id: str, code: str, full_refresh: bool
) -> None:
    ensure_dbt_builds(con)
    con.execute(
        "insert into pipeline.dbt_builds (run_id, dbt_code, full_refresh) values (?, ?, ?)",
        [run_id, code, full_refresh],
    )


def files_to_validate(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str] | None:
    """The files whose rows a run's checks validate; None for all rows.

    Rows are validated by the run that loads them. A run that rebuilt the models whole
    validates every row, since every row was derived again.
    """
    ensure_dbt_builds(con)
    rebuilt = con.execute(
        "select count(*) from pipeline.dbt_builds where run_id = ? and full_refresh", [run_id]
    ).fetchall()[0][0]
    if rebuilt:
        return None
    try:
        loaded = con.execute(
            "select source_file from raw.file_loads where run_id = ? and status = 'loaded'",
            [run_id],
        ).fetchall()
    except duckdb.Error:
        return None
    return [name for (name,) in loaded]
