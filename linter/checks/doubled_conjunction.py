"""The same conjunction opening two consecutive sentences (しかし、… しかし、…)."""
from __future__ import annotations

from ..document import Hit
from ..matching import render

SKIP = ("補助記号", "空白")


def _opening_conjunction(s):
    for t in s.tokens:
        if t.pos[0] in SKIP:
            continue
        return t if t.pos[0] == "接続詞" else None
    return None


class DoubledConjunction:
    document_wide = True  # looks at the sentence before, which may lie in another window

    def check(self, doc, rule):
        prev = None
        for s in doc.sentences:
            conj = _opening_conjunction(s)
            if conj is not None and prev is not None and prev[0] is s.block and prev[1] == conj.surface:
                yield Hit(s, conj.begin, conj.end, render(rule.message, match=conj.surface))
            prev = (s.block, conj.surface) if conj is not None else (s.block, None)
