"""Every sentence the dashboard shows, in English or Hindi.

A label is written in the code in English and passed through `t`: `t("Onboarded")`, or with
values, `t("{count} departments lag", count=indian_number(n))`. The English text is the key; its
Hindi lives in `translations/hi/*.json` (one file per page or module, so that pages can be added
without touching each other's catalogue), and a test checks that every `t(...)` literal in the
app has one. Values are formatted before they are passed in, so numbers keep Indian grouping in
both languages.

The reader picks the language with `language_switch()` in the sidebar; it is kept in
`st.session_state["language"]` and `babel_locale()` gives the matching Babel locale (en_IN or
hi_IN: both group digits the Indian way, with Latin digits, as Indian government reports do).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = {"en": "English", "hi": "हिन्दी"}
BABEL_LOCALES = {"en": "en_IN", "hi": "hi_IN"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_KEY = "language"
CATALOGUES = Path(__file__).parent / "translations"


@cache
def catalogue(language: str) -> dict[str, str]:
    """English text -> its translation, from every catalogue file of one language."""
    merged: dict[str, str] = {}
    for path in sorted((CATALOGUES / language).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def current_language() -> str:
    """The language the reader chose in the sidebar (English until they choose, and outside a
    Streamlit script run, e.g. in the PDF brief or a unit test)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return DEFAULT_LANGUAGE
    import streamlit as st

    language = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def babel_locale() -> str:
    """The Babel locale for numbers and dates in the reader's language."""
    return BABEL_LOCALES[current_language()]


def t(english: str, /, **values) -> str:
    """`english` in the reader's language, with `values` filled in. A sentence without a
    translation shows in English rather than not at all."""
    language = current_language()
    text = english if language == "en" else catalogue(language).get(english, english)
    return text.format(**values) if values else text


def language_switch() -> None:
    """The English / हिन्दी choice at the top of the sidebar. Its label is in both languages, so
    a reader who cannot read the current one still finds it."""
    import streamlit as st

    # A link can open the dashboard in a language: ?lang=hi (on a phone, where the sidebar is
    # folded away, and for sharing a page with a Hindi reader).
    asked = st.query_params.get("lang")
    if LANGUAGE_KEY not in st.session_state and asked in LANGUAGES:
        st.session_state[LANGUAGE_KEY] = asked
    with st.sidebar:
        st.radio(
            "Language / भाषा",
            list(LANGUAGES),
            format_func=LANGUAGES.get,
            horizontal=True,
            key=LANGUAGE_KEY,
        )


def translatable(english: str) -> str:
    """Marks English defined in one place and translated with `t` where it is shown (column
    headings, measure names), so that the catalogue test finds it."""
    return english
