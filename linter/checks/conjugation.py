"""Colloquial and wrong verb forms decided by conjugation class (Sudachi's part of
speech field 5 and the verb's base form):

* さ入れ言葉: 読まさせる → 読ませる (a 五段 verb takes せる, not させる);
* れ足す言葉: 書けれる → 書ける, 行けれない → 行けない (a potential verb needs no れ);
* い抜き言葉: やってる → やっている, 見てた → 見ていた.
"""
from __future__ import annotations

from ..document import Hit
from ..matching import render


def _is_godan_mizen(t) -> bool:
    return t.pos[0] == "動詞" and t.pos[4].startswith("五段") and t.pos[5].startswith("未然形")


class SaIre:
    """A 五段 verb's 未然形 followed by the auxiliary させる."""

    def check(self, doc, rule):
        for s in doc.sentences:
            if "さ" not in s.text:  # the させる of every hit
                continue
            toks = s.tokens
            for a, b in zip(toks, toks[1:]):
                # the rare させる first: most pairs are passed over by one comparison
                if b.dictionary != "させる" or b.pos[0] != "助動詞" or not _is_godan_mizen(a):
                    continue
                if not b.surface.startswith("さ") or a.end != b.begin:
                    continue
                fixed = a.surface + b.surface[1:]
                wrong = a.surface + b.surface
                yield Hit(s, a.begin, b.end, render(rule.message, match=wrong, suggestion=fixed), [fixed])


AFTER_POTENTIAL = frozenset({"れる", "ない", "ます"})  # what ReTasu reports a potential verb before


class ReTasu:
    """A potential verb (書ける from 書く) followed by れる, or in 仮定形 before ない
    or ます (Sudachi reads 行けれない as 行けれ|ない)."""

    @staticmethod
    def _potential(t) -> bool:
        return (
            t.pos[0] == "動詞"
            and t.pos[4].startswith("下一段")
            and t.dictionary != t.normalized
            and t.normalized.endswith(("う", "く", "ぐ", "す", "つ", "ぬ", "ぶ", "む", "る"))
            and t.dictionary.endswith("る")
            and len(t.dictionary) == len(t.normalized) + 1
        )

    def check(self, doc, rule):
        for s in doc.sentences:
            if "れ" not in s.text:  # every hit has the れ to drop
                continue
            toks = s.tokens
            for t, nxt in zip(toks, toks[1:]):
                # the auxiliary after first: most pairs are passed over by one test
                if nxt.dictionary not in AFTER_POTENTIAL or nxt.begin != t.end or not self._potential(t):
                    continue
                if nxt.pos[0] == "助動詞" and nxt.dictionary == "れる" and nxt.surface.startswith("れ"):
                    wrong = t.surface + nxt.surface
                    # 書け|れる → 書ける, 書け|れ|ます → 書けます: the れ goes
                    fixed = t.surface + nxt.surface[1:]
                    yield Hit(s, t.begin, nxt.end, render(rule.message, match=wrong, suggestion=fixed), [fixed])
                elif t.pos[5].startswith("仮定形") and t.surface.endswith("れ") and nxt.pos[0] == "助動詞" and nxt.dictionary in ("ない", "ます"):
                    wrong = t.surface + nxt.surface
                    fixed = t.surface[:-1] + nxt.surface
                    yield Hit(s, t.begin, nxt.end, render(rule.message, match=wrong, suggestion=fixed), [fixed])


class INuki:
    """The auxiliary てる / でる (やってる, 読んでた) for ている / でいる."""

    def check(self, doc, rule):
        for s in doc.sentences:
            for t in s.tokens:
                if t.pos[0] != "助動詞" or t.dictionary not in ("てる", "でる") or not t.surface:
                    continue
                fixed = t.surface[0] + "い" + t.surface[1:]
                yield Hit(s, t.begin, t.end, render(rule.message, match=t.surface, suggestion=fixed), [fixed])
