"""The dashboard's Hindi: every sentence the code passes through `t` has a Hindi entry, every
catalogue entry is used, and each translation keeps the English sentence's placeholders.

The sentences are found by reading the code (ast), so a label added without a translation fails
here, not in front of a Hindi reader.
"""

import ast
import json
import re
from pathlib import Path

import pytest
from support import REPO_ROOT

from streamlit_app.i18n import CATALOGUES, catalogue

APP = REPO_ROOT / "streamlit_app"
# t() translates where shown; translatable() marks English defined apart from where it is shown.
MARKERS = {"t", "translatable"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")

pytestmark = pytest.mark.unit


def marked_calls() -> list[tuple[Path, int, ast.expr]]:
    calls = []
    for path in sorted(APP.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and node.args
            ):
                calls.append((path, node.lineno, node.args[0]))
    return calls


def english_sentences() -> set[str]:
    return {
        argument.value
        for _, _, argument in marked_calls()
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
    }


def test_the_scan_finds_the_dashboards_sentences():
    """A scan that found nothing would let every other test here pass."""
    sentences = english_sentences()
    assert len(sentences) > 200
    assert "Download CSV" in sentences
    assert (
        "{state} ranks {rank} of {size} in category {category}, {points} points behind {leader}."
        in sentences
    )


def test_every_sentence_is_a_literal_so_that_it_can_be_looked_up():
    """t(f"...") or t(variable) would be looked up under text no catalogue can hold."""
    not_literal = [
        f"{path.relative_to(REPO_ROOT)}:{line}"
        for path, line, argument in marked_calls()
        if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str))
        # t(SOME_CONSTANT) is fine when the constant was marked with translatable().
        and not isinstance(argument, ast.Name | ast.Subscript | ast.Call)
    ]
    assert not not_literal


def test_every_sentence_has_a_hindi_entry():
    hindi = catalogue("hi")
    missing = sorted(english_sentences() - set(hindi))
    assert not missing, f"{len(missing)} sentences without Hindi, e.g. {missing[:5]}"


def test_every_hindi_entry_is_used():
    unused = sorted(set(catalogue("hi")) - english_sentences())
    assert not unused, f"catalogue entries no code shows: {unused[:5]}"


def test_translations_keep_the_placeholders_and_are_hindi():
    for path in sorted((CATALOGUES / "hi").glob("*.json")):
        for english, hindi in json.loads(path.read_text(encoding="utf-8")).items():
            assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(hindi)), (
                path.name,
                english,
            )
            # Short labels may stay as written (MDO, {moment} IST); sentences are in Hindi.
            if len(PLACEHOLDER.sub("", english).split()) > 3:
                assert re.search("[\u0900-\u097f]", hindi), (path.name, english)


def test_no_sentence_is_in_two_catalogues_with_two_translations():
    seen: dict[str, tuple[str, str]] = {}
    for path in sorted((CATALOGUES / "hi").glob("*.json")):
        for english, hindi in json.loads(path.read_text(encoding="utf-8")).items():
            if english in seen:
                assert seen[english][1] == hindi, (english, seen[english][0], path.name)
            seen[english] = (path.name, hindi)
