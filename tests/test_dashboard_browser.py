"""The dashboard in a real browser: `streamlit run` on a free port, Debian's Chromium driving it.

Every page must render its key text with no Streamlit exception box. A full-height screenshot
of each page goes to tests/artifacts/ (ignored by git) for a person to look at.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from support import REPO_ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_SECONDS = 45
PAGE_SECONDS = 30
WIDTH = 1440

# url path, what must be on the page, screenshot name
PAGES = [
    ("", "Bihar ranks 8 of 9 in category C, 43.67 points behind Maharashtra", "state_ranking"),
    ("departments", re.compile(r"In Bihar, [\d.]+% of 13,89,\d{3} onboarded users"), "departments"),
    ("org_mapping_review", re.compile(r"open findings?:|is not built yet"), "org_mapping_review"),
    ("courses", "The deadline passed on 31 March 2026", "courses"),
    ("data_status", re.compile(r"Last published \d+ \w+ \d{4} \d\d:\d\d IST"), "data_status"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not answer within {SERVER_START_SECONDS}s:\n{log.read_text()}")


class Dashboard(NamedTuple):
    url: str
    log: Path


@pytest.fixture(scope="module")
def dashboard(shipped_warehouse: Path, tmp_path_factory) -> Iterator[Dashboard]:
    """The dashboard served from the shipped warehouse, stopped whatever the tests do."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    env = {**os.environ, "IGOT_WAREHOUSE": str(shipped_warehouse)}
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "streamlit_app/app.py",
                "--server.address=127.0.0.1",
                f"--server.port={port}",
                "--server.headless=true",
                "--server.fileWatcherType=none",
                "--browser.gatherUsageStats=false",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_healthy(url, server, log)
        yield Dashboard(url, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium "
            "(apt-get update && apt-get install -y chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def settle(page) -> None:
    """Wait until the script run has finished, then give the charts a moment to draw."""
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]',
        timeout=PAGE_SECONDS * 1000,
    )
    page.wait_for_timeout(500)


@pytest.mark.parametrize(("path", "expected", "name"), PAGES, ids=[name for *_, name in PAGES])
def test_page_renders_without_errors(dashboard, browser, path, expected, name):
    page = browser.new_page(viewport={"width": WIDTH, "height": 1000})
    try:
        page.goto(f"{dashboard.url}/{path}", wait_until="domcontentloaded")
        page.get_by_text(expected, exact=False).first.wait_for(timeout=PAGE_SECONDS * 1000)
        settle(page)
        exceptions = page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, exceptions.first.inner_text()
        assert "Traceback" not in page.content()
        # Streamlit scrolls inside its main block, so a full-page shot needs a tall window.
        height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": WIDTH, "height": min(max(height, 1000), 8000)})
        page.wait_for_timeout(700)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    finally:
        page.close()


def test_the_server_logged_no_errors(dashboard):
    """Runs after the page visits: whatever failed behind the pages shows in the server log."""
    log = dashboard.log.read_text()
    assert "Traceback" not in log, log
