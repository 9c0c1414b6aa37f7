"""Make the Data Docs site render with no internet: local copies instead of CDN assets.

GX's page templates load Bootstrap, bootstrap-table, jQuery, Popper, the datepicker and Font
Awesome from CDNs, Vega from jsDelivr, its logo from S3, and link to its newsletter. On a machine
without internet (or a careful one) the pages then render as unstyled text and the pass/fail
icons vanish. After every render, each page's references are rewritten:

- an asset the pages use is served from `static/vendor/` of the site, copied there from
  `expectations/data_docs_assets/` (the same versions, with their licences; see its README);
- GX's logo comes from the `static/images/` GX already writes (and GX's own links into it are
  recomputed from each page's depth: its favicon link on validation pages is a level short);
- what the pages do not use is removed: Vega (our suites draw no charts), the optional dark
  theme, and links to greatexpectations.io (an anchor keeps its text, loses its address).

Values inside the results (a course's link that failed a regex, say) are text, not references,
and stay as found.
"""

import os
import re
import shutil
from pathlib import Path

ASSETS = Path(__file__).resolve().parent / "data_docs_assets"
VENDOR = "static/vendor"

# CDN address (without query) -> file under data_docs_assets, or None to drop the reference.
LOCAL_COPIES: dict[str, str | None] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": (
        "bootstrap/bootstrap.min.css"
    ),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": (
        "bootstrap/bootstrap.min.js"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": (
        "bootstrap-table/bootstrap-table.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": (
        "bootstrap-table/bootstrap-table.min.js"
    ),
    # GX's templates ask for the filter-control styles of 1.19.0 and its script of 1.19.1;
    # both are served from 1.19.1, whose styles are the same rules.
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css": "bootstrap-table/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css": (
        "bootstrap-table/bootstrap-table-filter-control.min.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js": (
        "bootstrap-table/bootstrap-table-filter-control.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css": "bootstrap-datepicker/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js": "bootstrap-datepicker/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome/css/all.min.css"
    ),
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": (
        "popper/popper.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/vega@5": None,
    "https://cdn.jsdelivr.net/npm/vega-lite@5": None,
    "https://cdn.jsdelivr.net/npm/vega-embed@6": None,
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css": None,
}
GX_IMAGES = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
# GX's S3 images -> the copies GX writes into static/images/ itself.
GX_IMAGE_COPIES = {"logo-long.png": "logo-long.png", "full_logo_dark.png": "logo-long.png"}

_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"(https?://[^\"]+)\"[^>]*>\s*</script>", re.I)
_LINK = re.compile(r"<link\b[^>]*\bhref=\"(https?://[^\"]+)\"[^>]*/?>", re.I)
_IMAGE = re.compile(r"(\bsrc=\"|url\(')(" + re.escape(GX_IMAGES) + r")([^\"'?]+)(\?[^\"']*)?")
_ANCHOR = re.compile(r"<a\b([^>]*?)\s+href=\"https?://[^\"]*\"", re.I)
# GX's own relative links to the site's static/ folder; on validation pages its favicon link is
# one level short (GX counts the folders of a result's path wrongly), so all are recomputed.
_GX_STATIC = re.compile(r"\b(src|href)=\"(?:\.\.?/)*static/")
_SRI = re.compile(r"\s+(integrity|crossorigin)=\"[^\"]*\"", re.I)
# A reference that leaves the machine: an address in src=, href=, url() or @import.
EXTERNAL_REFERENCE = re.compile(
    r"(?:\b(?:src|href)\s*=\s*[\"']?|url\(\s*[\"']?|@import\s+[\"'])\s*(?:https?:)?//", re.I
)


def external_references(html: str) -> list[str]:
    """Every place in a page that would fetch or link outside the machine."""
    return [html[m.start() : m.end() + 60] for m in EXTERNAL_REFERENCE.finditer(html)]


def localise_page(html: str, static_prefix: str) -> str:
    """One page with its CDN references pointed at `static_prefix` (the relative path from
    the page to the site's static/ folder), and what it does not use removed."""

    def asset(match: re.Match) -> str:
        address = match.group(1).split("?")[0]
        if address not in LOCAL_COPIES:
            return ""  # an unknown outside asset is dropped rather than fetched
        local = LOCAL_COPIES[address]
        if local is None:
            return ""
        element = _SRI.sub("", match.group(0))
        return element.replace(match.group(1), f"{static_prefix}/vendor/{local}")

    html = _SCRIPT.sub(asset, html)
    html = _LINK.sub(asset, html)
    html = _IMAGE.sub(
        lambda m: (
            f"{m.group(1)}{static_prefix}/images/{GX_IMAGE_COPIES.get(m.group(3), 'logo-long.png')}"
        ),
        html,
    )
    html = _GX_STATIC.sub(lambda m: f'{m.group(1)}="{static_prefix}/', html)
    return _ANCHOR.sub(lambda m: f"<a{m.group(1)}", html)


def make_offline(docs_dir: Path) -> None:
    """Copy the local assets into the site and rewrite every page to use them."""
    docs_dir = Path(docs_dir)
    shutil.copytree(ASSETS, docs_dir / VENDOR, dirs_exist_ok=True)
    static = docs_dir / "static"
    for page in docs_dir.rglob("*.html"):
        if VENDOR in page.as_posix():
            continue
        html = page.read_text(encoding="utf-8")
        prefix = Path(os.path.relpath(static, page.parent)).as_posix()
        localised = localise_page(html, prefix)
        if localised != html:
            page.write_text(localised, encoding="utf-8")
