"""Patterns over token attributes for grammar-like rules: a list of token constraints
with captures (``as``/``same``) and gaps (``skip``)::

    kind: sequence
    tokens:
      - {pos: 助詞,格助詞, surface: [を, が], as: p}
      - {same: p}
    mark: last            # all (default) | first | last: which tokens to underline
"""
from __future__ import annotations

from ..document import Hit
from ..matching import PatternError, compile_cues, compile_tokens, render

KEYS = {"tokens", "mark", "cues", "suggest"}


class Sequence:
    def __init__(self, spec: dict):
        self.pattern = compile_tokens(spec.get("tokens"))
        self.cues = compile_cues(spec.get("cues"))
        self.mark = spec.get("mark", "all")
        if self.mark not in ("all", "first", "last"):
            raise PatternError("mark", "'mark' must be all, first or last")
        self.suggest = spec.get("suggest")
        if self.suggest is not None and not isinstance(self.suggest, str):
            raise PatternError("suggest", "'suggest' must be a string")

    def check(self, doc, rule):
        pattern = self.pattern
        for s, a, b, caps in pattern.matches_in(doc):
            toks = s.tokens
            begin, end = toks[a].begin, toks[b - 1].end
            if not self.cues.accept(s.text, begin, end):
                continue
            matched = s.text[begin:end]
            if self.mark == "first":
                begin, end = toks[a].begin, toks[a].end
            elif self.mark == "last":
                begin, end = toks[b - 1].begin, toks[b - 1].end
            values = {k: t.surface for k, t in caps.items()}
            sugg = []
            if self.suggest is not None:
                sugg = [render(self.suggest, match=matched, **values)]
            yield Hit(s, begin, end, render(rule.message, match=matched, **values), sugg)


def compile(spec: dict) -> Sequence:
    return Sequence(spec)
