"""The dashboard treats data as data: it serves this machine only unless told otherwise,
escapes every data value that reaches Markdown, and writes CSV cells Excel cannot run."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
