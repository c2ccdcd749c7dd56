"""tokenize_sentences' batched fast path against plain readings of Sudachi's output.

``_tokenize_batch`` takes shortcuts (a morpheme begins where the one before it ends,
word fields come from the shared lexicon, only the end of a morpheme is checked on
the fast path); these tests compare its tokens with tokens built the slow, obvious
way from the same Sudachi calls, on inputs that take every path."""
from __future__ import annotations

import pytest

from linter import tokenizer
from linter.document import ProseBlock, Sentence, Token
from linter.tokenizer import (CHUNK_BYTES, SEPARATOR, _pieces, batches, sudachi_tokenizer, tokenize_sentences,
                              tokenize_text)


def _sentence(text: str) -> Sentence:
    return Sentence(text, ProseBlock("paragraph", text, range(len(text)), range(1, len(text) + 1)), 0, 0)


def _plain_token(m, surface: str, begin: int, end: int) -> Token:
    return Token(surface, tuple(m.part_of_speech()), m.normalized_form(), m.dictionary_form(),
                 m.reading_form(), begin, end)


def _plain_text_tokens(text: str) -> list[Token]:
    """tokenize_text the obvious way: every field asked of Sudachi."""
    tok = sudachi_tokenizer("C")
    tokens = []
    for a, b in _pieces(text):
        for m in tok.tokenize(text[a:b]):
            tokens.append(_plain_token(m, m.surface(), m.begin() + a, m.end() + a))
    return tokens


def _plain_batch_tokens(batch: list[Sentence]) -> list[list[Token]]:
    """One batch the obvious way: each morpheme of the joined text goes to the
    sentence it begins in, cut at that sentence's end; a morpheme beginning at a
    separator is dropped."""
    joined = SEPARATOR.join(s.text for s in batch)
    bounds = []
    at = 0
    for s in batch:
        bounds.append((at, at + len(s.text)))
        at += len(s.text) + len(SEPARATOR)
    tokens: list[list[Token]] = [[] for _ in batch]
    for m in sudachi_tokenizer("C").tokenize(joined):
        b, e = m.begin(), m.end()
        assert b < e
        for i, (start, end) in enumerate(bounds):
            if start <= b < end:
                cut = min(e, end)
                tokens[i].append(_plain_token(m, joined[b:cut], b - start, cut - start))
    return tokens


def _plain_tokens(sentences: list[Sentence]) -> list[list[Token]]:
    out: list[list[Token]] = []
    for batch in batches(sentences):
        if len(batch) == 1 and len(batch[0].text.encode("utf-8")) > CHUNK_BYTES:
            out.append(_plain_text_tokens(batch[0].text))
        else:
            out.extend(_plain_batch_tokens(batch))
    return out


LONG = "寄付文化の醸成を図り、𠮷野家😀の負担を軽減し" * (CHUNK_BYTES // 40)

TRICKY = [
    "",  # an empty sentence opening the batch
    "寄付文化の情勢を図る。",
    "ある日、本がある。",  # one spelling, two words (連体詞 and 動詞)
    "",
    "",  # empty sentences in a row
    "行の途中に\n改行がある文。",  # the separator character inside a sentence
    "𠮷野家で😀を食べた👨\u200d👩\u200d👧。",  # astral characters and a ZWJ sequence
    "末尾に改行\n",  # whitespace at the end: Sudachi joins it with the separator
    "全角空白で終わる\u3000",
    "末尾に空白が二つ  ",
    "１２３ＡＢＣabc",
    "\u3000先頭に全角空白",  # whitespace at the start: joined with the separator before it
    "ｶﾀｶﾅ、カタカナ、かたかな",
    LONG,  # over CHUNK_BYTES: tokenized alone, in pieces
    "長い文の後の文。",
    "",  # an empty sentence closing the list
]


@pytest.fixture(params=["cold", "warm"])
def lexicon(request):
    """Run with the lexicon emptied first, and with it already holding every word."""
    tokenizer._lexicon(tokenizer._user_dictionary).clear()
    if request.param == "warm":
        tokenize_sentences([_sentence(t) for t in TRICKY])
    return request.param


@pytest.mark.parametrize("batch_bytes", [tokenizer.BATCH_BYTES, 40, 1])
def test_batched_tokens_match_a_plain_reading_of_sudachi(monkeypatch, lexicon, batch_bytes):
    monkeypatch.setattr(tokenizer, "BATCH_BYTES", batch_bytes)
    sentences = [_sentence(t) for t in TRICKY * 3]
    tokenize_sentences(sentences)
    assert [s.tokens for s in sentences] == _plain_tokens(sentences)
    assert max(len(b) for b in batches(sentences)) > 1 or batch_bytes == 1


def test_tokenize_text_matches_a_plain_reading_of_sudachi(lexicon):
    for text in TRICKY + ["\n".join(TRICKY)]:
        assert tokenize_text(text) == _plain_text_tokens(text)


def test_a_sentence_alone_in_a_batch_matches_its_own_tokenization(lexicon):
    for text in TRICKY:
        s = _sentence(text)
        tokenize_sentences([s])
        assert s.tokens == tokenize_text(text) == _plain_text_tokens(text)


def test_batched_tokens_match_per_sentence_tokens_on_simple_sentences():
    """Sentences as the splitter makes them (no whitespace at either end) come out
    of a batch as they would alone, for these inputs.  Not in general: Sudachi
    weighs a word at a sentence end against what follows (the separator or the end
    of the text), so a few sentences of a real corpus get another conjugation form
    or split (here ｶﾀｶﾅ、カタカナ、かたかな ends in かたかな before a separator, in
    かた|か|な alone); the comparison above with the batch read plainly is the exact one."""
    texts = [t for t in TRICKY if t == t.strip() and t != LONG and not t.startswith("ｶﾀｶﾅ")]
    sentences = [_sentence(t) for t in texts]
    tokenize_sentences(sentences)
    for s in sentences:
        assert s.tokens == tokenize_text(s.text), s.text


def test_morphemes_running_over_a_separator_are_clipped_to_the_sentence():
    sentences = [_sentence("末尾に改行\n"), _sentence("次の文。")]
    tokenize_sentences(sentences)
    first, second = sentences
    assert "".join(t.surface for t in first.tokens) == first.text
    last = first.tokens[-1]
    assert (last.surface, last.begin, last.end) == ("\n", 5, 6)
    assert "".join(t.surface for t in second.tokens) == second.text
    assert second.tokens[0].begin == 0
