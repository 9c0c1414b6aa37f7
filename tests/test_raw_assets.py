"""The raw assets on real files: exact counts, nothing lost, idempotent, safe on bad input."""

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
from support import REPO_ROOT, SHIPPED_RAW, materialize_into

from dagster_project.ingest.sources import OFFICER_SOURCES, SOURCES
from dagster_project.progress import DBT_NODE_DONE

pytestmark = pytest.mark.pipeline

BIHAR = "mdo/bihar_2026-02-25.csv"
MEASURES = [
    "onboarded", "active", "user_completions", "total_enrollments", "total_completions",
    "total_hours", "courses_attempted", "courses_passed",
]  # fmt: skip


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def printed_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def published(shipped_loads_copy: Path, raw_copy: Path) -> Path:
    """A warehouse published once from raw/ as in `raw_copy` (loads only, no dbt): a private
    copy of the one built once per test run."""
    return shipped_loads_copy


@pytest.mark.parametrize(
    ("table", "rows"),
    [
        ("mdo_report", 96),
        ("mdo_report_totals", 1),
        ("state_ranking", 36),
        ("marketplace_courses", 124),
        ("recommended_courses", 38),
        ("state_categories", 3),
        ("mandates", 2),
        ("quarantine", 4),
    ],
)
def test_shipped_files_load_exact_row_counts(shipped_warehouse, table, rows):
    assert query(shipped_warehouse, f"select count(*) from raw.{table}") == [(rows,)]


def test_ragged_bihar_rows_are_quarantined_with_their_reason(shipped_warehouse):
    rows = query(
        shipped_warehouse,
        "select source_file, source_row, reason, raw_cells->>1 from raw.quarantine order by 2",
    )
    twelve = "12 cells where 11 were expected"
    assert rows == [
        (BIHAR, 98, "13 cells where 11 were expected", "District Gopalganj, Bihar"),
        (BIHAR, 99, twelve, "Real Estate Regulatory Authority RERA Bihar"),
        (BIHAR, 100, twelve, "Sugarcane Industries Department Bihar"),
        (BIHAR, 101, twelve, "Directorate of Provident Fund"),
    ]


def test_nothing_is_lost_loaded_plus_quarantined_equals_the_printed_rows(shipped_warehouse):
    rows = printed_rows(SHIPPED_RAW / BIHAR)
    data_rows, total_row = rows[:-1], rows[-1]
    printed_onboarded = sum(int(row[2]) for row in data_rows)
    loaded = query(shipped_warehouse, "select sum(onboarded) from raw.mdo_report")[0][0]
    quarantined = query(
        shipped_warehouse, "select sum(cast(raw_cells->>2 as bigint)) from raw.quarantine"
    )[0][0]
    assert loaded + quarantined == printed_onboarded
    kept_total = query(shipped_warehouse, "select onboarded from raw.mdo_report_totals")
    assert kept_total == [(int(total_row[2]),)] == [(1389815,)]


def test_rows_carry_lineage(shipped_warehouse):
    sha = file_digest(SHIPPED_RAW / BIHAR)
    row = query(
        shipped_warehouse,
        "select source_file, file_sha256, source_row, loaded_at is not null, state, as_of_date "
        "from raw.mdo_report where mdo_name = 'Water Resources Department, Bihar'",
    )
    assert [r[:5] for r in row] == [(BIHAR, sha, 14, True, "bihar")]
    assert str(row[0][5]) == "2026-02-25"


def test_water_resources_row_has_the_printed_figures(shipped_warehouse):
    row = query(
        shipped_warehouse,
        "select onboarded, active, total_enrollments, total_completions, pct_course_passed "
        "from raw.mdo_report where mdo_name = 'Water Resources Department, Bihar'",
    )
    assert row == [(1219, 1077, 44107, 31973, 83.38)]


def test_rerun_on_the_same_files_changes_nothing(published, raw_copy):
    tables = ["mdo_report", "mdo_report_totals", "quarantine", "file_loads", "state_ranking"]
    before = {t: query(published, f"select * from raw.{t} order by all") for t in tables}
    result = materialize_into(raw_copy, published, with_dbt=False, with_quality=False)
    assert result.success
    after = {t: query(published, f"select * from raw.{t} order by all") for t in tables}
    assert after == before  # loaded_at included: nothing was loaded again
    changed = [
        event.materialization.metadata["files_changed"].value
        for event in result.get_asset_materialization_events()
        if "files_changed" in event.materialization.metadata
    ]
    # One materialisation per source, and one per officer table (no officer files here).
    assert changed == [0] * (len(SOURCES) + len(OFFICER_SOURCES))


def test_a_corrected_file_replaces_its_rows(published, raw_copy):
    path = raw_copy / BIHAR
    path.write_text(path.read_text(encoding="utf-8").replace(",1219,1077,", ",1220,1077,"))
    assert materialize_into(raw_copy, published, with_dbt=False, with_quality=False).success
    rows = query(
        published,
        "select onboarded from raw.mdo_report where mdo_name = 'Water Resources Department, Bihar'",
    )
    assert rows == [(1220,)]
    assert query(published, "select count(*) from raw.mdo_report") == [(96,)]
    assert query(published, "select count(*) from raw.quarantine") == [(4,)]


def test_the_same_content_under_a_second_name_is_loaded_once_and_flagged(published, raw_copy):
    shutil.copy(raw_copy / BIHAR, raw_copy / "mdo" / "bihar_2026-03-25.csv")
    assert materialize_into(raw_copy, published, with_dbt=False, with_quality=False).success
    assert query(published, "select count(*) from raw.mdo_report") == [(96,)]
    flagged = query(
        published,
        "select source_file, status, duplicate_of from raw.file_loads "
        "where duplicate_of is not null",
    )
    assert flagged == [("mdo/bihar_2026-03-25.csv", "duplicate_content", BIHAR)]


def break_missing_column(raw: Path) -> None:
    path = raw / BIHAR
    path.write_text(path.read_text(encoding="utf-8").replace("Total Hours", "Hours Spent", 1))


def break_encoding(raw: Path) -> None:
    (raw / BIHAR).write_bytes((raw / BIHAR).read_bytes().replace(b"Bihar", b"Bih\xe4r", 1))


def break_unknown_folder(raw: Path) -> None:
    (raw / "letters").mkdir()
    (raw / "letters" / "annexure_1.csv").write_text("State\n")


def break_empty(raw: Path) -> None:
    (raw / "ranking" / "ranking_2026-01-31.csv").write_text("")


def add_march(raw: Path) -> str:
    """A good new file delivered beside the bad one: it must publish."""
    march = "mdo/bihar_2026-03-31.csv"
    text = (raw / BIHAR).read_text(encoding="utf-8").replace(",1219,", ",1220,")
    (raw / march).write_text(text, encoding="utf-8")
    return march


def check_results(result) -> dict[str, tuple[bool, str | None]]:
    return {
        f"{e.asset_key.to_user_string()}:{e.check_name}": (e.passed, e.description)
        for e in result.get_asset_check_evaluations()
    }


@pytest.mark.parametrize(
    ("damage", "bad_file", "reason", "recorded_by"),
    [
        (break_missing_column, BIHAR, "the header row lacks 'Total Hours'", "mdo_report"),
        (break_encoding, BIHAR, "is not UTF-8 text", "mdo_report"),
        (break_unknown_folder, "letters/annexure_1.csv", "is not in a known folder", "mdo_report"),
        (break_empty, "ranking/ranking_2026-01-31.csv", "is empty", "state_ranking"),
    ],
)
def test_an_unreadable_file_is_held_back_and_every_other_file_publishes(
    published, raw_copy, damage, bad_file, reason, recorded_by
):
    before = file_digest(published)
    march = add_march(raw_copy)
    damage(raw_copy)
    # With the Great Expectations checks: a held-back file must not make them block either.
    result = materialize_into(raw_copy, published, with_dbt=False)
    assert result.success
    assert file_digest(published) != before
    # Held back once, by one load, with one sentence that says what was expected.
    rejections = query(
        published, "select source_file, reason, recorded_by from raw.file_rejections"
    )
    assert len(rejections) == 1, rejections
    [(source_file, text, recorder)] = rejections
    assert (source_file, recorder) == (bad_file, recorded_by)
    assert text.startswith(reason) and "Expected" in text
    # A file loaded before that turned bad keeps its rows; the good new file loads.
    assert query(published, f"select count(*) from raw.mdo_report where source_file = '{BIHAR}'")[
        0
    ] == (96,)
    assert query(
        published, f"select count(*) from raw.mdo_report where source_file = '{march}'"
    ) == [(96,)]
    checks = check_results(result)
    assert checks[f"raw/{recorded_by}:no_file_held_back"] == (False, f"{bad_file}: {text}")
    assert all(passed for key, (passed, _) in checks.items() if "every_row" in key)
    fixed_or_removed = raw_copy / bad_file
    fixed_or_removed.unlink()
    if bad_file == BIHAR:
        shutil.copy(SHIPPED_RAW / BIHAR, raw_copy / BIHAR)
    assert materialize_into(raw_copy, published, with_dbt=False, with_quality=False).success
    assert query(published, "select count(*) from raw.file_rejections") == [(0,)]


def test_a_file_outside_the_raw_folder_is_refused_unread(published, raw_copy, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("Department,MDO Name\nroot:x:0:0:root,secret\n", encoding="utf-8")
    (raw_copy / "mdo" / "bihar_2026-04-30.csv").symlink_to(secret)
    result = materialize_into(raw_copy, published, with_dbt=False, with_quality=False)
    assert result.success
    [(source_file, reason)] = query(
        published, "select source_file, reason from raw.file_rejections"
    )
    assert source_file == "mdo/bihar_2026-04-30.csv"
    assert reason.startswith("is a link to a place outside IGOT_RAW_DIR, so it was not read")
    every_text = json.dumps([str(event) for event in result.all_events])
    assert "root:x" not in every_text
    assert query(published, "select count(*) from raw.mdo_report where mdo_name = 'secret'") == [
        (0,)
    ]


def test_a_linked_mdo_folder_inside_the_raw_folder_is_delivered(tmp_path, raw_copy):
    (raw_copy / "incoming").mkdir()
    (raw_copy / "mdo").rename(raw_copy / "incoming" / "mdo")
    (raw_copy / "incoming" / "README.md").write_text("where the MDO reports land\n")
    (raw_copy / "mdo").symlink_to(raw_copy / "incoming" / "mdo", target_is_directory=True)
    warehouse = tmp_path / "linked" / "igot.duckdb"
    result = materialize_into(raw_copy, warehouse, with_dbt=False, with_quality=False)
    assert result.success
    assert query(warehouse, "select count(*) from raw.mdo_report") == [(96,)]
    # The real folder is not a known one: refused by name, once, and nothing read twice.
    assert query(warehouse, "select source_file from raw.file_rejections") == [
        ("incoming/mdo/bihar_2026-02-25.csv",)
    ]


def write_xlsx_like(csv_path: Path, xlsx_path: Path) -> None:
    """The Bihar report as a spreadsheet would hold it: numbers as numbers, % as percent."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for number, cells in enumerate(csv.reader(handle), start=1):
            values = []
            for cell in cells:
                if number > 1 and cell.endswith("%"):
                    values.append(float(cell.rstrip("%")) / 100)
                elif number > 1 and cell.replace(".", "", 1).isdigit():
                    values.append(float(cell) if "." in cell else int(cell))
                else:
                    values.append(cell or None)
            sheet.append(values)
            for cell in sheet[number]:
                if isinstance(cell.value, float) and str(cells[cell.column - 1]).endswith("%"):
                    cell.number_format = "0.00%"
    workbook.save(xlsx_path)


def test_xlsx_gives_the_same_tables_as_the_csv(tmp_path, raw_copy, shipped_warehouse):
    xlsx_raw = tmp_path / "xlsx_raw"
    (xlsx_raw / "mdo").mkdir(parents=True)
    write_xlsx_like(raw_copy / BIHAR, xlsx_raw / "mdo" / "bihar_2026-02-25.xlsx")
    warehouse = tmp_path / "xlsx" / "igot.duckdb"
    assert materialize_into(xlsx_raw, warehouse, with_dbt=False, with_quality=False).success
    lineage = "exclude (source_file, file_sha256, loaded_at)"
    for table in ("mdo_report", "mdo_report_totals"):
        sql = f"select * {lineage} from raw.{table} order by source_row"
        assert query(warehouse, sql) == query(shipped_warehouse, sql)
    reasons = "select source_row, reason from raw.quarantine order by 1"
    assert query(warehouse, reasons) == query(
        shipped_warehouse, reasons.replace("order", "where source_table = 'mdo_report' order")
    )


def test_unknown_columns_survive_as_json(published, raw_copy):
    path = raw_copy / "ranking" / "ranking_2025-12-31.csv"
    rows = printed_rows(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Rank", "State", "Category", "Composite Score", "Remarks"])
        for state, bucket, score, rank in rows:
            writer.writerow([rank, state, bucket, score, "ok" if state == "BIHAR" else ""])
    assert materialize_into(raw_copy, published, with_dbt=False, with_quality=False).success
    bihar = query(
        published,
        "select category, composite_score, rank, extra_columns from raw.state_ranking "
        "where state = 'BIHAR'",
    )
    assert bihar[0][:3] == ("C", 39.09, 8)
    assert json.loads(bihar[0][3]) == {"Remarks": "ok"}


def test_make_run_publishes_the_rest_lists_what_was_held_back_and_exits_non_zero(
    tmp_path, raw_copy, capsys
):
    from dagster_project.cli import report_held_back

    march = raw_copy / "mdo" / "bihar_2026-03-31.csv"
    march.write_bytes((raw_copy / BIHAR).read_bytes().replace(b"Bihar", b"Bih\xe4r", 1))
    (raw_copy / "mdo" / "bihar-april.csv").write_text("x\n")
    warehouse = tmp_path / "wh" / "igot.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(IGOT_RAW_DIR=str(raw_copy), IGOT_WAREHOUSE=str(warehouse))
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    run = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 1, run.stderr[-2000:]
    assert "succeeded and was published" in run.stdout
    # The terminal gets a few progress lines and the summary; dbt's per-node log goes to the
    # run's log file beside the warehouse, whose path the summary prints.
    (log_line,) = [line for line in run.stdout.splitlines() if line.startswith("Full log")]
    log = Path(log_line.split(": ", 1)[1])
    assert log.parent == warehouse.parent / "logs"
    dbt_nodes = [line for line in log.read_text().splitlines() if DBT_NODE_DONE.match(line)]
    assert len(dbt_nodes) > 300
    assert not any(DBT_NODE_DONE.match(line) for line in run.stdout.splitlines())
    progress = [line for line in run.stdout.splitlines() if line.startswith("[")]
    assert 3 <= len(progress) <= 20 and "\r" not in run.stdout
    assert "Files held back (2)" in run.stderr
    assert "  mdo/bihar-april.csv: has a name this folder does not take." in run.stderr
    assert "  mdo/bihar_2026-03-31.csv: is not UTF-8 text" in run.stderr
    assert "Traceback" not in run.stderr
    files = query(
        warehouse,
        "select source_file, status, rows_loaded, rejection_reason from marts.source_files "
        "where source_table = 'mdo_report' order by source_file",
    )
    assert [row[:3] for row in files] == [
        ("mdo/bihar-april.csv", "rejected", 0),
        (BIHAR, "loaded", 96),
        ("mdo/bihar_2026-03-31.csv", "rejected", 0),
    ]
    assert files[2][3].startswith("is not UTF-8 text")
    # Also when nothing is new since, `make run` keeps saying so and keeps failing.
    assert report_held_back(warehouse) == 1
    assert "mdo/bihar_2026-03-31.csv: is not UTF-8 text" in capsys.readouterr().err
