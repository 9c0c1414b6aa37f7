"""Officer reports: the input contract, reading ZIPs in place, and pseudonymisation at the door.

The fixture delivery (tests/fixtures/officers/) is hand-written with fake people; the ZIPs are
made by the real `zip -P` command, as the MDO portal's ZipCrypto reports.zip is.
"""

import csv
import datetime as dt
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pytest

from dagster_project.ingest import officer_files
from dagster_project.ingest.discovery import officer_deliveries
from dagster_project.ingest.errors import RawFileError
from dagster_project.ingest.officer_loader import load_officer_deliveries
from dagster_project.ingest.pseudonyms import officer_key, officer_keys, officer_secret
from dagster_project.ingest.sources import OFFICER_SOURCES

FIXTURE = Path(__file__).parent / "fixtures" / "officers"
DELIVERY = "officers/bihar_2026-03-31"
PASSWORD = "Fixture@2026"
LOADED_AT = dt.datetime(2026, 4, 2, 9, 0)
# Every personal value in the fixture: the scan must find none of them in the warehouse.
PERSONAL_VALUES = (
    "Zorawar",
    "Quillfeather",
    "Ottoline",
    "Brackenridge",
    "Barnaby",
    "Thistlewick",
    "Philippa",
    "Marchbanks",
    "Cuthbert",
    "Pennyworth",
    "Henrietta",
    "Gallowglass",
    "Leopold",
    "Fairweather",
    "Mystery Person",
    "Marigold",
    "Ashcombe",
    "fixture.invalid",
    "FIXTURE.INVALID",
    # The fixture's phones in each of their spellings; a bare "98123" also matched the
    # microseconds of a timestamp in Dagster's storage (…:26.198123).
    "9812300",
    "98123-00",
    "98123 00",
    "EMPQX",
    "EXTSYS",
    "CERTQX",
)
LINEAGE_NAMING_THE_FILE = ("source_file", "source_member", "loaded_at")


def officer_raw(tmp_path: Path) -> Path:
    """A raw folder holding only the fixture delivery as bare CSVs."""
    raw = tmp_path / "raw"
    shutil.copytree(FIXTURE, raw, ignore=shutil.ignore_patterns("README.md"))
    return raw


def zip_delivery(raw: Path, password: str | None = PASSWORD, name: str = "reports.zip") -> Path:
    """Replace the delivery's CSVs by one reports.zip made with the real zip command."""
    folder = raw / DELIVERY
    csvs = sorted(p.name for p in folder.glob("*.csv"))
    target = folder / name
    command = ["zip", "-q", "-X"] + (["-P", password] if password else []) + [str(target), *csvs]
    subprocess.run(command, cwd=folder, check=True)
    for csv_name in csvs:
        (folder / csv_name).unlink()
    return target


def load(raw: Path, warehouse: Path, key_file: Path, password: str | None = PASSWORD):
    with duckdb.connect(str(warehouse)) as con:
        return load_officer_deliveries(
            con,
            officer_deliveries(raw),
            password=password,
            key_file=key_file,
            loaded_at=LOADED_AT,
        )


def table_rows(warehouse: Path, table: str, exclude: tuple[str, ...] = ()) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [r[0] for r in con.execute(f"describe raw.{table}").fetchall()]
        kept = ", ".join(c for c in columns if c not in exclude)
        return con.execute(f"select {kept} from raw.{table} order by all").fetchall()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "secrets" / "officer_key.secret"


@pytest.mark.unit
def test_the_secret_is_created_once_readable_by_its_owner_only(key_file):
    secret = officer_secret(key_file)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert officer_secret(key_file) == secret
    assert len(secret) == 32


@pytest.mark.unit
def test_an_officer_without_e_mail_has_one_key_in_both_reports(tmp_path, key_file):
    """Barnaby has no e-mail: the user report keys him by Employee_Id; the enrolment report,
    which has no Employee_Id, prints his phone in another form. Both rows get one key."""
    raw = officer_raw(tmp_path)
    enrolments = raw / DELIVERY / "user-enrollment-report.csv"
    with enrolments.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, first = reader.fieldnames, next(reader)
    added = {
        **first,
        "Full_Name": "Barnaby Thistlewick",
        "Email": "",
        "Phone_Number": "+91 98123-00003",
        "Certificate_ID": "",
    }
    with enrolments.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header).writerow(added)
    load(raw, tmp_path / "w.duckdb", key_file)
    secret = officer_secret(key_file)
    barnaby = officer_key("employee_id", "EMPQX-5503", secret)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        users = con.sql(
            "select key_basis from raw.officer_users where officer_key = ?", params=[barnaby]
        ).fetchall()
        enrolled = con.sql(
            "select key_basis, content_name from raw.officer_enrolments where officer_key = ?",
            params=[barnaby],
        ).fetchall()
        by_phone = con.sql(
            "select count(*) from raw.officer_enrolments where officer_key = ?",
            params=[officer_key("phone", "9812300003", secret)],
        ).fetchall()
    assert users == [("employee_id",)]
    assert enrolled == [("employee_id", first["Content_Name"])]
    assert by_phone == [(0,)]


@pytest.mark.unit
def test_keys_normalise_e_mails_and_fall_back_to_employee_id_then_phone():
    import pyarrow as pa

    secret = b"k" * 32
    columns = {
        "email": pa.chunked_array([["a.b@x.in", " A.B@X.IN ", "", None, None]]),
        "employee_id": pa.chunked_array([["E1", None, " E2 ", "", None]]),
        "phone": pa.chunked_array([[None, None, "1", "+91 98765-43210", ""]]),
    }
    keys, bases = officer_keys(columns, secret)
    assert keys[0].as_py() == keys[1].as_py() == officer_key("email", "a.b@x.in", secret)
    assert keys[2].as_py() == officer_key("employee_id", "E2", secret)
    assert keys[3].as_py() == officer_key("phone", "9876543210", secret)
    assert keys[4].as_py() is None
    assert bases.to_pylist() == ["email", "email", "employee_id", "phone", None]
    other, _ = officer_keys(columns, b"o" * 32)
    assert other[0].as_py() != keys[0].as_py()


@pytest.mark.unit
def test_the_fixture_loads_with_every_row_accounted_for(tmp_path, key_file):
    raw = officer_raw(tmp_path)
    outcome = load(raw, tmp_path / "w.duckdb", key_file)
    by_file = {load.source_file: load for load in outcome.loads}
    users = by_file[f"{DELIVERY}/user-report.csv"]
    assert (users.rows_read, users.rows_loaded, users.rows_quarantined) == (7, 5, 2)
    enrolments = by_file[f"{DELIVERY}/user-enrollment-report.csv"]
    assert (enrolments.rows_read, enrolments.rows_loaded, enrolments.rows_quarantined) == (7, 4, 3)
    bands = by_file["reference/officer_bands.csv"]
    assert (bands.rows_read, bands.rows_loaded, bands.rows_quarantined) == (4, 3, 1)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        reasons = dict(
            con.execute(
                "select source_row, reason from raw.quarantine "
                "where source_file = ? order by source_row",
                [f"{DELIVERY}/user-enrollment-report.csv"],
            ).fetchall()
        )
        counted = con.execute(
            "select rows_read, rows_loaded + rows_quarantined from raw.file_loads"
        ).fetchall()
    assert reasons[7] == "no e-mail, employee id or phone to identify the officer"
    assert "'the 40th of March' is not a time" in reasons[8]
    assert all(read == kept for read, kept in counted)


@pytest.mark.unit
def test_upper_case_e_mail_duplicates_get_the_same_key(tmp_path, key_file):
    load(officer_raw(tmp_path), tmp_path / "w.duckdb", key_file)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        keys = con.execute(
            "select distinct officer_key from raw.officer_enrolments where source_row in (2, 3)"
        ).fetchall()
        in_users = con.execute(
            "select count(*) from raw.officer_users where officer_key = ?", [keys[0][0]]
        ).fetchall()[0][0]
    assert len(keys) == 1
    assert keys[0][0] == officer_key(
        "email", "zorawar.quillfeather@fixture.invalid", officer_secret(key_file)
    )
    assert in_users == 1


@pytest.mark.unit
def test_timestamps_are_typed_as_printed_in_ist(tmp_path, key_file):
    load(officer_raw(tmp_path), tmp_path / "w.duckdb", key_file)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        row = con.execute(
            "select report_last_generated_on, completed_on, last_published_on "
            "from raw.officer_enrolments where source_row = 2"
        ).fetchall()[0]
    assert row == (
        dt.datetime(2026, 4, 2, 6, 30, 12),
        dt.datetime(2026, 3, 20, 17, 23),
        dt.datetime(2025, 11, 1),
    )


@pytest.mark.unit
def test_an_iso_time_with_a_t_is_read_and_a_day_first_date_is_quarantined(tmp_path, key_file):
    """`2026-04-02T06:30:12` is unambiguous; `02-04-2026 06:30` could be 2 April or 4 February,
    so it is not guessed."""
    raw = officer_raw(tmp_path)
    path = raw / DELIVERY / "user-report.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("2026-04-02 06:30:12 AM", "2026-04-02T06:30:12")
    lines[2] = lines[2].replace("2026-04-02 06:30:12 AM", "02-04-2026 06:30")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load(raw, tmp_path / "w.duckdb", key_file)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        read = con.execute(
            "select report_last_generated_on from raw.officer_users where source_row = 2"
        ).fetchall()
        refused = con.execute(
            "select reason from raw.quarantine where source_row = 3 "
            "and source_file like '%user-report%'"
        ).fetchall()
    assert read == [(dt.datetime(2026, 4, 2, 6, 30, 12),)]
    assert refused == [
        (
            "'02-04-2026 06:30' is not a time (YYYY-MM-DD HH:MM:SS, with or without AM/PM) in "
            "column Report_Last_Generated_On",
        )
    ]


@pytest.mark.unit
def test_a_password_protected_zip_gives_the_same_raw_tables_as_the_csvs(tmp_path, key_file):
    csv_raw = officer_raw(tmp_path / "csv")
    zip_raw = officer_raw(tmp_path / "zip")
    zip_delivery(zip_raw)
    load(csv_raw, tmp_path / "csv.duckdb", key_file)
    outcome = load(zip_raw, tmp_path / "zip.duckdb", key_file)
    assert f"{DELIVERY}/reports.zip/user-enrollment-report.csv" in {
        load.source_file for load in outcome.loads
    }
    for source in OFFICER_SOURCES:
        from_csv = table_rows(tmp_path / "csv.duckdb", source.name, LINEAGE_NAMING_THE_FILE)
        from_zip = table_rows(tmp_path / "zip.duckdb", source.name, LINEAGE_NAMING_THE_FILE)
        assert from_csv == from_zip, source.name
        assert from_csv, source.name
    with duckdb.connect(str(tmp_path / "zip.duckdb"), read_only=True) as con:
        lineage = con.execute(
            "select distinct source_file, source_member from raw.officer_users"
        ).fetchall()
    assert lineage == [(f"{DELIVERY}/reports.zip", "user-report.csv")]


@pytest.mark.unit
def test_rows_read_in_many_arrow_blocks_load_as_from_one(tmp_path, key_file, monkeypatch):
    """Arrow cuts a file into blocks of bytes and the loader gathers blocks into batches of
    rows before staging them: however a file is cut, every row keeps its line and its cells."""
    raw = officer_raw(tmp_path)
    load(raw, tmp_path / "whole.duckdb", key_file)
    gathered = []

    def spy(reader, rows):
        gathered.append([])  # the batch sizes of one file
        for table in batches_of_at_least(reader, rows):
            gathered[-1].append(len(table))
            yield table

    batches_of_at_least = officer_files._batches_of_at_least
    monkeypatch.setattr(officer_files, "ARROW_BLOCK_BYTES", 1024)  # a row or two per block
    monkeypatch.setattr(officer_files, "BATCH_ROWS", 3)
    monkeypatch.setattr(officer_files, "_batches_of_at_least", spy)
    load(raw, tmp_path / "cut.duckdb", key_file)
    assert max(len(sizes) for sizes in gathered) > 1, gathered
    assert all(rows >= 3 for sizes in gathered for rows in sizes[:-1]), gathered
    for table in [source.name for source in OFFICER_SOURCES] + ["quarantine", "file_loads"]:
        whole = table_rows(tmp_path / "whole.duckdb", table)
        assert whole, table
        assert table_rows(tmp_path / "cut.duckdb", table) == whole, table


@pytest.mark.unit
@pytest.mark.parametrize("password", [None, "not-the-password"])
def test_a_zip_without_its_password_is_refused_naming_it(tmp_path, key_file, password):
    raw = officer_raw(tmp_path)
    zip_delivery(raw)
    warehouse = tmp_path / "w.duckdb"
    with pytest.raises(RawFileError) as refused:
        load(raw, warehouse, key_file, password=password)
    message = str(refused.value)
    assert message.startswith(f"{DELIVERY}/reports.zip: ")
    assert "IGOT_REPORTS_ZIP_PASSWORD" in message
    assert PASSWORD not in message
    for source in OFFICER_SOURCES:
        assert table_rows(warehouse, source.name) == []


@pytest.mark.unit
def test_re_runs_skip_an_unchanged_delivery_and_a_corrected_one_replaces_its_date(
    tmp_path, key_file
):
    raw = officer_raw(tmp_path)
    warehouse = tmp_path / "w.duckdb"
    earlier = raw / "officers" / "bihar_2026-03-24"
    shutil.copytree(raw / DELIVERY, earlier)
    load(raw, warehouse, key_file)
    again = load(raw, warehouse, key_file)
    assert sorted(again.unchanged_units) == sorted(
        [DELIVERY, "officers/bihar_2026-03-24", "reference/officer_bands.csv"]
    )
    # The corrected download comes as a ZIP under a new name; the CSVs are gone.
    user_report = (raw / DELIVERY / "user-report.csv").read_text(encoding="utf-8")
    (raw / DELIVERY / "user-report.csv").write_text(
        "\n".join(user_report.splitlines()[:3]) + "\n", encoding="utf-8"
    )
    zip_delivery(raw, name="reports (1).zip")
    load(raw, warehouse, key_file)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        per_date = con.execute(
            "select report_date::varchar, count(*), min(source_file) from raw.officer_users "
            "group by all order by 1"
        ).fetchall()
        stale = con.execute(
            "select count(*) from raw.file_loads where source_file like ?",
            [f"{DELIVERY}/%.csv"],
        ).fetchall()[0][0]
    assert per_date == [
        ("2026-03-24", 5, "officers/bihar_2026-03-24/user-report.csv"),
        ("2026-03-31", 2, f"{DELIVERY}/reports (1).zip"),
    ]
    assert stale == 4  # the four members of the ZIP; the bare CSVs' loads were replaced


@pytest.mark.unit
def test_files_are_recognised_by_header_and_other_reports_are_ignored(tmp_path, key_file):
    raw = officer_raw(tmp_path)
    folder = raw / DELIVERY
    (folder / "user-report.csv").rename(folder / "Officers of WRD (2).csv")
    (folder / "course-feedback.csv").write_text("Course,Likes\nX,3\n", encoding="utf-8")
    zip_delivery(raw)
    outcome = load(raw, tmp_path / "w.duckdb", key_file)
    assert outcome.ignored == [f"{DELIVERY}/reports.zip/course-feedback.csv"]
    assert len(table_rows(tmp_path / "w.duckdb", "officer_users")) == 5


@pytest.mark.unit
def test_a_macs_resource_forks_and_an_empty_other_report_in_the_zip_are_ignored(tmp_path, key_file):
    raw = officer_raw(tmp_path)
    folder = raw / DELIVERY
    (folder / "blended-program-report.csv").write_bytes(b"")
    (folder / "__MACOSX").mkdir()
    (folder / "__MACOSX" / "._user-report.csv").write_bytes(b"\x00\x05\x16\x07\xb0binary")
    csvs = sorted(p.name for p in folder.glob("*.csv"))
    members = [*csvs, "__MACOSX/._user-report.csv"]
    subprocess.run(
        ["zip", "-q", "-X", "-P", PASSWORD, "reports.zip", *members], cwd=folder, check=True
    )
    shutil.rmtree(folder / "__MACOSX")
    for name in csvs:
        (folder / name).unlink()
    outcome = load(raw, tmp_path / "w.duckdb", key_file)
    # The resource fork is not even listed: the archiver made it, not the portal.
    assert outcome.ignored == [f"{DELIVERY}/reports.zip/blended-program-report.csv"]
    assert outcome.held_back == []
    assert len(table_rows(tmp_path / "w.duckdb", "officer_users")) == 5


@pytest.mark.unit
def test_a_delivery_with_an_unreadable_file_is_held_back_whole_and_the_others_load(
    tmp_path, key_file
):
    """A damaged download, an empty report or one that lost a required column holds back its
    delivery, keeping that date's earlier load; every other delivery loads."""
    raw = officer_raw(tmp_path)
    warehouse = tmp_path / "w.duckdb"
    later = raw / "officers" / "bihar_2026-04-14"
    shutil.copytree(raw / DELIVERY, later)
    damaged = raw / "officers" / "bihar_2026-04-21"
    damaged.mkdir()
    (damaged / "reports.zip").write_bytes(b"<html>Session expired</html>")
    load(raw, warehouse, key_file)
    # The 31 March delivery comes again, its enrolment report now empty.
    (raw / DELIVERY / "user-enrollment-report.csv").write_bytes(b"")
    (later / "user-report.csv").write_text("Email,Department\n", encoding="utf-8")
    outcome = load(raw, warehouse, key_file)
    reasons = {r.source_file: r.reason for r in outcome.held_back}
    assert reasons == {
        f"{DELIVERY}/user-enrollment-report.csv": (
            "is empty. Expected a header row and data rows; the delivery "
            f"{DELIVERY} is held back whole (an earlier load of it stays)"
        ),
        "officers/bihar_2026-04-14/user-report.csv": (
            "the header row lacks 'MDO_Name' (found 'Email', 'Department'). Expected the "
            "columns MDO_Name, Department; the delivery officers/bihar_2026-04-14 is held "
            "back whole (an earlier load of it stays)"
        ),
        "officers/bihar_2026-04-21/reports.zip": (
            "is not a readable ZIP file (File is not a zip file). Expected the reports.zip the "
            "portal gave; the delivery officers/bihar_2026-04-21 is held back whole (an "
            "earlier load of it stays)"
        ),
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        per_date = con.execute(
            "select report_date::varchar, count(*) from raw.officer_enrolments group by all "
            "order by 1"
        ).fetchall()
        recorded = con.execute("select source_file from raw.file_rejections order by 1").fetchall()
    # 31 March keeps its first load; 14 April's first load was whole, and it keeps it too.
    assert [date for date, _ in per_date] == ["2026-03-31", "2026-04-14"]
    assert [name for (name,) in recorded] == sorted(reasons)
    # Fixed, the deliveries load and their rejections are gone.
    shutil.rmtree(damaged)
    shutil.copy(FIXTURE / DELIVERY / "user-enrollment-report.csv", raw / DELIVERY)
    shutil.copy(FIXTURE / DELIVERY / "user-report.csv", later)
    assert load(raw, warehouse, key_file).held_back == []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.file_rejections").fetchall() == [(0,)]


@pytest.mark.unit
def test_a_report_the_csv_reader_cannot_split_is_held_back_with_a_sentence(tmp_path, key_file):
    """Lines ending in a bare carriage return (an old Mac export), and a cell longer than
    Python's CSV reader takes in a file the lenient reader reads: one sentence each."""
    raw = officer_raw(tmp_path)
    users = raw / DELIVERY / "user-report.csv"
    users.write_bytes(users.read_bytes().replace(b"\n", b"\r"))
    enrolments = raw / DELIVERY / "user-enrollment-report.csv"
    lines = enrolments.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "")  # a blank line: the lenient reader takes the file
    lines[3] = lines[3].replace("Water Resources Department", "W" * 140_000, 1)
    enrolments.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The delivery is held back at its first unreadable file (they are read in name order).
    [held] = load(raw, tmp_path / "w.duckdb", key_file).held_back
    assert held.sentence().startswith(
        f"{DELIVERY}/user-enrollment-report.csv: cannot be read as CSV at line 4 (a cell "
        "longer than 131,072 characters). Expected a CSV file as the portal exports it"
    )
    shutil.copy(FIXTURE / DELIVERY / "user-enrollment-report.csv", enrolments)
    [held] = load(raw, tmp_path / "w2.duckdb", key_file).held_back
    assert held.sentence().startswith(
        f"{DELIVERY}/user-report.csv: ends its lines with a bare carriage return (an old Mac "
        "export). Expected the report saved again as CSV UTF-8"
    )


@pytest.mark.unit
def test_a_partial_or_doubled_delivery_is_held_back_whole(tmp_path, key_file):
    """A delivery that would load only in part (one report re-saved as .xlsx), a ZIP with no
    CSV in it, and two folders for one state and date: each held back, with its sentence."""
    raw = officer_raw(tmp_path)
    officers = raw / "officers"
    shutil.copytree(raw / DELIVERY, officers / "BIHAR_2026-03-31")
    partial = officers / "bihar_2026-04-14"
    shutil.copytree(raw / DELIVERY, partial)
    (partial / "user-enrollment-report.csv").rename(partial / "user-enrollment-report.xlsx")
    no_csv = officers / "bihar_2026-04-21"
    no_csv.mkdir()
    with zipfile.ZipFile(no_csv / "reports.zip", "w") as archive:
        archive.writestr("reports (1).zip", b"PK")
        archive.writestr("user-report.xlsx", b"PK")
    outcome = load(raw, tmp_path / "w.duckdb", key_file)
    reasons = {r.source_file: r.reason for r in outcome.held_back}
    whole = "the delivery is held back whole (an earlier load of it stays)"
    assert reasons == {
        "officers/BIHAR_2026-03-31": (
            "names the same state and date (Bihar, 2026-03-31) as officers/bihar_2026-03-31, "
            f"so neither is loaded; one folder per state and date; {whole}"
        ),
        "officers/bihar_2026-03-31": (
            "names the same state and date (Bihar, 2026-03-31) as officers/BIHAR_2026-03-31, "
            f"so neither is loaded; one folder per state and date; {whole}"
        ),
        "officers/bihar_2026-04-14": (
            "holds officers/bihar_2026-04-14/user-enrollment-report.xlsx, which is neither a "
            f"ZIP nor a CSV; {whole}"
        ),
        "officers/bihar_2026-04-21/reports.zip": (
            "holds no CSV (2 other files). Expected the reports.zip as the portal gave it, with "
            "its CSV reports; the delivery officers/bihar_2026-04-21 is held back whole (an "
            "earlier load of it stays)"
        ),
    }
    assert table_rows(tmp_path / "w.duckdb", "officer_users") == []


@pytest.mark.unit
def test_a_header_only_report_loads_as_zero_rows_and_is_named_for_a_person(tmp_path, key_file):
    from dagster_project.assets.officers import _metadata

    raw = officer_raw(tmp_path)
    users = raw / DELIVERY / "user-report.csv"
    users.write_text(users.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    outcome = load(raw, tmp_path / "w.duckdb", key_file)
    empty = [load.source_file for load in outcome.loads if load.header_only]
    assert empty == [f"{DELIVERY}/user-report.csv"]
    assert _metadata(outcome.loads, outcome)["files_without_data_rows"] == empty


@pytest.mark.unit
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_title_rows_and_a_semicolon_or_tab_separated_report_load_as_from_the_portal(
    tmp_path, key_file, delimiter
):
    """As in an MDO report: a title row above the header is not data, and a report re-saved by
    Excel in a `;` locale (or as tab-separated text) is read with its own separator."""
    baseline = tmp_path / "baseline"
    load(officer_raw(baseline), baseline / "w.duckdb", key_file)
    raw = officer_raw(tmp_path)
    for name in ("user-report.csv", "user-enrollment-report.csv"):
        path = raw / DELIVERY / name
        with path.open(encoding="utf-8", newline="") as original:
            rows = list(csv.reader(original))
        with path.open("w", encoding="utf-8", newline="") as rewritten:
            writer = csv.writer(rewritten, delimiter=delimiter)
            writer.writerow(["User Report - Water Resources Department, Bihar"])
            writer.writerow([])
            writer.writerows(rows)
    load(raw, tmp_path / "w.duckdb", key_file)
    for table in ("officer_users", "officer_enrolments"):
        lineage = ("source_row", "file_sha256", "loaded_at")
        expected = table_rows(baseline / "w.duckdb", table, exclude=lineage)
        assert table_rows(tmp_path / "w.duckdb", table, exclude=lineage) == expected, table
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        first = con.execute("select min(source_row) from raw.officer_users").fetchall()
    assert first == [(4,)]  # title on row 1, a blank row, the header on row 3


@pytest.mark.unit
def test_a_zip_packed_with_aes_is_told_as_such_not_as_a_password_problem(tmp_path, key_file):
    import struct

    raw = officer_raw(tmp_path)
    zipped = zip_delivery(raw)
    data = bytearray(zipped.read_bytes())
    # WinZip's AES marks each entry with compression method 99, in both of its headers.
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(signature)
        while at != -1:
            data[at + offset : at + offset + 2] = struct.pack("<H", 99)
            at = data.find(signature, at + 4)
    zipped.write_bytes(bytes(data))
    [held] = load(raw, tmp_path / "w.duckdb", key_file).held_back
    assert held.source_file == f"{DELIVERY}/reports.zip"
    assert "compressed or encrypted in a way Python cannot read" in held.reason
    assert "not re-packed with AES" in held.reason


@pytest.mark.unit
def test_blank_lines_and_ragged_rows_keep_their_line_numbers_and_no_cells(tmp_path, key_file):
    raw = officer_raw(tmp_path)
    path = raw / DELIVERY / "user-enrollment-report.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # A blank line after row 2, and an unquoted comma in row 4's name shifting every cell.
    lines.insert(2, "")
    lines[4] = lines[4].replace("Ottoline Brackenridge", "Brackenridge, Ottoline", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load(raw, tmp_path / "w.duckdb", key_file)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        loaded = con.execute("select source_row from raw.officer_enrolments order by 1").fetchall()
        ragged = con.execute(
            "select raw_cells::varchar, reason from raw.quarantine where source_row = 5 "
            "and source_file like '%enrollment%'"
        ).fetchall()
    assert [row for (row,) in loaded] == [2, 4, 6]
    assert ragged == [
        (
            "{}",
            "34 cells where 33 were expected (its cells are not kept: a shifted cell may hold "
            "personal data)",
        )
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    "header",
    [
        "Mobile No",
        "Mob. No.",
        "Mob",
        "Contact No",
        "Alternate Contact",
        "WhatsApp",
        "Aadhaar",
        "Aadhar Number",
        "Adhaar No",
        "Adhar",
        "UID",
        "UID No",
        "Login",
        "User Id",
        "Spouse",
        "Father's Name",
        "Mother Name",
        "Husband",
        "Personal E-mail",
        "Date of Birth",
        "DOB",
        "PAN",
        "Passport No",
        "Voter ID",
        "Bank Account No",
        "IFSC",
        "Home Address",
        "Employee Code",
        "Certificate Id",
    ],
)
def test_an_undocumented_column_that_names_something_personal_is_dropped(header):
    from dagster_project.ingest.officer_files import looks_personal

    assert looks_personal(header)


@pytest.mark.unit
@pytest.mark.parametrize(
    "header",
    ["Remarks", "Notes", "MDO Name", "Course Name", "District Name", "Service Type", "Grade Pay"],
)
def test_an_undocumented_column_about_the_work_is_kept(header):
    from dagster_project.ingest.officer_files import looks_personal

    assert not looks_personal(header)


@pytest.mark.unit
def test_a_record_spanning_two_lines_keeps_the_row_number_a_spreadsheet_shows(tmp_path, key_file):
    raw = officer_raw(tmp_path)
    path = raw / DELIVERY / "user-report.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    # Row 2's Designation has a line break inside its quotes; a blank line follows row 3.
    lines[1] = lines[1].replace("Executive Engineer", '"Executive\nEngineer"', 1)
    lines.insert(3, "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load(raw, tmp_path / "w.duckdb", key_file)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select source_row, designation from raw.officer_users order by 1"
        ).fetchall()
        quarantined = con.execute(
            "select source_row from raw.quarantine where source_file like '%user-report%'"
        ).fetchall()
    numbers = sorted([row for row, _ in rows] + [row for (row,) in quarantined])
    assert rows[0] == (2, "Executive\nEngineer")
    assert numbers == [2, 3, *range(5, 5 + len(numbers) - 2)]


@pytest.mark.unit
def test_a_short_row_keeps_no_cells_since_its_e_mail_moved_under_another_header(tmp_path, key_file):
    """A record without its first cell shifts every cell left: the e-mail lands under
    Designation, the external id under External_System. Padding it out would store them."""
    raw = officer_raw(tmp_path)
    path = raw / DELIVERY / "user-report.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].split(",", 1)[1]  # Ottoline Brackenridge's row, her name cell gone
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load(raw, tmp_path / "w.duckdb", key_file)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        loaded = con.execute("select source_row from raw.officer_users order by 1").fetchall()
        short = con.execute(
            "select raw_cells::varchar, reason from raw.quarantine "
            "where source_row = 3 and source_file like '%user-report%'"
        ).fetchall()
    assert 3 not in [row for (row,) in loaded]
    assert short == [
        (
            "{}",
            "35 cells where 36 were expected (its cells are not kept: a shifted cell may hold "
            "personal data)",
        )
    ]
    assert personal_values_in_warehouse(tmp_path / "w.duckdb") == []


@pytest.mark.unit
def test_no_personal_value_reaches_any_raw_table_or_quarantine(tmp_path, key_file):
    raw = officer_raw(tmp_path)
    zip_delivery(raw)
    warehouse = tmp_path / "w.duckdb"
    load(raw, warehouse, key_file)
    assert personal_values_in_warehouse(warehouse) == []
    # The scan itself finds a value that did get in.
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create view main.leak as select 'Ottoline Brackenridge' as who")
    assert personal_values_in_warehouse(warehouse) == ["main.leak: Ottoline Brackenridge"]


def personal_values_in_warehouse(warehouse: Path) -> list[str]:
    """Every table and view with a cell (of any column, as text) holding a fixture person's value.

    One query per relation: its cells joined into one text per row, searched for any value.
    """
    import re

    pattern = "|".join(re.escape(value) for value in PERSONAL_VALUES)
    found = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        relations = con.execute(
            "select table_schema, table_name from information_schema.tables"
        ).fetchall()
        for schema, table in relations:
            columns = con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchall()
            cells = ", ".join(
                f"coalesce(cast(\"{column}\" as varchar), '')" for (column,) in columns
            )
            hits = con.execute(
                f"select row_text from (select concat_ws(chr(31), {cells}) as row_text "
                f'from "{schema}"."{table}") where regexp_matches(row_text, ?) limit 3',
                [pattern],
            ).fetchall()
            found += [f"{schema}.{table}: {row}" for (row,) in hits]
    return found


def personal_values_in_files(folder: Path) -> list[str]:
    """Every file under a folder (logs, Dagster storage, GX results, Data Docs) holding one."""
    found = []
    for path in folder.rglob("*"):
        if not path.is_file() or path.suffix == ".duckdb":
            continue
        data = path.read_bytes()
        found += [f"{path}: {v}" for v in PERSONAL_VALUES if v.encode() in data]
    return found


@pytest.mark.pipeline
def test_the_pipeline_keeps_every_personal_value_out_of_the_warehouse_and_its_files(
    tmp_path, raw_copy, key_file
):
    """`make run`'s command on a delivery as ZIPs: nothing personal in the warehouse, nor in any
    file beside it (the run's log, Dagster's storage, GX results, Data Docs), nor in what the
    command printed."""
    import sys

    from support import REPO_ROOT, note_pipeline_run

    shutil.copytree(FIXTURE, raw_copy, dirs_exist_ok=True)
    (raw_copy / "README.md").unlink(missing_ok=True)
    zip_delivery(raw_copy)
    home = tmp_path / "warehouse" / ".dagster"
    home.mkdir(parents=True)
    warehouse = tmp_path / "warehouse" / "igot.duckdb"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "IGOT_RAW_DIR": str(raw_copy),
        "IGOT_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(home),
        "IGOT_REPORTS_ZIP_PASSWORD": PASSWORD,
        "IGOT_OFFICER_KEY_FILE": str(key_file),
    }
    note_pipeline_run("full", with_quality=True)
    run = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "run"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert table_rows(warehouse, "officer_enrolments")
    assert personal_values_in_warehouse(warehouse) == []
    assert list((tmp_path / "warehouse" / "logs").glob("run-*.log"))
    assert personal_values_in_files(tmp_path / "warehouse") == []
    printed = run.stdout + run.stderr
    assert [v for v in PERSONAL_VALUES if v in printed] == []
    assert (tmp_path / "warehouse" / "data_docs").is_dir()


@pytest.mark.pipeline
def test_a_zip_without_its_password_fails_the_run_and_publishes_nothing(
    tmp_path, raw_copy, key_file, monkeypatch
):
    from support import materialize_into

    shutil.copytree(FIXTURE, raw_copy, dirs_exist_ok=True)
    (raw_copy / "README.md").unlink(missing_ok=True)
    zip_delivery(raw_copy)
    monkeypatch.delenv("IGOT_REPORTS_ZIP_PASSWORD", raising=False)
    monkeypatch.setenv("IGOT_OFFICER_KEY_FILE", str(key_file))
    warehouse = tmp_path / "igot.duckdb"
    result = materialize_into(raw_copy, warehouse, with_dbt=False, with_quality=False)
    assert not result.success
    failures = [
        event.event_specific_data.error.message
        for event in result.all_events
        if event.is_step_failure
    ]
    assert any(
        f"{DELIVERY}/reports.zip: is a password-protected ZIP" in message
        and "IGOT_REPORTS_ZIP_PASSWORD" in message
        for message in failures
    ), failures
    assert not warehouse.exists()


@pytest.mark.unit
def test_officer_files_start_the_officer_load_and_stay_out_of_the_other_sources(tmp_path):
    from dagster_project.ingest.discovery import classify, discover

    raw = officer_raw(tmp_path)
    zipped = zip_delivery(raw)
    assert classify(zipped, raw).source.name == "officer_users"
    assert classify(raw / "reference" / "officer_bands.csv", raw).source.name == "officer_bands"
    assert discover(raw) == {}


@pytest.mark.unit
def test_an_officer_file_outside_a_delivery_folder_is_held_back_and_the_rest_loads(tmp_path):
    from dagster_project.ingest.discovery import survey

    raw = officer_raw(tmp_path)
    zipped = zip_delivery(raw)
    misplaced = raw / "officers" / "bihar-march" / "reports.zip"
    misplaced.parent.mkdir()
    misplaced.write_bytes(zipped.read_bytes())
    loose = raw / "officers" / "user-report.csv"
    loose.write_bytes(b"Email,Full_Name\n")
    deliveries = officer_deliveries(raw)
    delivery = f"officers/{zipped.parent.name}"
    assert [d.unit for d in deliveries] == [delivery, "reference/officer_bands.csv"]
    assert deliveries[0].files == (zipped,)
    held_back = {err.source_file: str(err) for err in survey(raw).refused}
    assert held_back == {
        "officers/bihar-march/reports.zip": (
            "officers/bihar-march/reports.zip: its folder 'bihar-march' is not named "
            "<state>_<YYYY-MM-DD>. Expected officers/<state>_<YYYY-MM-DD>/reports.zip or "
            ".../user-report.csv"
        ),
        "officers/user-report.csv": (
            "officers/user-report.csv: is not in a delivery folder. Expected "
            "officers/<state>_<YYYY-MM-DD>/reports.zip or .../user-report.csv"
        ),
    }


@pytest.mark.unit
def test_the_zip_itself_is_remembered_so_an_unchanged_delivery_needs_no_run(tmp_path, key_file):
    import hashlib

    from dagster_project.ingest.officer_loader import delivered_officer_files

    raw = officer_raw(tmp_path)
    zipped = zip_delivery(raw)
    load(raw, tmp_path / "w.duckdb", key_file)
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        remembered = delivered_officer_files(con)
    assert remembered[f"{DELIVERY}/reports.zip"] == hashlib.sha256(zipped.read_bytes()).hexdigest()


def officer_marts(warehouse: Path) -> dict[str, list[tuple]]:
    """The officer-level marts, without the columns that name the delivered file."""
    queries = {
        "mandate_compliance": "select * from marts.mandate_compliance",
        "officer_mandate_status": "select * from marts.officer_mandate_status",
        "course_uptake": "select * from marts.course_uptake",
        "data_quality_issues": (
            "select * exclude (finding_id, source_file, evidence) from marts.data_quality_issues"
        ),
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            mart: con.execute(f"{sql} order by all").fetchall() for mart, sql in queries.items()
        }


@pytest.mark.pipeline
def test_csvs_and_the_same_delivery_as_a_zip_give_identical_marts(
    tmp_path, key_file, monkeypatch, shipped_warehouse
):
    from support import SHIPPED_RAW, copy_warehouse, materialize_into

    monkeypatch.setenv("IGOT_REPORTS_ZIP_PASSWORD", PASSWORD)
    monkeypatch.setenv("IGOT_OFFICER_KEY_FILE", str(key_file))
    marts = {}
    for form in ("csv", "zip"):
        raw = tmp_path / form / "raw"
        shutil.copytree(SHIPPED_RAW, raw)
        shutil.copytree(FIXTURE, raw, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.md"))
        if form == "zip":
            zip_delivery(raw)
        # The shipped raw/ files as published, then the officer delivery as a new one.
        warehouse = copy_warehouse(shipped_warehouse, tmp_path / form / "wh")
        result = materialize_into(raw, warehouse, with_quality=False)
        assert result.success, f"the pipeline failed on the {form} delivery"
        marts[form] = officer_marts(warehouse)
    assert marts["csv"]["mandate_compliance"], "the fixture delivery reached no compliance row"
    assert marts["csv"]["officer_mandate_status"]
    assert marts["zip"] == marts["csv"]
