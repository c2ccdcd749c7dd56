"""Tests for linter.plaintext.extract_plain (real inputs, no mocks)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from linter.document import ProseBlock
from linter.plaintext import extract_plain

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def check_invariant(original: str, blocks: list[ProseBlock]) -> None:
    last = -1
    for b in blocks:
        assert b.kind == "text"
        assert b.text and b.text == b.text.strip()
        assert len(b.starts) == len(b.ends) == len(b.text)
        assert "\r" not in b.text and "\n" not in b.text
        for i, ch in enumerate(b.text):
            st, en = b.starts[i], b.ends[i]
            assert st > last
            last = st
            if original[st] == ch and en == st + 1:
                continue
            assert ch == " " and original[st:en] in ("\n", "\r\n", "\r"), (b.text, i)


def texts(src: str) -> list[str]:
    blocks = extract_plain(src)
    check_invariant(src, blocks)
    return [b.text for b in blocks]


def test_blank_lines_separate_paragraphs():
    assert texts("一つ目の段落。\n\n二つ目の段落\n\u3000\n三つ目") == [
        "一つ目の段落。",
        "二つ目の段落",
        "三つ目",
    ]


def test_soft_break_joins_japanese_lines():
    src = "寄付文化の\n情勢について"
    (b,) = extract_plain(src)
    check_invariant(src, [b])
    assert b.text == "寄付文化の情勢について"
    assert b.starts[5] == src.index("情")


def test_soft_break_between_english_words_is_space():
    src = "plain\r\ntext here"
    (b,) = extract_plain(src)
    check_invariant(src, [b])
    assert b.text == "plain text here"
    assert (b.starts[5], b.ends[5]) == (5, 7)


def test_sentence_end_breaks_block():
    assert texts("終わり。\n次の文\n続き！\nNext:\nitem") == ["終わり。", "次の文続き！", "Next:", "item"]


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("見出し\n  • 項目一\n  • 項目二", ["見出し", "項目一", "項目二"]),
        ("見出し\n・項目一\n・項目二", ["見出し", "項目一", "項目二"]),
        ("見出し\n- 項目\n* 項目\n+ 項目", ["見出し", "項目", "項目", "項目"]),
        ("見出し\n1. 一\n2) 二\n１．三\n（4）四\n1-1. 五", ["見出し", "1. 一", "2) 二", "１．三", "（4）四", "1-1. 五"]),
        ("本文\n※注記です", ["本文", "※注記です"]),
        ("数値は\n1.5倍です", ["数値は1.5倍です"]),
        ("範囲は\n-5から", ["範囲は-5から"]),
    ],
)
def test_bullets_and_enumerators(src, expected):
    assert texts(src) == expected


def test_indentation_and_trailing_whitespace_dropped():
    src = "\u3000\u3000字下げの段落です。  \r\n\t\tタブの行\t \r\n"
    assert texts(src) == ["字下げの段落です。", "タブの行"]


def test_bullet_offsets_exact():
    src = "  • 現状分析:日本は"
    (b,) = extract_plain(src)
    assert b.starts[0] == src.index("現")


def test_mixed_newlines_and_astral_chars():
    src = "𠮷野家\r\n😀の後に目標語\r続き\n"
    (b,) = extract_plain(src)
    check_invariant(src, [b])
    i = b.text.index("目標語")
    assert b.starts[i] == src.index("目標語")


def test_empty_inputs():
    assert extract_plain("") == []
    assert extract_plain("\n \r\n\u3000\n") == []


def test_large_input_is_fast():
    src = ("長い行の文章です、" * 40 + "\n") * 800
    assert len(src) > 280_000
    t0 = time.perf_counter()
    blocks = extract_plain(src)
    assert time.perf_counter() - t0 < 1.0
    assert len(blocks) == 1
    check_invariant(src, blocks)


SCIENCE = CORPUS / "manifesto-2026" / "science-technology.txt"


@pytest.mark.skipif(not SCIENCE.is_file(), reason="corpus not available")
def test_corpus_text_file():
    src = SCIENCE.read_text(encoding="utf-8-sig")
    blocks = extract_plain(src)
    check_invariant(src, blocks)
    got = [b.text for b in blocks]
    assert "1-1. 次世代の国際競争力を牽引する戦略技術の産業化" in got
    assert "レーザー:半導体製造や精密加工(次世代EV部品、医療機器)、安全保障・防衛に不可欠な技術として投資します。" in got
    assert "誤変換である情勢を醸成に修正する" in got
    assert not any(t.startswith(("•", " ", "\u3000")) for t in got)
