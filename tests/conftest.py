"""Shared fixtures: the real Sudachi dictionary and the real rule files, loaded once
per test run."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine import Options, lint_source
from linter.rules import load_rules
from linter.source import Source
from linter.tokenizer import sudachi_tokenizer

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def tokenizer():
    return sudachi_tokenizer("C")


@pytest.fixture(scope="session")
def rules(tokenizer):
    return load_rules()


@pytest.fixture(scope="session")
def rules_by_id(rules):
    return {r.id: r for r in rules}


@pytest.fixture(scope="session")
def lint(rules):
    """lint(text, syntax="markdown", only=None) -> findings, with the real rules."""

    def run(text: str, syntax: str = "markdown", only=None, path: str = "doc.md"):
        chosen = [r for r in rules if only is None or r.id in ([only] if isinstance(only, str) else only)]
        return lint_source(Source(path, text, syntax), chosen, Options())

    return run
