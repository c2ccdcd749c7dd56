"""Consistency across the files of a project."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "policy"


def run(*args):
    r = CliRunner().invoke(main, ["--format", "json", *args])
    return json.loads(r.stdout)["findings"]


@pytest.fixture
def project(tmp_path, monkeypatch, rules):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text("障害者の就労を支援します。障害者手帳の交付を早めます。\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("障害のある方の移動を支援します。\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("障がい者の声を聞きます。\n", encoding="utf-8")
    return tmp_path


def test_minority_form_in_another_file_is_flagged(project):
    fs = [f for f in run("a.md", "b.md", "c.md") if f["rule"].startswith("consistency/")]
    assert [(f["path"], f["line"], f["column"], f["suggestions"]) for f in fs] == [("c.md", 1, 1, ["障害"])]
    assert "a.md:1:1" in fs[0]["message"]
    assert fs[0]["related"][0] == {"path": "a.md", "line": 1, "column": 1}


def test_single_file_in_a_configured_project_uses_the_project_counts(project):
    (project / ".jalint.yaml").write_text("extends: [recommended]\n", encoding="utf-8")
    fs = [f for f in run("c.md") if f["rule"].startswith("consistency/")]
    assert [f["suggestions"] for f in fs] == [["障害"]]
    alone = [f for f in run("--config", str(project / ".jalint.yaml"), "c.md") if f["rule"].startswith("consistency/")]
    assert alone == fs


def test_without_a_configuration_only_the_given_files_count(project):
    assert not [f for f in run("c.md") if f["rule"].startswith("consistency/")]


def test_preferred_form_from_terms_wins(project):
    (project / ".jalint.yaml").write_text("terms:\n  - preferred: 障がい\n    variants: [障害]\n", encoding="utf-8")
    fs = [f for f in run(".") if f["rule"] == "terms/team"]
    assert {f["path"] for f in fs} == {"a.md", "b.md"} and all(f["suggestions"] == ["障がい"] for f in fs)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
def test_corpus_as_one_project(tmp_path):
    fs = [f for f in run(str(CORPUS)) if f["rule"].startswith("consistency/") and "障" in f["message"]]
    flagged = {Path(f["path"]).name for f in fs}
    assert any(name.startswith("13_") for name in flagged)
    assert all(f["suggestions"] == ["障害"] for f in fs if f["suggestions"] and f["suggestions"][0].startswith("障"))
    assert all(f["related"] for f in fs)


def test_a_token_inside_a_reported_katakana_run_is_reported_once(tmp_path, monkeypatch, rules):
    """Uses that come back from the analysis (worker processes, the cache) are decided
    as in one process: the run プロトコルハンドラ is reported, not also ハンドラ in it."""
    from linter.engine import Project, lint_source
    from linter.source import Source

    monkeypatch.chdir(tmp_path)
    text = "プロトコルハンドラーを強化する。\n\nプロトコルハンドラーの方針。\n\nプロトコルハンドラの担当。\n"
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    fs = [f for f in run("--jobs", "1", "a.md") if f["rule"] == "consistency/katakana"]
    assert [(f["line"], f["column"], f["end_column"]) for f in fs] == [(5, 1, 10)]
    alone = [f for f in lint_source(Source("a.md", text, "markdown"), rules, project=Project(rules))
             if f.rule == "consistency/katakana"]
    assert [(f.line, f.column, f.end_column) for f in alone] == [(5, 1, 10)]


def test_a_use_whose_sentence_differs_from_the_file_is_named_as_written(tmp_path, monkeypatch):
    """The message quotes the prose (障がい), not the markup around it (障**がい)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text("障害のある人。障害者の雇用。\n\n**障**がいのある人。\n", encoding="utf-8")
    fs = [f for f in run("--jobs", "1", "a.md") if f["rule"] == "consistency/terms"]
    assert [(f["line"], f["column"], f["end_column"]) for f in fs] == [(3, 3, 8)]
    assert "「障がい」と「障害」" in fs[0]["message"]
