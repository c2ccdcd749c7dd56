"""Every rule documents and tests itself: its bad examples must be flagged (with the
stated suggestion) and its good examples must not."""
from __future__ import annotations

import pytest

from linter.rules import bundled_rules

RULES = bundled_rules()
BAD = [(r.id, i, ex) for r in RULES for i, ex in enumerate(r.bad)]
GOOD = [(r.id, i, ex) for r in RULES for i, ex in enumerate(r.good)]


@pytest.mark.parametrize("rule_id,i,example", BAD, ids=[f"{r}-bad{i}" for r, i, _ in BAD])
def test_bad_example_is_flagged(lint, rule_id, i, example):
    for syntax in [example.syntax] if example.syntax else ("text", "markdown"):
        findings = [f for f in lint(example.text, syntax, only=rule_id) if f.rule == rule_id]
        assert findings, f"{rule_id} did not flag ({syntax}): {example.text}"
        if example.suggestion is not None:
            offered = [s for f in findings for s in f.suggestions]
            assert example.suggestion in offered, f"{rule_id}: expected {example.suggestion!r}, got {offered}"


@pytest.mark.parametrize("rule_id,i,example", GOOD, ids=[f"{r}-good{i}" for r, i, _ in GOOD])
def test_good_example_is_not_flagged(lint, rule_id, i, example):
    for syntax in [example.syntax] if example.syntax else ("text", "markdown"):
        findings = [f for f in lint(example.text, syntax, only=rule_id) if f.rule == rule_id]
        assert not findings, f"{rule_id} flagged ({syntax}) {example.text}: {[f.message for f in findings]}"


def test_every_rule_has_examples_of_both_kinds():
    missing = [r.id for r in RULES if not r.bad or not r.good]
    assert not missing, missing


def test_there_are_enough_rules():
    kinds = {r.kind for r in RULES}
    assert {"substitution", "consistency", "existence", "sequence", "metric", "builtin"} <= kinds
    assert sum(1 for r in RULES if r.id.startswith("misconversion/")) >= 20
    assert sum(1 for r in RULES if r.id.startswith("style/")) >= 10


def test_every_bundled_homophone_cue_compiles():
    from linter.kinds.homophone import load_dictionaries

    d = load_dictionaries(("homophones",))
    cues = [c for s in d.sets for m in s.members for c in m.cues]
    assert len(d.sets) >= 300
    for c in cues:
        c.compile()  # raises JalintError naming the file and line


def test_every_rule_has_a_heading_in_the_rule_reference():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [r.id for r in RULES if f"\n### {r.id}\n" not in doc]
    assert not missing, f"run scripts/gen_rule_docs.py: {missing[:5]}"
