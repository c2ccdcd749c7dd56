"""Inline suppressions in Markdown comments."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from linter.cli import main

BAD = "社会保証の話。"  # misconversion/hoshou-social, error


def run(text, *args):
    r = CliRunner().invoke(main, ["--format", "json", *args, "--stdin-filename", "a.md", "-"], input=text)
    return [(f["line"], f["rule"]) for f in json.loads(r.stdout)["findings"]]


def test_disable_and_enable_all(rules):
    text = f"{BAD}\n\n<!-- jalint-disable -->\n\n{BAD}\n\n<!-- jalint-enable -->\n\n{BAD}\n"
    assert run(text) == [(1, "misconversion/hoshou-social"), (9, "misconversion/hoshou-social")]


def test_disable_named_rules_with_reason(rules):
    text = f"<!-- jalint-disable misconversion/hoshou-social, style/fullwidth-alphabet -- quoted from a law -->\n\n{BAD}ＡＩ\n\n寄付文化の情勢を図る。\n"
    assert run(text) == [(5, "misconversion/jousei")]


def test_disable_next_line(rules):
    text = f"<!-- jalint-disable-next-line misconversion/hoshou-social -->\n{BAD}\n{BAD}\n"
    assert run(text) == [(3, "misconversion/hoshou-social")]


def test_disable_next_line_other_rule_does_not_hide(rules):
    text = f"<!-- jalint-disable-next-line style/max-ten -->\n{BAD}\n"
    assert run(text) == [(2, "misconversion/hoshou-social")]


def test_textlint_comments_are_honoured(rules):
    text = f"<!-- textlint-disable -->\n\n{BAD}\n\n<!-- textlint-enable -->\n\n{BAD}\n"
    assert run(text) == [(7, "misconversion/hoshou-social")]


def test_comment_in_code_is_not_a_directive(rules):
    text = f"```\n<!-- jalint-disable -->\n```\n\n{BAD}\n"
    assert run(text) == [(5, "misconversion/hoshou-social")]


def test_unused_suppression_is_reported_on_request(rules):
    text = "<!-- jalint-disable-next-line misconversion/jousei -->\n正しい文です。\n"
    assert run(text) == []
    assert run(text, "--report-unused-disables") == [(1, "suppression/unused")]


def test_disable_line_on_the_same_line(rules):
    text = f"{BAD}<!-- jalint-disable-line misconversion/hoshou-social -->\n\n{BAD}\n"
    assert run(text) == [(3, "misconversion/hoshou-social")]


def test_enable_named_rule_only(rules):
    text = (f"<!-- jalint-disable misconversion/hoshou-social, misconversion/jousei -->\n\n"
            f"<!-- jalint-enable misconversion/jousei -->\n\n{BAD}寄付文化の情勢を図る。\n")
    assert run(text) == [(5, "misconversion/jousei")]
