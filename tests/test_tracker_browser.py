"""The mandate tracker and the brief's button in a real browser, on a warehouse with synthetic
officer reports: `streamlit run` on a free port, Debian's Chromium at 1400 and 390 px.

Screenshots go to tests/artifacts/ (ignored by git) for a person to look at.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from support import REPO_ROOT, chromium_browser, served_dashboard, wait_for_charts
from support import settle as settle_page

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
SECONDS = 45


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory, officer_reports) -> Iterator[str]:
    """The dashboard served from a warehouse with officer reports, stopped whatever happens."""
    _, warehouse, _ = officer_reports
    log = tmp_path_factory.mktemp("tracker_browser") / "streamlit.log"
    with served_dashboard(warehouse, log) as url:
        yield url
        assert "Traceback" not in log.read_text(), log.read_text()


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def settle(page) -> None:
    settle_page(page, SECONDS, pause_ms=700)


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
        wait_for_charts(page, SECONDS, minimum=3)  # status, trend, uptake
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
