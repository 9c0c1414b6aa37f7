"""Check results as data: every dbt test and Great Expectations expectation, with its outcome.

The table `pipeline.check_results` is the source of the contracted dbt view
`marts.check_results` (read by the dashboard's Data status page), as `pipeline.runs` is of
`marts.pipeline_runs`: the pipeline owns the table, creates it before dbt runs, and fills it in
the run's build copy, so what is published says how the published data was checked.

It holds the newest result of each check, as the Data Docs site holds the newest validation of
each suite: a suite's validation replaces that suite's rows, a dbt build replaces the rows of
the tests it ran and drops the tests the project no longer has. A run that validates only some
suites (the MDO-reports job) leaves the others' latest results, each with the run it came from.

Failing examples are a few short values that identify the failing rows (a file and row, a
mart's key, the value found). The warehouse holds no personal data (officer tables carry
pseudonyms), so neither do they; each is cut to EXAMPLE_CHARS all the same.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from expectations.runner import FailedExpectation, SuiteOutcome

CHECK_RESULTS = "pipeline.check_results"
DBT = "dbt"
GX = "great_expectations"
EXAMPLES = 3
EXAMPLE_CHARS = 120
# The two severities a check has, as dbt names them; GX's `critical` blocks like dbt's `error`.
GX_SEVERITY = {"critical": "error", "warning": "warn"}
# dbt's node statuses for a test, as this table says them.
DBT_STATUS = {
    "pass": "pass",
    "warn": "warn",
    "fail": "fail",
    "error": "error",
    "skipped": "skipped",
}

COLUMNS = (
    "run_id",
    "checked_at",
    "tool",
    "suite",
    "check_id",
    "check_name",
    "checked_table",
    "severity",
    "status",
    "failing_count",
    "failing_examples",
    "reason",
)


def ensure_check_results(con: duckdb.DuckDBPyConnection) -> None:
    """Create the table if this warehouse has none yet."""
    con.execute("create schema if not exists pipeline")
    con.execute(
        f"""
        create table if not exists {CHECK_RESULTS} (
            run_id varchar not null,
            checked_at timestamp not null,
            tool varchar not null,
            suite varchar not null,
            check_id varchar not null,
            check_name varchar not null,
            checked_table varchar,
            severity varchar not null,
            status varchar not null,
            failing_count bigint,
            failing_examples varchar,
            reason varchar,
            primary key (tool, check_id)
        )
        """
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def short_examples(values: list[Any]) -> str | None:
    """At most EXAMPLES values as a JSON list, each cut to EXAMPLE_CHARS characters."""
    if not values:
        return None
    shown = []
    for value in values[:EXAMPLES]:
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        shown.append(text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…")
    return json.dumps(shown, ensure_ascii=False)


ROWS_PER_INSERT = 1000


def _insert(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """Insert or replace the rows, the last of two with one key winning.

    One statement of many rows, not `executemany`: DuckDB runs that once per row, 2.4 ms each,
    which was 1.2 s for one dbt build's tests. A statement may not replace one key twice, so
    each key's last row is kept first, as row-by-row replacement would.
    """
    key = (COLUMNS.index("tool"), COLUMNS.index("check_id"))
    latest = list({(row[key[0]], row[key[1]]): row for row in rows}.values())
    one_row = "(" + ", ".join("?" for _ in COLUMNS) + ")"
    for start in range(0, len(latest), ROWS_PER_INSERT):
        batch = latest[start : start + ROWS_PER_INSERT]
        con.execute(
            f"insert or replace into {CHECK_RESULTS} ({', '.join(COLUMNS)}) values "
            + ", ".join(one_row for _ in batch),
            [value for row in batch for value in row],
        )


# --- Great Expectations --------------------------------------------------------------------


def _normal(value: Any) -> Any:
    """A kwarg's value as compared: numbers as floats (GX hands 0 back as 0.0), lists in order."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list | tuple):
        return [_normal(item) for item in value]
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    return str(value)


def _is_failure_of(failure: FailedExpectation, kind: str, kwargs: dict) -> bool:
    """Whether a failure is of this expectation of the suite file: same type, and every kwarg
    the file gives has the same value (GX may add defaults of its own)."""
    return failure.expectation == kind and all(
        _normal(failure.kwargs.get(key)) == _normal(value) for key, value in kwargs.items()
    )


def _take_failure(
    unmatched: list[FailedExpectation], kind: str, kwargs: dict
) -> FailedExpectation | None:
    for index, failure in enumerate(unmatched):
        if _is_failure_of(failure, kind, kwargs):
            return unmatched.pop(index)
    return None


def _gx_check_name(expectation_type: str, kwargs: dict) -> str:
    columns = [str(v) for k, v in kwargs.items() if k.startswith("column")]
    return f"{expectation_type}({', '.join(columns)})" if columns else expectation_type


def _gx_status(failure: FailedExpectation | None) -> str:
    if failure is None:
        return "pass"
    if failure.exception:
        return "error"  # could not be evaluated at all
    return "fail" if failure.severity == "critical" else "warn"


def _gx_examples(failure: FailedExpectation | None) -> str | None:
    if failure is None:
        return None
    if failure.exception:
        return short_examples([failure.exception])
    if failure.sample:
        return short_examples(failure.sample)
    if failure.observed_value is not None:
        return short_examples([{"observed": failure.observed_value}])
    return None


def suite_rows(outcome: SuiteOutcome, run_id: str, checked_at: dt.datetime) -> list[tuple]:
    """One row per expectation of the suite: the suite file's order, then any failure that
    is no expectation of the file (the table could not be read)."""
    suite = outcome.suite
    unmatched = list(outcome.failures)
    rows = []
    listed = [(e["type"], e.get("kwargs", {}), e["severity"], e) for e in suite.expectations]
    unreadable = outcome.rows is None
    for number, (kind, kwargs, severity, expectation) in enumerate(listed, start=1):
        failure = _take_failure(unmatched, kind, kwargs)
        status = "skipped" if unreadable else _gx_status(failure)
        rows.append(
            (
                run_id,
                checked_at,
                GX,
                suite.name,
                f"{suite.name}#{number}",
                _gx_check_name(kind, kwargs),
                suite.table,
                GX_SEVERITY[severity],
                status,
                failure.unexpected_count if failure else (None if unreadable else 0),
                _gx_examples(failure),
                expectation.get("meta", {}).get("notes") or None,
            )
        )
    for number, failure in enumerate(unmatched, start=1):
        rows.append(
            (
                run_id,
                checked_at,
                GX,
                suite.name,
                f"{suite.name}:{failure.expectation}#{number}",
                _gx_check_name(failure.expectation, failure.kwargs),
                suite.table,
                GX_SEVERITY[failure.severity],
                _gx_status(failure),
                failure.unexpected_count,
                _gx_examples(failure),
                failure.notes or None,
            )
        )
    return rows


def record_suite_outcome(
    con: duckdb.DuckDBPyConnection, run_id: str, outcome: SuiteOutcome
) -> None:
    """Replace the suite's rows by this validation's."""
    ensure_check_results(con)
    con.execute(
        f"delete from {CHECK_RESULTS} where tool = ? and suite = ?", [GX, outcome.suite.name]
    )
    _insert(con, suite_rows(outcome, run_id, _now()))


# --- dbt tests -----------------------------------------------------------------------------


def _tested_relation(node: dict, nodes: dict) -> str:
    """The model, seed or source a test is attached to, as schema.name."""
    attached = node.get("attached_node") or next(
        iter(node.get("depends_on", {}).get("nodes", [])), ""
    )
    parent = nodes.get(attached) or {}
    if parent:
        return f"{parent.get('schema', '')}.{parent.get('name', '')}".strip(".")
    return attached.split(".")[-1] if attached else ""


def _dbt_examples(con: duckdb.DuckDBPyConnection, result: dict, node: dict) -> str | None:
    """A few of the rows the test found, read with the test's own compiled query."""
    sql = (result.get("compiled_code") or "").strip().rstrip(";")
    if not sql or not result.get("failures"):
        return None
    sql = _in_this_database(con, sql, node.get("database"))
    try:
        cursor = con.execute(f"select * from (\n{sql}\n) as failing limit {EXAMPLES}")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error:
        return None  # the count is what the test reported; the examples are a courtesy
    return short_examples([dict(zip(columns, row, strict=True)) for row in rows])


def _in_this_database(con: duckdb.DuckDBPyConnection, sql: str, database: str | None) -> str:
    # dbt ran against the build copy under its stable name (dbt_workspace), which this
    # connection opens under the copy's own; the query names the stable one, so without this
    # it fails and a warning shows its count but none of its rows.
    (current,) = con.execute("select current_database()").fetchone()
    if not database or database == current:
        return sql
    return sql.replace(f'"{database}".', f'"{current}".')


def dbt_rows(
    con: duckdb.DuckDBPyConnection, run_results: dict, manifest: dict, run_id: str
) -> list[tuple]:
    """One row per dbt test in run_results.json."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    checked_at = _now()
    rows = []
    for result in run_results.get("results", []):
        unique_id = result.get("unique_id", "")
        node = nodes.get(unique_id) or {}
        if node.get("resource_type") != "test" and not unique_id.startswith("test."):
            continue
        config = node.get("config", {})
        rows.append(
            (
                run_id,
                checked_at,
                DBT,
                _tested_relation(node, nodes),
                unique_id,
                node.get("name") or unique_id.split(".")[-2],
                _tested_relation(node, nodes),
                "warn" if str(config.get("severity", "error")).lower() == "warn" else "error",
                DBT_STATUS.get(result.get("status"), str(result.get("status"))),
                result.get("failures"),
                _dbt_examples(con, result, node),
                node.get("description") or result.get("message") or None,
            )
        )
    return rows


def record_dbt_results(
    con: duckdb.DuckDBPyConnection, run_id: str, run_results_file: Path, manifest_file: Path
) -> None:
    """Replace the rows of the tests one dbt call ran, and drop tests the project lost."""
    ensure_check_results(con)
    run_results = json.loads(Path(run_results_file).read_text())
    manifest = json.loads(Path(manifest_file).read_text())
    rows = dbt_rows(con, run_results, manifest, run_id)
    tests = [
        uid
        for uid, node in manifest.get("nodes", {}).items()
        if node.get("resource_type") == "test"
    ]
    con.execute(
        f"delete from {CHECK_RESULTS} where tool = ? and check_id not in "
        "(select unnest(?::varchar[]))",
        [DBT, tests],
    )
    _insert(con, rows)
