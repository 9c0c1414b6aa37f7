"""Bad input a demanding user delivers (issue 16): each is loaded, quarantined, warned about or
held back with one sentence that names the file, and every row read is accounted for."""

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest.discovery import discover
from dagster_project.ingest.loader import load_source
from dagster_project.ingest.sources import MDO_REPORT

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
