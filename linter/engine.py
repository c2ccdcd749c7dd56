"""Runs the rules over documents: source → document → sentences → tokens → findings."""
from __future__ import annotations

from dataclasses import dataclass, field

from .document import SEVERITY_RANK, Document, Finding, Hit
from .mentions import is_mention
from .plaintext import extract_plain
from .markdown import extract_markdown
from .rules import Rule
from .sentences import split_blocks
from .source import Source
from .tokenizer import tokenize_sentences


@dataclass
class Options:
    split_mode: str = "C"
    min_severity: str = "info"


def build_document(source: Source, split_mode: str = "C") -> Document:
    extract = extract_markdown if source.syntax == "markdown" else extract_plain
    blocks = extract(source.text)
    doc = Document(source.path, source.text, blocks)
    doc.sentences = split_blocks(blocks)
    tokenize_sentences(doc.sentences, split_mode)
    return doc


def _severity(rule_severity: str, hit_severity: str | None) -> str:
    """A hit may be weaker than its rule, never stronger."""
    if hit_severity is None or SEVERITY_RANK[hit_severity] >= SEVERITY_RANK[rule_severity]:
        return rule_severity
    return hit_severity


def to_finding(doc: Document, rule: Rule, hit: Hit) -> Finding:
    start, end = hit.sentence.span(hit.begin, hit.end)
    line, col = doc.lines.position(start)
    end_line, end_col = doc.lines.position(end)
    return Finding(
        path=doc.path,
        start=start,
        end=end,
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col,
        severity=_severity(rule.severity, hit.severity),
        rule=rule.id,
        message=hit.message,
        suggestions=list(hit.suggestions),
        rule_source=hit.source or rule.source,
        matched=doc.text[start:end],
    )


def check_document(doc: Document, rules: list[Rule]) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for rule in rules:
        for hit in rule.checker.check(doc, rule):
            if rule.kind != "consistency" and is_mention(hit.sentence.text, hit.begin, hit.end):
                continue
            f = to_finding(doc, rule, hit)
            key = (f.rule, f.start, f.end)
            if key in seen:
                continue
            seen.add(key)
            findings.append(f)
    findings = _drop_shadowed(findings, rules)
    findings.sort(key=Finding.sort_key)
    return findings


def _drop_shadowed(findings: list[Finding], rules: list[Rule]) -> list[Finding]:
    """Two consistency rules reporting overlapping spans (障がい and 障がい者) say the
    same thing: keep the more severe one."""
    kinds = {r.id: r.kind for r in rules}
    mine = sorted((f for f in findings if kinds.get(f.rule) == "consistency"), key=lambda f: (f.start, f.end))
    dropped: set[int] = set()
    for i, f in enumerate(mine):
        for g in mine[i + 1:]:
            if g.start >= f.end:
                break
            if g.rule == f.rule:
                continue
            loser = g if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[g.severity] else f
            dropped.add(id(loser))
    # the same fix for the same span from two rules: say it once, at the higher severity
    best: dict[tuple, Finding] = {}
    for f in findings:
        if not f.suggestions or id(f) in dropped:
            continue
        key = (f.start, f.end, tuple(f.suggestions))
        other = best.get(key)
        if other is None:
            best[key] = f
        elif SEVERITY_RANK[f.severity] > SEVERITY_RANK[other.severity]:
            dropped.add(id(other))
            best[key] = f
        else:
            dropped.add(id(f))
    return [f for f in findings if id(f) not in dropped]


def lint_source(source: Source, rules: list[Rule], options: Options | None = None) -> list[Finding]:
    options = options or Options()
    doc = build_document(source, options.split_mode)
    floor = SEVERITY_RANK[options.min_severity]
    return [f for f in check_document(doc, rules) if SEVERITY_RANK[f.severity] >= floor]


@dataclass
class Result:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)
