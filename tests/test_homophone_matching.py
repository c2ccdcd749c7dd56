"""The homophone rule's shortcuts give what the plain ways give: the gated word
pattern finds the matches of a plain alternation, the one-group expansion of a cue
equals the general one, the cue filter never turns away a word that has a cue
around it, and the occurrences are the token-aligned matches."""
from __future__ import annotations

import pickle

import random
import re
from pathlib import Path

import pytest

from linter.engine import build_document
from linter.evaluation import load_cases
from linter.kinds import homophone
from linter.kinds.homophone import CueFilter, Cue, Member, _expanded, literal_strings, load_dictionaries, words_pattern
from linter.source import Source

EVAL = Path(__file__).resolve().parent / "eval"


@pytest.fixture(scope="module")
def bundled(tokenizer):
    return load_dictionaries(("homophones",))


@pytest.fixture(scope="module")
def eval_texts():
    return [c.text for c in load_cases(EVAL)]


def plain_alternation(words) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def spans(pattern: re.Pattern, text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


# -- the gated word pattern ------------------------------------------------------------

def _alphabets(rng: random.Random):
    # enough first characters for two levels of gates
    kanji = [chr(0x4E00 + k) for k in range(0, 900, 3)] + list("-]^\\[.()|*?a\n〜ー")
    assert len(kanji) > homophone._GATE_LEAF * homophone._GATE_FANOUT
    ascii_ = [chr(c) for c in range(0x20, 0x7F)]
    for trial in range(40):
        # regex syntax at the edges of the gates' ranges
        yield kanji if trial % 2 else rng.sample(ascii_, rng.randint(homophone._GATE_LEAF + 1, len(ascii_)))


def test_gated_pattern_matches_as_the_plain_alternation_on_random_words():
    rng = random.Random(7)
    for alphabet in _alphabets(rng):
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))) for _ in range(600)}
        words |= {w[:1] for w in list(words)[:50]} | {w + w[-1] for w in list(words)[:50]}  # prefixes of each other
        gated, plain = re.compile(words_pattern(words)), plain_alternation(words)
        pieces = sorted(words) + alphabet
        for _ in range(20):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
            assert spans(gated, text) == spans(plain, text), (text, sorted(words)[:20])


@pytest.mark.parametrize("special", list("-]^\\["))
@pytest.mark.parametrize("edge", ["high", "low"])
def test_gated_pattern_escapes_the_characters_at_the_edges_of_its_ranges(special, edge):
    count = homophone._GATE_LEAF + 1  # one level of gates
    size = -(-count // homophone._GATE_FANOUT)
    below = size - 1 if edge == "high" else size  # the last of the first group, or the first of the second
    firsts = [chr(ord(special) - below + k) for k in range(count)]
    assert firsts[below] == special
    words = firsts + [c + c for c in firsts]
    gated, plain = re.compile(words_pattern(words)), plain_alternation(words)
    assert "(?=[" in gated.pattern.split("(?:", 1)[1]
    text = "".join(random.Random(1).sample(words, len(words))) + special * 3
    assert spans(gated, text) == spans(plain, text)


def test_gated_pattern_with_few_words_is_one_alternation():
    pattern = words_pattern(["情勢", "醸成", "情"])
    assert pattern.count("(?=[") == 1  # the one gate that skips characters no word begins with
    assert spans(re.compile(pattern), "国際情勢の醸成と情") == [(2, 4, "情勢"), (5, 7, "醸成"), (8, 9, "情")]


def test_gated_pattern_matches_as_the_plain_alternation_on_the_bundled_words(bundled, eval_texts):
    words = list(bundled.by_surface)
    gated, plain = bundled.regex, plain_alternation(words)
    for text in eval_texts:
        assert spans(gated, text) == spans(plain, text), text


# -- cue expansion ----------------------------------------------------------------------

TRICKY_CUES = [
    "(a|b)", "x(a|b)y", "()", "(|a)", "(a|)b", "a(b|c)?", "(a|b)?", "a\n(b|c)", "(a|(b|c))",
    "a(b)(c|d)", "(a|b)*", "(a|b){2}", "[ab](c|d)", "a.(b|c)", "(?:a|b)", "(?!a)b", "a|b",
    "a(b|c", "a)b(c|d)", "\\(a|b)", "(a|a|b)", "(" + "|".join(map(str, range(2001))) + ")",
    "(" + "|".join(map(str, range(2000))) + ")", "(" + "|".join(["x"] * 2001 + ["y"]) + ")",
]


def test_one_group_cues_expand_as_the_general_way(bundled):
    sides = [x for s in bundled.sets for m in s.members for c in m.cues for x in (c.left_src, c.right_src) if x]
    for pattern in sides + TRICKY_CUES:
        assert literal_strings(pattern) == _expanded(pattern), pattern


# -- the cue filter ---------------------------------------------------------------------

def _contexts(rng: random.Random, members: list[Member], window: int = 12):
    """Text before and after a word, often made of the cues' own strings."""
    filler = "のをにがはと、。国際社会的な\n"
    cues = [c for m in members for c in m.cues]
    for _ in range(40):
        cue = rng.choice(cues)
        left = sorted(cue.literals(True) or {""})
        right = sorted(cue.literals(False) or {""})
        before = "".join(rng.choice(filler) for _ in range(rng.randint(0, 3))) + rng.choice(left)
        after = rng.choice(right) + "".join(rng.choice(filler) for _ in range(rng.randint(0, 3)))
        if rng.random() < 0.3:
            before = before[: rng.randint(0, len(before))]
        if rng.random() < 0.3:
            after = after[rng.randint(0, len(after)):]
        if rng.random() < 0.1:
            before += "\n"
        yield before[-window:], after[:window]


def test_cue_filter_lets_through_every_word_with_a_cue(bundled):
    rng = random.Random(3)
    said_no = 0
    for s in bundled.sets:
        for before, after in _contexts(rng, s.members):
            if not s.cue_filter.may_hold(before, after):
                said_no += 1
                assert all(m.best_cue(before, after) is None for m in s.members if m.cues), (s.source, before, after)
    assert said_no > 1000  # and it does turn words away


def _member(word: str, *cues: str) -> Member:
    return Member(word, [homophone._compile_cue(c, "test", 1, strong=True) for c in cues], 1)


def test_cue_filter_answers_yes_for_patterns_and_newlines():
    plain = CueFilter([_member("情勢", "国際〜", "〜が緊迫"), _member("醸成", "(機運|文化)を〜")])
    assert not plain.always
    assert plain.may_hold("国際", "") and plain.may_hold("", "が緊迫する") and plain.may_hold("文化を", "")
    assert not plain.may_hold("国内", "を見る") and not plain.may_hold("", "")
    assert plain.may_hold("国内\n", "")  # $ also matches before a final newline: let the cues decide
    patterned = CueFilter([_member("情勢", "[0-9]+年の〜"), _member("醸成", "機運を〜")])
    optional = CueFilter([_member("情勢", "(国際)?〜"), _member("醸成", "機運を〜")])
    assert patterned.always and optional.always
    assert patterned.may_hold("", "") and optional.may_hold("", "")


def test_cue_literals_are_expanded_once():
    cue = Cue("(a|b)〜c", "(a|b)", "c", True, 1)
    assert cue.literals(True) == {"a", "b"} and cue.literals(False) == {"c"}
    assert cue.literals(True) is cue.literals(True)


# -- occurrences ------------------------------------------------------------------------

def _reference_occurrences(s, d):
    """Members in sentence ``s`` as the rule defines them: matches of the plain
    alternation (longest first, not overlapping) that begin where a token begins and
    end where one ends, read as the member is when one token lies under them; then
    tokens whose dictionary form is a member."""
    plain = plain_alternation(d.by_surface)
    begins, ends = {t.begin for t in s.tokens}, {t.end for t in s.tokens}
    for m in plain.finditer(s.text):
        b, e = m.span()
        if b not in begins or e not in ends:
            continue
        inside = [t for t in s.tokens_in(b, e) if t.begin >= b and t.end <= e]
        for cs, member in d.by_surface[m.group()]:
            if member.reading is None or len(inside) != 1 or inside[0].reading == member.reading:
                yield cs.index, member.word, b, e
    for t in s.tokens:
        for cs, member in d.by_lemma.get(t.dictionary, ()):
            yield cs.index, member.word, t.begin, t.end


def test_occurrences_are_the_token_aligned_matches(bundled, eval_texts):
    checker = homophone.Homophone({"dictionaries": ["homophones"]})
    crafted = ["意見書を出し、意見を聞く。", "生ビールと生産。", "政策政策、政策的な施策を図った。", "現状", "機会を図る\n計る"]
    doc = build_document(Source("t.md", "\n\n".join(eval_texts + crafted), "markdown"))
    found = 0
    for s in doc.sentences:
        got = [(cs.index, m.word, b, e) for cs, m, b, e in checker._occurrences(s, bundled)]
        assert got == list(_reference_occurrences(s, bundled)), s.text
        found += len(got)
    assert found > 500


# -- the prepared dictionary, kept between runs ------------------------------------------
def _shape(d) -> tuple:
    """Everything of a loaded dictionary that matching reads."""
    return (
        [(cs.reading, cs.source, cs.index,
          [(m.word, m.line, m.lemma, m.reading, m.stem,
            [(c.text, c.left_src, c.right_src, c.strong, c.line, c.label) for c in m.cues]) for m in cs.members])
         for cs in d.sets],
        {w: [(cs.index, m.word) for cs, m in entries] for w, entries in d.by_surface.items()},
        {w: [(cs.index, m.word) for cs, m in entries] for w, entries in d.by_lemma.items()},
        d.lemma_forms,
        d.regex.pattern if d.regex is not None else None,
    )


OWN = """\
sets:
  - reading: じょうせい
    members:
      情勢:
        strong: ['(国際|政治)〜']
      醸成:
        strong: ['(機運|文化)の〜を']
"""


def test_a_kept_dictionary_is_the_dictionary_built_from_the_files(tmp_path, monkeypatch, bundled, eval_texts,
                                                                   rules_by_id):
    monkeypatch.setenv("JALINT_CACHE_DIR", str(tmp_path))
    homophone.prepared_dictionaries.cache_clear()
    built = homophone.prepared_dictionaries(("homophones",))  # builds and keeps it
    assert list((tmp_path / "built").iterdir())
    homophone.prepared_dictionaries.cache_clear()
    kept = homophone.prepared_dictionaries(("homophones",))  # read back
    homophone.prepared_dictionaries.cache_clear()
    assert kept is not built and _shape(kept) == _shape(built) == _shape(bundled)
    rule = rules_by_id["misconversion/homophone"]
    docs = [build_document(Source("t.txt", text, "text")) for text in eval_texts]
    found = {}
    for name, d in (("built", built), ("kept", kept)):
        checker = homophone.Homophone({"dictionaries": ["homophones"]})
        checker._dictionary = d
        found[name] = [(h.begin, h.end, h.message, h.severity, h.source) for doc in docs for h in checker.check(doc, rule)]
    assert found["kept"] == found["built"] and len(found["built"]) > 300
    # what the check built as sets were met is not kept with the dictionary
    assert any(cs._filter is not None for cs in built.sets)
    again = pickle.loads(pickle.dumps(built.sets))
    assert all(cs._filter is None and all(m._matchers is None for m in cs.members) for cs in again)
    assert [(cs.reading, [(m.word, [c.text for c in m.cues], m.stem) for m in cs.members]) for cs in again] == \
        [(cs.reading, [(m.word, [c.text for c in m.cues], m.stem) for m in cs.members]) for cs in built.sets]


def test_a_changed_dictionary_file_is_read_again(tmp_path, monkeypatch, tokenizer):
    monkeypatch.setenv("JALINT_CACHE_DIR", str(tmp_path / "cache"))
    own = tmp_path / "own.yaml"
    own.write_text(OWN, encoding="utf-8")
    names = (str(own),)
    for fn in (homophone.prepared_dictionaries, homophone.load_dictionaries):
        fn.cache_clear()
    first = homophone.prepared_dictionaries(names)
    assert [m.word for m in first.sets[0].members] == ["情勢", "醸成"]
    own.write_text(OWN.replace("醸成", "上製"), encoding="utf-8")
    for fn in (homophone.prepared_dictionaries, homophone.load_dictionaries):
        fn.cache_clear()
    again = homophone.prepared_dictionaries(names)
    for fn in (homophone.prepared_dictionaries, homophone.load_dictionaries):
        fn.cache_clear()
    assert [m.word for m in again.sets[0].members] == ["情勢", "上製"]
