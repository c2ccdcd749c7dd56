"""Inline suppressions in Markdown comments.

    <!-- jalint-disable -->                    every rule, until jalint-enable
    <!-- jalint-disable rule-id, other-id -->  these rules, until enabled again
    <!-- jalint-enable [rule-id, …] -->
    <!-- jalint-disable-next-line [rule-id, …] -->
    <!-- jalint-disable-line [rule-id, …] -->  (on the line of the finding)

Each may end with ``-- reason``.  textlint's ``textlint-disable`` / ``textlint-enable``
comments work the same way.  Comments inside fenced code are not directives.
"""
from __future__ import annotations

import re
from . import regexcache
from .document import Finding, LineIndex
from .record import Record

DIRECTIVE = regexcache.compile(
    r"<!--\s*(?P<tool>jalint|textlint)-(?P<verb>disable-next-line|disable-line|disable|enable)\b(?P<rest>.*?)-->",
    re.S,
)
FENCE = regexcache.compile(r"^[ \t>]*(`{3,}|~{3,})", re.M)


class Directive(Record):
    __slots__ = _fields = ("verb", "rules", "line", "end_line", "start", "end", "used")

    def __init__(self, verb: str, rules: frozenset | None, line: int, end_line: int, start: int, end: int,
                 used: bool = False) -> None:
        self.verb = verb
        self.rules = rules  # None: every rule
        self.line = line  # line of the comment's start
        self.end_line = end_line
        self.start = start  # offsets of the comment
        self.end = end
        self.used = used


class Suppressions(Record):
    __slots__ = _fields = ("directives",)

    def __init__(self, directives: list[Directive] | None = None) -> None:
        self.directives = [] if directives is None else directives

    def suppresses(self, f: Finding) -> bool:
        hit = False
        disabled_all = False
        disabled: set[str] = set()
        owner_all: Directive | None = None
        owners: dict[str, Directive] = {}
        for d in self.directives:
            if d.verb in ("disable-next-line", "disable-line"):
                target = d.end_line + 1 if d.verb == "disable-next-line" else d.line
                if target == f.line and (d.rules is None or f.rule in d.rules):
                    d.used = True
                    hit = True
                continue
            if d.start > f.start:
                break
            if d.verb == "disable":
                if d.rules is None:
                    disabled_all, owner_all = True, d
                else:
                    for r in d.rules:
                        disabled.add(r)
                        owners[r] = d
            else:  # enable
                if d.rules is None:
                    disabled_all, owner_all = False, None
                    disabled.clear()
                    owners.clear()
                else:
                    disabled -= d.rules
                    for r in d.rules:
                        owners.pop(r, None)
        if disabled_all and owner_all is not None:
            owner_all.used = True
            return True
        if f.rule in disabled:
            owners[f.rule].used = True
            return True
        return hit

    def unused(self) -> list[Directive]:
        return [d for d in self.directives if d.verb != "enable" and not d.used]


def _fenced_ranges(text: str) -> list[tuple[int, int]]:
    ranges = []
    opening = None
    for m in FENCE.finditer(text):
        fence = m.group(1)
        if opening is None:
            opening = (m.start(), fence[0], len(fence))
        elif fence[0] == opening[1] and len(fence) >= opening[2]:
            ranges.append((opening[0], m.end()))
            opening = None
    if opening is not None:
        ranges.append((opening[0], len(text)))
    return ranges


def parse(text: str, lines: LineIndex) -> Suppressions:
    if "-disable" not in text and "-enable" not in text:
        return Suppressions()
    fenced = _fenced_ranges(text)
    out = []
    for m in DIRECTIVE.finditer(text):
        if any(a <= m.start() < b for a, b in fenced):
            continue
        rest = m.group("rest").split("--", 1)[0]
        ids = [r.strip() for r in re.split(r"[,\s]+", rest) if r.strip()]
        line, _ = lines.position(m.start())
        end_line, _ = lines.position(m.end() - 1)
        out.append(Directive(m.group("verb"), frozenset(ids) if ids else None, line, end_line, m.start(), m.end()))
    return Suppressions(out)
