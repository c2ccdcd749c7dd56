"""Precision and recall on the labelled sentences of tests/eval (written by this
project, not copied from any corpus).  Run `python -m linter.evaluation` style
reports with:  python -m pytest tests/test_eval.py -q -s"""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.evaluation import load_cases, evaluate

EVAL = Path(__file__).resolve().parent / "eval"
FLOORS = {"misconversion": (0.95, 0.85), "variant": (0.95, 0.90)}  # precision, recall


@pytest.fixture(scope="module")
def result(rules):
    cases = load_cases(EVAL)
    return cases, evaluate(cases, rules)


def _report(scores):
    lines = []
    for cat, s in scores.items():
        lines.append(f"{cat}: precision {s.precision:.3f} recall {s.recall:.3f} (tp {s.tp}, fp {s.fp}, fn {s.fn})")
        lines += [f"  false alarm {x}" for x in s.false_alarms[:20]]
        lines += [f"  missed {x}" for x in s.misses[:20]]
    return "\n".join(lines)


def test_eval_set_is_large_enough(result):
    cases, _ = result
    assert len(cases) >= 200
    clean = [c for c in cases if not c.expect]
    assert len(clean) >= 60


@pytest.mark.parametrize("category", list(FLOORS))
def test_precision_and_recall_floors(result, category):
    _, (scores, _) = result
    s = scores[category]
    print(_report(scores))
    p_floor, r_floor = FLOORS[category]
    assert s.precision >= p_floor, _report(scores)
    assert s.recall >= r_floor, _report(scores)


def test_no_error_on_clean_text(result):
    _, (_, errors_on_clean) = result
    assert not errors_on_clean, errors_on_clean[:20]
