"""Baselines, changed-lines mode, the job summary, --max-warnings and --quiet."""
from __future__ import annotations

import json
import os
import subprocess

import pytest
from click.testing import CliRunner

from linter.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def rules_of(r):
    return [(f["line"], f["rule"]) for f in json.loads(r.stdout)["findings"]]


@pytest.fixture
def folder(tmp_path, monkeypatch, rules):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_baseline_reports_only_new_findings(folder):
    p = folder / "a.md"
    p.write_text("社会保証の話。\n\n寄付文化の情勢を図る。\n", encoding="utf-8")
    r = run("--write-baseline", "base.json", "a.md")
    assert "wrote 2 findings to base.json" in r.stderr
    # edits elsewhere move the old problems to other lines: still known
    p.write_text("# 新しい見出し\n\n追加の段落。\n\n社会保証の話。\n\n寄付文化の情勢を図る。\n\n新しい社会保証の話。\n", encoding="utf-8")
    r = run("--format", "json", "--baseline", "base.json", "a.md")
    assert rules_of(r) == [(9, "misconversion/hoshou-social")]
    assert r.exit_code == 1


def test_bad_baseline_is_a_clear_error(folder):
    (folder / "a.md").write_text("本文。\n", encoding="utf-8")
    (folder / "b.json").write_text("{nope", encoding="utf-8")
    r = run("--baseline", "b.json", "a.md")
    assert r.exit_code == 2 and "b.json:1: the baseline is not valid JSON" in r.stderr
    r = run("--baseline", "missing.json", "a.md")
    assert r.exit_code == 2 and "missing.json: no such baseline file" in r.stderr


def _git(cwd, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def test_diff_base_reports_only_changed_lines(folder):
    _git(folder, "init", "-q", "-b", "main")
    (folder / "doc.md").write_text("社会保証の話。\n\n本文です。\n", encoding="utf-8")
    _git(folder, "add", "doc.md")
    _git(folder, "commit", "-q", "-m", "base")
    _git(folder, "checkout", "-q", "-b", "feature")
    (folder / "doc.md").write_text("社会保証の話。\n\n本文です。\n\n寄付文化の情勢を図る。\n", encoding="utf-8")
    _git(folder, "commit", "-q", "-am", "add a line")
    r = run("--format", "json", "--diff-base", "main", "doc.md")
    assert rules_of(r) == [(5, "misconversion/jousei")]
    everything = run("--format", "json", "doc.md")
    assert len(rules_of(everything)) == 2


def test_diff_base_outside_git_is_an_error(folder):
    (folder / "a.md").write_text("本文。\n", encoding="utf-8")
    r = run("--diff-base", "main", "a.md")
    assert r.exit_code == 2 and "is not inside a git repository" in r.stderr


def test_summary_is_markdown_with_a_table(folder, monkeypatch):
    (folder / "a.md").write_text("社会保証の話。ＡＩを使う。\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_REPOSITORY", "team/manifesto")
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(folder))
    run("--summary", "summary.md", "a.md")
    text = (folder / "summary.md").read_text(encoding="utf-8")
    assert "| `misconversion/hoshou-social` | error | 1 |" in text
    assert "[a.md:1:1](https://github.com/team/manifesto/blob/abc123/a.md#L1)" in text


def test_max_warnings_and_quiet(folder):
    (folder / "a.md").write_text("ＡＩとＤＸを使う。\n", encoding="utf-8")
    assert run("a.md").exit_code == 0
    r = run("--max-warnings", "1", "a.md")
    assert r.exit_code == 1 and "more than --max-warnings 1" in r.stderr
    assert run("--max-warnings", "2", "a.md").exit_code == 0
    assert json.loads(run("--format", "json", "--quiet", "a.md").stdout)["findings"] == []
