"""Where things live: the raw-file drop folder and the published warehouse.

Both come from the environment, read when asked for (never at import time), so that tests and
users can point the same code at other files.
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RAW_DIR = REPO_ROOT / "raw"
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse" / "igot.duckdb"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_models"


def raw_dir() -> Path:
    """The folder of delivered input files (IGOT_RAW_DIR, default raw/)."""
    return Path(os.environ.get("IGOT_RAW_DIR") or DEFAULT_RAW_DIR).resolve()


def warehouse_path() -> Path:
    """The published DuckDB file users open (IGOT_WAREHOUSE, default warehouse/igot.duckdb)."""
    return Path(os.environ.get("IGOT_WAREHOUSE") or DEFAULT_WAREHOUSE).resolve()


def duckdb_memory_limit() -> str:
    """How much memory one DuckDB connection of the pipeline may use before it spills to disk
    (IGOT_DUCKDB_MEMORY_LIMIT, default 2GB; DuckDB's own default is 80% of the machine)."""
    return os.environ.get("IGOT_DUCKDB_MEMORY_LIMIT") or "2GB"


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
