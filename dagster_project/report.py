"""The short summary a person reads at the end of a run: what was loaded, checked and built."""

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from tabulate import tabulate


@dataclass
class CheckTally:
    passed: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _table(headers: list[str], rows: list[tuple]) -> str:
    """A plain-text table, text left and numbers right (with thousands separators), indented."""
    text = tabulate(rows, headers=headers, tablefmt="simple", intfmt=",")
    return "\n".join("  " + line for line in text.splitlines())


def load_section(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute(
        """
        select
            source_table,
            count(*)::int as files,
            sum(rows_read)::int,
            sum(rows_loaded)::int,
            sum(total_rows)::int,
            sum(rows_quarantined)::int,
            count(*) filter (where status = 'duplicate_content')::int
        from raw.file_loads
        group by source_table
        order by source_table
        """
    ).fetchall()
    headers = ["source", "files", "read", "loaded", "totals", "quarantined", "dup files"]
    return "Rows loaded per source\n" + _table(headers, rows)


def marts_section(con: duckdb.DuckDBPyConnection) -> str:
    # information_schema lists views too: marts.pipeline_runs is one.
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
    ).fetchall()
    if not tables:
        return "Marts built\n  (none yet)"
    rows = [
        (name, con.execute(f'select count(*) from marts."{name}"').fetchall()[0][0])
        for (name,) in tables
    ]
    return "Marts built\n" + _table(["mart", "rows"], rows)


def with_dbt_tests(tally: CheckTally, con: duckdb.DuckDBPyConnection, run_id: str) -> CheckTally:
    """The run's checks with the dbt tests it ran, read from the results it recorded: dbt's
    tests are not Dagster asset checks (dagster_project/assets/dbt.py says why)."""
    recorded = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'pipeline' "
        "and table_name = 'check_results'"
    ).fetchall()[0][0]
    if not recorded:
        return tally
    rows = con.execute(
        """
        select 'dbt:' || check_name, status
        from pipeline.check_results
        where tool = 'dbt' and run_id = ? and status <> 'skipped'
        order by check_name
        """,
        [run_id],
    ).fetchall()
    return CheckTally(
        passed=tally.passed + [name for name, status in rows if status == "pass"],
        warned=tally.warned + [name for name, status in rows if status == "warn"],
        failed=tally.failed + [name for name, status in rows if status in ("fail", "error")],
    )


def checks_section(tally: CheckTally) -> str:
    lines = [
        f"Checks: {len(tally.passed)} passed, {len(tally.warned)} warned, "
        f"{len(tally.failed)} failed"
    ]
    lines += [f"  warn: {name}" for name in tally.warned]
    lines += [f"  FAIL: {name}" for name in tally.failed]
    return "\n".join(lines)


FINDINGS_MART = "org_mapping_issues"
DECISIONS_SEED = "dbt_models/seeds/org_mapping_decisions.csv"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def findings_section(con: duckdb.DuckDBPyConnection) -> str:
    """Open org-mapping findings by issue type and severity, errors first."""
    built = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = ?",
        [FINDINGS_MART],
    ).fetchall()[0][0]
    if not built:
        return f"Org-mapping review\n  (marts.{FINDINGS_MART} not built yet)"
    rows = con.execute(
        f"""
        select issue_type, severity, count(*)::int as open_findings
        from marts.{FINDINGS_MART}
        where is_open
        group by issue_type, severity
        order by severity = 'error' desc, open_findings desc, issue_type
        """
    ).fetchall()
    opened, errors, closed = con.execute(
        f"""
        select
            count(*) filter (where is_open)::int,
            count(*) filter (where is_open and severity = 'error')::int,
            count(*) filter (where not is_open)::int
        from marts.{FINDINGS_MART}
        """
    ).fetchall()[0]
    heading = (
        f"Org-mapping review: {_count(opened, 'open finding')} ({_count(errors, 'error')}, "
        f"{_count(opened - errors, 'warning')}), {closed:,} closed"
    )
    if not rows:
        return heading
    return (
        f"{heading}\n"
        + _table(["issue type", "severity", "open"], rows)
        + f"\n  Record decisions in {DECISIONS_SEED}; details in marts.{FINDINGS_MART}."
    )


def summary(warehouse: Path, tally: CheckTally, run_id: str | None = None) -> str:
    """Everything the run summary says about the published warehouse; when it is the run's
    own publish (`run_id`), its checks include the dbt tests the run ran."""
    if not warehouse.exists():
        return f"No warehouse at {warehouse} yet."
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        has_raw = con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'raw' "
            "and table_name = 'file_loads'"
        ).fetchall()[0][0]
        parts = [f"Warehouse: {warehouse}"]
        parts.append(load_section(con) if has_raw else "Rows loaded per source\n  (none yet)")
        if run_id is not None:
            tally = with_dbt_tests(tally, con, run_id)
        parts.append(checks_section(tally))
        parts.append(findings_section(con))
        parts.append(marts_section(con))
        return "\n\n".join(parts)
    finally:
        con.close()
