"""Precision and recall of the rules on labelled sentences (``tests/eval/*.yaml``).

A case is a text with the findings it must produce (``expect``); a case without
``expect`` is clean, and usually a trap (a correct use of a word that a careless
rule would flag)::

    cases:
      - text: 寄付文化の情勢を図ります。
        expect: [{category: misconversion, match: 情勢, suggestion: 醸成}]
      - text: 国際情勢を注視します。

Categories: ``misconversion`` (rules misconversion/*) and ``variant`` (rules
consistency/*).  Findings of other rules are ignored, except that no case may get an
error-severity finding it does not expect.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .engine import lint_source
from .errors import JalintError
from .source import Source
from .yamlio import load_yaml

CATEGORIES = {"misconversion": "misconversion/", "variant": "consistency/"}


@dataclass
class Expected:
    category: str
    match: str
    suggestion: str | None


@dataclass
class Case:
    text: str
    expect: list[Expected]
    where: str


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_alarms: list = field(default_factory=list)
    misses: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load_cases(folder: Path) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.yaml")):
        label = f"{folder.name}/{path.name}"
        data = load_yaml(path.read_text(encoding="utf-8"), label)
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            raise JalintError(f"{label}:1: an evaluation file is a mapping with a 'cases' list")
        for item in data["cases"]:
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise JalintError(f"{label}:{getattr(item, 'line', 1)}: each case needs a 'text'")
            expect = []
            for e in item.get("expect", []) or []:
                if not isinstance(e, dict) or e.get("category") not in CATEGORIES or not isinstance(e.get("match"), str):
                    raise JalintError(f"{label}:{item.line}: expect entries need category (misconversion|variant) and match")
                expect.append(Expected(e["category"], e["match"], e.get("suggestion")))
            cases.append(Case(item["text"], expect, f"{label}:{item.line}"))
    return cases


def evaluate(cases: list[Case], rules, min_severity: str = "warning") -> tuple[dict[str, Score], list]:
    """Scores per category, and the error-severity findings on clean text."""
    from .document import SEVERITY_RANK

    scores = {c: Score() for c in CATEGORIES}
    errors_on_clean = []
    floor = SEVERITY_RANK[min_severity]
    for case in cases:
        findings = lint_source(Source("eval.txt", case.text, "text"), rules)
        remaining = list(case.expect)
        for f in findings:
            category = next((c for c, prefix in CATEGORIES.items() if f.rule.startswith(prefix)), None)
            hit = next(
                (e for e in remaining if e.match == f.matched and (e.suggestion is None or e.suggestion in f.suggestions)),
                None,
            )
            if hit is not None:
                remaining.remove(hit)
                scores[hit.category].tp += 1
                continue
            if f.severity == "error":
                errors_on_clean.append((case.where, case.text, f.rule, f.matched, f.suggestions))
            if category is not None and SEVERITY_RANK[f.severity] >= floor:
                scores[category].fp += 1
                scores[category].false_alarms.append((case.where, f.rule, f.matched, f.suggestions, case.text))
        for e in remaining:
            scores[e.category].fn += 1
            scores[e.category].misses.append((case.where, e.match, e.suggestion, case.text))
    return scores, errors_on_clean
