"""Positions for the language server: jalint counts code points, LSP counts UTF-16
code units by default (or UTF-8 bytes / UTF-32 code points when negotiated).

``TextPositions`` converts between offsets into a text (code points, as
``Finding.start``/``end``) and LSP positions (a 0-based line and a character in the
negotiated unit).  Lines end at ``\\r\\n``, ``\\n`` or ``\\r``, as in LSP and in
``linter.document.LineIndex``.
"""
from __future__ import annotations

import bisect

from .document import LineIndex

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def units(text: str, encoding: str = UTF16) -> int:
    """Length of ``text`` in code units of ``encoding``."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF16:
        return len(text) + sum(1 for c in text if c > "\uffff")
    return len(text.encode("utf-8", "surrogatepass"))


def code_points(line: str, character: int, encoding: str = UTF16) -> int:
    """How many code points of ``line`` the first ``character`` units cover.  A
    position inside a character (half a surrogate pair) rounds down; past the end of
    the line clamps to its length."""
    if encoding == UTF32 or line.isascii():
        return min(max(character, 0), len(line))
    count = 0
    for i, c in enumerate(line):
        width = 1 if encoding == UTF16 and c <= "\uffff" else 2 if encoding == UTF16 else len(c.encode("utf-8", "surrogatepass"))
        if count + width > character:
            return i
        count += width
    return len(line)


class TextPositions:
    """Offsets (code points) of one text ↔ LSP positions."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = encoding
        self._lines = LineIndex(text)
        self.starts = self._lines.starts

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset) - 1

    def line_span(self, line: int) -> tuple[int, int]:
        """Offsets of a 0-based line's first character and of its end (before the break)."""
        return self._lines.line_bounds(line + 1)

    def line_text(self, line: int) -> str:
        a, b = self.line_span(line)
        return self.text[a:b]

    def position(self, offset: int) -> tuple[int, int]:
        """(line, character) of a code-point offset, both 0-based."""
        offset = max(0, min(offset, len(self.text)))
        line = self.line_of(offset)
        start = self.starts[line]
        return line, units(self.text[start:offset], self.encoding)

    def offset(self, line: int, character: int) -> int:
        """The code-point offset of an LSP position (clamped to the text)."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        a, b = self.line_span(line)
        return a + code_points(self.text[a:b], character, self.encoding)

    def from_column(self, line: int, column: int) -> tuple[int, int]:
        """(line, character) from jalint's 1-based line and 1-based code-point column."""
        text = self.line_text(line - 1) if 0 < line <= len(self.starts) else ""
        return line - 1, units(text[: column - 1], self.encoding)


def column_to_character(line_text: str, column: int, encoding: str = UTF16) -> int:
    """jalint's 1-based code-point column on a line → an LSP character."""
    return units(line_text[: max(column - 1, 0)], encoding)


def minimal_edit(old: str, new: str) -> tuple[int, int, str]:
    """The smallest single replacement turning ``old`` into ``new``: (start, end, text)
    with offsets into ``old``.  Never splits a CRLF pair."""
    n = min(len(old), len(new))
    a = 0
    while a < n and old[a] == new[a]:
        a += 1
    b = 0
    while b < n - a and old[len(old) - 1 - b] == new[len(new) - 1 - b]:
        b += 1
    if 0 < a < len(old) and old[a - 1] == "\r" and old[a] == "\n":
        a -= 1
    end = len(old) - b
    if 0 < end < len(old) and old[end - 1] == "\r" and old[end] == "\n":
        b -= 1
        end += 1
    return a, end, new[a:len(new) - b]
