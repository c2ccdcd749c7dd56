"""wrong → right: a literal, a regular expression or a token sequence, optionally only
where context cues are present.  The misconversion workhorse::

    kind: substitution
    match: 情勢                 # or regex: / tokens:, or match: {wrong: right, …}
    replace: 醸成               # or transform: nfkc | nfc (the suggestion is the
    cues: {before: '(文化|機運)の$'}   # normalized match: ＡＩ → AI, ｶﾅ → カナ)
"""
from __future__ import annotations

import unicodedata

from ..document import Hit
from ..matching import compile_blocks, PatternError, compile_cues, compile_matcher, cued_spans, render

KEYS = {"match", "regex", "tokens", "word", "replace", "transform", "cues", "blocks"}
TRANSFORMS = ("nfkc", "nfc")


class Substitution:
    def __init__(self, spec: dict):
        self.matcher = compile_matcher(spec, "replace")
        self.cues = compile_cues(spec.get("cues"))
        self.blocks = compile_blocks(spec)
        self.transform = spec.get("transform")
        if self.transform is not None and self.transform not in TRANSFORMS:
            raise PatternError("transform", f"'transform' must be one of {', '.join(TRANSFORMS)}")
        has_map = self.matcher.text is not None and bool(self.matcher.text.replacements)
        if self.matcher.replace is None and not has_map and self.transform is None:
            raise PatternError("replace", "a substitution needs 'replace', 'transform' or 'match' as a mapping wrong: right")

    def check(self, doc, rule):
        for s, span, matched in cued_spans(self.matcher, self.cues, doc, self.blocks):
            rep = span.replacement
            if rep is None and self.transform is not None:
                rep = unicodedata.normalize(self.transform.upper(), matched)
            if rep is None or rep == matched:
                continue
            yield Hit(s, span.begin, span.end, render(rule.message, match=matched, suggestion=rep), [rep])


def compile(spec: dict) -> Substitution:
    return Substitution(spec)
