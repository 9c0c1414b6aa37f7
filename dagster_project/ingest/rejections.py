"""Files held back: delivered, but not loaded, with the reason and what to do.

A file that cannot be read at all (a name the contract does not take, not UTF-8, no header the
source knows, a link to outside the raw folder, ...) must not stop the other files. It is held
back instead: it loads nothing, whatever an earlier version of it loaded stays, and it gets a
row in `raw.file_rejections`. Each source's load rewrites its own rows there every run
(`recorded_by`), so a fixed or removed file drops out, and a file still bad is reported again:
by the run summary (which then exits non-zero), the sensor's ticks and `marts.source_files`.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dagster_project.ingest.errors import RawFileError

TABLE = "raw.file_rejections"


@dataclass(frozen=True)
class Rejection:
    """One file held back: which, why, and, where it was read, its content hash."""

    source_file: str
    reason: str
    source_table: str | None = None  # None when its name matches no source
    file_sha256: str | None = None  # None when it was refused unread

    @classmethod
    def of(cls, err: RawFileError, source_table: str | None = None, sha256: str | None = None):
        return cls(err.source_file, err.reason, source_table, sha256)

    def sentence(self) -> str:
        return f"{self.source_file}: {self.reason}"


def ensure_rejections_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"""
        create table if not exists {TABLE} (
            source_table varchar,
            source_file varchar not null,
            file_sha256 varchar,
            reason varchar not null,
            recorded_by varchar not null,
            rejected_at timestamp not null,
            run_id varchar
        )
        """
    )


def record_rejections(
    con: duckdb.DuckDBPyConnection,
    recorded_by: str,
    rejections: list[Rejection],
    rejected_at: dt.datetime,
    run_id: str | None,
) -> None:
    """Replace what this source's load recorded last time with what it found now."""
    con.execute(f"delete from {TABLE} where recorded_by = ?", [recorded_by])
    if not rejections:
        return
    import pandas as pd  # only a load needs it; `make run` reads rejections without it

    frame = pd.DataFrame(
        {
            "source_table": [r.source_table for r in rejections],
            "source_file": [r.source_file for r in rejections],
            "file_sha256": [r.file_sha256 for r in rejections],
            "reason": [r.reason for r in rejections],
            "recorded_by": recorded_by,
            "rejected_at": rejected_at,
            "run_id": run_id,
        },
        dtype="object",
    )
    con.register("new_file_rejections", frame)
    try:
        con.execute(
            f"insert into {TABLE} by name select * replace (cast(rejected_at as timestamp) "
            "as rejected_at) from new_file_rejections"
        )
    finally:
        con.unregister("new_file_rejections")


def held_back(con: duckdb.DuckDBPyConnection) -> list[Rejection]:
    """Every file held back by the latest load of each source; none in an older warehouse."""
    exists = con.execute(
        "select count(*) from duckdb_tables() "
        "where schema_name = 'raw' and table_name = 'file_rejections'"
    ).fetchall()[0][0]
    if not exists:
        return []
    rows = con.execute(
        f"select source_file, reason, source_table, file_sha256 from {TABLE} order by source_file"
    ).fetchall()
    return [Rejection(*row) for row in rows]


def held_back_section(rejections: list[Rejection]) -> str:
    """The lines of the run summary that name each file held back."""
    lines = [
        f"Files held back ({len(rejections)}): not loaded; earlier loads of them are kept. "
        "Fix or remove each, then run again."
    ]
    lines += [f"  {rejection.sentence()}" for rejection in rejections]
    return "\n".join(lines)


def held_back_in(warehouse: Path) -> list[Rejection]:
    """The files held back by the run that published this warehouse file."""
    if not warehouse.exists():
        return []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return held_back(con)
    finally:
        con.close()
