"""The chase list: the officers not yet compliant, by name, from the warehouse's counts and the
delivered files' names, written as a private, formula-safe CSV."""

import csv
import io
import stat
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from officer_delivery import PASSWORD

from dagster_project.ingest.errors import RawFileError
from handouts import chase_list as chase
from handouts.published import HandoutError

KB = "kb-2026-01-20-ai-cyber"
COURSES = pd.DataFrame(
    [
        ("AI", "0-9 Years", "Long AI", "P", 120),
        ("AI", "0-9 Years", "Short AI", "P", 30),
        ("AI", "0-9 Years", "Middle AI", "P", 60),
        ("AI", "10-20 Years", "Other band AI", "P", 10),
        ("Cybersecurity", "0-9 Years", "Cyber basics", "Q", 45),
        ("Cybersecurity", "0-9 Years", "Cyber basics", "Q", 45),  # listed twice in a band
        ("Cybersecurity", "0-9 Years", "Cyber deep", "Q", 90),
    ],
    columns=["domain", "experience_band", "course_name", "provider", "duration_minutes"],
)


def officer(**values) -> pd.Series:
    base = {
        "counting": "per_domain",
        "min_courses": 1,
        "counting_ai_completions": 0,
        "counting_cybersecurity_completions": 0,
        "counting_completions": 0,
        "band": "0-9 Years",
    }
    return pd.Series({**base, **values})


@pytest.mark.unit
def test_per_domain_needs_name_each_missing_domain_and_its_quickest_courses():
    needs, quickest = chase.needs_in_words(officer(counting_ai_completions=1), COURSES)
    assert needs == "1 Cybersecurity course"
    assert quickest == "Cybersecurity: Cyber basics (Q, 45m); Cyber deep (Q, 1h 30m)"
    needs, quickest = chase.needs_in_words(officer(), COURSES)
    assert needs == "1 AI course, 1 Cybersecurity course"
    assert quickest.startswith("AI: Short AI (P, 30m); Middle AI (P, 1h)")


@pytest.mark.unit
def test_total_needs_count_across_domains_and_unknown_band_takes_any_list():
    needs, quickest = chase.needs_in_words(
        officer(counting="total", min_courses=2, counting_completions=1, band="unknown"), COURSES
    )
    assert needs == "1 AI or Cybersecurity course"
    # Unknown band: the shortest on any band's list, and the reader is told so.
    assert quickest.startswith("AI or Cybersecurity: Other band AI (P, 10m); Short AI (P, 30m)")
    assert quickest.endswith("band unknown, so the shortest on any band's list")
    assert chase.still_needs(officer(counting="total", min_courses=2, counting_completions=2)) == []


@pytest.mark.unit
def test_csv_is_private_and_formula_safe(tmp_path):
    out = tmp_path / "chase.csv"
    out.write_text("old")
    out.chmod(0o644)  # an earlier file with a wider mode must not keep it
    table = pd.DataFrame(
        [
            {column: "x" for column in chase.COLUMNS},
            {**{c: "y" for c in chase.COLUMNS}, "name": '=HYPERLINK("http://e.example")'},
        ]
    )
    chase.write_csv(table, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == list(chase.COLUMNS.values())
    assert rows[1]["Name"] == '\'=HYPERLINK("http://e.example")'


@pytest.fixture
def built(officer_reports):
    return officer_reports


def made(built, **options):
    raw, warehouse, _ = built
    return chase.chase_list(
        "bihar", warehouse=warehouse, raw_root=raw, password=PASSWORD, **options
    )


def not_compliant_per_mandate(manifest: dict, report_date: str) -> dict[str, int]:
    """From the generator's own truth: officers in scope minus compliant, per mandate."""
    missing: dict[str, int] = {}
    for row in manifest["officers"]["expected"]:
        if row["report_date"] == report_date:
            gap = row["officers"] - row["compliant"]
            missing[row["mandate_id"]] = missing.get(row["mandate_id"], 0) + gap
    return {mandate: gap for mandate, gap in missing.items() if gap}


@pytest.mark.pipeline
def test_lists_every_officer_not_compliant_on_the_latest_report(built):
    manifest = built[2]
    result = made(built)
    latest = max(row["report_date"] for row in manifest["officers"]["expected"])
    assert result.report_date.isoformat() == latest
    assert result.not_in_files == 0
    counts = result.rows["mandate_id"].value_counts().to_dict()
    assert counts == not_compliant_per_mandate(manifest, latest)
    # Names and e-mails are the delivered ones: every e-mail listed is a synthetic officer's.
    assert result.rows["name"].str.len().gt(0).all()
    emails = result.rows["email"].loc[result.rows["email"] != ""]
    assert emails.str.lower().str.endswith(".example").all()  # 1% print it in upper case
    assert len(emails) > 0.9 * len(result.rows)  # about 3% are keyed by phone, no e-mail
    # What they need agrees with the status: nobody listed needs nothing.
    assert result.rows["still_needs"].str.len().gt(0).all()


@pytest.mark.pipeline
def test_compliant_officers_are_not_listed(built):
    """An officer the warehouse counts compliant for a mandate is never on its list."""
    warehouse = built[1]
    result = made(built, mandate=KB)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        compliant = con.execute(
            "select count(*) from marts.officer_mandate_status "
            "where mandate_id = ? and report_date = ? and compliant",
            [KB, result.report_date],
        ).fetchone()[0]
        scope = con.execute(
            "select count(*) from marts.officer_mandate_status "
            "where mandate_id = ? and report_date = ?",
            [KB, result.report_date],
        ).fetchone()[0]
    finally:
        con.close()
    assert compliant > 0
    assert len(result.rows) == scope - compliant
    assert set(result.rows["mandate_id"]) == {KB}


@pytest.mark.pipeline
def test_department_filter_and_unknown_names(built):
    everyone = made(built).rows
    largest = everyone["department"].value_counts().index[0]
    typed = largest.lower().replace(" ", "_")  # as a person may type it on the command line
    result = made(built, department=typed)
    assert set(result.rows["department"]) == {largest}
    assert len(result.rows) == (everyone["department"] == largest).sum()
    with pytest.raises(HandoutError, match="no state called 'atlantis'"):
        chase.chase_list("atlantis", warehouse=built[1], raw_root=built[0], password=PASSWORD)
    with pytest.raises(HandoutError, match="department called 'Nowhere'"):
        made(built, department="Nowhere")


@pytest.mark.pipeline
def test_a_zip_without_its_password_is_refused_naming_it(built):
    raw, warehouse, _ = built
    with pytest.raises(RawFileError, match="IGOT_REPORTS_ZIP_PASSWORD is not set") as refused:
        chase.chase_list("bihar", warehouse=warehouse, raw_root=raw, password=None)
    assert "officers/bihar_" in str(refused.value)


@pytest.mark.pipeline
def test_command_warns_and_writes_mode_0600(built, tmp_path, monkeypatch, capsys):
    raw, warehouse, _ = built
    monkeypatch.setenv("IGOT_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("IGOT_RAW_DIR", str(raw))
    monkeypatch.setenv("IGOT_REPORTS_ZIP_PASSWORD", PASSWORD)
    out = tmp_path / "chase.csv"
    assert chase.main(["--state", "Bihar", "--mandate", KB, "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "PERSONAL DATA" in printed.err and str(out) in printed.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    listed = pd.read_csv(out, encoding="utf-8-sig")
    assert set(listed["Mandate"]) == {KB}
    assert len(listed) == len(made(built, mandate=KB).rows)


@pytest.mark.pipeline
def test_without_the_officer_key_secret_it_says_where_to_run(built, tmp_path):
    raw, warehouse, _ = built
    with pytest.raises(HandoutError, match="secret"):
        chase.chase_list(
            "bihar",
            warehouse=warehouse,
            raw_root=raw,
            password=PASSWORD,
            key_file=Path(tmp_path / "missing.secret"),
        )
