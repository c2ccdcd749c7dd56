"""Plain text → prose blocks (kind "text") with an exact offset map.

* Blank (whitespace-only) lines separate paragraphs.
* Inside a paragraph a line break starts a new block when the next line begins (after
  indentation) with a bullet or an enumerator (``•``, ``・``, ``※``, ``- ``, ``1.``, ``1)``,
  ``１．``, ``（1）``, ``1-1.``, ``①`` …) or when the previous line ends with
  ``。！？!?:：｡``; otherwise it is a soft break: the lines are joined, with a space standing
  for the line break only when the chars on both sides are printable ASCII.
* Leading indentation (spaces, tabs, ideographic spaces) is dropped, and so is a leading
  bullet symbol (``•●○◦■□◆◇▪``, and ``・`` which at line start is a bullet, and ``-``/``*``/``+``
  followed by a space) with the whitespace after it.  ``※`` and enumerators stay: they
  are part of the text.
* Trailing whitespace and line terminators (``\\r\\n``, ``\\n``, ``\\r``) are never in the text.
"""
from __future__ import annotations


from . import regexcache
from .document import ProseBlock, ProseBuilder

_NEWLINE = regexcache.compile(r"\r\n|\r|\n")
_INDENT = " \t\u3000"
_ITEM = regexcache.compile(
    r"[•・●○◦■□◆◇▪※]"
    r"|[-*+][ \t\u3000]"
    r"|[0-9０-９]+(?:[-－][0-9０-９]+)*[.．)）](?![0-9０-９])"
    r"|[（(][0-9０-９]+[）)]"
    r"|[①-⑳]"
)
_BULLET = regexcache.compile(r"(?:[•・●○◦■□◆◇▪]|[-*+](?=[ \t\u3000]))[ \t\u3000]*")
_HARD_END = tuple("。！？!?:：｡")


def extract_plain(text: str) -> list[ProseBlock]:
    """Return the prose blocks of a plain-text document, in document order."""
    blocks: list[ProseBlock] = []
    out = ProseBuilder("text")

    def flush() -> None:
        if out:
            blocks.append(out.take(trim=False))

    prev_hard_end = False
    prev_break = 0  # start of the previous line's terminator
    for ls, le in _lines(text):
        line = text[ls:le]
        end = len(line.rstrip())
        if end == 0:
            flush()
            continue
        pos = 0
        while pos < end and line[pos] in _INDENT:
            pos += 1
        if out and (prev_hard_end or _ITEM.match(line, pos)):
            flush()
        bullet = _BULLET.match(line, pos)
        if bullet and bullet.end() < end:
            pos = bullet.end()
        if _ascii_graphic(out.last()) and _ascii_graphic(line[pos]):
            out.char(" ", prev_break, ls)  # soft break between English words
        out.run(line[pos:end], ls + pos)
        prev_hard_end = line[:end].endswith(_HARD_END)
        prev_break = le
    flush()
    return blocks


def _lines(text: str):
    """Yield (start, end) of every line's content (terminator excluded)."""
    start = 0
    for m in _NEWLINE.finditer(text):
        yield start, m.start()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _ascii_graphic(ch: str) -> bool:
    return "!" <= ch <= "~"
