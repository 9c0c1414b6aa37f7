"""Reading delivered files: names, headers, numbers and the messages for bad input."""

import datetime as dt
import json
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dagster_project.ingest.discovery import classify, discover, survey
from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.loader import load_source, map_header
from dagster_project.ingest.readers import read_sheet
from dagster_project.ingest.sources import MDO_REPORT, STATE_RANKING, normalise_header

pytestmark = pytest.mark.unit

MDO_HEADER = (
    "Department,MDO Name,Onboarded,Active,User Completions,Total Enrollments,"
    "Total Completions,Total Hours,Course Attempted,Course Passed,% Course Passed"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_mdo(tmp_path: Path, body: str, header: str = MDO_HEADER) -> duckdb.DuckDBPyConnection:
    raw = tmp_path / "raw"
    write(raw / "mdo" / "testland_2026-01-31.csv", header + "\n" + body)
    con = duckdb.connect()
    load_source(con, MDO_REPORT, discover(raw)["mdo_report"], dt.datetime(2026, 2, 1))
    return con


def test_a_duplicate_loads_once_its_twin_is_corrected(tmp_path):
    """`bihar_2026-04-30.csv` re-sent with March's bytes is a duplicate; once March is corrected,
    April's content is loaded nowhere else, so it loads (it used to stay 'duplicate' forever)."""
    raw = tmp_path / "raw"
    body = "Dept A,MDO A,5,1,1,1,1,1,1,1,100%\n"
    write(raw / "mdo" / "testland_2026-03-31.csv", MDO_HEADER + "\n" + body)
    write(raw / "mdo" / "testland_2026-04-30.csv", MDO_HEADER + "\n" + body)
    con = duckdb.connect()

    def load() -> dict[str, tuple]:
        loads = load_source(con, MDO_REPORT, discover(raw)["mdo_report"], dt.datetime(2026, 5, 1))
        return {load.source_file: (load.status, load.rows_loaded) for load in loads}

    assert load() == {
        "mdo/testland_2026-03-31.csv": ("loaded", 1),
        "mdo/testland_2026-04-30.csv": ("duplicate_content", 0),
    }
    assert load()["mdo/testland_2026-04-30.csv"] == ("unchanged", 0)
    write(raw / "mdo" / "testland_2026-03-31.csv", MDO_HEADER + "\n" + body.replace(",5,", ",6,"))
    assert load() == {
        "mdo/testland_2026-03-31.csv": ("loaded", 1),
        "mdo/testland_2026-04-30.csv": ("loaded", 1),
    }
    assert con.sql(
        "select as_of_date::varchar, onboarded from raw.mdo_report order by 1"
    ).fetchall() == [("2026-03-31", 6), ("2026-04-30", 5)]
    assert con.sql("select count(*) from raw.file_loads").fetchall() == [(2,)]


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("Mido Name", "MDO Name"),
        ("  mdo   name ", "MDO Name"),
        ("Course Passed %", "% Course Passed"),
        ("Category", "Bucket"),
        ("TOTAL-ENROLMENTS", "Total Enrollments"),
    ],
)
def test_header_aliases_are_matched_ignoring_case_space_and_punctuation(spelling, canonical):
    source = STATE_RANKING if canonical == "Bucket" else MDO_REPORT
    column = next(c for c in source.columns if c.header == canonical)
    assert normalise_header(spelling) in column.spellings()


def test_percent_and_plain_course_passed_are_different_columns():
    assert normalise_header("% Course Passed") != normalise_header("Course Passed")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1389815", 1389815), ("13,89,815", 1389815), ("1,389,815", 1389815), ("", None)],
)
def test_whole_numbers_in_every_grouping(tmp_path, cell, expected):
    con = load_mdo(tmp_path, f'Dept A,MDO A,"{cell}",1,1,1,1,1,1,1,100%\n')
    assert con.sql("select onboarded from raw.mdo_report").fetchall() == [(expected,)]


@pytest.mark.parametrize(
    ("hours", "percent", "expected"),
    [
        ("705788.84", "73.29%", (705788.84, 73.29)),
        ("7,05,788.84", "73.29 %", (705788.84, 73.29)),
        ("705,788.84", "73.29", (705788.84, 73.29)),
        # A spreadsheet's no-break spaces (U+00A0, U+202F) before the % or around a number.
        ("\u00a0705788.84", "73.29\u00a0%", (705788.84, 73.29)),
        ("705788.84\u202f", "73.29\u202f%", (705788.84, 73.29)),
        ("", "", (None, None)),
    ],
)
def test_decimals_and_percentages(tmp_path, hours, percent, expected):
    con = load_mdo(tmp_path, f'Dept A,MDO A,1,1,1,1,1,"{hours}",1,1,{percent}\n')
    row = con.sql("select total_hours, pct_course_passed from raw.mdo_report").fetchall()
    assert row == [expected]


def test_unreadable_number_is_quarantined_with_file_row_and_column(tmp_path):
    con = load_mdo(
        tmp_path, "Dept A,MDO A,5,4,3,2,1,N/A,1,1,100%\nDept B,MDO B,12.5,1,1,1,1,1,1,1,\n"
    )
    rows = con.sql(
        "select source_file, source_row, reason from raw.quarantine order by source_row"
    ).fetchall()
    assert rows == [
        ("mdo/testland_2026-01-31.csv", 2, "'N/A' is not a number in column Total Hours"),
        ("mdo/testland_2026-01-31.csv", 3, "'12.5' is not a whole number in column Onboarded"),
    ]
    assert con.sql("select count(*) from raw.mdo_report").fetchall() == [(0,)]


def test_ragged_row_is_quarantined_with_its_raw_cells(tmp_path):
    con = load_mdo(
        tmp_path, "Dept A,MDO A,1,1,0,4,0,0,0,1,1,100.00%,\nDept B,MDO B,1,1,1,1,1,1,1,1,100%\n"
    )
    reason, cells = con.sql("select reason, raw_cells from raw.quarantine").fetchall()[0]
    assert reason == "12 cells where 11 were expected"
    assert json.loads(cells)[:3] == ["Dept A", "MDO A", "1"]
    assert con.sql("select mdo_name from raw.mdo_report").fetchall() == [("MDO B",)]


def test_total_row_goes_to_the_totals_table(tmp_path):
    con = load_mdo(tmp_path, "Dept A,MDO A,7,1,1,1,1,1,1,1,100%\n,,7,1,1,1,1,1,1,1,100%\n")
    assert con.sql("select count(*) from raw.mdo_report").fetchall() == [(1,)]
    assert con.sql("select onboarded, source_row from raw.mdo_report_totals").fetchall() == [(7, 3)]


def test_blank_mdo_name_under_a_department_is_quarantined(tmp_path):
    con = load_mdo(tmp_path, "Dept A,,7,1,1,1,1,1,1,1,100%\n")
    assert con.sql("select reason from raw.quarantine").fetchall() == [("MDO Name is blank",)]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_a_header_under_a_title_lacking_one_column_is_told_that_column(tmp_path, form):
    """The title row names no column; the header under it names all but Total Hours. The
    sentence must name Total Hours and quote the header, not list eleven columns as missing
    from the title."""
    header = MDO_HEADER.replace(",Total Hours", "").split(",")
    title = ["MDO-wise report, Testland, as on 31.01.2026"]
    row = ["Dept A", "MDO A", "1", "1", "1", "1", "1", "1", "1", "100%"]
    raw = tmp_path / "raw"
    target = raw / "mdo" / f"testland_2026-01-31.{form}"
    if form == "csv":
        lines = [",".join(f'"{c}"' for c in cells) for cells in (title, header, row)]
        write(target, "\n".join(lines) + "\n")
    else:
        target.parent.mkdir(parents=True)
        book = openpyxl.Workbook()
        for cells in (title, header, row):
            book.active.append(cells)
        book.save(target)
    con = duckdb.connect()
    load_source(con, MDO_REPORT, discover(raw)["mdo_report"], dt.datetime(2026, 2, 1))
    [(reason,)] = con.sql("select reason from raw.file_rejections").fetchall()
    assert reason.startswith("the header row lacks 'Total Hours' (found 'Department', "), reason


def test_unknown_columns_are_kept_as_json_and_order_may_differ(tmp_path):
    header = "MDO Name,Department,Remarks," + MDO_HEADER.split(",", 2)[2]
    con = load_mdo(tmp_path, "MDO A,Dept A,check me,3,2,1,1,1,1,1,1,100%\n", header=header)
    row = con.sql("select department, onboarded, extra_columns from raw.mdo_report").fetchall()[0]
    assert row[:2] == ("Dept A", 3)
    assert json.loads(row[2]) == {"Remarks": "check me"}


def test_missing_required_column_names_file_and_lists_expected_columns(tmp_path):
    header = MDO_HEADER.replace(",Active", "")
    con = load_mdo(tmp_path, "Dept A,MDO A,1,1,1,1,1,1,1,100%\n", header=header)
    [(source_file, reason)] = con.sql(
        "select source_file, reason from raw.file_rejections"
    ).fetchall()
    assert source_file == "mdo/testland_2026-01-31.csv"
    assert reason.startswith("the header row lacks 'Active'")
    assert "Expected the columns Department, MDO Name, Onboarded, Active" in reason
    assert con.sql("select count(*) from raw.mdo_report").fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("relative", "problem"),
    [
        ("mdo/bihar-feb.csv", "has a name this folder does not take"),
        ("mdo/bihar_2026-02-30.csv", "is not a real date"),
        ("mdo/bihar_2026-02-25.pdf", "is not a format this folder takes"),
        ("letters/annexure.csv", "is not in a known folder"),
    ],
)
def test_badly_named_files_are_refused_by_name(tmp_path, relative, problem):
    path = write(tmp_path / relative, "x\n")
    with pytest.raises(RawFileError) as err:
        classify(path, tmp_path)
    assert str(err.value).startswith(f"{relative}: ")
    assert problem in str(err.value)
    assert "Expected" in str(err.value)


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "mdo" / "bihar_2026-02-25.csv"
    path.parent.mkdir()
    path.write_bytes(MDO_HEADER.encode() + b"\nDept \xe9,MDO,1,1,1,1,1,1,1,1,1\n")
    with pytest.raises(RawFileError, match="is not UTF-8 text"):
        read_sheet(path, "mdo/bihar_2026-02-25.csv")


def test_empty_file_is_refused(tmp_path):
    path = write(tmp_path / "mdo" / "bihar_2026-02-25.csv", "\n\n")
    with pytest.raises(RawFileError, match=r"mdo/bihar_2026-02-25.csv: is empty"):
        read_sheet(path, "mdo/bihar_2026-02-25.csv")


def test_broken_xlsx_is_refused(tmp_path):
    path = write(tmp_path / "mdo" / "bihar_2026-02-25.xlsx", "not a workbook")
    with pytest.raises(RawFileError, match=r"is not a readable \.xlsx workbook"):
        read_sheet(path, "mdo/bihar_2026-02-25.xlsx")


# A half-copied workbook whose other parts (not its sheet) are cut short.
@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml"])
def test_xlsx_with_a_damaged_workbook_part_is_refused(tmp_path, part):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Department", "MDO Name"])
    whole = tmp_path / "whole.xlsx"
    workbook.save(whole)
    damaged = tmp_path / "mdo" / "bihar_2026-02-25.xlsx"
    damaged.parent.mkdir()
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(damaged, "w") as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            copy.writestr(item, data[: len(data) // 2] if item.filename == part else data)
    with pytest.raises(
        RawFileError, match=r"^mdo/bihar_2026-02-25.xlsx: is not a readable \.xlsx workbook \("
    ):
        read_sheet(damaged, "mdo/bihar_2026-02-25.xlsx")


def test_two_files_for_one_snapshot_are_refused(tmp_path):
    write(tmp_path / "mdo" / "bihar_2026-02-25.csv", MDO_HEADER + "\n")
    write(tmp_path / "mdo" / "bihar_2026-02-25.xlsx", "")
    with pytest.raises(RawFileError, match="second file for the same mdo_report"):
        discover(tmp_path)


# Two spellings of one state's name are one snapshot: loading both would double its figures,
# and which one is right cannot be told from the files, so both are held back.
def test_one_state_under_two_spellings_is_one_snapshot_and_both_are_refused(tmp_path):
    for name in (
        "uttar_pradesh_2026-03-31.csv",
        "Uttar-Pradesh_2026-03-31.csv",
        "orissa_2026-03-31.csv",
        "odisha_2026-03-31.csv",
        "bihar_2026-03-31.csv",
        "bihar_2026-04-30.csv",
    ):
        write(tmp_path / "mdo" / name, MDO_HEADER + "\n")
    found = survey(tmp_path)
    assert [f.source_file for f in found.files["mdo_report"]] == [
        "mdo/bihar_2026-03-31.csv",
        "mdo/bihar_2026-04-30.csv",
    ]
    assert [str(err) for err in found.refused] == [
        "mdo/Uttar-Pradesh_2026-03-31.csv: is a second file for the same mdo_report snapshot "
        "(Uttar Pradesh, 2026-03-31) as mdo/uttar_pradesh_2026-03-31.csv, so neither is loaded. "
        "Expected one file per state and as_of_date",
        "mdo/odisha_2026-03-31.csv: is a second file for the same mdo_report snapshot "
        "(Odisha, 2026-03-31) as mdo/orissa_2026-03-31.csv, so neither is loaded. "
        "Expected one file per state and as_of_date",
        "mdo/orissa_2026-03-31.csv: is a second file for the same mdo_report snapshot "
        "(Odisha, 2026-03-31) as mdo/odisha_2026-03-31.csv, so neither is loaded. "
        "Expected one file per state and as_of_date",
        "mdo/uttar_pradesh_2026-03-31.csv: is a second file for the same mdo_report snapshot "
        "(Uttar Pradesh, 2026-03-31) as mdo/Uttar-Pradesh_2026-03-31.csv, so neither is loaded. "
        "Expected one file per state and as_of_date",
    ]


def test_xlsx_cells_read_as_a_person_sees_them(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Department", "Mido Name", "Total Hours", "% Course Passed"])
    sheet.append(["Dept A", "MDO A", 705788.84, 0.7329])
    sheet["D2"].number_format = "0.00%"
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    read = read_sheet(path, "book.xlsx")
    assert read.rows == [(2, ["Dept A", "MDO A", "705788.84", "73.29%"])]


def test_header_with_an_unnamed_column_in_the_middle_is_refused():
    header = MDO_HEADER.split(",")
    header[3] = ""
    with pytest.raises(RawFileError, match="column 4 of the header row has no name"):
        map_header(header, MDO_REPORT, "mdo/x_2026-01-01.csv")


@pytest.mark.parametrize(
    ("body", "expected_rows"),
    [
        # DuckDB's scan numbers these: one record per line.
        ("Dept A,MDO A,1,1,1,1,1,1,1,1,100%\nDept B,MDO B,2,1,1,1,1,1,1,1,100%\n", [2, 3]),
        # A blank line and a cell spanning two lines: the lenient reader keeps line numbers.
        ("Dept A,MDO A,1,1,1,1,1,1,1,1,100%\n\nDept B,MDO B,2,1,1,1,1,1,1,1,100%\n", [2, 4]),
        ('"Dept\nA",MDO A,1,1,1,1,1,1,1,1,100%\nDept B,MDO B,2,1,1,1,1,1,1,1,100%\n', [3, 4]),
    ],
)
def test_row_numbers_are_the_lines_a_person_finds_them_on(tmp_path, body, expected_rows):
    con = load_mdo(tmp_path, body)
    rows = con.sql("select source_row from raw.mdo_report order by source_row").fetchall()
    assert [row for (row,) in rows] == expected_rows


def test_a_row_longer_than_the_scan_reads_is_quarantined_with_all_its_cells(tmp_path):
    long_row = "Dept A,MDO A," + ",".join(["1"] * 20) + "\n"
    con = load_mdo(tmp_path, long_row + "Dept B,MDO B,2,1,1,1,1,1,1,1,100%\n")
    reason, cells = con.sql("select reason, raw_cells from raw.quarantine").fetchall()[0]
    assert reason == "22 cells where 11 were expected"
    assert len(json.loads(cells)) == 22
    assert con.sql("select mdo_name, source_row from raw.mdo_report").fetchall() == [("MDO B", 3)]


def test_many_files_in_one_scan_keep_their_own_rows(tmp_path):
    raw = tmp_path / "raw"
    for day, onboarded in (("2026-01-31", 5), ("2026-02-28", 7)):
        write(
            raw / "mdo" / f"testland_{day}.csv",
            f"{MDO_HEADER}\nDept A,MDO A,{onboarded},1,1,1,1,1,1,1,100%\n"
            f",,{onboarded},1,1,1,1,1,1,1,\n",
        )
    con = duckdb.connect()
    loads = load_source(con, MDO_REPORT, discover(raw)["mdo_report"], dt.datetime(2026, 3, 1))
    assert [(load.rows_read, load.rows_loaded, load.total_rows) for load in loads] == [
        (2, 1, 1)
    ] * 2
    rows = con.sql(
        "select as_of_date::varchar, onboarded, source_row from raw.mdo_report order by 1"
    ).fetchall()
    assert rows == [("2026-01-31", 5, 2), ("2026-02-28", 7, 2)]


def test_a_mandates_file_without_scope_columns_still_loads(tmp_path):
    """Mandates written before officer-level tracking lack Applies To State, Applies To
    Department and Counting: they load, with the three left blank (dbt reads blank Counting as
    per_domain)."""
    from dagster_project.ingest.sources import MANDATES

    raw = tmp_path / "raw"
    write(
        raw / "reference" / "mandates.csv",
        "Mandate Id,Issued By,Letter Reference,Letter Date,Audience,Ask,Domains,Min Courses,"
        "Due Date\nm1,KB,DO,2026-01-20,All,One of each,AI;Cybersecurity,1,2026-03-31\n",
    )
    con = duckdb.connect()
    load_source(con, MANDATES, discover(raw)["mandates"], dt.datetime(2026, 2, 1))
    assert con.sql(
        "select mandate_id, applies_to_state, applies_to_department, counting from raw.mandates"
    ).fetchall() == [("m1", None, None, None)]
