"""What the officer marts show people: the mandate tracker page (AppTest) and the chief
secretary's monthly brief (the PDF read back with poppler's pdftotext and pdftoppm). Their
figures are checked against the marts. Both share one warehouse with a synthetic officer
delivery, built once for this module; the shipped warehouse (no officer reports) shows what
they say without them.
"""

import ast
import datetime as dt
import json
import re
import shutil
import string
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from support import REPO_ROOT

from handouts import brief
from handouts.published import HandoutError
from streamlit_app.formatting import indian_number, percent, score

APP = str(REPO_ROOT / "streamlit_app" / "app.py")
TRACKER = "app_pages/mandate_tracker.py"
KB = "kb-2026-01-20-ai-cyber"
TRACKER_MODULES = ("streamlit_app/app_pages/mandate_tracker.py", "streamlit_app/mandate_charts.py")
CATALOGUE = REPO_ROOT / "streamlit_app" / "translations" / "hi" / "mandate_tracker.json"


def mart(warehouse: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def t_literals(path: Path) -> list[str]:
    """Every sentence a module passes to t(...)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "t"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.unit
def test_every_tracker_sentence_has_hindi_with_the_same_placeholders():
    hindi = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    sentences = {s for module in TRACKER_MODULES for s in t_literals(REPO_ROOT / module)}
    assert len(sentences) > 40
    missing = sorted(sentences - set(hindi))
    assert not missing, missing
    for english in sentences:
        assert placeholders(hindi[english]) == placeholders(english), english
        assert re.search("[\u0900-\u097f]", hindi[english]), english  # real Devanagari


# --- the tracker ------------------------------------------------------------------------------


@pytest.fixture
def built(officer_reports):
    return officer_reports


@pytest.fixture
def officers_published(built, monkeypatch) -> Path:
    monkeypatch.setenv("IGOT_WAREHOUSE", str(built[1]))
    return built[1]


def first_visit() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.mark.pipeline
def test_tracker_leads_the_menu_and_counts_as_the_marts(officers_published):
    app = first_visit()
    assert app.title[0].value == "Mandate tracker"  # the default page once officers exist
    latest = mart(officers_published, "select max(report_date) from marts.mandate_compliance")
    latest = latest.iloc[0, 0]
    assert app.selectbox(key="tracker_date").value == latest
    assert app.selectbox(key="tracker_mandate").value == KB
    totals = mart(
        officers_published,
        "select sum(officers), sum(compliant), sum(in_progress), sum(not_started), "
        "sum(completed_late) from marts.mandate_compliance where report_date = ? "
        "and mandate_id = ?",
        [latest, KB],
    ).iloc[0]
    assert metrics(app) == {
        "Officers": indian_number(totals.iloc[0]),
        "Compliant": indian_number(totals.iloc[1]),
        "In progress": indian_number(totals.iloc[2]),
        "Not started": indian_number(totals.iloc[3]),
        "Completed late": indian_number(totals.iloc[4]),
        "Days left": "0",  # 2 April is after the due date
    }
    departments = app.dataframe[0].value
    rows = mart(
        officers_published,
        "select count(*) from marts.mandate_compliance where report_date = ? and mandate_id = ?",
        [latest, KB],
    ).iloc[0, 0]
    assert len(departments) == rows
    page = "\n".join(str(e.value) for e in [*app.subheader, *app.info, *app.caption])
    assert "counts above are final" in page  # a report after the due date has no projection
    assert "@" not in "\n".join(str(frame.value) for frame in app.dataframe)  # counts, no e-mail


@pytest.mark.pipeline
def test_tracker_projects_at_the_recent_pace(officers_published):
    app = first_visit()
    app.selectbox(key="tracker_date").set_value(pd.Timestamp("2026-03-26")).run()
    assert not app.exception
    projected = mart(
        officers_published,
        "select sum(projected_compliant), sum(officers) from marts.mandate_projection "
        "where report_date = '2026-03-26' and mandate_id = ? "
        "and projection_basis = 'recent_pace'",
        [KB],
    ).iloc[0]
    headline = [s.value for s in app.subheader if "recent pace" in s.value]
    assert headline == [
        f"At their recent pace, {indian_number(projected.iloc[0])} of "
        f"{indian_number(projected.iloc[1])} officers in these departments will meet the "
        "mandate by 31 March 2026."
    ]
    assert any("How it is computed" in c.value for c in app.caption)
    # The first report date has nothing to compare with: it says so instead of projecting.
    app.selectbox(key="tracker_date").set_value(pd.Timestamp("2026-03-19")).run()
    assert any("first report date loaded" in i.value for i in app.info)


@pytest.mark.pipeline
def test_tracker_reads_in_hindi(officers_published):
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["language"] = "hi"
    app.run()
    assert not app.exception
    assert app.title[0].value == "अनिवार्य पाठ्यक्रम ट्रैकर"
    assert "अधिकारियों में से" in app.subheader[0].value
    assert set(metrics(app)) >= {"अधिकारी", "अनुपालन किया", "शुरू नहीं किया"}
    # A rerun (what any click does) reads each widget's value back through its label: a date
    # or mandate labelled in Hindi must still be found among the options.
    app.run()
    assert not app.exception


@pytest.mark.pipeline
def test_without_officer_reports_the_tracker_says_how_to_deliver_them(
    shipped_warehouse, monkeypatch
):
    monkeypatch.setenv("IGOT_WAREHOUSE", str(shipped_warehouse))
    app = first_visit()
    assert app.title[0].value == "State ranking"  # the ranking leads until officers arrive
    app.switch_page(TRACKER).run()
    assert not app.exception
    said = "\n".join(str(e.value) for e in [*app.info, *app.markdown])
    assert said.startswith("No officer-level reports have been loaded yet")
    assert "officers/<state>_<YYYY-MM-DD>/" in said
    assert "IGOT_REPORTS_ZIP_PASSWORD" in said
    # The plain sentence comes before the command.
    assert said.index("Ask whoever updates the warehouse") < said.index("make run")


# --- the brief ------------------------------------------------------------------------------


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "brief.pdf"
    path.write_bytes(pdf)
    found = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return re.sub(r"\s+", " ", found.stdout)  # lines wrap anywhere in a paragraph


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[Path]:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    return sorted(tmp_path.glob("page*.png"))


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (make pdf-tools) is not installed"
)


@needs_poppler
@pytest.mark.pipeline
def test_brief_prints_the_marts_figures_on_at_most_two_pages(built, tmp_path):
    _, warehouse, _ = built
    pdf = brief.brief_pdf("bihar", dt.date(2026, 4, 30), warehouse)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    ranking = mart(
        warehouse, "select * from marts.state_ranking where state = 'Bihar' order by edition_date"
    ).iloc[-1]
    assert (
        f"Bihar ranks {int(ranking['rank_in_category'])} of {int(ranking['states_in_category'])} "
        f"in category {ranking['category']} with a composite score of "
        f"{score(ranking['composite_score'])}"
    ) in text
    assert f"{score(ranking['score_gap_to_next_rank'])} points behind the next rank" in text
    assert f"{score(ranking['score_gap_to_leader'])} points behind the leader, Maharashtra" in text
    totals = mart(
        warehouse,
        "select * from marts.state_summary where state = 'Bihar' and as_of_date = "
        "(select max(snapshot_date) from marts.department_summary)",
    ).iloc[0]
    assert f"{indian_number(totals['onboarded'])} users onboarded" in text
    assert f"{indian_number(totals['active'])} active ({percent(totals['activation_rate'])})" in (
        text
    )
    # The department holding most inactive users, in Indian grouping (9,09,288 onboarded).
    assert "9,09,288 23,669 2.6% 8,85,619" in text
    compliance = mart(
        warehouse,
        "select sum(officers), sum(compliant) from marts.mandate_compliance "
        "where report_date = '2026-04-02' and mandate_id = ?",
        [KB],
    ).iloc[0]
    assert (
        f"{indian_number(compliance.iloc[1])} of {indian_number(compliance.iloc[0])} officers "
        "comply"
    ) in text
    findings = mart(
        warehouse,
        "select issue_type, count(*) as n from marts.org_mapping_issues "
        "where state = 'Bihar' and is_open group by issue_type",
    )
    assert f"{findings['n'].sum()} open findings" in text
    for row in findings.itertuples():
        assert re.search(rf"{row.issue_type.replace('_', ' ')} (error|warning) {row.n}\b", text)
    pages = pdf_pages(pdf, tmp_path)
    assert 1 <= len(pages) <= 2
    assert all(page.stat().st_size > 10_000 for page in pages)  # charts drawn, not blank pages


@needs_poppler
@pytest.mark.pipeline
def test_brief_before_the_due_date_gives_the_projection(built, tmp_path):
    _, warehouse, _ = built
    text = pdf_text(brief.brief_pdf("Bihar", dt.date(2026, 3, 27), warehouse), tmp_path)
    projected = mart(
        warehouse,
        "select sum(projected_compliant), sum(officers) from marts.mandate_projection "
        "where report_date = '2026-03-26' and mandate_id = ? and projection_basis = 'recent_pace'",
        [KB],
    ).iloc[0]
    assert "on 26 March 2026 (5 days before the due date" in text
    assert (
        f"{indian_number(projected.iloc[0])} of {indian_number(projected.iloc[1])} will comply "
        "by the due date"
    ) in text


@needs_poppler
@pytest.mark.pipeline
def test_brief_without_officer_reports_says_so(shipped_warehouse, tmp_path):
    text = pdf_text(brief.brief_pdf("bihar", None, shipped_warehouse), tmp_path)
    assert "No officer-level reports are loaded" in text
    assert "Bihar ranks 8 of 9 in category C with a composite score of 39.09" in text
    assert "43.67 points behind the leader, Maharashtra (82.76)" in text


@pytest.mark.pipeline
def test_brief_command_writes_the_pdf_and_refuses_unknown_states(
    shipped_warehouse, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("IGOT_WAREHOUSE", str(shipped_warehouse))
    out = tmp_path / "brief.pdf"
    assert brief.main(["--state", "bihar", "--date", "2026-03-31", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert brief.main(["--state", "atlantis", "--out", str(out)]) == 1
    assert "no state called 'atlantis'" in capsys.readouterr().err
    with pytest.raises(HandoutError, match="No warehouse has been published"):
        brief.brief_pdf("bihar", None, tmp_path / "missing.duckdb")


@pytest.mark.pipeline
def test_ranking_page_offers_the_brief(shipped_warehouse, monkeypatch):
    monkeypatch.setenv("IGOT_WAREHOUSE", str(shipped_warehouse))
    app = first_visit()
    buttons = [b for b in app.get("download_button") if "brief" in str(b.proto.label).lower()]
    assert len(buttons) == 1
