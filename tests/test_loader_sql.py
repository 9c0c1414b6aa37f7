"""The SQL the loader generates, kept as a golden file so that a change shows as a SQL diff.

After a deliberate change to the loader's SQL, rewrite the golden file with
`IGOT_UPDATE_GOLDEN=1 pytest tests/test_loader_sql.py` and review the diff in the commit.
"""

import csv
import datetime as dt
import difflib
import os
from pathlib import Path

import pytest

from dagster_project.ingest.loader import _typed_rows_sql, map_header
from dagster_project.ingest.sources import MDO_REPORT

pytestmark = pytest.mark.unit

REPO_ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden" / "mdo_report_typed_rows.sql"
BIHAR = REPO_ROOT / "raw" / "mdo" / "bihar_2026-02-25.csv"


def rendered_mdo_sql() -> str:
    """The statement that types the rows of the shipped Bihar report."""
    with BIHAR.open(encoding="utf-8-sig", newline="") as handle:
        header = [cell.strip() for cell in next(csv.reader(handle))]
    layout = map_header(header, MDO_REPORT, "mdo/bihar_2026-02-25.csv")
    return _typed_rows_sql(MDO_REPORT, layout, len(header), dt.datetime(2026, 2, 25))


def test_the_mdo_report_sql_is_the_reviewed_golden_file():
    rendered = rendered_mdo_sql()
    if os.environ.get("IGOT_UPDATE_GOLDEN"):
        GOLDEN.write_text(rendered, encoding="utf-8")
    golden = GOLDEN.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            golden.splitlines(keepends=True),
            rendered.splitlines(keepends=True),
            str(GOLDEN.relative_to(REPO_ROOT)),
            "rendered",
        )
    )
    assert not diff, f"The loader's SQL changed; review and update the golden file:\n{diff}"


def test_every_generated_line_is_short_enough_to_read():
    # Long lines are where generated SQL stops being readable: one item per line instead.
    long_lines = [line for line in rendered_mdo_sql().splitlines() if len(line) > 240]
    assert not long_lines, long_lines[:3]
