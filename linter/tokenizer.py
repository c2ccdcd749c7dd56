"""The one place that talks to SudachiPy.

The dictionary is loaded once per process.  Sentences are joined into chunks under
Sudachi's input limit (49,149 bytes of UTF-8) and tokenized chunk by chunk; a sentence
that is itself longer is cut at a safe character boundary.
"""
from __future__ import annotations

import functools
import threading

from .document import Sentence, Token
from .errors import JalintError

MAX_BYTES = 49_149
CHUNK_BYTES = 40_000  # headroom: Sudachi's normalizer can grow some characters
SEPARATOR = "\n"
_lock = threading.Lock()


_user_dictionary: str | None = None


def use_user_dictionary(path: str | None) -> None:
    """Tokenize with a Sudachi user dictionary (a compiled .dic) from now on."""
    global _user_dictionary
    _user_dictionary = str(path) if path else None


@functools.lru_cache(maxsize=None)
def _dictionary(user_dictionary: str | None):
    try:
        from sudachipy import Config, Dictionary
    except ImportError as exc:  # pragma: no cover - install problem
        raise JalintError(f"SudachiPy is not installed ({exc})") from None
    try:
        if user_dictionary:
            return Dictionary(config=Config(user=[user_dictionary]), dict="core")
        return Dictionary(dict="core")
    except Exception as exc:
        what = f"the Sudachi user dictionary {user_dictionary}" if user_dictionary else "the Sudachi dictionary"
        raise JalintError(f"cannot load {what}: {exc}") from None


def dictionary():
    return _dictionary(_user_dictionary)


@functools.lru_cache(maxsize=None)
def _tokenizer(mode: str, user_dictionary: str | None):
    from sudachipy import SplitMode

    modes = {"A": SplitMode.A, "B": SplitMode.B, "C": SplitMode.C}
    if mode not in modes:
        raise JalintError(f"unknown Sudachi split mode {mode!r} (use A, B or C)")
    return _dictionary(user_dictionary).tokenizer(mode=modes[mode])


def sudachi_tokenizer(mode: str = "C"):
    return _tokenizer(mode, _user_dictionary)


@functools.lru_cache(maxsize=8192)
def _pos_of(user_dictionary: str | None, pos_id: int) -> tuple[tuple[str, ...], str]:
    pos = tuple(_dictionary(user_dictionary).pos_of(pos_id))
    return pos, ",".join(pos)


def _pieces(text: str, limit: int = CHUNK_BYTES) -> list[tuple[int, int]]:
    """Cut ``text`` into ranges of at most ``limit`` UTF-8 bytes, preferring to cut
    after 、 or whitespace, never inside a code point."""
    if len(text.encode("utf-8")) <= limit:
        return [(0, len(text))]
    ranges = []
    start = 0
    n = len(text)
    while start < n:
        size = 0
        i = start
        last_soft = -1
        while i < n:
            c = text[i]
            b = 1 if c < "\x80" else 2 if c < "\u0800" else 3 if c < "\U00010000" else 4
            if size + b > limit:
                break
            size += b
            i += 1
            if c in "、，,  \t":
                last_soft = i
        if i < n and last_soft > start + (i - start) // 2:
            i = last_soft
        ranges.append((start, i))
        start = i
    return ranges


def _make_tokens(morphemes, base: int, mode: str) -> list[Token]:
    out = []
    append = out.append
    pos_of = _pos_of
    user = _user_dictionary
    for m in morphemes:
        pos, pos_str = pos_of(user, m.part_of_speech_id())
        append(Token(m.surface(), pos, m.normalized_form(), m.dictionary_form(), m.reading_form(),
                     m.begin() + base, m.end() + base, pos_str))
    return out


def tokenize_text(text: str, mode: str = "C") -> list[Token]:
    """Tokens of an arbitrary text, however long, with offsets into ``text``."""
    tok = sudachi_tokenizer(mode)
    tokens: list[Token] = []
    for a, b in _pieces(text):
        with _lock:
            ms = tok.tokenize(text[a:b])
        tokens.extend(_make_tokens(ms, a, mode))
    return tokens


def tokenize_sentences(sentences: list[Sentence], mode: str = "C") -> None:
    """Fill ``sentence.tokens`` for every sentence, with few calls into Sudachi."""
    tok = sudachi_tokenizer(mode)
    batch: list[Sentence] = []
    batch_bytes = 0

    def flush() -> None:
        nonlocal batch, batch_bytes
        if not batch:
            return
        joined = SEPARATOR.join(s.text for s in batch)
        with _lock:
            ms = tok.tokenize(joined)
        # one pass over the morphemes, handing each to its sentence with offsets
        # relative to it; separators between sentences are dropped
        pos_of = _pos_of
        user = _user_dictionary
        it = iter(batch)
        s = next(it)
        start, end = 0, len(s.text)
        mine: list[Token] = []
        append = mine.append
        for m in ms:
            b = m.begin()
            while b >= end and s is not None:
                if b == end and m.end() == end:  # an empty morpheme at the end
                    break
                s.tokens = mine
                s = next(it, None)
                if s is None:
                    break
                start = end + 1
                end = start + len(s.text)
                mine = []
                append = mine.append
            if s is None:
                break
            if b < start:  # the separator itself
                continue
            e = m.end()
            pos, pos_str = pos_of(user, m.part_of_speech_id())
            if e > end:  # a morpheme running over the separator: clip it
                e = end
                surface = s.text[b - start:]
            else:
                surface = m.surface()
            append(Token(surface, pos, m.normalized_form(), m.dictionary_form(), m.reading_form(),
                         b - start, e - start, pos_str))
        if s is not None:
            s.tokens = mine
            for rest in it:
                rest.tokens = []
        batch = []
        batch_bytes = 0

    for s in sentences:
        size = len(s.text.encode("utf-8"))
        if size > CHUNK_BYTES:
            flush()
            s.tokens = tokenize_text(s.text, mode)
            continue
        if batch_bytes + size + 1 > CHUNK_BYTES:
            flush()
        batch.append(s)
        batch_bytes += size + 1
    flush()
