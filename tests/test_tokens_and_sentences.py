"""Sentences, tokens and Sudachi's input limit."""
from __future__ import annotations

import time

from linter.document import ProseBlock
from linter.engine import build_document
from linter.mentions import is_mention
from linter.sentences import split_block
from linter.source import Source
from linter.tokenizer import MAX_BYTES, tokenize_text


def block(text: str, kind: str = "paragraph") -> ProseBlock:
    return ProseBlock(kind, text, list(range(len(text))), list(range(1, len(text) + 1)))


def test_sentences_split_at_terminators_and_keep_closing_brackets():
    got = [s.text for s in split_block(block("これは一文目です。二文目！（三文目？）四文目｡ 最後"))]
    assert got == ["これは一文目です。", "二文目！", "（三文目？）", "四文目｡", "最後"]


def test_terminator_inside_quotes_does_not_split():
    got = [s.text for s in split_block(block("彼は「賛成です。」と述べた。次の文。"))]
    assert got == ["彼は「賛成です。」と述べた。", "次の文。"]


def test_unclosed_quote_does_not_swallow_the_block():
    got = [s.text for s in split_block(block("「開いたまま。次の文。"))]
    assert got == ["「開いたまま。", "次の文。"]


def test_every_block_end_is_a_sentence_end():
    doc = build_document(Source("a.md", "# 見出し\n\n* 項目一\n* 項目二\n\n本文です\n", "markdown"))
    assert [(s.kind, s.text) for s in doc.sentences] == [
        ("heading", "見出し"), ("list_item", "項目一"), ("list_item", "項目二"), ("paragraph", "本文です")]


def test_tokens_carry_attributes_and_offsets():
    doc = build_document(Source("a.md", "寄付文化の情勢を図る。国際情勢。", "markdown"))
    s0, s1 = doc.sentences
    t = next(t for t in s0.tokens if t.surface == "情勢")
    assert (t.begin, t.end) == (5, 7)
    assert t.pos[0] == "名詞" and t.reading == "ジョウセイ" and t.normalized == "情勢" and t.dictionary == "情勢"
    assert "".join(t.surface for t in s1.tokens) == s1.text


def test_a_300kb_single_line_paragraph_is_tokenized_whole():
    unit = "寄付文化の醸成を図り、𠮷野家😀の負担を軽減し"  # no 。: one huge sentence
    text = unit * (300_000 // len(unit.encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) > 6 * MAX_BYTES
    start = time.perf_counter()
    doc = build_document(Source("big.md", text + "\n", "markdown"))
    assert time.perf_counter() - start < 60
    (s,) = doc.sentences
    assert "".join(t.surface for t in s.tokens) == s.text == text
    assert all(a.end == b.begin for a, b in zip(s.tokens, s.tokens[1:]))


def test_many_sentences_are_batched_within_the_limit():
    text = "本文です。" * 40_000  # 600 KB in one paragraph
    toks = tokenize_text(text)
    assert "".join(t.surface for t in toks) == text


def test_input_without_any_safe_break_is_cut_at_a_code_point():
    text = "𠮷" * 30_000  # 120 KB of 4-byte characters, no separator at all
    toks = tokenize_text(text)
    assert "".join(t.surface for t in toks) == text


def test_mentions_are_recognised():
    t = "「寄付文化の情勢」という表記を修正する。"
    assert is_mention(t, t.index("情勢"), t.index("情勢") + 2)
    t = "「障がい」ではなく「障害」と表記します。"
    assert is_mention(t, 1, 4)
    t = "寄付文化の「情勢」を図る。"  # quoted for emphasis, still a use
    assert not is_mention(t, 6, 8)


def test_oov_word_id_decides_part_of_speech():
    """The tokenizer's lexicon is keyed by (word id, surface) without the part of
    speech: it relies on Sudachi giving out-of-vocabulary words an id made from
    their part of speech.  Fails if a SudachiPy upgrade changes that."""
    from linter.tokenizer import sudachi_tokenizer

    seen = {}
    for m in sudachi_tokenizer("C").tokenize("Xyzzyqwv💬１２３ ⚠️ｱｲｳｴｵｶｷｸｹｺ"):
        if m.is_oov():
            assert seen.setdefault(m.word_id(), m.part_of_speech_id()) == m.part_of_speech_id()
    assert len(set(seen.values())) > 1
