"""The warehouse: one published DuckDB file, and the per-run build copy that runs write into.

A run never writes the published file. It copies it to `<warehouse dir>/.build/<run id>.duckdb`,
loads and transforms there, and publishes with one `os.replace` once every step has succeeded.
The rename is atomic on POSIX: a reader holds either the old file or the new one, never a half
written one, and a run that fails or is killed leaves the published file untouched.

These are the mechanics; the `Warehouse` resource in `resources.py` hands them the published
file's path.
"""

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from dagster_project import settings
from dagster_project.run_inputs import file_identity

STALE_BUILD_SECONDS = 24 * 3600


def build_dir(published: Path) -> Path:
    return published.parent / ".build"


def build_path(published: Path, run_id: str) -> Path:
    return build_dir(published) / f"{run_id}.duckdb"


def prepare_build(published: Path, run_id: str) -> Path:
    """Create this run's build copy from the published file, once per run."""
    build = build_path(published, run_id)
    if build.exists():
        return build
    build_dir(published).mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(build_dir(published), keep=build)
    _base_note(build).write_text(json.dumps(file_identity(published)))
    if published.exists():
        partial = build.with_suffix(".copying")
        shutil.copyfile(published, partial)
        os.replace(partial, build)
    else:
        duckdb.connect(str(build)).close()
    return build


@contextmanager
def build_connection(published: Path, run_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection to this run's build copy."""
    con = duckdb.connect(
        str(prepare_build(published, run_id)),
        config={"memory_limit": settings.duckdb_memory_limit()},
    )
    try:
        yield con
    finally:
        con.close()


def publish(published: Path, run_id: str) -> Path:
    """Replace the published file with this run's build copy in one atomic rename."""
    build = build_path(published, run_id)
    if not build.exists():
        raise FileNotFoundError(f"run {run_id} has no build copy at {build} to publish")
    con = duckdb.connect(str(build))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    base = json.loads(_base_note(build).read_text())
    if file_identity(published) != base:
        raise RuntimeError(
            f"{published} was published by another run after run {run_id} copied it; "
            "not overwriting that run's work. Run again to build on top of it."
        )
    published.parent.mkdir(parents=True, exist_ok=True)
    os.replace(build, published)
    _base_note(build).unlink(missing_ok=True)
    return published


@contextmanager
def read_published(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published file, as readers open it."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _base_note(build: Path) -> Path:
    """Beside each build copy: which published file it was copied from."""
    return build.with_suffix(".base.json")


def _remove_stale_builds(build_dir: Path, keep: Path) -> None:
    """Drop build copies left by runs that died long ago; a live run's copy is recent."""
    cutoff = time.time() - STALE_BUILD_SECONDS
    for leftover in build_dir.glob("*"):
        if leftover != keep and leftover.stat().st_mtime < cutoff:
            leftover.unlink(missing_ok=True)
