"""Shared fixtures: temporary raw folders and warehouses, and the shipped warehouse built once."""

import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_RAW = REPO_ROOT / "raw"


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped raw/ folder that a test may change."""
    target = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW, target)
    return target
