"""The benchmark's own parts: the memory sampler, the report, the targets and the floor script."""

import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from support import SHIPPED_RAW

# `bench` is not an installed package: pytest's `pythonpath` puts the repository root first.
from bench import report
from bench.floor import build_floor, render
from bench.measure import MB, TreeRssSampler, run_measured
from bench.scenarios import latest_month_files, latest_officer_day, stage_rates

# A parent that starts a child which holds 200 MB, so only a sampler that follows descendants
# sees it.
ALLOCATING_CHILD = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c",
    "import time; block = b'x' * (200 * 1024 * 1024); time.sleep(1.5)"])
child.wait()
"""


@pytest.mark.unit
def test_rss_sampler_sees_the_memory_of_a_child_process():
    measured = run_measured([sys.executable, "-c", ALLOCATING_CHILD], interval=0.05)
    assert measured.ok
    assert measured.peak_rss_mb > 200


@pytest.mark.unit
def test_rss_sampler_of_a_small_process_stays_small():
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.5)"])
    with TreeRssSampler(process.pid) as sampler:
        process.wait()
    assert sampler.samples >= 2
    assert 0 < sampler.peak_bytes < 150 * MB


@pytest.mark.unit
def test_a_command_past_its_timeout_is_killed_and_reported_failed():
    start = time.perf_counter()
    measured = run_measured([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert not measured.ok
    assert time.perf_counter() - start < 10


def size_result(size: str, **overrides) -> dict:
    result = {
        "size": size,
        "data": {"mdo_snapshot_rows": 1_234_567},
        "pipeline": {
            "wall_seconds": 300.0,
            "peak_rss_mb": 1500.0,
            "stages": stage_rates(
                {
                    "ingest": {"seconds": 10.0, "rows": 1_000_000},
                    "dbt": {"seconds": 100.0, "rows": 5_000_000},
                    "checks": {"seconds": 50.0, "rows": 2_000_000},
                    "publish": {"seconds": 2.0, "rows": 0},
                }
            ),
        },
        "floor": {"wall_seconds": 60.0, "peak_rss_mb": 800.0},
        "ratio_pipeline_to_floor": 5.0,
        "no_change": {"wall_seconds": 4.2, "skipped": True},
        "sensor_tick": {"no_change_tick_seconds": 0.012},
        "incremental": {"wall_seconds": 30.0, "percent_of_full": 10.0},
        "dashboard": {"heaviest": {"page": "departments", "median_ms": 120.0, "sql": "select 1"}},
        "errors": [],
    }
    result.update(overrides)
    return result


@pytest.mark.unit
def test_stage_rates_are_rows_per_second_and_none_without_time():
    rates = stage_rates(
        {"dbt": {"seconds": 4.0, "rows": 100}, "publish": {"seconds": 0, "rows": 5}}
    )
    assert rates["dbt"]["rows_per_second"] == 25.0
    assert rates["publish"]["rows_per_second"] is None


@pytest.mark.unit
def test_targets_pass_and_miss_against_their_limits():
    verdicts = {v["target"]: v for v in report.evaluate([size_result("large")])}
    assert verdicts["floor_ratio"]["verdict"] == "MISS"  # 5x the floor, limit 2.5x
    assert verdicts["peak_rss"]["verdict"] == "PASS"
    assert verdicts["incremental"]["verdict"] == "PASS"
    assert verdicts["no_change"]["verdict"] == "PASS"
    assert verdicts["dashboard_query"]["verdict"] == "PASS"


@pytest.mark.unit
def test_targets_for_large_only_are_not_judged_on_small_and_missing_values_are_said():
    small = size_result("small", incremental={}, ratio_pipeline_to_floor=40.0)
    verdicts = {v["target"]: v["verdict"] for v in report.evaluate([small])}
    assert verdicts["floor_ratio"] == "MISS"  # judged on every size: 40x the floor
    assert verdicts["dashboard_query"] == "n/a"
    assert verdicts["incremental"] == "n/a"
    medium = size_result("medium", incremental={})
    verdicts = {v["target"]: v["verdict"] for v in report.evaluate([medium])}
    assert verdicts["incremental"] == "not measured"


@pytest.mark.unit
def test_peak_rss_target_takes_the_largest_pipeline_peak():
    result = size_result(
        "medium", incremental={"run": {"peak_rss_mb": 5000.0}, "percent_of_full": 9.0}
    )
    verdicts = {v["target"]: v for v in report.evaluate([result])}
    assert verdicts["peak_rss"]["value"] == 5000.0
    assert verdicts["peak_rss"]["verdict"] == "MISS"


@pytest.mark.unit
def test_summary_table_has_one_aligned_line_per_size():
    text = report.format_summary([size_result("small"), size_result("large")])
    lines = text.splitlines()
    assert len(lines) == 4  # header, rule, two sizes
    assert lines[0].startswith("size")
    assert len({len(line) for line in lines[:2]}) == 1
    large = lines[3]
    assert large.startswith("large")
    assert "1.23M" in large  # MDO rows
    assert "300.0" in large and "60.00" in large and "5.0x" in large
    assert "1500/800" in large
    assert "100k/50k/40k/0" in large  # rows per second: ingest/dbt/checks/publish
    assert "4.2 (skipped)" in large
    assert "30.0 (10.0%)" in large


@pytest.mark.unit
def test_table_aligns_numbers_right_and_text_left():
    text = report.format_table(("name", "value"), [["a", "1"], ["longer", "100"]])
    assert text.splitlines() == ["name    value", "------  -----", "a           1", "longer    100"]


@pytest.mark.unit
def test_compact_numbers():
    assert report.compact(None) == "-"
    assert report.compact(950) == "950"
    assert report.compact(12_345) == "12.3k"
    assert report.compact(4_560_000) == "4.56M"


@pytest.mark.unit
def test_verdict_listing_leaves_out_targets_that_do_not_apply():
    verdicts = report.evaluate([size_result("small", incremental={})])
    listed = report.format_verdicts(verdicts)
    assert "no-change re-run under 10 s" in listed
    assert "within 3x" not in listed
    assert "PASS" in listed


@pytest.mark.unit
def test_the_newest_month_is_held_back_for_the_incremental_run(tmp_path):
    for name in (
        "mdo/bihar_2026-01-31_synthetic.csv",
        "mdo/bihar_2026-02-28_synthetic.csv",
        "mdo/goa_2026-02-28_synthetic.csv",
        "ranking/ranking_2025-12-31_synthetic.csv",
        "ranking/ranking_2026-01-31_synthetic.csv",
        "reference/state_categories.csv",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    held_back = {p.relative_to(tmp_path).as_posix() for p in latest_month_files(tmp_path)}
    assert held_back == {
        "mdo/bihar_2026-02-28_synthetic.csv",
        "mdo/goa_2026-02-28_synthetic.csv",
        "ranking/ranking_2026-01-31_synthetic.csv",
    }


@pytest.mark.unit
def test_the_newest_officer_date_is_held_back_for_the_next_day_run(tmp_path):
    for name in ("bihar_2026-03-26", "bihar_2026-04-02", "goa_2026-04-02", "goa_2026-03-26"):
        (tmp_path / "officers" / name).mkdir(parents=True)
    held_back = {p.name for p in latest_officer_day(tmp_path)}
    assert held_back == {"bihar_2026-04-02", "goa_2026-04-02"}
    for name in ("bihar_2026-03-26", "goa_2026-03-26"):
        (tmp_path / "officers" / name).rmdir()
    assert latest_officer_day(tmp_path) == []  # one date: no next day


@pytest.mark.unit
def test_the_officer_targets_are_judged_on_bihar_only():
    bihar = size_result(
        "bihar",
        ratio_pipeline_to_floor=2.8,
        incremental={},
        next_officer_day={
            "base": {"peak_rss_mb": 3900.0},
            "run": {"peak_rss_mb": 4200.0},
            "percent_of_base": 80.0,
        },
    )
    verdicts = {v["target"]: v for v in report.evaluate([bihar])}
    assert verdicts["officer_floor_ratio"]["verdict"] == "PASS"  # 2.8x, limit 3x
    assert verdicts["officer_peak_rss"]["value"] == 4200.0
    assert verdicts["officer_peak_rss"]["verdict"] == "MISS"
    assert verdicts["next_officer_day"]["verdict"] == "MISS"  # 80% of day 1, limit 50%
    assert verdicts["floor_ratio"]["verdict"] == verdicts["peak_rss"]["verdict"] == "n/a"
    large = {v["target"]: v["verdict"] for v in report.evaluate([size_result("large")])}
    assert large["officer_floor_ratio"] == large["next_officer_day"] == "n/a"


@pytest.mark.unit
def test_floor_sql_has_only_its_placeholders_filled():
    sql = render(Path("/data/raw"), Path("/data/seeds"))
    assert "'/data/raw/mdo/*.csv'" in sql
    assert "/data/seeds/states.csv" in sql
    assert "{raw_dir}" not in sql and "{seeds_dir}" not in sql
    assert r"\d{4}-\d{2}-\d{2}" in sql  # regular expressions keep their braces


@pytest.mark.pipeline
def test_floor_on_the_shipped_raw_files_loads_and_quarantines_what_the_pipeline_does(tmp_path):
    out = tmp_path / "floor.duckdb"
    result = build_floor(SHIPPED_RAW, out)
    rows = result["rows"]
    assert rows["raw.mdo_report"] == 96
    assert rows["marts.mdo_snapshot"] == rows["raw.mdo_report"]
    assert rows["raw.quarantine"] == 4
    assert rows["raw.mdo_report_totals"] == 1
    assert rows["marts.state_ranking"] == 36
    con = duckdb.connect(str(out), read_only=True)
    try:
        reasons = [r[0] for r in con.execute("select reason from raw.quarantine").fetchall()]
        issue_types = dict(
            con.execute(
                "select issue_type, count(*) from marts.org_mapping_issues group by all"
            ).fetchall()
        )
    finally:
        con.close()
    assert all("were expected" in reason for reason in reasons)
    # The same findings the pipeline's review raises for these rules on the shipped report.
    assert issue_types["unparsed_row"] == 4
    assert issue_types["totals_mismatch"] == 8
    assert issue_types["duplicate_mdo"] == 7


@pytest.mark.pipeline
def test_floor_reads_the_same_content_under_a_second_name_once(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW, raw)
    shutil.copy(raw / "mdo" / "bihar_2026-02-25.csv", raw / "mdo" / "bihar_2026-03-31.csv")
    out = tmp_path / "floor.duckdb"
    result = build_floor(raw, out)
    assert result["rows"]["marts.mdo_snapshot"] == 96
    con = duckdb.connect(str(out), read_only=True)
    try:
        duplicates = con.execute(
            "select source_file from marts.org_mapping_issues where issue_type = 'duplicate_file'"
        ).fetchall()
    finally:
        con.close()
    assert duplicates == [("mdo/bihar_2026-03-31.csv",)]


@pytest.mark.pipeline
def test_the_sensor_tick_runs_on_the_shipped_files_with_their_warehouse(shipped_warehouse):
    """The bench's tick evaluates the real sensor with the resources it needs: the first tick
    asks for a run for the delivered files, the unchanged second asks for none."""
    from bench.sensor_tick import ticks

    measured = ticks(SHIPPED_RAW, shipped_warehouse)
    assert measured["files"] > 0
    assert measured["first_tick_run_requests"] == 1
    assert measured["no_change_tick_run_requests"] == 0
