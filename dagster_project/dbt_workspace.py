"""Where dbt works in a run: one stable path to the build copy, and its parse kept between runs.

dbt re-reads the whole project (about 5 s of CPU for this one) unless it may reuse the parse of
the previous run, which it allows only when the command-line vars and the profile's connection
(the DuckDB path included) are the same as then. The build copy is a new file per run
(`.build/<run id>.duckdb`), so dbt is pointed at a hard link to it with a name that never changes,
`<warehouse>.dbt/build.duckdb` (the folder is IGOT_DBT_STATE_DIR when set), and its
`partial_parse.msgpack` is kept in that folder.

A new warehouse has no parse of its own yet. `make install` parses the project for the default
warehouse's stable path (`python -m dagster_project.dbt_workspace`, which writes
`dbt_models/target/`), and dagster-dbt starts a run from that parse when the folder has none, so
even the first `make run` parses only what changed since the install.

A hard link, not a symlink: DuckDB resolves a symlink and would name the database after the run
id, where dbt-duckdb names it after the path it was given. Through the link DuckDB writes the
build copy's own file; its write-ahead log is `build.duckdb.wal`, which is checkpointed into the
file before the link goes. One run at a time may use the link: a lock file in the folder. Where
the file system has no hard links, dbt gets the build copy's own path and parses everything.
"""

import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dagster_project import settings

PARTIAL_PARSE = "partial_parse.msgpack"
# The fingerprint of the code whose dbt unit tests last passed in a run through this folder.
UNIT_TESTS_PASSED = "unit_tests_passed"


def state_dir(published: Path) -> Path:
    """The folder where dbt's reusable state for this warehouse lives (beside it by default)."""
    return settings.dbt_state_dir(published)


def warehouse_vars(database: Path) -> list[str]:
    """The command-line vars that point dbt at a database file; part of what its parse is for."""
    return ["--vars", json.dumps({"warehouse_path": str(database)})]


def stable_database(published: Path) -> Path:
    """The path dbt connects to, the same in every run on this warehouse."""
    return state_dir(published) / "build.duckdb"


@contextmanager
def dbt_workspace(published: Path, build: Path, target: Path) -> Iterator[Path]:
    """While dbt runs: the build copy under its stable name, the last parse in `target`.

    Yields the stable path to hand dbt. On the way out the link's log is checkpointed into the
    build copy, the link removed and dbt's new parse kept for the next run.
    """
    folder = state_dir(published)
    folder.mkdir(parents=True, exist_ok=True)
    link = stable_database(published)
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes or the process dies
        _remove_link(link)  # left by a run that was killed: its build is gone or discarded
        try:
            os.link(build, link)
        except OSError:
            yield build
            return
        target.mkdir(parents=True, exist_ok=True)
        if (folder / PARTIAL_PARSE).exists():
            shutil.copyfile(folder / PARTIAL_PARSE, target / PARTIAL_PARSE)
        try:
            yield link
        finally:
            _checkpoint(link)
            _remove_link(link)
            _keep_parse(target / PARTIAL_PARSE, folder / PARTIAL_PARSE)


def _checkpoint(link: Path) -> None:
    """Fold what dbt left in the link's write-ahead log into the build copy's file."""
    if not link.with_name(link.name + ".wal").exists():
        return
    con = duckdb.connect(str(link), config={"memory_limit": settings.duckdb_memory_limit()})
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def _remove_link(link: Path) -> None:
    link.with_name(link.name + ".wal").unlink(missing_ok=True)
    link.unlink(missing_ok=True)


def _keep_parse(parsed: Path, kept: Path) -> None:
    if parsed.exists():
        partial = kept.with_suffix(".partial")
        shutil.copyfile(parsed, partial)
        os.replace(partial, kept)


def unit_tests_passed(published: Path, fingerprint: str) -> bool:
    """Whether the unit tests of the code with this fingerprint passed in a run through here."""
    path = state_dir(published) / UNIT_TESTS_PASSED
    return path.exists() and path.read_text(encoding="utf-8") == fingerprint


def record_unit_tests_passed(published: Path, fingerprint: str) -> None:
    path = state_dir(published) / UNIT_TESTS_PASSED
    partial = path.with_suffix(".partial")
    partial.write_text(fingerprint, encoding="utf-8")
    os.replace(partial, path)


def parse_project(published: Path, target: Path | None = None) -> None:
    """`dbt parse` of the project as the runs on `published` will call it, into `target` (default
    the project's own target folder, whose manifest is the one Dagster reads and whose parse a
    run starts from when its state folder has none)."""
    command = [str(settings.dbt_executable()), "parse", "--quiet", "--profiles-dir", "."]
    command += warehouse_vars(stable_database(published))
    if target is not None:
        command += ["--target-path", str(target)]
    subprocess.run(command, cwd=settings.DBT_PROJECT_DIR, check=True)


if __name__ == "__main__":
    parse_project(settings.warehouse_path())
