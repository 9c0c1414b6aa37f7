"""Great Expectations suites: the runner on small frames, the suite files, and the checks in a run.

Unit tests validate hand-made frames and tiny DuckDB tables. Pipeline tests validate the shipped
warehouse and run the pipeline with the suites as blocking asset checks: an error in the data
must stop publishing and say which expectation failed; warnings must not.
"""

import csv
import hashlib
import json
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest
import yaml
from conftest import REPO_ROOT, SHIPPED_RAW

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
    return {"type": expectation, "kwargs": kwargs, "meta": {"severity": severity, "notes": "test"}}


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
    rule("expect_column_values_to_not_be_null", "error", column="name"),
    rule("expect_column_values_to_be_in_set", "error", column="category", value_set=["A", "B"]),
    rule("expect_column_values_to_be_between", "error", column="onboarded", min_value=0),
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
    assert outcome.success_by_severity == {"error": True, "warning": True}
    assert (outcome.evaluated, outcome.rows) == (len(PEOPLE_RULES), 3)


@pytest.mark.unit
def test_a_failed_error_expectation_is_named_with_sample_values_and_blocks():
    outcome = validate_table(people(category=["A", "Z", "Q"]), people_suite(*PEOPLE_RULES))
    assert not outcome.publishable
    assert outcome.success_by_severity == {"error": False, "warning": True}
    [failure] = outcome.errors
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
    assert outcome.success_by_severity == {"error": True, "warning": False}
    [warning] = outcome.warnings
    assert warning.expectation == "expect_column_pair_values_a_to_be_greater_than_b"
    assert warning.sample == [{"onboarded": 50, "active": 51, "row": 3}]


@pytest.mark.unit
def test_a_missing_column_fails_its_expectation_with_the_reason():
    outcome = validate_table(people().drop(columns="name"), people_suite(*PEOPLE_RULES))
    [failure] = outcome.errors
    assert failure.kwargs["column"] == "name"
    assert "name" in failure.exception


@pytest.mark.unit
def test_a_table_that_cannot_be_read_is_an_error():
    con = duckdb.connect()
    [outcome] = validate_warehouse(con, [people_suite(*PEOPLE_RULES)])
    assert not outcome.publishable
    [failure] = outcome.errors
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
    # is outside the framework the marts rely on (error).
    bad = [("GOA", "A", 56.17, 2), ("DELHI", "A", 37.4, 1), ("BIHAR", "D", 39.09, 1)]
    outcome = validate_suite(ranking_table(bad), suite)
    assert [f.expectation for f in outcome.errors] == ["expect_column_values_to_be_in_set"]
    assert outcome.errors[0].sample[0]["state"] == "BIHAR"
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
        assert expectation["meta"]["severity"] in ("error", "warning")
        assert expectation["meta"]["notes"].strip(), expectation


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


@pytest.mark.unit
@pytest.mark.parametrize("suite", SUITES, ids=lambda s: s.name)
def test_every_suite_checks_a_table_of_the_pipeline_with_its_contract_columns(suite):
    schema, table = suite.table.split(".")
    columns, asset_key = raw_columns(table) if schema == "raw" else mart_columns(table)
    assert suite.asset_key == asset_key
    [column_set] = [
        e for e in suite.expectations if e["type"] == "expect_table_columns_to_match_set"
    ]
    assert column_set["meta"]["severity"] == "error"
    assert column_set["kwargs"]["exact_match"] is True
    assert sorted(column_set["kwargs"]["column_set"]) == sorted([*columns, *suite.derived_columns])


@pytest.mark.unit
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["expectations"][0]["meta"].update(severity="fatal"), "severity 'fatal'"),
        (lambda s: s["expectations"][0]["meta"].pop("severity"), "severity None"),
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
def test_the_shipped_warehouse_meets_every_error_expectation(shipped_warehouse):
    con = warehouse_connection(shipped_warehouse)
    try:
        outcomes = validate_warehouse(con)
    finally:
        con.close()
    errors = [f"{o.suite.name}: {f.describe()}" for o in outcomes for f in o.errors]
    assert errors == []
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
    """The pipeline as conftest.materialize_into runs it, plus the Great Expectations checks."""
    from dagster_dbt import DbtCliResource

    from dagster_project.assets.publish import published_warehouse
    from dagster_project.assets.raw import raw_asset_checks, raw_assets
    from dagster_project.resources import RawFiles
    from dagster_project.warehouse import Warehouse

    checks = checks_for(with_dbt) if checks is None else checks
    assets = [*raw_assets, *raw_asset_checks, *checks, published_warehouse]
    resources = {
        "warehouse": Warehouse(path=str(warehouse)),
        "raw_files": RawFiles(root=str(raw_dir)),
    }
    if with_dbt:
        from dagster_project.assets.dbt import dbt_models, dbt_project

        assets.append(dbt_models)
        resources["dbt"] = DbtCliResource(project_dir=dbt_project)
    return dg.materialize(assets, resources=resources, raise_on_error=False)


def gx_evaluations(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {
        e.check_name: e
        for e in result.get_asset_check_evaluations()
        if e.check_name.startswith("gx_")
    }


@pytest.mark.pipeline
def test_every_suite_is_a_blocking_check_on_an_asset_of_the_pipeline():
    from dagster_dbt import DbtCliResource

    from dagster_project.assets.dbt import dbt_models, dbt_project
    from dagster_project.assets.publish import published_warehouse
    from dagster_project.assets.quality import quality_checks
    from dagster_project.assets.raw import raw_assets
    from dagster_project.resources import RawFiles
    from dagster_project.warehouse import Warehouse

    defs = dg.Definitions(
        assets=[*raw_assets, dbt_models, published_warehouse],
        asset_checks=quality_checks,
        resources={
            "warehouse": Warehouse(),
            "raw_files": RawFiles(),
            "dbt": DbtCliResource(project_dir=dbt_project),
        },
    )
    dg.Definitions.validate_loadable(defs)
    specs = [spec for check in quality_checks for spec in check.check_specs]
    assert {(spec.asset_key, spec.name) for spec in specs} == {
        (dg.AssetKey(list(s.asset_key)), f"gx_{s.name}") for s in SUITES
    }
    assert all(spec.blocking for spec in specs)


def set_printed_pass_percentage(raw_dir: Path, mdo_name: str, percentage: str) -> None:
    path = raw_dir / BIHAR
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    [row] = [r for r in rows if r[1] == mdo_name]
    row[10] = percentage
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.pipeline
def test_an_error_in_the_data_blocks_publishing_and_the_check_names_the_expectation(
    tmp_path, raw_copy
):
    warehouse = tmp_path / "wh" / "igot.duckdb"
    good = run_with_checks(raw_copy, warehouse)
    assert good.success
    checks = gx_evaluations(good)
    assert set(checks) == {f"gx_{s.name}" for s in SUITES}
    # The seed's defects are warnings: reported, and the run still publishes.
    assert not checks["gx_raw_mdo_report"].passed
    assert checks["gx_raw_mdo_report"].severity == dg.AssetCheckSeverity.WARN
    index = docs_dir_for(warehouse) / "index.html"
    assert index.is_file()
    published = digest(warehouse)

    # 682.7% for BIPARD's 68.27%: a percentage outside 0-100, as when cells shift columns.
    bipard = "Bihar Institute of Public Administration and Rural Development (BIPARD), Bihar"
    set_printed_pass_percentage(raw_copy, bipard, "682.7%")
    blocked = run_with_checks(raw_copy, warehouse)
    assert not blocked.success
    check = gx_evaluations(blocked)["gx_raw_mdo_report"]
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR
    failing = check.metadata["failing_expectations"].value
    [error] = [f for f in failing if f["severity"] == "error"]
    assert error["expectation"] == "expect_column_values_to_be_between"
    assert error["kwargs"] == {"column": "pct_course_passed", "min_value": 0, "max_value": 100}
    assert error["sample"] == [{"pct_course_passed": 682.7, "source_file": BIHAR, "source_row": 2}]
    assert "expect_column_values_to_be_between" in check.metadata["summary"].value

    # Nothing downstream ran, and the published file is byte for byte the good one.
    built = {e.asset_key for e in blocked.get_asset_materialization_events()}
    assert dg.AssetKey(["published_warehouse"]) not in built
    assert digest(warehouse) == published
    # The Data Docs say why: this run's validation of the MDO report is on the site.
    run_pages = docs_dir_for(warehouse) / "validations" / "raw_mdo_report" / blocked.run_id
    assert list(run_pages.rglob("*.html"))
    assert check.metadata["data_docs"].value == str(index)


@pytest.mark.pipeline
def test_the_raw_checks_run_without_dbt_on_the_shipped_files(tmp_path):
    warehouse = tmp_path / "raw_only" / "igot.duckdb"
    result = run_with_checks(SHIPPED_RAW, warehouse, with_dbt=False)
    assert result.success
    checks = gx_evaluations(result)
    assert set(checks) == {f"gx_{s.name}" for s in SUITES if s.asset_key[0] == "raw"}
    assert all(c.passed or c.severity == dg.AssetCheckSeverity.WARN for c in checks.values())


@pytest.mark.pipeline
def test_an_error_on_a_mart_blocks_publishing_too(tmp_path):
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
                "error",
                column="category",
                value_set=["A", "B"],
            ),
        ),
        row_id_columns=("state",),
    )
    warehouse = tmp_path / "wh" / "igot.duckdb"
    result = run_with_checks(SHIPPED_RAW, warehouse, checks=[build_suite_check(two_categories)])
    assert not result.success
    check = gx_evaluations(result)["gx_marts_state_ranking_two_categories"]
    assert (check.passed, check.severity) == (False, dg.AssetCheckSeverity.ERROR)
    [failure] = check.metadata["failing_expectations"].value
    assert failure["unexpected_count"] == 9  # the nine category C states
    built = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["marts", "state_ranking"]) in built
    assert dg.AssetKey(["published_warehouse"]) not in built
    assert not warehouse.exists()
