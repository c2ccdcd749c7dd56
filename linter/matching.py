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
from itertools import compress, count, islice

try:  # the regular expression parser and compiler, to relax a pattern (_relaxed)
    from re import _compiler as _re_compiler, _constants as _re_constants, _parser as _re_parser
except ImportError:  # Python < 3.11
    import sre_compile as _re_compiler
    import sre_constants as _re_constants
    import sre_parse as _re_parser
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .document import Sentence, Token

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
            return re.compile(value[1:-1]).search
        except re.error as exc:
            raise PatternError(key, f"bad regular expression in '{key}': {exc}") from None
    if key == "pos":
        return operator.methodcaller("startswith", value)
    return value.__eq__


_GETTERS = {
    "surface": operator.attrgetter("surface"),
    "normalized": operator.attrgetter("normalized"),
    "dictionary": operator.attrgetter("dictionary"),
    "reading": operator.attrgetter("reading"),
    "pos": operator.attrgetter("pos_str"),
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


@dataclass
class TokenStep:
    test: Callable[[Token], bool]
    capture: str | None = None
    same: str | None = None
    same_by: str | None = None
    skip: int = 0  # > 0: a gap of 0..skip tokens
    skip_except: Callable[[Token], bool] | None = None


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

    def __init__(self, offset: int, getter: Callable, test: Callable | None, distance: int = 0):
        self.offset = offset  # index of the anchoring step in the pattern
        self.getter = getter
        self.test = test  # a test of one attribute value; None: equal to the captured token's
        self.distance = distance  # from the captured token, for a repeat

    def starts(self, tokens: list) -> Iterator[int]:
        values = map(self.getter, tokens)
        if self.test is not None:
            return compress(count(-self.offset), map(self.test, values))
        values = list(values)
        same = map(operator.eq, values, islice(values, self.distance, None))
        return compress(count(self.distance - self.offset), same)


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
                    best = rank, k, _GETTERS[key], _value_test(key, spec[key]), 0
        c = position.get(step.same)
        if c is not None and c < k and (best is None or SAME_RANK < best[0]):
            best = SAME_RANK, k, _GETTERS[step.same_by or "surface"], None, k - c
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
    return TokenPattern(steps, _choose_anchor(specs, steps), _required_surfaces(specs))


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
        for gap in range(0, step.skip + 1):
            if gap and (i + gap - 1 >= len(tokens) or (step.skip_except and step.skip_except(tokens[i + gap - 1]))):
                break
            m = _match_at(steps, k + 1, tokens, i + gap, caps)
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


@dataclass
class Cues:
    """Context around a match: ``before``/``after`` regular expressions searched in
    the ``window`` characters of the same sentence before/after the match.  With
    cues, a match counts only if one of them is found; ``unless_before`` /
    ``unless_after`` veto it."""

    before: re.Pattern | None = None
    after: re.Pattern | None = None
    unless_before: re.Pattern | None = None
    unless_after: re.Pattern | None = None
    window: int = 20
    all: bool = False  # require both before and after

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
        return re.compile(value)
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


@dataclass
class TextPattern:
    """A literal (or a list / mapping of literals) or a regular expression, found in
    sentence text; with ``word`` the match must begin and end on token boundaries
    (a real word, not part of a longer one)."""

    regex: re.Pattern
    word: bool
    replacements: dict[str, str] = field(default_factory=dict)
    relaxed: re.Pattern | None = None  # see _relaxed

    def __post_init__(self) -> None:
        self.relaxed = _relaxed(self.regex)

    def finditer(self, sentence: Sentence) -> Iterator[re.Match]:
        text = sentence.text
        bounds = None
        for m in self.regex.finditer(text):
            if m.end() == m.start():
                continue
            if self.word:
                if bounds is None:
                    bounds = sentence.token_bounds()
                if m.start() not in bounds[0] or m.end() not in bounds[1]:
                    continue
            yield m

    def may_occur_in_any(self, sentences_text: str) -> bool:
        """False when no sentence can hold a match, judged by one search over all
        of them joined (see ``sentences_text``)."""
        return self.relaxed is None or self.relaxed.search(sentences_text) is not None


def _relaxed(rx: re.Pattern) -> re.Pattern | None:
    """A pattern that matches wherever ``rx`` matches, in any context: ``rx``
    without its anchors and lookaround, its atomic groups and possessive repeats
    made ordinary.  Its matches depend only on the characters they consume, so
    when it finds nothing in all sentences joined, no sentence holds a match of
    ``rx``.  None when that cannot be built (back-references, an odd pattern)."""
    if not isinstance(rx.pattern, str):
        return None
    try:
        parsed = _re_parser.parse(rx.pattern, rx.flags)
        if not _relax(parsed):
            return rx
        return _re_compiler.compile(parsed, rx.flags)
    except _CannotRelax:
        return None
    except Exception:  # noqa: BLE001 - the private parser changed: do without
        return None


class _CannotRelax(Exception):
    pass


def _node(name: str):
    return getattr(_re_constants, name, None)


_DROPPED = frozenset(filter(None, map(_node, ("AT", "ASSERT", "ASSERT_NOT"))))
_BACKREFERENCES = frozenset(filter(None, map(_node, ("GROUPREF", "GROUPREF_EXISTS", "GROUPREF_IGNORE",
                                                      "GROUPREF_LOC_IGNORE", "GROUPREF_UNI_IGNORE"))))


def _relax(sub) -> bool:
    """Rewrite a parsed pattern in place as ``_relaxed`` says; whether it changed."""
    changed = False
    data = []
    for op, av in sub.data:
        if op in _BACKREFERENCES:
            raise _CannotRelax  # a group set inside a dropped lookaround would be missing
        if op in _DROPPED:
            changed = True
            continue
        if op is _node("ATOMIC_GROUP"):
            changed = True
            _relax(av)
            op, av = _node("SUBPATTERN"), (None, 0, 0, av)
        elif op is _node("POSSESSIVE_REPEAT"):
            changed = True
            op = _node("MAX_REPEAT")
        if isinstance(av, (tuple, list)):
            for part in av:
                if isinstance(part, _re_parser.SubPattern):
                    changed |= _relax(part)
                elif isinstance(part, list):  # the alternatives of a branch
                    for alt in part:
                        if isinstance(alt, _re_parser.SubPattern):
                            changed |= _relax(alt)
        data.append((op, av))
    sub.data = data
    sub.width = None  # recomputed from the new contents
    return changed


_joined: list = [None, 0, ""]  # the sentences list last joined, its length, the text


def sentences_text(doc) -> str:
    """The texts of ``doc``'s sentences joined by line breaks, for a quick test of
    the whole document; kept for the last document, since every rule asks."""
    sentences = doc.sentences
    if _joined[0] is not sentences or _joined[1] != len(sentences):
        _joined[:] = [sentences, len(sentences), "\n".join([s.text for s in sentences])]
    return _joined[2]


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
        rx = re.compile("|".join(re.escape(x) for x in literals))
        return TextPattern(rx, True if word is None else word, replacements)
    if "regex" in rule:
        return TextPattern(compile_regex("regex", rule["regex"]), bool(word))
    return None


class SafeFormat(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def render(template: str, **values) -> str:
    return template.format_map(SafeFormat(values))


@dataclass
class Span:
    begin: int
    end: int
    replacement: str | None = None  # from a mapping pattern or a regex template
    captures: dict = field(default_factory=dict)


class Matcher:
    """Finds spans in a sentence by a text pattern or a token pattern."""

    def __init__(self, text: TextPattern | None, tokens: TokenPattern | None, replace: str | None):
        self.text = text
        self.tokens = tokens
        self.replace = replace

    def may_match(self, doc) -> bool:
        """False when no sentence of ``doc`` can hold a match (a quick test of the
        whole document, so that most rules skip most documents)."""
        if self.text is not None:
            return self.text.may_occur_in_any(sentences_text(doc))
        return self.tokens.may_occur_in(sentences_text(doc))

    def spans(self, sentence: Sentence) -> Iterator[Span]:
        if self.text is not None:
            for m in self.text.finditer(sentence):
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
    for s in doc.sentences:
        if blocks is not None and s.block.kind not in blocks:
            continue
        for span in matcher.spans(s):
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
