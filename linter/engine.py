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
        severity=rule.severity,
        rule=rule.id,
        message=hit.message,
        suggestions=list(hit.suggestions),
        rule_source=rule.source,
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
    """Two consistency rules reporting the same span say the same thing: keep the
    more severe one."""
    kinds = {r.id: r.kind for r in rules}
    best: dict[tuple[int, int], Finding] = {}
    for f in findings:
        if kinds.get(f.rule) != "consistency":
            continue
        key = (f.start, f.end)
        if key not in best or SEVERITY_RANK[f.severity] > SEVERITY_RANK[best[key].severity]:
            best[key] = f
    return [f for f in findings if kinds.get(f.rule) != "consistency" or best[(f.start, f.end)] is f]


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
