"""The synthetic officer-level reports: iGOT's exact format, readable password-protected ZIPs,
deterministic bytes, and a manifest that lists every planted defect and the compliance a
correct pipeline must compute (re-derived here from the files alone).
"""

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import pytest
from support import SHIPPED_RAW

from synth import Parameters, generate
from synth.officer_content import read_annexure, spelling_variants
from synth.officer_people import NEW_MDO
from synth.writer import OutputRefused
from synth.zipcrypto import Member, write_encrypted_zip

PASSWORD = "synthetic-2026"
SMALL = Parameters.for_size("small", officer_format="zip")
# The column lists of issue 12, as written there.
ISSUE_USER_HEADER = [
    "Full_Name",
    "Designation",
    "Email",
    "Phone_Number",
    "MDO_Name",
    "Group",
    "Tag",
    "Ministry",
    "Department",
    "Organization",
    "User_Registration_Date",
    "Cadre",
    "Civil Service Type",
    "Civil Services",
    "Cadre Batch",
    "Is From Organised Service of Govt",
    "Roles",
    "Gender",
    "Category",
    "External_System",
    "External_System_Id",
    "Employee_Id",
    "MDO_Created_On",
    "Profile_Status",
    "weekly_claps_day_before_yesterday",
    "Karma_Points",
    "Event_Enrolments",
    "Event_Completions",
    "Event_Learning_Hours",
    "Course_Enrolments",
    "Course_Completions",
    "Course_Learning_Hours",
    "Total_Enrolments",
    "Total_Completions",
    "Total_Learning_Hours",
    "Report_Last_Generated_On",
]
ISSUE_ENROLMENT_HEADER = [
    "Full_Name",
    "Designation",
    "Email",
    "Phone_Number",
    "MDO_Name",
    "Group",
    "Tag",
    "Ministry",
    "Department",
    "Organization",
    "Content_Provider",
    "Content_Name",
    "Content_Type",
    "Content_Duration",
    "Batch_Id",
    "Batch_Name",
    "Batch_Start_Date",
    "Batch_End_Date",
    "Enrolled_On",
    "Status",
    "Content_Progress_Percentage",
    "Last_Published_On",
    "Content_Retired_On",
    "Completed_On",
    "Certificate_Generated",
    "User_Rating",
    "Gender",
    "Category",
    "External_System",
    "External_System_Id",
    "Certificate_ID",
    "Report_Last_Generated_On",
    "Live_CBP_Plan_Mandate",
]
ISSUE_CBP_HEADER = [
    "Name",
    "Email",
    "Phone",
    "MDO_Name",
    "Group",
    "Designation",
    "Ministry",
    "Department",
    "Organization",
    "Name of CBP Allocated Course",
    "isapar",
    "Allocated On",
    "Current Progress",
    "Due Date of Completion",
    "Actual Date of Completion",
    "Report_Last_Generated_On",
]
HEADERS = {
    "user-report.csv": ISSUE_USER_HEADER,
    "user-enrollment-report.csv": ISSUE_ENROLMENT_HEADER,
    "cbp-report-mdo-enrolment.csv": ISSUE_CBP_HEADER,
}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
GENERATED = re.compile(r"^\d{4}-\d{2}-\d{2} (0[1-9]|1[0-2]):[0-5]\d:[0-5]\d (AM|PM)$")
DURATION = re.compile(r"^\d{2,}:[0-5]\d:[0-5]\d$")
DUE = "2026-03-31 23:59:59"


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("officers") / "small"
    generate(SMALL, out)
    return out


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def parse(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def reports(raw: Path) -> dict[tuple[str, str], list[bytes]]:
    """(delivery folder, CSV name) -> the CSV bytes of each ZIP (or the bare CSV)."""
    found: dict[tuple[str, str], list[bytes]] = defaultdict(list)
    for path in sorted((raw / "officers").rglob("*")):
        folder = path.parent.relative_to(raw).as_posix()
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    found[folder, name].append(archive.read(name, pwd=PASSWORD.encode()))
        elif path.suffix == ".csv":
            found[folder, path.name].append(path.read_bytes())
    return found


def member_rows(raw: Path, source_file: str, member: str | None) -> list[list[str]]:
    path = raw / source_file
    if member is None:
        data = path.read_bytes()
    else:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(member, pwd=PASSWORD.encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


# --- the ZIP writer ------------------------------------------------------------------------------


@pytest.mark.unit
def test_zipcrypto_round_trip(tmp_path):
    path = tmp_path / "reports.zip"
    hindi = "आर्टिफिशियल इंटेलिजेंस का भविष्य,Microsoft\n".encode()
    big = b"Full_Name,Email\n" + b"Asha Rao,asha.rao1@mail.example\n" * 20_000
    members = [Member("user-report.csv", big), Member("user-enrollment-report.csv", hindi)]
    moment = dt.datetime(2026, 4, 2, 6, 30, 12)
    write_encrypted_zip(path, members, "s3cret", moment, (1, "test"))
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["user-report.csv", "user-enrollment-report.csv"]
        assert all(info.flag_bits & 0x1 for info in archive.infolist())
        assert archive.read("user-report.csv", pwd=b"s3cret") == big
        assert archive.read("user-enrollment-report.csv", pwd=b"s3cret") == hindi
        assert archive.getinfo("user-report.csv").date_time == (2026, 4, 2, 6, 30, 12)
        with pytest.raises(RuntimeError, match="password required"):
            archive.read("user-report.csv")
        with pytest.raises(RuntimeError, match="Bad password"):
            archive.read("user-report.csv", pwd=b"wrong")
    # The encrypted bytes are not the plain ones: no member text is readable in the file.
    assert b"asha.rao1" not in path.read_bytes()
    again = tmp_path / "again.zip"
    write_encrypted_zip(again, members, "s3cret", moment, (1, "test"))
    assert again.read_bytes() == path.read_bytes()


@pytest.mark.unit
@pytest.mark.skipif(shutil.which("unzip") is None, reason="Info-ZIP unzip is not installed")
def test_info_zip_unzip_accepts_the_password_and_refuses_without(tmp_path):
    path = tmp_path / "reports.zip"
    data = b"a,b\n1,2\n" * 1000
    write_encrypted_zip(
        path, [Member("user-report.csv", data)], "pw", dt.datetime(2026, 4, 2), (2,)
    )
    good = subprocess.run(
        ["unzip", "-p", "-P", "pw", str(path), "user-report.csv"], capture_output=True, timeout=60
    )
    assert good.returncode == 0 and good.stdout == data
    bad = subprocess.run(["unzip", "-p", "-P", "nope", str(path)], capture_output=True, timeout=60)
    assert bad.returncode != 0 and bad.stdout != data


# --- determinism and where it writes ------------------------------------------------------------


@pytest.mark.unit
def test_same_seed_same_bytes(small, tmp_path):
    again = tmp_path / "again"
    generate(SMALL, again, jobs=1)
    assert digests(small) == digests(again)


@pytest.mark.unit
def test_officers_leave_the_mdo_files_as_they_were(small, tmp_path):
    plain = tmp_path / "plain"
    generate(Parameters.for_size("small"), plain)
    without, with_officers = digests(plain / "raw"), digests(small / "raw")
    shared = [n for n in without if n != "README.md"]
    assert all(without[n] == with_officers[n] for n in shared)
    extra = set(with_officers) - set(without)
    assert extra and all(
        n.startswith("officers/") or n == "reference/officer_bands.csv" for n in extra
    )


@pytest.mark.unit
def test_other_seed_other_reports(small, tmp_path):
    other = tmp_path / "other"
    generate(Parameters.for_size("small", seed=SMALL.seed + 1, officer_format="zip"), other)
    mine, theirs = reports(small / "raw"), reports(other / "raw")
    assert mine.keys() == theirs.keys()
    assert all(mine[key] != theirs[key] for key in mine)


@pytest.mark.unit
def test_refuses_to_write_officers_into_the_shipped_raw_folder():
    before = digests(SHIPPED_RAW)
    with pytest.raises(OutputRefused):
        generate(SMALL, SHIPPED_RAW / "officers")
    assert digests(SHIPPED_RAW) == before


# --- the delivered format -----------------------------------------------------------------------


@pytest.mark.unit
def test_folders_files_and_headers_are_igots(small):
    meta = manifest(small)["officers"]
    raw = small / "raw"
    folders = sorted(p.name for p in (raw / "officers").iterdir())
    assert folders == [
        f"{slug}_{date}"
        for slug in ("andaman_and_nicobar", "bihar")
        for date in ("2026-03-26", "2026-04-02")
    ]
    for folder in (raw / "officers").iterdir():
        names = sorted(p.name for p in folder.iterdir())
        assert names == [
            "README.md",
            "reports_synthetic (1).zip",
            "reports_synthetic (2).zip",
            "reports_synthetic.zip",
        ]
        assert "synthetic" in (folder / "README.md").read_text(encoding="utf-8")
    found = reports(raw)
    assert {name for _, name in found} == set(HEADERS)
    for (_, name), members in found.items():
        header = HEADERS[name]
        for data in members:
            assert b"\r" not in data
            assert next(csv.reader(io.StringIO(data.decode()))) == header
    assert meta["rows"]["officers"] == 600


@pytest.mark.unit
def test_timestamps_statuses_and_durations(small):
    timestamps = {
        "cbp-report-mdo-enrolment.csv": (
            "Allocated On",
            "Due Date of Completion",
            "Actual Date of Completion",
        ),
        "user-report.csv": ("User_Registration_Date", "MDO_Created_On"),
        "user-enrollment-report.csv": (
            "Enrolled_On",
            "Completed_On",
            "Last_Published_On",
            "Batch_Start_Date",
            "Batch_End_Date",
        ),
    }
    statuses = Counter()
    for (folder, name), members in reports(small / "raw").items():
        date = folder.rsplit("_", 1)[1]
        for data in members:
            rows = parse(data)
            assert rows
            generated = {row["Report_Last_Generated_On"] for row in rows}
            assert len(generated) == 1 and GENERATED.match(generated.pop()), folder
            for row in rows:
                assert row["Report_Last_Generated_On"].startswith(date)
                for column in timestamps[name]:
                    assert row[column] == "" or TIMESTAMP.match(row[column]), (column, row[column])
                if name == "user-enrollment-report.csv":
                    statuses[row["Status"]] += 1
                    assert DURATION.match(row["Content_Duration"])
                    assert row["Enrolled_On"] <= row["Report_Last_Generated_On"][:10] + " 23"
                    progress = int(row["Content_Progress_Percentage"])
                    assert (progress == 100) == (row["Status"] == "completed")
    assert set(statuses) == {"not-started", "in-progress", "completed"}


def normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@pytest.mark.unit
def test_course_names_mostly_annexure_with_variants_and_lookalikes(small):
    annexure = {(normalised(c["name"]), normalised(c["provider"])) for c in read_annexure()}
    exact = {(c["name"], c["provider"]) for c in read_annexure()}
    kinds = Counter()
    for (_, name), members in reports(small / "raw").items():
        if name != "user-enrollment-report.csv":
            continue
        for row in (r for data in members for r in parse(data)):
            key = (row["Content_Name"], row["Content_Provider"])
            if key in exact:
                kinds["exact"] += 1
            elif (normalised(key[0]), normalised(key[1])) in annexure:
                kinds["variant"] += 1
            elif re.search(r"\b(ai|artificial|cyber)", key[0], re.IGNORECASE):
                kinds["lookalike"] += 1
            else:
                kinds["other"] += 1
            if re.search(r"[\u0900-\u097F]", key[0]):
                kinds["hindi"] += 1
    total = sum(kinds[k] for k in ("exact", "variant", "lookalike", "other"))
    assert 0.25 < (kinds["exact"] + kinds["variant"]) / total < 0.45
    assert kinds["variant"] > 0.1 * kinds["exact"]
    assert kinds["lookalike"] > 0 and kinds["hindi"] > 0


@pytest.mark.unit
def test_spelling_variants_still_match():
    for course in read_annexure():
        for name, provider, _ in spelling_variants(course["name"], course["provider"]):
            assert (name, provider) != (course["name"], course["provider"])
            assert normalised(name) == normalised(course["name"])
            assert normalised(provider) == normalised(course["provider"])


@pytest.mark.unit
def test_mdo_names_match_the_states_mdo_report(small):
    """Officers work in the MDOs the state's latest synthetic MDO report lists, under the same
    Department cell, but for the two planted mismatches and the MDO report's own planted
    defects of that month (a merged cell, a misfiled body), which move a few MDOs."""
    raw = small / "raw"
    found = reports(raw)
    for folder in (raw / "officers").iterdir():
        slug = folder.name.rsplit("_", 1)[0]
        report = sorted((raw / "mdo").glob(f"{slug}_*"))[-1]
        with report.open(encoding="utf-8", newline="") as f:
            listed = {row[1]: row[0] for row in list(csv.reader(f))[1:] if row[1]}
        pairs, blank, unlisted = Counter(), set(), 0
        for data in found[f"officers/{folder.name}", "user-report.csv"]:
            for row in parse(data):
                if row["MDO_Name"] == NEW_MDO:
                    unlisted += 1
                elif not row["Department"]:
                    blank.add(row["MDO_Name"])
                else:
                    pairs[listed.get(row["MDO_Name"]) == row["Department"]] += 1
        assert len(blank) == 1 and unlisted >= 2  # the planted MDO-level mismatches
        assert pairs[True] >= 0.9 * (pairs[True] + pairs[False]), folder.name


@pytest.mark.unit
def test_bands_file_covers_part_of_the_officers(small):
    raw = small / "raw"
    with (raw / "reference" / "officer_bands.csv").open(encoding="utf-8", newline="") as f:
        bands = list(csv.DictReader(f))
    assert list(bands[0]) == ["Email", "Band"]
    emails = {
        row["Email"].lower()
        for (_, name), members in reports(raw).items()
        if name == "user-report.csv"
        for row in (r for data in members for r in parse(data))
        if row["Email"]
    }
    assert {b["Band"] for b in bands} == {
        "16 Years and above",
        "9 - 16 Years",
        "0 - 9 Years",
        "MTS & equivalent",
    }
    assert all(b["Email"].lower() in emails for b in bands)
    assert 0.4 * len(emails) < len(bands) < 0.8 * len(emails)
    assert any(b["Email"] != b["Email"].lower() for b in bands)


# --- the manifest -------------------------------------------------------------------------------


def identity(row: dict) -> str | None:
    """The officer_key basis of the contract: e-mail, else employee id, else phone."""
    if row["Email"].strip():
        return "email:" + row["Email"].strip().lower()
    if row.get("Employee_Id", "").strip():
        return "employee_id:" + row["Employee_Id"].strip()
    digits = re.sub(r"\D", "", row["Phone_Number"])
    return "phone:" + digits[-10:] if digits else None


def scan_defects(raw: Path, source_file: str, member: str | None) -> set[tuple]:
    """Every row defect in one CSV, found from its cells alone: (issue type, row)."""
    rows = member_rows(raw, source_file, member)
    header, body = rows[0], rows[1:]
    found = set()
    seen: dict[tuple, str] = {}
    enrolment = "Content_Name" in header
    for number, cells in enumerate(body, start=2):
        row = dict(zip(header, cells, strict=True))
        key = identity(row)
        if key is None:
            found.add(("unidentifiable_officer", number))
            continue
        listing = (key, row["Content_Name"], row["Content_Provider"]) if enrolment else (key,)
        if listing in seen:
            assert seen[listing] != row["Email"]  # the copy prints the e-mail's other case
            found.add(("duplicate_enrolment" if enrolment else "duplicate_officer", number))
        seen[listing] = row["Email"]
        if enrolment and row["Status"] == "completed":
            if not row["Completed_On"]:
                found.add(("completed_without_date", number))
            elif row["Completed_On"] < row["Enrolled_On"]:
                found.add(("completed_before_enrolled", number))
    return found


@pytest.mark.unit
def test_manifest_lists_exactly_the_planted_row_defects(small):
    raw = small / "raw"
    planted = manifest(small)["officer_planted"]
    listed = defaultdict(set)
    for entry in planted:
        if entry["source_row"] is not None:
            key = (entry["source_file"], entry["source_member"])
            listed[key].add((entry["issue_type"], entry["source_row"]))
    files = {
        (p.relative_to(raw).as_posix(), member)
        for p in (raw / "officers").rglob("*.zip")
        for member in ("user-report.csv", "user-enrollment-report.csv")
    }
    found = {key: scan_defects(raw, *key) for key in files}
    assert {k: v for k, v in found.items() if v} == dict(listed)
    kinds = Counter(e["issue_type"] for e in planted)
    for kind in (
        "duplicate_officer",
        "duplicate_enrolment",
        "unidentifiable_officer",
        "completed_without_date",
        "completed_before_enrolled",
        "mdo_without_department",
        "mdo_not_in_mdo_report",
        "lookalike_course",
        "course_name_variant",
    ):
        assert kinds[kind] >= 1, kind
    assert manifest(small)["officers"]["planted"] == dict(sorted(kinds.items()))
    assert all(e["expected"] for e in planted)


def compliance_from_files(raw: Path) -> dict[tuple, dict]:
    """The mandates' rules applied to the delivered files alone (the pipeline's job, by hand):
    officers of the user reports, each once; Annexure-3 courses matched ignoring case and
    spaces; completed with a Completed_On on or before the due date; each course once."""
    annexure = {
        (normalised(c["name"]), normalised(c["provider"])): c["domain"] for c in read_annexure()
    }
    officers: dict[tuple, dict[str, str]] = defaultdict(dict)  # (state folder) -> key -> dept
    done: dict[tuple, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    enrolled: dict[tuple, set] = defaultdict(set)
    for (folder, name), members in reports(raw).items():
        if name == "cbp-report-mdo-enrolment.csv":
            continue
        for row in (r for data in members for r in parse(data)):
            key = identity(row)
            if key is None:
                continue
            if name == "user-report.csv":
                officers[folder][key] = row["Department"]
                continue
            enrolled[folder].add(key)
            course = (normalised(row["Content_Name"]), normalised(row["Content_Provider"]))
            counted = (
                course in annexure
                and row["Status"].lower() == "completed"
                and row["Completed_On"]
                and row["Completed_On"] <= DUE
            )
            if counted:
                done[folder][key].add((annexure[course], course))
    result = {}
    for folder, people in officers.items():
        slug, date = folder.removeprefix("officers/").rsplit("_", 1)
        for key, department in people.items():
            domains = Counter(domain for domain, _ in done[folder][key])
            cell = result.setdefault(
                (slug, date, department),
                {"officers": 0, "never": 0, "kb": 0, "wrd": 0},
            )
            cell["officers"] += 1
            cell["never"] += key not in enrolled[folder]
            cell["kb"] += domains["AI"] >= 1 and domains["Cybersecurity"] >= 1
            cell["wrd"] += sum(domains.values()) >= 2
    return result


@pytest.mark.unit
def test_expected_compliance_is_what_the_files_say(small):
    """The manifest's expected counts (from the generator's truth) equal the rules applied to
    the delivered files, so a pipeline test can rely on them."""
    meta = manifest(small)
    parameters = meta["parameters"]
    slugs = dict(zip(parameters["state_names"], parameters["state_slugs"], strict=True))
    from_files = compliance_from_files(small / "raw")
    expected = meta["officers"]["expected"]
    kb = {
        (slugs[e["state"]], e["report_date"], e["department"] or ""): e
        for e in expected
        if e["mandate_id"] == "kb-2026-01-20-ai-cyber"
    }
    assert kb.keys() == from_files.keys()
    for key, entry in kb.items():
        mine = from_files[key]
        assert (entry["officers"], entry["compliant"], entry["never_enrolled"]) == (
            mine["officers"],
            mine["kb"],
            mine["never"],
        ), key
    wrd = [e for e in expected if e["mandate_id"] == "wrd-bihar-2026-02-25"]
    assert wrd and all(e["state"] == "Bihar" for e in wrd)
    for entry in wrd:
        assert (
            entry["compliant"]
            == from_files["bihar", entry["report_date"], entry["department"]]["wrd"]
        )
    compliant = sum(e["compliant"] for e in kb.values())
    officers = sum(e["officers"] for e in kb.values())
    assert 0.05 * officers < compliant < 0.6 * officers
    assert sum(e["annexure_completions_late"] for e in expected) > 0
    assert sum(e["never_enrolled"] for e in expected) > 0


@pytest.mark.unit
def test_csv_and_zip_deliveries_hold_the_same_rows(small, tmp_path):
    bare = tmp_path / "csv"
    generate(Parameters.for_size("small", officer_format="csv"), bare)
    zipped, plain = reports(small / "raw"), reports(bare / "raw")
    assert zipped.keys() == plain.keys()
    for key in zipped:
        assert len(plain[key]) == 1
        rows_zip = Counter(line for data in zipped[key] for line in data.splitlines()[1:])
        rows_csv = Counter(plain[key][0].splitlines()[1:])
        assert rows_zip == rows_csv, key
    assert manifest(bare)["officers"]["expected"] == manifest(small)["officers"]["expected"]


@pytest.mark.unit
def test_shipped_mdo_names_for_the_demo(tmp_path):
    out = tmp_path / "demo"
    params = Parameters.for_size(
        "small", states=1, months=1, officer_format="zip", officer_states=1, officer_mdos="shipped"
    )
    generate(params, out)
    with (SHIPPED_RAW / "mdo" / "bihar_2026-02-25.csv").open(encoding="utf-8", newline="") as f:
        shipped = {row[1] for row in list(csv.reader(f))[1:] if len(row) > 1 and row[1]}
    names = {
        row["MDO_Name"]
        for (_, name), members in reports(out / "raw").items()
        if name == "user-report.csv"
        for row in (r for data in members for r in parse(data))
    }
    assert names - {NEW_MDO} <= shipped
    assert any("Water Resources Department" in n for n in names)


@pytest.mark.unit
def test_cbp_report_agrees_with_the_consumption_report(small):
    """The optional CBP report allocates two Annexure-3 courses to each Water Resources
    Department officer; its progress and completion date are the consumption report's."""
    annexure = {(normalised(c["name"]), normalised(c["provider"])) for c in read_annexure()}
    found = reports(small / "raw")
    checked = 0
    for (folder, name), members in found.items():
        if name != "cbp-report-mdo-enrolment.csv":
            continue
        status = {}
        for data in found[folder, "user-enrollment-report.csv"]:
            for row in parse(data):
                content = (normalised(row["Content_Name"]), normalised(row["Content_Provider"]))
                if content in annexure:  # not 'Cybersecurity' by Coursera, a look-alike
                    course = (identity(row), content[0])
                    status[course] = (row["Status"], row["Completed_On"])
        for row in (r for data in members for r in parse(data)):
            assert "Water Resources Department" in row["Department"]
            allocated = normalised(row["Name of CBP Allocated Course"])
            assert allocated in {name for name, _ in annexure}
            assert row["Due Date of Completion"] == DUE
            course = (identity({**row, "Phone_Number": row["Phone"]}), allocated)
            progress, completed_on = status.get(course, ("not-started", ""))
            assert (row["Current Progress"], row["Actual Date of Completion"]) == (
                progress,
                completed_on,
            )
            checked += 1
    assert checked >= 4


@pytest.mark.unit
def test_officer_floor_computes_the_expected_compliance(small, tmp_path):
    """bench's hand-written officer floor, on the same delivery as bare CSVs, gives the
    manifest's compliance counts: the floor does the real work, and the counts are reachable."""
    from bench.floor import build_floor

    bare = tmp_path / "csv"
    generate(Parameters.for_size("small", officer_format="csv"), bare)
    result = build_floor(bare / "raw", tmp_path / "floor.duckdb")
    assert result["rows"]["raw.officer_quarantine"] > 0
    meta = manifest(bare)
    slugs = dict(
        zip(meta["parameters"]["state_names"], meta["parameters"]["state_slugs"], strict=True)
    )
    expected = {
        (slugs[e["state"]], e["report_date"], e["department"], e["mandate_id"]): (
            e["officers"],
            e["compliant"],
        )
        for e in meta["officers"]["expected"]
    }
    con = duckdb.connect(str(tmp_path / "floor.duckdb"), read_only=True)
    try:
        rows = con.execute(
            "select state, report_date::varchar, department, mandate_id, officers, compliant "
            "from marts.mandate_compliance"
        ).fetchall()
    finally:
        con.close()
    assert {(s, d, dep, m): (o, c) for s, d, dep, m, o, c in rows} == expected
