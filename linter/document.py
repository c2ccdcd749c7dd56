"""Plain data classes that flow through the linter.

source text ─► ProseBlock (prose with an offset map) ─► Sentence ─► Token
rules ─► Finding
"""
from __future__ import annotations

import bisect
import functools
import re
from array import array
from collections.abc import Sequence
from typing import NamedTuple

from .record import Record
from .severities import SEVERITIES, SEVERITY_RANK  # noqa: F401 - the document model's public names


class ProseBlock(Record):
    """One block of prose (a heading, a paragraph, a list item, a table cell …).

    ``text`` is the prose as the tokenizer should see it: markup removed, soft line
    breaks joined.  ``starts[i]`` / ``ends[i]`` give the half-open range of the
    original text (after the BOM) that ``text[i]`` stands for.  A real character
    stands for itself (``ends[i] == starts[i] + 1``); a placeholder (for inline code
    or a URL) stands for the whole masked span; a space inserted for a soft line
    break stands for the line break.

    The extractors store ``starts`` and ``ends`` as ``array('q')`` (8 bytes a
    character instead of a list's 40): a 5 MB line would otherwise need 150 MB.
    """

    __slots__ = _fields = ("kind", "text", "starts", "ends")

    def __init__(self, kind: str, text: str, starts: Sequence[int], ends: Sequence[int]) -> None:
        self.kind = kind  # "heading" | "paragraph" | "list_item" | "table_cell" | "text"
        self.text = text
        self.starts = starts
        self.ends = ends

    def span(self, begin: int, end: int) -> tuple[int, int]:
        """Map a half-open range of ``text`` to a half-open range of the original."""
        if end <= begin:
            pos = self.starts[begin] if begin < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return pos, pos
        return self.starts[begin], self.ends[end - 1]


class ProseBuilder:
    """Collects the text of one block with its offset map, a run of source text or a
    single character at a time, as the extractors find them.

    The text is kept in pieces and the offsets in arrays, so a huge block costs a few
    bytes a character rather than an object per character."""

    __slots__ = ("kind", "parts", "starts", "ends")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._reset()

    def _reset(self) -> None:
        self.parts: list[str] = []
        self.starts = array("q")
        self.ends = array("q")

    def __bool__(self) -> bool:
        return bool(self.parts)

    def run(self, text: str, start: int) -> None:
        """``text`` copied from the original at offset ``start``: each character
        stands for itself."""
        if text:
            self.parts.append(text)
            self.starts.extend(range(start, start + len(text)))
            self.ends.extend(range(start + 1, start + len(text) + 1))

    def char(self, ch: str, start: int, end: int) -> None:
        """One character standing for the original range [start, end)."""
        self.parts.append(ch)
        self.starts.append(start)
        self.ends.append(end)

    def last(self) -> str:
        """The last character collected ("" when none)."""
        return self.parts[-1][-1] if self.parts else ""

    def drop_trailing_space(self) -> None:
        parts = self.parts
        while parts:
            piece = parts[-1]
            kept = piece.rstrip()
            if len(kept) == len(piece):
                return
            cut = len(piece) - len(kept)
            del self.starts[-cut:]
            del self.ends[-cut:]
            if kept:
                parts[-1] = kept
                return
            parts.pop()

    def take(self, trim: bool = True) -> ProseBlock | None:
        """The block collected so far (whitespace at both ends left out when ``trim``),
        or None when it is empty; the builder starts afresh."""
        text = "".join(self.parts)
        starts, ends = self.starts, self.ends
        self._reset()
        lo, hi = 0, len(text)
        if trim:
            lo = hi - len(text.lstrip())
            hi = len(text.rstrip())
        if lo >= hi:
            return None
        if (lo, hi) != (0, len(text)):
            text, starts, ends = text[lo:hi], starts[lo:hi], ends[lo:hi]
        return ProseBlock(self.kind, text, starts, ends)


# Placeholder character the extractors put where inline code or a URL was: it is a
# symbol for the tokenizer, so words around it are neither glued nor split oddly.
PLACEHOLDER = "\uFFFC"  # OBJECT REPLACEMENT CHARACTER


class _TokenFields(NamedTuple):
    surface: str
    pos: tuple[str, ...]
    normalized: str
    dictionary: str
    reading: str
    begin: int  # offset in the sentence text
    end: int
    pos_str: str  # the six part-of-speech fields joined with commas


class Token(_TokenFields):
    """One morpheme, read-only.  Built for every morpheme of every document, so it
    is a tuple: the tokenizer makes one with ``new_token`` (no Python-level
    constructor) and shares the strings and the ``pos`` tuple between tokens of
    the same word."""

    __slots__ = ()

    def __new__(cls, surface: str, pos: tuple[str, ...], normalized: str, dictionary: str,
                reading: str, begin: int, end: int, pos_str: str = "") -> "Token":
        return tuple.__new__(cls, (surface, pos, normalized, dictionary, reading, begin, end,
                                   pos_str or ",".join(pos)))


# new_token((surface, pos, normalized, dictionary, reading, begin, end, pos_str)):
# Token(...) without a Python call, for the tokenizer's loop.
new_token = functools.partial(tuple.__new__, Token)


class Sentence(Record):
    __slots__ = _fields = ("text", "block", "offset", "index", "tokens", "_bounds", "_begins")

    def __init__(self, text: str, block: ProseBlock, offset: int, index: int,
                 tokens: list[Token] | None = None, _bounds: tuple[OffsetSet, OffsetSet] | None = None,
                 _begins: list[int] | None = None) -> None:
        self.text = text
        self.block = block
        self.offset = offset  # offset of text[0] inside block.text
        self.index = index  # running number of the sentence inside the document
        self.tokens = [] if tokens is None else tokens
        self._bounds = _bounds
        self._begins = _begins

    @property
    def kind(self) -> str:
        return self.block.kind

    def drop_tokens(self) -> None:
        """Free the tokens and what is derived from them (a huge document is
        analysed a window at a time)."""
        self.tokens = []
        self._bounds = None
        self._begins = None

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

    def token_bounds(self) -> tuple["OffsetSet", "OffsetSet"]:
        """(offsets where a token begins, offsets where a token ends), for ``in`` tests.

        Kept for the sentence's lifetime, so stored as one byte a character rather
        than two frozensets (about 60 bytes a token)."""
        if self._bounds is None:
            marks = bytearray(len(self.text) + 1)
            for t in self.tokens:
                marks[t.begin] |= 1
                marks[t.end] |= 2
            self._bounds = (OffsetSet(marks, 1), OffsetSet(marks, 2))
        return self._bounds

    def span(self, begin: int, end: int) -> tuple[int, int]:
        """Map a range of this sentence's text to a range of the original text."""
        return self.block.span(self.offset + begin, self.offset + end)


class OffsetSet:
    """The offsets of a sentence marked with ``bit`` in a shared bitmap."""

    __slots__ = ("marks", "bit")

    def __init__(self, marks: bytearray, bit: int) -> None:
        self.marks = marks
        self.bit = bit

    def __contains__(self, offset: int) -> bool:
        return 0 <= offset < len(self.marks) and bool(self.marks[offset] & self.bit)


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


class Document(Record):
    __slots__ = _fields = ("path", "text", "blocks", "sentences", "lines")

    def __init__(self, path: str, text: str, blocks: list[ProseBlock],
                 sentences: list[Sentence] | None = None, lines: LineIndex | None = None) -> None:
        self.path = path  # as the user gave it
        self.text = text  # original text, BOM removed
        self.blocks = blocks
        self.sentences = [] if sentences is None else sentences
        self.lines = LineIndex(text) if lines is None else lines


class Hit(Record):
    """What a rule kind reports: a range of one sentence's text."""

    __slots__ = _fields = ("sentence", "begin", "end", "message", "suggestions", "related", "severity", "source")

    def __init__(self, sentence: Sentence, begin: int, end: int, message: str,
                 suggestions: list[str] | None = None, related: list | None = None,
                 severity: str | None = None, source: str | None = None) -> None:
        self.sentence = sentence
        self.begin = begin
        self.end = end
        self.message = message
        self.suggestions = [] if suggestions is None else suggestions
        self.related = [] if related is None else related
        self.severity = severity  # lower than the rule's for a weak hit
        self.source = source  # the dictionary entry that decided it, as FILE:LINE


class Finding(Record):
    __slots__ = _fields = ("path", "start", "end", "line", "column", "end_line", "end_column", "severity",
                           "rule", "message", "suggestions", "rule_source", "matched", "fixable", "related")

    def __init__(self, path: str, start: int, end: int, line: int, column: int, end_line: int,
                 end_column: int, severity: str, rule: str, message: str, suggestions: list[str],
                 rule_source: str, matched: str = "", fixable: bool = False, related: list | None = None) -> None:
        self.path = path
        self.start = start  # offsets in the original text (half-open)
        self.end = end
        self.line = line
        self.column = column
        self.end_line = end_line
        self.end_column = end_column
        self.severity = severity
        self.rule = rule
        self.message = message
        self.suggestions = suggestions
        self.rule_source = rule_source
        self.matched = matched
        self.fixable = fixable
        self.related = [] if related is None else related  # [(path, line, column)] of the form to follow

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.end_line, self.end_column)


class Result(Record):
    """The findings of a run.  Here, beside Finding, so that a run answered from the
    cache (and the reporters) need not import the engine."""

    __slots__ = _fields = ("findings", "files", "paths")

    def __init__(self, findings: list[Finding] | None = None, files: int = 0, paths: list[str] | None = None) -> None:
        self.findings = [] if findings is None else findings
        self.files = files
        self.paths = [] if paths is None else paths  # the files linted

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)
