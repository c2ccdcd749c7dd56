"""Per-sentence counts with a threshold::

    kind: metric
    measure: characters      # characters | commas | kanji_run
    max: 100
    skip_enumeration: true   # commas: a comma between two nouns (A、B、C) does not count
    blocks: [paragraph, list_item]   # optional: which block kinds to measure

The message may use {value} and {max}.
"""
from __future__ import annotations

import re

from .. import regexcache
from ..document import Hit
from ..matching import PatternError, candidate_sentences, render

KEYS = {"measure", "max", "blocks", "commas", "skip_enumeration"}
BLOCK_KINDS = {"heading", "paragraph", "list_item", "table_cell", "text"}
KANJI = r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\U00020000-\U0003FFFF々〆ヵヶ]"
KANJI_RUN = regexcache.compile(KANJI + "+")


# A measure gives (begin, end, value) for each place of a sentence over the limit, as a
# list: most sentences give none, and an empty tuple costs less than a generator.

def _characters(s, limit):
    text = s.text
    if len(text) <= limit:  # spaces aside, no more characters than that
        return ()
    n = len(text) - sum(map(str.isspace, text))
    return [(0, len(text), n)] if n > limit else ()


BRACKETS = set("「」『』（）()【】［］[]〔〕")


def _enumerating(s, offset: int) -> bool:
    """Whether the comma at ``offset`` separates two nouns (東京、大阪、名古屋)."""
    toks = s.tokens
    idx = s.token_index(offset)
    if idx >= len(toks) or toks[idx].begin != offset:
        return False

    def neighbour(step):
        j = idx + step
        while 0 <= j < len(toks) and (toks[j].surface in BRACKETS or toks[j].pos[0] == "空白"):
            j += step
        return toks[j] if 0 <= j < len(toks) else None

    before, after = neighbour(-1), neighbour(1)
    return before is not None and after is not None and before.pos[0] == "名詞" and after.pos[0] == "名詞"


def _commas(chars, skip_enumeration: bool):
    def measure(s, limit):
        text = s.text
        if sum(map(text.count, chars)) <= limit:  # skipping enumerations only lowers it
            return ()
        positions = [i for i, c in enumerate(text) if c in chars]
        if skip_enumeration:
            positions = [p for p in positions if not _enumerating(s, p)]
        if len(positions) > limit:
            p = positions[limit]
            return [(p, p + 1, len(positions))]
        return ()

    return measure


def _kanji_run(s, limit):
    return [(m.start(), m.end(), m.end() - m.start()) for m in KANJI_RUN.finditer(s.text)
            if m.end() - m.start() > limit]


def _long_kanji_runs(limit: int) -> re.Pattern:
    """Finds the runs of more than ``limit`` kanji, for ``candidate_sentences``."""
    return regexcache.compile(f"{KANJI}{{{limit + 1},}}")


class Metric:
    def __init__(self, spec: dict):
        measure = spec.get("measure")
        limit = spec.get("max")
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise PatternError("max", "'max' must be a non-negative integer")
        self.max = limit
        self.finder = None  # every sentence is measured, unless the measure has a finder
        if measure == "characters":
            self.measure = _characters
        elif measure == "commas":
            chars = spec.get("commas", "、，")
            if not isinstance(chars, str) or not chars:
                raise PatternError("commas", "'commas' must be a string of comma characters")
            skip = spec.get("skip_enumeration", False)
            if not isinstance(skip, bool):
                raise PatternError("skip_enumeration", "'skip_enumeration' must be true or false")
            self.measure = _commas(set(chars), skip)
        elif measure == "kanji_run":
            self.measure = _kanji_run
            self.finder = _long_kanji_runs(limit)
        else:
            raise PatternError("measure", "'measure' must be characters, commas or kanji_run")
        blocks = spec.get("blocks")
        if blocks is not None:
            if not isinstance(blocks, list) or not set(blocks) <= BLOCK_KINDS:
                raise PatternError("blocks", f"'blocks' must be a list of {', '.join(sorted(BLOCK_KINDS))}")
            blocks = set(blocks)
        self.blocks = blocks

    def check(self, doc, rule):
        for s, _ in candidate_sentences(doc, self.finder):
            if self.blocks is not None and s.kind not in self.blocks:
                continue
            for begin, end, value in self.measure(s, self.max):
                yield Hit(s, begin, end, render(rule.message, value=value, max=self.max))


def compile(spec: dict) -> Metric:
    return Metric(spec)
