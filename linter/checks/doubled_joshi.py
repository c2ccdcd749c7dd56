"""The same particle twice in one sentence with nothing between them but words
(textlint's no-doubled-joshi, with its options).

Runs of particles are merged (には, では are particles of their own).  Between two
uses of one particle, a 読点, a bracket or another particle counts as distance; a pair
whose distance is at most ``min_interval`` is reported at the second.  Unless
``strict``, these are left alone, as in textlint: the possessive の, を, the
conjunctive て, two parallel particles (〜たり〜たり, 〜や〜や) and 〜かどうか; and
beyond textlint, the parallel AもBも and the quoting と of 〜という.
"""
from __future__ import annotations

from ..document import Hit
from ..matching import render

COMMAS = ("、", "，", ",")
BRACKETS = set("「」『』（）()【】［］[]〔〕")
MARKS = frozenset(COMMAS) | frozenset(BRACKETS)  # distance unless strict
PARTICLE = "助詞"
# a particle after the last token, so that _may_repeat completes the last run
_LAST = [("", (PARTICLE, ""), "", "", "", -2, -2, "")]


class DoubledJoshi:
    def __init__(self, min_interval: int = 1, strict: bool = False, allow: list | None = None):
        if not isinstance(min_interval, int) or min_interval < 1:
            raise TypeError("min_interval must be a positive integer")
        self.min_interval = min_interval
        self.strict = bool(strict)
        self.allow = set(allow or [])

    def _countable(self, s):
        """(key, surface, begin, end, kind) for particles and the tokens that count
        as distance.  The key tells particles apart: (surface, kind) for one
        particle, (surface, None) for a merged run."""
        out = []
        toks = s.tokens
        n = len(toks)
        marks = None if self.strict else MARKS
        i = 0
        while i < n:
            t = toks[i]
            pos = t.pos
            if pos[0] == "助詞":
                j, end = i + 1, t.end
                while j < n and toks[j].pos[0] == "助詞" and toks[j].begin == end:
                    end = toks[j].end
                    j += 1
                if j == i + 1:
                    out.append(((t.surface, pos[1]), t.surface, t.begin, end, pos[1], i))
                else:
                    surface = "".join([g.surface for g in toks[i:j]])
                    out.append(((surface, None), surface, t.begin, end, pos[1], i))
                i = j
                continue
            if marks is not None and t.surface in marks:
                out.append((None, t.surface, t.begin, t.end, "", i))
            i += 1
        return out

    def _exempt(self, surface: str, kind: str, uses, s) -> bool:
        if self.strict:
            return False
        if surface == "の" and kind == "格助詞":
            return True
        if surface == "を" or (surface == "て" and kind == "接続助詞"):
            return True
        if len(uses) == 2 and kind == "副助詞" and surface in ("たり", "だり"):
            return True
        if len(uses) == 2 and surface == "や" and kind == "副助詞":
            return True
        if surface == "も" and len(uses) == 2:
            return True  # AもBも: the parallel も
        if surface == "と" and all(self._quoting(s, u[5]) for u in uses[1:]):
            return True  # 〜という, 〜と言う: quotation, not a second と
        if surface == "か" and len(uses) == 2:
            prev_index = uses[1][5] - 1  # the token before the second か
            if prev_index >= 0 and s.tokens[prev_index].surface == "どう":
                return True
        return False

    @staticmethod
    def _quoting(s, token_index: int) -> bool:
        nxt = token_index + 1
        return nxt < len(s.tokens) and s.tokens[nxt].dictionary in ("いう", "言う", "云う")

    def _may_repeat(self, toks) -> bool:
        """Whether two uses of one particle may lie at most ``min_interval`` items
        apart, which every report needs: a quick first pass over the tokens, much
        cheaper than ``_countable``.  It looks at particles only (the marks between
        them would only part the uses further), builds no items, and stops at the
        first such pair.  Tokens are tuples: t[0] is the surface, t[1] the part of
        speech, t[5] and t[6] the begin and end."""
        keys: list = []  # the key of each run of particles so far, as _countable makes it
        recent = -self.min_interval
        first = None  # the first token of the current run
        merged = None  # the surfaces of the current run, when it has more than one token
        reach = -1  # where the current run ends, if the token before was a particle
        for t in toks + _LAST:
            if t[1][0] != PARTICLE:
                reach = -1
            elif t[5] == reach:
                if merged is None:
                    merged = [first[0]]
                merged.append(t[0])
                reach = t[6]
            else:  # a new run: the one before is complete
                if first is not None:
                    key = (first[0], first[1][1]) if merged is None else ("".join(merged), None)
                    if key in keys[recent:]:
                        return True
                    keys.append(key)
                first, merged, reach = t, None, t[6]
        return False

    def check(self, doc, rule):
        for s in doc.sentences:
            if not self._may_repeat(s.tokens):
                continue
            items = self._countable(s)
            groups: dict[tuple, list] = {}
            for pos, item in enumerate(items):
                if item[0] is not None:
                    groups.setdefault(item[0], []).append((pos, *item[1:]))
            for key, uses in groups.items():
                surface, kind = uses[0][1], uses[0][4]
                if len(uses) < 2 or surface in self.allow:
                    continue
                if self._exempt(surface, kind, uses, s):
                    continue
                for prev, cur in zip(uses, uses[1:]):
                    if cur[0] - prev[0] <= self.min_interval:
                        yield Hit(s, cur[2], cur[3], render(rule.message, match=cur[1]))
