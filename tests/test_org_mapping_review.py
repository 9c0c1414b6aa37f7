"""The org-mapping review (marts.org_mapping_issues) on the shipped Bihar report.

Every finding below is one the raw README lists as printed in the seed document. The rules and
their seeds are in dbt_models/models/review and dbt_models/seeds/org_mapping_*.csv; each rule
also has dbt unit tests on fixture rows in its YAML.
"""

import re
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from support import DBT_PROJECT, materialize_into, run_dbt

from dagster_project.report import findings_section

pytestmark = pytest.mark.pipeline

PROJECT = DBT_PROJECT
DBT = Path(sys.executable).parent / "dbt"
BIHAR = "mdo/bihar_2026-02-25.csv"
BIPARD = "Bihar Institute of Public Administration and Rural Development (BIPARD), Bihar"


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def findings(warehouse: Path, issue_type: str, columns: str = "department, mdo_name") -> set:
    return set(
        query(
            warehouse,
            f"select {columns} from marts.org_mapping_issues "
            "where state = 'Bihar' and issue_type = ?",
            [issue_type],
        )
    )


def evidence(warehouse: Path, issue_type: str, mdo_name: str) -> str:
    rows = query(
        warehouse,
        "select evidence from marts.org_mapping_issues where issue_type = ? and mdo_name = ?",
        [issue_type, mdo_name],
    )
    assert len(rows) == 1, rows
    return rows[0][0]


# --- the findings on the shipped report ------------------------------------------------------


def test_findings_by_type_and_severity(shipped_warehouse):
    counts = query(
        shipped_warehouse,
        "select issue_type, severity, count(*)::int, count(*) filter (where is_open)::int "
        "from marts.org_mapping_issues group by all order by issue_type",
    )
    assert counts == [
        ("district_under_department", "warning", 4, 4),
        ("district_under_district", "warning", 2, 2),
        ("duplicate_mdo", "error", 7, 7),
        ("impossible_figures", "error", 1, 1),
        ("merged_cell", "error", 9, 9),
        ("near_duplicate_department", "warning", 8, 8),
        ("orphan", "warning", 5, 4),  # BIPARD is decided: accepted
        ("suspect_parent", "warning", 11, 11),
        ("totals_mismatch", "error", 8, 8),
        ("unparsed_row", "error", 4, 4),
    ]


def test_every_finding_is_of_the_one_bihar_snapshot(shipped_warehouse):
    assert query(
        shipped_warehouse,
        "select distinct state, snapshot_date::varchar, first_seen::varchar, last_seen::varchar "
        "from marts.org_mapping_issues",
    ) == [("Bihar", "2026-02-25", "2026-02-25", "2026-02-25")]


def test_orphans_are_the_blank_and_non_department_parents(shipped_warehouse):
    assert findings(shipped_warehouse, "orphan", "department, mdo_name, status") == {
        (None, "Animal and Fisheries Resource Department", "open"),
        (None, "Bihar State Power Holding Company Limited (BSPHCL) Patna", "open"),
        ("Indian Administrative Service, Bihar", "Indian Administrative Service, Bihar", "open"),
        ("Bihar State Selection Commission", "Bihar State Selection Commission", "open"),
        (BIPARD, BIPARD, "accepted"),
    }
    fixes = dict(
        query(
            shipped_warehouse,
            "select mdo_name, suggested_fix from marts.org_mapping_issues "
            "where issue_type = 'orphan' and department is null",
        )
    )
    assert fixes == {
        "Animal and Fisheries Resource Department": (
            "File it under 'Animal and Fish Resources Department Bihar' (name similarity 0.93)"
        ),
        "Bihar State Power Holding Company Limited (BSPHCL) Patna": (
            "File it under 'Energy Department Bihar' (same domain: energy)"
        ),
    }


def test_every_merged_cell(shipped_warehouse):
    assert findings(shipped_warehouse, "merged_cell") == {
        # department cells: one finding each, whatever the MDOs under them
        ("Industry Department Bihar District Buxar, Bihar", None),
        ("Industry Department Bihar Excise and Prohibition Department Bihar", None),
        ("Agriculture Department Bihar District Arwal, Bihar", None),
        ("Energy Department Bihar District Vaishali, Bihar", None),
        ("Cabinet Secretariat Department District Katihar, Bihar", None),
        ("Bihar Information Commission District Banka, Bihar", None),
        # MDO cells
        (
            "Industry Department Bihar District Buxar, Bihar",
            "Bihar Industrial Area Development Authority (BIADA) District Buxar, Bihar",
        ),
        (
            "Industry Department Bihar Excise and Prohibition Department Bihar",
            "Directorate of Handloom and Sericulture Bihar State Beverages Corporation Limited",
        ),
        (
            "Parliamentary Affairs Department Bihar",
            "Cabinet Secretariat Department District Katihar, Bihar",
        ),
    }
    assert evidence(
        shipped_warehouse,
        "merged_cell",
        "Directorate of Handloom and Sericulture Bihar State Beverages Corporation Limited",
    ).startswith(
        "MDO cell holds two names: 'Directorate of Handloom and Sericulture' + "
        "'Bihar State Beverages Corporation Limited'"
    )


def test_every_district_misplacement(shipped_warehouse):
    placed = findings(
        shipped_warehouse, "district_under_department", "department, mdo_name"
    ) | findings(shipped_warehouse, "district_under_district", "department, mdo_name")
    assert placed == {
        ("Industry Department Bihar", "District Arwal, Bihar"),
        ("Agriculture Department Bihar", "District Vaishali, Bihar"),
        ("Youth Art and Culture Department Bihar", "District Banka, Bihar"),
        ("Energy Department Bihar", "District Samastipur, Bihar"),
        ("District Purnea, Bihar", "District Katihar, Bihar"),
        ("District Samastipur, Bihar", "District Purnea, Bihar"),
    }
    assert findings(shipped_warehouse, "district_under_district", "mdo_name") == {
        ("District Katihar, Bihar",),
        ("District Purnea, Bihar",),
    }
    # A district filed as its own parent is at the district level: not a finding.
    assert not query(
        shipped_warehouse,
        "select * from marts.org_mapping_issues where mdo_name = 'District Munger, Bihar'",
    )


def test_every_duplicate_mdo_with_both_rows_figures(shipped_warehouse):
    assert findings(shipped_warehouse, "duplicate_mdo", "mdo_name") == {
        ("Animal and Fish Resources Department Bihar",),
        ("Labour Resources (Employment and Training) Department Bihar",),
        ("Mines and Geology Department Bihar",),
        ("Sugarcane Industries Department Bihar",),  # its second row is quarantined
        # the same name once the state suffix is removed: 'Rural Works Department' etc.
        ("Rural Works Department Bihar",),
        ("Revenue and Land Reforms Department Bihar",),
        ("Environment and Forest Department Bihar",),
    }
    for mdo, onboarded in [
        ("Animal and Fish Resources Department Bihar", (1437, 369)),
        ("Labour Resources (Employment and Training) Department Bihar", (230, 189)),
        ("Mines and Geology Department Bihar", (88, 18)),
    ]:
        text = evidence(shipped_warehouse, "duplicate_mdo", mdo)
        assert text.startswith(f"'{mdo}' is listed 2 times: ")
        assert re.findall(r"onboarded (\d+)", text) == [str(n) for n in onboarded]
    sugarcane = evidence(
        shipped_warehouse, "duplicate_mdo", "Sugarcane Industries Department Bihar"
    )
    assert "row 40 under 'Sugarcane Industries Department Bihar': onboarded 120" in sugarcane
    assert "row 100 under 'Sugarcane Industries Department Bihar': quarantined" in sugarcane


def test_near_duplicate_department_pairs_with_their_score(shipped_warehouse):
    pairs = {
        frozenset(pair)
        for pair in findings(shipped_warehouse, "near_duplicate_department", "department, mdo_name")
    }
    assert pairs == {
        frozenset(pair)
        for pair in [
            ("Rural Works Department Bihar", "Rural Works Department"),
            ("Industry Department Bihar", "Department of Industries, Government of Bihar"),
            (
                "Health Department, Government of Bihar",
                "Health and Family Welfare Department Bihar",
            ),
            ("Minority Welfare Department Bihar", "Minorities Welfare Department"),
            ("Youth Art and Culture Department Bihar", "Art Culture and Youth Department"),
            (
                "Animal and Fish Resources Department Bihar",
                "Animal and Fisheries Resource Department",
            ),
            ("Revenue and Land Reforms Department Bihar", "Revenue and Land Reforms Department"),
            ("Environment and Forest Department Bihar", "Environment and Forest Department"),
        ]
    }
    scores = {
        mdo: float(re.search(r"similarity (\d\.\d\d)", text)[1])
        for mdo, text in query(
            shipped_warehouse,
            "select mdo_name, evidence from marts.org_mapping_issues "
            "where issue_type = 'near_duplicate_department'",
        )
    }
    assert scores["Minorities Welfare Department"] == 1.00  # plural folded
    assert scores["Art Culture and Youth Department"] == 1.00  # same words, another order
    assert scores["Animal and Fisheries Resource Department"] == 0.93
    # Below the threshold: the review does not flag the distinct IT and IPR departments.
    assert all("Information" not in mdo for mdo in scores)
    assert "department_aliases maps both to 'Health Department'" in evidence(
        shipped_warehouse,
        "near_duplicate_department",
        "Health and Family Welfare Department Bihar",
    )


def test_suspect_parents_include_both_power_companies(shipped_warehouse):
    suspects = findings(shipped_warehouse, "suspect_parent")
    assert ("Law Department Bihar", "South Bihar Power Distribution Company Limited") in suspects
    assert (
        "SC and ST Welfare Department Bihar",
        "North Bihar Power Distribution Company Limited",
    ) in suspects
    assert suspects == {
        ("Law Department Bihar", "South Bihar Power Distribution Company Limited"),
        ("SC and ST Welfare Department Bihar", "North Bihar Power Distribution Company Limited"),
        (
            "Cabinet Secretariat Department District Katihar, Bihar",
            "Patna High Court Legal Services Committee",
        ),
        ("Energy Department Bihar", "DISTRICT HEALTH SOCIETY ARWAL"),
        (
            "Health and Family Welfare Department Bihar",
            "Bihar Agricultural Management and Extension Training Institute (BAMETI)",
        ),
        ("Energy Department Bihar", "Art Culture and Youth Department"),
        ("Minority Welfare Department Bihar", "Bihar Information Commission"),
        ("Youth Art and Culture Department Bihar", "Minorities Welfare Department"),
        (
            "Bihar Information Commission District Banka, Bihar",
            "Parliamentary Affairs Department Bihar",
        ),
        (
            "Parliamentary Affairs Department Bihar",
            "Cabinet Secretariat Department District Katihar, Bihar",
        ),
        (
            "Energy Department Bihar District Vaishali, Bihar",
            "Bihar State Financial Corporation (BSFC) Patna",
        ),
    }
    assert query(
        shipped_warehouse,
        "select severity, suggested_fix from marts.org_mapping_issues "
        "where mdo_name = 'South Bihar Power Distribution Company Limited'",
    ) == [
        ("warning", "Check its parent: it likely belongs under 'Energy Department Bihar' (energy)")
    ]


def test_impossible_figures(shipped_warehouse):
    assert query(
        shipped_warehouse,
        "select mdo_name, evidence from marts.org_mapping_issues "
        "where issue_type = 'impossible_figures'",
    ) == [("Bihar Information Commission", "courses passed 1 with 0 completions (row 91)")]


def test_every_quarantined_row_is_an_unparsed_row(shipped_warehouse):
    quarantined = query(
        shipped_warehouse,
        "select source_row, raw_cells::varchar from raw.quarantine order by source_row",
    )
    unparsed = query(
        shipped_warehouse,
        "select source_row, mdo_name, severity, evidence from marts.org_mapping_issues "
        "where issue_type = 'unparsed_row' order by source_row",
    )
    assert [row[0] for row in unparsed] == [row[0] for row in quarantined] == [98, 99, 100, 101]
    assert [row[1] for row in unparsed] == [
        "District Gopalganj, Bihar",
        "Real Estate Regulatory Authority RERA Bihar",
        "Sugarcane Industries Department Bihar",
        "Directorate of Provident Fund",
    ]
    for (row, cells), (_, _, severity, text) in zip(quarantined, unparsed, strict=True):
        assert severity == "error"
        assert text.startswith(f"Row {row} of {BIHAR} was not loaded: ")
        assert text.endswith(f"cells as printed: {cells}")


# The printed total row against the rows, per column (raw/README.md): the 96 loaded rows, and
# all 100 rows with the 4 quarantined ones read as printed.
TOTALS = {
    # label: (printed, loaded rows - sum difference, all rows - sum difference)
    "Onboarded": ("1389815", "+16", "+12"),
    "Active": ("90110", "+11", "+8"),
    "User Completions": ("78215", "+8", "+6"),
    "Total Enrollments": ("1378042", "+90", "+54"),
    "Total Completions": ("931710", "+46", "+14"),
    "Total Hours": ("705788.84", "+66.70", "+14.14"),
    "Course Attempted": ("717102", "+26", "+17"),
    "Course Passed": ("525582", "+22", "+15"),
}


def test_totals_mismatch_per_column_with_the_differences(shipped_warehouse):
    rows = query(
        shipped_warehouse,
        "select evidence, severity, suggested_fix from marts.org_mapping_issues "
        "where issue_type = 'totals_mismatch'",
    )
    pattern = re.compile(
        r"(?P<label>[A-Za-z ]+): printed (?P<printed>[\d.]+); the 96 loaded rows sum to [\d.]+ "
        r"\(printed - sum = (?P<loaded>[+\d.]+)\); with the 4 quarantined rows read as printed "
        r"\([+\d.]+\), [\d.]+ \(printed - sum = (?P<all>[+\d.]+)\)"
    )
    found = {}
    for text, severity, fix in rows:
        match = pattern.fullmatch(text)
        assert match, text
        found[match["label"]] = (match["printed"], match["loaded"], match["all"])
        assert severity == "error"
        assert fix.startswith("The rows do not add up to the printed total even with the")
    assert found == TOTALS
    assert (
        "Onboarded: printed 1389815; the 96 loaded rows sum to 1389799 (printed - sum = +16); "
        "with the 4 quarantined rows read as printed (+4), 1389803 (printed - sum = +12)"
    ) in {row[0] for row in rows}


# --- decisions ---------------------------------------------------------------------------------


def test_the_shipped_decision_closes_its_finding(shipped_warehouse):
    assert query(
        shipped_warehouse,
        "select status, is_open, decision, decided_on::varchar, decision_note like 'BIPARD is%' "
        "from marts.org_mapping_issues where issue_type = 'orphan' and mdo_name = ?",
        [BIPARD],
    ) == [("accepted", False, "accepted", "2026-03-02", True)]


def test_removing_the_decision_reopens_its_finding(shipped_warehouse, tmp_path):
    """The real mart, rebuilt on a copy of the shipped warehouse whose decisions seed is empty."""
    warehouse = tmp_path / "igot.duckdb"
    shutil.copyfile(shipped_warehouse, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute("delete from reference.org_mapping_decisions")
    finally:
        con.close()
    result = run_dbt(
        "run", "--select", "org_mapping_issues", warehouse=warehouse, target=tmp_path / "target"
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert query(
        warehouse,
        "select status, is_open, decision from marts.org_mapping_issues "
        "where issue_type = 'orphan' and mdo_name = ?",
        [BIPARD],
    ) == [("open", True, None)]
    assert query(warehouse, "select count(*)::int from marts.org_mapping_issues where is_open") == [
        (59,)
    ]


# --- the department summary and the run summary -------------------------------------------------


def test_department_summary_counts_open_findings(shipped_warehouse):
    by_department = dict(
        query(
            shipped_warehouse,
            "select department, open_mapping_issues from marts.department_summary "
            "where state = 'Bihar'",
        )
    )
    # District Samastipur under it, the merged cell 'Energy Department Bihar District Vaishali,
    # Bihar', and three suspect MDOs: BSFC, DISTRICT HEALTH SOCIETY ARWAL, Art Culture and Youth.
    assert by_department["Energy Department"] == 5
    assert by_department["(no department)"] == 2  # the two blank-department orphans
    assert by_department["Water Resources Department"] == 0
    per_department = dict(
        query(
            shipped_warehouse,
            "select canonical_department, count(*)::int from marts.org_mapping_issues "
            "where is_open and canonical_department is not null group by all",
        )
    )
    assert {d: n for d, n in by_department.items() if n} == {
        d: n for d, n in per_department.items() if d in by_department
    }


def test_run_summary_prints_open_findings_by_type_and_severity(shipped_warehouse):
    con = duckdb.connect(str(shipped_warehouse), read_only=True)
    try:
        section = findings_section(con)
    finally:
        con.close()
    lines = section.splitlines()
    assert lines[0] == "Org-mapping review: 58 open findings (29 errors, 29 warnings), 1 closed"
    table = {tuple(line.split()) for line in lines[3:-1]}
    assert ("merged_cell", "error", "9") in table
    assert ("totals_mismatch", "error", "8") in table
    assert ("suspect_parent", "warning", "11") in table
    assert ("orphan", "warning", "4") in table
    assert len(table) == 10


def test_run_summary_without_the_mart():
    assert findings_section(duckdb.connect()) == (
        "Org-mapping review\n  (marts.org_mapping_issues not built yet)"
    )


# --- a second month ---------------------------------------------------------------------------


def test_a_second_month_keeps_finding_ids_and_drops_what_was_fixed(raw_copy, shipped_copy):
    """March repeats February without the South Bihar power company: every other finding keeps
    its id and is seen from February to March; the fixed one is no longer seen."""
    february = (raw_copy / BIHAR).read_text(encoding="utf-8")
    march = "".join(
        line
        for line in february.splitlines(keepends=True)
        if "South Bihar Power Distribution Company Limited" not in line
    )
    assert march != february
    (raw_copy / "mdo" / "bihar_2026-03-31.csv").write_text(march, encoding="utf-8")
    warehouse = shipped_copy  # February, as published; March is the new month
    assert materialize_into(raw_copy, warehouse, with_quality=False).success

    rows = query(
        warehouse,
        "select issue_type, mdo_name, snapshot_date::varchar, first_seen::varchar, "
        "last_seen::varchar, status from marts.org_mapping_issues",
    )
    assert len(rows) == 59
    gone = [row for row in rows if row[1] == "South Bihar Power Distribution Company Limited"]
    assert gone == [
        ("suspect_parent", gone[0][1], "2026-02-25", "2026-02-25", "2026-02-25", "no_longer_seen")
    ]
    others = [row for row in rows if row not in gone]
    assert {row[2:5] for row in others} == {("2026-03-31", "2026-02-25", "2026-03-31")}
    assert {row[5] for row in others if row[1] != BIPARD} == {"open"}
    assert query(
        warehouse,
        "select status from marts.org_mapping_issues where issue_type = 'orphan' and mdo_name = ?",
        [BIPARD],
    ) == [("accepted",)]
    # March's report misses 3 more onboarded users than February's.
    assert query(
        warehouse,
        "select evidence from marts.org_mapping_issues where issue_type = 'totals_mismatch' "
        "and evidence like 'Onboarded:%'",
    ) == [
        (
            "Onboarded: printed 1389815; the 95 loaded rows sum to 1389796 (printed - sum = +19); "
            "with the 4 quarantined rows read as printed (+4), 1389800 (printed - sum = +15)",
        )
    ]
