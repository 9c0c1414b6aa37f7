"""The floor: the pipeline's loads and marts as one hand-written DuckDB script (`floor.sql`).

`python -m bench.floor --raw RAW --out DB [--json COUNTS]` runs the script on a raw folder into
a fresh DuckDB file and writes the row counts it produced. The benchmark runs it as a
subprocess, so its wall time and memory are measured exactly as the pipeline's are.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

from dagster_project.settings import DBT_PROJECT_DIR

FLOOR_SQL = Path(__file__).with_name("floor.sql")
OFFICER_FLOOR_SQL = Path(__file__).with_name("floor_officers.sql")
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"

# Tables whose row counts the floor reports, in the order they are built.
COUNTED_TABLES = (
    "raw.mdo_report",
    "raw.mdo_report_totals",
    "raw.quarantine",
    "raw.state_ranking",
    "marts.mdo_snapshot",
    "marts.org_mapping_issues",
    "marts.department_summary",
    "marts.department_trend",
    "marts.state_ranking",
    "marts.state_summary",
)
# And, when the raw folder has officer-level deliveries (floor_officers.sql):
OFFICER_TABLES = (
    "raw.officer_users",
    "raw.officer_enrolments",
    "raw.officer_quarantine",
    "marts.officer_mandate_status",
    "marts.mandate_compliance",
    "marts.course_uptake",
)


def _path_literal(path: Path) -> str:
    """A path as it goes inside a quoted SQL string (forward slashes, quotes doubled)."""
    return path.resolve().as_posix().replace("'", "''")


def has_officers(raw_dir: Path) -> bool:
    """Whether the raw folder holds officer-level deliveries as bare CSVs."""
    return any((raw_dir / "officers").glob("*/user-report.csv"))


def render(raw_dir: Path, seeds_dir: Path = SEEDS_DIR, script: Path = FLOOR_SQL) -> str:
    """A floor script with its placeholders filled (plain replacement: the SQL has other
    braces)."""
    sql = script.read_text(encoding="utf-8")
    return sql.replace("{raw_dir}", _path_literal(raw_dir)).replace(
        "{seeds_dir}", _path_literal(seeds_dir)
    )


def build_floor(raw_dir: Path, out_path: Path, seeds_dir: Path = SEEDS_DIR) -> dict:
    """Run the floor script into a fresh `out_path`; return its row counts and its SQL time."""
    out_path.unlink(missing_ok=True)
    start = time.perf_counter()
    con = duckdb.connect(str(out_path))
    officers = has_officers(raw_dir)
    try:
        con.execute(render(raw_dir, seeds_dir))
        if officers:
            con.execute(render(raw_dir, seeds_dir, OFFICER_FLOOR_SQL))
        sql_seconds = time.perf_counter() - start
        counts = {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in COUNTED_TABLES + (OFFICER_TABLES if officers else ())
        }
        mdo_files = con.execute(
            "select count(distinct source_file) from raw.mdo_report"
        ).fetchone()[0]
    finally:
        con.close()
    return {"sql_seconds": sql_seconds, "mdo_files": mdo_files, "rows": counts}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", type=Path, required=True, help="the raw folder to read")
    parser.add_argument("--out", type=Path, required=True, help="the DuckDB file to write")
    parser.add_argument("--json", type=Path, help="where to write the row counts as JSON")
    args = parser.parse_args(argv)
    result = build_floor(args.raw, args.out)
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
