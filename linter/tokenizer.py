"""The one place that talks to SudachiPy.

The dictionary is loaded once per process.  Sentences are joined into small batches
(Sudachi is faster on small inputs) and tokenized batch by batch; a sentence longer
than Sudachi's input limit (49,149 bytes of UTF-8) is cut at a safe character boundary.
Tokens of one word share their strings (see ``_lexicon``).
"""
from __future__ import annotations

import functools
import threading

from .document import Sentence, Token, new_token
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
    """Per dictionary: (word id, surface) -> the token fields that depend on the word
    alone, built once and shared by every token of that word.

    Sharing saves both the calls into Sudachi for normalized/dictionary/reading form
    and the memory of four fresh strings per token.  The surface is part of the key
    because one word id covers spellings such as ＡＢＣ/ABC and all out-of-vocabulary
    words of one part of speech.  The part of speech need not be: a word id stands
    for one dictionary entry, and Sudachi makes an out-of-vocabulary word's id from
    its part of speech (0xF0000000 | pos id; tests/test_tokens_and_sentences.py
    checks it), which saves a call into Sudachi per morpheme."""
    return {}


@functools.lru_cache(maxsize=None)
def _pos_table(user_dictionary: str | None) -> dict:
    """Per dictionary: part-of-speech id -> (pos tuple, pos string), shared by tokens."""
    return {}


def _new_lexeme(m, surface: str, user: str | None) -> tuple:
    """The shared fields (surface, pos, normalized, dictionary, reading, pos_str) of
    the morpheme ``m`` spelled ``surface``; remembered for the next time under the
    lexicon key (word id, surface)."""
    lexicon = _lexicon(user)
    if len(lexicon) >= LEXICON_LIMIT:
        lexicon.clear()
    pos, pos_str = _pos(m.part_of_speech_id(), user)
    lexeme = (surface, pos, m.normalized_form(), m.dictionary_form(), m.reading_form(), pos_str)
    lexicon[(m.word_id(), surface)] = lexeme
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
    """Tokens of the morphemes Sudachi found in ``text``, offsets shifted by ``base``.

    Sudachi's morphemes cover the text end to end, so a morpheme begins where the
    one before it ends: one call into Sudachi per morpheme saved."""
    out = []
    append = out.append
    user = _user_dictionary
    get = _lexicon(user).get
    make = tuple.__new__  # make(Token, fields): new_token without its partial's call
    e = 0
    for m in morphemes:
        b = e
        e = m.end()
        surface, pos, normalized, dictionary, reading, pos_str = (
            get((m.word_id(), text[b:e])) or _new_lexeme(m, text[b:e], user))
        append(make(Token, (surface, pos, normalized, dictionary, reading, b + base, e + base, pos_str)))
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
    separators are dropped and a morpheme running over one is clipped.

    The loop runs once per morpheme of the corpus, so it is kept lean: a morpheme
    begins where the one before it ends (Sudachi covers the text end to end), the
    shared word fields come from the lexicon, tokens are made with ``tuple.__new__``
    directly (``new_token``'s partial is one more call a morpheme), and a morpheme
    that ends past the current sentence leaves the fast path for ``_BatchCursor``.
    The fast path need not check that a morpheme begins inside the sentence: the
    cursor only ever opens a sentence at or before the next morpheme's start."""
    joined = SEPARATOR.join(s.text for s in batch)
    with _lock:
        ms = tok.tokenize(joined)
    user = _user_dictionary
    get = _lexicon(user).get
    make = tuple.__new__
    cursor = _BatchCursor(batch)
    start, end, append = cursor.start, cursor.end, cursor.append
    e = 0
    for m in ms:
        b = e
        e = m.end()
        if e <= end:
            surface, pos, normalized, dictionary, reading, pos_str = (
                get((m.word_id(), joined[b:e])) or _new_lexeme(m, joined[b:e], user))
            append(make(Token, (surface, pos, normalized, dictionary, reading, b - start, e - start, pos_str)))
            continue
        if not cursor.place(m, b, e, joined):
            break
        start, end, append = cursor.start, cursor.end, cursor.append
    cursor.finish()


class _BatchCursor:
    """The sentence of a batch that morphemes currently go to, for the morphemes
    off ``_tokenize_batch``'s fast path: one at a separator, past the end of the
    current sentence, or running over a separator."""

    __slots__ = ("sentences", "sentence", "start", "end", "tokens", "append", "user")

    def __init__(self, batch: list[Sentence]) -> None:
        self.sentences = iter(batch)
        self.user = _user_dictionary
        self._open(next(self.sentences), 0)

    def _open(self, sentence: Sentence | None, start: int) -> None:
        self.sentence = sentence
        self.start = start
        self.end = start + len(sentence.text) if sentence is not None else start
        self.tokens = []
        self.append = self.tokens.append

    def place(self, m, b: int, e: int, joined: str) -> bool:
        """Add the morpheme ``m`` at [b, e) of ``joined``, moving on to the sentence
        it begins in; False when it lies past the last sentence."""
        while b >= self.end:
            if b == self.end and e == self.end:  # an empty morpheme at the end
                break
            self.sentence.tokens = self.tokens
            self._open(next(self.sentences, None), self.end + 1)
            if self.sentence is None:
                return False
        start, end = self.start, self.end
        if b < start:  # the separator itself
            return True
        if e > end:  # a morpheme running over the separator: clip it
            self.append(_clipped_token(m, self.sentence.text[b - start:], b - start, end - start, self.user))
            return True
        surface = joined[b:e]
        surface, pos, normalized, dictionary, reading, pos_str = (
            _lexicon(self.user).get((m.word_id(), surface)) or _new_lexeme(m, surface, self.user))
        self.append(new_token((surface, pos, normalized, dictionary, reading, b - start, e - start, pos_str)))
        return True

    def finish(self) -> None:
        """Hand the current sentence its tokens; sentences never reached get none."""
        if self.sentence is not None:
            self.sentence.tokens = self.tokens
            for rest in self.sentences:
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
