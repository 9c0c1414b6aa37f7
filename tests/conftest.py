"""Shared fixtures: temporary raw folders and warehouses, and the shipped warehouse built once.

Helpers the tests share that are not fixtures live in support.py.
"""

import shutil
from pathlib import Path

import pytest
from support import SHIPPED_RAW, materialize_into


@pytest.fixture(scope="session", autouse=True)
def officer_key_outside_the_home(tmp_path_factory):
    """The officer pseudonym secret of the test runs: never the user's own (~/.config/...)."""
    patch = pytest.MonkeyPatch()
    key_file = tmp_path_factory.mktemp("secrets") / "officer_key.secret"
    patch.setenv("IGOT_OFFICER_KEY_FILE", str(key_file))
    yield key_file
    patch.undo()


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
