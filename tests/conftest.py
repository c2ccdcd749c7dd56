"""Shared fixtures: the real Sudachi dictionary and the real rule files, loaded once
per test run.  The user cache folder (parsed YAML) is a temporary one for the whole
session, set before collection (which already loads rules) and inherited by the
subprocesses that tests start: tests never write into the real ~/.cache/jalint."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from linter.engine import Options, lint_source
from linter.rules import load_rules
from linter.source import Source
from linter.tokenizer import sudachi_tokenizer

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

_saved_cache_env: dict[str, str | None] = {}


def pytest_configure(config):
    folder = tempfile.mkdtemp(prefix="jalint-test-cache-")
    for name, value in (("JALINT_CACHE_DIR", folder), ("JALINT_NO_CACHE", None)):
        _saved_cache_env[name] = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def pytest_unconfigure(config):
    folder = os.environ.get("JALINT_CACHE_DIR")
    for name, value in _saved_cache_env.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if folder and folder != _saved_cache_env.get("JALINT_CACHE_DIR"):
        shutil.rmtree(folder, ignore_errors=True)


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
