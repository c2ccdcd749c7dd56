"""Configuration: discovery, keys, and every error message."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from linter.cli import main


def lint(*args, input=None):
    r = CliRunner().invoke(main, list(args), input=input)
    return r


def findings(r):
    return json.loads(r.stdout)["findings"]


@pytest.fixture
def project(tmp_path, monkeypatch, rules):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "sub" / "a.md").write_text("寄付文化の情勢を図ります。ＡＩを使う。\n", encoding="utf-8")
    return tmp_path


def test_discovered_from_a_subdirectory(project, monkeypatch):
    (project / ".jalint.yaml").write_text("rules:\n  misconversion/jousei: off\n  misconversion/homophone: off\n",
                                          encoding="utf-8")
    monkeypatch.chdir(project / "docs" / "sub")
    r = lint("--format", "json", "a.md")
    assert [f["rule"] for f in findings(r)] == ["style/fullwidth-alphabet"]
    assert r.exit_code == 0


def test_pyproject_section(project):
    (project / "pyproject.toml").write_text("[tool.jalint]\nrules = { 'style/fullwidth-alphabet' = 'error' }\n", encoding="utf-8")
    r = lint("--format", "json", "docs")
    sev = {f["rule"]: f["severity"] for f in findings(r)}
    assert sev["style/fullwidth-alphabet"] == "error" and "misconversion/jousei" in sev


def test_severity_options_extends_and_terms(project):
    (project / ".jalint.yaml").write_text(
        "extends: [technical-writing]\n"
        "rules:\n"
        "  style/sentence-length: {severity: error, options: {max: 5}}\n"
        "  misconversion/jousei: warning\n"
        "terms:\n"
        "  - preferred: 人工知能\n"
        "    variants: [ＡＩ]\n",
        encoding="utf-8",
    )
    fs = findings(lint("--format", "json", "docs"))
    by_rule = {f["rule"]: f for f in fs}
    assert by_rule["style/sentence-length"]["severity"] == "error"
    assert by_rule["misconversion/jousei"]["severity"] == "warning"  # turned on by its setting
    assert by_rule["terms/team"]["suggestions"] == ["人工知能"]


def test_include_exclude(project):
    (project / "docs" / "skip.md").write_text("社会保証\n", encoding="utf-8")
    (project / "docs" / "keep.txt").write_text("社会保証\n", encoding="utf-8")
    (project / ".jalint.yaml").write_text("include: ['**/*.txt', 'docs/sub/*.md']\nexclude: [skip.md]\n", encoding="utf-8")
    paths = sorted({Path(f["path"]).name for f in findings(lint("--format", "json", "docs"))})
    assert paths == ["a.md", "keep.txt"]


def test_explicit_config_and_rule_files(project):
    (project / "team.yaml").write_text(
        "rules:\n  - id: team/ai\n    kind: substitution\n    severity: error\n    match: ＡＩ\n    replace: AI\n"
        "    message: m\n    examples: {bad: [ＡＩ], good: [AI]}\n", encoding="utf-8")
    (project / "conf.yaml").write_text("rule_files: [team.yaml]\n", encoding="utf-8")
    fs = findings(lint("--format", "json", "--config", "conf.yaml", "docs"))
    assert "team/ai" in {f["rule"] for f in fs}


@pytest.mark.parametrize("body,message", [
    ("colour: red\n", ".jalint.yaml:1: unknown key 'colour'"),
    ("rules: [a]\n", ".jalint.yaml:1: 'rules' must map rule ids"),
    ("rules:\n  style/nope: off\n", ".jalint.yaml:2: rules: unknown rule 'style/nope'"),
    ("rules:\n  style/max-ten: loud\n", ".jalint.yaml:2: rules.style/max-ten: 'loud' is not off, on or a severity"),
    ("rules:\n  style/max-ten: {level: info}\n", ".jalint.yaml:2: rules.style/max-ten: unknown key 'level'"),
    ("rules:\n  style/max-ten: {options: {max: -1}}\n", ".jalint.yaml:2: rules.style/max-ten.options: 'max' must be a non-negative integer"),
    ("rules:\n  style/max-ten: {options: {colour: 1}}\n", ".jalint.yaml:2: rules.style/max-ten.options: unknown key 'colour'"),
    ("extends: [nope]\n", ".jalint.yaml:1: unknown preset 'nope'"),
    ("include: 3\n", ".jalint.yaml:1: 'include' must be a string or a list of strings"),
    ("terms:\n  - preferred: 障害\n", ".jalint.yaml:2: terms: 'preferred' needs a word"),
    ("terms:\n  - wrong: a\n    right: a\n", ".jalint.yaml:2: terms: 'wrong' and 'right' must be two different words"),
    ("terms:\n  - x: 1\n", ".jalint.yaml:2: terms: unknown key 'x'"),
    ("terms:\n  - {wrong: a, right: b}\n  - {wrong: a, right: c}\n", ".jalint.yaml:3: terms: a → c contradicts a → b"),
    ("rule_files: [missing.yaml]\n", ".jalint.yaml:1: rule_files: missing.yaml: no such file"),
    ("prh: [missing.yml]\n", ".jalint.yaml:1: prh: missing.yml: no such file"),
    ("sudachi: {split_mode: D}\n", ".jalint.yaml:1: sudachi.split_mode must be A, B or C"),
    ("sudachi: {dict: x}\n", ".jalint.yaml:1: sudachi: unknown key 'dict'"),
    ("sudachi: {user_dictionary: none.dic}\n", ".jalint.yaml:1: sudachi.user_dictionary: none.dic: no such file"),
    ("rules: {a: [\n", ".jalint.yaml:2: invalid YAML"),
])
def test_configuration_errors(project, body, message):
    (project / ".jalint.yaml").write_text(body, encoding="utf-8")
    r = lint("docs")
    assert r.exit_code == 2
    err = r.stderr.strip()
    assert "\n" not in err and message in err, err


def test_missing_explicit_config(project):
    r = lint("--config", "nope.yaml", "docs")
    assert r.exit_code == 2 and "nope.yaml: no such configuration file" in r.stderr


def test_init_writes_a_starter_that_loads(project):
    r = lint("init")
    assert r.exit_code == 0 and (project / ".jalint.yaml").exists()
    assert lint("docs").exit_code in (0, 1)
    again = lint("init")
    assert again.exit_code == 2 and "already exists" in again.stderr
