"""A repeated ``jalint --cache`` command prints what it printed before, with the same
exit code, without importing the command line (``linter.replay``), and only when
nothing it depends on changed.  Real files, the real command in fresh processes."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from linter import cache as cache_mod
from linter import replay
from linter.replay import parse

ROOT = Path(__file__).resolve().parents[1]

A_TEXT = "障害のある人を支援する。障害者の雇用を進める。障害の有無を問わない。\n"
B_TEXT = "障がいのある人の声を聞く。見れる。\n"

# ``jalint`` as installed (linter.__main__:main), saying on standard error whether the
# lint command was imported, i.e. whether the run cache's kept output answered
PROBE = """
import sys
from linter.__main__ import run
code = run()
sys.stderr.write("QUICK=" + ("linter.request" in sys.modules and "no" or "yes") + "\\n")
sys.stderr.write("LINTED=" + ("linter.lint_command" in sys.modules and "yes" or "no") + "\\n")
sys.exit(code)
"""


def jalint(folder: Path, *args, stdin: str | None = None, **env):
    """(exit code, stdout, stderr, answered by the kept output) of one command."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    environ.pop("NO_COLOR", None)
    r = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=folder, env=environ, input=stdin,
                       capture_output=True, text=True, timeout=120)
    err, _, marker = r.stderr.rpartition("LINTED=")
    err, _, quick = err.rpartition("QUICK=")
    LAST_QUICK[0] = quick.strip() == "yes"
    return r.returncode, r.stdout, err, marker.strip() == "no"


LAST_QUICK = [False]  # whether the last command was answered by the quick record


@pytest.fixture
def project(tmp_path, monkeypatch):
    # this test's own user cache (quick records), outside the project it lints, made
    # now: made by a run, it would change a folder above the project
    user_cache = tmp_path.parent / f"{tmp_path.name}-user-cache"
    user_cache.mkdir()
    monkeypatch.setenv("JALINT_CACHE_DIR", str(user_cache))
    cache_mod._digest_of_sources.cache_clear()
    (tmp_path / "a.md").write_text(A_TEXT, encoding="utf-8")
    (tmp_path / "b.md").write_text(B_TEXT, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["json", "text", "github"])
def test_the_same_command_again_prints_the_same_without_the_command_line(project, fmt):
    args = ("--cache", "--format", fmt, "--jobs", "1", "a.md", "b.md")
    cold = jalint(project, *args)
    warm = jalint(project, *args)
    assert not cold[3] and warm[3]
    assert warm[:3] == cold[:3]
    assert cold[0] == 1 and "consistency/terms" in cold[1]
    assert cold[:3] == jalint(project, *args[1:])[:3]  # and what a run without the cache prints


@pytest.mark.parametrize("args", [
    ("--cache", "--format=json", "a.md", "b.md"),
    ("lint", "--cache", "--format", "json", "a.md", "b.md"),
    ("a.md", "--cache", "-j", "1", "--format", "json", "b.md"),
    ("--cache", "-j1", "a.md", "b.md"),
    ("--cache", "--severity", "info", "-q", "a.md", "b.md"),
    ("--cache", "--severity=warning", "--preset", "all", "a.md", "b.md"),
    ("--cache", "--max-warnings", "0", "--no-color", "."),
    ("--cache", "--rule-file", "extra.yaml", "--report-unused-disables", "b.md"),
    ("--cache", "--config", "team.yaml", "a.md", "b.md"),
])
def test_every_spelling_of_a_plain_lint_command_is_answered(project, args):
    (project / "extra.yaml").write_text(
        "rules:\n  - id: team/mireru\n    kind: existence\n    severity: error\n    message: 見れる\n"
        "    regex: 見れる\n    examples:\n      bad: [見れる]\n      good: [見られる]\n", encoding="utf-8")
    (project / "team.yaml").write_text("rules:\n  style/ra-nuki: off\n", encoding="utf-8")
    cold = jalint(project, *args)
    assert cold[0] in (0, 1), cold[2]
    warm = jalint(project, *args)
    assert warm[3], f"not answered from the kept output: {args}"
    assert warm[:3] == cold[:3]


def test_the_exit_code_and_messages_are_those_of_the_command(project):
    clean = ("--cache", "a.md")
    assert jalint(project, *clean)[0] == 0
    assert jalint(project, *clean)[0::3] == (0, True)
    (project / "c.md").write_text("真綿で首を締める。\n", encoding="utf-8")  # a warning
    strict = ("--cache", "--max-warnings", "0", "c.md")
    code, out, err, _ = jalint(project, *strict)
    assert code == 1 and "more than --max-warnings 0" in err
    assert jalint(project, *strict) == (code, out, err, True)


def test_a_changed_file_or_an_added_one_is_linted_again(project):
    args = ("--cache", "--format", "json", ".")
    cold = jalint(project, *args)
    assert jalint(project, *args)[3]
    (project / "a.md").write_text(A_TEXT.replace("障害", "障がい"), encoding="utf-8")
    changed = jalint(project, *args)
    assert not changed[3] and changed[:3] != cold[:3]
    assert changed[:3] == jalint(project, *args[1:])[:3]
    (project / "c.md").write_text("朝早く起きれる。\n", encoding="utf-8")
    added = jalint(project, *args)
    assert not added[3] and '"c.md"' in added[1]


def test_a_changed_configuration_is_not_answered_from_the_kept_output(project):
    args = ("--cache", "--format", "json", "a.md", "b.md")
    before = jalint(project, *args)
    (project / ".jalint.yaml").write_text("rules:\n  style/ra-nuki: off\n", encoding="utf-8")
    after = jalint(project, *args)
    assert not after[3] and after[:3] != before[:3] and "style/ra-nuki" not in after[1]


def test_a_notice_of_walking_the_paths_is_left_to_the_command_line(project):
    (project / "gone.md").symlink_to(project / "nowhere.md")
    args = ("--cache", ".")
    first = jalint(project, *args)
    assert "gone.md" in first[2]
    again = jalint(project, *args)
    assert not again[3] and again[:3] == first[:3]


@pytest.mark.parametrize("extra", [
    ("--fix",), ("--baseline", "base.json"), ("--write-baseline", "base.json"), ("--summary", "summary.md"),
    ("--diff-base", "HEAD"), ("--encoding", "utf-8"),
])
def test_commands_that_read_or_write_more_than_files_are_never_answered(project, extra):
    (project / "base.json").write_text('{"version": 1, "findings": []}\n', encoding="utf-8")
    args = ("--cache", *extra, "a.md")
    jalint(project, *args)
    assert not jalint(project, *args)[3]


def test_standard_input_is_never_answered(project):
    args = ("--cache", "--stdin-filename", "b.md", "-")
    first = jalint(project, *args, stdin=B_TEXT)
    again = jalint(project, *args, stdin=B_TEXT)
    assert not again[3] and again[:3] == first[:3]


@pytest.mark.parametrize("argv", [
    [], ["a.md"], ["rules"], ["explain", "style/ra-nuki"], ["--cache", "-"], ["--cache", "--", "a.md"],
    ["--cache", "--format"], ["--cache", "--fix", "a.md"], ["--cache", "--help"], ["--version"],
    ["--cache=1", "a.md"],
])
def test_only_plain_lint_commands_with_the_cache_are_read(argv):
    assert parse(argv) is None


def test_a_plain_command_is_read_as_the_command_line_reads_it():
    fields = parse(["lint", "x.md", "--cache", "--preset=all", "--rule-file", "r1.yaml", "-q", "--severity", "info",
                    "--rule-file=r2.yaml", "--config", "c.yaml", "-j", "2", "y.md"])
    assert fields == {"paths": ["x.md", "y.md"], "rule_files": ["r1.yaml", "r2.yaml"], "cache": True,
                      "report_unused_disables": False, "preset": "all", "config": "c.yaml", "min_severity": "error"}


# -- the quick record -------------------------------------------------------------
def test_the_quick_record_answers_until_anything_it_depends_on_changes(project):
    """One test, one wait: a file changed less than RACY_NS ago may change again
    unseen, so no quick record is kept for it; the project must be older.  (The
    first run creating .jalint_cache/ would change the project folder.)"""
    (project / ".jalint_cache").mkdir()
    time.sleep(replay.RACY_NS / 1e9 + 0.2)
    args = ("--cache", "--format", "json", ".")
    cold = jalint(project, *args)
    warm = jalint(project, *args)
    assert warm[3] and LAST_QUICK[0] and warm[:3] == cold[:3]
    # the same size, another text: the change time tells
    text = (project / "a.md").read_text(encoding="utf-8")
    (project / "a.md").write_text(text.replace("障害", "障碍"), encoding="utf-8")  # 6 bytes both
    changed = jalint(project, *args)
    assert not LAST_QUICK[0] and changed[:3] == jalint(project, *args[1:])[:3] and changed[:3] != cold[:3]
    # a new file in a listed folder
    (project / "c.md").write_text("朝早く起きれる。\n", encoding="utf-8")
    added = jalint(project, *args)
    assert not LAST_QUICK[0] and '"c.md"' in added[1]
    # a configuration appears where it is looked for
    (project / ".jalint.yaml").write_text("rules:\n  style/ra-nuki: off\n", encoding="utf-8")
    configured = jalint(project, *args)
    assert not LAST_QUICK[0] and "style/ra-nuki" not in configured[1]


def test_a_kept_quick_record_is_read_back_and_any_change_voids_it(tmp_path, monkeypatch):
    user_cache = tmp_path / "user-cache"
    user_cache.mkdir()
    monkeypatch.setenv("JALINT_CACHE_DIR", str(user_cache))
    monkeypatch.setattr(replay, "RACY_NS", 0)
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    (project / "a.md").write_text(A_TEXT, encoding="utf-8")
    argv = ["--cache", "a.md"]
    shown = replay.presentation(argv)
    replay.keep(argv, ["a.md", str(project), "missing.md"], [".git"], "out\n", "err\n", 1)
    assert replay._quick_output(shown) == ("out\n", "err\n", 1)
    assert replay._quick_output(replay.presentation(["--cache", "b.md"])) is None  # another command
    (project / "missing.md").write_text("", encoding="utf-8")  # what was missing appears
    assert replay._quick_output(shown) is None
    os.unlink(project / "missing.md")
    replay.keep(argv, ["a.md"], [".git"], "out\n", "", 0)
    assert replay._quick_output(shown) == ("out\n", "", 0)
    (project / ".git").mkdir()  # a project root appears
    assert replay._quick_output(shown) is None
    replay.keep(argv, ["a.md"], [".git"], "out\n", "", 0)
    (project / ".git" / "index").write_text("", encoding="utf-8")  # git at work: only presence counts
    assert replay._quick_output(shown) == ("out\n", "", 0)
    os.utime(project / "a.md", ns=(0, 0))  # times set back: the change time still moves
    assert replay._quick_output(shown) is None


def test_no_quick_record_for_a_file_changed_just_now(tmp_path, monkeypatch):
    monkeypatch.setenv("JALINT_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(A_TEXT, encoding="utf-8")
    replay.keep(["--cache", "a.md"], ["a.md"], [], "out\n", "", 0)
    assert replay._quick_output(replay.presentation(["--cache", "a.md"])) is None
    assert not (tmp_path / "user-cache" / "replay").exists()


def test_quick_records_are_pruned_to_the_newest(tmp_path, monkeypatch):
    monkeypatch.setenv("JALINT_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.setattr(replay, "RACY_NS", 0)
    monkeypatch.setattr(replay, "KEPT_QUICK", 3)
    monkeypatch.chdir(tmp_path)
    for n in range(6):
        replay.keep(["--cache", f"{n}.md"], [], [], "", "", 0)
    assert len(list((tmp_path / "user-cache" / "replay").iterdir())) == 3
