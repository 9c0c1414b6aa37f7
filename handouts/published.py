"""Reading the published warehouse's marts for a handout: read-only, one connection per handout.

The handouts read what the dashboard reads (schema `marts`), never the raw tables, and values
reach SQL only as bound parameters.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from dagster_project import settings


class HandoutError(Exception):
    """A handout cannot be made; the message says why and what to do, in one sentence."""


@contextmanager
def marts(warehouse: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published warehouse."""
    path = warehouse or settings.warehouse_path()
    if not path.exists():
        raise HandoutError(
            f"No warehouse has been published at {path}: build it first (make run), or set "
            "IGOT_WAREHOUSE to the warehouse to read."
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise HandoutError(
            f"{path} cannot be read ({str(error).splitlines()[0]}); close any program that has "
            "it open for writing and try again."
        ) from None
    try:
        yield con
    finally:
        con.close()


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | tuple = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def comparable(name: str) -> str:
    """A state or department name as a person may type it: 'bihar', 'Uttar_Pradesh' and
    'Uttar Pradesh' are one state."""
    return re.sub(r"[^0-9a-z\u0900-\u097f]", "", name.casefold())


def canonical_state(con: duckdb.DuckDBPyConnection, typed: str, table: str) -> str:
    """The state as the marts spell it, for a name as typed, or a message listing the states
    that `marts.<table>` holds."""
    known = frame(con, f"select distinct state from marts.{table} order by state")["state"]
    for state in known:
        if comparable(state) == comparable(typed):
            return state
    listed = ", ".join(known) or "none"
    raise HandoutError(f"marts.{table} holds no state called '{typed}' (it holds: {listed}).")
