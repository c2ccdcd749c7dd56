"""prh dictionaries (https://github.com/prh/prh), loaded as a substitution rule.

Supported: ``version``, ``imports`` (paths, or ``{path, ignoreRules}``), and rules
with ``expected``, ``pattern`` / ``patterns`` (strings, or ``/regex/flags``),
``regexpMustEmpty``, ``specs`` (``from`` → ``to``, run at load time) and
``options.wordBoundary``.  As in prh, a pattern given as a string, or generated from
``expected`` when no pattern is given, ignores letter case and full/half width of
Latin letters and digits; a match that already equals the expected text is not
reported.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .document import Hit
from .errors import JalintError
from .matching import render
from .record import Record
from .rules import Rule, Example
from .yamlio import LineDict, load_yaml_file


class Entry(Record):
    __slots__ = _fields = ("expected", "regex", "must_empty", "where", "literal")

    def __init__(self, expected: str, regex: re.Pattern, must_empty: int | None, where: str, literal: bool) -> None:
        self.expected = expected
        self.regex = regex
        self.must_empty = must_empty
        self.where = where  # FILE:LINE
        self.literal = literal  # the expected text is plain (no $n references)

    def replacement(self, m: re.Match) -> str:
        if self.literal:
            return self.expected
        return re.sub(r"\$(\d+)", lambda g: m.group(int(g.group(1))) or "", self.expected)

    def matches(self, text: str):
        for m in self.regex.finditer(text):
            if m.end() == m.start():
                continue
            if self.must_empty is not None and (m.group(self.must_empty) or ""):
                continue
            rep = self.replacement(m)
            if rep == m.group(0):
                continue
            yield m, rep


def _spread(text: str) -> str:
    """A regex for text that ignores case and width of Latin letters and digits."""
    out = []
    for c in text:
        half = unicodedata.normalize("NFKC", c)
        if len(half) == 1 and half.isascii() and half.isalnum():
            variants = {half.lower(), half.upper()}
            variants |= {chr(ord(v) + 0xFEE0) for v in list(variants)}
            out.append("[" + "".join(sorted(re.escape(v) for v in variants)) + "]")
        else:
            out.append(re.escape(c))
    return "".join(out)


def _compile(pattern: str, where: str, word_boundary: bool) -> re.Pattern:
    m = re.fullmatch(r"/(.*)/([gimuy]*)", pattern, re.S)
    if m:
        body, flags = m.group(1), m.group(2)
        re_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
        # JavaScript named groups and lookbehinds are Python-compatible; $ stays $
        body = re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", body)
    else:
        body, re_flags = _spread(pattern), 0
    if word_boundary:  # JavaScript's \b: ASCII word characters only
        body = rf"(?<![A-Za-z0-9_])(?:{body})(?![A-Za-z0-9_])"
    try:
        return re.compile(body, re_flags)
    except re.error as exc:
        raise JalintError(f"{where}: prh pattern {pattern!r} is not a valid regular expression ({exc})") from None


def _load(path: Path, seen: set[Path], ignored: set[str]) -> list[Entry]:
    path = path.resolve()
    if path in seen:
        return []
    seen.add(path)
    label = str(path)
    data = load_yaml_file(path, label, "prh file")
    if data is None:
        return []
    if not isinstance(data, LineDict):
        raise JalintError(f"{label}:1: a prh file is a mapping with version and rules")
    unknown = set(data) - {"version", "imports", "rules"}
    if unknown:
        key = sorted(unknown)[0]
        raise JalintError(f"{label}:{data.line_of(key)}: unknown prh key '{key}' (use version, imports, rules)")
    entries: list[Entry] = []
    for imp in data.get("imports", []) or []:
        if isinstance(imp, str):
            entries += _load(path.parent / imp, seen, ignored)
        elif isinstance(imp, dict) and isinstance(imp.get("path"), str):
            skip = {r.get("expected") if isinstance(r, dict) else r for r in imp.get("ignoreRules", []) or []}
            entries += _load(path.parent / imp["path"], seen, ignored | {s for s in skip if isinstance(s, str)})
        else:
            raise JalintError(f"{label}:{data.line_of('imports')}: each import is a path or {{path, ignoreRules}}")
    rules = data.get("rules", []) or []
    if not isinstance(rules, list):
        raise JalintError(f"{label}:{data.line_of('rules')}: 'rules' must be a list")
    for item in rules:
        if not isinstance(item, LineDict) or not isinstance(item.get("expected"), str):
            raise JalintError(f"{label}:{getattr(item, 'line', data.line_of('rules'))}: each prh rule needs 'expected'")
        where = f"{label}:{item.line}"
        bad = set(item) - {"expected", "pattern", "patterns", "regexpMustEmpty", "specs", "options", "prh"}
        if bad:
            raise JalintError(f"{label}:{item.line_of(sorted(bad)[0])}: unknown key '{sorted(bad)[0]}' in prh rule {item['expected']}")
        expected = item["expected"]
        if expected in ignored:
            continue
        options = item.get("options", {}) or {}
        if not isinstance(options, dict):
            raise JalintError(f"{where}: prh rule {expected}: 'options' must be a mapping")
        word_boundary = bool(options.get("wordBoundary", False))
        patterns = item.get("patterns", item.get("pattern"))
        if patterns is None:
            patterns = [expected]
        if isinstance(patterns, str):
            patterns = [patterns]
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p for p in patterns):
            raise JalintError(f"{where}: prh rule {expected}: pattern(s) must be strings")
        must = item.get("regexpMustEmpty")
        must_index = None
        if must is not None:
            mm = re.fullmatch(r"\$(\d+)", str(must))
            if not mm:
                raise JalintError(f"{where}: prh rule {expected}: regexpMustEmpty must look like $1")
            must_index = int(mm.group(1))
        for p in patterns:
            rx = _compile(p, where, word_boundary)
            if must_index is not None and must_index > rx.groups:
                raise JalintError(f"{where}: prh rule {expected}: regexpMustEmpty ${must_index} names no group of {p!r}")
            entries.append(Entry(expected, rx, must_index, where, "$" not in expected))
        _run_specs(item, entries[-len(patterns):], where)
    return entries


def _apply(entries: list[Entry], text: str) -> str:
    for e in entries:
        out, last = [], 0
        for m, rep in e.matches(text):
            out.append(text[last:m.start()])
            out.append(rep)
            last = m.end()
        out.append(text[last:])
        text = "".join(out)
    return text


def _run_specs(item: LineDict, entries: list[Entry], where: str) -> None:
    specs = item.get("specs", []) or []
    if not isinstance(specs, list):
        raise JalintError(f"{where}: prh rule {item['expected']}: 'specs' must be a list")
    for spec in specs:
        if not isinstance(spec, dict) or not isinstance(spec.get("from"), str) or not isinstance(spec.get("to"), str):
            raise JalintError(f"{where}: prh rule {item['expected']}: each spec needs 'from' and 'to'")
        got = _apply(entries, spec["from"])
        if got != spec["to"]:
            line = getattr(spec, "line", where.rsplit(":", 1)[1])
            raise JalintError(
                f"{where.rsplit(':', 1)[0]}:{line}: prh spec failed for {item['expected']}: "
                f"{spec['from']!r} became {got!r}, expected {spec['to']!r}"
            )


class PrhChecker:
    def __init__(self, entries: list[Entry]):
        self.entries = entries

    def counts(self):
        return [("prh entries", len({e.where for e in self.entries}))]

    def check(self, doc, rule):
        for s in doc.sentences:
            taken: list[tuple[int, int]] = []
            for e in self.entries:
                for m, rep in e.matches(s.text):
                    b, end = m.start(), m.end()
                    if any(b < te and tb < end for tb, te in taken):
                        continue
                    taken.append((b, end))
                    yield Hit(s, b, end, render(rule.message, match=m.group(0), suggestion=rep), [rep],
                              source=e.where)


def load_prh_rule(path: Path) -> Rule:
    entries = _load(Path(path), set(), set())
    stem = re.sub(r"[^a-z0-9_.-]+", "-", Path(path).stem.lower()).strip("-") or "dictionary"
    return Rule(
        id=f"prh/{stem}",
        kind="substitution",
        severity="warning",
        message="「{match}」→「{suggestion}」（prh）",
        description=f"Terms from the prh dictionary {path}.",
        source=str(path),
        checker=PrhChecker(entries),
        bad=[],
        good=[Example(entries[0].expected)] if entries else [],
        fixable=True,
    )
