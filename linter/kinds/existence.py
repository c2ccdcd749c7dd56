"""Expressions to avoid (冗長表現, 弱い表現 …), with a message and an optional
replacement::

    kind: existence
    match: [することができる]    # or regex: / tokens:
    suggest: できる             # optional
"""
from __future__ import annotations

from ..document import Hit
from ..matching import compile_blocks, compile_cues, compile_matcher, cued_spans, render, string_list

KEYS = {"match", "regex", "tokens", "word", "suggest", "cues", "blocks"}


class Existence:
    def __init__(self, spec: dict):
        self.matcher = compile_matcher(spec, "suggest")
        self.cues = compile_cues(spec.get("cues"))
        self.blocks = compile_blocks(spec)

    def check(self, doc, rule):
        for s, span, matched in cued_spans(self.matcher, self.cues, doc, self.blocks):
            rep = span.replacement
            sugg = [rep] if rep is not None and rep != matched else []
            yield Hit(s, span.begin, span.end, render(rule.message, match=matched, suggestion=rep or ""), sugg)


def compile(spec: dict) -> Existence:
    string_list(spec, "suggest")
    return Existence(spec)
