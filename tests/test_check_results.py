"""Check results as data (marts.check_results), the Data status page's section on them, and
Data Docs that render with no internet."""

import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from support import REPO_ROOT

from dagster_project import check_results
from dagster_project.check_results import EXAMPLE_CHARS, EXAMPLES, short_examples
from expectations.offline_docs import external_references, localise_page

MANIFEST = REPO_ROOT / "dbt_models" / "target" / "manifest.json"


def results_of(warehouse: Path) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select * from marts.check_results").df()
    finally:
        con.close()


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.unit
def test_examples_are_at_most_three_and_short():
    long_value = {"source_file": "mdo/bihar_2026-02-25.csv", "source_row": 7, "x": "y" * 500}
    shown = json.loads(short_examples([long_value, "a", "b", "c", "d"]))
    assert len(shown) == EXAMPLES
    assert len(shown[0]) == EXAMPLE_CHARS and shown[0].endswith("…")
    assert shown[0].startswith('{"source_file": "mdo/bihar_2026-02-25.csv", "source_row": 7')
    assert shown[1:] == ["a", "b"]
    assert short_examples([]) is None


@pytest.mark.unit
def test_results_are_written_in_batches_and_the_last_result_of_a_check_wins(monkeypatch):
    import datetime as dt

    monkeypatch.setattr(check_results, "ROWS_PER_INSERT", 3)  # seven rows: three statements
    con = duckdb.connect()
    check_results.ensure_check_results(con)
    checked = dt.datetime(2026, 3, 31, 12, 0)

    def result(check_id: str, status: str) -> tuple:
        return ("run-1", checked, "dbt", "marts", check_id, check_id, "t", "error", status,
                0, None, None)  # fmt: skip

    earlier = [result("not_null_a", "fail")]
    check_results._insert(con, earlier)
    rows = [result(f"test_{n}", "pass") for n in range(5)]
    rows += [result("not_null_a", "warn"), result("not_null_a", "pass")]
    check_results._insert(con, rows)
    stored = dict(con.execute("select check_id, status from pipeline.check_results").fetchall())
    assert stored == {**{f"test_{n}": "pass" for n in range(5)}, "not_null_a": "pass"}


@pytest.mark.unit
def test_a_page_loses_every_outside_reference_and_keeps_values_as_text():
    page = (
        '<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/'
        'bootstrap.min.css"/>\n'
        '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>\n'
        '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>\n'
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js"'
        ' integrity="sha384-x" crossorigin="anonymous"></script>\n'
        '<script src="https://example.org/tracker.js"></script>\n'
        "<style>.navbar-brand a { background: url('https://great-expectations-web-assets.s3."
        "us-east-2.amazonaws.com/full_logo_dark.png') 0 0 no-repeat; }</style>\n"
        '<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/'
        'logo-long.png?d=1" alt="Great Expectations"/>\n'
        '<a class="x" href="https://greatexpectations.io/newsletter?utm=1">Newsletter</a>\n'
        "<td>https://portal.igotkarmayogi.gov.in/app/toc/ext/1</td>\n"
        '<link rel="shortcut icon" href="../static/images/favicon.ico" type="image/x-icon"/>\n'
    )
    assert len(external_references(page)) == 8
    local = localise_page(page, "../../static")
    assert external_references(local) == []
    assert 'href="../../static/vendor/bootstrap/bootstrap.min.css"' in local
    assert '<script src="../../static/vendor/jquery/jquery.min.js"></script>' in local
    assert '<script src="../../static/vendor/popper/popper.min.js"></script>' in local
    assert "vega" not in local and "tracker" not in local
    assert "url('../../static/images/logo-long.png')" in local
    assert 'src="../../static/images/logo-long.png"' in local
    assert '<a class="x">Newsletter</a>' in local
    # GX's own link into static/ is recomputed for the page's depth (GX's is a level short).
    assert 'href="../../static/images/favicon.ico"' in local
    # A value found in the data is text on the page, not a reference: it stays as found.
    assert "<td>https://portal.igotkarmayogi.gov.in/app/toc/ext/1</td>" in local


def newest_validation_page(docs: Path, suite: str) -> Path:
    pages = sorted((docs / "validations" / suite).rglob("*.html"))
    assert pages, f"no Data Docs page for {suite}"
    return pages[-1]


def data_docs_counts(page: Path) -> dict[str, int]:
    """The statistics a validation page shows: evaluated, successful, unsuccessful."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")))
    counts = {}
    for label in ("Evaluated", "Successful", "Unsuccessful"):
        found = re.search(rf"\b{label} Expectations (\d+)", text)
        assert found, f"{page.name} shows no {label} count"
        counts[label.lower()] = int(found.group(1))
    return counts


@pytest.mark.pipeline
def test_every_expectation_and_dbt_test_has_its_newest_result(shipped_warehouse):
    from expectations.runner import load_suites

    results = results_of(shipped_warehouse)
    expectations = results.loc[results["tool"] == "great_expectations"]
    suites = load_suites()
    assert sorted(expectations["suite"].unique()) == sorted(s.name for s in suites)
    for suite in suites:
        rows = expectations.loc[expectations["suite"] == suite.name]
        assert len(rows) == len(suite.expectations), suite.name
        assert set(rows["checked_table"]) == {suite.table}
    manifest = json.loads(MANIFEST.read_text())
    tests = {uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "test"}
    dbt = results.loc[results["tool"] == "dbt"]
    assert set(dbt["check_id"]) == tests
    # The shipped data publishes: nothing failed, and each row says which run checked it.
    assert not results["status"].isin(["fail", "error", "skipped"]).any()
    runs = query(shipped_warehouse, "select run_id from marts.pipeline_runs")
    assert set(results["run_id"]) <= {run_id for (run_id,) in runs}


@pytest.mark.pipeline
def test_the_run_summary_counts_every_dbt_test_the_run_ran(shipped_warehouse):
    """dbt's tests are not Dagster asset checks: the summary reads them from the results."""
    from dagster_project.report import CheckTally, with_dbt_tests

    results = results_of(shipped_warehouse)
    dbt = results.loc[results["tool"] == "dbt"]
    (run_id,) = dbt["run_id"].unique()
    con = duckdb.connect(str(shipped_warehouse), read_only=True)
    try:
        tally = with_dbt_tests(CheckTally(passed=["raw/x:gx_raw_x"]), con, run_id)
        other_run = with_dbt_tests(CheckTally(), con, "another run")
    finally:
        con.close()
    assert len(tally.passed) + len(tally.warned) == len(dbt) + 1
    assert tally.passed[0] == "raw/x:gx_raw_x" and not tally.failed
    assert {f"dbt:{name}" for name in dbt["check_name"]} == set(tally.passed[1:] + tally.warned)
    assert other_run == CheckTally()


@pytest.mark.unit
def test_the_summary_sorts_dbt_tests_by_outcome_and_leaves_out_other_runs_and_skips():
    import datetime as dt

    from dagster_project.report import CheckTally, checks_section, with_dbt_tests

    con = duckdb.connect()
    assert with_dbt_tests(CheckTally(), con, "run-1") == CheckTally()  # nothing recorded yet
    check_results.ensure_check_results(con)
    checked = dt.datetime(2026, 3, 31, 12, 0)
    rows = [
        (run, checked, tool, "marts", name, name, "t", "error", status, 0, None, None)
        for run, tool, name, status in [
            ("run-1", "dbt", "not_null_a", "pass"),
            ("run-1", "dbt", "unique_b", "warn"),
            ("run-1", "dbt", "accepted_c", "fail"),
            ("run-1", "dbt", "relationships_d", "skipped"),
            ("run-1", "great_expectations", "expect_e", "pass"),
            ("run-0", "dbt", "not_null_f", "pass"),
        ]
    ]
    check_results._insert(con, rows)
    tally = with_dbt_tests(CheckTally(warned=["raw/x:gx_raw_x"]), con, "run-1")
    assert tally == CheckTally(
        passed=["dbt:not_null_a"],
        warned=["raw/x:gx_raw_x", "dbt:unique_b"],
        failed=["dbt:accepted_c"],
    )
    assert checks_section(tally).splitlines()[0] == "Checks: 1 passed, 2 warned, 1 failed"


@pytest.mark.pipeline
def test_a_warning_says_how_many_rows_which_ones_and_why(shipped_warehouse):
    results = results_of(shipped_warehouse)
    warned = results.loc[results["status"] == "warn"]
    assert not warned.empty  # the shipped report's own mistakes are warnings
    assert (warned["failing_count"] > 0).all()
    assert warned["reason"].notna().all()
    for examples in warned["failing_examples"].dropna():
        shown = json.loads(examples)
        assert 1 <= len(shown) <= EXAMPLES
        assert all(len(example) <= EXAMPLE_CHARS for example in shown)
        assert not any("@" in example for example in shown)  # no e-mail address
    # The MDO rows printed without a department: counted and named by file and row.
    blank = query(
        shipped_warehouse,
        "select source_file, source_row from raw.mdo_report where department is null "
        "order by source_row",
    )
    (row,) = warned.loc[
        (warned["suite"] == "raw_mdo_report")
        & (warned["check_name"] == "expect_column_values_to_not_be_null(department)")
    ].itertuples()
    assert row.failing_count == len(blank) > 0
    named = [json.loads(example) for example in json.loads(row.failing_examples)]
    assert [(e["source_file"], e["source_row"]) for e in named] == blank[:EXAMPLES]
    assert row.severity == "warn"


@pytest.mark.pipeline
def test_the_counts_per_suite_are_the_data_docs_counts(shipped_warehouse):
    from streamlit_app.check_results import suite_counts

    docs = shipped_warehouse.parent / "data_docs"
    counts = suite_counts(results_of(shipped_warehouse))
    assert len(counts) > 0
    for suite in counts.itertuples():
        shown = data_docs_counts(newest_validation_page(docs, suite.suite))
        assert shown == {
            "evaluated": suite.evaluated,
            "successful": suite.successful,
            "unsuccessful": suite.unsuccessful,
        }, suite.suite
    assert counts["unsuccessful"].sum() > 0  # the agreement covers failing expectations too


@pytest.mark.pipeline
def test_no_data_docs_page_references_anything_outside_the_machine(shipped_warehouse):
    docs = shipped_warehouse.parent / "data_docs"
    pages = [p for p in docs.rglob("*.html") if "vendor" not in p.parts]
    assert len(pages) > 10
    local_reference = re.compile(r"\b(?:src|href)=\"(?!#|data:|javascript:)([^\"]+)\"")
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert external_references(html) == [], page
        for target in local_reference.findall(html):
            path = target.split("?")[0].split("#")[0]
            if path:
                assert (page.parent / path).resolve().is_file(), f"{page}: {target}"
    # The fonts the icon styles ask for are there too.
    fonts = docs / "static" / "vendor" / "fontawesome" / "webfonts"
    assert (fonts / "fa-solid-900.woff2").is_file()


@pytest.mark.pipeline
def test_data_status_page_lists_what_warned_and_offers_the_docs_as_a_zip(
    shipped_warehouse, monkeypatch
):
    import io
    import zipfile

    from streamlit.testing.v1 import AppTest

    from streamlit_app.check_results import docs_zip

    monkeypatch.setenv("IGOT_WAREHOUSE", str(shipped_warehouse))
    app = AppTest.from_file(str(REPO_ROOT / "streamlit_app" / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("app_pages/data_status.py").run()
    assert not app.exception, [e.message for e in app.exception]
    results = results_of(shipped_warehouse)
    cards = {metric.label: metric.value for metric in app.metric}
    assert cards["Warned"] == str((results["status"] == "warn").sum())
    (listed,) = [f.value for f in app.dataframe if "failing_examples" in f.value.columns]
    assert len(listed) == (results["status"] != "pass").sum()
    assert set(listed["status"]) <= {"warn", "fail", "error", "skipped"}
    (per_suite,) = [f.value for f in app.dataframe if "unsuccessful" in f.value.columns]
    docs = shipped_warehouse.parent / "data_docs"
    for suite in per_suite.itertuples():
        shown = data_docs_counts(newest_validation_page(docs, suite.suite))
        assert shown["unsuccessful"] == suite.unsuccessful
    page_text = "\n".join(str(e.value) for e in [*app.markdown, *app.caption, *app.info])
    assert "file://" not in page_text
    # The ZIP holds the site, index first-level, without GX's internal result store.
    archive = zipfile.ZipFile(io.BytesIO(docs_zip(str(docs), 0)))
    names = archive.namelist()
    assert "data_docs/index.html" in names
    assert "data_docs/static/vendor/bootstrap/bootstrap.min.css" in names
    assert not any(".validation_results" in name for name in names)


# dbt runs against the build copy under a stable name (dbt_workspace.stable_database); the
# results are recorded through a connection that opens the copy under its own name.
@pytest.mark.unit
def test_a_dbt_warnings_examples_are_read_under_the_build_copys_own_name(tmp_path):
    con = duckdb.connect(str(tmp_path / "build-the-run.duckdb"))
    con.execute("create schema intermediate")
    con.execute("create table intermediate.bands as select 'Row 40 of catalogue/x.csv' as finding")
    test_id = "test.igot_warehouse.band_is_known.abc"
    manifest = {
        "nodes": {test_id: {"resource_type": "test", "name": "band_is_known", "database": "build"}}
    }
    run_results = {
        "results": [
            {
                "unique_id": test_id,
                "status": "warn",
                "failures": 1,
                "compiled_code": 'select finding from "build"."intermediate"."bands"',
            }
        ]
    }
    [row] = check_results.dbt_rows(con, run_results, manifest, "the-run")
    (example,) = json.loads(row[check_results.COLUMNS.index("failing_examples")])
    assert json.loads(example) == {"finding": "Row 40 of catalogue/x.csv"}


@pytest.mark.pipeline
def test_a_failing_dbt_test_is_recorded_with_its_failing_rows(shipped_warehouse, tmp_path):
    import shutil

    from support import run_dbt

    from dagster_project.check_results import record_dbt_results

    warehouse = tmp_path / "igot.duckdb"
    shutil.copy(shipped_warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        # A ranking edition that lists one state twice, and a test the project no longer has.
        (state,) = con.execute(
            "select state from marts.state_ranking order by state limit 1"
        ).fetchone()
        con.execute(
            "insert into marts.state_ranking select * from marts.state_ranking where state = ?",
            [state],
        )
        con.execute(
            "insert into pipeline.check_results (run_id, checked_at, tool, suite, check_id, "
            "check_name, severity, status) values ('old', now(), 'dbt', 'marts.x', "
            "'test.igot_warehouse.removed_since', 'removed_since', 'error', 'pass')"
        )
    finally:
        con.close()
    target = tmp_path / "target"
    test = "unique_combination_state_ranking_edition_date__state"
    result = run_dbt("test", "--select", test, warehouse=warehouse, target=target)
    assert result.returncode == 1, result.stdout[-2000:]  # the test fails, as it should
    con = duckdb.connect(str(warehouse))
    try:
        record_dbt_results(
            con, "the-test-run", target / "run_results.json", target / "manifest.json"
        )
    finally:
        con.close()
    results = results_of(warehouse).set_index("check_name")
    row = results.loc[test]
    assert (row["run_id"], row["status"], row["severity"]) == ("the-test-run", "fail", "error")
    assert row["suite"] == "marts.state_ranking" == row["checked_table"]
    assert row["failing_count"] == 1
    (example,) = json.loads(row["failing_examples"])
    assert json.loads(example)["state"] == state
    assert '"occurrences": 2' in example
    # The other tests keep their newest result; a test the project lost is dropped.
    assert "removed_since" not in results.index
    others = results.loc[(results["tool"] == "dbt") & (results.index != test)]
    assert len(others) > 100 and (others["run_id"] != "the-test-run").all()


@pytest.mark.pipeline
def test_a_state_spelling_the_seeds_do_not_know_warns_naming_file_and_row(
    shipped_warehouse, tmp_path
):
    """`ODISHA (ORISSA)` in a ranking, or an MDO file named `jk_…`, would be states of their
    own in the marts, their history broken off: each warns, one sentence per file and spelling."""
    import shutil

    from support import run_dbt

    warehouse = tmp_path / "igot.duckdb"
    shutil.copy(shipped_warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "insert into raw.state_ranking select * replace ('ODISHA (ORISSA)' as state, "
            "99 as source_row) from raw.state_ranking where state ilike 'odisha'"
        )
        con.execute(
            "insert into raw.mdo_report select * replace ('jk' as state) from raw.mdo_report "
            "where source_row in (2, 3)"
        )
    target = tmp_path / "target"
    result = run_dbt(
        "test", "--select", "test_name:state_is_known", warehouse=warehouse, target=target
    )
    assert result.returncode == 0, result.stdout[-2000:]  # warnings, not failures
    outcomes = json.loads((target / "run_results.json").read_text())["results"]
    assert sorted((o["status"], o["failures"]) for o in outcomes) == [("warn", 1), ("warn", 1)]
    compiled = sorted((target / "compiled").rglob("state_is_known_*.sql"))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        findings = sorted(
            con.execute(path.read_text().replace('"igot".', "")).fetchall()[0][0]
            for path in compiled
        )
    assert findings[0].startswith(
        "In mdo/bihar_2026-02-25.csv (first at row 2) the state 'jk' is in neither the states "
        "nor the state_aliases seed"
    )
    assert findings[1].startswith(
        "In ranking/ranking_2025-12-31.csv (first at row 99) the state 'ODISHA (ORISSA)'"
    )
    assert findings[1].endswith(
        "add the spelling to dbt_models/seeds/state_aliases.csv, or correct the file"
    )
