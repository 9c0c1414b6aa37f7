"""Every sentence the dashboard shows, in English or Hindi.

A label is written in the code in English and passed through `t`: `t("Onboarded")`, or with
values, `t("{count} departments lag", count=indian_number(n))`. The English text is the key; its
Hindi lives in `translations/hi/*.json` (one file per page or module, so that pages can be added
without touching each other's catalogue), and a test checks that every `t(...)` literal in the
app has one. Values are formatted before they are passed in, so numbers keep Indian grouping in
both languages.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

LANGUAGES = {"en": "English", "hi": "हिन्दी"}
DEFAULT_LANGUAGE = "en"
CATALOGUES = Path(__file__).parent / "translations"


@cache
def catalogue(language: str) -> dict[str, str]:
    """English text -> its translation, from every catalogue file of one language."""
    merged: dict[str, str] = {}
    for path in sorted((CATALOGUES / language).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def current_language() -> str:
    """The language the reader chose in the sidebar (English until they choose)."""
    import streamlit as st

    return st.session_state.get("language", DEFAULT_LANGUAGE)


def t(english: str, /, **values) -> str:
    """`english` in the reader's language, with `values` filled in. A sentence without a
    translation shows in English rather than not at all."""
    language = current_language()
    text = english if language == "en" else catalogue(language).get(english, english)
    return text.format(**values) if values else text
