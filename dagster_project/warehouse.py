"""The warehouse: one published DuckDB file, and the per-run build copy that runs write into.

A run never writes the published file. It copies it to `<warehouse dir>/.build/<run id>.duckdb`,
loads and transforms there, and publishes with one `os.replace` once every step has succeeded.
The rename is atomic on POSIX: a reader holds either the old file or the new one, never a half
written one, and a run that fails or is killed leaves the published file untouched.

What a run keeps in `.build/` (its copy, the copy being made, notes, dbt's per-run output) is
removed when it publishes or fails; a run that was killed leaves it behind, and the next run
removes it once the killed run's process is gone. Failures to write there (a read-only folder,
a full disk, another run's publish) are one sentence that says which file and what to do.

These are the mechanics; the `Warehouse` resource in `resources.py` hands them the published
file's path.
"""

import errno
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from dagster_project import settings
from dagster_project.run_inputs import file_identity

STALE_BUILD_SECONDS = 24 * 3600
# A run's copy grows while it loads and dbt rebuilds tables (up to about the data's size again),
# and dbt writes its per-run output beside it: room for the copy, as much again, at least this.
MIN_HEADROOM_BYTES = 64 * 1024**2
LEFT_AS_IT_WAS = "The published warehouse was left as it was."


class WarehouseNotWritten(dg.Failure):
    """A run could not write its build copy or publish it; the description says what to do."""

    def __init__(self, sentence: str):
        super().__init__(description=sentence)
        self.sentence = sentence


def build_path(published: Path, run_id: str) -> Path:
    return build_dir_for(published) / f"{run_id}.duckdb"


def dbt_target_path(published: Path, run_id: str) -> Path:
    """Where dbt writes this run's artifacts and logs: beside the build copy, never in the
    source tree, and removed with it."""
    return dbt_target_dir(build_dir_for(published), run_id)


def prepare_build(published: Path, run_id: str) -> Path:
    """Create this run's build copy from the published file, once per run."""
    build = build_path(published, run_id)
    if build.exists():
        return build
    return create_build(published, build_dir_for(published), run_id)


def discard_run(published: Path, run_id: str) -> None:
    """Remove what this failed run keeps beside the warehouse."""
    discard_build(build_dir_for(published), run_id)
    forget_owner(build_dir_for(published), run_id)


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
    try:
        con = duckdb.connect(str(build))
        try:
            con.execute("checkpoint")
        finally:
            con.close()
        base = json.loads(_base_note(build).read_text())
        if file_identity(published) != base:
            raise WarehouseNotWritten(
                f"{published} was published by another run after run {run_id} copied it, "
                "so this run did not publish over that run's work; run again to build on "
                f"top of it. {LEFT_AS_IT_WAS}"
            )
        published.parent.mkdir(parents=True, exist_ok=True)
        os.replace(build, published)
    except (OSError, duckdb.IOException) as error:
        raise WarehouseNotWritten(storage_failure(error, published, "publishing")) from error
    discard_run(published, run_id)
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


def _owner_note(build_dir: Path, run_id: str) -> Path:
    """Beside each build copy: the process that runs it, so that a later run can tell a live
    run from one that was killed (kept after the copy is removed, until the run is marked)."""
    return build_dir / f"{run_id}.owner.json"


def build_dir_for(published: Path) -> Path:
    """The folder of build copies, beside the published file."""
    return published.parent / ".build"


def dbt_target_dir(build_dir: Path, run_id: str) -> Path:
    return build_dir / f"{run_id}-dbt"


def create_build(published: Path, build_dir: Path, run_id: str) -> Path:
    """Copy the published file to this run's build copy, after clearing what killed runs left
    and checking there is room; a failure here is one sentence, and leaves nothing behind."""
    build = build_dir / f"{run_id}.duckdb"
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        _owner_note(build_dir, run_id).write_text(json.dumps(this_process()))
        remove_abandoned_builds(build_dir, keep=run_id)
        check_free_space(published, build_dir)
        _base_note(build).write_text(json.dumps(file_identity(published)))
        if published.exists():
            partial = build.with_suffix(".copying")
            shutil.copyfile(published, partial)
            os.replace(partial, build)
        else:
            duckdb.connect(str(build)).close()
    except WarehouseNotWritten:
        discard_build(build_dir, run_id)
        raise
    except (OSError, duckdb.IOException) as error:
        discard_build(build_dir, run_id)
        raise WarehouseNotWritten(storage_failure(error, build, "copying the warehouse")) from error
    return build


def space_needed(published: Path) -> int:
    """Bytes a run needs free beside the warehouse: its copy, and room for it to grow."""
    size = published.stat().st_size if published.exists() else 0
    return size + max(size, MIN_HEADROOM_BYTES)


def check_free_space(published: Path, build_dir: Path) -> None:
    needed, free = space_needed(published), shutil.disk_usage(build_dir).free
    if free < needed:
        raise WarehouseNotWritten(
            f"Not enough free space to copy {published} into {build_dir}: a run needs "
            f"{_megabytes(needed)} (the copy and room for it to grow), {_megabytes(free)} is "
            "free. Free some space on that disk, or set IGOT_WAREHOUSE to a folder on a larger "
            f"one, and run again. {LEFT_AS_IT_WAS}"
        )


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:,.1f} MB"


# Text by which a failure shows it was the disk or the folder, wherever it was raised (Python,
# DuckDB, SQLite under Dagster's storage, dbt's output).
DISK_FULL = ("no space left on device", "disk is full", "disk full")
NOT_WRITABLE = (
    "read-only file system",
    "readonly database",
    "permission denied",
    "unable to open database file",
)


def storage_failure(error: BaseException | str, path: Path, doing: str) -> str:
    """One sentence for a failure to write beside the warehouse: which file, what happened,
    what to do."""
    text = str(error).lower()
    code = getattr(error, "errno", None)
    folder = path.parent
    if code == errno.ENOSPC or any(marker in text for marker in DISK_FULL):
        return (
            f"The disk holding {folder} is full ({doing} {path} failed): free some space "
            "there, or set IGOT_WAREHOUSE to a folder on a larger disk, and run again. "
            f"{LEFT_AS_IT_WAS}"
        )
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or any(m in text for m in NOT_WRITABLE):
        return (
            f"{folder} cannot be written ({doing} {path} failed: {_reason(error)}): make the "
            "folder writable for this user, or set IGOT_WAREHOUSE to a writable folder, and run "
            f"again. {LEFT_AS_IT_WAS}"
        )
    return f"{doing.capitalize()} {path} failed: {_reason(error)}. {LEFT_AS_IT_WAS}"


def is_storage_problem(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in (*DISK_FULL, *NOT_WRITABLE))


def _reason(error: BaseException | str) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _run_files(build_dir: Path, run_id: str) -> list[Path]:
    build = build_dir / f"{run_id}.duckdb"
    return [
        build,
        build.with_suffix(".duckdb.wal"),
        build.with_suffix(".copying"),
        _base_note(build),
    ]


def discard_build(build_dir: Path, run_id: str) -> None:
    """Remove a run's build copy, partial copy, notes and dbt output (its owner note stays
    until the run is known to be finished, see `forget_owner`)."""
    for leftover in _run_files(build_dir, run_id):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(dbt_target_dir(build_dir, run_id), ignore_errors=True)


def forget_owner(build_dir: Path, run_id: str) -> None:
    _owner_note(build_dir, run_id).unlink(missing_ok=True)


def discard_own_builds(build_dir: Path) -> None:
    """Remove what runs of this process left in the build folder (when it stops on an error
    outside any step, before it knows its run id)."""
    me = this_process()
    for run_id in runs_in(build_dir):
        if read_owner(build_dir, run_id) == me:
            discard_build(build_dir, run_id)
            forget_owner(build_dir, run_id)


def this_process() -> dict:
    return {"pid": os.getpid(), "started": _process_start(os.getpid())}


def _process_start(pid: int) -> str | None:
    """When a process started (clock ticks since boot, from /proc): with the pid, it tells a
    process from a later one that was given the same pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def is_alive(owner: dict) -> bool:
    pid = owner.get("pid")
    if not isinstance(pid, int):
        return False
    if Path("/proc").is_dir():
        started = _process_start(pid)
        return started is not None and started == owner.get("started")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_owner(build_dir: Path, run_id: str) -> dict | None:
    try:
        return json.loads(_owner_note(build_dir, run_id).read_text())
    except (OSError, ValueError):
        return None


def runs_in(build_dir: Path) -> set[str]:
    """The run ids that have anything in the build folder."""
    runs = set()
    for entry in build_dir.iterdir() if build_dir.is_dir() else []:
        if entry.is_dir():
            runs.add(entry.name.removesuffix("-dbt"))
        else:
            runs.add(entry.name.split(".", 1)[0])
    return runs


def remove_abandoned_builds(build_dir: Path, keep: str) -> list[str]:
    """Remove what runs that died left in the build folder: a run whose process is gone, or,
    for a run that recorded no process, whose files are older than a day. Returns their ids."""
    removed = []
    cutoff = time.time() - STALE_BUILD_SECONDS
    for run_id in sorted(runs_in(build_dir) - {keep}):
        owner = read_owner(build_dir, run_id)
        files = [*_run_files(build_dir, run_id), dbt_target_dir(build_dir, run_id)]
        newest = max((f.stat().st_mtime for f in files if f.exists()), default=0)
        if owner is not None and is_alive(owner):
            continue
        if owner is None and newest >= cutoff:
            continue
        if any(f.exists() for f in files):
            discard_build(build_dir, run_id)
            removed.append(run_id)
        if owner is not None and _owner_note(build_dir, run_id).stat().st_mtime < cutoff:
            forget_owner(build_dir, run_id)  # a run no instance here will ever ask about
    return removed
