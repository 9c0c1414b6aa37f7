"""Where things live and how much memory they may use: every default of the project, once.

The pipeline, the dashboard, the benchmark and the tests read these. Paths come from the
environment, read when asked for (never at import time), so that tests and users can point the
same code at other files. This module imports nothing heavy: the dashboard imports it too.
"""

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RAW_DIR = REPO_ROOT / "raw"
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "igot.duckdb"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_models"
# DuckDB's own default is 80% of the machine; the pipeline keeps to a budget and spills beyond it.
# dbt_models/profiles.yml cannot import Python: its fallback for standalone `dbt` repeats this.
DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"
# Rows of a per-file table that Great Expectations validates at once, as a pandas DataFrame
# with GX's working copies beside it: a process peak of about 0.8 GB at 200k rows of the MDO
# report, 1.4 GB at 500k (measured on 4 million rows).
DEFAULT_GX_CHUNK_ROWS = 200_000
DATA_DOCS_FOLDER = "data_docs"  # beside the warehouse file the Data Docs describe


def raw_dir() -> Path:
    """The folder of delivered input files (IGOT_RAW_DIR, default raw/)."""
    return Path(os.environ.get("IGOT_RAW_DIR") or DEFAULT_RAW_DIR).resolve()


def warehouse_path() -> Path:
    """The published DuckDB file users open (IGOT_WAREHOUSE, default warehouse/igot.duckdb)."""
    return Path(os.environ.get("IGOT_WAREHOUSE") or DEFAULT_WAREHOUSE).resolve()


def duckdb_memory_limit() -> str:
    """How much memory one DuckDB connection of the pipeline may use before it spills to disk
    (IGOT_DUCKDB_MEMORY_LIMIT, default 2GB)."""
    return os.environ.get("IGOT_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT


def gx_chunk_rows() -> int:
    """About how many rows of a per-file table Great Expectations validates at once
    (IGOT_GX_CHUNK_ROWS, default 200,000); a file larger than that is split into hash slices."""
    return int(os.environ.get("IGOT_GX_CHUNK_ROWS") or DEFAULT_GX_CHUNK_ROWS)


def dbt_threads() -> int:
    """How many dbt nodes run at once (IGOT_DBT_THREADS, default the machine's cores, at most 4).

    dbt-duckdb gives each thread a cursor of one DuckDB connection, so they share one writer;
    most nodes are read-only tests, and a model never writes a table another thread reads."""
    configured = os.environ.get("IGOT_DBT_THREADS")
    return int(configured) if configured else min(4, os.cpu_count() or 1)


def dbt_executable() -> Path:
    """dbt from this interpreter's environment, whatever PATH says: the pinned dbt-core."""
    return Path(sys.executable).parent / "dbt"


def dbt_state_dir(warehouse: Path) -> Path:
    """Where dbt keeps its parse between runs and reaches a run's build copy (IGOT_DBT_STATE_DIR,
    default `<warehouse file>.dbt` beside it; see `dbt_workspace`).

    dbt reuses a parse only for the same database path, and the path it is given lives in this
    folder: warehouses that share one folder share one parse, and their runs take turns at it.
    The tests give each worker one folder for all its warehouses."""
    configured = os.environ.get("IGOT_DBT_STATE_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    return warehouse.with_name(warehouse.name + ".dbt")


def data_docs_dir(warehouse: Path | None = None) -> Path:
    """The Data Docs site of a warehouse file (default: the published one): a folder beside it."""
    return Path(warehouse or warehouse_path()).parent / DATA_DOCS_FOLDER


def reports_zip_password() -> str | None:
    """The password of the MDO portal's reports.zip files (IGOT_REPORTS_ZIP_PASSWORD; unset
    means ZIPs are read only if they are not encrypted)."""
    return os.environ.get("IGOT_REPORTS_ZIP_PASSWORD") or None


def officer_key_file() -> Path:
    """The per-installation secret that keys officer pseudonyms (IGOT_OFFICER_KEY_FILE, default
    ~/.config/igot-warehouse/officer_key.secret). It lives outside the warehouse and the
    repository, so neither a copy of the warehouse nor of the code can reverse a pseudonym."""
    configured = os.environ.get("IGOT_OFFICER_KEY_FILE")
    if configured:
        return Path(configured).expanduser().resolve()
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config_home / "igot-warehouse" / "officer_key.secret"
