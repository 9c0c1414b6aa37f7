"""The raw CSVs are faithful transcriptions of the seed document (mistakes included)."""

import csv
from collections import Counter

import pytest
from support import SHIPPED_RAW

RAW = SHIPPED_RAW


def read_rows(rel: str) -> list[list[str]]:
    with (RAW / rel).open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def read_dicts(rel: str) -> list[dict[str, str]]:
    with (RAW / rel).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


MDO = "mdo/bihar_2026-02-25.csv"
RANKING = "ranking/ranking_2025-12-31.csv"
CATEGORIES = "reference/state_categories.csv"
MARKETPLACE = "catalogue/marketplace_courses.csv"
RECOMMENDED = "catalogue/recommended_courses.csv"
MANDATES = "reference/mandates.csv"

RAGGED_MDOS = [
    "District Gopalganj, Bihar",
    "Real Estate Regulatory Authority RERA Bihar",
    "Sugarcane Industries Department Bihar",
    "Directorate of Provident Fund",
]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("rel", "header", "n_rows"),
    [
        (
            MDO,
            "Department,Mido Name,Onboarded,Active,User Completions,Total Enrollments,"
            "Total Completions,Total Hours,Course Attempted,Course Passed,% Course Passed",
            101,
        ),
        (RANKING, "State,Bucket,Composite Score,Rank", 36),
        (CATEGORIES, "State Category,Strength of State Employees,Min Employees,Max Employees", 3),
        (MARKETPLACE, "Theme,S.No,Course Name,Course Provider,Course Link", 124),
        (
            RECOMMENDED,
            "Domain,Years of Experience/Role,S.No,Course Name,Course Provider,Duration",
            38,
        ),
        (
            MANDATES,
            "Mandate Id,Issued By,Letter Reference,Letter Date,Audience,Ask,Domains,"
            "Min Courses,Due Date,Applies To State,Applies To Department,Counting",
            2,
        ),
    ],
)
def test_header_and_row_count(rel, header, n_rows):
    raw_bytes = (RAW / rel).read_bytes()
    assert not raw_bytes.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw_bytes
    rows = read_rows(rel)
    assert ",".join(rows[0]) == header
    assert len(rows) - 1 == n_rows


# ------------------------------------------------------------------ MDO report


@pytest.mark.unit
def test_mdo_cell_counts_are_kept_ragged():
    data = read_rows(MDO)[1:]
    ragged = [r[1] for r in data[:100] if len(r) == 13]
    assert ragged == RAGGED_MDOS
    assert data[:96] == [r for r in data[:100] if len(r) == 11]
    assert len(data[-1]) == 13


@pytest.mark.unit
def test_mdo_total_row_as_printed():
    total = read_rows(MDO)[-1]
    assert total == [
        "",
        "",
        "1389815",
        "90110",
        "78215",
        "1378042",
        "931710",
        "705788.84",
        "717102",
        "525582",
        "73.29%",
        "",
        "",
    ]


@pytest.mark.unit
def test_mdo_water_resources_row():
    rows = [r for r in read_rows(MDO) if r[1] == "Water Resources Department, Bihar"]
    assert len(rows) == 1
    onboarded, active, _, enrollments, completions = rows[0][2:7]
    assert (onboarded, active, enrollments, completions) == ("1219", "1077", "44107", "31973")


@pytest.mark.unit
def test_mdo_first_row_and_number_formats():
    first = read_rows(MDO)[1]
    assert first[0] == first[1]
    assert first[0].startswith("Bihar Institute of Public Administration")
    assert first[0].endswith("(BIPARD), Bihar")
    assert first[2] == "909288"
    assert first[7] == "243317.39"
    assert first[10] == "68.27%"


@pytest.mark.unit
def test_mdo_mistakes_are_kept():
    data = read_rows(MDO)[1:101]
    assert [r[1] for r in data if r[0] == ""] == [
        "Animal and Fisheries Resource Department",
        "Bihar State Power Holding Company Limited (BSPHCL) Patna",
    ]
    assert [r[1] for r in data if len(r) == 11 and r[10] == ""] == [
        "North Bihar Power Distribution Company Limited",
        "District Samastipur, Bihar",
        "Bihar State Power Holding Company Limited (BSPHCL) Patna",
    ]
    twice = Counter(r[1] for r in data)
    assert twice["Animal and Fish Resources Department Bihar"] == 2
    assert twice["Mines and Geology Department Bihar"] == 2
    assert ["Law Department Bihar", "South Bihar Power Distribution Company Limited"] in [
        r[:2] for r in data
    ]


@pytest.mark.unit
def test_mdo_printed_totals_differ_from_column_sums():
    rows = read_rows(MDO)
    data, total = rows[1:101], rows[-1]
    onboarded_sum = sum(int(r[2]) for r in data)
    enrollments_sum = sum(int(r[5]) for r in data)
    assert int(total[2]) - onboarded_sum == 12
    assert int(total[5]) - enrollments_sum == 54


# ------------------------------------------------------------------ ranking


@pytest.mark.unit
def test_ranking_bucket_sizes():
    counts = Counter(r["Bucket"] for r in read_dicts(RANKING))
    assert counts == {"A": 13, "B": 14, "C": 9}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("state", "bucket", "score", "rank"),
    [
        ("BIHAR", "C", "39.09", "8"),
        ("MAHARASHTRA", "C", "82.76", "1"),
        ("CHANDIGARH", "A", "75.38", "1"),
        ("JHARKHAND", "B", "70.09", "1"),
        ("DELHI", "A", "37.4", "11"),
        ("WEST BENGAL", "C", "38.06", "9"),
    ],
)
def test_ranking_values(state, bucket, score, rank):
    rows = [r for r in read_dicts(RANKING) if r["State"] == state]
    assert rows == [{"State": state, "Bucket": bucket, "Composite Score": score, "Rank": rank}]


@pytest.mark.unit
def test_state_categories():
    assert read_rows(CATEGORIES)[1:] == [
        ["A", "≤ 1,00,000", "", "100000"],
        ["B", "1,00,001 \u2013 500,000", "100001", "500000"],  # en dash as printed
        ["C", "> 500,000", "500001", ""],
    ]


# ------------------------------------------------------------------ marketplace


@pytest.mark.unit
def test_marketplace_rows_per_theme():
    counts = Counter(r["Theme"] for r in read_dicts(MARKETPLACE))
    assert counts == {
        "Artificial Intelligence (AI)": 8,
        "Technology & Data Analytics": 30,
        "Public Health & Social": 16,
        "Security and Foreign Affairs": 1,
        "Rural and Agriculture": 7,
        "Resource Management & Environment": 9,
        "Infrastructure & Engineering": 24,
        "Governance": 6,
        "Finance and Economy": 10,
        "Commerce and Industry": 1,
        "Behavioural": 12,
    }


@pytest.mark.unit
def test_marketplace_first_and_last_rows():
    rows = read_dicts(MARKETPLACE)
    assert list(rows[0].values()) == [
        "Artificial Intelligence (AI)",
        "1",
        "AI for Medical Diagnosis",
        "",
        "https://portal.igotkarmayogi.gov.in/app/toc/ext/114471830153231488155",
    ]
    assert list(rows[-1].values()) == [
        "Behavioural",
        "12",
        "Change Leadership: Developing Strategic Gap Analysis in Miro",
        "Coursera Project Network",
        "https://portal.igotkarmayogi.gov.in/app/foe/ext/ext_114471844362747904197",
    ]


@pytest.mark.unit
def test_marketplace_mistakes_are_kept():
    rows = read_dicts(MARKETPLACE)
    by_name = {r["Course Name"]: r for r in rows}
    assert by_name["Digital Transformation"]["Course Link"] == (
        "https://portal.igokarmayogi.gov.in/app/loc/ext/ext_114471828378181632178"
    )
    assert by_name["Law, Governance, and Public Policy"]["Course Link"] == (
        "https://portal.iqoikarmayogel.gov.in/app/loc/ext/11447181769354448133"
    )
    assert by_name["with R"]["S.No"] == "14"
    assert [r["Course Name"] for r in rows].count("Concepts of Heavy Lifting") == 2
    unnumbered = [(r["Theme"], r["Course Name"], r["Course Link"]) for r in rows if not r["S.No"]]
    assert unnumbered == [
        ("Technology & Data Analytics", "Data-Driven Leadership Skills Capstone Project", ""),
        ("Technology & Data Analytics", "Digital Governance", ""),
    ]


@pytest.mark.unit
def test_marketplace_provider_blank_only_without_provider_column():
    rows = read_dicts(MARKETPLACE)
    blank = [r for r in rows if not r["Course Provider"]]
    assert len(blank) == 30  # AI 8 + Technology 1-20 + the 2 unnumbered rows
    assert {r["Theme"] for r in blank} == {
        "Artificial Intelligence (AI)",
        "Technology & Data Analytics",
    }


# ------------------------------------------------------------------ recommended


@pytest.mark.unit
@pytest.mark.parametrize(
    ("domain", "band", "n_rows"),
    [
        ("AI", "16 Years and above", 5),
        ("AI", "9 - 16 Years", 5),
        ("AI", "0 - 9 Years", 8),
        ("AI", "MTS & equivalent", 5),
        ("Cybersecurity", "16 Years and above", 3),
        ("Cybersecurity", "9 - 16 Years", 3),
        ("Cybersecurity", "0 - 9 Years", 6),
        ("Cybersecurity", "MTS equivalent &", 3),
    ],
)
def test_recommended_rows_per_band(domain, band, n_rows):
    rows = read_dicts(RECOMMENDED)
    matching = [r for r in rows if r["Domain"] == domain and r["Years of Experience/Role"] == band]
    assert len(matching) == n_rows
    assert [r["S.No"] for r in matching] == [str(i) for i in range(1, n_rows + 1)]


@pytest.mark.unit
def test_recommended_values():
    rows = read_dicts(RECOMMENDED)
    first = rows[0]
    assert first["Course Name"] == "Artificial Intelligence for Public Governance"
    assert first["Course Provider"] == "Kyndryl & Data Security Council of India"
    assert first["Duration"] == "2h 42 mins"
    hindi = [r for r in rows if r["Course Name"] == "आर्टिफिशियल इंटेलिजेंस का भविष्य"]
    assert [r["Course Provider"] for r in hindi] == ["RCVP Noronha Academy, MP"]
    cyber_junior = [
        r["Course Name"]
        for r in rows
        if r["Domain"] == "Cybersecurity" and r["Years of Experience/Role"] == "0 - 9 Years"
    ]
    assert cyber_junior[0] == cyber_junior[3] == "Emerging Technologies and Security"
    assert cyber_junior[1] == cyber_junior[5] == "CERT-In and Fundamentals of Cyber Hygiene"


# ------------------------------------------------------------------ mandates


@pytest.mark.unit
@pytest.mark.parametrize(
    ("mandate_id", "letter_date", "domains", "min_courses", "due_date"),
    [
        ("kb-2026-01-20-ai-cyber", "2026-01-20", "AI;Cybersecurity", "1", "2026-03-31"),
        ("wrd-bihar-2026-02-25", "2026-02-25", "AI;Cybersecurity", "2", "2026-03-31"),
    ],
)
def test_mandates(mandate_id, letter_date, domains, min_courses, due_date):
    rows = {r["Mandate Id"]: r for r in read_dicts(MANDATES)}
    row = rows[mandate_id]
    assert row["Letter Date"] == letter_date
    assert row["Domains"] == domains
    assert row["Min Courses"] == min_courses
    assert row["Due Date"] == due_date
    assert row["Ask"]


@pytest.mark.unit
@pytest.mark.parametrize(
    ("mandate_id", "state", "department", "counting"),
    [
        ("kb-2026-01-20-ai-cyber", "", "", "per_domain"),
        ("wrd-bihar-2026-02-25", "Bihar", "Water Resources Department", "total"),
    ],
)
def test_mandate_scope(mandate_id, state, department, counting):
    """Whom each ask binds and how it counts, as the two letters say."""
    row = {r["Mandate Id"]: r for r in read_dicts(MANDATES)}[mandate_id]
    assert row["Applies To State"] == state
    assert row["Applies To Department"] == department
    assert row["Counting"] == counting
