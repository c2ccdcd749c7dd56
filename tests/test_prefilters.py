"""The shortcuts that let a rule pass over most sentences must never change what it
finds.  Each is compared with the plain way, sentence by sentence, on tricky inputs
and on the corpus:

* ``compile_finder`` / ``candidate_sentences``: a text pattern is searched for in the
  sentences a search of the whole document points at, from where it points;
* ``TokenPattern.matches_in``: a token pattern's anchor is found among all the
  document's tokens at once (``DocumentTokens``), and a repeated value must recur;
* ``DoubledJoshi._may_repeat``: a quick pass over a sentence's particles first;
* the kanji-run metric's finder.
"""
from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from linter import matching
from linter.checks.doubled_joshi import DoubledJoshi
from linter.engine import build_document
from linter.kinds import metric
from linter.matching import (TextPattern, candidate_sentences, compile_finder, compile_tokens,
                             document_tokens)
from linter.source import Source, expand_paths, read_file
from linter.tokenizer import tokenize_sentences

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

TRICKY = """\
# 見出しです。

「障害」と書く。これは、テストです，本当に。ＡＢＣ，ＤＥＦ．そうです.
（注） 例えば 「引用」 です。 漢字漢字漢字漢字漢字漢字漢字漢字が続く文章。
私は彼は正しいと思う。東京には大阪には行く。資料を確認をします。仕組みを導入を検討します。
が、しかし、彼が来たが、私が行ったが。その時、その時に。のの、をを、にに、とと。
1,000円と１，０００円。50%増。a b c。x-y;z。　全角　空白　です。
ー、ー。ぁぁぁ。。。！？

- 箇条書きには、には、がが。
- 第一項目 です

| 表 | 欄 |
|---|---|
| 値，値 | 値 |
"""

REGEXES = [
    r"(?<=[ぁ-んァ-ヶー一-龠々」）])[，,]|[，,](?=[ぁ-んァ-ヶ一-龠々「（])",
    r"[ 　]+(?=[（「『［【])|(?<=[）」』］】])[ 　]+(?!\uFFFC)|(?<=[（「『［【])[ 　]+|[ 　]+(?=[）」』］】])",
    r"(?<=[ぁ-んァ-ヶー一-龠々])[ ]+(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%])[ ]+(?=[ぁ-んァ-ヶ一-龠々])",
    r"(?<=[ぁ-んァ-ヶー一-龠々」）])[．.](?![.．0-9A-Za-z０-９])",
    r"(?<![Ａ-Ｚａ-ｚ０-９])[０-９]+(?:[，．][０-９]+)*",
    r"(?<=[ぁ-んァ-ヶ一-龠々])(-(?!\d)|;|[‒–—―]+)",
    r"。(?=[」）)』])", r"。$", r"^「", r"(?m)^[ー、]", r"\b[a-z]\b", r"(?i)ABC|x",
    r"(?i:a)b", r"(.)\1", r"x*", r"(?=「)", r"[^、]{2}、", r"(?=[ぁ-ん])の", r"字(?=字)字",
    r"の(?<=[ぁ-ん])", r"のの|の|のに|かな|か", r"(?:ab|a)c",
    r".[\u3099\u309a]", r"が(?=、)|が(?=。)", r"(?:(?<=a)b)+c", r"(?:|の)の", r"[0-9]+(?=%)",
    r"障害|障がい|しょうがい", r"漢字{2,}", r"(?:その)?時(?=に)", r"　(?=[ァ-ヶ])|(?<=[ァ-ヶー])　",
]
if sys.version_info >= (3, 11):  # atomic groups and possessive repeats
    REGEXES += [r"(?>には|に)は", r"(?:に)++は", r"(?>[ 　]+)(?=「)"]

ALPHABET = "ab xz 、，,。.．「」（）ぁかアー一字0０%-;　!\n"


def _doc(text: str):
    return build_document(Source("t.md", text, "markdown"))


def _random_docs(n: int, seed: int = 7) -> list:
    rng = random.Random(seed)
    paragraphs = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40))) for _ in range(n)]
    return [_doc("\n\n".join(paragraphs[i:i + 8])) for i in range(0, n, 8)]


@pytest.fixture(scope="module")
def docs():
    out = [_doc(TRICKY), _doc(""), _doc("。"), *_random_docs(120)]
    if (CORPUS / "policy").is_dir():
        files = expand_paths([str(CORPUS / "policy"), str(CORPUS / "manifesto-2026")])
        out += [build_document(read_file(f)) for f in files]
    return out


def _all_matches(pattern: TextPattern, doc) -> list:
    return [(s.index, m.span()) for s in doc.sentences for m in pattern.finditer(s)]


def _found_matches(pattern: TextPattern, doc) -> list:
    return [(s.index, m.span()) for s, start in candidate_sentences(doc, pattern.finder)
            for m in pattern.finditer(s, start)]


@pytest.mark.parametrize("rx", REGEXES)
def test_finder_leads_to_every_match_of_a_regex(rx, docs):
    for word in (False, True):
        pattern = TextPattern(re.compile(rx), word)
        for doc in docs:
            assert _found_matches(pattern, doc) == _all_matches(pattern, doc), (rx, word, doc.path)


def test_finder_leads_to_every_match_of_every_text_rule(rules, docs):
    for rule in rules:
        text = getattr(getattr(rule.checker, "matcher", None), "text", None)
        if text is None:
            continue
        for doc in docs:
            assert _found_matches(text, doc) == _all_matches(text, doc), (rule.id, doc.path)


def test_finder_shapes():
    # a closing lookahead is consumed, so fewer places are found
    finder = compile_finder(re.compile("。(?=」)"))
    assert finder.search("です。ね") is None and finder.search("「です。」") is not None
    # a pattern the engine would try at every position becomes the set of its first characters
    finder = compile_finder(re.compile(r"[ 　]+(?=「)|(?<=」)[ 　]+"))
    assert finder.match(" ") and finder.match("　") and not finder.search("「」")
    # a choice of literals becomes a tree of them, cut where a literal ends
    assert compile_finder(re.compile("のの|の|のに|かな|か")).pattern == "(?:か|の)"
    assert compile_finder(re.compile("インストラクタ|インジケータ|エディタ")).pattern == "(?:イン(?:ジケータ|ストラクタ)|エディタ)"
    # what cannot be relaxed: every sentence is a candidate
    assert compile_finder(re.compile(r"(a)\1")) is None
    assert compile_finder(re.compile(r"(?i)abc")).search("ABC")


def test_sentences_are_candidates_once_in_order(docs):
    finder = re.compile("[、。]")
    for doc in docs:
        found = [s.index for s, _ in candidate_sentences(doc, finder)]
        assert found == sorted(set(found))
        assert found == [s.index for s in doc.sentences if finder.search(s.text)]


TOKEN_PATTERNS = [
    [{"pos": "助詞", "as": "p"}, {"same": "p"}],
    [{"surface": "が", "as": "g"}, {"skip": 8, "except": {"pos": "補助記号,句点"}}, {"same": "g"}],
    [{"surface": "を", "as": "p"}, {"skip": 1}, {"pos": "名詞"}, {"same": "p"}],
    [{"pos": "名詞", "as": "n"}, {"surface": "を"}, {"dictionary": "する"}],
    [{"pos": "名詞"}, {"surface": ["は", "が"]}, {"pos": "名詞", "as": "x"}, {"same": "x", "by": "normalized"}],
    [{"surface": "の", "as": "a"}, {"skip": 2}, {"same": "a", "by": "surface"}],
    [{"surface": "時", "as": "t"}, {"same": "t", "by": "reading"}],
    [{"reading": "/^ジ/"}],
    [{"surface": "、"}, {"skip": 3, "except": {"surface": "。"}}, {"surface": "、"}],
]


def _plain_token_matches(pattern, doc) -> list:
    return [(s.index, a, b, sorted((k, t) for k, t in caps.items()))
            for s in doc.sentences if pattern.may_occur_in(s.text) for a, b, caps in pattern.matches(s.tokens)]


def _document_token_matches(pattern, doc) -> list:
    return [(s.index, a, b, sorted((k, t) for k, t in caps.items())) for s, a, b, caps in pattern.matches_in(doc)]


@pytest.mark.parametrize("specs", TOKEN_PATTERNS)
def test_document_wide_anchor_finds_what_each_sentence_gives(specs, docs):
    pattern = compile_tokens(specs)
    for doc in docs:
        assert _document_token_matches(pattern, doc) == _plain_token_matches(pattern, doc), (specs, doc.path)


def test_document_wide_anchor_for_every_token_rule(rules, docs):
    for rule in rules:
        matcher = getattr(rule.checker, "matcher", None)
        pattern = getattr(rule.checker, "pattern", None) or getattr(matcher, "tokens", None)
        if pattern is None:
            continue
        for doc in docs:
            assert _document_token_matches(pattern, doc) == _plain_token_matches(pattern, doc), (rule.id, doc.path)


def test_recurrence_is_found_from_the_steps():
    pattern = compile_tokens(TOKEN_PATTERNS[2])
    assert pattern.anchor.equal == "を" and pattern.anchor.recurs == (2, 3)
    pattern = compile_tokens(TOKEN_PATTERNS[1])
    assert pattern.anchor.recurs == (1, 9)
    assert compile_tokens(TOKEN_PATTERNS[3]).anchor.recurs is None
    assert list(matching._recurring([1, 2, 5, 9, 10], 2, 3)) == [2]
    assert list(matching._recurring([4, 4, 6], 0, 0)) == [4]


def test_document_tokens_follow_a_new_tokenization():
    doc = _doc("彼が来たが、私が行ったが。\n\n東京には大阪には行く。")
    pattern = compile_tokens(TOKEN_PATTERNS[1])
    before = _document_token_matches(pattern, doc)
    assert before and before == _plain_token_matches(pattern, doc)
    tokens = document_tokens(doc.sentences)
    assert document_tokens(doc.sentences) is tokens  # kept while the tokens are the same
    tokenize_sentences(doc.sentences, "A")  # new token lists in the same sentences
    assert document_tokens(doc.sentences) is not tokens
    assert _document_token_matches(pattern, doc) == _plain_token_matches(pattern, doc)
    for s in doc.sentences:
        s.drop_tokens()
    assert _document_token_matches(pattern, doc) == []


class _EverySentence(DoubledJoshi):
    """DoubledJoshi without its quick first pass."""

    def _may_repeat(self, toks) -> bool:
        return True


@pytest.mark.parametrize("options", [{}, {"strict": True}, {"min_interval": 2}, {"min_interval": 3, "strict": True}])
def test_doubled_joshi_first_pass_keeps_every_report(options, rules, docs):
    rule = next(r for r in rules if r.id == "grammar/doubled-joshi")
    quick, full = DoubledJoshi(**options), _EverySentence(**options)
    reported = 0
    for doc in docs:
        got = [(h.sentence.index, h.begin, h.end, h.message) for h in quick.check(doc, rule)]
        assert got == [(h.sentence.index, h.begin, h.end, h.message) for h in full.check(doc, rule)], doc.path
        reported += len(got)
    assert reported  # the inputs do hold doubled particles


@pytest.mark.parametrize("limit", [0, 1, 3, 6, 10])
def test_kanji_run_finder_keeps_every_run(limit, rules, docs):
    rule = next(r for r in rules if r.id == "style/kanji-run")
    checker = metric.compile({"measure": "kanji_run", "max": limit})
    for doc in docs:
        got = [(h.sentence.index, h.begin, h.end) for h in checker.check(doc, rule)]
        assert got == [(s.index, b, e) for s in doc.sentences for b, e, _ in metric._kanji_run(s, limit)]
