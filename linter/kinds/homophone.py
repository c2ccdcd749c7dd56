"""Homophone misconversions from confusion sets (``dictionaries/homophones/*.yaml``).

A confusion set is a group of words an IME confuses because they share a reading.
Each member carries context cues: the words it goes with.  A cue is a short pattern
in which 〜 stands for the member: ``機運を〜`` (the member follows 機運を),
``〜を高め`` (を高め follows it), ``国際〜``.  A cue may use ``(a|b)`` alternation.

An occurrence of member M is reported when the cues of another member N are present
around it and none of M's own cues are; the suggestion is N (inflected like M).
``strong`` cues make an error, ``cues`` a warning::

    sets:
      - reading: じょうせい
        members:
          醸成: {strong: [機運を〜, 文化の〜, 〜を図], cues: [意識の〜]}
          情勢: {strong: [国際〜, 〜が緊迫], cues: [社会〜]}

Rule::

    kind: homophone
    dictionaries: [homophones]     # files or folders under dictionaries/
"""
from __future__ import annotations

import functools
import itertools
import operator
import re
from pathlib import Path

from .. import regexcache
from ..document import Hit
from ..errors import JalintError
from ..matching import PatternError, render
from ..record import Record
from ..yamlio import LineDict, load_yaml_file

KEYS = {"dictionaries", "window"}
TILDE = ("〜", "～")
LEMMA_POS = ("動詞", "形容詞")
_DICTIONARY_FORM = operator.attrgetter("dictionary")


_MAX_LITERALS = 2000
_LITERAL = r"[^\\.^$*+?{}\[\]|()]"
# a group of literal alternatives (most cues are made of these), a run of literal
# characters, or one character of regular-expression syntax
_CUE_PIECE = regexcache.compile(rf"\({_LITERAL}*(?:\|{_LITERAL}*)*\)|{_LITERAL}+|.", re.DOTALL)
# one group of literal alternatives between literal text, (a|b|c)を: most cues
_ONE_GROUP = regexcache.compile(rf"({_LITERAL}*)\(({_LITERAL}*(?:\|{_LITERAL}*)*)\)({_LITERAL}*)")
_SYNTAX = "\\.^$*+?{}[]|()"
_SYNTAX_CHAR = regexcache.compile(r"[\\.^$*+?{}\[\]|()]")


def literal_strings(pattern: str) -> frozenset[str] | None:
    """Every string ``pattern`` matches, when it is only literal text, ``(a|b)``
    groups and ``?`` (most cues are); None otherwise, or when the strings would
    be too many.  Matching a cue against a set of strings needs no regular
    expression: compiling thousands of them dominated a run."""
    if _SYNTAX_CHAR.search(pattern) is None:
        return frozenset((pattern,))
    one_group = _ONE_GROUP.fullmatch(pattern)
    if one_group is not None:  # the usual shape: before(a|b|c)after
        before, alternatives, after = one_group.groups()
        strings = alternatives.split("|")
        if before:
            strings = map(before.__add__, strings)
        if after:
            strings = map(operator.add, strings, itertools.repeat(after))
        strings = frozenset(strings)
        return strings if len(strings) <= _MAX_LITERALS else None
    return _expanded(pattern)


def _expanded(pattern: str) -> frozenset[str] | None:
    """literal_strings of any pattern, piece by piece."""
    pieces = _CUE_PIECE.findall(pattern)
    groups = []  # per open group: (its alternatives so far, the sequence before it)
    alternatives, sequence = set(), {""}
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        i += 1
        optional = i < len(pieces) and pieces[i] == "?"
        if piece == "(":
            if optional:  # (?…) extensions
                return None
            groups.append((alternatives, sequence))
            alternatives, sequence = set(), {""}
            continue
        if piece == "|":
            alternatives |= sequence
            sequence = {""}
            continue
        if piece == ")":
            if not groups:
                return None
            atom = alternatives | sequence
            alternatives, sequence = groups.pop()
        elif piece[0] == "(":  # a group without groups inside: (a|b|c)
            atom = set(piece[1:-1].split("|"))
        elif piece[0] in _SYNTAX:
            return None
        elif optional and len(piece) > 1:  # ? applies to the last character only
            sequence = {s + piece[:-1] for s in sequence}
            atom = {piece[-1]}
        else:
            atom = {piece}
        if optional:
            atom = atom | {""}
            i += 1
        if i < len(pieces) and pieces[i] in ("?", "*", "+", "{"):
            return None
        sequence = {s + a for s in sequence for a in atom}
        if len(sequence) > _MAX_LITERALS:
            return None
    if groups:
        return None
    return frozenset(alternatives | sequence)


class Cue(Record):
    """One cue of a member: the pattern to the left of 〜 and the one to its right.
    Matching goes through CueSide; ``compile`` validates the patterns and names the
    file and line of a bad one."""

    # No __slots__ here nor in Member, ConfusionSet and Dictionary: they are unpickled
    # from the user cache (prepared_dictionaries), and instances with a __dict__ load faster.
    # Cue, Member and ConfusionSet pickle as the arguments of their constructor (half
    # the time to unpickle, in every worker process), without what is built as the
    # sets are met (compiled and expanded cues, matchers, filters).
    _fields = ("text", "left_src", "right_src", "strong", "line", "label", "_compiled", "_literals")

    def __reduce__(self):
        return Cue, (self.text, self.left_src, self.right_src, self.strong, self.line, self.label)

    def __init__(self, text: str, left_src: str, right_src: str, strong: bool, line: int, label: str = "",
                 _compiled: tuple | None = None, _literals: tuple | None = None) -> None:
        self.text = text
        self.left_src = left_src
        self.right_src = right_src
        self.strong = strong
        self.line = line
        self.label = label
        self._compiled = _compiled
        self._literals = _literals

    def literals(self, left: bool) -> frozenset[str] | None:
        """``literal_strings`` of one side, worked out once: the set's cue filter
        and the member's matchers both need them."""
        if self._literals is None:
            self._literals = (literal_strings(self.left_src), literal_strings(self.right_src))
        return self._literals[0 if left else 1]

    def compile(self) -> tuple:
        if self._compiled is None:
            try:
                lp = regexcache.compile(f"(?:{self.left_src})$") if self.left_src else None
                rp = regexcache.compile(f"^(?:{self.right_src})") if self.right_src else None
            except re.error as exc:
                raise JalintError(f"{self.label}:{self.line}: cue {self.text!r} is not a valid pattern ({exc})") from None
            self._compiled = (lp, rp)
        return self._compiled


class CueSide:
    """Cues that look to one side of the word (``left``: the text before it ends with
    the cue; otherwise the text after it begins with it), matched together.

    ``first`` answers as one regular expression ``(?:c0|c1|…)$`` (left) or
    ``^(?:c0|c1|…)`` (right) searched in the text would: on the left the match that
    starts first wins, then the cue listed first; on the right the cue listed first.
    Cues that are literal strings (see literal_strings) are looked up in a table;
    only the others are compiled, into one expression."""

    def __init__(self, cues: list[Cue], left: bool):
        self.cues = cues
        self.left = left
        self.table: dict[str, int] = {}  # literal → index of the first cue matching it
        patterns = []
        for i in range(len(cues) - 1, -1, -1):  # the first cue's index is written last
            strings = cues[i].literals(left)
            if strings is None:
                patterns.insert(0, i)
            else:
                self.table.update(dict.fromkeys(strings, i))
        self.lengths = sorted(set(map(len, self.table)), reverse=left)
        # a literal can only match if the text ends (left) / begins (right) with one of these
        self.edges = None if "" in self.table else frozenset(map(operator.itemgetter(-1 if left else 0), self.table))
        self.regex = self._compile(patterns) if patterns else None

    def _compile(self, indexes: list[int]) -> re.Pattern:
        body = "|".join(f"(?P<c{i}>{self.cues[i].left_src if self.left else self.cues[i].right_src})" for i in indexes)
        try:
            return regexcache.compile(f"(?:{body})$" if self.left else f"^(?:{body})")
        except re.error:
            for i in indexes:
                self.cues[i].compile()  # reports the bad cue with its file and line
            raise

    def first(self, text: str) -> Cue | None:
        """The cue found in ``text`` (None if none is)."""
        found = self._first_left(text) if self.left else self._first_right(text)  # (start, cue index)
        if self.regex is not None:
            m = self.regex.search(text)
            if m:
                i = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
                if found is None or (m.start(), i) < found:
                    found = (m.start(), i)
        return None if found is None else self.cues[found[1]]

    def _first_left(self, text: str) -> tuple[int, int] | None:
        """The longest literal that ends ``text``, as (where it starts, its cue)."""
        table = self.table
        if not table:
            return None
        n = len(text)
        if text.endswith("\n"):
            return self._first_left_before_newline(text)
        if self.edges is not None and (not n or text[-1] not in self.edges):
            return None
        for length in self.lengths:  # longest first
            if length <= n:
                i = table.get(text[n - length:])
                if i is not None:
                    return n - length, i
        return None

    def _first_left_before_newline(self, text: str) -> tuple[int, int] | None:
        """``$`` also matches just before a newline that ends the text, so a literal
        may end there too."""
        table = self.table
        for start in range(len(text)):
            hits = [i for i in (table.get(text[start:]), table.get(text[start:-1])) if i is not None]
            if hits:
                return start, min(hits)
        i = table.get("")
        return None if i is None else (len(text), i)

    def _first_right(self, text: str) -> tuple[int, int] | None:
        """The first cue with a literal that begins ``text``, as (0, its cue)."""
        table = self.table
        if not table or (self.edges is not None and (not text or text[0] not in self.edges)):
            return None
        best = None
        for length in self.lengths:  # shortest first
            if length > len(text):
                break
            i = table.get(text[:length])
            if i is not None and (best is None or i < best):
                best = i
        return None if best is None else (0, best)


class Member(Record):
    _fields = ("word", "cues", "line", "lemma", "reading", "stem", "_matchers")

    def __init__(self, word: str, cues: list[Cue], line: int, lemma: bool = False, reading: str | None = None,
                 stem: str = "", _matchers: list | None = None) -> None:
        self.word = word
        self.cues = cues
        self.line = line
        self.lemma = lemma  # matched by dictionary form (verbs, adjectives)
        self.reading = reading  # katakana, when the member is one token
        self.stem = stem  # the part that changes when swapping members (計る → 計)
        self._matchers = _matchers

    def __reduce__(self):
        return Member, (self.word, self.cues, self.line, self.lemma, self.reading, self.stem)

    def _build(self) -> list:
        """Per strength: the cues that look only left, matched together, those that
        look only right, then each cue that needs both sides.  Built the first time
        the member's set is met: a document meets few of the sets."""
        matchers = []
        for strong in (True, False):
            cues = [c for c in self.cues if c.strong == strong]
            left = [c for c in cues if c.left_src and not c.right_src]
            right = [c for c in cues if c.right_src and not c.left_src]
            if left:
                matchers.append((CueSide(left, True), None))
            if right:
                matchers.append((None, CueSide(right, False)))
            for c in cues:
                if c.left_src and c.right_src:
                    matchers.append((CueSide([c], True), CueSide([c], False)))
        self._matchers = matchers
        return matchers

    def best_cue(self, before: str, after: str) -> "Cue | None":
        """The cue that holds around the word, a strong one first; None if none does."""
        for left, right in self._matchers if self._matchers is not None else self._build():
            if right is None:
                cue = left.first(before)
            elif left is None:
                cue = right.first(after)
            else:
                cue = left.first(before) and right.first(after)
            if cue is not None:
                return cue
        return None


class CueFilter:
    """Whether any cue of a set could hold around a word, answered by looking up the
    few strings at the word's edges: most occurrences of a member have no cue of
    their set around them, and telling that member by member, cue side by cue side,
    was most of the rule's time.  Never wrong the other way: when it says no, no
    cue holds (a cue needs its left side to end the text before the word, or its
    right side to begin the text after it).  A set with a cue side that is not a
    set of plain strings (see literal_strings) always answers yes."""

    def __init__(self, members: list[Member]):
        left: set[str] = set()
        right: set[str] = set()
        self.always = False
        for cue in (c for m in members for c in m.cues):
            for is_left, src, strings in ((True, cue.left_src, left), (False, cue.right_src, right)):
                found = cue.literals(is_left) if src else frozenset()
                if found is None or "" in found:
                    self.always = True
                else:
                    strings |= found
        self.left, self.right = frozenset(left), frozenset(right)
        self.left_lengths = sorted(set(map(len, left)))
        self.right_lengths = sorted(set(map(len, right)))
        self.left_ends = frozenset(map(operator.itemgetter(-1), left))
        self.right_starts = frozenset(map(operator.itemgetter(0), right))

    def may_hold(self, before: str, after: str) -> bool:
        if self.always:
            return True
        if before:
            last = before[-1]
            if last == "\n":  # a left cue's $ also matches before a final newline
                return True
            if last in self.left_ends:
                table = self.left
                for length in self.left_lengths:
                    if before[-length:] in table:
                        return True
        if after and after[0] in self.right_starts:
            table = self.right
            for length in self.right_lengths:
                if after[:length] in table:
                    return True
        return False


class ConfusionSet(Record):
    _fields = ("reading", "members", "source", "index", "_filter")

    def __init__(self, reading: str, members: list[Member], source: str, index: int = 0,
                 _filter: CueFilter | None = None) -> None:
        self.reading = reading
        self.members = members
        self.source = source  # FILE:LINE
        self.index = index
        self._filter = _filter

    def __reduce__(self):
        return ConfusionSet, (self.reading, self.members, self.source, self.index)

    @property
    def cue_filter(self) -> CueFilter:
        """Built the first time one of the set's words is met."""
        if self._filter is None:
            self._filter = CueFilter(self.members)
        return self._filter


class Dictionary(Record):
    _fields = ("sets", "by_surface", "by_lemma", "lemma_forms", "regex")

    def __init__(self, sets: list[ConfusionSet] | None = None,
                 by_surface: dict[str, list[tuple[ConfusionSet, Member]]] | None = None,
                 by_lemma: dict[str, list[tuple[ConfusionSet, Member]]] | None = None,
                 lemma_forms: frozenset[str] = frozenset(), regex: re.Pattern | None = None) -> None:
        self.sets = [] if sets is None else sets
        self.by_surface = {} if by_surface is None else by_surface
        self.by_lemma = {} if by_lemma is None else by_lemma
        self.lemma_forms = lemma_forms  # by_lemma's keys, for a quick set test
        self.regex = regex


def _compile_cue(text, label: str, line: int, strong: bool, validate: bool = False) -> Cue:
    if not isinstance(text, str):
        raise JalintError(f"{label}:{line}: a cue must be a string with 〜 marking the word")
    t = text.replace("～", "〜")
    if t.count("〜") != 1:
        raise JalintError(f"{label}:{line}: cue {text!r} must contain exactly one 〜 (where the word stands)")
    left, right = t.split("〜")
    if not left and not right:
        raise JalintError(f"{label}:{line}: cue {text!r} has no context around 〜")
    cue = Cue(text, left, right, strong, line, label)
    if validate:
        cue.compile()
    return cue


def _shared_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def load_file(path: Path, label: str, seen: dict, validate: bool = False) -> list[ConfusionSet]:
    data = load_yaml_file(path, label, "dictionary")
    if not isinstance(data, LineDict) or not isinstance(data.get("sets"), list):
        raise JalintError(f"{label}:1: a homophone dictionary is a mapping with a 'sets' list")
    unknown = set(data) - {"sets", "source", "license"}
    if unknown:
        key = sorted(unknown)[0]
        raise JalintError(f"{label}:{data.line_of(key)}: unknown key '{key}' (use sets)")
    out = []
    for item in data["sets"]:
        if not isinstance(item, LineDict):
            raise JalintError(f"{label}:{data.line_of('sets')}: each set must be a mapping with reading and members")
        line = item.line
        bad = set(item) - {"reading", "members", "note"}
        if bad:
            key = sorted(bad)[0]
            raise JalintError(f"{label}:{item.line_of(key)}: unknown key '{key}' in a confusion set")
        reading = item.get("reading")
        if not isinstance(reading, str) or not re.fullmatch(r"[ぁ-ゖー]+", reading):
            raise JalintError(f"{label}:{item.line_of('reading')}: 'reading' must be hiragana")
        members_spec = item.get("members")
        if not isinstance(members_spec, LineDict) or len(members_spec) < 2:
            raise JalintError(f"{label}:{item.line_of('members')}: a set needs at least two members")
        members = []
        cue_owner: dict[str, str] = {}
        for word, spec in members_spec.items():
            mline = members_spec.line_of(word)
            if not isinstance(word, str) or not word:
                raise JalintError(f"{label}:{mline}: a member must be a word")
            if spec is None:
                spec = LineDict()
                spec.line, spec.key_lines = mline, {}
            if not isinstance(spec, LineDict):
                raise JalintError(f"{label}:{mline}: member {word}: give a mapping with strong/cues lists")
            bad = set(spec) - {"strong", "cues", "note"}
            if bad:
                raise JalintError(f"{label}:{mline}: member {word}: unknown key '{sorted(bad)[0]}' (use strong, cues)")
            cues = []
            for key, strong in (("strong", True), ("cues", False)):
                items = spec.get(key, [])
                if not isinstance(items, list):
                    raise JalintError(f"{label}:{spec.line_of(key)}: member {word}: '{key}' must be a list")
                for ci, c in enumerate(items):
                    cline = items.line_of_item(ci, spec.line_of(key)) if hasattr(items, "line_of_item") else spec.line_of(key)
                    cue = _compile_cue(c, label, cline, strong, validate)
                    owner = cue_owner.get(cue.text)
                    if owner is not None:
                        raise JalintError(
                            f"{label}:{spec.line_of(key)}: cue {cue.text!r} is given for both {owner} and {word}: it cannot tell them apart"
                        )
                    cue_owner[cue.text] = word
                    cues.append(cue)
            key = (word, reading)
            if key in seen:
                raise JalintError(f"{label}:{mline}: member {word} ({reading}) is already in the set at {seen[key]}")
            seen[key] = f"{label}:{line}"
            members.append(Member(word, cues, mline))
        if not any(m.cues for m in members):
            raise JalintError(f"{label}:{line}: set {reading} has no cues: it can never decide anything")
        out.append(ConfusionSet(reading, members, f"{label}:{line}"))
    _classify_members(out)
    return out


def _classify_members(sets: list[ConfusionSet]) -> None:
    """Tokenize every member once (in one call): a one-token verb or adjective is
    matched by its dictionary form; a one-token word keeps its reading."""
    from ..tokenizer import tokenize_text

    members = [m for cs in sets for m in cs.members]
    if not members:
        return
    text = "\n".join(m.word for m in members)
    tokens = [t for t in tokenize_text(text) if t.surface != "\n"]
    starts, pos = [], 0
    for m in members:
        starts.append((pos, pos + len(m.word)))
        pos += len(m.word) + 1
    k = 0
    for m, (b, e) in zip(members, starts):
        mine = []
        while k < len(tokens) and tokens[k].begin < e:
            if tokens[k].begin >= b:
                mine.append(tokens[k])
            k += 1
        if len(mine) == 1:
            t = mine[0]
            m.lemma = t.pos[0] in LEMMA_POS and t.dictionary == m.word
            m.reading = t.reading
    for cs in sets:
        for m in cs.members:
            others = [o.word for o in cs.members if o is not m]
            n = min(_shared_suffix(m.word, o) for o in others)
            m.stem = m.word[: len(m.word) - n] if m.lemma else m.word


def _files(name: str) -> list[tuple[Path, str]]:
    from ..rules import package_data_dir

    path = Path(name)
    if not path.is_absolute():
        base = package_data_dir("dictionaries")
        candidates = [base / name, base / f"{name}.yaml"]
        path = next((p for p in candidates if p.exists()), candidates[0])
        label_base = "dictionaries/"
        rel = lambda p: label_base + p.relative_to(base).as_posix()  # noqa: E731
    else:
        rel = str  # noqa: E731
    if path.is_dir():
        return [(p, rel(p)) for p in sorted(path.glob("*.yaml"))]
    if not path.exists():
        raise JalintError(f"{name}: no such homophone dictionary")
    return [(path, rel(path))]


@functools.lru_cache(maxsize=16)
def load_dictionaries(names: tuple[str, ...]) -> Dictionary:
    d = Dictionary()
    seen: dict = {}
    for name in names:
        for path, label in _files(name):
            # the bundled dictionaries are validated by the test suite; others at once
            d.sets.extend(load_file(path, label, seen, validate=not label.startswith("dictionaries/")))
    surfaces = set()
    for i, cs in enumerate(d.sets):
        cs.index = i
        for m in cs.members:
            if m.lemma:
                d.by_lemma.setdefault(m.word, []).append((cs, m))
            else:
                d.by_surface.setdefault(m.word, []).append((cs, m))
                surfaces.add(m.word)
    d.lemma_forms = frozenset(d.by_lemma)
    if surfaces:
        d.regex = regexcache.compile(words_pattern(surfaces))
    regexcache.save()  # loaded in each worker process: the next run finds them compiled
    return d


# A gated group splits in this many groups until it has at most _GATE_LEAF first
# characters (measured: the fastest to search among the shapes quickest to compile;
# the compiler spends time on every character a range spans).
_GATE_FANOUT = 4
_GATE_LEAF = 32


def words_pattern(words) -> str:
    """A pattern that matches where ``w1|w2|…`` (the words, none empty, longest
    first) matches, and the same word: at each position the longest word there, so
    ``finditer`` gives the same matches.  A plain alternation of a thousand words has the regex
    engine try every word at every character that begins one (a fifth of the
    characters of Japanese prose), and that was most of the rule's time.  Here the
    words are grouped by their first character behind lookaheads on character
    ranges, a few levels deep, so a position tries a few gates and one short
    alternation; a word can only match inside the one group holding its first
    character, where the longest comes first."""
    ordered = sorted(set(words), key=lambda w: (w[0], -len(w), w))
    firsts = "".join(re.escape(c) for c in sorted({w[0] for w in ordered}))
    return f"(?=[{firsts}])(?:{_gated(ordered)})"


def _gated(words: list[str]) -> str:
    """``words`` (ordered by first character) as one alternation, or as gated groups
    of consecutive first characters."""
    firsts = sorted({w[0] for w in words})
    if len(firsts) <= _GATE_LEAF:
        return "|".join(map(re.escape, words))
    size = -(-len(firsts) // _GATE_FANOUT)
    groups = []
    for k in range(0, len(firsts), size):
        low, high = firsts[k], firsts[min(k + size, len(firsts)) - 1]
        inner = _gated([w for w in words if low <= w[0] <= high])
        groups.append(f"(?=[{re.escape(low)}-{re.escape(high)}])(?:{inner})")
    return "|".join(groups)


@functools.lru_cache(maxsize=16)
def prepared_dictionaries(names: tuple[str, ...]) -> Dictionary:
    """``load_dictionaries``, kept in the user cache folder between runs.  Building
    it (reading the files, tokenizing each member to classify it) took every worker
    process of every run about 25 ms; unpickling it takes a few.  (Cue filters and
    matchers are built as sets are met: kept, their expanded strings would take
    longer to unpickle than most runs spend building the few they need.)  The entry is keyed by the
    dictionary files, the tokenizer (Sudachi, its dictionary and the user
    dictionary, which decide how members are classified) and jalint's code."""
    from .. import tokenizer
    from ..userdirs import tokenizer_stamp
    from ..yamlio import MISSING, built_entry

    try:
        inputs = [path for name in names for path, _ in _files(name)]
    except JalintError:
        inputs = None  # the load below reports it
    user = tokenizer._user_dictionary
    entry = None
    if inputs is not None:
        entry = built_entry("homophones", names, inputs + ([Path(user)] if user else []),
                            (user, tokenizer_stamp()))
    if entry is not None:
        stored = entry.read()
        if stored is not MISSING:
            d, pattern = stored
            d.regex = regexcache.compile(pattern) if pattern is not None else None
            return d
    d = load_dictionaries(names)
    if entry is not None:
        entry.write((d.replace(regex=None), d.regex.pattern if d.regex is not None else None))
    return d


class Homophone:
    def __init__(self, spec: dict):
        names = spec.get("dictionaries")
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise PatternError("dictionaries", "'dictionaries' must list files or folders under dictionaries/")
        self.names = tuple(names)
        self.window = spec.get("window", 12)
        if not isinstance(self.window, int) or self.window < 1:
            raise PatternError("window", "'window' must be a positive integer")
        self._dictionary = None

    @property
    def dictionary(self) -> Dictionary:
        if self._dictionary is None:
            self._dictionary = prepared_dictionaries(self.names)
        return self._dictionary

    def counts(self) -> list[tuple[str, int]]:
        d = self.dictionary
        return [("confusion sets", len(d.sets)), ("words", sum(len(s.members) for s in d.sets)),
                ("cues", sum(len(m.cues) for s in d.sets for m in s.members))]

    def _occurrences(self, s, d: Dictionary):
        """(set, member, begin, end) of each member in sentence ``s``: the words found
        as text, then those found by dictionary form."""
        if d.regex is not None:
            tokens = s.tokens
            n = len(tokens)
            token_index = s.token_index
            by_surface = d.by_surface
            for m in d.regex.finditer(s.text):
                b, e = m.span()
                # a token begins at b and one ends at e (tokens are in order and do
                # not overlap, so the ends are sorted; an empty token may sit at b)
                i = token_index(b)
                t = tokens[i] if i < n else None
                one_token = t is not None and t.begin == b and t.end == e  # the usual case
                if not one_token:
                    if not ((t is not None and t.begin == b) or (i and tokens[i - 1].begin == b)):
                        continue
                    j = token_index(e - 1)  # the first token ending at e or later
                    if j == n or tokens[j].end != e:
                        continue
                for cs, member in by_surface[m.group()]:
                    if member.reading is not None and not self._reading_ok(s, b, e, member, i):
                        continue
                    yield cs, member, b, e
        forms = d.lemma_forms
        # most sentences hold none of the dictionary forms: one set test tells
        if forms and not forms.isdisjoint(map(_DICTIONARY_FORM, s.tokens)):
            tokens = s.tokens
            for t in itertools.compress(tokens, map(forms.__contains__, map(_DICTIONARY_FORM, tokens))):
                for cs, member in d.by_lemma[t.dictionary]:
                    yield cs, member, t.begin, t.end

    @staticmethod
    def _reading_ok(s, b, e, member, i: int) -> bool:
        """The word in the text is read as the member is (生 as セイ, not ナマ).
        ``i`` is the first token ending after ``b``."""
        tokens = s.tokens
        t = tokens[i] if i < len(tokens) else None
        if t is not None and t.begin == b and t.end == e and (i + 1 == len(tokens) or tokens[i + 1].begin >= e):
            return t.reading == member.reading  # the only token under the word (the usual case)
        toks = [t for t in s.tokens_in(b, e) if t.begin >= b and t.end <= e]
        return len(toks) != 1 or toks[0].reading == member.reading

    def check(self, doc, rule):
        d = self.dictionary
        w = self.window
        for s in doc.sentences:
            text = s.text
            for cs, member, b, e in self._occurrences(s, d):
                before, after = text[max(0, b - w):b], text[e:e + w]
                if not cs.cue_filter.may_hold(before, after):
                    continue  # no cue of the set around: nothing to decide
                if member.cues and member.best_cue(before, after) is not None:
                    continue
                best = None
                for other in cs.members:
                    if other is member or not other.cues:
                        continue
                    c = other.best_cue(before, after)
                    if c is not None and (best is None or (c.strong and not best[1].strong)):
                        best = (other, c)
                        if c.strong:
                            break
                if best is None:
                    continue
                other, cue = best
                surface = text[b:e]
                suggestion = other.word
                if member.lemma and other.lemma and surface.startswith(member.stem):
                    suggestion = other.stem + surface[len(member.stem):]
                label = cs.source.rsplit(":", 1)[0]
                yield Hit(
                    s, b, e,
                    render(rule.message, match=surface, suggestion=suggestion, cue=cue.text, reading=cs.reading),
                    [suggestion],
                    severity="error" if cue.strong else "warning",
                    source=f"{label}:{cue.line}",
                )


def compile(spec: dict) -> Homophone:
    return Homophone(spec)
