"""Where dbt works in a run: one stable path to the build copy, and its parse kept between runs.

dbt re-reads the whole project (about 5 s of CPU for this one) unless it may reuse the parse of
the previous run, which it allows only when the command-line vars and the profile's connection
(the DuckDB path included) are the same as then. The build copy is a new file per run
(`.build/<run id>.duckdb`), so dbt is pointed at a hard link to it with a name that never changes,
`<warehouse>.dbt/build.duckdb`, and its `partial_parse.msgpack` is kept in that folder.

A hard link, not a symlink: DuckDB resolves a symlink and would name the database after the run
id, where dbt-duckdb names it after the path it was given. Through the link DuckDB writes the
build copy's own file; its write-ahead log is `build.duckdb.wal`, which is checkpointed into the
file before the link goes. One run at a time may use the link: a lock file in the folder. Where
the file system has no hard links, dbt gets the build copy's own path and parses everything.
"""

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dagster_project import settings

PARTIAL_PARSE = "partial_parse.msgpack"


def state_dir(published: Path) -> Path:
    """The folder beside the published file where dbt's reusable state lives."""
    return published.with_name(published.name + ".dbt")


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
