"""A body paragraph that does not end with 。 (textlint's ja-no-mixed-period).

Only paragraphs of body text are checked (not headings, list items or table cells,
which are often fragments), and only their end.  A paragraph ending with a closing
bracket, ！ or ？ is fine.  An ASCII period at the end of Japanese text is replaced
with 。.
"""
from __future__ import annotations


from .. import regexcache
from ..document import Hit
from ..matching import render

JAPANESE = regexcache.compile(r"[ぁ-んァ-ヶ々〇〻\u3400-\u9FFF\uF900-\uFAFF]")
FINE_END = set("。！？!?)）」』】〕")


class MixedPeriod:
    document_wide = True  # the last sentence of a block, which may lie in another window
    reads_tokens = False

    def __init__(self, period: str = "。"):
        self.period = period

    def check(self, doc, rule):
        last_of_block = {}
        for s in doc.sentences:
            last_of_block[id(s.block)] = s
        for s in last_of_block.values():
            if s.kind not in ("paragraph", "text"):
                continue
            text = s.text.rstrip()
            if not text or not JAPANESE.search(text):
                continue
            end = text[-1]
            if end == self.period or end in FINE_END:
                continue
            if end in ".．":
                yield Hit(s, len(text) - 1, len(text), render(rule.message, match=end, suggestion=self.period),
                          [self.period])
            elif JAPANESE.match(end):
                yield Hit(s, len(text) - 1, len(text), render(rule.message, match=end, suggestion=self.period))
