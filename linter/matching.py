"""Patterns shared by the rule kinds: literal or regular-expression text patterns,
token patterns over Sudachi attributes, and context cues around a match.

Token constraint (one YAML mapping per token)::

    {surface: 情勢}                      exact value
    {pos: '助詞,格助詞'}                 part of speech, matched as a prefix of the
                                         comma-joined six fields (quote it in YAML)
    {dictionary: [見れる, 来れる]}       any of a list
    {reading: /^ジョウ/}                 a regular expression between slashes
    {not: {surface: の}}                 negation of a constraint
    {as: p} / {same: p}                  capture a token / require the same surface and
                                         part of speech as the captured one
    {same: p, by: normalized}            … or the same value of one attribute
    {skip: 3, except: {surface: 、}}     up to 3 tokens, none of them matching ``except``
"""
from __future__ import annotations

import operator
import re
from bisect import bisect_right
from itertools import accumulate, chain, compress, count, islice, repeat

try:  # the regular expression parser and compiler, to relax a pattern (compile_finder)
    from re import _compiler as _re_compiler, _constants as _re_constants, _parser as _re_parser
except ImportError:  # Python < 3.11
    import sre_compile as _re_compiler
    import sre_constants as _re_constants
    import sre_parse as _re_parser
from typing import Any, Callable, Iterable, Iterator

from . import regexcache
from .document import Sentence, Token
from .record import Record

ATTRS = ("surface", "normalized", "dictionary", "reading", "pos")


class PatternError(ValueError):
    """A malformed pattern; ``key`` names the offending key."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def _is_regex(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 2 and value.startswith("/") and value.endswith("/")


def _value_test(key: str, value: Any) -> Callable[[str], Any]:
    """A test of one attribute value, as a C-level callable where possible (bound
    methods, ``methodcaller``), so that ``map`` can apply it to a whole sentence."""
    if isinstance(value, list):
        if not value or not all(isinstance(v, str) for v in value):
            raise PatternError(key, f"'{key}' must be a string or a list of strings")
        if key == "pos":
            return operator.methodcaller("startswith", tuple(value))
        return frozenset(value).__contains__
    if not isinstance(value, str):
        raise PatternError(key, f"'{key}' must be a string or a list of strings")
    if _is_regex(value):
        try:
            return regexcache.compile(value[1:-1]).search
        except re.error as exc:
            raise PatternError(key, f"bad regular expression in '{key}': {exc}") from None
    if key == "pos":
        return operator.methodcaller("startswith", value)
    return value.__eq__


# a token is a named tuple: an item getter reads a field faster than an attribute getter
_GETTERS = {
    key: operator.itemgetter(Token._fields.index(field))
    for key, field in (("surface", "surface"), ("normalized", "normalized"), ("dictionary", "dictionary"),
                       ("reading", "reading"), ("pos", "pos_str"))
}


def _attr(token: Token, key: str) -> str:
    return _GETTERS[key](token)


def _attr_test(key: str, value: Any) -> Callable[[Token], bool]:
    """A fast test of one attribute: plain equality and membership avoid a function
    call per token where they can."""
    get = _GETTERS[key]
    if key != "pos" and isinstance(value, str) and not _is_regex(value):
        return lambda t: get(t) == value
    if key != "pos" and isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        options = frozenset(value)
        return lambda t: get(t) in options
    test = _value_test(key, value)
    return lambda t: bool(test(get(t)))


def _test_cost(key: str, value: Any) -> int:
    """Order of the tests of one constraint: equality and membership first, then
    part-of-speech prefixes, negations, and regular expressions last."""
    if key == "not":
        return 3
    if _is_regex(value):
        return 4
    return 2 if key == "pos" else 1


def compile_constraint(spec: Any) -> Callable[[Token], bool]:
    if not isinstance(spec, dict):
        raise PatternError("tokens", "each token constraint must be a mapping")
    tests: list[Callable[[Token], bool]] = []
    # cheap tests first, so most tokens are rejected by the first one
    items = sorted(spec.items(), key=lambda kv: _test_cost(*kv))
    for key, value in items:
        if key in ATTRS:
            tests.append(_attr_test(key, value))
        elif key == "not":
            inner = compile_constraint(value)
            tests.append(lambda t, f=inner: not f(t))
        elif key in ("as", "same", "by", "skip", "except"):
            continue
        else:
            raise PatternError(key, f"unknown token constraint '{key}' (use {', '.join(ATTRS)}, not, as, same, skip, except)")
    if not tests:
        return lambda t: True
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda t: a(t) and b(t)
    return lambda t: all(f(t) for f in tests)


class TokenStep(Record):
    __slots__ = _fields = ("test", "capture", "same", "same_by", "skip", "skip_except")

    def __init__(self, test: Callable[[Token], bool], capture: str | None = None, same: str | None = None,
                 same_by: str | None = None, skip: int = 0,
                 skip_except: Callable[[Token], bool] | None = None) -> None:
        self.test = test
        self.capture = capture
        self.same = same
        self.same_by = same_by
        self.skip = skip  # > 0: a gap of 0..skip tokens
        self.skip_except = skip_except


# -- prefilters -------------------------------------------------------------------
# A token pattern is tried only where it can match: a sentence must contain one of
# the surfaces some step requires (one substring test), and a start index must pass
# the most selective test among the steps at a fixed distance from the start
# (applied to all tokens at once with map/compress, without a Python call per
# token).  Both are necessary conditions only; the full match decides.

def _probe_rank(key: str, value: Any) -> tuple[int, int]:
    """Lower is more selective: one exact value, then a set, a part-of-speech
    prefix, and a regular expression; a longer value before a shorter one."""
    if _is_regex(value):
        return 5, 0
    if isinstance(value, list):
        return (4 if key == "pos" else 3), 0
    return (4 if key == "pos" else 0), -len(value)


SAME_RANK = (2, 0)  # a repeat of a captured token is rare


class _Anchor:
    """Candidate start indices of a pattern in a token list."""

    def __init__(self, offset: int, key: str, value: Any = None, distance: int = 0):
        self.offset = offset  # index of the anchoring step in the pattern
        self.key = key  # the attribute tested
        self.getter = _GETTERS[key]
        # a test of one attribute value; None: equal to the captured token's
        self.test = None if value is None else _value_test(key, value)
        # the one value the attribute must equal, when the test says no more
        self.equal = value if key != "pos" and isinstance(value, str) and not _is_regex(value) else None
        self.distance = distance  # from the captured token, for a repeat
        # (least, most) tokens after the anchoring token where a later step repeats
        # its value (see _recurrence), or None
        self.recurs: tuple[int, int] | None = None

    def starts(self, tokens: list) -> Iterator[int]:
        values = map(self.getter, tokens)
        if self.test is None:
            values = list(values)
        return self.starts_among(values)

    def starts_among(self, values) -> Iterator[int]:
        """The candidate starts, given the tested attribute of each token (a list
        when the test is a repeat, any iterable otherwise)."""
        if self.test is not None:
            return compress(count(-self.offset), map(self.test, values))
        same = map(operator.eq, values, islice(values, self.distance, None))
        return compress(count(self.distance - self.offset), same)

    def starts_in_list(self, values: list) -> Iterator[int]:
        """``starts_among`` for a list of values: a test of equality to one value
        lets ``list.index`` look for it, a scan in C much faster than a test of
        each value; and where the value must recur (``recurs``), a place where it
        does not is no start."""
        if self.equal is None:
            return self.starts_among(values)
        found = positions(values, self.equal)
        if self.recurs is not None:
            found = _recurring(list(found), *self.recurs)
        return map(operator.sub, found, repeat(self.offset))


def positions(values: list, value: Any) -> Iterator[int]:
    """The indices of ``value`` in ``values``, ascending, found by ``list.index``:
    for a rare value, much faster than a test of each value."""
    find = values.index
    i = -1
    try:
        while True:
            i = find(value, i + 1)
            yield i
    except ValueError:
        return


def _recurring(found: list[int], least: int, most: int) -> Iterator[int]:
    """The positions in ``found`` (ascending) that another one follows, between
    ``least`` and ``most`` further on."""
    later = 0
    for i, p in enumerate(found):
        later = max(later, i + 1)
        while later < len(found) and found[later] < p + least:
            later += 1
        if later < len(found) and found[later] <= p + most:
            yield p


def _recurrence(steps: list[TokenStep], anchor: _Anchor | None) -> tuple[int, int] | None:
    """(least, most) tokens after the anchoring token at which a later step must
    repeat it (``same`` as the anchoring step's capture, compared by the anchored
    attribute): there the anchored value is found again.  None when no step does,
    or when the anchor is not a test of equality to one value."""
    if anchor is None or anchor.equal is None or not steps[anchor.offset].capture:
        return None
    name = steps[anchor.offset].capture
    least = most = 0
    for step in steps[anchor.offset + 1:]:
        if step.skip:
            most += step.skip
            continue
        least, most = least + 1, most + 1
        if step.same == name and (step.same_by or "surface") == anchor.key:
            return least, most
    return None


def _choose_anchor(specs: list, steps: list[TokenStep]) -> _Anchor | None:
    best: tuple | None = None
    position = {s.capture: k for k, s in enumerate(steps) if s.capture}
    for k, (spec, step) in enumerate(zip(specs, steps)):
        if step.skip:
            break  # the steps after a gap have no fixed distance from the start
        for key in ATTRS:
            if key in spec:
                rank = _probe_rank(key, spec[key])
                if best is None or rank < best[0]:
                    best = rank, k, key, spec[key], 0
        c = position.get(step.same)
        if c is not None and c < k and (best is None or SAME_RANK < best[0]):
            best = SAME_RANK, k, step.same_by or "surface", None, k - c
    if best is None:
        return None
    return _Anchor(*best[1:])


def _required_surfaces(specs: list) -> tuple[tuple[str, ...], int] | None:
    """Surfaces one of which every match holds, and how many times (twice for a
    captured token repeated by ``same``): those of the step whose shortest literal
    surface is longest (the rarest in text, as a rule)."""
    best = None
    for spec in specs:
        value = spec.get("surface")
        if "skip" in spec or value is None or _is_regex(value):
            continue
        options = tuple(value) if isinstance(value, list) else (value,)
        times = 1
        if spec.get("as"):
            times += sum(1 for other in specs if "skip" not in other and other.get("same") == spec["as"]
                         and other.get("by", "surface") == "surface")
        key = min(map(len, options)), times
        if best is None or key > best[0]:
            best = key, options, times
    return None if best is None else best[1:]


class TokenPattern:
    """A compiled token pattern: its steps and the prefilters derived from them."""

    def __init__(self, steps: list[TokenStep], anchor: _Anchor | None, surfaces: tuple | None):
        self.steps = steps
        self.anchor = anchor
        self.surfaces, self.times = surfaces or (None, 0)
        self.fixed = not any(s.skip for s in steps)
        # finds the sentences that hold a required surface (see candidate_sentences)
        self.finder = None if self.surfaces is None else regexcache.compile("|".join(map(re.escape, self.surfaces)))

    def may_occur_in(self, text: str) -> bool:
        """False when ``text`` cannot hold a match (a surface it needs is missing)."""
        surfaces = self.surfaces
        if surfaces is None:
            return True
        if self.times > 1:
            return any(text.count(s) >= self.times for s in surfaces)
        if len(surfaces) == 1:
            return surfaces[0] in text
        return any(s in text for s in surfaces)

    def matches_in(self, doc) -> Iterator[tuple[Sentence, int, int, dict]]:
        """(sentence, first token index, last token index + 1, captures) for each
        match in ``doc``, sentence by sentence, each sentence's as ``matches`` gives
        them.  The anchor is tested on all the document's tokens at once
        (``_document_starts``) rather than sentence by sentence: a few passes in C
        instead of a few Python calls for each sentence."""
        sentences = doc.sentences
        if not self.may_occur_in(sentences_text(doc)):
            return
        if self.anchor is not None and isinstance(sentences, list):
            yield from self._matches_from(sentences, *_document_starts(self.anchor, sentences))
            return
        for s, _ in candidate_sentences(doc, self.finder):
            if self.may_occur_in(s.text):
                for a, b, caps in self.matches(s.tokens):
                    yield s, a, b, caps

    def _matches_from(self, sentences: list, starts: Iterator[int], offsets: list[int]):
        """``matches_in`` from candidate starts given as indices into all the
        document's tokens, ascending; ``offsets[i]``: index of sentence i's first
        token.  A start whose anchor lies in a later sentence, or past the end, is
        tried in vain: every step is tested in the start's own sentence."""
        steps = self.steps
        match = _match_fixed if self.fixed else _match_gapped
        total = offsets[-1]
        current = -1  # the sentence of the last start
        tokens: list = []
        base = free = 0
        possible = False  # whether the sentence holds the surfaces a match needs
        for g in starts:
            if g < 0:
                continue
            if g >= total:
                break
            if g >= base + len(tokens):  # a later sentence
                current = bisect_right(offsets, g) - 1
                tokens, base, free = sentences[current].tokens, offsets[current], 0
                possible = self.may_occur_in(sentences[current].text)
            i = g - base
            if i < free or not possible:
                continue
            m = match(steps, tokens, i)
            if m is not None:
                end, caps = m
                yield sentences[current], i, end, caps
                free = max(end, i + 1)

    def matches(self, tokens: list[Token]) -> Iterator[tuple[int, int, dict]]:
        """Yield (first token index, last token index + 1, captures) for each match,
        leftmost first, without overlapping."""
        n = len(tokens)
        if not n:
            return
        starts = range(n) if self.anchor is None else self.anchor.starts(tokens)
        steps = self.steps
        match = _match_fixed if self.fixed else _match_gapped
        free = 0  # the first index not inside an earlier match
        for i in starts:
            if i < free:
                continue
            if i >= n:
                break
            m = match(steps, tokens, i)
            if m is not None:
                end, caps = m
                yield i, end, caps
                free = max(end, i + 1)


def compile_tokens(specs: Any) -> TokenPattern:
    if not isinstance(specs, list) or not specs:
        raise PatternError("tokens", "'tokens' must be a non-empty list of token constraints")
    steps = []
    for spec in specs:
        if not isinstance(spec, dict):
            raise PatternError("tokens", "each token constraint must be a mapping")
        if "skip" in spec:
            n = spec["skip"]
            if not isinstance(n, int) or n < 1:
                raise PatternError("skip", "'skip' must be a positive integer")
            exc = compile_constraint(spec["except"]) if "except" in spec else None
            steps.append(TokenStep(lambda t: True, skip=n, skip_except=exc))
            continue
        by = spec.get("by")
        if by is not None and by not in ATTRS:
            raise PatternError("by", f"'by' must be one of {', '.join(ATTRS)}")
        steps.append(TokenStep(compile_constraint(spec), spec.get("as"), spec.get("same"), by))
    if steps[0].skip or steps[-1].skip:
        raise PatternError("tokens", "a token pattern cannot start or end with 'skip'")
    captures = {s.capture for s in steps if s.capture}
    for s in steps:
        if s.same and s.same not in captures:
            raise PatternError("same", f"'same: {s.same}' names no earlier 'as: {s.same}'")
    anchor = _choose_anchor(specs, steps)
    if anchor is not None:
        anchor.recurs = _recurrence(steps, anchor)
    return TokenPattern(steps, anchor, _required_surfaces(specs))


def match_tokens(pattern: TokenPattern, tokens: list[Token]) -> Iterator[tuple[int, int, dict]]:
    """Yield (first token index, last token index + 1, captures) for each match,
    leftmost first, without overlapping."""
    return pattern.matches(tokens)


def _same_as(step: TokenStep, ref: Token, t: Token) -> bool:
    if step.same_by:
        return _attr(ref, step.same_by) == _attr(t, step.same_by)
    return ref.surface == t.surface and ref.pos == t.pos


def _holds(step: TokenStep, t: Token, caps: dict) -> bool:
    """Whether token ``t`` satisfies ``step`` given the tokens captured so far."""
    return step.test(t) and not (step.same and not _same_as(step, caps[step.same], t))


def _match_fixed(steps: list[TokenStep], tokens: list[Token], i: int):
    """(end, captures) of a match of a pattern without gaps at ``i``, or None."""
    if i < 0 or i + len(steps) > len(tokens):
        return None
    caps: dict = {}
    for step in steps:
        t = tokens[i]
        if not _holds(step, t, caps):
            return None
        if step.capture:
            caps[step.capture] = t
        i += 1
    return i, caps


def _match_gapped(steps: list[TokenStep], tokens: list[Token], i: int):
    return _match_at(steps, 0, tokens, i, {}) if i >= 0 else None


def _match_at(steps, k, tokens, i, caps):
    """Backtracking match of ``steps[k:]`` at ``i`` (gaps try 0, 1, … tokens)."""
    if k == len(steps):
        return i, caps
    step = steps[k]
    if step.skip:
        after = steps[k + 1]  # a pattern does not end with a gap
        n = len(tokens)
        for gap in range(0, step.skip + 1):
            j = i + gap
            if gap and (j - 1 >= n or (step.skip_except and step.skip_except(tokens[j - 1]))):
                break
            if j < n and not after.skip and not _holds(after, tokens[j], caps):
                continue  # what the call below would find first, without the call
            m = _match_at(steps, k + 1, tokens, j, caps)
            if m is not None:
                return m
        return None
    if i >= len(tokens):
        return None
    t = tokens[i]
    if not _holds(step, t, caps):
        return None
    if step.capture:
        caps = {**caps, step.capture: t}
    return _match_at(steps, k + 1, tokens, i + 1, caps)


class Cues(Record):
    """Context around a match: ``before``/``after`` regular expressions searched in
    the ``window`` characters of the same sentence before/after the match.  With
    cues, a match counts only if one of them is found; ``unless_before`` /
    ``unless_after`` veto it."""

    __slots__ = _fields = ("before", "after", "unless_before", "unless_after", "window", "all")

    def __init__(self, before: re.Pattern | None = None, after: re.Pattern | None = None,
                 unless_before: re.Pattern | None = None, unless_after: re.Pattern | None = None,
                 window: int = 20, all: bool = False) -> None:
        self.before = before
        self.after = after
        self.unless_before = unless_before
        self.unless_after = unless_after
        self.window = window
        self.all = all  # require both before and after

    @property
    def required(self) -> bool:
        return self.before is not None or self.after is not None

    def accept(self, text: str, begin: int, end: int) -> bool:
        left = text[max(0, begin - self.window):begin]
        right = text[end:end + self.window]
        if self.unless_before is not None and self.unless_before.search(left):
            return False
        if self.unless_after is not None and self.unless_after.search(right):
            return False
        if not self.required:
            return True
        if self.all:
            return bool(
                (self.before is None or self.before.search(left))
                and (self.after is None or self.after.search(right))
            )
        return bool(
            (self.before is not None and self.before.search(left))
            or (self.after is not None and self.after.search(right))
        )


def compile_regex(key: str, value: Any) -> re.Pattern:
    if isinstance(value, list):
        if not value or not all(isinstance(v, str) for v in value):
            raise PatternError(key, f"'{key}' must be a regular expression or a list of them")
        value = "|".join(f"(?:{v})" for v in value)
    if not isinstance(value, str) or not value:
        raise PatternError(key, f"'{key}' must be a regular expression")
    try:
        return regexcache.compile(value)
    except re.error as exc:
        raise PatternError(key, f"bad regular expression in '{key}': {exc}") from None


def compile_cues(spec: Any) -> Cues:
    if spec is None:
        return Cues()
    if not isinstance(spec, dict):
        raise PatternError("cues", "'cues' must be a mapping with before/after/unless_before/unless_after/window")
    cues = Cues()
    for key, value in spec.items():
        if key in ("before", "after", "unless_before", "unless_after"):
            setattr(cues, key, compile_regex(f"cues.{key}", value))
        elif key == "all":
            if not isinstance(value, bool):
                raise PatternError("cues.all", "'all' must be true or false")
            cues.all = value
        elif key == "window":
            if not isinstance(value, int) or value < 1:
                raise PatternError("cues.window", "'window' must be a positive integer")
            cues.window = value
        else:
            raise PatternError(f"cues.{key}", f"unknown cue '{key}' (use before, after, unless_before, unless_after, window, all)")
    return cues


class TextPattern(Record):
    """A literal (or a list / mapping of literals) or a regular expression, found in
    sentence text; with ``word`` the match must begin and end on token boundaries
    (a real word, not part of a longer one)."""

    _fields = ("regex", "word", "replacements")
    __slots__ = (*_fields, "finder")

    def __init__(self, regex: re.Pattern, word: bool, replacements: dict[str, str] | None = None) -> None:
        self.regex = regex
        self.word = word
        self.replacements = {} if replacements is None else replacements
        self.finder = compile_finder(regex)  # see compile_finder

    def finditer(self, sentence: Sentence, start: int = 0) -> Iterator[re.Match]:
        """The matches in ``sentence``; given a ``start`` before which no match
        begins (see ``candidate_sentences``), the search begins there, as if it had
        passed the characters before (lookbehind still sees them)."""
        text = sentence.text
        bounds = None
        for m in self.regex.finditer(text, start):
            if m.end() == m.start():
                continue
            if self.word:
                if bounds is None:
                    bounds = sentence.token_bounds()
                if m.start() not in bounds[0] or m.end() not in bounds[1]:
                    continue
            yield m


def compile_finder(rx: re.Pattern) -> re.Pattern | None:
    """The pattern that ``candidate_sentences`` searches for to find the sentences
    where ``rx`` may match: ``rx`` relaxed (``_relax``), or, when the regex engine
    would try that at every position of the text (it begins with neither a literal
    nor a set of characters to scan for: ``[ 　]+(?=「)|(?<=」)[ 　]+`` relaxed), the
    set of characters its matches begin with, which the engine scans for quickly.

    Either way its matches depend only on the characters they consume: where ``rx``
    matches in a string, it matches at the same place in any text holding that
    string.  None when no such pattern can be built (back-references, an odd
    pattern): then every sentence is a candidate."""
    if not isinstance(rx.pattern, str):
        return None
    try:
        parsed = _re_parser.parse(rx.pattern, rx.flags)
        changed = _relax(parsed, closes=True)
        literals = _literal_alternatives(parsed, rx.flags)
        if literals is not None:
            return regexcache.compile(_trie(literals), rx.flags)
        if not _scanned_for(parsed, rx.flags):
            first = _first_chars(parsed, rx.flags)
            if first is not None:
                return _re_compiler.compile(_re_parser.SubPattern(parsed.state, [(_IN, first)]), rx.flags)
        return _re_compiler.compile(parsed, rx.flags) if changed else rx
    except _CannotRelax:
        return None
    except Exception:  # noqa: BLE001 - the private parser changed: do without
        return None


class _CannotRelax(Exception):
    pass


def _node(name: str):
    return getattr(_re_constants, name, None)


_ASSERT, _SUBPATTERN, _BRANCH, _IN, _LITERAL, _NEGATE = map(
    _node, ("ASSERT", "SUBPATTERN", "BRANCH", "IN", "LITERAL", "NEGATE"))
_ATOMIC_GROUP, _POSSESSIVE_REPEAT, _MAX_REPEAT = map(_node, ("ATOMIC_GROUP", "POSSESSIVE_REPEAT", "MAX_REPEAT"))
_REPEATS = frozenset(filter(None, map(_node, ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))))
_DROPPED = frozenset(filter(None, map(_node, ("AT", "ASSERT", "ASSERT_NOT"))))
_BACKREFERENCES = frozenset(filter(None, map(_node, ("GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE",
                                                      "GROUPREF_LOC_IGNORE", "GROUPREF_UNI_IGNORE"))))
_LOOKAHEAD = 1  # an assertion's direction in the parsed pattern (-1: lookbehind)


def _relax(sub, closes: bool = False) -> bool:
    """Rewrite a parsed pattern in place into one that matches wherever it matches,
    in any context: without its anchors and lookaround, its atomic groups and
    possessive repeats made ordinary; but a lookahead that closes the match
    (``。(?=」)``, ``closes``: ``sub`` ends where the match does) becomes characters
    to consume (``。」``), which finds fewer places than dropping it and still finds
    them in the same string (a lookahead never looks past the string's end).
    Returns whether the pattern changed."""
    changed = False
    data = []
    last = len(sub.data) - 1
    for k, (op, av) in enumerate(sub.data):
        final = closes and k == last
        if op in _BACKREFERENCES:
            raise _CannotRelax  # a group set inside a dropped lookaround would be missing
        if op is _ASSERT and av[0] == _LOOKAHEAD and final:
            changed = True
            _relax(av[1], closes=True)
            op, av = _SUBPATTERN, (None, 0, 0, av[1])
        elif op in _DROPPED:
            changed = True
            continue
        elif op is _ATOMIC_GROUP:
            changed = True
            _relax(av, final)
            op, av = _SUBPATTERN, (None, 0, 0, av)
        elif op is _SUBPATTERN:
            changed |= _relax(av[3], final)
        elif op is _BRANCH:
            for alt in av[1]:
                changed |= _relax(alt, final)
        else:
            if op is _POSSESSIVE_REPEAT:
                changed = True
                op = _MAX_REPEAT
            changed |= _relax_parts(av)
        data.append((op, av))
    sub.data = data
    sub.width = None  # recomputed from the new contents
    return changed


def _relax_parts(av) -> bool:
    """``_relax`` the subpatterns inside one node (a repeat's body …), none of them
    at the end of the match."""
    changed = False
    if isinstance(av, (tuple, list)):
        for part in av:
            if isinstance(part, _re_parser.SubPattern):
                changed |= _relax(part)
            elif isinstance(part, list):
                for alt in part:
                    if isinstance(alt, _re_parser.SubPattern):
                        changed |= _relax(alt)
    return changed


def _literal_alternatives(parsed, flags: int) -> set[str] | None:
    """The strings of a pattern that is a choice between literal strings
    (``異句同音|言語同断|…``), or None."""
    if flags & re.IGNORECASE or len(parsed.data) != 1 or parsed.data[0][0] is not _BRANCH:
        return None
    literals = set()
    for alt in parsed.data[0][1][1]:
        if not alt.data or any(op is not _LITERAL for op, _ in alt.data):
            return None
        literals.add("".join(chr(code) for _, code in alt.data))
    return literals


def _trie(literals: set[str]) -> str:
    """A pattern that matches where one of ``literals`` begins, shaped as a tree of
    their first characters (``イ(?:ンストラクタ|ンジケータ)|エ…``): the regex engine
    tries a choice of many literals one after the other wherever one of their first
    characters is, but a tree only a few times.  Where a literal ends, the longer
    ones that go on from it are not needed: the place is found already."""
    if "" in literals:
        return ""
    branches: dict[str, set[str]] = {}
    for literal in sorted(literals):
        branches.setdefault(literal[0], set()).add(literal[1:])
    parts = [re.escape(first) + _trie(rest) for first, rest in branches.items()]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


def _scanned_for(parsed, flags: int) -> bool:
    """Whether the regex engine searches for ``parsed`` by scanning for a literal
    prefix or a set of first characters (the compiler's own test), rather than by
    trying the whole pattern at every position."""
    if parsed.getwidth()[0] == 0:
        return False
    if _re_compiler._get_literal_prefix(parsed, flags)[0]:
        return True
    return bool(_re_compiler._get_charset_prefix(parsed, flags))


class _NoFirstChars(Exception):
    pass


def _first_chars(parsed, flags: int) -> list | None:
    """The character set items (as in a parsed ``[...]``) that every match of
    ``parsed`` begins with one of; None when they cannot be told (``.``, ``[^x]``,
    case-insensitive matching) or the pattern can match the empty string."""
    if flags & re.IGNORECASE:
        return None
    items: list = []
    try:
        if _may_be_empty_after_first_chars(parsed, items):
            return None
    except _NoFirstChars:
        return None
    return items


def _may_be_empty_after_first_chars(sub, items: list) -> bool:
    """Add to ``items`` the characters a match of ``sub`` may begin with; whether
    ``sub`` may match the empty string (then what follows it may begin the match)."""
    for op, av in sub.data:
        if op is _LITERAL:
            items.append((op, av))
            return False
        if op is _IN:
            if any(o is _NEGATE for o, _ in av):
                raise _NoFirstChars
            items.extend(av)
            return False
        if op is _SUBPATTERN:
            if av[1] & re.IGNORECASE:
                raise _NoFirstChars
            if not _may_be_empty_after_first_chars(av[3], items):
                return False
        elif op is _BRANCH:
            empty = False
            for alt in av[1]:
                empty |= _may_be_empty_after_first_chars(alt, items)
            if not empty:
                return False
        elif op in _REPEATS:
            least, _, body = av
            if not _may_be_empty_after_first_chars(body, items) and least > 0:
                return False
        elif op not in _DROPPED:  # any character, [^x], a back-reference …
            raise _NoFirstChars
    return True


_joined: list = [None, 0, "", []]  # the sentences list last joined, its length, the text,
# and the offset of each sentence in the text


def _joined_sentences(doc) -> tuple:
    """(sentences, text, starts) of ``doc``: see ``sentences_text``."""
    sentences = doc.sentences
    if _joined[0] is not sentences or _joined[1] != len(sentences):
        texts = [s.text for s in sentences]
        starts = list(accumulate([len(t) + 1 for t in texts], initial=0))  # +1: the line break
        _joined[:] = [sentences, len(sentences), "\n".join(texts), starts]
    return _joined[0], _joined[2], _joined[3]


class DocumentTokens:
    """Values of all the tokens of a document's sentences in one list each (an
    attribute …), for passes in C over the whole document instead of a few Python
    calls for each sentence.

    It holds the sentences' token lists, to tell whether they are still the
    sentences' tokens (a new tokenization makes new lists).  Kept for the last
    document only, this holds a huge document's last window of tokens (see
    analysis.analyse) until the next window's rules ask: measured on an 8 MB file,
    the peak memory grows by less than 1 %."""

    def __init__(self, sentences: list[Sentence]):
        self.sentences = sentences
        self.lists = list(map(_TOKENS, sentences))  # each sentence's tokens
        self.offsets = list(accumulate(map(len, self.lists), initial=0))  # sentence i's first token; the total
        self._values: dict[str, list] = {}

    def describes(self, sentences: list[Sentence]) -> bool:
        """Whether these are the tokens of ``sentences`` as they are now (passes in
        C: every rule asks)."""
        return (self.sentences is sentences and len(self.lists) == len(sentences)
                and all(map(operator.is_, self.lists, map(_TOKENS, sentences))))

    def values(self, name: str, build: Callable[[Iterable[Token]], list]) -> list:
        """``build(tokens)``, one value for each token (an attribute …), kept under
        ``name`` for the other rules."""
        values = self._values.get(name)
        if values is None:
            values = self._values[name] = build(chain.from_iterable(self.lists))
        return values


_TOKENS = operator.attrgetter("tokens")
_last_tokens: list = [None]  # the DocumentTokens asked for last


def document_tokens(sentences: list[Sentence]) -> DocumentTokens:
    """The tokens of ``sentences`` (a plain list), as ``DocumentTokens``; kept for
    the last document, since every rule asks, and made anew when the sentences
    were tokenized again."""
    last = _last_tokens[0]
    if last is None or not last.describes(sentences):
        last = _last_tokens[0] = DocumentTokens(sentences)
    return last


def _document_starts(anchor: "_Anchor", sentences: list) -> tuple[Iterator[int], list[int]]:
    """The candidate starts of ``anchor`` among all the tokens of ``sentences``
    (indices into them all, ascending), and the index of each sentence's first
    token (with the total at the end)."""
    tokens = document_tokens(sentences)
    values = tokens.values(anchor.key, lambda toks: list(map(_GETTERS[anchor.key], toks)))
    return anchor.starts_in_list(values), tokens.offsets


def sentences_text(doc) -> str:
    """The texts of ``doc``'s sentences joined by line breaks, for a quick test of
    the whole document; kept for the last document, since every rule asks."""
    return _joined_sentences(doc)[1]


def candidate_sentences(doc, finder: re.Pattern | None) -> Iterator[tuple[Sentence, int]]:
    """(sentence, start) for the sentences of ``doc`` in which ``finder`` finds
    something, found by searching the joined text (``sentences_text``) instead of
    each sentence: most rules match in few sentences, and a search in C that skips
    a thousand sentences costs less than a thousand calls from Python.  ``start``
    is where the first find in the sentence's text begins.

    ``finder`` must be made by ``compile_finder``, or be without lookaround and
    anchors: then it matches in the joined text wherever the pattern it stands for
    matches in a sentence, so no sentence holding a match is left out, and no match
    in a sentence begins before ``start``.  A sentence comes at most once, in
    document order; one with no match of its own may come too (a find that starts
    at its end), which only costs a useless look.  Every sentence comes, with start
    0, when ``finder`` is None or the sentences are not a plain list (a huge
    document's windows)."""
    sentences = doc.sentences
    if finder is None or not isinstance(sentences, list):
        return ((s, 0) for s in sentences)
    if not sentences:
        return iter(())
    return _found_sentences(*_joined_sentences(doc), finder.search)


def _found_sentences(sentences: list, text: str, starts: list, search) -> Iterator[tuple[Sentence, int]]:
    """``candidate_sentences`` for ``starts[i]``, the offset of sentence i in
    ``text``, and ``search``, the finder's."""
    last = len(sentences) - 1
    match = search(text)
    while match is not None:
        at = match.start()
        i = bisect_right(starts, at) - 1
        yield sentences[i], at - starts[i]
        if i == last:
            return
        match = search(text, starts[i + 1])


def compile_text_pattern(rule: dict) -> TextPattern | None:
    word = rule.get("word")
    if word is not None and not isinstance(word, bool):
        raise PatternError("word", "'word' must be true or false")
    if "match" in rule:
        value = rule["match"]
        replacements: dict[str, str] = {}
        if isinstance(value, str):
            literals = [value]
        elif isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
            literals = value
        elif isinstance(value, dict) and value and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            literals = list(value)
            replacements = dict(value)
        else:
            raise PatternError("match", "'match' must be a string, a list of strings, or a mapping wrong: right")
        literals = sorted(literals, key=len, reverse=True)
        rx = regexcache.compile("|".join(re.escape(x) for x in literals))
        return TextPattern(rx, True if word is None else word, replacements)
    if "regex" in rule:
        return TextPattern(compile_regex("regex", rule["regex"]), bool(word))
    return None


class SafeFormat(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def render(template: str, **values) -> str:
    return template.format_map(SafeFormat(values))


class Span(Record):
    __slots__ = _fields = ("begin", "end", "replacement", "captures")

    def __init__(self, begin: int, end: int, replacement: str | None = None, captures: dict | None = None) -> None:
        self.begin = begin
        self.end = end
        self.replacement = replacement  # from a mapping pattern or a regex template
        self.captures = {} if captures is None else captures


class Matcher:
    """Finds spans in a sentence by a text pattern or a token pattern."""

    def __init__(self, text: TextPattern | None, tokens: TokenPattern | None, replace: str | None):
        self.text = text
        self.tokens = tokens
        self.replace = replace

    @property
    def finder(self) -> re.Pattern | None:
        """A pattern that finds every sentence that may hold a match (see
        ``candidate_sentences``), or None."""
        return self.text.finder if self.text is not None else self.tokens.finder

    def spans(self, sentence: Sentence, start: int = 0) -> Iterator[Span]:
        """The spans matched in ``sentence``; ``start`` as ``TextPattern.finditer``
        says."""
        if self.text is not None:
            for m in self.text.finditer(sentence, start):
                rep = self.text.replacements.get(m.group(0))
                if rep is None and self.replace is not None:
                    rep = m.expand(self.replace) if "\\" in self.replace else self.replace
                yield Span(m.start(), m.end(), rep)
        elif self.tokens.may_occur_in(sentence.text):
            toks = sentence.tokens
            for a, b, caps in self.tokens.matches(toks):
                yield Span(toks[a].begin, toks[b - 1].end, self.replace, caps)


BLOCK_KINDS = frozenset({"heading", "paragraph", "list_item", "table_cell", "text"})


def compile_blocks(spec: dict) -> frozenset | None:
    blocks = spec.get("blocks")
    if blocks is None:
        return None
    if not isinstance(blocks, list) or not set(blocks) <= BLOCK_KINDS:
        raise PatternError("blocks", f"'blocks' must be a list of {', '.join(sorted(BLOCK_KINDS))}")
    return frozenset(blocks)


def cued_spans(matcher: Matcher, cues: Cues, doc, blocks: frozenset | None = None) -> Iterator[tuple[Sentence, Span, str]]:
    """(sentence, span, matched text) for every match whose context cues hold, in
    the given kinds of block (all when None)."""
    for s, start in candidate_sentences(doc, matcher.finder):
        if blocks is not None and s.block.kind not in blocks:
            continue
        for span in matcher.spans(s, start):
            if cues.accept(s.text, span.begin, span.end):
                yield s, span, s.text[span.begin:span.end]


def compile_matcher(spec: dict, replace_key: str | None = None) -> Matcher:
    given = [k for k in ("match", "regex", "tokens") if k in spec]
    if len(given) != 1:
        raise PatternError("match", "give exactly one of 'match', 'regex' or 'tokens'")
    text = compile_text_pattern(spec)
    tokens = compile_tokens(spec["tokens"]) if "tokens" in spec else None
    replace = None
    if replace_key and replace_key in spec:
        replace = spec[replace_key]
        if not isinstance(replace, str):
            raise PatternError(replace_key, f"'{replace_key}' must be a string")
    return Matcher(text, tokens, replace)


def string_list(spec: dict, key: str) -> list[str]:
    value = spec.get(key, [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PatternError(key, f"'{key}' must be a string or a list of strings")
    return list(value)
