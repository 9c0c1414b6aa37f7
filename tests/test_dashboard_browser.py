"""The dashboard in a real browser: `streamlit run` on a free port, Debian's Chromium driving it.

One server on the shipped warehouse serves the whole module. Every page is visited in English and
Hindi at a desktop (1400 px) and a phone (390 px) width: it must render its heading in the
chosen language with no Streamlit exception box and nothing wider than the screen, and a
full-height screenshot goes to tests/artifacts/ (ignored by git) for a person to look at. Every
request any visit makes is recorded: none may leave the machine. The fixes of #13 that only a
browser shows (links, bars at 390 px, contrast, chart descriptions, focus, fonts) have their
own tests on the same server.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest
from support import REPO_ROOT, chromium_browser, served_dashboard, wait_for_charts
from support import settle as settle_page

from streamlit_app.i18n import catalogue

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
PAGE_SECONDS = 30
WIDTHS = {"desktop": 1400, "phone": 390}
LANGUAGES = ("en", "hi")
PAGES = {
    "state_ranking": "",
    "departments": "departments",
    "org_mapping_review": "org_mapping_review",
    "courses": "courses",
    "data_status": "data_status",
}
TITLES = {
    "state_ranking": "State ranking",
    "departments": "Departments",
    "org_mapping_review": "Org mapping review",
    "courses": "Courses",
    "data_status": "Data status",
}
# What the English pages say first, from the seed's own figures.
TAKEAWAYS = {
    "state_ranking": "Bihar ranks 8 of 9 in category C, 43.67 points behind Maharashtra",
    "departments": re.compile(r"In Bihar, [\d.]+% of 13,89,\d{3} onboarded users"),
    "org_mapping_review": re.compile(r"open findings?:"),
    "courses": "The deadline passed on 31 March 2026",
    "data_status": re.compile(r"Last published \d+ \w+ \d{4} \d\d:\d\d IST"),
}
# How many charts each page draws on the shipped warehouse (counted in Chromium). A page waits
# for that many: with none in the DOM yet, "every chart has drawn" would hold at once.
CHARTS = {
    "state_ranking": 3,
    "departments": 2,
    "org_mapping_review": 1,
    "courses": 2,
    "data_status": 0,
}
MIN_CONTRAST = 4.5


class Dashboard(NamedTuple):
    url: str
    log: Path


@pytest.fixture(scope="module")
def dashboard(shipped_warehouse: Path, tmp_path_factory) -> Iterator[Dashboard]:
    """The dashboard served from the shipped warehouse, stopped whatever the tests do."""
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with served_dashboard(shipped_warehouse, log) as url:
        yield Dashboard(url, log)


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as chromium:
        yield chromium


def settle(page) -> None:
    """Wait until the script run has finished, then give the charts a moment to draw."""
    settle_page(page, PAGE_SECONDS)


@pytest.fixture(scope="module")
def requests_made() -> list[str]:
    """Every URL any page of this module asked for, filled in by `visit`."""
    return []


@contextmanager
def visit(browser, dashboard, requests_made, page_name: str, *, language="en", width=1400):
    """A page opened in `language` at `width`, settled; every request it makes is recorded."""
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.on("request", lambda request: requests_made.append(request.url))
    try:
        page.goto(
            f"{dashboard.url}/{PAGES[page_name]}?lang={language}", wait_until="domcontentloaded"
        )
        heading = catalogue("hi").get(TITLES[page_name]) if language == "hi" else None
        title = heading or TITLES[page_name]
        page.get_by_role("heading", name=title, exact=True).first.wait_for(
            timeout=PAGE_SECONDS * 1000
        )
        settle(page)
        wait_for_charts(page, PAGE_SECONDS, minimum=CHARTS[page_name])
        yield page
    finally:
        page.close()


def full_page_screenshot(page, name: str, width: int) -> None:
    # Streamlit scrolls inside its main block, so a full-page shot needs a tall window.
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": width, "height": min(max(height, 1000), 8000)})
    page.wait_for_timeout(700)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page_name", list(PAGES))
def test_page_renders_in_each_language_and_width(
    dashboard, browser, requests_made, page_name, language, width_name
):
    width = WIDTHS[width_name]
    with visit(
        browser, dashboard, requests_made, page_name, language=language, width=width
    ) as page:
        exceptions = page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, exceptions.first.inner_text()
        assert "Traceback" not in page.content()
        if language == "en":
            page.get_by_text(TAKEAWAYS[page_name]).first.wait_for(timeout=5000)
        else:
            # The page speaks Hindi: its takeaway (the first subheading) is in Devanagari.
            takeaway = page.locator("h3").first.inner_text()
            assert re.search("[\u0900-\u097f]", takeaway), takeaway
        # Nothing is wider than the screen: a phone never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        charts = page.locator('[data-testid="stVegaLiteChart"]')
        assert charts.count() == CHARTS[page_name], f"{charts.count()} charts on {page_name}"
        assert_charts_are_described_and_drawn(page, width)
        full_page_screenshot(page, f"{page_name}_{language}_{width}", width)


def assert_charts_are_described_and_drawn(page, width: int) -> None:
    """#13 items 2 and 10: every chart has a text description for a screen reader, and its
    bars take a good share of the width, also at 390 px where names used to crowd them out."""
    charts = page.evaluate(
        """[...document.querySelectorAll('.vega-embed')].map(chart => [
            chart.getAttribute('aria-label'),
            Math.max(0, ...[...chart.querySelectorAll('[aria-roledescription="bar"]')]
                .map(bar => bar.getBoundingClientRect().width)),
            chart.querySelectorAll('[aria-roledescription="bar"]').length,
        ])"""
    )
    for description, widest_bar, bars in charts:
        assert description and len(description) > 20, description
        if bars:
            assert widest_bar > min(width, 1000) * 0.3, (description, widest_bar)


def contrast(colour: str, background=(255, 255, 255)) -> float:
    """WCAG contrast ratio of an rgb()/rgba() colour (alpha blended on `background`)."""
    values = [float(part) for part in re.findall(r"[\d.]+", colour)]
    red, green, blue, alpha = [*values, 1.0][:4]
    blended = [
        alpha * value + (1 - alpha) * base
        for value, base in zip((red, green, blue), background, strict=True)
    ]

    def luminance(channels) -> float:
        linear = [
            channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4
            for channel in (value / 255 for value in channels)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(blended), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_ticks_bar_values_and_captions_have_enough_contrast(dashboard, browser, requests_made):
    """#13 item 10: at least 4.5:1 on the white page."""
    with visit(browser, dashboard, requests_made, "departments") as page:
        colours = page.evaluate(
            """() => [
                ...[...document.querySelectorAll('.vega-embed svg text')]
                    .filter(text => text.textContent.trim())
                    .map(text => ['chart text ' + text.textContent, getComputedStyle(text).fill,
                                  getComputedStyle(text).fillOpacity]),
                ...[...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
                    .map(caption => ['caption', getComputedStyle(caption).color, '1']),
            ]"""
        )
    assert any(kind.startswith("chart text") for kind, *_ in colours)
    assert any(kind == "caption" for kind, *_ in colours)
    for kind, colour, opacity in colours:
        rgba = (
            colour
            if "rgba" in colour
            else colour.replace("rgb", "rgba").replace(")", f", {opacity})")
        )
        assert contrast(rgba) >= MIN_CONTRAST, (kind, colour, opacity)


def test_keyboard_focus_is_visible_on_chart_controls(dashboard, browser, requests_made):
    """#13 item 10: a keyboard user sees where they are on a chart's controls."""
    with visit(browser, dashboard, requests_made, "departments") as page:
        page.keyboard.press("Tab")  # the reader is on the keyboard
        page.locator('[data-testid="stVegaLiteChart"]').first.hover()
        control = page.get_by_role("button", name="Download as PNG").first
        control.focus()
        outline = page.evaluate(
            "(() => { const style = getComputedStyle(document.activeElement);"
            " return [document.activeElement.getAttribute('aria-label'), style.outlineStyle,"
            " parseFloat(style.outlineWidth), style.outlineColor]; })()"
        )
    label, style, width, colour = outline
    assert label == "Download as PNG"
    assert style != "none" and width >= 2, outline
    assert contrast(colour) >= 3, outline  # a focus ring needs 3:1 against the page


def test_a_course_without_an_address_has_no_link(dashboard, browser, requests_made):
    """#13 item 1: 'Open on iGOT' showed on all 147 rows and led to the dashboard itself."""
    with visit(browser, dashboard, requests_made, "courses") as page:
        catalogue_table = page.locator('[data-testid="stDataFrame"]').last
        catalogue_table.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        rows = catalogue_table.locator('[role="row"]')
        cells = [
            rows.nth(index).locator('[role="gridcell"]').all_inner_texts()
            for index in range(1, rows.count())
        ]
    cells = [row for row in cells if len(row) >= 2]
    assert cells
    links = [row[1] for row in cells]
    assert "Open on iGOT" not in " ".join(links)
    # Courses with an address link to the portal; the others show an empty cell.
    assert any(link.startswith("https://portal.igotkarmayogi.gov.in/") for link in links)
    assert any(link == "" for link in links)
    assert all(link == "" or link.startswith("https://") for link in links)


def test_findings_read_in_full_at_phone_width(dashboard, browser, requests_made):
    """#13 item 4: evidence and suggested fix were off-screen, one double-click per cell."""
    with visit(
        browser, dashboard, requests_made, "org_mapping_review", width=WIDTHS["phone"]
    ) as page:
        fixes = page.get_by_text(re.compile("^Suggested fix:"))
        assert fixes.count() > 0
        box = fixes.first.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS["phone"]
        text = page.locator('[data-testid="stMain"]').inner_text()
        # Issue types in words, not the rule's code name.
        assert "duplicate_mdo" not in text
        assert "MDO listed more than once" in text


def test_hindi_renders_in_the_served_devanagari_font(dashboard, browser, requests_made):
    """Devanagari must not depend on a font installed on the reader's device."""
    with visit(browser, dashboard, requests_made, "state_ranking", language="hi") as page:
        page.evaluate("document.fonts.ready")
        loaded = page.evaluate(
            "[...document.fonts].filter(face => face.status === 'loaded').map(face => face.family)"
        )
        family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert any("Noto Sans Devanagari" in face for face in loaded), loaded
    assert "Noto Sans Devanagari" in family
    assert any("/app/static/fonts/noto-sans-devanagari-devanagari" in url for url in requests_made)


def test_no_request_leaves_the_machine(dashboard, requests_made):
    """Runs after the visits above (#13 item 11: the favicon came from the internet)."""
    assert requests_made, "no page was visited"
    outside = sorted(
        {
            url
            for url in requests_made
            if not url.startswith((dashboard.url, "data:", "blob:", "about:"))
        }
    )
    assert not outside, outside


def test_the_server_logged_no_errors(dashboard):
    """Runs after the page visits: whatever failed behind the pages shows in the server log."""
    log = dashboard.log.read_text()
    assert "Traceback" not in log, log
