"""Loading and validating YAML rule files into ``Rule`` objects.

A rule file holds ``rules:``, a list of mappings, and optionally ``defaults:``, keys
applied to every rule of the file.  Every rule is an instance of one kind (see
``linter/kinds``).  Anything malformed is an error ``rules/x.yaml:LINE: what is wrong``.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from . import package_data_dir  # noqa: F401 - part of this module's interface
from .document import SEVERITIES
from .errors import JalintError
from .record import Record
from .yamlio import LineDict, load_yaml_file

COMMON_KEYS = {"id", "kind", "severity", "message", "description", "examples", "fixable", "tags", "enabled"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)+$")


class Example(Record):
    _fields = ("text", "suggestion", "syntax")

    def __init__(self, text: str, suggestion: str | None = None, syntax: str | None = None) -> None:
        self.text = text
        self.suggestion = suggestion
        self.syntax = syntax  # "markdown" or "text": test it as that only


class Rule(Record):
    # No __slots__ (nor in Example): a run's rules are kept pickled in the run cache, and
    # instances with a __dict__ unpickle faster.
    _fields = ("id", "kind", "severity", "message", "description", "source", "checker",
               "bad", "good", "fixable", "tags", "enabled", "spec")

    def __init__(self, id: str, kind: str, severity: str, message: str, description: str, source: str,
                 checker: Any, bad: list[Example] | None = None, good: list[Example] | None = None,
                 fixable: bool = False, tags: list[str] | None = None, enabled: bool = True,
                 spec: dict | None = None) -> None:
        self.id = id
        self.kind = kind
        self.severity = severity
        self.message = message
        self.description = description
        self.source = source  # "rules/FILE.yaml:LINE"
        self.checker = checker
        self.bad = [] if bad is None else bad
        self.good = [] if good is None else good
        self.fixable = fixable
        self.tags = [] if tags is None else tags
        self.enabled = enabled
        self.spec = {} if spec is None else spec

    @property
    def summary(self) -> str:
        """The first sentence of the description (or the message)."""
        text = " ".join((self.description or self.message).split())
        m = re.search(r"(?<=[.。])(\s|$)", text)
        return text[: m.start()] if m else text


def _display(path: Path) -> str:
    """``rules/x.yaml`` for bundled files, the path itself for others."""
    for name in ("rules", "dictionaries"):
        try:
            base = package_data_dir(name)
        except JalintError:
            continue
        try:
            return f"{name}/{path.resolve().relative_to(base).as_posix()}"
        except ValueError:
            pass
    return str(path)


def _examples(value: Any, label: str, line: int) -> tuple[list[Example], list[Example]]:
    if not isinstance(value, dict):
        raise JalintError(f"{label}:{line}: 'examples' must be a mapping with 'bad' and 'good' lists")
    out = {}
    for key in ("bad", "good"):
        items = value.get(key, [])
        if not isinstance(items, list):
            raise JalintError(f"{label}:{value.line_of(key) if isinstance(value, LineDict) else line}: 'examples.{key}' must be a list")
        parsed = []
        for item in items:
            if isinstance(item, str):
                parsed.append(Example(item))
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                sugg = item.get("suggestion")
                if sugg is not None and not isinstance(sugg, str):
                    raise JalintError(f"{label}:{item.line}: 'suggestion' must be a string")
                syntax = item.get("syntax")
                if syntax not in (None, "markdown", "text"):
                    raise JalintError(f"{label}:{item.line}: 'syntax' must be markdown or text")
                parsed.append(Example(item["text"], sugg, syntax))
            else:
                raise JalintError(f"{label}:{line}: each example must be a string or {{text, suggestion}}")
        out[key] = parsed
    unknown = set(value) - {"bad", "good"}
    if unknown:
        raise JalintError(f"{label}:{line}: unknown key in examples: {sorted(unknown)[0]}")
    if not out["bad"]:
        raise JalintError(f"{label}:{line}: a rule needs at least one 'bad' example")
    return out["bad"], out["good"]


def build_rule(spec: LineDict, label: str, bundled: bool = False) -> Rule:
    """The rule of one spec, validated; ``label`` names its file in errors.  The
    regular expressions of a ``bundled`` rule are not checked for exponential
    time here: the test suite checks every bundled rule once
    (tests/test_robustness.py), and a run need not repeat it."""
    from .kinds import KINDS  # the kinds and their checks: only runs that build rules import them
    from .matching import PatternError

    line = spec.line
    where = f"{label}:{line}"
    rid = spec.get("id")
    if not isinstance(rid, str) or not ID_RE.match(rid):
        raise JalintError(f"{where}: rule 'id' must look like 'group/name' (lowercase ASCII), got {rid!r}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise JalintError(f"{label}:{spec.line_of('kind')}: rule {rid}: unknown kind {kind!r} (use {', '.join(sorted(KINDS))})")
    module = KINDS[kind]
    severity = spec.get("severity")
    if severity not in SEVERITIES:
        raise JalintError(f"{label}:{spec.line_of('severity')}: rule {rid}: 'severity' must be one of {', '.join(SEVERITIES)}")
    message = spec.get("message")
    if not isinstance(message, str) or not message.strip():
        raise JalintError(f"{where}: rule {rid}: 'message' is required")
    description = spec.get("description", "")
    if not isinstance(description, str):
        raise JalintError(f"{label}:{spec.line_of('description')}: rule {rid}: 'description' must be a string")
    if "examples" not in spec:
        raise JalintError(f"{where}: rule {rid}: 'examples' (bad and good texts) are required")
    bad, good = _examples(spec["examples"], label, spec.line_of("examples"))
    for key in spec:
        if key not in COMMON_KEYS and key not in module.KEYS:
            raise JalintError(
                f"{label}:{spec.line_of(key)}: rule {rid}: unknown key '{key}' for kind {kind}"
            )
    fixable = spec.get("fixable", False)
    if not isinstance(fixable, bool):
        raise JalintError(f"{label}:{spec.line_of('fixable')}: rule {rid}: 'fixable' must be true or false")
    tags = spec.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise JalintError(f"{label}:{spec.line_of('tags')}: rule {rid}: 'tags' must be a list of strings")
    enabled = spec.get("enabled", True)
    if not isinstance(enabled, bool):
        raise JalintError(f"{label}:{spec.line_of('enabled')}: rule {rid}: 'enabled' must be true or false")
    try:
        checker = module.compile(spec)
    except PatternError as exc:
        key = exc.key.split(".")[0]
        raise JalintError(f"{label}:{spec.line_of(key)}: rule {rid}: {exc}") from None
    for key, pattern, at in () if bundled else spec_regexes(spec):
        reason = regex_hazard(pattern)
        if reason:
            raise JalintError(
                f"{label}:{at}: rule {rid}: the regular expression {pattern!r} in '{key}' can take exponential "
                f"time ({reason}); rewrite it, e.g. with an atomic group (?>…) or a possessive quantifier (a++)"
            )
    return Rule(
        id=rid,
        kind=kind,
        severity=severity,
        message=message.strip(),
        description=description.strip(),
        source=f"{label}:{line}",
        checker=checker,
        bad=bad,
        good=good,
        fixable=fixable,
        tags=tags,
        enabled=enabled,
        spec=spec,
    )


def spec_regexes(spec: LineDict):
    """(key, regular expression, line) for every regular expression a rule spec
    gives: ``regex``, ``cues.*`` and ``/…/`` values of token constraints."""
    def strings(value):
        return [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
            if isinstance(value, list) else []

    if "regex" in spec:
        for v in strings(spec["regex"]):
            yield "regex", v, spec.line_of("regex")
    cues = spec.get("cues")
    if isinstance(cues, dict):
        for k, v in cues.items():
            if k in ("before", "after", "unless_before", "unless_after"):
                at = cues.line_of(k) if isinstance(cues, LineDict) else spec.line_of("cues")
                for x in strings(v):
                    yield f"cues.{k}", x, at

    def constraint(c, at):
        if isinstance(c, dict):
            at = c.line if isinstance(c, LineDict) and c.line else at
            for k, v in c.items():
                if isinstance(v, dict):
                    yield from constraint(v, at)
                elif isinstance(v, str) and len(v) >= 2 and v.startswith("/") and v.endswith("/"):
                    yield f"tokens.{k}", v[1:-1], at

    tokens = spec.get("tokens")
    if isinstance(tokens, list):
        for c in tokens:
            yield from constraint(c, spec.line_of("tokens"))


# -- regular expressions that could hang a run -------------------------------------
try:  # Python 3.11+
    from re import _constants as _sre_c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_ANY = "any"  # a first-character set standing for every character
_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT}
_BIG = 10  # a repetition of more than this many rounds (or unbounded) can blow up
_CATEGORY_CHARS = {
    _sre_c.CATEGORY_DIGIT: frozenset("0123456789０１２３４５６７８９"),
    _sre_c.CATEGORY_SPACE: frozenset(" \t\n\r\f\v\u3000\u00a0"),
}


def _union(a, b):
    return _ANY if a is _ANY or b is _ANY else a | b


def _meet(a, b) -> bool:
    if not a or not b:
        return False
    return a is _ANY or b is _ANY or bool(a & b)


def _class_chars(items):
    out: set = set()
    for op, av in items:
        if op is _sre_c.LITERAL:
            out.add(av)
        elif op is _sre_c.RANGE and av[1] - av[0] <= 512:
            out.update(range(av[0], av[1] + 1))
        elif op is _sre_c.CATEGORY and av in _CATEGORY_CHARS:
            out.update(ord(c) for c in _CATEGORY_CHARS[av])
        else:  # NEGATE, wide ranges, word categories …
            return _ANY
    return frozenset(out)


def _firsts(seq):
    """(characters a match of ``seq`` can start with, whether it can match empty)."""
    acc: frozenset | str = frozenset()
    for item in seq:
        f, nullable = _item_firsts(item)
        acc = _union(acc, f)
        if not nullable:
            return acc, False
    return acc, True


def _item_firsts(item):
    op, av = item
    if op is _sre_c.LITERAL:
        return frozenset((av,)), False
    if op in (_sre_c.NOT_LITERAL, _sre_c.ANY):
        return _ANY, False
    if op is _sre_c.IN:
        return _class_chars(av), False
    if op is _sre_c.SUBPATTERN:
        return _firsts(av[-1])
    if op is getattr(_sre_c, "ATOMIC_GROUP", None):
        return _firsts(av)
    if op is _sre_c.BRANCH:
        acc, nullable = frozenset(), False
        for alt in av[1]:
            f, n = _firsts(alt)
            acc, nullable = _union(acc, f), nullable or n
        return acc, nullable
    if op in _REPEATS or op is getattr(_sre_c, "POSSESSIVE_REPEAT", None):
        f, n = _firsts(av[2])
        return f, n or av[0] == 0
    if op is _sre_c.GROUPREF_EXISTS:
        f1, n1 = _firsts(av[1])
        f2, n2 = _firsts(av[2]) if av[2] else (frozenset(), True)
        return _union(f1, f2), n1 or n2
    if op is _sre_c.GROUPREF:
        return _ANY, True
    return frozenset(), True  # anchors, lookarounds


def _hazard(seq, loop, separators=()) -> str | None:
    """Why ``seq`` can backtrack catastrophically, or None.  ``loop`` is the first
    set of the enclosing big repetition's body (None outside one), ``separators`` the
    first sets of that body's mandatory parts: a repetition inside it is safe when
    one of them cannot start with what the inner repetition matches, as in
    ``[0-9]+(?:,[0-9]+)*``."""
    for op, av in seq:
        if op in _REPEATS:
            lo, hi, body = av
            big = hi is _sre_c.MAXREPEAT or hi > _BIG
            if loop is not None and (hi is _sre_c.MAXREPEAT or hi > 1) and lo != hi:
                mine = _firsts(body)[0]
                if not any(not _meet(sep, mine) for sep in separators):
                    return "a repetition inside a repetition, like (a+)+"
            if big:
                parts = list(body)
                while len(parts) == 1 and parts[0][0] is _sre_c.SUBPATTERN:
                    parts = list(parts[0][1][-1])  # (…)+: the group's own parts
                found = _hazard(body, _firsts(body)[0],
                                [f for f, nullable in map(_item_firsts, parts) if not nullable])
            else:
                found = _hazard(body, loop, separators)
            if found:
                return found
        elif op is _sre_c.SUBPATTERN:
            found = _hazard(av[-1], loop, separators)
            if found:
                return found
        elif op is _sre_c.BRANCH:
            alts = av[1]
            if loop is not None:
                firsts = []
                for alt in alts:
                    f, nullable = _firsts(alt)
                    firsts.append(_union(f, loop) if nullable else f)
                for i in range(len(firsts)):
                    for k in range(i + 1, len(firsts)):
                        if _meet(firsts[i], firsts[k]):
                            return "alternatives that can match the same text inside a repetition, like (a|a)*"
            for alt in alts:
                found = _hazard(alt, loop, separators)
                if found:
                    return found
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            found = _hazard(av[1], loop, separators)
            if found:
                return found
        elif op is _sre_c.GROUPREF_EXISTS:
            for part in av[1:]:
                if part:
                    found = _hazard(part, loop, separators)
                    if found:
                        return found
        # ATOMIC_GROUP and POSSESSIVE_REPEAT never backtrack into themselves: safe
    return None


def regex_hazard(pattern: str) -> str | None:
    """Why matching ``pattern`` could take exponential time (nested quantifiers such
    as ``(a+)+`` or ``(a*)*``, overlapping alternatives in a loop such as ``(a|a)*``),
    or None.  A small static check: it knows the shapes, not every hazard; an atomic
    group ``(?>…)`` or a possessive quantifier ``a++`` is the way out."""
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:  # the compiler reports the syntax error itself
        return None
    return _hazard(list(parsed), None)


def rule_specs(path: Path, label: str | None = None) -> list[tuple[LineDict, str]]:
    """The rule specs of a rule file (each with the file's defaults merged in) and
    the file's label, parsed and checked for shape but not yet built."""
    label = label or _display(path)
    data = load_yaml_file(path, label, "rule file")
    if not isinstance(data, dict) or "rules" not in data:
        raise JalintError(f"{label}:1: a rule file is a mapping with a 'rules' list")
    unknown = set(data) - {"rules", "defaults"}
    if unknown:
        key = sorted(unknown)[0]
        raise JalintError(f"{label}:{data.line_of(key)}: unknown top-level key '{key}' (use rules, defaults)")
    defaults = data.get("defaults", {}) or {}
    if not isinstance(defaults, dict):
        raise JalintError(f"{label}:{data.line_of('defaults')}: 'defaults' must be a mapping")
    items = data["rules"]
    if not isinstance(items, list):
        raise JalintError(f"{label}:{data.line_of('rules')}: 'rules' must be a list")
    specs = []
    for item in items:
        if not isinstance(item, LineDict):
            raise JalintError(f"{label}:{data.line_of('rules')}: each rule must be a mapping")
        merged = LineDict({**defaults, **item})
        merged.line = item.line
        merged.key_lines = {**{k: defaults.line_of(k) for k in defaults}, **item.key_lines} if isinstance(defaults, LineDict) else dict(item.key_lines)
        specs.append((merged, label))
    return specs


def load_rule_file(path: Path, label: str | None = None) -> list[Rule]:
    return [build_rule(spec, where) for spec, where in rule_specs(path, label)]


def load_rules(extra_files: list[Path] | None = None) -> list[Rule]:
    rules = list(bundled_rules())
    for f in extra_files or []:
        rules.extend(load_rule_file(Path(f), str(f)))
    seen: dict[str, Rule] = {}
    for r in rules:
        if r.id in seen:
            raise JalintError(f"{r.source}: rule id {r.id} is already defined at {seen[r.id].source}")
        seen[r.id] = r
    return rules


@functools.lru_cache(maxsize=1)
def bundled_specs() -> dict[str, tuple[LineDict, str]]:
    """Every bundled rule's spec by id, in file order.  Parsing is cheap beside
    building (compiling patterns, loading dictionaries), so a run parses every rule
    file but builds only the rules it selects (``bundled_rule``)."""
    folder = package_data_dir("rules")
    specs: dict[str, tuple[LineDict, str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "presets.yaml":
            continue
        for spec, label in rule_specs(path):
            rid = spec.get("id")
            if isinstance(rid, str) and rid in specs:
                raise JalintError(f"{label}:{spec.line}: rule id {rid} is already defined at "
                                  f"{specs[rid][1]}:{specs[rid][0].line}")
            specs[rid if isinstance(rid, str) else f"#{len(specs)}"] = (spec, label)
    return specs


@functools.lru_cache(maxsize=None)
def bundled_rule(rule_id: str) -> Rule:
    """One bundled rule, built on first use."""
    spec, label = bundled_specs()[rule_id]
    return build_rule(spec, label, bundled=True)


def bundled_rules() -> tuple[Rule, ...]:
    return tuple(bundled_rule(rid) for rid in bundled_specs())


def knowledge_counts(rules: list[Rule]) -> list[str]:
    """Lines saying how much the dictionaries behind the rules hold."""
    lines = []
    for r in rules:
        counts = getattr(r.checker, "counts", None)
        if counts is not None:
            what = counts()
            parts = [f"{n} {label}" if n else label for label, n in what]
            if parts:
                lines.append(f"{r.id}: " + ", ".join(parts))
    return lines
