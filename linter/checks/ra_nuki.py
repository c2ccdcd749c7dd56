"""ら抜き言葉: 見れる, 来れる, 食べれる.

Sudachi gives 見れる and the correct 帰れる the same shape (one 下一段-ラ行 verb token),
so the decision comes from the base verb: a potential form built on a 一段 verb or on
来る needs られる.  帰る is 五段, so 帰れる is right.
"""
from __future__ import annotations

import functools

from ..document import Hit
from ..matching import render
from ..tokenizer import tokenize_text

ICHIDAN = ("上一段", "下一段", "カ行変格")


@functools.lru_cache(maxsize=8192)
def _lemma(word: str) -> tuple[str, str] | None:
    """(reading, conjugation type) of a verb written in dictionary form."""
    toks = tokenize_text(word)
    if len(toks) != 1 or toks[0].pos[0] != "動詞":
        return None
    return toks[0].reading, toks[0].pos[4]


def _ichidan_stem(t) -> bool:
    """A 一段 (or 来る, or じる/ずる サ変) verb stem that takes られる, not れる."""
    if t.pos[0] != "動詞" or not t.pos[5].startswith(("未然形", "連用形")):
        return False
    conj = t.pos[4]
    if conj.startswith(ICHIDAN):
        return True
    return conj.startswith("サ行変格") and t.dictionary.endswith(("ずる", "じる")) and t.surface.endswith("じ")


class RaNuki:
    def check(self, doc, rule):
        for s in doc.sentences:
            if "れ" not in s.text:  # every ら抜き form has its れ
                continue
            toks = s.tokens
            for a, b in zip(toks, toks[1:]):
                # 講じ|れる: Sudachi splits some ら抜き forms into stem + れる
                if (b.dictionary == "れる" and b.pos[0] == "助動詞" and b.surface.startswith("れ")
                        and a.end == b.begin and _ichidan_stem(a)):
                    fixed = a.surface + "ら" + b.surface
                    yield Hit(s, a.begin, b.end, render(rule.message, match=a.surface + b.surface, suggestion=fixed), [fixed])
            for t in s.tokens:
                if t.pos[0] != "動詞" or not t.pos[4].startswith("下一段-ラ行"):
                    continue
                if t.dictionary == t.normalized or not t.dictionary.endswith("れる"):
                    continue
                base = _lemma(t.normalized)
                own = _lemma(t.dictionary)
                if base is None or own is None or not base[1].startswith(ICHIDAN):
                    continue
                if base[1].startswith("カ行変格"):
                    expected = base[0][:-2] + "コレル"  # 来る → 来れる (こ-れる)
                else:
                    expected = base[0][:-1] + "レル"
                if own[0] != expected:
                    continue
                stem = t.dictionary[:-2]
                if not t.surface.startswith(stem + "れ"):
                    continue
                fixed = stem + "られ" + t.surface[len(stem) + 1:]
                yield Hit(s, t.begin, t.end, render(rule.message, match=t.surface, suggestion=fixed), [fixed])
