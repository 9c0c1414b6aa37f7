"""Great Expectations suites: the runner on small frames, the suite files, and the checks in a run.

Unit tests validate hand-made frames and tiny DuckDB tables. Pipeline tests validate the shipped
warehouse and run the pipeline with the suites as blocking asset checks: an error in the data
must stop publishing and say which expectation failed; warnings (the source's implausible
figures) must not, and must name the file, row and value.
"""

import csv
import hashlib
import json
import shutil
from collections import namedtuple
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml
from support import REPO_ROOT, SHIPPED_RAW, copy_warehouse, note_pipeline_run

from dagster_project.ingest.loader import LINEAGE_COLUMNS, ensure_raw_schema
from dagster_project.ingest.officer_loader import OFFICER_LINEAGE
from dagster_project.ingest.sources import OFFICER_SOURCES, SOURCES, STATE_RANKING
from expectations.runner import (
    Suite,
    SuiteFileError,
    build_data_docs,
    docs_dir_for,
    load_suite,
    load_suites,
    validate_suite,
    validate_table,
    validate_warehouse,
)

SUITES = load_suites()
MODELS_DIR = REPO_ROOT / "dbt_models" / "models"
BIHAR = "mdo/bihar_2026-02-25.csv"


def rule(expectation: str, severity: str, **kwargs) -> dict:
    return {"type": expectation, "kwargs": kwargs, "severity": severity, "meta": {"notes": "test"}}


def people_suite(*rules: dict) -> Suite:
    return Suite(
        name="people",
        table="test.people",
        asset_key=("test", "people"),
        description="A small table for the runner's tests.",
        expectations=rules,
        row_id_columns=("row",),
    )


PEOPLE_RULES = (
    rule("expect_column_values_to_not_be_null", "critical", column="name"),
    rule("expect_column_values_to_be_in_set", "critical", column="category", value_set=["A", "B"]),
    rule("expect_column_values_to_be_between", "critical", column="onboarded", min_value=0),
    rule(
        "expect_column_pair_values_a_to_be_greater_than_b",
        "warning",
        column_A="onboarded",
        column_B="active",
        or_equal=True,
    ),
)


def people(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "row": [2, 3, 4],
            "name": ["Education", "Health", "Energy"],
            "category": ["A", "B", "A"],
            "onboarded": [100, 50, 7],
            "active": [60, 50, 0],
        }
    )
    for column, values in changes.items():
        frame[column] = values
    return frame


def warehouse_connection(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the runner on small frames -------------------------------------------------------------


@pytest.mark.unit
def test_a_frame_that_meets_every_expectation_passes():
    outcome = validate_table(people(), people_suite(*PEOPLE_RULES))
    assert outcome.success, [f.describe() for f in outcome.failures]
    assert outcome.success_by_severity == {"critical": True, "warning": True}
    assert (outcome.evaluated, outcome.rows) == (len(PEOPLE_RULES), 3)


@pytest.mark.unit
def test_a_failed_critical_expectation_is_named_with_sample_values_and_blocks():
    outcome = validate_table(people(category=["A", "Z", "Q"]), people_suite(*PEOPLE_RULES))
    assert not outcome.publishable
    assert outcome.success_by_severity == {"critical": False, "warning": True}
    [failure] = outcome.critical
    assert failure.expectation == "expect_column_values_to_be_in_set"
    assert failure.kwargs["column"] == "category"
    assert failure.unexpected_count == 2
    # Each sample names the row it came from, by the suite's row id columns.
    assert failure.sample == [{"category": "Z", "row": 3}, {"category": "Q", "row": 4}]
    assert "expect_column_values_to_be_in_set(column=category)" in failure.describe()


@pytest.mark.unit
def test_a_failed_warning_is_reported_but_does_not_block():
    outcome = validate_table(people(active=[60, 51, 0]), people_suite(*PEOPLE_RULES))
    assert outcome.publishable
    assert not outcome.success
    assert outcome.success_by_severity == {"critical": True, "warning": False}
    [warning] = outcome.warnings
    assert warning.expectation == "expect_column_pair_values_a_to_be_greater_than_b"
    assert warning.sample == [{"onboarded": 50, "active": 51, "row": 3}]


@pytest.mark.unit
def test_a_missing_column_fails_its_expectation_with_the_reason():
    outcome = validate_table(people().drop(columns="name"), people_suite(*PEOPLE_RULES))
    [failure] = outcome.critical
    assert failure.kwargs["column"] == "name"
    assert "name" in failure.exception


@pytest.mark.unit
def test_a_table_that_cannot_be_read_is_critical():
    con = duckdb.connect()
    [outcome] = validate_warehouse(con, [people_suite(*PEOPLE_RULES)])
    assert not outcome.publishable
    [failure] = outcome.critical
    assert failure.expectation == "table_is_readable"
    assert "people" in failure.exception


@pytest.mark.unit
def test_validation_prints_no_progress_bars(capfd):
    validate_table(people(), people_suite(*PEOPLE_RULES))
    captured = capfd.readouterr()
    assert "it/s" not in captured.err + captured.out
    assert "Calculating Metrics" not in captured.err + captured.out


def ranking_table(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """An in-memory raw.state_ranking, as the loader creates it, holding the given rows."""
    con = duckdb.connect()
    ensure_raw_schema(con, STATE_RANKING)
    for number, (state, category, score, rank) in enumerate(rows, start=2):
        con.execute(
            "insert into raw.state_ranking values "
            "(date '2025-12-31', ?, ?, ?, ?, null, null, 'ranking/ranking_2025-12-31.csv', ?, ?, "
            "timestamp '2026-01-01 00:00:00')",
            [state, category, score, rank, "0" * 64, number],
        )
    return con


@pytest.mark.unit
def test_a_real_suite_with_derived_columns_runs_on_a_small_table():
    suite = next(s for s in SUITES if s.name == "raw_state_ranking")
    good = [("GOA", "A", 56.17, 1), ("DELHI", "A", 37.4, 2), ("BIHAR", "C", 39.09, 1)]
    assert validate_suite(ranking_table(good), suite).success

    # A printed rank out of score order is the source's mistake (warning); a fourth category
    # is outside the framework the marts rely on (critical).
    bad = [("GOA", "A", 56.17, 2), ("DELHI", "A", 37.4, 1), ("BIHAR", "D", 39.09, 1)]
    outcome = validate_suite(ranking_table(bad), suite)
    assert [f.expectation for f in outcome.critical] == ["expect_column_values_to_be_in_set"]
    assert outcome.critical[0].sample[0]["state"] == "BIHAR"
    mismatch = next(f for f in outcome.warnings if f.kwargs.get("column_B") == "score_rank")
    assert {row["state"] for row in mismatch.sample} == {"GOA", "DELHI"}


# --- the suite files ------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_every_suite_file_loads_whole(suite):
    data = json.loads(suite.path.read_text(encoding="utf-8"))
    assert suite.name == suite.path.stem
    assert len(suite.to_gx().expectations) == len(data["expectations"]) > 0


@pytest.mark.unit
@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_every_expectation_says_its_severity_and_why(suite):
    for expectation in suite.expectations:
        assert expectation["severity"] in ("critical", "warning")
        assert expectation["meta"]["notes"].strip(), expectation
        assert "severity" not in expectation["meta"], "GX's own severity field says it"
    assert [gx.severity.value for gx in suite.to_gx().expectations] == [
        e["severity"] for e in suite.expectations
    ]


def raw_columns(table: str) -> tuple[list[str], tuple[str, ...]]:
    """The columns the loader gives a raw table, and the asset that loads it.

    A table is checked on its own asset where it has one (raw/mdo_report_totals), else on the
    asset of the source that writes it.
    """
    from dagster_project.assets.raw import raw_assets

    asset_keys = {key.path[1] for asset in raw_assets for key in asset.keys}
    lineage = [column.split()[0] for column in LINEAGE_COLUMNS]
    for source in SOURCES:
        files = [f.name for f in source.file_fields]
        if table == source.name:
            return [*files, *(c.name for c in source.columns), *lineage], ("raw", source.name)
        if table == source.totals_table:
            measures = [c.name for c in source.columns if c.name not in source.total_row_labels]
            owner = table if table in asset_keys else source.name
            return [*files, *measures, *lineage], ("raw", owner)
    for source in OFFICER_SOURCES:
        if table == source.name:
            keys = ["officer_key", "key_basis"] if source.identifying_columns else []
            stored = [c.name for c in source.stored_columns]
            officer_lineage = [column.split()[0] for column in OFFICER_LINEAGE]
            files = [f.name for f in source.file_fields]
            return [*files, *stored, *keys, *officer_lineage], ("raw", source.name)
    raise AssertionError(f"raw.{table} is not a table the loader writes")


def mart_columns(table: str) -> tuple[list[str], tuple[str, ...]]:
    """The contract columns of a mart, from its dbt YAML, and its asset key."""
    [path] = MODELS_DIR.rglob(f"{table}.yml")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    [model] = [m for m in spec["models"] if m["name"] == table]
    return [c["name"] for c in model["columns"]], ("marts", table)


SHAPE_EXPECTATIONS = ("expect_table_columns_to_match_set", "expect_column_values_to_be_of_type")


def mentioned_columns(suite: Suite) -> set[str]:
    columns: set[str] = set()
    for expectation in suite.expectations:
        for name, value in expectation["kwargs"].items():
            if name.startswith("column") and name != "column_set":
                columns |= set(value) if isinstance(value, list) else {value}
    return columns


@pytest.mark.unit
@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_every_suite_checks_a_table_of_the_pipeline_with_its_columns(suite):
    schema, table = suite.table.split(".")
    columns, asset_key = raw_columns(table) if schema == "raw" else mart_columns(table)
    assert suite.asset_key == asset_key
    assert mentioned_columns(suite) <= {*columns, *suite.derived_columns}
    shape = [e for e in suite.expectations if e["type"] in SHAPE_EXPECTATIONS]
    if schema == "marts":
        # dbt owns a mart's shape: its contract fixes the columns and their types.
        assert shape == []
        return
    [column_set] = [e for e in shape if e["type"] == "expect_table_columns_to_match_set"]
    assert column_set["severity"] == "critical"
    assert column_set["kwargs"]["exact_match"] is True
    assert sorted(column_set["kwargs"]["column_set"]) == sorted([*columns, *suite.derived_columns])


def dbt_tests_by_mart() -> dict[str, list[tuple[str, str | None, dict]]]:
    """(test name, column, arguments) of every generic dbt test, by the mart it is attached to.

    A contract's not-null and `column >= 0` constraints count as the tests they replace."""
    manifest = json.loads((REPO_ROOT / "dbt_models" / "target" / "manifest.json").read_text())
    tests: dict[str, list] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        for column in node["columns"].values():
            for constraint in column.get("constraints", []):
                if constraint["type"] == "not_null":
                    name = "not_null"
                elif constraint.get("expression") == f"{column['name']} >= 0":
                    name = "non_negative"
                else:
                    continue
                tests.setdefault(node["name"], []).append((name, column["name"], {}))
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        kwargs = node["test_metadata"]["kwargs"]
        tests.setdefault(node["attached_node"].split(".")[-1], []).append(
            (
                node["test_metadata"]["name"],
                node.get("column_name"),
                kwargs.get("arguments", kwargs),
            )
        )
    return tests


def repeats_a_dbt_test(expectation: dict, dbt_tests: list) -> bool:
    """Whether a mart expectation checks what one of the mart's dbt tests already checks."""
    kwargs, kind = expectation["kwargs"], expectation["type"].removeprefix("expect_")
    if "row_condition" in kwargs:
        return False
    column = kwargs.get("column")
    same = {
        "column_values_to_not_be_null": ("not_null", None),
        "column_values_to_be_unique": ("unique", None),
        "column_values_to_be_in_set": ("accepted_values", "values"),
    }
    if kind in same:
        name, values = same[kind]
        return any(
            test == name
            and col == column
            and (values is None or args[values] == kwargs["value_set"])
            for test, col, args in dbt_tests
        )
    if kind == "compound_columns_to_be_unique":
        return any(
            test == "unique_combination" and set(args["columns"]) == set(kwargs["column_list"])
            for test, _, args in dbt_tests
        )
    if kind == "column_values_to_be_between" and kwargs.get("min_value") == 0:
        bounded = {None: "non_negative", 1: "ratio_between_zero_and_one"}
        name = bounded.get(kwargs.get("max_value"))
        return any(test == name and col == column for test, col, _ in dbt_tests)
    return False


@pytest.mark.unit
@pytest.mark.parametrize(
    "suite", [s for s in SUITES if s.table.startswith("marts.")], ids=lambda s: s.name
)
def test_no_mart_expectation_repeats_a_dbt_test(suite):
    dbt_tests = dbt_tests_by_mart()[suite.table.split(".")[1]]
    repeated = [e for e in suite.expectations if repeats_a_dbt_test(e, dbt_tests)]
    assert repeated == []


@pytest.mark.unit
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["expectations"][0].update(severity="fatal"), "severity 'fatal'"),
        (lambda s: s["expectations"][0].update(severity="info"), "severity 'info'"),
        (lambda s: s["expectations"][0].pop("severity"), "severity None"),
        (lambda s: s["meta"].pop("table"), "meta.table is missing"),
        (lambda s: s["expectations"][0]["kwargs"].update(colum="x"), "is invalid"),
        (lambda s: s["expectations"][0].update(type="expect_nothing"), "is invalid"),
    ],
)
def test_a_suite_file_with_a_mistake_is_refused_rather_than_checking_less(
    tmp_path, change, message
):
    data = json.loads((SUITES[0].path).read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{data['name']}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SuiteFileError, match=message):
        load_suite(path)


# --- Data Docs ------------------------------------------------------------------------------


@pytest.mark.unit
def test_data_docs_show_the_newest_validation_of_each_suite(tmp_path):
    docs = tmp_path / "data_docs"
    suites = [people_suite(*PEOPLE_RULES)]
    first = validate_table(people(), suites[0], run_name="run-1")
    index = build_data_docs([first], docs, suites)
    assert index == docs / "index.html"
    assert index.is_file()
    second = validate_table(people(category=["Z", "A", "A"]), suites[0], run_name="run-2")
    build_data_docs([second], docs, suites)
    pages = list((docs / "validations" / "people").rglob("*.html"))
    assert [page.relative_to(docs / "validations" / "people").parts[0] for page in pages] == [
        "run-2"
    ]
    assert (docs / "expectations" / "people.html").is_file()
    assert "run-2" in index.read_text(encoding="utf-8")


# --- the shipped data and the pipeline ------------------------------------------------------

MEASURES = [
    "onboarded", "active", "user_completions", "total_enrollments", "total_completions",
    "total_hours", "courses_attempted", "courses_passed",
]  # fmt: skip

# The seed's real defects, each a warning with its reason in the suite (see raw/README.md).
SEED_WARNINGS = {
    ("raw_marketplace_courses", "expect_compound_columns_to_be_unique", "theme,course_name"),
    ("raw_marketplace_courses", "expect_column_values_to_not_be_null", "course_link"),
    ("raw_marketplace_courses", "expect_column_values_to_match_regex", "course_link"),
    ("raw_mdo_report", "expect_column_values_to_not_be_null", "department"),
    (
        "raw_mdo_report",
        "expect_compound_columns_to_be_unique",
        "state,as_of_date,department,mdo_name",
    ),
    (
        "raw_mdo_report",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "total_completions,courses_passed",
    ),
    *(
        ("raw_mdo_report_totals", "expect_column_values_to_be_between", f"{measure}_gap")
        for measure in MEASURES
    ),
    (
        "raw_recommended_courses",
        "expect_compound_columns_to_be_unique",
        "domain,experience_band,course_name",
    ),
}


def target(kwargs: dict) -> str:
    if "column_list" in kwargs:
        return ",".join(kwargs["column_list"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    return kwargs.get("column", "")


@pytest.mark.pipeline
def test_the_shipped_warehouse_meets_every_critical_expectation(shipped_warehouse):
    con = warehouse_connection(shipped_warehouse)
    try:
        outcomes = validate_warehouse(con)
    finally:
        con.close()
    critical = [f"{o.suite.name}: {f.describe()}" for o in outcomes for f in o.critical]
    assert critical == []
    raw_warnings = {
        (o.suite.name, f.expectation, target(f.kwargs))
        for o in outcomes
        if o.suite.table.startswith("raw.")
        for f in o.warnings
    }
    assert raw_warnings == SEED_WARNINGS


def checks_for(with_dbt: bool) -> list:
    from dagster_project.assets.quality import quality_checks, raw_quality_checks

    return quality_checks if with_dbt else raw_quality_checks


def run_with_checks(raw_dir: Path, warehouse: Path, *, with_dbt: bool = True, checks=None):
    """The pipeline as support.materialize_into runs it, plus the Great Expectations checks."""
    from dagster_project.assets.publish import published_warehouse
    from dagster_project.assets.raw import raw_asset_checks, raw_assets
    from dagster_project.resources import RawFiles, Warehouse, dbt_cli

    checks = checks_for(with_dbt) if checks is None else checks
    note_pipeline_run("full" if with_dbt else "loads", with_quality=True)
    assets = [*raw_assets, *raw_asset_checks, *checks, published_warehouse]
    resources = {
        "warehouse": Warehouse(path=str(warehouse)),
        "raw_files": RawFiles(root=str(raw_dir)),
    }
    if with_dbt:
        from dagster_project.assets.dbt import dbt_models

        assets.append(dbt_models)
        resources["dbt"] = dbt_cli()
    return dg.materialize(assets, resources=resources, raise_on_error=False)


def gx_evaluations(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        e.check_name: e
        for e in result.get_asset_check_evaluations()
        if e.check_name.startswith("gx_")
    }


@pytest.mark.pipeline
def test_every_suite_is_a_blocking_check_on_an_asset_of_the_pipeline():
    from dagster_project.assets.dbt import dbt_models
    from dagster_project.assets.publish import published_warehouse
    from dagster_project.assets.quality import quality_checks
    from dagster_project.assets.raw import raw_assets
    from dagster_project.resources import RawFiles, Warehouse, dbt_cli

    defs = dg.Definitions(
        assets=[*raw_assets, dbt_models, published_warehouse],
        asset_checks=quality_checks,
        resources={
            "warehouse": Warehouse(),
            "raw_files": RawFiles(),
            "dbt": dbt_cli(),
        },
    )
    dg.Definitions.validate_loadable(defs)
    specs = [spec for check in quality_checks for spec in check.check_specs]
    assert {(spec.asset_key, spec.name) for spec in specs} == {
        (dg.AssetKey(list(s.asset_key)), f"gx_{s.name}") for s in SUITES
    }
    assert all(spec.blocking for spec in specs)


RANKING = "ranking/ranking_2025-12-31.csv"
BIPARD = "Bihar Institute of Public Administration and Rural Development (BIPARD), Bihar"
EDUCATION = "Education Department, Bihar"


def set_cell(raw_dir: Path, relative: str, key: str, column: str, value: str) -> None:
    """Change one cell of a delivered CSV: the row whose first or second cell is `key`."""
    path = raw_dir / relative
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    [row] = [r for r in rows[1:] if key in r[:2]]
    row[rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def failing(check: dg.AssetCheckEvaluation, column: str) -> dict:
    [failure] = [
        f
        for f in check.metadata["failing_expectations"].value
        if column in (f["kwargs"].get("column"), f["kwargs"].get("column_B"))
        and f["expectation"] != "expect_column_values_to_not_be_null"
    ]
    return failure


Published = namedtuple("Published", "raw warehouse result")


@pytest.fixture(scope="module")
def published_with_findings(tmp_path_factory) -> Published:
    """The shipped raw/ files with two mistakes of the kind a delivered report makes, run
    through the whole pipeline and its checks once: a printed % Course Passed of 150% (BIPARD,
    row 2) and more active users than onboarded ones (Education, row 3). The tests read it; the
    blocking test works on copies."""
    root = tmp_path_factory.mktemp("findings")
    raw = root / "raw"
    shutil.copytree(SHIPPED_RAW, raw)
    set_cell(raw, BIHAR, BIPARD, "% Course Passed", "150%")
    set_cell(raw, BIHAR, EDUCATION, "Active", "293308")
    warehouse = root / "wh" / "igot.duckdb"
    result = run_with_checks(raw, warehouse)
    return Published(raw, warehouse, result)


@pytest.mark.pipeline
def test_implausible_figures_in_a_delivered_file_are_published_as_findings(
    published_with_findings,
):
    warehouse, result = published_with_findings.warehouse, published_with_findings.result

    # The run publishes: the source's figures are findings, not a blocked month.
    assert result.success
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["published_warehouse"]) in built
    checks = gx_evaluations(result)
    assert set(checks) == {f"gx_{s.name}" for s in SUITES}
    assert all(c.passed or c.severity == dg.AssetCheckSeverity.WARN for c in checks.values())
    assert (docs_dir_for(warehouse) / "index.html").is_file()

    # The warnings name the file, the row and the value.
    raw_check = checks["gx_raw_mdo_report"]
    assert (raw_check.passed, raw_check.severity) == (False, dg.AssetCheckSeverity.WARN)
    percentage = failing(raw_check, "pct_course_passed")
    assert percentage["severity"] == "warning"
    assert {"pct_course_passed": 150.0, "source_file": BIHAR, "source_row": 2} in percentage[
        "sample"
    ]
    active = failing(raw_check, "active")
    assert active["severity"] == "warning"
    assert {"onboarded": 293307, "active": 293308, "source_file": BIHAR, "source_row": 3} in active[
        "sample"
    ]
    mart_check = checks["gx_marts_mdo_snapshot"]
    assert mart_check.severity == dg.AssetCheckSeverity.WARN
    assert failing(mart_check, "activation_rate")["severity"] == "warning"

    con = warehouse_connection(warehouse)
    try:
        # Loaded as reported, excluded from nothing.
        assert con.execute(
            "select active, activation_rate > 1, pct_course_passed_printed "
            "from marts.mdo_snapshot where source_file = ? and source_row in (2, 3) "
            "order by source_row",
            [BIHAR],
        ).fetchall() == [(23669, False, 150.0), (293308, True, 79.7)]
        # And flagged in the review with file, row and value.
        findings = dict(
            con.execute(
                "select source_row, evidence from marts.org_mapping_issues "
                "where issue_type = 'impossible_figures' and source_file = ? and is_open",
                [BIHAR],
            ).fetchall()
        )
    finally:
        con.close()
    assert "printed % passed 150.00 is over 100" in findings[2]
    assert "active 293308 > onboarded 293307" in findings[3]


@pytest.mark.pipeline
def test_a_critical_failure_blocks_publishing_and_the_check_names_the_expectation(
    tmp_path, published_with_findings
):
    # The warehouse as published with its findings, and the files it was built from.
    raw = tmp_path / "raw"
    shutil.copytree(published_with_findings.raw, raw)
    warehouse = copy_warehouse(published_with_findings.warehouse, tmp_path / "wh")
    published = digest(warehouse)

    # A category D: outside the framework (A, B, C) every ranking mart is built on.
    set_cell(raw, RANKING, "CHANDIGARH", "Bucket", "D")
    blocked = run_with_checks(raw, warehouse)
    assert not blocked.success
    check = gx_evaluations(blocked)["gx_raw_state_ranking"]
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR
    failing_expectations = check.metadata["failing_expectations"].value
    [critical] = [f for f in failing_expectations if f["severity"] == "critical"]
    assert critical["expectation"] == "expect_column_values_to_be_in_set"
    assert critical["kwargs"] == {"column": "category", "value_set": ["A", "B", "C"]}
    assert critical["sample"] == [
        {"category": "D", "source_file": RANKING, "source_row": 2, "state": "CHANDIGARH"}
    ]
    assert "expect_column_values_to_be_in_set" in check.metadata["summary"].value
    # What `make run` prints names the expectation, the file and the row, not the check.
    from dagster_project.cli import failures

    [told] = failures(blocked, tmp_path)
    assert told.startswith(
        "gx_raw_suites: critical checks failed, so nothing was published: raw.state_ranking: "
        "[critical] expect_column_values_to_be_in_set(column=category): 1 unexpected"
    ), told
    assert f"'source_file': '{RANKING}', 'source_row': 2" in told
    assert told.endswith("then run again")

    # Nothing downstream ran, and the published file is byte for byte the good one.
    built = {e.asset_key for e in blocked.get_asset_materialization_events()}
    assert dg.AssetKey(["published_warehouse"]) not in built
    assert dg.AssetKey(["marts", "state_ranking"]) not in built
    assert digest(warehouse) == published
    # The Data Docs say why: this run's validation of the ranking is on the site.
    run_pages = docs_dir_for(warehouse) / "validations" / "raw_state_ranking" / blocked.run_id
    assert list(run_pages.rglob("*.html"))
    assert check.metadata["data_docs"].value == str(docs_dir_for(warehouse) / "index.html")


@pytest.mark.pipeline
def test_the_raw_checks_run_without_dbt_on_the_shipped_files(tmp_path):
    warehouse = tmp_path / "raw_only" / "igot.duckdb"
    result = run_with_checks(SHIPPED_RAW, warehouse, with_dbt=False)
    assert result.success
    checks = gx_evaluations(result)
    assert set(checks) == {f"gx_{s.name}" for s in SUITES if s.asset_key[0] == "raw"}
    assert all(c.passed or c.severity == dg.AssetCheckSeverity.WARN for c in checks.values())


@pytest.mark.pipeline
def test_an_error_on_a_mart_blocks_publishing_too(shipped_copy):
    from dagster_project.assets.quality import build_suite_check

    # A stricter framework than the real one: the shipped ranking's category C breaks it.
    two_categories = Suite(
        name="marts_state_ranking_two_categories",
        table="marts.state_ranking",
        asset_key=("marts", "state_ranking"),
        description="Only categories A and B.",
        expectations=(
            rule(
                "expect_column_values_to_be_in_set",
                "critical",
                column="category",
                value_set=["A", "B"],
            ),
        ),
        row_id_columns=("state",),
    )
    warehouse = shipped_copy  # the shipped raw/ files, published
    published = digest(warehouse)
    result = run_with_checks(SHIPPED_RAW, warehouse, checks=[build_suite_check(two_categories)])
    assert not result.success
    check = gx_evaluations(result)["gx_marts_state_ranking_two_categories"]
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.ERROR)
    [failure] = check.metadata["failing_expectations"].value
    assert failure["unexpected_count"] == 9  # the nine category C states
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "state_ranking"]) in built
    assert dg.AssetKey(["published_warehouse"]) not in built
    assert digest(warehouse) == published
