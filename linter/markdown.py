"""Markdown source → prose blocks with an exact offset map.

markdown-it-py (CommonMark + tables) finds the BLOCK structure only: its tokens carry
line ranges (``.map``).  The prose of each block is cut out of the ORIGINAL text line by
line (container prefixes such as ``>``, list markers and indentation are left out) and
then run through a small inline scanner of our own, because markdown-it's inline tokens
carry no column positions.

Decisions worth knowing:

* Inline code, autolinks ``<https://…>`` and bare URLs become ONE ``PLACEHOLDER`` char
  standing for the whole masked span.  A bare URL starts at ``http://``, ``https://`` or
  ``www.``, stops at whitespace, at the first non-ASCII char and at ``<[]` ``; trailing
  ``?!.,:;*_~'"`` and an unbalanced ``)`` are given back to the prose (as GFM does).
* Entities (``&amp;``, ``&#12354;``) that decode to one char become that char, standing
  for the whole entity span; others stay literal.
* ``<br>`` splits the block (two blocks of the same kind); other inline HTML and
  comments are dropped.
* Emphasis (``*``, ``_``, ``~~``) is paired leniently (a run not followed by whitespace
  may open, one not preceded by whitespace may close; ``_`` inside a word is literal), so
  ``**「強調」**です`` loses its markers although strict CommonMark keeps them.
* A soft line break is dropped together with the next line's indentation; a space
  (standing for the line break) is inserted only when the chars on both sides are
  printable ASCII (``word\\nword`` → ``word word``; Japanese lines are simply joined).
* Kinds: "heading", "paragraph", "list_item" (the paragraphs whose innermost container is
  a list item), "table_cell" (one block per cell).
* Speed: markdown-it runs without the block rules a document cannot use (no ``|``,
  no table rule); a block without any inline syntax char (most Japanese prose)
  skips the inline scanner; character maps are cut from one shared ascending array.
  tests/test_markdown_shortcuts.py checks each shortcut against the general path.
* Hostile input: containers nested deeper than ``MAX_NESTING`` levels (markdown-it
  would silently drop the rest, and recurse) are linted as plain text, with their
  container markers left out (``nesting_notice`` says where); the inline scanner is
  linear however many brackets, parentheses or backticks a line holds.
"""
from __future__ import annotations

import functools
import html
import re
from array import array
import unicodedata
from bisect import bisect_right

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference

from . import regexcache
from .document import PLACEHOLDER, ProseBlock, ProseBuilder
from .plaintext import extract_plain
from .record import Record

# Nesting: markdown-it recurses about three Python frames per container level and
# drops whatever lies deeper than maxNesting (20 by default).  64 levels stay far from
# the recursion limit; what lies deeper is recorded and linted as plain text.
MAX_NESTING = 64
_OVERFLOW = "jalint_overflow"

# Block rules that can only match where a given string occurs in the source.  Every
# rule is tried at every block start, and again on every line of a paragraph, list or
# quote (as a terminator); a rule that cannot match anywhere in the document only
# costs time, so a document without its string is parsed with the rule left out of
# every chain.  The tokens are the same: such a rule returns False before changing
# any state (lheading leaves parentType set, but every rule reading it, list as a
# terminator, is called only after its caller set it).
_SETEXT_UNDERLINE = regexcache.compile(r"^[ \t>]*(?:=+|-+)[ \t]*$", re.M)  # after container prefixes
_THREE_MARKS = regexcache.compile(r"([-*_])[ \t]*\1[ \t]*\1")  # how a thematic break starts
_OPTIONAL_RULES = (
    ("hr", lambda src: _THREE_MARKS.search(src) is not None),
    ("table", lambda src: "|" in src),  # the header row holds a pipe
    ("fence", lambda src: "```" in src or "~~~" in src),
    ("blockquote", lambda src: ">" in src),
    ("html_block", lambda src: "<" in src),
    ("reference", lambda src: "]:" in src),  # the label's "]" is followed by ":"
    ("heading", lambda src: "#" in src),
    ("lheading", lambda src: _SETEXT_UNDERLINE.search(src) is not None),
)


def _parser_for(src: str) -> MarkdownIt:
    """The block parser for ``src``: the rules it cannot use left out."""
    return _parser(tuple(name for name, may_match in _OPTIONAL_RULES if not may_match(src)))


@functools.lru_cache(maxsize=None)
def _parser(left_out: tuple[str, ...]) -> MarkdownIt:
    """Block structure only (the inline rule is off: we scan inline markup ourselves),
    with the nesting guard; one parser per set of rules left out."""
    md = MarkdownIt("commonmark").enable("table").disable(["inline", *left_out])
    md.options["maxNesting"] = MAX_NESTING
    block_tokenize = md.block.tokenize

    def tokenize(state, startLine: int, endLine: int) -> None:
        if state.level >= MAX_NESTING:
            line = state.skipEmptyLines(startLine)
            if line < endLine and state.sCount[line] >= state.blkIndent:
                state.env.setdefault(_OVERFLOW, []).append((line, endLine))
        block_tokenize(state, startLine, endLine)

    md.block.tokenize = tokenize
    return md


_CONTAINER_PREFIX = regexcache.compile(r"(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|[0-9]{1,9}[.)](?=[ \t]|$)))*[ \t]*")
_DEEP_HINT = regexcache.compile(r"^[ \t>*+\-.)0-9]{32,}[^ \t>*+\-.)0-9\r\n]", re.M)
_LINK_BUDGET = 8  # link tails may rescan the text at most this many times over

_NEWLINE = regexcache.compile(r"\r\n|\r|\n")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_MARKUP_CHARS = r"\\`<&\[\]!*_~"  # (as a character class) chars that may start inline markup
_SPECIAL = regexcache.compile(rf"[{_MARKUP_CHARS}\n]|(?<![A-Za-z0-9])(?:https?://|www\.)")
_MARKUP_CHAR = regexcache.compile(f"[{_MARKUP_CHARS}]")
_DEST_RUN = regexcache.compile(r"[^\s\x00-\x1f()\\]*")  # plain characters of a link destination
_URL_BODY = regexcache.compile(r"[^\x00-\x20\x7f-\U0010ffff<\[\]`]*")
_AUTOLINK = regexcache.compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*)>"
)
_ATTR = r"""(?:\s+[A-Za-z_:][A-Za-z0-9_.:\-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_HTML = regexcache.compile(
    r"<[A-Za-z][A-Za-z0-9\-]*" + _ATTR + r"*\s*/?>"
    r"|</[A-Za-z][A-Za-z0-9\-]*\s*>"
    r"|<!---?>|<!--[\s\S]*?-->"
    r"|<\?[\s\S]*?\?>"
    r"|<![A-Za-z][^>]*>"
    r"|<!\[CDATA\[[\s\S]*?\]\]>"
)
_BR = regexcache.compile(r"<br\s*/?>", re.IGNORECASE)
_PIPE_OR_ESCAPE = regexcache.compile(r"\\.|\|", re.S)  # a backslash hides the char after it
_ENTITY = regexcache.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


class _Lines:
    """Line table of the original text: content range and line-terminator range."""

    def __init__(self, text: str):
        self.starts: list[int] = [0]
        self.ends: list[int] = []
        for m in _NEWLINE.finditer(text):
            self.ends.append(m.start())
            self.starts.append(m.end())
        self.ends.append(len(text))

    def __len__(self) -> int:
        return len(self.starts)


def _parse(text: str, lines: "_Lines"):
    """markdown-it's block tokens, the reference labels, and the (first, stop) line
    ranges too deeply nested for it (None: it gave up altogether)."""
    skip = _front_matter_lines(text, lines)
    md_src = "\n".join(
        "" if i < skip else text[lines.starts[i] : lines.ends[i]] for i in range(len(lines))
    )
    env: dict = {}
    try:
        tokens = _block_tokens(md_src, env)
    except RecursionError:  # cannot happen with MAX_NESTING, but never crash on it
        return [], {}, None
    overflow = []
    for a, b in sorted(env.get(_OVERFLOW, [])):
        if overflow and a < overflow[-1][1]:
            overflow[-1] = (overflow[-1][0], max(b, overflow[-1][1]))
        else:
            overflow.append((a, b))
    return tokens, env, overflow


def _block_tokens(md_src: str, env: dict) -> list:
    """``MarkdownIt.parse`` without the core chain around the block parser: with the
    inline rule off, all the rest does is normalize, which for us (lines already split
    on every line terminator) means replacing NUL."""
    src = md_src.replace("\0", "\ufffd")
    md = _parser_for(src)
    return md.block.parse(src, md, env, []) or []


def nesting_notice(text: str) -> str | None:
    """``LINE: notice: …`` when part of the document is nested too deeply to be read
    as Markdown (and is linted as plain text), else None.  Cheap for ordinary text."""
    if not _DEEP_HINT.search(text):
        return None
    lines = _Lines(text)
    _, _, overflow = _parse(text, lines)
    if overflow is None:
        return "1: notice: Markdown too deeply nested to parse; linted as plain text"
    if not overflow:
        return None
    a, b = overflow[0]
    more = f" (and {len(overflow) - 1} more place{'s' if len(overflow) > 2 else ''})" if len(overflow) > 1 else ""
    return (f"{a + 1}: notice: Markdown nested deeper than {MAX_NESTING} levels; "
            f"lines {a + 1}-{b} linted as plain text{more}")


def _plain_region(text: str, lines: "_Lines", first: int, stop: int) -> list[ProseBlock]:
    """Lines [first, stop) as plain-text paragraphs, container markers (``>``, list
    markers, indentation) left out; offsets are those of ``text``."""
    base = lines.starts[first]
    end = lines.ends[stop - 1]
    region = text[base:end]
    masked = []
    pos = 0
    for m in _NEWLINE.finditer(region + "\n"):
        line = region[pos:m.start()]
        k = _CONTAINER_PREFIX.match(line).end()
        masked.append(" " * k + line[k:] + region[m.start():m.end()])
        pos = m.end()
    masked_text = "".join(masked)[: len(region)]
    out = []
    for b in extract_plain(masked_text):
        out.append(ProseBlock("paragraph", b.text, array("q", [x + base for x in b.starts]),
                              array("q", [x + base for x in b.ends])))
    return out


def extract_markdown(text: str) -> list[ProseBlock]:
    """Return the prose blocks of a Markdown document, in document order."""
    lines = _Lines(text)
    tokens, env, overflow = _parse(text, lines)
    if overflow is None:
        return _plain_region(text, lines, 0, len(lines))
    blocks = _markdown_blocks(text, lines, tokens, frozenset(env.get("references", {})))
    if overflow:
        for a, b in overflow:
            blocks += _plain_region(text, lines, a, b)
        blocks.sort(key=lambda bl: bl.starts[0])
    return blocks


def _markdown_blocks(text: str, lines: "_Lines", tokens, refs) -> list[ProseBlock]:
    blocks: list[ProseBlock] = []
    containers: list[str] = []
    for i, tok in enumerate(tokens):
        t = tok.type
        if t in ("list_item_open", "blockquote_open"):
            containers.append(t)
        elif t in ("list_item_close", "blockquote_close"):
            containers.pop()
        elif t == "heading_open" and tok.map:
            inline = tokens[i + 1]
            if tok.markup.startswith("#"):
                segs = _atx_segments(text, lines, tok.map[0], len(tok.markup), inline.content)
            else:
                segs = _paragraph_segments(text, lines, tok.map[0], tok.map[1] - 1, inline.content)
            blocks += _scan(text, lines, segs, refs, "heading")
        elif t == "paragraph_open" and tok.map:
            kind = "list_item" if containers and containers[-1] == "list_item_open" else "paragraph"
            segs = _paragraph_segments(text, lines, tok.map[0], tok.map[1], tokens[i + 1].content)
            blocks += _scan(text, lines, segs, refs, kind)
        elif t == "tr_open" and tok.map:
            n_cells = 0
            k = i + 1
            while k < len(tokens) and tokens[k].type != "tr_close":
                n_cells += tokens[k].type == "inline"
                k += 1
            for cell in _table_cells(text, lines, tok.map[0], n_cells):
                blocks += _scan(text, lines, [cell], refs, "table_cell")
    return blocks


# ---------------------------------------------------------------- block helpers


def _front_matter_lines(text: str, lines: _Lines) -> int:
    """Number of lines taken by YAML (---) or TOML (+++) front matter at the file start."""
    first = text[lines.starts[0] : lines.ends[0]].rstrip()
    if first not in ("---", "+++"):
        return 0
    closers = ("---", "...") if first == "---" else ("+++",)
    for i in range(1, len(lines)):
        if text[lines.starts[i] : lines.ends[i]].rstrip() in closers:
            return i + 1
    return 0


def _paragraph_segments(text: str, lines: _Lines, first: int, stop: int, content: str):
    """(line, start, end) of each line of a paragraph-like block.

    markdown-it's content is the lines with their container prefixes removed, joined by
    newlines and stripped: each piece is a suffix of its source line (the last one
    before trailing whitespace), so aligning from the line end gives exact offsets.
    """
    pieces = content.split("\n")
    if len(pieces) != stop - first:  # should not happen; keep what aligns
        pieces = pieces[: stop - first] + [""] * (stop - first - len(pieces))
    segs = []
    for k, piece in enumerate(pieces):
        line = first + k
        ls = lines.starts[line]
        end = lines.ends[line]
        if k == len(pieces) - 1:
            end = ls + len(text[ls:end].rstrip())
        start = end - len(piece)
        if text[start:end] != piece:  # a partially consumed tab became spaces
            start = end - len(piece.lstrip(" \t"))
        segs.append((line, max(start, ls), end))
    return segs


def _atx_segments(text: str, lines: _Lines, line: int, level: int, content: str):
    ls, le = lines.starts[line], lines.ends[line]
    pos = text.find("#" * level, ls, le)
    pos = ls if pos < 0 else pos + level
    while pos < le and text[pos] in " \t":
        pos += 1
    if text[pos : pos + len(content)] != content:
        found = text.find(content, ls, le)
        pos = found if found >= 0 else pos
    return [(line, pos, min(pos + len(content), le))]


def _table_cells(text: str, lines: _Lines, line: int, n_cells: int):
    """(line, start, end) of each cell of a table row, split on unescaped pipes."""
    ls, le = lines.starts[line], lines.ends[line]
    pos = ls
    while pos < le and text[pos] in " \t>":
        pos += 1
    end = ls + len(text[ls:le].rstrip())
    bounds = [pos - 1]
    bounds += [m.start() for m in _PIPE_OR_ESCAPE.finditer(text, pos, end) if m.group() == "|"]
    bounds.append(end)
    parts = [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]
    if len(parts) > 1 and text[pos : pos + 1] == "|":
        parts = parts[1:]
    if len(parts) > 1 and bounds[-2] == end - 1:
        parts = parts[:-1]
    cells = []
    for a, b in parts[:n_cells]:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            cells.append((line, a, b))
    return cells


# ---------------------------------------------------------------- inline scanner


class _Opener(Record):
    __slots__ = _fields = ("op", "text_start", "image", "active")

    def __init__(self, op: int, text_start: int, image: bool, active: bool = True) -> None:
        self.op = op  # index of the "[" / "![" op
        self.text_start = text_start  # index in s just after the bracket
        self.image = image
        self.active = active


def _scan(text: str, lines: _Lines, segs, refs, kind: str) -> list[ProseBlock]:
    """The blocks of the given line segments.  Most Japanese prose holds no inline
    markup at all: such lines are simply joined, which gives what the inline scanner
    would give, at a fraction of the cost."""
    if not segs:
        return []
    if not _may_hold_markup("\n".join([text[a:b] for _, a, b in segs])):
        return _join_plain_lines(text, lines, segs, kind)
    return _scan_inline(text, lines, segs, refs, kind)


def _may_hold_markup(s: str) -> bool:
    """True unless the inline scanner would find nothing but line breaks in ``s``
    (a cheaper test than searching with ``_SPECIAL``: a bare URL needs "://" or
    "www.")."""
    return _MARKUP_CHAR.search(s) is not None or "://" in s or "www." in s


def _join_plain_lines(text: str, lines: _Lines, segs, kind: str) -> list[ProseBlock]:
    """What ``_scan_inline`` makes of segments without inline syntax, built directly:
    each line without its leading blanks and trailing whitespace (the block without
    leading whitespace), joined to the previous one directly or, between two
    printable ASCII chars, by a space standing for the line break in between."""
    if len(segs) == 1:  # most blocks: one run of the original
        _, a, b = segs[0]
        line = text[a:b]
        piece = line.strip()
        if not piece:
            return []
        a += len(line) - len(line.lstrip())
        n = len(piece)
        return [ProseBlock(kind, piece, _ascending(a, a + n), _ascending(a + 1, a + n + 1))]
    parts: list[str] = []
    starts = array("q")
    ends = array("q")
    prev_line = -1
    for line, a, b in segs:
        if parts:
            while a < b and text[a] in " \t":
                a += 1
            piece = text[a:b].rstrip()
            if piece and _ascii_graphic(parts[-1][-1]) and _ascii_graphic(piece[0]):
                parts.append(" ")
                starts.append(lines.ends[prev_line])
                ends.append(lines.starts[prev_line + 1])
        else:  # the block starts here: no whitespace at all before it
            piece = text[a:b]
            stripped = piece.strip()
            a += len(piece) - len(piece.lstrip())
            piece = stripped
        prev_line = line
        if piece:
            parts.append(piece)
            starts += _ascending(a, a + len(piece))
            ends += _ascending(a + 1, a + len(piece) + 1)
    if not parts:
        return []
    return [ProseBlock(kind, "".join(parts), starts, ends)]


_ASCENDING_LIMIT = 1 << 18  # offsets below this are cut from a shared array (2 MB at most)
_ascending_ints = array("q")


def _ascending(a: int, b: int) -> array:
    """``array("q", range(a, b))``, cut from a shared array where that reaches: a
    slice copies memory, while building from a range converts every int (the
    costliest part of a character map)."""
    global _ascending_ints
    ints = _ascending_ints
    if b > len(ints):
        if b > _ASCENDING_LIMIT:
            return array("q", range(a, b))
        ints = array("q", range(min(_ASCENDING_LIMIT, max(b, 2 * len(ints), 4096))))
        _ascending_ints = ints
    return ints[a:b]


class _Builder(ProseBuilder):
    """``ProseBuilder`` whose runs of the original take their offsets from
    ``_ascending``."""

    __slots__ = ()

    def run(self, text: str, start: int) -> None:
        if text:
            self.parts.append(text)
            self.starts += _ascending(start, start + len(text))
            self.ends += _ascending(start + 1, start + len(text) + 1)


def _scan_inline(text: str, lines: _Lines, segs, refs, kind: str) -> list[ProseBlock]:
    """Run the inline scanner over the given line segments; return the blocks."""
    parts: list[str] = []
    origin = _Origin()
    nl_end: dict[int, int] = {}
    size = 0
    for k, (line, a, b) in enumerate(segs):
        parts.append(text[a:b])
        origin.add(size, a)
        size += b - a
        if k + 1 < len(segs):
            nl_end[size] = lines.starts[line + 1]
            parts.append("\n")
            origin.add(size, lines.ends[line])
            size += 1
    s = "".join(parts)
    ops = _inline_ops(s, refs)
    return _emit(s, origin, nl_end, ops, kind)


class _Origin:
    """Where each character of the scanned string came from in the original text.

    The scanned string is the block's line segments joined by newlines, so the map is
    piecewise linear: one entry per piece (a segment, or the newline standing for a
    line's terminator) instead of one int per character."""

    __slots__ = ("at", "orig")

    def __init__(self) -> None:
        self.at: list[int] = []  # index in the scanned string where a piece begins
        self.orig: list[int] = []  # its offset in the original text

    def add(self, at: int, orig: int) -> None:
        self.at.append(at)
        self.orig.append(orig)

    def __getitem__(self, i: int) -> int:
        k = bisect_right(self.at, i) - 1
        return self.orig[k] + i - self.at[k]

    def runs(self, a: int, b: int):
        """(a', b', original offset of a') for the parts of [a, b) in one piece each."""
        at = self.at
        k = bisect_right(at, a) - 1
        while a < b:
            stop = at[k + 1] if k + 1 < len(at) else b
            e = min(b, stop)
            if e > a:
                yield a, e, self.orig[k] + a - at[k]
                a = e
            k += 1


def _inline_ops(s: str, refs) -> list[list]:
    """Ops: ["T", a, b] text, ["C", a, b, ch] one char for s[a:b], ["P", a, b]
    placeholder, ["D", a, b] dropped, ["N", a] line break, ["B", a, b] block break,
    ["M", a, b, ch, can_open, can_close] emphasis run (resolved to "T" or "D")."""
    n = len(s)
    ops: list[list] = []
    openers: list[_Opener] = []
    closers = _backtick_runs(s)
    budget = [_LINK_BUDGET * n + 10_000]  # chars link tails may still scan
    i = 0
    while i < n:
        m = _SPECIAL.search(s, i)
        if m is None:
            ops.append(["T", i, n])
            break
        j = m.start()
        if j > i:
            ops.append(["T", i, j])
        c = s[j]
        if c == "\n":
            ops.append(["N", j])
            i = j + 1
        elif c == "\\":
            nxt = s[j + 1] if j + 1 < n else ""
            if nxt in _ASCII_PUNCT and nxt:
                ops.append(["C", j + 1, j + 2, nxt])
                i = j + 2
            else:
                ops.append(["D" if nxt == "\n" else "T", j, j + 1])
                i = j + 1
        elif c == "`":
            k = j
            while k < n and s[k] == "`":
                k += 1
            run = closers.get(k - j, [])
            idx = bisect_right(run, k - 1)
            if idx < len(run):
                ops.append(["P", j, run[idx] + k - j])
                i = run[idx] + k - j
            else:
                ops.append(["T", j, k])
                i = k
        elif c == "<":
            i = _angle(s, j, ops)
        elif c == "&":
            em = _ENTITY.match(s, j)
            ch = html.unescape(em.group()) if em else ""
            if em and len(ch) == 1:
                ops.append(["C", j, em.end(), ch])
                i = em.end()
            else:
                ops.append(["T", j, j + 1])
                i = j + 1
        elif c == "!" and s.startswith("![", j):
            openers.append(_Opener(len(ops), j + 2, True))
            ops.append(["T", j, j + 2])
            i = j + 2
        elif c == "[":
            openers.append(_Opener(len(ops), j + 1, False))
            ops.append(["T", j, j + 1])
            i = j + 1
        elif c == "]":
            i = _close_bracket(s, j, ops, openers, refs, budget)
        elif c in "*_~":
            i = _delimiter_run(s, j, ops)
        elif c == "!":
            ops.append(["T", j, j + 1])
            i = j + 1
        else:
            i = _bare_url(s, j, ops)
    _resolve_emphasis(ops)
    return ops


def _backtick_runs(s: str) -> dict[int, list[int]]:
    """Start positions of maximal backtick runs, by run length (candidate closers)."""
    runs: dict[int, list[int]] = {}
    for m in re.finditer(r"`+", s):
        runs.setdefault(m.end() - m.start(), []).append(m.start())
    return runs


def _angle(s: str, j: int, ops: list[list]) -> int:
    m = _AUTOLINK.match(s, j)
    if m:
        ops.append(["P", j, m.end()])
        return m.end()
    m = _HTML.match(s, j)
    if m:
        ops.append(["B" if _BR.fullmatch(m.group()) else "D", j, m.end()])
        return m.end()
    ops.append(["T", j, j + 1])
    return j + 1


def _close_bracket(s: str, j: int, ops, openers: list[_Opener], refs, budget: list[int]) -> int:
    if not openers:
        ops.append(["T", j, j + 1])
        return j + 1
    op = openers.pop()
    end = _link_tail(s, j + 1, budget) if op.active else None
    if end is None and op.active and refs:
        # a link label holds at most 999 characters (CommonMark): longer text is no
        # reference, and is not normalized over and over
        label_end = _link_label(s, j + 1)
        if label_end is not None:
            label = s[j + 2 : label_end - 1]
            if not label.strip():
                label = s[op.text_start : j] if j - op.text_start <= 999 else ""
            if label and normalizeReference(label) in refs:
                end = label_end
        elif j - op.text_start <= 999 and normalizeReference(s[op.text_start : j]) in refs:
            end = j + 1
    if end is None:
        ops.append(["T", j, j + 1])
        return j + 1
    ops[op.op][0] = "D"
    ops.append(["D", j, end])
    if not op.image:  # links may not contain links
        for other in openers:
            if not other.image:
                other.active = False
    return end


def _skip_ws(s: str, q: int) -> int:
    while q < len(s) and s[q] in " \t\n":
        q += 1
    return q


def _link_tail(s: str, p: int, budget: list[int] | None = None) -> int | None:
    """End of an inline link tail ``(dest "title")`` starting at p, or None.  A call
    may scan far (an unclosed title runs to the end of the text); ``budget`` bounds
    what all calls of one block scan together, so a line of ``[a](`` repeated takes
    linear, not quadratic, time: once it is spent, no more inline links are found."""
    if p >= len(s) or s[p] != "(":
        return None
    if budget is not None and budget[0] <= 0:
        return None
    end, reach = _tail(s, p)
    if budget is not None:
        budget[0] -= reach - p + 1
    return end


def _tail(s: str, p: int) -> tuple[int | None, int]:
    """(end of the link tail at p or None, the furthest index looked at)."""
    n = len(s)
    q = _skip_ws(s, p + 1)
    if q < n and s[q] == "<":
        q += 1
        while q < n and s[q] not in "<>\n":
            q += 2 if s[q] == "\\" else 1
        if q >= n or s[q] != ">":
            return None, q
        q += 1
    else:
        depth = 0
        while True:
            q = _DEST_RUN.match(s, q).end()  # up to whitespace, a control char, ( ) or \\
            if q >= n:
                break
            ch = s[q]
            if ch == "\\":
                q += 2 if q + 1 < n and s[q + 1] in _ASCII_PUNCT else 1
            elif ch == "(":
                depth += 1
                q += 1
            elif ch == ")" and depth:
                depth -= 1
                q += 1
            else:  # whitespace, a control char, or the ")" closing the link
                break
        if depth:
            return None, q
    r = _skip_ws(s, q)
    if r < n and s[r] in "\"'(" and r > q:
        close = ")" if s[r] == "(" else s[r]
        r += 1
        while r < n and s[r] != close:
            r += 2 if s[r] == "\\" else 1
        if r >= n:
            return None, r
        r = _skip_ws(s, r + 1)
    if r < n and s[r] == ")":
        return r + 1, r
    return None, r


def _link_label(s: str, p: int) -> int | None:
    """End (after ``]``) of a link label ``[…]`` starting at p, or None."""
    if p >= len(s) or s[p] != "[":
        return None
    q = p + 1
    limit = min(len(s), p + 1001)
    while q < limit:
        ch = s[q]
        if ch == "\\":
            q += 2
            continue
        if ch == "[":
            return None
        if ch == "]":
            return q + 1
        q += 1
    return None


def _is_space(ch: str) -> bool:
    return ch.isspace()


def _is_punct(ch: str) -> bool:
    return ch in _ASCII_PUNCT or unicodedata.category(ch)[0] in "PS"


def _delimiter_run(s: str, j: int, ops: list[list]) -> int:
    c = s[j]
    k = j
    while k < len(s) and s[k] == c:
        k += 1
    prev = s[j - 1] if j > 0 else "\n"
    nxt = s[k] if k < len(s) else "\n"
    if c == "~" and k - j != 2:
        ops.append(["T", j, k])
        return k
    can_open = not _is_space(nxt)
    can_close = not _is_space(prev)
    if c == "_":
        can_open = can_open and (_is_space(prev) or _is_punct(prev))
        can_close = can_close and (_is_space(nxt) or _is_punct(nxt))
    if can_open or can_close:
        ops.append(["M", j, k, c, can_open, can_close])
    else:
        ops.append(["T", j, k])
    return k


def _resolve_emphasis(ops: list[list]) -> None:
    """Pair emphasis runs (per marker char); paired runs are dropped, others literal."""
    stacks: dict[str, list[int]] = {"*": [], "_": [], "~": []}
    for idx, op in enumerate(ops):
        if op[0] != "M":
            continue
        stack = stacks[op[3]]
        if op[5] and stack:
            ops[stack.pop()][0] = "D"
            op[0] = "D"
        elif op[4]:
            stack.append(idx)
    for op in ops:
        if op[0] == "M":
            op[0] = "T"


def _bare_url(s: str, j: int, ops: list[list]) -> int:
    prefix = 4 if s.startswith("www.", j) else s.index("//", j) + 2 - j
    end = _URL_BODY.match(s, j + prefix).end()
    unbalanced = None  # ")" minus "(" in s[j:end], counted once
    while end > j + prefix:
        last = s[end - 1]
        if last in "?!.,:;*_~'\"":
            end -= 1
        elif last == ")":
            if unbalanced is None:
                unbalanced = s.count(")", j, end) - s.count("(", j, end)
            if unbalanced <= 0:
                break
            unbalanced -= 1
            end -= 1
        else:
            break
    if end == j + prefix:
        ops.append(["T", j, j + 1])
        return j + 1
    ops.append(["P", j, end])
    return end


# ---------------------------------------------------------------- output


def _ascii_graphic(ch: str) -> bool:
    return "!" <= ch <= "~"


def _emit(s: str, origin: _Origin, nl_end: dict[int, int], ops, kind: str) -> list[ProseBlock]:
    blocks: list[ProseBlock] = []
    out = _Builder(kind)
    pending: tuple[int, int] | None = None  # original span of a soft line break
    line_start = True

    def put(ch: str, st: int, en: int) -> None:
        nonlocal pending, line_start
        if pending is not None:
            if _ascii_graphic(out.last()) and _ascii_graphic(ch):
                out.char(" ", pending[0], pending[1])
            pending = None
        line_start = False
        out.char(ch, st, en)

    def flush() -> None:
        block = out.take()
        if block is not None:
            blocks.append(block)

    for op in ops:
        tag = op[0]
        if tag == "T":
            a, b = op[1], op[2]
            if line_start or pending is not None:
                while a < b and line_start and s[a] in " \t":
                    a += 1
                if a < b:
                    put(s[a], origin[a], origin[a] + 1)
                    a += 1
            for ra, rb, orig in origin.runs(a, b):
                out.run(s[ra:rb], orig)
        elif tag == "C":
            put(op[3], origin[op[1]], origin[op[2] - 1] + 1)
        elif tag == "P":
            put(PLACEHOLDER, origin[op[1]], origin[op[2] - 1] + 1)
        elif tag == "N":
            out.drop_trailing_space()
            pending = (origin[op[1]], nl_end[op[1]])
            line_start = True
        elif tag == "B":
            flush()
            pending = None
            line_start = True
    flush()
    return blocks
