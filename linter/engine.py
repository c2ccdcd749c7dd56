"""Runs the rules over documents: source → document → sentences → tokens → findings."""
from __future__ import annotations

from .document import SEVERITY_RANK, Document, Finding, Hit, Result  # noqa: F401 - Result: engine's public API
from .mentions import is_mention
from .plaintext import extract_plain
from .record import Record
from .markdown import extract_markdown
from . import suppress
from .rules import Rule
from .sentences import split_blocks
from .source import Source
from .tokenizer import tokenize_sentences


class Options(Record):
    __slots__ = _fields = ("split_mode", "min_severity", "report_unused_disables")

    def __init__(self, split_mode: str = "C", min_severity: str = "info", report_unused_disables: bool = False) -> None:
        self.split_mode = split_mode
        self.min_severity = min_severity
        self.report_unused_disables = report_unused_disables


def build_document(source: Source, split_mode: str = "C") -> Document:
    doc = extract_document(source)
    tokenize_sentences(doc.sentences, split_mode)
    return doc


def extract_document(source: Source) -> Document:
    """The document with its sentences, not yet tokenized (a huge one is tokenized
    a window at a time, see analysis.analyse)."""
    extract = extract_markdown if source.syntax == "markdown" else extract_plain
    blocks = extract(source.text)
    doc = Document(source.path, source.text, blocks)
    doc.sentences = split_blocks(blocks)
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
        fixable=rule.fixable,
        related=[r for r in hit.related if isinstance(r, tuple)],
    )


def hits_to_findings(doc: Document, rule: Rule, hits, seen: set, out: list) -> None:
    for hit in hits:
        if rule.kind != "consistency" and is_mention(hit.sentence.text, hit.begin, hit.end):
            continue
        f = to_finding(doc, rule, hit)
        key = (f.rule, f.start, f.end)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)


def check_document(doc: Document, rules: list[Rule], project: "Project | None" = None) -> list[Finding]:
    """Findings of ``rules`` in ``doc``.  Consistency rules count within the document,
    or over the whole ``project`` when one is given."""
    local = document_findings(doc, rules, skip_consistency=project is not None)
    if project is not None:
        local += consistency_findings(doc, rules, project)
    return merge_findings(local, rules)


def document_findings(doc: Document, rules: list[Rule], skip_consistency: bool = False) -> list[Finding]:
    """Findings of the rules that look at one document only."""
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for rule in rules:
        if rule.kind == "consistency" and skip_consistency:
            continue
        hits_to_findings(doc, rule, rule.checker.check(doc, rule), seen, findings)
    return findings


def consistency_findings(doc, rules: list[Rule], project: "Project") -> list[Finding]:
    """Findings of the consistency rules for ``doc`` (a Document, or any object with
    path, text and lines), decided over the project."""
    findings: list[Finding] = []
    seen: set[tuple] = set()
    for rule in rules:
        if rule.kind == "consistency":
            hits_to_findings(doc, rule, project.hits(rule, doc), seen, findings)
    return findings


def merge_findings(findings: list[Finding], rules: list[Rule]) -> list[Finding]:
    findings = _drop_shadowed(findings, rules)
    findings.sort(key=Finding.sort_key)
    return findings


class Project:
    """Consistency over many documents: each consistency rule's uses are collected
    from every document first, then decided together, so 障がい in one file is
    measured against 障害 in all the others.  A document's uses are kept as file
    offsets (kinds.consistency.DocumentUses); a hit is made only for a use that is
    reported."""

    def __init__(self, rules: list[Rule]):
        self.rules = [r for r in rules if r.kind == "consistency"]
        self.uses: dict[str, dict[str, object]] = {r.id: {} for r in self.rules}  # rule id → path → DocumentUses
        self.docs: dict[str, Document] = {}
        self._decided: dict[str, dict[str, list[Hit]]] = {}

    def add(self, doc: Document) -> None:
        self.add_collected(doc, {r.id: r.checker.collect(doc) for r in self.rules})

    def add_collected(self, doc, uses_by_rule: dict) -> None:
        """Add a document whose uses were collected elsewhere (another process, the
        cache): ``doc`` needs only path, text and lines."""
        self.docs[doc.path] = doc
        for r in self.rules:
            uses = uses_by_rule.get(r.id)
            if uses is None:
                self.uses[r.id].pop(doc.path, None)  # nothing of this rule's counted
            else:
                self.uses[r.id][doc.path] = uses
        self._decided.clear()

    def hits(self, rule: Rule, doc: Document) -> list[Hit]:
        if rule.id not in self._decided:
            self._decide(rule)
        return self._decided[rule.id].get(doc.path, [])

    @staticmethod
    def _where(doc, start: int) -> str:
        line, col = doc.lines.position(start)
        return f"{doc.path}:{line}:{col}"

    @staticmethod
    def _place(doc, start: int) -> tuple:
        line, col = doc.lines.position(start)
        return (doc.path, line, col)

    def _decide(self, rule: Rule) -> None:
        found = [(self.docs[path], uses) for path, uses in self.uses[rule.id].items()]
        decided: dict[str, list[Hit]] = {}
        for doc, hit in rule.checker.decide(found, rule, self._where, self._place):
            decided.setdefault(doc.path, []).append(hit)
        self._decided[rule.id] = decided


def _same_result(f: Finding, g: Finding) -> bool:
    """Whether two fixes, one span inside the other, produce the same text."""
    if (f.start, f.end) == (g.start, g.end):
        return f.suggestions == g.suggestions
    outer = f if f.start <= g.start and f.end >= g.end else g if g.start <= f.start and g.end >= f.end else None
    if outer is None:
        return False
    inner = g if outer is f else f
    a, b = inner.start - outer.start, inner.end - outer.start
    return outer.suggestions[0] == outer.matched[:a] + inner.suggestions[0] + outer.matched[b:]


def _drop_shadowed(findings: list[Finding], rules: list[Rule]) -> list[Finding]:
    """Two consistency rules reporting overlapping spans (障がい and 障がい者) say the
    same thing: keep the more severe one."""
    kinds = {r.id: r.kind for r in rules}
    mine = sorted((f for f in findings if kinds.get(f.rule) == "consistency"), key=lambda f: (f.start, f.end))
    dropped: set[int] = set()
    for i, f in enumerate(mine):
        for j in range(i + 1, len(mine)):  # no slices: they would copy the list each time
            g = mine[j]
            if g.start >= f.end:
                break
            if g.rule == f.rule:
                continue
            loser = g if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[g.severity] else f
            dropped.add(id(loser))
    # the same fix from two rules (社会保証→社会保障 and 保証→保障): say it once, keeping
    # the more severe finding (or the first rule's)
    fixes = sorted((f for f in findings if len(f.suggestions) == 1 and id(f) not in dropped),
                   key=lambda f: (f.start, f.end))
    for i, f in enumerate(fixes):
        if id(f) in dropped:
            continue
        for j in range(i + 1, len(fixes)):
            g = fixes[j]
            if g.start >= f.end:
                break
            if id(g) in dropped or g.rule == f.rule or not _same_result(f, g):
                continue
            loser = g if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[g.severity] else f
            dropped.add(id(loser))
            if loser is f:
                break
    return [f for f in findings if id(f) not in dropped]


def finish(doc: Document, findings: list[Finding], syntax: str, options: Options) -> list[Finding]:
    """Apply inline suppressions and the severity threshold."""
    if syntax == "markdown":
        sup = suppress.parse(doc.text, doc.lines)
        if sup.directives:
            findings = [f for f in findings if not sup.suppresses(f)]
            if options.report_unused_disables:
                findings += [_unused(doc, d) for d in sup.unused()]
                findings.sort(key=Finding.sort_key)
    floor = SEVERITY_RANK[options.min_severity]
    return [f for f in findings if SEVERITY_RANK[f.severity] >= floor]


def _unused(doc: Document, d) -> Finding:
    line, col = doc.lines.position(d.start)
    end_line, end_col = doc.lines.position(d.end)
    what = "すべてのルール" if d.rules is None else "、".join(sorted(d.rules))
    return Finding(doc.path, d.start, d.end, line, col, end_line, end_col, "info", "suppression/unused",
                   f"この無効化コメント（{what}）は何も抑止していません", [], "jalint", doc.text[d.start:d.end])


def lint_source(source: Source, rules: list[Rule], options: Options | None = None,
                project: Project | None = None) -> list[Finding]:
    """Lint one source; with a ``project``, the document is (re)counted in it and
    consistency is decided project-wide."""
    options = options or Options()
    doc = build_document(source, options.split_mode)
    if project is not None:
        project.add(doc)
    return finish(doc, check_document(doc, rules, project), source.syntax, options)
