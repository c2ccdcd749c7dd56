"""Plain data classes that flow through the linter.

source text ─► ProseBlock (prose with an offset map) ─► Sentence ─► Token
rules ─► Finding
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass(slots=True)
class ProseBlock:
    """One block of prose (a heading, a paragraph, a list item, a table cell …).

    ``text`` is the prose as the tokenizer should see it: markup removed, soft line
    breaks joined.  ``starts[i]`` / ``ends[i]`` give the half-open range of the
    original text (after the BOM) that ``text[i]`` stands for.  A real character
    stands for itself (``ends[i] == starts[i] + 1``); a placeholder (for inline code
    or a URL) stands for the whole masked span; a space inserted for a soft line
    break stands for the line break.
    """

    kind: str  # "heading" | "paragraph" | "list_item" | "table_cell" | "text"
    text: str
    starts: list[int]
    ends: list[int]

    def span(self, begin: int, end: int) -> tuple[int, int]:
        """Map a half-open range of ``text`` to a half-open range of the original."""
        if end <= begin:
            pos = self.starts[begin] if begin < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[begin], self.ends[end - 1]


# Placeholder character the extractors put where inline code or a URL was: it is a
# symbol for the tokenizer, so words around it are neither glued nor split oddly.
PLACEHOLDER = "\uFFFC"  # OBJECT REPLACEMENT CHARACTER


@dataclass(slots=True)
class Token:
    surface: str
    pos: tuple[str, ...]
    normalized: str
    dictionary: str
    reading: str
    begin: int  # offset in the sentence text
    end: int
    pos_str: str = ""  # the six part-of-speech fields joined with commas

    def __post_init__(self) -> None:
        if not self.pos_str:
            self.pos_str = ",".join(self.pos)


@dataclass(slots=True)
class Sentence:
    text: str
    block: ProseBlock
    offset: int  # offset of text[0] inside block.text
    index: int  # running number of the sentence inside the document
    tokens: list[Token] = field(default_factory=list)
    _bounds: tuple[frozenset, frozenset] | None = None
    _begins: list[int] | None = None

    @property
    def kind(self) -> str:
        return self.block.kind

    def token_index(self, begin: int) -> int:
        """Index of the first token that ends after ``begin`` (binary search)."""
        if self._begins is None:
            self._begins = [t.end for t in self.tokens]
        return bisect.bisect_right(self._begins, begin)

    def tokens_in(self, begin: int, end: int) -> list[Token]:
        """The tokens overlapping [begin, end)."""
        out = []
        toks = self.tokens
        i = self.token_index(begin)
        while i < len(toks) and toks[i].begin < end:
            out.append(toks[i])
            i += 1
        return out

    def token_bounds(self) -> tuple[frozenset, frozenset]:
        """(offsets where a token begins, offsets where a token ends)."""
        if self._bounds is None:
            self._bounds = (
                frozenset(t.begin for t in self.tokens),
                frozenset(t.end for t in self.tokens),
            )
        return self._bounds

    def span(self, begin: int, end: int) -> tuple[int, int]:
        """Map a range of this sentence's text to a range of the original text."""
        return self.block.span(self.offset + begin, self.offset + end)


_NEWLINE = re.compile(r"\r\n|\r|\n")


def line_starts(text: str) -> list[int]:
    """Offsets at which the lines of ``text`` start (after \\r\\n, \\n or \\r)."""
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


class LineIndex:
    """Turns offsets of the original text into 1-based (line, column) pairs.

    Columns count Unicode code points; ``\\r\\n``, ``\\n`` and ``\\r`` all end a line.
    """

    def __init__(self, text: str):
        self.starts = line_starts(text)
        self.text = text

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_bounds(self, line: int) -> tuple[int, int]:
        """Offsets of the line's first character and of its end (before the newline)."""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        while end > start and self.text[end - 1] in "\r\n":
            end -= 1
        return start, end

    def line_text(self, line: int) -> str:
        start, end = self.line_bounds(line)
        return self.text[start:end]


@dataclass(slots=True)
class Document:
    path: str  # as the user gave it
    text: str  # original text, BOM removed
    blocks: list[ProseBlock]
    sentences: list[Sentence] = field(default_factory=list)
    lines: LineIndex | None = None

    def __post_init__(self) -> None:
        if self.lines is None:
            self.lines = LineIndex(self.text)


@dataclass(slots=True)
class Hit:
    """What a rule kind reports: a range of one sentence's text."""

    sentence: Sentence
    begin: int
    end: int
    message: str
    suggestions: list[str] = field(default_factory=list)
    related: list = field(default_factory=list)
    severity: str | None = None  # lower than the rule's for a weak hit
    source: str | None = None  # the dictionary entry that decided it, as FILE:LINE


@dataclass(slots=True)
class Finding:
    path: str
    start: int  # offsets in the original text (half-open)
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    severity: str
    rule: str
    message: str
    suggestions: list[str]
    rule_source: str
    matched: str = ""
    fixable: bool = False
    related: list = field(default_factory=list)  # [(path, line, column)] of the form to follow

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.end_line, self.end_column)
