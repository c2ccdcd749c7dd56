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
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .document import Sentence, Token

ATTRS = ("surface", "normalized", "dictionary", "reading", "pos")


class PatternError(ValueError):
    """A malformed pattern; ``key`` names the offending key."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def _value_test(key: str, value: Any) -> Callable[[str], bool]:
    if isinstance(value, list):
        if not value or not all(isinstance(v, str) for v in value):
            raise PatternError(key, f"'{key}' must be a string or a list of strings")
        if key == "pos":
            prefixes = tuple(value)
            return lambda s: s.startswith(prefixes)
        options = frozenset(value)
        return options.__contains__
    if not isinstance(value, str):
        raise PatternError(key, f"'{key}' must be a string or a list of strings")
    if len(value) >= 2 and value.startswith("/") and value.endswith("/"):
        try:
            rx = re.compile(value[1:-1])
        except re.error as exc:
            raise PatternError(key, f"bad regular expression in '{key}': {exc}") from None
        return lambda s: rx.search(s) is not None
    if key == "pos":
        return lambda s: s.startswith(value)
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
    if key != "pos" and isinstance(value, str) and not (len(value) >= 2 and value.startswith("/") and value.endswith("/")):
        return lambda t: get(t) == value
    if key != "pos" and isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        options = frozenset(value)
        return lambda t: get(t) in options
    test = _value_test(key, value)
    return lambda t: test(get(t))


def compile_constraint(spec: Any) -> Callable[[Token], bool]:
    if not isinstance(spec, dict):
        raise PatternError("tokens", "each token constraint must be a mapping")
    tests: list[Callable[[Token], bool]] = []
    # cheap equality tests first, so most tokens are rejected by the first one
    items = sorted(spec.items(), key=lambda kv: (kv[0] == "pos", kv[0] == "not"))
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


def compile_tokens(specs: Any) -> list[TokenStep]:
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
    return steps


def match_tokens(steps: list[TokenStep], tokens: list[Token]) -> Iterator[tuple[int, int, dict]]:
    """Yield (first token index, last token index + 1, captures) for each match,
    leftmost first, without overlapping."""
    n = len(tokens)
    first = steps[0].test
    i = 0
    while i < n:
        if not first(tokens[i]):
            i += 1
            continue
        m = _match_at(steps, 0, tokens, i, {})
        if m is not None:
            end, caps = m
            yield i, end, caps
            i = max(end, i + 1)
        else:
            i += 1


def _match_at(steps, k, tokens, i, caps):
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
    if not step.test(t):
        return None
    if step.same:
        ref = caps[step.same]
        if step.same_by:
            if _attr(ref, step.same_by) != _attr(t, step.same_by):
                return None
        elif ref.surface != t.surface or ref.pos != t.pos:
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

    def finditer(self, sentence: Sentence) -> Iterator[re.Match]:
        text = sentence.text
        if self.word:
            begins, ends = sentence.token_bounds()
        for m in self.regex.finditer(text):
            if m.end() == m.start():
                continue
            if self.word and (m.start() not in begins or m.end() not in ends):
                continue
            yield m


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

    def __init__(self, text: TextPattern | None, steps: list[TokenStep] | None, replace: str | None):
        self.text = text
        self.steps = steps
        self.replace = replace

    def spans(self, sentence: Sentence) -> Iterator[Span]:
        if self.text is not None:
            for m in self.text.finditer(sentence):
                rep = self.text.replacements.get(m.group(0))
                if rep is None and self.replace is not None:
                    rep = m.expand(self.replace) if "\\" in self.replace else self.replace
                yield Span(m.start(), m.end(), rep)
        else:
            toks = sentence.tokens
            for a, b, caps in match_tokens(self.steps, toks):
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
    steps = compile_tokens(spec["tokens"]) if "tokens" in spec else None
    replace = None
    if replace_key and replace_key in spec:
        replace = spec[replace_key]
        if not isinstance(replace, str):
            raise PatternError(replace_key, f"'{replace_key}' must be a string")
    return Matcher(text, steps, replace)


def string_list(spec: dict, key: str) -> list[str]:
    value = spec.get(key, [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PatternError(key, f"'{key}' must be a string or a list of strings")
    return list(value)
