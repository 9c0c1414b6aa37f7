"""Bad input a demanding user delivers (issue 16): each is loaded, quarantined, warned about or
held back with one sentence that names the file, and every row read is accounted for."""

import datetime as dt
import json
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dagster_project.ingest.discovery import delivered_paths, discover, survey
from dagster_project.ingest.loader import load_source
from dagster_project.ingest.sources import MDO_REPORT, SOURCES

pytestmark = pytest.mark.unit

MDO_HEADER = (
    "Department,MDO Name,Onboarded,Active,User Completions,Total Enrollments,"
    "Total Completions,Total Hours,Course Attempted,Course Passed,% Course Passed"
)
MDO_FILE = "mdo/testland_2026-01-31.csv"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_mdo(tmp_path: Path, body: str, header: str = MDO_HEADER) -> duckdb.DuckDBPyConnection:
    raw = tmp_path / "raw"
    write(raw / MDO_FILE, header + "\n" + body)
    con = duckdb.connect()
    load_source(con, MDO_REPORT, discover(raw)["mdo_report"], dt.datetime(2026, 2, 1))
    assert_rows_accounted_for(con)
    return con


def assert_rows_accounted_for(con: duckdb.DuckDBPyConnection) -> None:
    """Per file: rows read = loaded + printed totals + quarantined."""
    unbalanced = con.sql(
        """
        select log.source_file, log.rows_read,
            (select count(*) from raw.mdo_report as r where r.source_file = log.source_file)
            + (select count(*) from raw.mdo_report_totals as t
               where t.source_file = log.source_file)
            + (select count(*) from raw.quarantine as q where q.source_file = log.source_file)
            as kept
        from raw.file_loads as log
        where log.status = 'loaded'
        """
    ).fetchall()
    assert all(read == kept for _, read, kept in unbalanced), unbalanced


# 16.3: a printed total labelled "Total" is not an MDO.
@pytest.mark.parametrize(
    ("department", "mdo_name"),
    [
        ("Total", ""),
        ("", "Grand Total"),
        ("  GRAND   total: ", ""),
        ("कुल", ""),
        ("कुल योग", "-"),
        ("Total.", "Total"),
        # A subtotal or a state's total is a printed total too; the danda is Hindi punctuation.
        ("", "State Total"),
        ("Home Department", "Sub Total"),
        ("Home Department", "sub-total"),
        ("कुल योग।", ""),
        ("", "कुल।"),
    ],
)
def test_a_row_labelled_total_goes_to_the_totals_table(tmp_path, department, mdo_name):
    con = load_mdo(
        tmp_path,
        "Dept A,MDO A,120,60,1,1,1,1,1,1,100%\nDept B,MDO B,80,40,1,1,1,1,1,1,100%\n"
        f'"{department}","{mdo_name}",200,100,2,2,2,2,2,2,100%\n',
    )
    assert con.sql("select sum(onboarded) from raw.mdo_report").fetchall() == [(200,)]
    assert con.sql("select onboarded, source_row from raw.mdo_report_totals").fetchall() == [
        (200, 4)
    ]


def test_names_that_merely_contain_total_are_mdos(tmp_path):
    con = load_mdo(
        tmp_path,
        "Total Sanitation Campaign,MDO A,1,1,1,1,1,1,1,1,100%\n"
        "Dept B,Totalisator Office,1,1,1,1,1,1,1,1,100%\n",
    )
    assert con.sql("select count(*) from raw.mdo_report").fetchall() == [(2,)]
    assert con.sql("select count(*) from raw.mdo_report_totals").fetchall() == [(0,)]


# 16.6: two unknown columns of one name are both kept.
def test_two_unknown_columns_of_one_name_are_both_kept(tmp_path):
    header = MDO_HEADER + ",Remarks,Remarks"
    con = load_mdo(tmp_path, "Dept A,MDO A,1,1,1,1,1,1,1,1,100%,first,second\n", header=header)
    ((extra,),) = con.sql("select extra_columns from raw.mdo_report").fetchall()
    assert extra.count('"Remarks') == 2
    assert json.loads(extra) == {"Remarks": "first", "Remarks (column 13)": "second"}


# 16.8: a number larger than BIGINT is quarantined, not a crash.
def test_a_number_too_large_for_its_column_is_quarantined(tmp_path):
    con = load_mdo(
        tmp_path,
        "Dept A,MDO A,99999999999999999999,1,1,1,1,1,1,1,100%\n"
        f"Dept B,MDO B,9223372036854775807,1,1,1,1,{'9' * 400},1,1,100%\n"
        "Dept C,MDO C,5,1,1,1,1,1,1,1,100%\n",
    )
    rows = con.sql("select source_row, reason from raw.quarantine order by 1").fetchall()
    assert rows == [
        (2, "99999999999999999999 is too large for column Onboarded"),
        (3, f"{'9' * 400} is too large for column Total Hours"),
    ]
    assert con.sql("select mdo_name from raw.mdo_report").fetchall() == [("MDO C",)]


def load_files(raw: Path) -> tuple[duckdb.DuckDBPyConnection, list]:
    con = duckdb.connect()
    found = survey(raw)
    loads = load_source(
        con,
        MDO_REPORT,
        found.files.get("mdo_report", []),
        dt.datetime(2026, 2, 1),
        refused=found.refused_for(MDO_REPORT),
    )
    assert_rows_accounted_for(con)
    return con, loads


def mdo_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


MDO_ROW = ["Dept A", "MDO A", 10, 5, 1, 1, 1, 2.5, 1, 1, "100%"]


# 16.6: the header is looked for, on every sheet, under title rows.
def test_an_xlsx_header_under_title_rows_is_found(tmp_path):
    mdo_workbook(
        tmp_path / "raw" / "mdo" / "testland_2026-01-31.xlsx",
        {"Report": [["iGOT MDO report, Testland"], [], MDO_HEADER.split(","), MDO_ROW]},
    )
    con, [load] = load_files(tmp_path / "raw")
    assert (load.status, load.rows_read, load.rows_loaded) == ("loaded", 1, 1)
    assert con.sql("select mdo_name, onboarded, source_row from raw.mdo_report").fetchall() == [
        ("MDO A", 10, 4)
    ]


# A half-copied workbook: the zip opens, but its sheet's XML stops mid-way.
def test_an_xlsx_with_damaged_sheet_xml_is_held_back_and_the_others_load(tmp_path):
    raw = tmp_path / "raw"
    write(raw / MDO_FILE, MDO_HEADER + "\nDept A,MDO A,1,1,1,1,1,1,1,1,1\n")
    whole = mdo_workbook(tmp_path / "whole.xlsx", {"Report": [MDO_HEADER.split(","), MDO_ROW]})
    damaged = raw / "mdo" / "badland_2026-01-31.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(damaged, "w") as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            copy.writestr(item, data)
    con, loads = load_files(raw)
    assert [(load.source_file, load.status) for load in loads] == [
        ("mdo/badland_2026-01-31.xlsx", "rejected"),
        (MDO_FILE, "loaded"),
    ]
    [(reason,)] = con.sql("select reason from raw.file_rejections").fetchall()
    assert reason.startswith("is not a readable .xlsx workbook (sheet 'Report' is damaged")
    assert reason.endswith(". Expected an Excel .xlsx file")
    assert "\n" not in reason


# Rows are numbered as Excel shows them, also when the sheet's first rows were never written.
def test_an_xlsx_table_below_empty_rows_keeps_excel_row_numbers(tmp_path):
    bad = ["Dept A", "MDO B", 10, "N/A", 1, 1, 1, 2.5, 1, 1, "100%"]
    mdo_workbook(
        tmp_path / "raw" / "mdo" / "testland_2026-01-31.xlsx",
        {"Report": [[], [], MDO_HEADER.split(","), MDO_ROW, bad, [], MDO_ROW]},
    )
    con, [load] = load_files(tmp_path / "raw")
    assert load.status == "loaded"
    assert con.sql("select source_row from raw.mdo_report order by 1").fetchall() == [(4,), (7,)]
    assert con.sql("select source_row from raw.quarantine").fetchall() == [(5,)]


def test_an_xlsx_table_on_a_later_sheet_is_found(tmp_path):
    mdo_workbook(
        tmp_path / "raw" / "mdo" / "testland_2026-01-31.xlsx",
        {"Notes": [["Prepared by the nodal officer"]], "Data": [MDO_HEADER.split(","), MDO_ROW]},
    )
    con, [load] = load_files(tmp_path / "raw")
    assert (load.status, load.rows_loaded) == ("loaded", 1)
    assert con.sql("select total_hours from raw.mdo_report").fetchall() == [(2.5,)]


def test_a_semicolon_separated_csv_is_read(tmp_path):
    header = MDO_HEADER.replace(",", ";")
    body = 'Dept A;MDO A;"1,219";5;1;1;1;"7,05,788.84";1;1;73.29%\n;;1219;5;1;1;1;1;1;1;\n'
    write(tmp_path / "raw" / MDO_FILE, header + "\n" + body)
    con, [load] = load_files(tmp_path / "raw")
    assert (load.rows_loaded, load.total_rows) == (1, 1)
    assert con.sql("select onboarded, total_hours from raw.mdo_report").fetchall() == [
        (1219, 705788.84)
    ]


def test_a_csv_with_a_title_line_above_its_header_is_read(tmp_path):
    write(
        tmp_path / "raw" / MDO_FILE,
        "MDO report of Testland as on 31.01.2026\n"
        + MDO_HEADER
        + "\nDept A,MDO A,1,1,1,1,1,1,1,1,1\n",
    )
    con, [load] = load_files(tmp_path / "raw")
    assert (load.rows_read, load.rows_loaded) == (1, 1)
    assert con.sql("select source_row from raw.mdo_report").fetchall() == [(3,)]


# 16.6: a header and no data rows loads as 0 rows, with a warning.
def test_a_header_only_file_loads_as_zero_rows_with_a_warning(tmp_path):
    from dagster_project.assets.raw import _describe

    write(tmp_path / "raw" / MDO_FILE, MDO_HEADER + "\n")
    _, [load] = load_files(tmp_path / "raw")
    assert (load.status, load.rows_read) == ("loaded", 0)
    assert _describe(load) == (
        f"{MDO_FILE}: has a header and no data rows; loaded as 0 rows. Is this the whole report?"
    )


# 16.5: a formula whose value was never saved is quarantined, not loaded as blank.
def test_a_formula_without_a_saved_value_is_quarantined(tmp_path):
    path = mdo_workbook(
        tmp_path / "raw" / "mdo" / "testland_2026-01-31.xlsx",
        {"Report": [MDO_HEADER.split(","), [*MDO_ROW[:7], "=C2*2", *MDO_ROW[8:]], MDO_ROW]},
    )
    assert openpyxl.load_workbook(path, data_only=True).active["H2"].value is None
    con, [load] = load_files(tmp_path / "raw")
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined) == (2, 1, 1)
    assert con.sql("select source_row, reason from raw.quarantine").fetchall() == [
        (
            2,
            "formula without a saved value in column Total Hours; open and save the file in Excel",
        )
    ]


# 16.8: a cell too long for the CSV reader refuses the file with one sentence.
def test_a_fifty_megabyte_cell_holds_the_file_back_with_one_sentence(tmp_path):
    huge = "x" * (50 * 1024 * 1024)
    write(
        tmp_path / "raw" / MDO_FILE,
        MDO_HEADER + f'\nDept A,"{huge}",1,1,1,1,1,1,1,1,1\nDept B,MDO B,1,1,1,1,1,1,1,1,1\n',
    )
    write(
        tmp_path / "raw" / "mdo" / "otherland_2026-01-31.csv",
        MDO_HEADER + "\nD,M,1,1,1,1,1,1,1,1,1\n",
    )
    _, loads = load_files(tmp_path / "raw")
    by_file = {load.source_file: load for load in loads}
    assert by_file["mdo/otherland_2026-01-31.csv"].rows_loaded == 1
    held = by_file[MDO_FILE]
    assert held.status == "rejected"
    assert held.reason == (
        "cannot be read as CSV at line 3 (a cell longer than 131,072 characters). "
        "Expected a CSV file as a spreadsheet exports it; check how the file was made"
    )
    assert "\n" not in held.reason and len(held.reason) < 200


# 16.2 and 16.9: one bad file is held back, the others load, a bad name is recorded once.
def test_a_bad_file_is_held_back_and_the_others_load(tmp_path):
    raw = tmp_path / "raw"
    write(raw / MDO_FILE, MDO_HEADER + "\nDept A,MDO A,1,1,1,1,1,1,1,1,1\n")
    (raw / "mdo" / "badland_2026-01-31.csv").write_bytes(MDO_HEADER.encode() + b"\nD\xe9pt,M\n")
    write(raw / "mdo" / "testland-feb.csv", "x\n")
    write(raw / "letters" / "annexure.csv", "x\n")
    con, loads = load_files(raw)
    assert [(load.source_file, load.status) for load in loads] == [
        ("mdo/badland_2026-01-31.csv", "rejected"),
        (MDO_FILE, "loaded"),
        ("letters/annexure.csv", "rejected"),
        ("mdo/testland-feb.csv", "rejected"),
    ]
    assert con.sql(
        "select source_file, source_table, recorded_by, reason from raw.file_rejections "
        "order by source_file"
    ).fetchall() == [
        (
            "letters/annexure.csv",
            None,
            "mdo_report",
            "is not in a known folder. "
            "Expected files in catalogue/, mdo/, officers/, ranking/, reference/",
        ),
        (
            "mdo/badland_2026-01-31.csv",
            "mdo_report",
            "mdo_report",
            # The byte after the header line and the D of "Dépt".
            f"is not UTF-8 text (byte 0xe9 at offset {len(MDO_HEADER) + 2}). "
            "Expected a CSV file saved as UTF-8",
        ),
        (
            "mdo/testland-feb.csv",
            None,
            "mdo_report",
            "has a name this folder does not take. Expected mdo/bihar_2026-02-25{.csv,.xlsx}",
        ),
    ]
    # Every other source's load records none of them.
    others = [source for source in SOURCES if source is not MDO_REPORT]
    assert all(not survey(raw).refused_for(source) for source in others)


# 16.4: links are followed only inside the raw folder, and never read outside it.
def test_links_are_followed_inside_the_raw_folder_only(tmp_path):
    raw = tmp_path / "raw"
    write(raw / "incoming" / "testland_2026-01-31.csv", MDO_HEADER + "\nD,M,1,1,1,1,1,1,1,1,1\n")
    (raw / "mdo").symlink_to(raw / "incoming", target_is_directory=True)
    outside = write(tmp_path / "elsewhere" / "passwd", "root:x:0:0:root:/root:/bin/bash\n")
    (raw / "ranking").mkdir()
    (raw / "ranking" / "ranking_2026-01-31.csv").symlink_to(outside)
    (raw / "reference").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (raw / "mdo_loop").symlink_to(raw, target_is_directory=True)
    found = survey(raw)
    assert [f.source_file for f in found.files["mdo_report"]] == [MDO_FILE]
    refused = {err.source_file: err.reason for err in found.refused}
    outside_reason = (
        "is a link to a place outside IGOT_RAW_DIR, so it was not read. Expected the "
        "delivered file itself under IGOT_RAW_DIR, or a link to one inside it"
    )
    assert refused["ranking/ranking_2026-01-31.csv"] == outside_reason
    assert refused["reference"] == outside_reason
    assert "root:x" not in json.dumps(refused)
    assert outside not in delivered_paths(raw)


# A report may print a subtotal under a department as well as its grand total: two printed
# total rows for one snapshot are the source's layout, flagged, never a blocked run.
@pytest.mark.pipeline
def test_a_subtotal_beside_the_grand_total_publishes_and_is_flagged(raw_copy, tmp_path):
    from support import materialize_into

    report = raw_copy / "mdo" / "bihar_2026-02-25.csv"
    lines = report.read_text(encoding="utf-8").splitlines()
    subtotal = '"Water Resources Department, Bihar","Total",10,5,1,1,1,1.5,1,1,100.00%'
    report.write_text("\n".join([*lines[:3], subtotal, *lines[3:]]) + "\n", encoding="utf-8")
    warehouse = tmp_path / "igot.duckdb"
    result = materialize_into(raw_copy, warehouse)
    assert result.success, "two printed total rows in one report blocked the run"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        totals = con.sql(
            "select count(*) from raw.mdo_report_totals where as_of_date = '2026-02-25'"
        ).fetchall()
        mismatches = con.sql(
            "select count(*) from marts.org_mapping_issues where issue_type = 'totals_mismatch'"
        ).fetchall()
        # The dashboard sets the report's own total beside the loaded rows: the grand total (the
        # last total row), with the count of total rows printed, never the subtotal's 10.
        reconciled = con.sql(
            "select printed_total, total_rows_printed from marts.mdo_report_reconciliation "
            "where measure = 'onboarded'"
        ).fetchall()
        grand_total = con.sql(
            "select onboarded from raw.mdo_report_totals where as_of_date = '2026-02-25' "
            "order by source_row desc limit 1"
        ).fetchall()[0][0]
    assert totals == [(2,)]
    assert mismatches[0][0] > 0
    assert reconciled == [(grand_total, 2)] and grand_total != 10
