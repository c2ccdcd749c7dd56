"""--fix: safe suggestions applied atomically; bytes outside the fixed spans, the BOM
and the line endings untouched; a second run changes nothing."""
from __future__ import annotations

from click.testing import CliRunner

from linter.cli import main
from linter.document import Finding
from linter.fix import apply, plan


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_fix_keeps_bom_crlf_and_other_bytes(tmp_path, rules):
    p = tmp_path / "a.md"
    original = "\ufeff# 見出し\r\n\r\n社会保証の充実と ＡＩ の活用。\r\n\r\n```\r\n社会保証\r\n```\r\n"
    p.write_bytes(original.encode("utf-8"))
    r = run("--fix", str(p))
    assert "applied 2 fixes" in r.stderr
    data = p.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data == original.replace("社会保証の充実", "社会保障の充実").replace("ＡＩ", "AI").encode("utf-8")
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    again = run("--fix", str(p))
    assert "applied 0 fixes" in again.stderr and p.read_bytes() == data


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path, rules):
    p = tmp_path / "a.md"
    p.write_text("社会保証の充実。\n", encoding="utf-8")
    r = run("--fix", "--dry-run", str(p))
    assert r.exit_code == 1  # the error is still there
    assert "-社会保証の充実。" in r.stdout and "+社会保障の充実。" in r.stdout
    assert "would apply 1 fix" in r.stderr
    assert p.read_text(encoding="utf-8") == "社会保証の充実。\n"


def test_fix_from_stdin_prints_the_text(rules):
    r = run("--fix", "--stdin-filename", "x.md", "-", input="ﾃﾞｰﾀを見れる。\n")
    assert r.stdout == "データを見られる。\n"


def test_unsafe_findings_are_not_applied(tmp_path, rules):
    p = tmp_path / "a.md"
    text = "資料を確認をします。\n"  # a warning without a fix
    p.write_text(text, encoding="utf-8")
    run("--fix", str(p))
    assert p.read_text(encoding="utf-8") == text


def _f(start, end, rule, sugg, fixable=True):
    return Finding("a", start, end, 1, start + 1, 1, end + 1, "error", rule, "m", sugg, "r", fixable=fixable)


def test_overlapping_fixes_wait_for_the_next_pass():
    findings = [_f(0, 4, "a", ["WXYZ"]), _f(2, 6, "b", ["--"]), _f(6, 7, "c", ["!"]), _f(7, 8, "d", ["x", "y"]),
                _f(8, 9, "e", ["?"], fixable=False)]
    edits = plan(findings)
    assert [(e.start, e.rule) for e in edits] == [(0, "a"), (6, "c")]
    assert apply("abcdefgh", edits) == "WXYZef!h"


def test_overlapping_fixes_all_land_over_passes(tmp_path, rules):
    p = tmp_path / "a.md"
    p.write_text("ｻｰﾊﾞｰは社会保証の要です｡\n", encoding="utf-8")
    run("--fix", str(p))
    assert p.read_text(encoding="utf-8") == "サーバーは社会保障の要です。\n"
