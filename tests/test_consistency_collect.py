"""Collecting the uses of the consistency rules takes shortcuts: each distinct word is
judged once per process and its uses are grouped by entry number, is_mention is
asked only where a quote may make a mention (``_mention_free``), a katakana run
that is one token skips the list of its tokens, and the bundled words' regex is
skipped for a word without the first letter of any of them.  Here ``collect`` is
compared with the plain way of collecting (the one the shortcuts replaced, kept
below as the reference), on tricky documents and on the corpus, and the mention
bound with is_mention itself on every span of tricky texts.  Real tokenizer, real
rule and dictionary files."""
from __future__ import annotations

import random
from array import array
from itertools import accumulate, chain
from pathlib import Path

import pytest

from linter.engine import extract_document
from linter.kinds import consistency
from linter.kinds.consistency import AUTO_POS, KATA_RUN, Consistency, DocumentUses, kata_fold
from linter.mentions import QUOTES, is_mention
from linter.source import Source
from linter.tokenizer import tokenize_sentences

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


# -- the reference: every use judged and added one by one ------------------------------
def _covered(surface: str, lemma: str) -> bool:
    regex, _, lemmas = consistency._bundled_words()
    return lemma in lemmas or surface in lemmas or (regex is not None and regex.search(surface) is not None)


def _auto_pos(pos: tuple) -> bool:
    return any(pos[: len(p)] == p for p in AUTO_POS)


def reference_collect(rule: Consistency, doc) -> DocumentUses:
    index: dict[tuple, list[int]] = {}
    odd: dict = {}
    for s in doc.sentences:
        text = s.text
        quoted = any(q in text for q in QUOTES)

        def add(mode, name, variant, begin, end):
            start, stop = s.span(begin, end)
            index.setdefault((mode, name, variant), []).extend((start, stop))
            if doc.text[start:stop] != text[begin:end]:
                odd[(start, stop)] = text[begin:end]

        if rule.regex is not None:
            for m in rule.regex.finditer(text):
                b, e = m.span()
                if quoted and is_mention(text, b, e):
                    continue
                word = m.group(0)
                for gi in rule.member_of[word]:
                    g = rule.groups[gi]
                    if g.word:
                        begins, ends = s.token_bounds()
                        if b not in begins or e not in ends:
                            continue
                    exclude = rule.exclude_of[(gi, word)]
                    if exclude and rule._excluded(text, b, e, exclude):
                        continue
                    if g.pos is not None and not rule._pos_at(s, b, e, g.pos):
                        continue
                    add("group", gi, word, b, e)
        if rule.lemma_of:
            for t in s.tokens:
                if t.dictionary not in rule.lemma_of or (quoted and is_mention(text, t.begin, t.end)):
                    continue
                for gi in rule.lemma_of[t.dictionary]:
                    g = rule.groups[gi]
                    if g.pos is not None and not t.pos_str.startswith(g.pos):
                        continue
                    if g.exclude and rule._excluded(text, t.begin, t.end, g.exclude):
                        continue
                    add("group", gi, t.dictionary, t.begin, t.end)
        if rule.auto:
            for t in s.tokens:
                if not _auto_pos(t.pos) or (t.dictionary == t.normalized and len(t.surface) < 2):
                    continue
                if (quoted and is_mention(text, t.begin, t.end)) or _covered(t.surface, t.dictionary):
                    continue
                add("auto", t.normalized, t.dictionary, t.begin, t.end)
        if rule.katakana:
            for m in KATA_RUN.finditer(text):
                b, e = m.span()
                if quoted and is_mention(text, b, e):
                    continue
                spans = [(b, e)]
                inner = [t for t in s.tokens_in(b, e) if t.begin >= b and t.end <= e]
                if len(inner) > 1:
                    spans += [(t.begin, t.end) for t in inner
                              if t.end - t.begin >= 3 and KATA_RUN.fullmatch(t.surface)]
                for x, y in spans:
                    if not _covered(text[x:y], text[x:y]):
                        add("kata", kata_fold(text[x:y]), text[x:y], x, y)
    return DocumentUses(
        tuple((mode, name) for mode, name, _ in index),
        tuple(name if variant == name else variant for _, name, variant in index),
        array("i", accumulate(len(o) >> 1 for o in index.values())),
        array("i", chain.from_iterable(index.values())),
        odd,
    )


def _fields(uses: DocumentUses) -> tuple:
    return uses.keys, uses.variants, list(uses.ends), list(uses.spans), uses.odd


# -- documents ---------------------------------------------------------------------------
TRICKY = "\n\n".join([
    "# 障害者とサーバの話",
    # mentions: quoted words followed by という / ではなく, preceded by 表記; and quotes that are not
    "「障がい」ではなく「障害」と表記する。「サーバ」という表記もある。表記「子ども」を使う。",
    "「サーバーの設定を行なう手順」を読む。彼は「子供と一緒に行く」と言った。",
    "“サーバ”という語と\"サーバー\"という語、『障碍』ではなく『障害』。",
    "「閉じない引用で子ども、サーバー、行なう。まだ閉じない",
    "「" + "長い引用の中の子どもとサーバー" * 4 + "」という表記。",
    "「子供「入れ子」の中」という。『サーバ「と」サーバー』ではなく。「」という空の引用。",
    # soft line breaks, emphasis, inline code and links: the sentence differs from the file
    "サー\nバーを\n再起動し、子ど\nもと行\nなう。",
    "**障がい**のある方と*子ども*の`code`サーバー[リンクのサーバ](http://example.com)を使う。",
    "インター\nフェースとインタフェース、ウィルス*と*ウイルス。",
    # katakana runs of several tokens, and of one
    "サーバセキュリティとサーバーセキュリティ、データベースサーバとデータベースサーバー。",
    "ヴァイオリンとバイオリン、コンピュータとコンピューター、ユーザーインターフェース。",
    # normalized forms, lemma groups and their inflections
    "子どもと子供が取り組む。取組みと取り組み。出来ない、できない、出来ます。行う、行なう、おこなう。",
    "- 作る\n- つくる\n- 創る人はいない",
    "| サーバ | 子ども |\n|---|---|\n| サーバー | 子供 |",
])

CORPUS_FILES = sorted((CORPUS / "policy").glob("*.md"))[:12] if (CORPUS / "policy").is_dir() else []
DOCUMENTS = [
    ("tricky.md", TRICKY, "markdown"),
    ("tricky.txt", TRICKY, "text"),
    ("manifesto.md", (ROOT / "examples" / "manifesto.md").read_text(encoding="utf-8"), "markdown"),
    *[(p.name, p.read_text(encoding="utf-8"), "markdown") for p in CORPUS_FILES],
]


def _document(name: str, text: str, syntax: str):
    doc = extract_document(Source(name, text, syntax))
    tokenize_sentences(doc.sentences, "C")
    return doc


@pytest.fixture(scope="module")
def documents(tokenizer):
    return [_document(*d) for d in DOCUMENTS]


@pytest.fixture(scope="module")
def consistency_rules(rules):
    every_mode = Consistency({
        "dictionary": ["variants.yaml", "variants-sudachi.yaml"],
        "groups": [{"variants": ["引用", "引く用"]}, {"variants": ["、", "，"], "exclude": ["1，"]},
                   {"variants": ["する", "為る"], "lemma": True, "pos": "動詞"}],
        "auto": ["normalized", "katakana"],
    })
    return [r.checker for r in rules if r.kind == "consistency"] + [every_mode]


# -- collecting as the reference does ----------------------------------------------------
@pytest.mark.parametrize("index", range(len(DOCUMENTS)), ids=[d[0] for d in DOCUMENTS])
def test_collect_is_what_the_reference_collects(documents, consistency_rules, index):
    doc = documents[index]
    for rule in consistency_rules:
        assert _fields(rule.collect(doc)) == _fields(reference_collect(rule, doc))


def test_the_tricky_document_has_what_the_shortcuts_skip(documents, consistency_rules):
    """The comparison above means something only if the tricky document has uses in
    text that differs from the file, mentions, and katakana runs of several tokens."""
    doc = documents[0]
    collected = [reference_collect(rule, doc) for rule in consistency_rules]
    assert any(uses.odd for uses in collected)
    assert any(is_mention(s.text, t.begin, t.end) for s in doc.sentences for t in s.tokens)
    assert any(len([t for t in s.tokens_in(*m.span()) if t.begin >= m.start() and t.end <= m.end()]) > 1
               for s in doc.sentences for m in KATA_RUN.finditer(s.text))


def test_collect_after_the_entry_numbers_are_forgotten(documents, consistency_rules, monkeypatch):
    """Past its limit the table of entry numbers starts afresh between documents, and
    the words judged into numbers with it; collecting gives the same all along."""
    monkeypatch.setattr(consistency._ENTRIES, "limit", 5)
    forgotten = 0
    for doc in documents[:4]:
        for rule in consistency_rules:
            forgotten += len(consistency._ENTRIES.entries) > 5  # this collect starts afresh
            assert _fields(rule.collect(doc)) == _fields(reference_collect(rule, doc))
    assert forgotten > 3
    consistency._ENTRIES.forget_if_full()
    assert consistency._ENTRIES.entries == [None]
    assert not consistency._AUTO_ENTRY and not consistency._KATA_ENTRY


def test_word_tables_are_bounded_too(monkeypatch):
    """Words judged not to be grouped take no entry number, yet they fill the word
    tables: those are forgotten when full as well."""
    monkeypatch.setattr(consistency._ENTRIES, "limit", -1)
    consistency._ENTRIES.forget_if_full()  # start empty
    monkeypatch.setattr(consistency._ENTRIES, "limit", 3)
    for word in ("あ", "い", "う", "え"):  # one letter, its own normalized form: not grouped
        assert consistency._AUTO_ENTRY[(word, word, word)] == 0
    assert consistency._ENTRIES.entries == [None] and len(consistency._AUTO_ENTRY) == 4
    consistency._ENTRIES.forget_if_full()
    assert not consistency._AUTO_ENTRY


def test_covered_skips_the_regex_only_when_no_member_can_match(documents):
    """A word without the first letter of any bundled member is not covered by the
    regex: the shortcut gives what the regex gives, for every word of the documents."""
    words = {(t.surface, t.dictionary) for doc in documents for s in doc.sentences for t in s.tokens}
    words |= {(m.group(), m.group()) for doc in documents for s in doc.sentences for m in KATA_RUN.finditer(s.text)}
    assert any(consistency._covered(*w) for w in words)
    for surface, lemma in words:
        assert consistency._covered(surface, lemma) == _covered(surface, lemma), surface


# -- the mention bound ---------------------------------------------------------------------
MENTION_TEXTS = [
    "「障がい」ではなく「障害」と表記する。",
    "用語「サーバ」は誤り。「サーバー」という表記に統一する。",
    "「閉じない引用で子ども。「次」という",
    "“サーバ”という語と\"サーバー\"という語、『障碍』ではなく『障害』。",
    "「子供「入れ子」の中」という。『サーバ「と」サーバー』ではなく。「」という空の引用。",
    "「" + "長い引用の中の子ども" * 4 + "」という表記。「短い」という。",
    "表記は「行なう」。「行う」を使う→「行う」に統一。\"a\"\"b\"という。",
]


def _random_texts(n: int) -> list[str]:
    rng = random.Random(7)
    letters = list("".join(QUOTES) + "".join(QUOTES.values()) + "。、あ語表記という ではなくに統一") + ["という", "表記は"]
    return ["".join(rng.choice(letters) for _ in range(rng.randint(1, 60))) for _ in range(n)]


@pytest.mark.parametrize("text", MENTION_TEXTS + _random_texts(300))
def test_mention_free_never_hides_a_mention(text):
    """No span that is a mention ends within the bound for where it begins."""
    free = consistency._mention_free.__wrapped__(text)
    assert len(free) == len(text) + 1
    for b in range(len(text)):
        for e in range(b, len(text) + 1):
            if is_mention(text, b, e):
                assert e > free[b], (b, e)


def test_mention_free_spares_the_uses_inside_a_quote_that_is_no_mention():
    """The bound is of use: the words inside an ordinary quote are not asked about."""
    text = "彼は「子どもと一緒に行く」と言った。"
    free = consistency._mention_free.__wrapped__(text)
    inside = range(text.index("「") + 1, text.index("」"))
    assert all(free[b] == text.index("」") for b in inside)
    assert all(free[b] == len(text) for b in range(text.index("」") + 1, len(text) + 1))
    mention = "「子ども」という表記。"
    assert consistency._mention_free.__wrapped__(mention)[1] == -1  # inside a mention: always asked
