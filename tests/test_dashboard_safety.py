"""The dashboard treats data as data: it serves this machine only unless told otherwise,
escapes every data value that reaches Markdown, and writes CSV cells Excel cannot run."""

import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import SHIPPED_RAW, materialize_into
from streamlit.testing.v1 import AppTest
from support import free_port, stop_server

from streamlit_app import components
from streamlit_app.formatting import MISSING, md, spreadsheet_safe

REPO_ROOT = Path(__file__).resolve().parents[1]
STREAMLIT = Path(sys.executable).parent / "streamlit"


# --- where the dashboard listens ------------------------------------------------------------


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a listening TCP socket on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A is LISTEN
                found.add(_address(address))
    return found


def _address(hex_address: str) -> str:
    if len(hex_address) == 8:  # IPv4, little-endian
        return socket.inet_ntop(socket.AF_INET, bytes.fromhex(hex_address)[::-1])
    words = [bytes.fromhex(hex_address[i : i + 8])[::-1] for i in range(0, 32, 8)]
    return socket.inet_ntop(socket.AF_INET6, b"".join(words))


def serve_and_look(tmp_path: Path, *extra: str) -> set[str]:
    """Start `streamlit run streamlit_app/app.py` from the repository root, as a user would
    without make, and return where it listens."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["IGOT_WAREHOUSE"] = str(tmp_path / "none.duckdb")
    server = subprocess.Popen(
        [
            str(STREAMLIT),
            "run",
            "streamlit_app/app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            *extra,
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not (addresses := listening_addresses(port)):
            assert server.poll() is None, "streamlit exited before it listened"
            assert time.monotonic() < deadline, "streamlit never listened"
            time.sleep(0.2)
        return addresses
    finally:
        # Only the address matters here: a server that is still starting up and ignores SIGTERM
        # (it did, for 30 s, in a fresh-clone run) is killed after a short grace.
        stop_server(server, seconds=3)


@pytest.mark.unit
def test_streamlit_run_without_make_listens_on_this_machine_only(tmp_path):
    assert serve_and_look(tmp_path) == {"127.0.0.1"}


@pytest.mark.unit
def test_the_make_app_address_still_overrides_the_config_file(tmp_path):
    assert serve_and_look(tmp_path, "--server.address", "0.0.0.0") <= {"0.0.0.0", "::"}


SHOW_OPTIONS = (
    "from streamlit import config; "
    "print(config.get_option('browser.gatherUsageStats'), config.get_option('server.address'))"
)


@pytest.mark.unit
def test_the_config_file_turns_usage_statistics_off():
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_OPTIONS],
        cwd=REPO_ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.stdout.split() == ["False", "127.0.0.1"], shown.stderr


# --- data values in Markdown ----------------------------------------------------------------

PHISHING = "[Verify your iGOT login](https://evil.example/login) ![b](http://host/beacon.png)"


def without_escapes(markdown: str) -> str:
    """The Markdown with every backslash-escaped character taken out: what is left is what
    Markdown would act on."""
    return re.sub(r"\\.", "", markdown)


def assert_inert(markdown: str) -> None:
    active = without_escapes(markdown)
    for markup in ("](", "![", "http://", "https://", "www.", "<img", "<a ", ":red[", "$"):
        assert markup not in active, f"{markup!r} survives in {markdown!r}"


@pytest.mark.unit
@pytest.mark.parametrize(
    "name",
    [
        PHISHING,
        "<img src=x onerror=alert(1)> <a href='http://x'>x</a>",
        "see www.evil.example or mail a@evil.example",
        ":red[Finance] :material/warning: $x^2$ **bold** `code` ~~gone~~ | a | b |",
    ],
)
def test_md_leaves_no_markup_in_a_name(name):
    assert_inert(md(name))


@pytest.mark.unit
def test_md_keeps_ordinary_names_readable_and_blocks_out_of_reach():
    assert md("Bihar Institute of Public Administration (BIPARD)") == (
        "Bihar Institute of Public Administration (BIPARD)"
    )
    assert md("16+ years") == "16+ years"
    assert md("जल संसाधन विभाग") == "जल संसाधन विभाग"
    # A name that would start a heading, a list or a quote, or span lines, cannot.
    assert md("# Heading\n- item") == "\\# Heading - item"
    assert md("1. first") == "1\\. first"
    assert md("> quote") == "\\> quote"
    assert md(None) == MISSING


# --- CSV downloads ---------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
        ("\t=1+1", "'\t=1+1"),
        ("-12", "-12"),  # numbers written as text stay numbers
        ("-1,234.5", "-1,234.5"),
        ("+5", "+5"),
        ("Finance Department", "Finance Department"),
        (-12, -12),
        (3.5, 3.5),
        (None, None),
    ],
)
def test_spreadsheet_safe_neutralises_formulas_and_leaves_numbers(cell, written):
    assert spreadsheet_safe(cell) == written


@pytest.mark.unit
def test_a_csv_download_cannot_run_a_formula_in_excel():
    frame = pd.DataFrame(
        {
            "department": ["=1+1", "@SUM(A1)", "Law Department"],
            "mdo_name": ["-cmd", "+x", "Law Department, Bihar"],
            "onboarded": [-5, 10, 20],
            "themes": [["=evil", "Governance"], [], ["AI"]],
        }
    )
    rows = list(csv.reader(io.StringIO(components._csv(frame).decode("utf-8-sig"))))
    assert rows == [
        ["Department", "MDO", "Onboarded", "Themes"],  # the on-screen headings (#13 item 9)
        ["'=1+1", "'-cmd", "-5", "'=evil; Governance"],
        ["'@SUM(A1)", "'+x", "10", ""],
        ["Law Department", "Law Department, Bihar", "20", "AI"],
    ]


# --- names from delivered files, through the pipeline, on every page ------------------------

HINDI_DEPARTMENT = "जल संसाधन विभाग"
HINDI_MDO = f"{HINDI_DEPARTMENT}, बिहार"
HINDI_NON_DEPARTMENT = "कोई संस्था"
IMAGE_MDO = "<img src=x onerror=alert(1)> ![b](http://host/beacon.png)"
APP = str(REPO_ROOT / "streamlit_app" / "app.py")
PAGES = [
    "app_pages/departments.py",
    "app_pages/org_mapping_review.py",
    "app_pages/courses.py",
    "app_pages/data_status.py",
]


def deliver_untrusted_names(raw: Path) -> None:
    """Rows a demanding user delivered: a phishing department large enough to lead the
    Departments headline, Hindi department names, a row with no MDO name that the loader
    quarantines, and a ragged ranking row (a finding with no state)."""
    report = raw / "mdo" / "bihar_2026-02-25.csv"
    lines = report.read_text(encoding="utf-8").splitlines()
    rows = io.StringIO()
    csv.writer(rows, lineterminator="\n").writerows(
        [
            [PHISHING, IMAGE_MDO, 2000000, 1000, 10, 100, 10, 5.5, 10, 5, "50.00%"],
            [HINDI_DEPARTMENT, HINDI_MDO, 40, 20, 5, 50, 25, 10.5, 8, 6, "75.00%"],
            [HINDI_NON_DEPARTMENT, "कोई संस्था इकाई", 10, 5, 1, 5, 2, 1.5, 2, 1, "50.00%"],
            ["Finance Department Bihar", "", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        ]
    )  # fmt: skip
    # Before the printed total row, which stays last.
    lines[-1:-1] = rows.getvalue().splitlines()
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (raw / "ranking" / "ranking_2025-12-31.csv").open("a", encoding="utf-8") as ranking:
        ranking.write("LAKSHADWEEP,C\n")


@pytest.fixture(scope="module")
def untrusted(tmp_path_factory) -> Path:
    """The warehouse the pipeline builds from raw files with those rows."""
    root = tmp_path_factory.mktemp("untrusted")
    raw = root / "raw"
    shutil.copytree(SHIPPED_RAW, raw)
    deliver_untrusted_names(raw)
    warehouse = root / "wh" / "igot.duckdb"
    result = materialize_into(raw, warehouse, with_quality=False)
    assert result.success, "the pipeline failed on names it should treat as data"
    return warehouse


def open_page(page: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [exception.message for exception in app.exception]
    return app


def markdown_on_page(app: AppTest) -> list[str]:
    """Every string the page hands to Markdown: headings, takeaways, captions, notices,
    metric labels and their help."""
    elements = [*app.title, *app.header, *app.subheader, *app.caption, *app.markdown]
    elements += [*app.info, *app.warning, *app.error, *app.success]
    texts = [str(element.value) for element in elements]
    texts += [metric.label for metric in app.metric]
    texts += [metric.proto.help for metric in app.metric if metric.proto.help]
    return texts


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.mark.pipeline
def test_hindi_department_names_are_departments_in_the_review(untrusted):
    orphans = query(
        untrusted,
        "select department from marts.org_mapping_issues where issue_type = 'orphan' "
        "and department in (?, ?)",
        [HINDI_DEPARTMENT, HINDI_NON_DEPARTMENT],
    )
    # A Hindi department is one; a Hindi body that is not a department is still an orphan.
    assert orphans == [(HINDI_NON_DEPARTMENT,)]


@pytest.mark.pipeline
def test_every_open_finding_is_reachable_on_the_review_page(untrusted, monkeypatch):
    monkeypatch.setenv("IGOT_WAREHOUSE", str(untrusted))
    expected = query(untrusted, "select count(*) from marts.org_mapping_issues where is_open")
    no_state = query(
        untrusted,
        "select count(*) from marts.org_mapping_issues where is_open and state is null",
    )[0][0]
    assert no_state >= 1, "the ragged ranking row should give a finding with no state"
    # The row with no MDO name takes the state of its file.
    assert query(
        untrusted,
        "select state from marts.org_mapping_issues where issue_type = 'unparsed_row' "
        "and source_file like 'mdo/%' and mdo_name is null",
    ) == [("Bihar",)]
    app = open_page("app_pages/org_mapping_review.py")
    reached = 0
    for state_index in range(len(app.selectbox(key="review_state").options)):
        app.selectbox(key="review_state").select_index(state_index).run()
        for snapshot_index in range(len(app.selectbox(key="review_snapshot").options)):
            app.selectbox(key="review_snapshot").select_index(snapshot_index).run()
            assert not app.exception, [exception.message for exception in app.exception]
            reached += len(app.dataframe[-1].value)
    assert "No state (ranking, course and reference files)" in (
        app.selectbox(key="review_state").options
    )
    assert reached == expected[0][0]


@pytest.fixture
def untrusted_everywhere(untrusted, tmp_path, monkeypatch) -> Path:
    """That warehouse, with markup also in the names the pipeline takes from its own seeds
    and reference files (a state, an experience band, a job): every page shows one."""
    warehouse = tmp_path / "igot.duckdb"
    shutil.copyfile(untrusted, warehouse)
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(
            "update marts.state_ranking set state = state || ' ' || ? where state = 'Maharashtra'",
            [PHISHING],
        )
        con.execute(
            "update marts.course_recommendation set experience_band = experience_band || ?",
            [" :red[band] <img src=x>"],
        )
        con.execute("update pipeline.runs set job_name = ?", [PHISHING])
    finally:
        con.close()
    monkeypatch.setenv("IGOT_WAREHOUSE", str(warehouse))
    return warehouse


@pytest.mark.pipeline
def test_no_link_or_image_from_the_data_survives_on_any_page(untrusted_everywhere):
    shown = []
    for page in PAGES:
        shown += markdown_on_page(open_page(page))
    ranking = AppTest.from_file(APP, default_timeout=60)
    ranking.run()
    assert not ranking.exception, [exception.message for exception in ranking.exception]
    shown += markdown_on_page(ranking)
    for markdown in shown:
        assert_inert(markdown)
    # The names did reach the pages, as text: the headline names the phishing department.
    everything = "\n".join(shown)
    assert f"the most inactive users are in {md(PHISHING)}" in everything
    assert f"behind {md('Maharashtra ' + PHISHING)}" in everything
    assert md(" :red[band] <img src=x>") in everything
