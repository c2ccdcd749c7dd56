"""prh dictionaries: the bundled example loads, its specs pass, and it lints."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter.engine import lint_source
from linter.errors import JalintError
from linter.prh import load_prh_rule
from linter.source import Source

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "prh.yml"


@pytest.fixture(scope="module")
def prh_rule(tokenizer):
    return load_prh_rule(EXAMPLE)


def test_example_dictionary_has_twenty_entries_and_its_specs_pass(prh_rule):
    (label, n), = prh_rule.checker.counts()
    assert n >= 20


@pytest.mark.parametrize("text,wrong,right", [
    ("ｊａｖａｓｃｒｉｐｔで書く。", "ｊａｖａｓｃｒｉｐｔ", "JavaScript"),
    ("サーバを増設する。", "サーバ", "サーバー"),
    ("鈴木氏が発表した。", "鈴木氏", "鈴木さん"),
    ("インターフェイスを統一する。", "インターフェイス", "インターフェース"),
    ("apiを公開する。", "api", "API"),
])
def test_prh_entries_lint(prh_rule, text, wrong, right):
    findings = lint_source(Source("a.md", text, "markdown"), [prh_rule])
    assert [(f.matched, f.suggestions) for f in findings] == [(wrong, [right])]
    assert findings[0].rule == "prh/prh" and findings[0].rule_source.startswith(str(EXAMPLE))


@pytest.mark.parametrize("text", ["JavaScriptで書く。", "サーバーを増設する。", "rapidな変化", "子供服を売る。"])
def test_prh_leaves_correct_text_alone(prh_rule, text):
    assert lint_source(Source("a.md", text, "markdown"), [prh_rule]) == []


def _write(tmp_path, body):
    p = tmp_path / "team.yml"
    p.write_text(body, encoding="utf-8")
    return p


def test_failing_spec_is_an_error_naming_the_entry(tmp_path):
    p = _write(tmp_path, "version: 1\nrules:\n  - expected: サーバー\n    pattern: サーバ\n    specs:\n      - from: サーバ\n        to: サーバ\n")
    with pytest.raises(JalintError, match=r"team.yml:6: prh spec failed for サーバー: 'サーバ' became 'サーバー', expected 'サーバ'"):
        load_prh_rule(p)


def test_bad_prh_regex_and_keys_are_errors(tmp_path):
    with pytest.raises(JalintError, match=r"team.yml:3: prh pattern '/\(/' is not a valid"):
        load_prh_rule(_write(tmp_path, "version: 1\nrules:\n  - expected: x\n    pattern: /(/\n"))
    with pytest.raises(JalintError, match=r"team.yml:4: unknown key 'patern' in prh rule x"):
        load_prh_rule(_write(tmp_path, "version: 1\nrules:\n  - expected: x\n    patern: y\n"))


def test_imports_and_ignore_rules(tmp_path):
    (tmp_path / "base.yml").write_text("version: 1\nrules:\n  - expected: サーバー\n    pattern: /サーバ(?!ー)/\n"
                                       "  - expected: ユーザー\n    pattern: /ユーザ(?!ー)/\n", encoding="utf-8")
    p = _write(tmp_path, "version: 1\nimports:\n  - path: base.yml\n    ignoreRules: [ユーザー]\nrules: []\n")
    rule = load_prh_rule(p)
    findings = lint_source(Source("a.md", "サーバとユーザ", "markdown"), [rule])
    assert [f.suggestions for f in findings] == [["サーバー"]]
