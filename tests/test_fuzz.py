"""Property-based tests over random Unicode and random Markdown: no exception, every
position inside the document and on a character boundary, --fix output that lints
without new findings of the fixed rules, and --fix idempotent.

A modest profile keeps the default run fast; scripts/fuzz_long.py runs the same
properties much longer (JALINT_FUZZ_EXAMPLES sets the number of examples here)."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linter.engine import Options, build_document, check_document, finish
from linter.fix import fix_text
from linter.markdown import extract_markdown
from linter.plaintext import extract_plain
from linter.source import Source

EXAMPLES = int(os.environ.get("JALINT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("JALINT_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

# the words rules care about, so random documents do produce findings and fixes
WORDS = ["社会保証", "情勢", "寄付文化の", "を図ります", "見れる", "ﾃﾞｰﾀ", "ＡＩ", "障がい", "障害", "子供", "子ども",
         "することができる", "です。", "である。", "、", "。", "が", "の", "を", "を", "は", "𠮷", "😀", "葛\U000E0100",
         "\u200b", "\u202e", "\ufeff", "\x00", "\r\n", "\n", "\r", "\t", "\u3000", "が\u3099", "ｶﾞ"]
MD_BITS = ["# ", "## ", "> ", "- ", "1. ", "* ", "```\n", "`", "**", "_", "~~", "[", "](", ")", "![", "<", ">", "&amp;",
           "&#12354;", "<br>", "<!-- ", " -->", "http://example.com/a_(b)", "www.x.jp", "|", "|---|", "\\", "---\n",
           "    ", "\n\n", "<!-- jalint-disable -->", "<!-- jalint-enable -->", "[x]: /u", "[x]", "---\ntitle: a\n---\n"]

unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
word_text = st.lists(st.sampled_from(WORDS) | st.text(max_size=5), max_size=40).map("".join)
markdown_text = st.lists(st.sampled_from(MD_BITS + WORDS) | st.text(max_size=4), max_size=60).map("".join)
any_text = st.one_of(unicode_text, word_text, markdown_text)


def _lint_fn(rules, path, syntax):
    def lint(t: str):
        doc = build_document(Source(path, t, syntax))
        return finish(doc, check_document(doc, rules), syntax, Options())
    return lint


def check_positions(text: str, findings) -> None:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for f in findings:
        assert 0 <= f.start <= f.end <= len(text), f
        assert f.matched == text[f.start:f.end]
        assert 1 <= f.line <= len(lines) and 1 <= f.end_line <= len(lines)
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1
        assert 1 <= f.end_column <= len(lines[f.end_line - 1]) + 1
        assert (f.line, f.column) <= (f.end_line, f.end_column)


def check_blocks(text: str, blocks) -> None:
    for b in blocks:
        assert len(b.text) == len(b.starts) == len(b.ends)
        for ch, s, e in zip(b.text, b.starts, b.ends):
            assert 0 <= s <= e <= len(text)


@pytest.mark.parametrize("syntax", ["markdown", "text"])
@FUZZ
@given(text=any_text)
def test_lint_never_fails_and_positions_are_valid(rules, syntax, text):
    findings = _lint_fn(rules, "f.md" if syntax == "markdown" else "f.txt", syntax)(text)
    check_positions(text, findings)


@FUZZ
@given(text=any_text)
def test_extractors_map_every_char_inside_the_text(text):
    check_blocks(text, extract_markdown(text))
    check_blocks(text, extract_plain(text))


@pytest.mark.parametrize("syntax", ["markdown", "text"])
@FUZZ
@given(text=st.one_of(word_text, markdown_text))
def test_fix_is_clean_and_idempotent(rules, syntax, text):
    lint = _lint_fn(rules, "f.md" if syntax == "markdown" else "f.txt", syntax)
    fixed, applied = fix_text(text, lint)
    again, applied_again = fix_text(fixed, lint)
    assert again == fixed and not applied_again
    before = {(f.rule, f.matched) for f in lint(text) if f.rule in applied}
    after = [f for f in lint(fixed) if f.rule in applied and f.fixable and len(f.suggestions) == 1]
    # what is left of the fixed rules was not made by the fixes
    new = [f for f in after if (f.rule, f.matched) not in before]
    assert not new, new
    check_positions(fixed, lint(fixed))
