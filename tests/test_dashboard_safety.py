"""The dashboard treats data as data: it serves this machine only unless told otherwise,
escapes every data value that reaches Markdown, and writes CSV cells Excel cannot run."""

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from streamlit_app import components
from streamlit_app.formatting import MISSING, md, spreadsheet_safe

REPO_ROOT = Path(__file__).resolve().parents[1]
STREAMLIT = Path(sys.executable).parent / "streamlit"


# --- where the dashboard listens ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
        server.terminate()
        server.wait(timeout=30)


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
        ["department", "mdo_name", "onboarded", "themes"],
        ["'=1+1", "'-cmd", "-5", "'=evil; Governance"],
        ["'@SUM(A1)", "'+x", "10", ""],
        ["Law Department", "Law Department, Bihar", "20", "AI"],
    ]
