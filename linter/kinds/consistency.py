"""Variant groups (表記ゆれ).  A document that uses more than one member of a group
gets a finding on each use of the minority form, suggesting the dominant one (or the
group's preferred form)::

    kind: consistency
    dictionary: variants.yaml      # groups from dictionaries/ (a name or a list of names)
    groups:                        # and/or inline groups
      - variants: [障害, 障がい, 障碍]
        exclude: [障害物]          # longer words in which a member means something else
        preferred: 障害            # optional: always wins
        koyobun: 障害              # optional: the form 公用文作成の考え方 (2022) prescribes
    auto: normalized               # or katakana, or [normalized, katakana]
    prefer: preferred              # or majority, or koyobun (which form wins)

A group's members are found as text (anywhere, also inside compounds) unless the
group says ``lemma: true``: then each member is compared with the dictionary form of
whole Sudachi tokens, so every inflection of a verb is found (出来ない, 出来ます).

``auto: normalized`` groups the words that share a Sudachi normalized form;
``auto: katakana`` groups katakana words that differ only in long-vowel marks (ー),
small kana (ィ/イ) or ヴ/バ (サーバ/サーバー, ウィルス/ウイルス).  Words the bundled
variant dictionaries cover are left to the dictionary rule.

Every group is validated when it is loaded: a duplicate member, a member in two
groups, or a preferred/koyobun form that is not a member (or is excluded) is an error
``dictionaries/FILE:LINE: message``.

The message may use {match}, {dominant}, {count} (uses of the dominant form) and
{where} (the first use of the dominant form, as line:column or path:line).

Collecting and deciding are separate steps so that a project-wide pass can count the
variants over many documents before deciding.
"""
from __future__ import annotations

import bisect
import functools
import operator
import re
import unicodedata
from array import array
from itertools import accumulate, chain, compress, repeat
from pathlib import Path

from .. import regexcache
from ..document import Hit, Token
from ..errors import JalintError
from ..matching import PatternError, render
from ..mentions import MAX_QUOTE, QUOTES, is_mention
from ..record import Record
from ..yamlio import load_yaml_file

KEYS = {"dictionary", "groups", "auto", "prefer"}
AUTO_POS = (("名詞", "普通名詞"), ("動詞", "一般"), ("形容詞", "一般"), ("副詞",))
AUTO_MODES = ("normalized", "katakana")
PREFER = ("preferred", "majority", "koyobun")
GROUP_KEYS = {"variants", "exclude", "preferred", "koyobun", "word", "pos", "lemma", "note", "source"}
# the bundled dictionaries whose words automatic grouping leaves to the dictionary rule
BUNDLED = ("variants.yaml", "variants-sudachi.yaml")


class _PosTable(dict):
    """pos_str → whether automatic grouping looks at a word of that part of speech,
    filled as parts of speech are met (there are a few hundred)."""

    def __missing__(self, pos_str: str) -> bool:
        pos = tuple(pos_str.split(","))
        ok = any(pos[: len(p)] == p for p in AUTO_POS)
        self[pos_str] = ok
        return ok


_AUTO_POS_OK = _PosTable()
# getters of token fields (a token is a tuple), for the C-level maps of the collecting loops
_POS_STR, _DICTIONARY, _BEGIN, _END = (operator.itemgetter(Token._fields.index(f))
                                       for f in ("pos_str", "dictionary", "begin", "end"))
# (surface, normalized, dictionary form): what decides whether a word is grouped by normalized form
_AUTO_WORD = operator.itemgetter(*map(Token._fields.index, ("surface", "normalized", "dictionary")))
# a sentence without any of these quotes has no mention in it
_QUOTE = regexcache.compile("[" + re.escape("".join(QUOTES)) + "]")
# where quoted_span (mentions.py) stops looking back for the quote that encloses a use
_QUOTE_OR_STOP = regexcache.compile("[" + re.escape("".join(QUOTES) + "」』”。") + "]")


@functools.lru_cache(maxsize=1024)
def _mention_free(text: str) -> array:
    """For each offset ``b`` of a sentence with a quote, the end up to which a use
    beginning at ``b`` is surely not a mention; is_mention (slow) is asked only
    about a use that ends past it.  Cached: the consistency rules ask about the
    same sentences one after another.

    is_mention looks back from the use, at most MAX_QUOTE letters and no further
    than a quote or 。, for an opening quote, then for its closing quote after the
    use; whether a quote is a mention depends on that quote alone.  So each
    opening quote is asked about once, with the whole of its content: when that
    is no mention, no use that begins within its reach and ends before its
    closing quote is one either."""
    n = len(text)
    free = array("i", [n]) * (n + 1)  # no quote reaches there: never a mention
    marks = [m.start() for m in _QUOTE_OR_STOP.finditer(text)]
    marks.append(n)
    for here, after in zip(marks, marks[1:]):
        if text[here] not in QUOTES:
            continue
        close = text.find(QUOTES[text[here]], here + 1)
        if close == -1:
            continue  # never closed: never a mention
        until = -1 if is_mention(text, here + 1, close) else close
        reach = min(here + MAX_QUOTE, after) - here  # the uses that begin at here + 1 … here + reach
        free[here + 1:here + reach + 1] = array("i", [until]) * reach
    return free


def _mentioned(text: str, free: array | None, begin: int, end: int) -> bool:
    """is_mention, asked only where ``free`` (``_mention_free`` of the sentence, None
    for a sentence without quotes) leaves it open."""
    return free is not None and end > free[begin] and is_mention(text, begin, end)


def words_regex(words) -> re.Pattern | None:
    """A regex finding the longest of ``words`` at the leftmost place, as the
    alternation of the words longest first would, but written as a trie
    (障(?:害|がい|碍)): a plain alternation tries each of hundreds of words in turn
    at every kanji of every sentence."""
    return _words_regex(frozenset(words))


@functools.lru_cache(maxsize=64)
def _words_regex(words: frozenset) -> re.Pattern | None:
    """words_regex, built once per set of words: consistency/terms and the words
    automatic grouping leaves to it are the same few thousand words."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not root:
        return None
    return regexcache.compile(_trie_pattern(root))


def _trie_pattern(node: dict) -> str:
    """The pattern of a trie node: its continuations, optional where a word ends
    here (greedy, so the longer word wins)."""
    branches = [re.escape(ch) + _trie_pattern(sub) for ch, sub in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


class Group(Record):
    __slots__ = _fields = ("variants", "exclude", "preferred", "word", "pos", "koyobun", "lemma", "where")

    def __init__(self, variants: list[str], exclude: list[str] | None = None, preferred: str | None = None,
                 word: bool = False, pos: str | None = None, koyobun: str | None = None, lemma: bool = False,
                 where: str = "") -> None:
        self.variants = variants
        self.exclude = [] if exclude is None else exclude
        self.preferred = preferred
        self.word = word
        self.pos = pos  # the word at the match must have this part of speech
        self.koyobun = koyobun  # the form 公用文作成の考え方 (2022) prescribes
        self.lemma = lemma  # members are compared with the dictionary form of whole tokens
        self.where = where  # "dictionaries/x.yaml:LINE" or "" for inline groups


class DocumentUses:
    """The uses one consistency rule found in one document, compact enough to be sent
    from a worker process and kept for every file of a large project: no object per
    use, only file offsets.

    Entry ``i`` is the variant ``variants[i]`` of the group ``keys[i]`` (entries in the
    order of their first use); its uses are at ``spans[2 * j], spans[2 * j + 1]`` (start
    and stop in the file) for ``ends[i - 1] <= j < ends[i]``, in document order.  The
    text of a use is the file's, except where the sentence differs from the file
    (a line break joined, inline markup removed): ``odd`` has those."""

    __slots__ = ("keys", "variants", "ends", "spans", "odd")

    def __init__(self, keys: tuple, variants: tuple, ends: array, spans: array, odd: dict):
        self.keys, self.variants, self.ends, self.spans, self.odd = keys, variants, ends, spans, odd

    def __reduce__(self):
        return DocumentUses, (self.keys, self.variants, self.ends, self.spans, self.odd)

    def __len__(self) -> int:
        """The number of uses."""
        return len(self.spans) // 2

    def count(self, i: int) -> int:
        """The number of uses of entry ``i``."""
        return self.ends[i] - (self.ends[i - 1] if i else 0)

    def places(self, i: int):
        """(start, stop) of each use of entry ``i``."""
        spans = self.spans
        for j in range(2 * (self.ends[i - 1] if i else 0), 2 * self.ends[i], 2):
            yield spans[j], spans[j + 1]

    def matched(self, text: str, start: int, stop: int) -> str:
        """The sentence's text of the use at [start, stop) of the file ``text``."""
        return self.odd.get((start, stop)) or text[start:stop]

    @classmethod
    def joined(cls, parts: list["DocumentUses"]) -> "DocumentUses":
        """The uses of consecutive pieces of one document (a huge file is collected
        window by window) as one: exactly what collecting the whole document gives,
        entries in the order of their first use and each entry's uses in document
        order."""
        if len(parts) == 1:
            return parts[0]
        index: dict[tuple, list[array]] = {}
        odd: dict = {}
        for part in parts:
            for i, entry in enumerate(zip(part.keys, part.variants)):
                lo, hi = 2 * (part.ends[i - 1] if i else 0), 2 * part.ends[i]
                index.setdefault(entry, []).append(part.spans[lo:hi])
            odd.update(part.odd)
        spans = array("i")
        ends = array("i")
        for pieces in index.values():
            for piece in pieces:
                spans.extend(piece)
            ends.append(len(spans) >> 1)
        return cls(tuple(k for k, _ in index), tuple(v for _, v in index), ends, spans, odd)


class UseSpan:
    """What a Hit needs of its sentence for a use reported after the use has left
    its document: the text of the use and its place in the file (a hit covers the
    whole use, so ``span`` ignores its arguments)."""

    __slots__ = ("text", "start", "stop")

    def __init__(self, text: str, start: int, stop: int):
        self.text, self.start, self.stop = text, start, stop

    def span(self, begin: int, end: int) -> tuple[int, int]:
        return self.start, self.stop


class _Claimed:
    """Disjoint spans of one document, kept sorted, so that whether a new one
    overlaps any is a binary search (a large file has thousands of reported uses)."""

    __slots__ = ("starts", "stops")

    def __init__(self):
        self.starts: list[int] = []
        self.stops: list[int] = []

    def claim(self, start: int, stop: int) -> bool:
        """Add [start, stop) unless it overlaps a span already there."""
        i = bisect.bisect_left(self.starts, stop)  # the spans before i start before stop
        if i and self.stops[i - 1] > start:
            return False
        self.starts.insert(i, start)
        self.stops.insert(i, stop)
        return True


class _Found:
    """The uses of one document while they are collected: entry number (see
    ``_EntryNumbers``) → flat list of file offsets (start, stop, start, stop …),
    turned into a DocumentUses at the end."""

    __slots__ = ("text", "index", "odd")

    def __init__(self, text: str):
        self.text = text
        self.index: dict[int, list[int]] = {}
        self.odd: dict[tuple[int, int], str] = {}

    def add(self, s, uses) -> None:
        """The uses in the sentence ``s``: (entry number, begin, end), offsets in ``s``;
        entry number 0 is no use (a word judged not to be grouped).
        One call per sentence and mode rather than one per use (a document has
        thousands).  Whether the sentence's text is the file's there is found out
        at the first use; where it is not, the text of each use is kept."""
        block, offset = s.block, s.offset
        starts, stops = block.starts, block.ends
        last = offset - 1
        index = self.index
        get = index.get
        plain = None
        for number, begin, end in uses:
            if not number:
                continue
            start, stop = starts[offset + begin], stops[last + end]
            found = get(number)
            if found is None:
                index[number] = [start, stop]
            else:
                found += (start, stop)
            if not plain:
                if plain is None:
                    plain = self._is_plain(s)
                if not plain:
                    self._note_odd(s.text[begin:end], start, stop)

    def _is_plain(self, s) -> bool:
        """Whether the sentence's text is the file's text at its place."""
        first, last = s.span(0, len(s.text))
        return self.text[first:last] == s.text

    def _note_odd(self, matched: str, start: int, stop: int) -> None:
        """Keep the sentence's text of a use where it differs from the file's (a line
        break joined, markup removed)."""
        if self.text[start:stop] != matched:
            self.odd[(start, stop)] = matched

    def freeze(self) -> DocumentUses:
        entries = list(map(_ENTRIES.entries.__getitem__, self.index))
        offsets = list(self.index.values())
        return DocumentUses(
            tuple(map(_KEY, entries)),
            tuple(map(_VARIANT, entries)),
            array("i", map(operator.rshift, accumulate(map(len, offsets)), repeat(1))),
            array("i", chain.from_iterable(offsets)),
            self.odd,
        )


class _EntryNumbers:
    """Process-wide numbers of entries ((mode, name), variant), the variant being the
    name itself when they are equal (one string to send).  A document's uses are
    grouped by entry number: an int is hashed at no cost, a tuple of strings is
    hashed anew at every use.  Numbers start at 1, so 0 can stand for "no entry"
    and a number is true.

    The numbers, and the words judged into them (``_WordTable``), are forgotten
    together between documents once there are more than ``limit`` of either (a
    long-lived language server must not grow without bound)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.tables: list[dict] = []  # word tables holding numbers, forgotten with them
        self._reset()

    def _reset(self) -> None:
        self.number: dict[tuple, int] = {}
        self.entries: list[tuple] = [None]

    def __call__(self, mode: str, name, variant: str) -> int:
        entry = ((mode, name), name if variant == name else variant)
        number = self.number.get(entry)
        if number is None:
            number = self.number[entry] = len(self.entries)
            self.entries.append(entry)
        return number

    def forget_if_full(self) -> None:
        """Start afresh when full; only between documents, while no number is held."""
        if len(self.entries) > self.limit or any(len(table) > self.limit for table in self.tables):
            self._reset()
            for table in self.tables:
                table.clear()


_ENTRIES = _EntryNumbers(1 << 17)
_KEY = operator.itemgetter(0)
_VARIANT = operator.itemgetter(1)


class _Fail(Exception):
    pass


def _parse_groups(items, where: str, label: str | None = None) -> list[Group]:
    """Groups from a list.  ``label`` is the dictionary file (errors then name
    ``label:LINE``); inline groups of a rule file raise PatternError instead."""

    def fail(item, message):
        line = getattr(item, "line", None)
        if label is not None:
            raise JalintError(f"{label}:{line or 1}: {message}")
        raise PatternError("groups", message + (f" (line {line})" if line else ""))

    if not isinstance(items, list):
        if label is not None:
            raise JalintError(f"{label}:1: {where} must be a list of groups")
        raise PatternError("groups", f"{where} must be a list of groups")
    groups = []
    for item in items:
        if isinstance(item, list):
            item = {"variants": item}
        if not isinstance(item, dict):
            fail(item, "each group must be a list of variants or a mapping with 'variants'")
        variants = item.get("variants")
        if not isinstance(variants, list) or len(variants) < 2 or not all(isinstance(v, str) and v for v in variants):
            fail(item, "a group needs at least two variants")
        seen = set()
        for v in variants:
            if v in seen:
                fail(item, f"duplicate member {v!r} in the group")
            seen.add(v)
        exclude = item.get("exclude", [])
        if not isinstance(exclude, list) or not all(isinstance(v, str) for v in exclude):
            fail(item, "'exclude' must be a list of strings")
        preferred = item.get("preferred")
        if preferred is not None and preferred not in variants:
            fail(item, f"preferred form {preferred!r} is not among the variants")
        if preferred is not None and preferred in exclude:
            fail(item, f"preferred form {preferred!r} is also excluded")
        koyobun = item.get("koyobun")
        if koyobun is not None and koyobun not in variants:
            fail(item, f"koyobun form {koyobun!r} is not among the variants")
        pos = item.get("pos")
        if pos is not None and not isinstance(pos, str):
            fail(item, "'pos' must be a part-of-speech prefix such as 名詞")
        for key in ("word", "lemma"):
            if not isinstance(item.get(key, False), bool):
                fail(item, f"'{key}' must be true or false")
        unknown = set(item) - GROUP_KEYS
        if unknown:
            fail(item, f"unknown key in group: {sorted(unknown)[0]}")
        at = f"{label}:{getattr(item, 'line', 1)}" if label is not None else ""
        groups.append(Group(list(variants), list(exclude), preferred, bool(item.get("word", False)), pos,
                            koyobun, bool(item.get("lemma", False)), at))
    return groups


def _check_overlaps(groups: list[Group]) -> None:
    """A member in two groups, or two groups preferring different forms of one word."""
    owner: dict[tuple, Group] = {}
    for g in groups:
        for v in g.variants:
            key = (v, g.lemma)
            other = owner.get(key)
            if other is not None:
                detail = f"{v!r} is also a member of the group at {other.where}" if other.where else f"{v!r} is in two groups"
                if other.preferred and g.preferred and other.preferred != g.preferred:
                    detail += f" (contradictory preferred forms {other.preferred!r} and {g.preferred!r})"
                if g.where:
                    raise JalintError(f"{g.where}: {detail}")
                raise PatternError("groups", detail)
            owner[key] = g


@functools.lru_cache(maxsize=None)
def load_dictionary(name: str) -> tuple:
    label = _label(name)
    data = load_yaml_file(_path(name), label, "dictionary")
    if not isinstance(data, dict):
        raise JalintError(f"{label}:1: a dictionary is a mapping")
    return tuple(data.items())


def _path(name: str) -> Path:
    """A dictionary file: a name under dictionaries/, or an absolute path."""
    from ..rules import package_data_dir

    path = Path(name)
    return path if path.is_absolute() else package_data_dir("dictionaries") / name


def _label(name: str) -> str:
    return f"dictionaries/{name}" if not Path(name).is_absolute() else name


def dictionary_groups(names: tuple) -> tuple:
    """The validated groups of one or more dictionary files, in order."""
    return _prepared(names)[0]


def text_members(groups) -> set[str]:
    """The members of ``groups`` found as text (not by lemma)."""
    return {v for g in groups if not g.lemma for v in g.variants}


def members_regex(names: tuple) -> re.Pattern | None:
    """``words_regex`` of the text members of the dictionary files ``names``."""
    pattern = _prepared(names)[1]
    return regexcache.compile(pattern) if pattern is not None else None


@functools.lru_cache(maxsize=None)
def _prepared(names: tuple) -> tuple:
    """(the validated groups of the dictionary files ``names``, the ``words_regex``
    pattern of their text members), kept in the user cache folder between runs:
    reading, validating and writing the pattern took 8 ms of every run's start,
    unpickling takes 1.5.  Keyed by the files (see ``yamlio.built_entry``)."""
    from ..yamlio import MISSING, built_entry

    entry = built_entry("variants", names, [_path(name) for name in names])
    if entry is not None:
        stored = entry.read()
        if stored is not MISSING:
            return stored
    groups: list[Group] = []
    for name in names:
        data = dict(load_dictionary(name))
        groups += _parse_groups(data.get("groups", []), "'groups'", _label(name))
    _check_overlaps(groups)
    regex = words_regex(text_members(groups))
    prepared = (tuple(groups), regex.pattern if regex is not None else None)
    if entry is not None:
        entry.write(prepared)
    return prepared


@functools.lru_cache(maxsize=1)
def _bundled_words():
    """(regex over the members of the bundled text groups, the first letters of
    those members, set of lemma members)."""
    from ..rules import package_data_dir

    names = tuple(n for n in BUNDLED if (package_data_dir("dictionaries") / n).is_file())
    groups = dictionary_groups(names) if names else ()
    lemmas = frozenset(v for g in groups if g.lemma for v in g.variants)
    return members_regex(names) if names else None, frozenset(w[0] for w in text_members(groups)), lemmas


def _covered(surface: str, lemma: str) -> bool:
    """Whether the bundled dictionaries have the word (asked once per distinct word:
    see ``_WordTable``).  A word without the first letter of any member has none of
    them in it, which most words show faster than the regex can."""
    regex, firsts, lemmas = _bundled_words()
    if lemma in lemmas or surface in lemmas:
        return True
    return regex is not None and not firsts.isdisjoint(surface) and regex.search(surface) is not None


class _WordTable(dict):
    """word → ``judge(word)``, an entry number or 0, judged when the word is first met
    and then shared by every document of the process: a corpus has tens of
    thousands of tokens of a few thousand words, and judging one (the bundled
    dictionaries' regex, folding) costs far more than a lookup."""

    __slots__ = ("judge",)

    def __init__(self, judge):
        super().__init__()
        self.judge = judge
        _ENTRIES.tables.append(self)

    def __missing__(self, word):
        value = self[word] = self.judge(word)
        return value


def _auto_entry(word: tuple[str, str, str]) -> int:
    """The number of the entry under which a content word (surface, normalized,
    dictionary form) is grouped by its normalized form, or 0: a one-letter word that
    is its own normalized form, or a word the bundled dictionaries leave to
    consistency/terms."""
    surface, normalized, dictionary = word
    if dictionary == normalized and len(surface) < 2:
        return 0
    if _covered(surface, dictionary):
        return 0
    return _ENTRIES("auto", normalized, dictionary)


_AUTO_ENTRY = _WordTable(_auto_entry)


def _script(c: str) -> str:
    o = ord(c)
    if 0x3040 <= o <= 0x309F:
        return "h"
    if 0x30A0 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF:
        return "k"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or o >= 0x20000 or c in "々〆":
        return "K"
    return "o"


def _signature(word: str) -> str:
    out = []
    for c in word:
        s = _script(c)
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out)


def not_variant_pairs() -> frozenset:
    """Ordered pairs of forms that dictionaries/not-variants.yaml lists as different words."""
    return _not_variants()


@functools.lru_cache(maxsize=1)
def _not_variants() -> frozenset:
    data = dict(load_dictionary("not-variants.yaml"))
    pairs = set()
    for group in data.get("different_words", []):
        for a in group:
            for b in group:
                if a != b:
                    pairs.add((a, b))
    return frozenset(pairs)


@functools.lru_cache(maxsize=65536)
def _lemma_reading(word: str) -> str:
    from ..tokenizer import tokenize_text

    return "".join(t.reading for t in tokenize_text(word))


def auto_variant_ok(a: str, b: str) -> bool:
    """Whether two dictionary forms sharing a normalized form are spelling variants
    of one word (子ども/子供, 行なう/行う), not different words (超える/越える)."""
    if (a, b) in _not_variants():
        return False
    if unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b):
        return False  # width differences are another rule's job
    sa, sb = _signature(a), _signature(b)
    if "o" in sa or "o" in sb:
        return False
    if sa == "k" and sb == "k":
        return True  # katakana spellings of one loanword (シミュレーション/シュミレーション)
    if sa == sb:
        return False  # a different kanji (異字同訓), not a different spelling
    return _lemma_reading(a) == _lemma_reading(b)


# -- katakana spellings ---------------------------------------------------------------
KATA_RUN = regexcache.compile(r"[ァ-ヺー]{3,}")
_SMALL = str.maketrans("ァィゥェォヵヶャュョヮ", "アイウエオカケヤユヨワ")
_VU = (("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴュ", "ビュ"), ("ヴ", "ブ"))


def kata_fold(word: str) -> str:
    """The key katakana spellings of one loanword share: ヴ-row as バ-row, small
    vowels and ャュョ as full size, long-vowel marks dropped.  ッ is kept: ステッキ
    and ステーキ are different words."""
    for a, b in _VU:
        word = word.replace(a, b)
    return word.translate(_SMALL).replace("ー", "")


def kata_variant_ok(a: str, b: str) -> bool:
    """Whether two katakana words with one fold key are spellings of one loanword.
    A long-vowel mark may differ at the end of a word of at least three letters
    (サーバ/サーバー, but not ビル/ビール or カバ/カバー); inside a word only when both are
    long (インタフェース/インターフェース, not レザー/レーザー)."""
    if a == b or (a, b) in _not_variants():
        return False
    if min(len(a), len(b)) < 3:
        return False
    if kata_fold(a) != kata_fold(b):
        return False
    ta, tb = a.rstrip("ー"), b.rstrip("ー")
    # the long vowels inside the word, after folding small kana and ヴ
    ia = _fold_soft(ta)
    ib = _fold_soft(tb)
    if ia == ib:
        return len(ta) >= 3 and len(tb) >= 3  # a trailing ー, or small kana / ヴ
    return min(len(a), len(b)) >= 5


def _fold_soft(word: str) -> str:
    for x, y in _VU:
        word = word.replace(x, y)
    return word.translate(_SMALL)


def _one_token(s, begin: int, end: int) -> bool:
    """Whether [begin, end) of the sentence ``s`` is one token, as most katakana
    runs are (a quicker answer than the list of the tokens in it)."""
    tokens = s.tokens
    i = s.token_index(begin)
    return i < len(tokens) and tokens[i].begin == begin and tokens[i].end == end


def _kata_entry(word: str) -> int:
    """The number of the entry under which a katakana word is grouped by its fold
    key, or 0 for a word the bundled dictionaries leave to consistency/terms."""
    if _covered(word, word):
        return 0
    return _ENTRIES("kata", kata_fold(word), word)


_KATA_ENTRY = _WordTable(_kata_entry)


class Consistency:
    def __init__(self, spec: dict):
        groups: list[Group] = []
        if "dictionary" in spec:
            names = spec["dictionary"]
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
                raise PatternError("dictionary", "'dictionary' must be a file name in dictionaries/ or a list of them")
            names = tuple(names)
            groups += list(dictionary_groups(names))
        inline = "groups" in spec
        if inline:
            groups += _parse_groups(spec["groups"], "'groups'")
            _check_overlaps(groups)  # (the dictionaries' own groups are checked as they are prepared)
        auto = spec.get("auto")
        modes = [auto] if isinstance(auto, str) else auto
        if modes is not None and (not isinstance(modes, list) or not modes or any(m not in AUTO_MODES for m in modes)):
            raise PatternError("auto", "'auto' must be 'normalized', 'katakana' or a list of them")
        if not groups and auto is None:
            raise PatternError("groups", "a consistency rule needs 'groups', 'dictionary' or 'auto'")
        prefer = spec.get("prefer", "preferred")
        if prefer not in PREFER:
            raise PatternError("prefer", "'prefer' must be 'preferred', 'majority' or 'koyobun'")
        self.prefer = prefer
        self.groups = groups
        self.auto = "normalized" in (modes or [])
        self.katakana = "katakana" in (modes or [])
        self.member_of: dict[str, list[int]] = {}
        self.lemma_of: dict[str, list[int]] = {}
        # a text member is excluded only by the excluded words that contain it
        self.exclude_of: dict[tuple[int, str], list[str]] = {}
        for gi, g in enumerate(groups):
            for v in g.variants:
                (self.lemma_of if g.lemma else self.member_of).setdefault(v, []).append(gi)
                if not g.lemma:
                    self.exclude_of[(gi, v)] = [ex for ex in g.exclude if v in ex]
        dictionary_only = "dictionary" in spec and not inline
        self.regex = members_regex(names) if dictionary_only else words_regex(self.member_of)

    # -- collecting -------------------------------------------------------------
    def collect(self, doc) -> DocumentUses:
        """The uses in ``doc``, sentence by sentence and in each sentence group words,
        lemmas, normalized forms and katakana (the order in which a project-wide pass
        meets the groups decides the order of its findings)."""
        _ENTRIES.forget_if_full()
        found = _Found(doc.text)
        gatherers = [gather for gather, on in ((self._group_uses, self.regex is not None),
                                               (self._lemma_uses, bool(self.lemma_of)),
                                               (self._auto_uses, self.auto),
                                               (self._katakana_uses, self.katakana)) if on]
        for s in doc.sentences:
            # None: the sentence has no quote, so no mention
            free = _mention_free(s.text) if _QUOTE.search(s.text) else None
            for gather in gatherers:
                gather(s, free, found)
        return found.freeze()

    @staticmethod
    def _excluded(text: str, begin: int, end: int, exclude: list[str]) -> bool:
        """Whether the use lies inside one of the excluded longer words."""
        for ex in exclude:
            k = text.find(ex, max(0, end - len(ex)), begin + len(ex))
            while k != -1 and k <= begin:
                if k + len(ex) >= end:
                    return True
                k = text.find(ex, k + 1, begin + len(ex))
        return False

    @staticmethod
    def _pos_at(s, begin: int, end: int, pos: str) -> bool:
        """Whether the tokens under [begin, end) include one of part of speech ``pos``
        and no verb (取り組み the noun, not 取り組み|ます the verb)."""
        found = False
        for t in s.tokens_in(begin, end):
            if t.pos[0] in ("動詞", "形容詞") and not pos.startswith(t.pos[0]):
                return False
            if t.pos_str.startswith(pos):
                found = True
        return found

    def _group_uses(self, s, free: array | None, found: _Found) -> None:
        text = s.text
        uses = []
        for m in self.regex.finditer(text):
            b, e = m.span()
            if _mentioned(text, free, b, e):
                continue
            word = m.group(0)
            for gi in self.member_of[word]:
                g = self.groups[gi]
                if g.word:
                    begins, ends = s.token_bounds()
                    if b not in begins or e not in ends:
                        continue
                exclude = self.exclude_of[(gi, word)]
                if exclude and self._excluded(text, b, e, exclude):
                    continue
                if g.pos is not None and not self._pos_at(s, b, e, g.pos):
                    continue
                uses.append((_ENTRIES("group", gi, word), b, e))
        if uses:
            found.add(s, uses)

    def _lemma_uses(self, s, free: array | None, found: _Found) -> None:
        text = s.text
        lemma_of = self.lemma_of
        tokens = s.tokens
        uses = []
        for t in compress(tokens, map(lemma_of.__contains__, map(_DICTIONARY, tokens))):
            if _mentioned(text, free, t.begin, t.end):
                continue
            for gi in lemma_of[t.dictionary]:
                g = self.groups[gi]
                if g.pos is not None and not t.pos_str.startswith(g.pos):
                    continue
                if g.exclude and self._excluded(text, t.begin, t.end, g.exclude):
                    continue
                uses.append((_ENTRIES("group", gi, t.dictionary), t.begin, t.end))
        if uses:
            found.add(s, uses)

    @staticmethod
    def _auto_uses(s, free: array | None, found: _Found) -> None:
        """Content words by their normalized form.  Each distinct word is judged once
        per process (``_AUTO_ENTRY``), and the tokens are filtered and turned into
        uses by C-level maps, first by part of speech, then by word: a document
        has thousands of them."""
        tokens = s.tokens
        words = list(compress(tokens, map(_AUTO_POS_OK.__getitem__, map(_POS_STR, tokens))))
        uses = zip(map(_AUTO_ENTRY.__getitem__, map(_AUTO_WORD, words)), map(_BEGIN, words), map(_END, words))
        if free is not None:
            text = s.text
            uses = [use for use in uses if use[0] and not _mentioned(text, free, use[1], use[2])]
        found.add(s, uses)

    @staticmethod
    def _katakana_uses(s, free: array | None, found: _Found) -> None:
        """Katakana words: each maximal run of katakana (サーバセキュリティ) and, where a
        run is several tokens, each katakana token of three letters or more in it."""
        text = s.text
        uses = []
        for m in KATA_RUN.finditer(text):
            b, e = m.span()
            if _mentioned(text, free, b, e):
                continue
            number = _KATA_ENTRY[m.group()]
            if number:
                uses.append((number, b, e))
            if _one_token(s, b, e):
                continue
            inner = [t for t in s.tokens_in(b, e) if t.begin >= b and t.end <= e]
            if len(inner) > 1:
                for t in inner:
                    if t.end - t.begin >= 3 and KATA_RUN.fullmatch(t.surface):
                        number = _KATA_ENTRY[text[t.begin:t.end]]
                        if number:
                            uses.append((number, t.begin, t.end))
        if uses:
            found.add(s, uses)

    # -- deciding ---------------------------------------------------------------
    def decide(self, found: list, rule, where=None, relate=None):
        """Hits for the minority uses in ``found``: (document, DocumentUses) pairs in
        the order the documents were counted (a document needs ``text``).  Yields
        (document, hit).  ``where(doc, start)`` names the first use of the dominant
        form for the message; ``relate(doc, start)`` gives a hit's related location
        for each of the first uses of the dominant form (none without it)."""
        reported: dict[int, _Claimed] = {}  # id(DocumentUses) → the spans reported in the document
        for key, variants in self._contested(found).items():
            pair_ok = None
            if key[0] in ("auto", "kata"):
                pair_ok = kata_variant_ok if key[0] == "kata" else auto_variant_ok
                variants = self._auto_filter(variants, pair_ok)
                if len(variants) < 2:
                    continue
                preferred = None
                order = list(variants)
                source = None
            else:
                g = self.groups[key[1]]
                preferred = None
                if self.prefer == "koyobun":
                    preferred = g.koyobun or g.preferred
                elif self.prefer == "preferred":
                    preferred = g.preferred
                order = g.variants
                source = g.where or None
            counts = {v: sum(uses.count(i) for _, uses, i in places) for v, places in variants.items()}
            if preferred is not None and preferred in variants:
                dominant = preferred
            else:
                dominant = max(variants, key=lambda v: (counts[v], -order.index(v) if v in order else 0))
            first = self._first_places(variants[dominant], 3)
            place = where(*first[0]) if where else ""
            related = [relate(doc, start) for doc, start in first] if relate else []
            for v, places in variants.items():
                if v == dominant:
                    continue
                if pair_ok is not None and not (pair_ok(v, dominant) if v < dominant else pair_ok(dominant, v)):
                    continue  # kept only through a third form (併せる ~ あわせる ~ 合わせる)
                for doc, uses, i in places:
                    done = reported.setdefault(id(uses), _Claimed())
                    for start, stop in uses.places(i):
                        if not done.claim(start, stop):
                            continue  # a katakana token inside a run already reported
                        matched = uses.matched(doc.text, start, stop)
                        suggestion = self._suggest(matched, v, dominant)
                        msg = render(rule.message, match=matched, variant=v, dominant=dominant,
                                     count=counts[dominant], where=place)
                        yield doc, Hit(UseSpan(matched, start, stop), 0, len(matched), msg,
                                       [suggestion] if suggestion else [], related=list(related), source=source)

    @staticmethod
    def _contested(found: list) -> dict:
        """key → variant → [(document, DocumentUses, entry)] for the groups of which
        more than one variant is used, in the order of their first uses.  Most groups
        have one variant only: they are found with a first pass that keeps nothing."""
        first: dict = {}
        contested = set()
        for _, uses in found:
            for key, variant in zip(uses.keys, uses.variants):
                if first.setdefault(key, variant) != variant:
                    contested.add(key)
        by_group: dict = {}
        if contested:
            for doc, uses in found:
                for i, key in enumerate(uses.keys):
                    if key in contested:
                        by_group.setdefault(key, {}).setdefault(uses.variants[i], []).append((doc, uses, i))
        return by_group

    @staticmethod
    def _first_places(places: list, n: int) -> list:
        """(document, start) of the first ``n`` uses of ``places``."""
        out = []
        for doc, uses, i in places:
            for start, _ in uses.places(i):
                out.append((doc, start))
                if len(out) == n:
                    return out
        return out

    @staticmethod
    def _suggest(matched: str, variant: str, dominant: str) -> str | None:
        if matched == variant:
            return dominant
        # an inflected form: swap the shared stem when it is unambiguous
        i = 0
        while i < min(len(variant), len(dominant)) and variant[-1 - i] == dominant[-1 - i]:
            i += 1
        vstem, dstem = variant[: len(variant) - i], dominant[: len(dominant) - i]
        if vstem and matched.startswith(vstem):
            return dstem + matched[len(vstem):]
        return None

    @staticmethod
    def _auto_filter(variants: dict[str, list], ok) -> dict[str, list]:
        forms = list(variants)
        keep = set()
        for a in forms:
            for b in forms:
                if a < b and ok(a, b):
                    keep.update((a, b))
        return {v: variants[v] for v in forms if v in keep}

    def counts(self) -> list[tuple[str, int]]:
        out = []
        if self.groups:
            out.append(("variant groups", len(self.groups)))
        if self.auto:
            out.append(("groups found by Sudachi's normalized form", 0))
        if self.katakana:
            out.append(("groups found among katakana spellings", 0))
        return out

    def check(self, doc, rule):
        """Hits in ``doc`` counted over ``doc`` alone."""
        def where(d, start: int) -> str:
            line, col = d.lines.position(start)
            return f"{line}:{col}"

        return (hit for _, hit in self.decide([(doc, self.collect(doc))], rule, where))


def compile(spec: dict) -> Consistency:
    return Consistency(spec)
