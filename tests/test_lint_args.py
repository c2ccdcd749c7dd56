"""A plain lint command is read without click (``linter.lint_args``) exactly as the
click command line reads it, and anything else is left to click."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from linter.cli import lint_command
from linter.lint_args import parse

ROOT = Path(__file__).resolve().parents[1]
# click's parameter names where the lint command's differ
RENAMED = {"config_path": "config", "baseline_file": "baseline", "use_cache": "cache"}


def click_values(argv: list[str]) -> dict:
    """The lint command's values as click reads ``argv`` (after ``jalint``)."""
    args = argv[1:] if argv[:1] == ["lint"] else argv
    ctx = lint_command.make_context("lint", list(args))
    return {RENAMED.get(k, k): list(v) if isinstance(v, tuple) else v for k, v in ctx.params.items()}


@pytest.mark.parametrize("argv", [
    [], ["a.md"], ["lint", "a.md", "b.md"], ["-"], ["-", "--stdin-filename", "x.md"],
    ["--format", "json", "a.md"], ["--format=sarif", "a.md"], ["a.md", "--format", "github", "b.md"],
    ["--format", "json", "--format", "text"],
    ["-j", "2", "a.md"], ["-j2", "a.md"], ["--jobs=3"], ["--jobs", "1"], ["-j", "02"],
    ["-q", "--severity", "warning", "x"], ["--quiet"], ["--severity=error"],
    ["--cache", "--color"], ["--no-color", "--color"], ["--color", "--no-color"],
    ["--rule-file", "r1.yaml", "--rule-file=r2.yaml", "a.md"], ["--config", "c.yaml"], ["--config=c.yaml"],
    ["--preset", "all"], ["--max-warnings", "0"], ["--max-warnings=5"],
    ["--fix", "--dry-run", "a.md"], ["--fix", "--diff"], ["--dry-run"], ["--baseline", "b.json"],
    ["--write-baseline", "b.json"], ["--diff-base", "HEAD~1"], ["--summary", "s.md"], ["--encoding", "cp932"],
    ["--report-unused-disables", "--cache", "a.md"], ["lint"], ["lint", "rules"], ["a.md", "rules"],
])
def test_read_as_click_reads_it(argv):
    values = parse(argv)
    assert values is not None, argv
    assert values == click_values(argv)


@pytest.mark.parametrize("argv", [
    ["--format", "xml"], ["--severity", "high"], ["-j", "0"], ["-j", "x"], ["--jobs="], ["--max-warnings", "-1"],
    ["--max-warnings", "many"], ["--bogus"], ["--format"], ["-x"], ["--cache=1"], ["--config", "FOLDER"],
    ["--summary=FOLDER"],
])
def test_what_click_rejects_is_left_to_click(argv, tmp_path):
    argv = [str(tmp_path) if a == "FOLDER" else a.replace("FOLDER", str(tmp_path)) for a in argv]
    with pytest.raises(click.UsageError):
        click_values(argv)
    assert parse(argv) is None


@pytest.mark.parametrize("argv", [
    ["-qj2", "a.md"], ["--", "a.md"], ["--config", "-odd.yaml"], ["--help"], ["-h"], ["--version"],
    ["rules"], ["explain", "style/ra-nuki"], ["init"], ["lsp"],
])
def test_other_commands_and_rare_spellings_are_left_to_click(argv):
    assert parse(argv) is None


def test_a_plain_command_runs_without_click_and_a_mistake_still_gets_clicks_message(tmp_path):
    (tmp_path / "a.md").write_text("寄付文化の情勢を図る。\n", encoding="utf-8")
    probe = ("import sys\nfrom linter.__main__ import run\ncode = run()\n"
             "sys.stderr.write('CLICK=' + str('click' in sys.modules))\nsys.exit(code)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def jalint(*args):
        return subprocess.run([sys.executable, "-c", probe, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120)

    plain = jalint("--format", "json", "a.md")
    assert plain.returncode == 1 and "misconversion/jousei" in plain.stdout
    assert plain.stderr.endswith("CLICK=False")
    wrong = jalint("--format", "xml", "a.md")
    assert wrong.returncode == 2 and wrong.stderr.endswith("CLICK=True")
    assert "'xml' is not one of" in wrong.stderr and wrong.stderr.count("\n") == 1
    missing = jalint("--format", "json", "missing.md")
    assert missing.returncode == 2 and "jalint: missing.md" in missing.stderr and "Traceback" not in missing.stderr
