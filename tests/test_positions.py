"""Findings map back to the exact line and column of the original file (1-based,
columns in code points), whatever Markdown, CRLF, BOM or astral characters surround
them.  Each test locates the expected span independently of the linter."""
from __future__ import annotations

import re

import pytest

from linter.engine import lint_source
from linter.source import read_file

RULE = "misconversion/hoshou-social"  # 社会保証 → 社会保障, needs no context


def expected_positions(text: str, needle: str) -> list[tuple[int, int]]:
    """(line, column) of every occurrence of needle, by a naive scan of the lines."""
    out = []
    for n, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        start = 0
        while (k := line.find(needle, start)) != -1:
            out.append((n, k + 1))
            start = k + 1
    return out


def positions(findings, rule=RULE):
    return [(f.line, f.column, f.end_line, f.end_column) for f in findings if f.rule == rule]


def only(rules_by_id, *ids):
    return [rules_by_id[i] for i in ids]


CASES = {
    "plain paragraph": "社会保証を守ります。\n",
    "after fenced code": "```\n社会保証\n```\n\n前文です。社会保証を守ります。\n",
    "after tilde fence in a list": "* 項目\n\n  ~~~\n  社会保証\n  ~~~\n\n* 社会保証を守ります。\n",
    "after inline code": "`社会保証` と書かれた社会保証を守ります。\n",
    "inside link text": "詳しくは[社会保証の話](https://example.jp/社会保証)を見てください。\n",
    "image alt text": "![社会保証の図](img/社会保証.png)\n",
    "table cell": "| 分野 | 内容 |\n|---|---|\n| 福祉 | `x` と社会保証 |\n| 医療 | 社会保証の充実 |\n",
    "nested lists": "* 一\n    * 二\n        * 三の社会保証\n1. 番号\n   1. 入れ子の社会保証\n",
    "html comment": "<!-- 社会保証 -->\n本文の<!-- 社会保証\n複数行 -->社会保証です。\n",
    "blockquote": "> 引用の中の社会保証\n> * 引用の中のリストの社会保証\n",
    "heading": "# 社会保証\n\n見出し\n===\n\n## 社会保証の未来 ##\n",
    "astral before": "𠮷野家😀👨‍👩‍👧で社会保証を守ります。\n",
    "emoji heading": "## 😀 社会保証\n",
    "front matter": "---\ntitle: 社会保証\n---\n本文の社会保証\n",
    "bare url": "https://example.jp/社会保証 の社会保証\n",
    "soft break": "社会保証を\n守り、その先の社会保証を\n考えます。\n",
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [False, True])
def test_positions_in_markdown(tmp_path, rules_by_id, name, newline, bom):
    text = CASES[name].replace("\n", newline)
    path = tmp_path / "doc.md"
    path.write_bytes((("\ufeff" if bom else "") + text).encode("utf-8"))
    source = read_file(str(path))
    findings = lint_source(source, only(rules_by_id, RULE))
    got = positions(findings)
    # only prose occurrences count: recompute them from what Markdown keeps
    expected = {
        "plain paragraph": [0],
        "after fenced code": [1],
        "after tilde fence in a list": [1],
        "after inline code": [1],
        "inside link text": [0],
        "image alt text": [0],
        "table cell": [0, 1],
        "nested lists": [0, 1],
        "html comment": [2],
        "blockquote": [0, 1],
        "heading": [0, 1],
        "astral before": [0],
        "emoji heading": [0],
        "front matter": [1],
        "bare url": [0, 1],  # a bare URL stops at the first Japanese character
        "soft break": [0, 1],
    }[name]
    all_positions = expected_positions(text, "社会保証")
    want = [(all_positions[i][0], all_positions[i][1], all_positions[i][0], all_positions[i][1] + 4) for i in expected]
    assert got == want
    lines = re.split(r"\r\n|\r|\n", text)
    for f in findings:
        assert lines[f.line - 1][f.column - 1:f.end_column - 1] == "社会保証"


def test_finding_across_a_soft_line_break(tmp_path, rules_by_id):
    """Context cues and findings may cross a line break inside a paragraph."""
    text = "寄付文化の\r\n情勢を図ります。\r\n"
    path = tmp_path / "wrapped.md"
    path.write_bytes(text.encode("utf-8"))
    findings = lint_source(read_file(str(path)), only(rules_by_id, "misconversion/jousei"))
    assert [(f.line, f.column, f.end_line, f.end_column) for f in findings] == [(2, 1, 2, 3)]


def test_span_across_lines_has_its_end_on_the_next_line(tmp_path, rules_by_id):
    path = tmp_path / "split.md"
    path.write_text("これは社会\n保証の話です。\n", encoding="utf-8")
    findings = lint_source(read_file(str(path)), only(rules_by_id, RULE))
    assert [(f.line, f.column, f.end_line, f.end_column) for f in findings] == [(1, 4, 2, 3)]


def test_plain_text_positions_with_astral_characters(tmp_path, rules_by_id):
    text = "  • 𠮷😀の社会保証について\n\n二行目の社会保証。\n"
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")
    findings = lint_source(read_file(str(path)), only(rules_by_id, RULE))
    want = [(l, c, l, c + 4) for l, c in expected_positions(text, "社会保証")]
    assert positions(findings) == want


def test_code_url_and_html_are_never_linted(lint):
    text = (
        "```\n寄付文化の情勢を図る\n```\n\n"
        "    寄付文化の情勢を図る（インデントされたコード）\n\n"
        "<div>\n寄付文化の情勢を図る\n</div>\n\n"
        "本文 `寄付文化の情勢を図る` と <span title=\"寄付文化の情勢を図る\">本文</span>。\n"
        "<https://example.jp/寄付文化の情勢を図る> と https://example.jp/x?q=1&r=2。\n"
    )
    hidden = ("情勢", "ＡＩ")
    assert [f for f in lint(text) if any(h in f.matched for h in hidden)] == []
    assert [f.rule for f in lint(text) if f.rule.startswith("misconversion/")] == []
