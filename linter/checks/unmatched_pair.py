"""Brackets without their partner inside one block: 「…, （…」, ….

Enumerators are not brackets: 1）, ４）, 1-2) anywhere (a soft-wrapped list glues them
to the text before), ア), a) at the start or after a space or punctuation; (1) and
（ア） are ordinary pairs anyway.  ” is used on both sides by many writers, so
quotation marks are not checked.
"""
from __future__ import annotations

import re

from .. import regexcache
from ..document import Hit
from ..matching import candidate_sentences, render

PAIRS = {"「": "」", "『": "』", "（": "）", "(": ")", "【": "】", "［": "］", "[": "]", "〔": "〕", "〈": "〉", "《": "》"}
CLOSERS = {v: k for k, v in PAIRS.items()}
BRACKET = regexcache.compile("[" + "".join(map(re.escape, [*PAIRS, *CLOSERS])) + "]")  # to skip other text at once
ENUMERATOR = regexcache.compile(
    r"(?:(?<![0-9０-９])[0-9０-９]{1,3}(?:[-.．][0-9０-９]{1,3})?|[①-⑳]"
    r"|(?:^|(?<=[\s　、。：:]))(?:[a-zA-Zａ-ｚＡ-Ｚ]|[ア-ンあ-ん]|[ivxIVX]{1,4}))$"
)


class UnmatchedPair:
    document_wide = True  # a bracket may close in a later sentence of its block
    reads_tokens = False

    def check(self, doc, rule):
        # only the sentences that hold a bracket matter, found by one search of the
        # whole document: the others leave every block's stack as it is
        bracketed = (s for s, _ in candidate_sentences(doc, BRACKET))
        for block_sentences in _by_block(bracketed):
            stack: list[tuple[str, object, int]] = []
            for s in block_sentences:
                text = s.text
                for m in BRACKET.finditer(text):
                    i, c = m.start(), m.group()
                    if c in PAIRS:
                        stack.append((c, s, i))
                    elif c in CLOSERS:
                        opener = CLOSERS[c]
                        if stack and stack[-1][0] == opener:
                            stack.pop()
                            continue
                        if any(o == opener for o, _, _ in stack):
                            # an inner bracket was left open: report it, then close
                            while stack and stack[-1][0] != opener:
                                o, os_, oi = stack.pop()
                                yield Hit(os_, oi, oi + 1, render(rule.message, match=o, pair=PAIRS[o]))
                            stack.pop()
                            continue
                        if c in "）)" and ENUMERATOR.search(text[:i]):
                            continue
                        yield Hit(s, i, i + 1, render(rule.message, match=c, pair=opener))
            for o, os_, oi in stack:
                yield Hit(os_, oi, oi + 1, render(rule.message, match=o, pair=PAIRS[o]))


def _by_block(sentences):
    group: list = []
    for s in sentences:
        if group and group[-1].block is not s.block:
            yield group
            group = []
        group.append(s)
    if group:
        yield group
