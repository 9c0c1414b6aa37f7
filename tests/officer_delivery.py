"""A warehouse with officer-level reports, for the tests of what is built on them (the chase
list, the mandate tracker, the monthly brief): the shipped raw/ files plus a small synthetic
Bihar delivery (password-protected ZIPs whose MDOs are the shipped report's, three report
dates, so that 26 March has a pace and a projection),
built by the whole pipeline, as `make demo` does. conftest's `officer_reports` builds it once
per test run for every worker.
"""

import json
import shutil
from pathlib import Path

import pytest
from support import SHIPPED_RAW, materialize_into

from synth import Parameters, generate

PASSWORD = "synthetic-2026"
OFFICERS = 300


def build_officer_warehouse(warehouse: Path) -> None:
    """Publish the delivery's warehouse at `warehouse`; its raw folder and the generator's output
    stay beside it (see `officer_delivery_beside`)."""
    root = warehouse.parent
    synthetic = root / "synthetic"
    generate(
        Parameters.for_size(
            "small",
            states=1,
            months=1,
            officer_format="zip",
            officer_states=1,
            officers=OFFICERS,
            officer_days=3,  # 19 March, 26 March, 2 April: a pace before the due date
            officer_mdos="shipped",
            password=PASSWORD,
        ),
        synthetic,
    )
    raw = root / "raw"
    shutil.copytree(SHIPPED_RAW, raw)
    shutil.copytree(synthetic / "raw" / "officers", raw / "officers")
    shutil.copy(synthetic / "raw" / "reference" / "officer_bands.csv", raw / "reference")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IGOT_REPORTS_ZIP_PASSWORD", PASSWORD)
        result = materialize_into(raw, warehouse)
    assert result.success, "the pipeline failed on the shipped raw/ plus a synthetic delivery"


def officer_delivery_beside(built: Path, warehouse: Path) -> tuple[Path, Path, dict]:
    """(raw folder, `warehouse`, the generator's manifest) of the delivery built at `built`;
    `warehouse` is the caller's copy of it."""
    root = built.parent
    manifest = json.loads((root / "synthetic" / "manifest.json").read_text(encoding="utf-8"))
    return root / "raw", warehouse, manifest
