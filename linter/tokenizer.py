"""The one place that talks to SudachiPy.

The dictionary is loaded once per process.  Sentences are joined into small batches
(Sudachi is faster on small inputs) and tokenized batch by batch; a sentence longer
than Sudachi's input limit (49,149 bytes of UTF-8) is cut at a safe character boundary.
Tokens of one word share their strings (see ``_lexicon``).
"""
from __future__ import annotations

import functools
import threading

from .document import Sentence, Token
from .errors import JalintError

MAX_BYTES = 49_149
CHUNK_BYTES = 40_000  # headroom: Sudachi's normalizer can grow some characters
BATCH_BYTES = 2_000  # sentences joined into one call into Sudachi, at most
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


# Distinct words seen, at most: past it the table starts afresh (a long-lived language
# server must not grow without bound).
LEXICON_LIMIT = 200_000


@functools.lru_cache(maxsize=None)
def _lexicon(user_dictionary: str | None) -> dict:
    """Per dictionary: (word id, part-of-speech id, surface) -> the token fields that
    depend on the word alone, built once and shared by every token of that word.

    Sharing saves both the calls into Sudachi for normalized/dictionary/reading form
    and the memory of four fresh strings per token.  The surface is part of the key
    because one word id covers spellings such as ＡＢＣ/ABC and all out-of-vocabulary
    words of one part of speech."""
    return {}


@functools.lru_cache(maxsize=None)
def _pos_table(user_dictionary: str | None) -> dict:
    """Per dictionary: part-of-speech id -> (pos tuple, pos string), shared by tokens."""
    return {}


def _new_lexeme(m, key: tuple, user: str | None) -> tuple:
    """The shared fields (surface, pos, normalized, dictionary, reading, pos_str) of
    the morpheme ``m`` whose lexicon key is ``key``; remembered for the next time."""
    lexicon = _lexicon(user)
    if len(lexicon) >= LEXICON_LIMIT:
        lexicon.clear()
    pos, pos_str = _pos(key[1], user)
    lexeme = (key[2], pos, m.normalized_form(), m.dictionary_form(), m.reading_form(), pos_str)
    lexicon[key] = lexeme
    return lexeme


def _pos(pos_id: int, user: str | None) -> tuple[tuple[str, ...], str]:
    table = _pos_table(user)
    entry = table.get(pos_id)
    if entry is None:
        pos = tuple(_dictionary(user).pos_of(pos_id))
        entry = table[pos_id] = (pos, ",".join(pos))
    return entry


def _clipped_token(m, surface: str, begin: int, end: int, user: str | None) -> Token:
    """A token for a morpheme that ran over a sentence separator, cut to ``surface``
    (not shared: its other fields belong to the whole morpheme)."""
    pos, pos_str = _pos(m.part_of_speech_id(), user)
    return Token(surface, pos, m.normalized_form(), m.dictionary_form(), m.reading_form(), begin, end, pos_str)


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


def _make_tokens(morphemes, text: str, base: int) -> list[Token]:
    """Tokens of the morphemes Sudachi found in ``text``, offsets shifted by ``base``."""
    out = []
    append = out.append
    user = _user_dictionary
    lexicon = _lexicon(user)
    for m in morphemes:
        b = m.begin()
        e = m.end()
        key = (m.word_id(), m.part_of_speech_id(), text[b:e])
        lex = lexicon.get(key) or _new_lexeme(m, key, user)
        append(Token(lex[0], lex[1], lex[2], lex[3], lex[4], b + base, e + base, lex[5]))
    return out


def tokenize_text(text: str, mode: str = "C") -> list[Token]:
    """Tokens of an arbitrary text, however long, with offsets into ``text``."""
    tok = sudachi_tokenizer(mode)
    tokens: list[Token] = []
    for a, b in _pieces(text):
        piece = text[a:b]
        with _lock:
            ms = tok.tokenize(piece)
        tokens.extend(_make_tokens(ms, piece, a))
    return tokens


def _tokenize_batch(tok, batch: list[Sentence]) -> None:
    """Tokenize ``batch`` in one call into Sudachi (the sentences joined by
    separators) and hand each sentence its tokens, with offsets relative to it;
    separators are dropped and a morpheme running over one is clipped."""
    joined = SEPARATOR.join(s.text for s in batch)
    with _lock:
        ms = tok.tokenize(joined)
    user = _user_dictionary
    lexicon = _lexicon(user)
    it = iter(batch)
    s = next(it)
    start, end = 0, len(s.text)
    mine: list[Token] = []
    append = mine.append
    for m in ms:
        b = m.begin()
        e = m.end()
        while b >= end and s is not None:
            if b == end and e == end:  # an empty morpheme at the end
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
        if e > end:  # a morpheme running over the separator: clip it
            append(_clipped_token(m, s.text[b - start:], b - start, end - start, user))
            continue
        key = (m.word_id(), m.part_of_speech_id(), joined[b:e])
        lex = lexicon.get(key) or _new_lexeme(m, key, user)
        append(Token(lex[0], lex[1], lex[2], lex[3], lex[4], b - start, e - start, lex[5]))
    if s is not None:
        s.tokens = mine
        for rest in it:
            rest.tokens = []


def batches(sentences: list[Sentence]):
    """The sentences in the groups tokenize_sentences tokenizes together: runs of
    about ``BATCH_BYTES``, and each sentence longer than ``CHUNK_BYTES`` alone.  The
    cut is greedy from the start, so tokenizing a run of whole groups gives the
    same tokens as tokenizing the whole list (analysis cuts huge documents there)."""
    batch: list[Sentence] = []
    batch_bytes = 0
    for s in sentences:
        size = len(s.text.encode("utf-8"))
        if size > CHUNK_BYTES:
            if batch:
                yield batch
                batch, batch_bytes = [], 0
            yield [s]
            continue
        if batch and batch_bytes + size + 1 > BATCH_BYTES:
            yield batch
            batch, batch_bytes = [], 0
        batch.append(s)
        batch_bytes += size + 1
    if batch:
        yield batch


def tokenize_sentences(sentences: list[Sentence], mode: str = "C") -> None:
    """Fill ``sentence.tokens`` for every sentence.

    Sentences are tokenized in batches of about ``BATCH_BYTES``: Sudachi is markedly
    faster on small inputs than on large ones, while a call per sentence costs more
    than it saves.  A sentence longer than ``CHUNK_BYTES`` is cut at safe places."""
    tok = sudachi_tokenizer(mode)
    for batch in batches(sentences):
        if len(batch) == 1 and len(batch[0].text.encode("utf-8")) > CHUNK_BYTES:
            batch[0].tokens = tokenize_text(batch[0].text, mode)
        else:
            _tokenize_batch(tok, batch)
