"""The real manifesto corpus: the linter never crashes on it, finds the known
problems, and keeps its error-level findings few and real."""
from __future__ import annotations

import collections
from pathlib import Path

import pytest

from linter.engine import lint_source
from linter.source import expand_paths, read_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not (CORPUS / "policy").is_dir(), reason="corpus not available")


@pytest.fixture(scope="module")
def corpus_findings(rules):
    files = expand_paths([str(CORPUS / "policy"), str(CORPUS / "manifesto-2026")])
    assert len(files) >= 31
    return {f: lint_source(read_file(f), rules) for f in files}


def _in(findings, name):
    return next(v for k, v in findings.items() if Path(k).name.startswith(name))


def test_known_misconversion_miryoku(corpus_findings):
    fs = _in(corpus_findings, "15_")
    hits = [f for f in fs if f.rule == "misconversion/miryoku"]
    assert len(hits) == 1
    assert hits[0].matched == "魅了" and hits[0].suggestions == ["魅力"] and hits[0].line == 43


def test_shougai_variant_inside_one_file(corpus_findings):
    fs = _in(corpus_findings, "13_")
    hits = [f for f in fs if f.rule == "consistency/terms" and f.matched == "障がい"]
    assert hits and hits[0].suggestions == ["障害"]
    text = read_file(next(k for k in corpus_findings if Path(k).name.startswith("13_"))).text
    line = text.splitlines()[hits[0].line - 1]
    assert line[hits[0].column - 1:].startswith("障がい者")


def test_quoted_misconversion_is_a_mention_not_an_error(corpus_findings):
    fs = _in(corpus_findings, "science-technology")
    assert not [f for f in fs if f.rule == "misconversion/jousei"]
    assert [f for f in fs if f.rule == "style/repeated-word" and f.matched == "障害障がい"]


def test_error_findings_stay_few(corpus_findings):
    counts = collections.Counter(f.rule for fs in corpus_findings.values() for f in fs if f.severity == "error")
    # Half-width ｡ and ､ are real (one file is written with them); the rest must be rare.
    others = sum(n for rule, n in counts.items() if rule != "style/halfwidth-punctuation")
    assert others <= 10, counts
