"""The mandate tracker and the brief's button in a real browser, on a warehouse with synthetic
officer reports: `streamlit run` on a free port, Debian's Chromium at 1400 and 390 px.

Screenshots go to tests/artifacts/ (ignored by git) for a person to look at.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import REPO_ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
SECONDS = 45


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, officer_reports) -> Iterator[str]:
    """The dashboard served from a warehouse with officer reports, stopped whatever happens."""
    root = tmp_path_factory.mktemp("tracker_browser")
    _, warehouse, _ = officer_reports
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = root / "streamlit.log"
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
            env={**os.environ, "IGOT_WAREHOUSE": str(warehouse)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"streamlit did not start:\n{log.read_text()}")
                time.sleep(0.3)
        yield url
        assert "Traceback" not in log.read_text(), log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: make browser installs Debian's Chromium")
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
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=SECONDS * 1000
    )
    page.wait_for_timeout(700)


@pytest.mark.parametrize("width", [1400, 390])
def test_tracker_renders_first_with_its_charts(dashboard, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    try:
        page.goto(dashboard, wait_until="domcontentloaded")
        page.get_by_text("officers in Bihar met the mandate on", exact=False).first.wait_for(
            timeout=SECONDS * 1000
        )
        settle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator("canvas, svg.marks").count() >= 3  # status, trend, uptake charts
        height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
        page.set_viewport_size({"width": width, "height": min(max(height, 1000), 8000)})
        page.wait_for_timeout(700)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"mandate_tracker_{width}.png", full_page=True)
    finally:
        page.close()


def test_ranking_page_downloads_the_brief(dashboard, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    try:
        page.goto(f"{dashboard}/state_ranking", wait_until="domcontentloaded")
        button = page.get_by_text("Monthly brief for the Chief Secretary (PDF)")
        button.wait_for(timeout=SECONDS * 1000)
        settle(page)
        with page.expect_download(timeout=SECONDS * 1000) as download:
            button.click()
        pdf = Path(download.value.path()).read_bytes()
        assert pdf.startswith(b"%PDF")
        assert download.value.suggested_filename.startswith("brief_bihar_")
    finally:
        page.close()
