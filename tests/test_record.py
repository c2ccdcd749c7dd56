"""``linter.record.Record``, the base of the data classes that were dataclasses: the
same constructor defaults, equality, ``replace`` and pickling as before."""
from __future__ import annotations

import pickle

import pytest

from linter.analysis import Analysis
from linter.config import Config
from linter.document import Finding, LineIndex, Result
from linter.rules import Example, Rule


def _finding(**changes) -> Finding:
    f = Finding("a.md", 0, 2, 1, 1, 1, 3, "warning", "x/y", "message", ["b"], "rules/x.yaml:1")
    return f.replace(**changes) if changes else f


def test_defaults_are_fresh_per_instance():
    a, b = Result(), Result()
    a.findings.append(_finding())
    assert b.findings == [] and a.paths is not b.paths
    assert Config().extends == ["recommended"] and Config().extends is not Config().extends
    assert _finding().related == [] and _finding().related is not _finding().related


def test_equality_repr_and_hash():
    assert _finding() == _finding()
    assert _finding() != _finding(line=2)
    assert Example("a") != ("a", None, None)
    assert repr(Example("a", "b")) == "Example(text='a', suggestion='b', syntax=None)"
    with pytest.raises(TypeError):
        hash(_finding())


def test_replace_keeps_the_other_fields():
    rule = Rule("x/y", "substitution", "warning", "m", "d", "rules/x.yaml:1", checker=object(),
                bad=[Example("a")], tags=["t"])
    card = rule.replace(checker=None, spec={})
    assert card.checker is None and card.bad is rule.bad and card.tags is rule.tags
    assert (card.id, card.severity, card.source) == (rule.id, rule.severity, rule.source)
    with pytest.raises(TypeError):
        rule.replace(no_such_field=1)


def test_pickling():
    f = _finding(related=[("b.md", 2, 3)])
    assert pickle.loads(pickle.dumps(f)) == f
    a = Analysis("a.md", "text\n", "markdown", False, [f], {"x/y": 1})
    assert isinstance(a.lines, LineIndex)
    b = pickle.loads(pickle.dumps(a))
    assert b._lines.starts == [0, 5] and b._lines.text is b.text  # sent along, the text once
    assert (b.path, b.text, b.syntax, b.bom, b.findings, b.uses) == ("a.md", "text\n", "markdown", False, [f], {"x/y": 1})
