"""Reading the published warehouse: read-only, one connection per query, cached per publish.

A pipeline run never writes the published file; it replaces it with a finished copy in one
atomic rename (README, "How a run publishes"). So the dashboard must not keep a connection
across reruns, or it would go on reading the file that was replaced: every query opens the
file read-only, runs and closes. Results are cached under the file's identity (inode,
modification time, size). A publish changes the identity, so the first rerun after it reads
the new file, and until then nobody pays for a query twice.

Only the `marts` schema is read, and values only ever reach SQL as bound parameters.
"""

import datetime as dt
import time
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd
import streamlit as st

from dagster_project import settings
from streamlit_app.formatting import INDIA
from streamlit_app.i18n import t

# A lock error means someone opened the published file for writing (a person with the duckdb
# CLI, say; the pipeline never does). Such holds are usually brief, so try a few times.
LOCK_RETRIES = 3
LOCK_RETRY_SECONDS = 0.3


class WarehouseUnavailable(Exception):
    """Something a reader cannot fix on the page; the message tells them what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WarehouseMissing(WarehouseUnavailable):
    def __init__(self, path: Path):
        super().__init__(
            t(
                "No figures have been loaded yet. Whoever runs the data pipeline loads them: "
                "they put the reports in the raw folder and run `make run` from the "
                "repository root, which publishes `{path}`. Then reload this page.",
                path=path,
            )
        )


class MartIncompatible(WarehouseUnavailable):
    """The published marts are not the ones this dashboard's pipeline version builds."""

    def __init__(self, detail: str):
        super().__init__(
            t(
                "The loaded figures were prepared by an older version of the pipeline, and this "
                "page cannot read them. Whoever runs the pipeline can rebuild them with "
                "`make run`. Details: {detail}",
                detail=detail,
            )
        )


class WarehouseBusy(WarehouseUnavailable):
    def __init__(self, path: Path, reason: str):
        super().__init__(
            t(
                "The figures cannot be read just now: another program holds the file "
                "`{path}` ({reason}). Close that program (the pipeline itself never holds it), "
                "then reload the page.",
                path=path,
                reason=reason,
            )
        )


class WarehouseDamaged(WarehouseUnavailable):
    def __init__(self, path: Path, reason: str):
        super().__init__(
            t(
                "The figures cannot be read: the file `{path}` is damaged or is not a "
                "warehouse ({reason}). Whoever runs the pipeline can publish it again with "
                "`make run`; until then no page can show figures.",
                path=path,
                reason=reason,
            )
        )


class FileIdentity(NamedTuple):
    """What changes when the published file is replaced, even within the same second."""

    inode: int
    mtime_ns: int
    size: int


def warehouse_path() -> Path:
    """The published warehouse, as the pipeline's settings say, read per call so that tests and
    users can point a running app elsewhere."""
    return settings.warehouse_path()


def data_docs_index() -> Path:
    """The front page of the Data Docs the pipeline's checks write beside the warehouse."""
    return settings.data_docs_dir(warehouse_path()) / "index.html"


def identity(path: Path) -> FileIdentity | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return FileIdentity(stat.st_ino, stat.st_mtime_ns, stat.st_size)


def query(sql: str, params: list | tuple = ()) -> pd.DataFrame:
    """The result of one read-only query on the published warehouse, as a data frame."""
    path = warehouse_path()
    for _ in range(LOCK_RETRIES):
        current = identity(path)
        if current is None:
            raise WarehouseMissing(path)
        try:
            return _cached_query(str(path), current, sql, tuple(params)).copy()
        except _PublishedMeanwhile:
            continue  # a run published between our look at the file and our opening it
        except (duckdb.CatalogException, duckdb.BinderException) as error:
            raise MartIncompatible(str(error).splitlines()[0]) from error
        except duckdb.Error as error:
            # Anything else DuckDB refuses (a truncated or foreign file) goes through the same
            # one error path as a missing warehouse: a sentence, never a traceback.
            raise WarehouseDamaged(path, str(error).splitlines()[0]) from None
    raise WarehouseBusy(path, "it was replaced several times while being read")


class _PublishedMeanwhile(Exception):
    """The file opened is not the one the cache key names; the result must not be cached."""


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_query(path: str, file_identity: FileIdentity, sql: str, params: tuple) -> pd.DataFrame:
    """`file_identity` is part of the cache key, so a newly published file misses the cache."""
    for attempt in range(LOCK_RETRIES):
        try:
            con = duckdb.connect(path, read_only=True)
            break
        except duckdb.IOException as error:
            reason = str(error).splitlines()[0]
            if "lock" not in reason.lower():
                raise WarehouseDamaged(Path(path), reason) from None
            if attempt == LOCK_RETRIES - 1:
                raise WarehouseBusy(Path(path), reason) from None
            time.sleep(LOCK_RETRY_SECONDS)
    try:
        # The open connection holds the file it opened even if a publish renames another over
        # it; if the path still shows the identity we were given, that is the file we read.
        if identity(Path(path)) != file_identity:
            raise _PublishedMeanwhile
        return con.execute(sql, list(params)).df()
    finally:
        con.close()


def mart_names() -> set[str]:
    """The tables and views in the `marts` schema of the published warehouse."""
    names = query("select table_name from information_schema.tables where table_schema = 'marts'")
    return set(names["table_name"])


def require(*marts: str) -> None:
    """Stop the page with a clear message unless the warehouse and these marts exist.

    Every run builds every mart (their columns are dbt contracts), so a missing one means a
    warehouse from another version of the pipeline.
    """
    present = mart_names()
    for mart in marts:
        if mart not in present:
            raise MartIncompatible(f"`marts.{mart}` is missing.")


def published_at() -> dt.datetime | None:
    """When the warehouse now in place was published (the file's modification time), in
    Indian time whatever the server's zone."""
    current = identity(warehouse_path())
    if current is None:
        return None
    return dt.datetime.fromtimestamp(current.mtime_ns / 1e9, INDIA)


def holds_synthetic_data() -> bool:
    """Whether any MDO row came from the synthetic data generator, not a delivered report."""
    found = query("select count(*) from marts.mdo_snapshot where data_origin = 'synthetic'")
    return bool(found.iloc[0, 0])


def home_state() -> str | None:
    """The state whose MDO reports are loaded (the latest one, if several are): the dashboard
    is opened by that state's officers, so it is what every state selector starts on."""
    latest = query(
        "select state from marts.department_summary order by snapshot_date desc, state limit 1"
    )
    return None if latest.empty else str(latest["state"].iloc[0])


def holds_officer_reports() -> bool:
    """Whether officer-level reports are loaded: the mandate tracker then leads the menu. A
    warehouse that cannot be read, or predates the officer marts, holds none."""
    try:
        if "mandate_compliance" not in mart_names():
            return False
        return bool(query("select count(*) from marts.mandate_compliance").iloc[0, 0])
    except WarehouseUnavailable:
        return False
