"""Splitting prose blocks into sentences.

A sentence ends at 。！？ (and the half-width ｡ ! ?), together with any closing brackets
right after it, and at the end of its block.  A terminator inside 「…」 or 『…』 does not
end the sentence: 「…です。」と述べた is one sentence.
"""
from __future__ import annotations

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


def split_block(block: ProseBlock, first_index: int = 0) -> list[Sentence]:
    text = block.text
    n = len(text)
    out: list[Sentence] = []
    start = 0
    depth = 0
    i = 0

    def emit(a: int, b: int) -> None:
        a, b = _trim(text, a, b)
        if a < b:
            out.append(Sentence(text[a:b], block, a, first_index + len(out)))

    last_close = {c: text.rfind(c) for c in CLOSE_QUOTES}
    while i < n:
        c = text[i]
        if c in OPEN_QUOTES:
            if last_close[OPEN_QUOTES[c]] > i:  # an unclosed quote never hides a sentence end
                depth += 1
        elif c in CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif c in TERMINATORS and depth == 0:
            if c in "!?" and i + 1 < n and not (text[i + 1].isspace() or text[i + 1] in CLOSERS or ord(text[i + 1]) > 0x2E7F):
                i += 1
                continue
            j = i + 1
            while j < n and (text[j] in TERMINATORS or text[j] in CLOSERS):
                j += 1
            emit(start, j)
            start = j
            i = j
            continue
        i += 1
    emit(start, n)
    return out


def split_blocks(blocks: list[ProseBlock]) -> list[Sentence]:
    sentences: list[Sentence] = []
    for b in blocks:
        sentences.extend(split_block(b, len(sentences)))
    return sentences
