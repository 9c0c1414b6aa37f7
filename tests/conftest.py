"""Shared fixtures: temporary raw folders and warehouses, and the shipped warehouse built once.

Helpers the tests share that are not fixtures live in support.py.
"""

import shutil
from pathlib import Path

import pytest
from support import SHIPPED_RAW, materialize_into


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped raw/ folder that a test may change."""
    target = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW, target)
    return target


@pytest.fixture(scope="session")
def shipped_warehouse(tmp_path_factory) -> Path:
    """The warehouse built once from the shipped raw/ files by the whole pipeline."""
    warehouse = tmp_path_factory.mktemp("shipped") / "igot.duckdb"
    result = materialize_into(SHIPPED_RAW, warehouse)
    assert result.success, "the full pipeline failed on the shipped raw/ files"
    return warehouse
