"""Splitting prose blocks into sentences.

A sentence ends at 。！？ (and the half-width ｡ ! ?), together with any closing brackets
right after it, and at the end of its block.  A terminator inside 「…」 or 『…』 does not
end the sentence: 「…です。」と述べた is one sentence.
"""
from __future__ import annotations

import re

from . import regexcache
from .document import ProseBlock, Sentence

TERMINATORS = set("。！？｡!?")
CLOSERS = set("」』）)】〕］]〉》\"'”’")
OPEN_QUOTES = {"「": "」", "『": "』"}
CLOSE_QUOTES = {"」": "「", "』": "『"}


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


# The chars split_block acts on; it jumps from one to the next over the rest.
_MARKS = regexcache.compile("[" + re.escape("".join(sorted(TERMINATORS | OPEN_QUOTES.keys() | CLOSE_QUOTES.keys()))) + "]")
_TAIL = regexcache.compile("[" + re.escape("".join(sorted(TERMINATORS | CLOSERS))) + "]*")  # kept with a terminator


def _ends_sentence(text: str, i: int) -> bool:
    """Whether the terminator at i ends a sentence: a half-width ! or ? does only
    before a space, a closer, a Japanese char or the end (``Really?Yes`` goes on)."""
    if text[i] not in "!?" or i + 1 == len(text):
        return True
    after = text[i + 1]
    return after.isspace() or after in CLOSERS or ord(after) > 0x2E7F


def split_block(block: ProseBlock, first_index: int = 0) -> list[Sentence]:
    text = block.text
    n = len(text)
    out: list[Sentence] = []
    start = 0
    depth = 0

    def emit(a: int, b: int) -> None:
        a, b = _trim(text, a, b)
        if a < b:
            out.append(Sentence(text[a:b], block, a, first_index + len(out)))

    last_close = {c: text.rfind(c) for c in CLOSE_QUOTES}
    find_mark = _MARKS.search
    m = find_mark(text)
    while m is not None:
        i = m.start()
        c = text[i]
        if c in OPEN_QUOTES:
            if last_close[OPEN_QUOTES[c]] > i:  # an unclosed quote never hides a sentence end
                depth += 1
        elif c in CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif depth == 0 and _ends_sentence(text, i):
            j = _TAIL.match(text, i + 1).end()
            emit(start, j)
            start = j
            m = find_mark(text, j)
            continue
        m = find_mark(text, i + 1)
    emit(start, n)
    return out


def split_blocks(blocks: list[ProseBlock]) -> list[Sentence]:
    sentences: list[Sentence] = []
    for b in blocks:
        sentences.extend(split_block(b, len(sentences)))
    return sentences
