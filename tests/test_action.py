"""The GitHub Action: its own run steps, executed under a simulated GitHub
environment (the setup-python and install steps are the runner's business)."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def action_steps():
    data = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return data["inputs"], [s for s in data["runs"]["steps"] if "run" in s and s.get("id") != "install"]


def run_action(workspace: Path, inputs: dict, event_name="pull_request", base_sha=None):
    declared, steps = action_steps()
    values = {k: str(v.get("default", "")) for k, v in declared.items()}
    values.update(inputs)
    summary, output, event = workspace / "summary.md", workspace / "output.txt", workspace / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base_sha}}} if base_sha else {}), encoding="utf-8")
    env = {**os.environ, "GITHUB_WORKSPACE": str(workspace), "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_OUTPUT": str(output), "GITHUB_EVENT_PATH": str(event), "GITHUB_EVENT_NAME": event_name,
           "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_REPOSITORY": "team/manifesto", "GITHUB_SHA": "f00",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    results = []
    for step in steps:
        step_env = dict(env)
        for key, value in (step.get("env") or {}).items():
            step_env[key] = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: values[m.group(1)], str(value))
        results.append(subprocess.run(["bash", "-c", step["run"]], cwd=workspace, env=step_env,
                                      capture_output=True, text=True))
    return results[-1], summary, output


def _git(cwd, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def repo(tmp_path):
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "policy.md").write_text("# 政策\n\n社会保証の話。\n", encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "base")
    base = _git(tmp_path, "rev-parse", "HEAD").strip()
    (tmp_path / "policy.md").write_text("# 政策\n\n社会保証の話。\n\nＡＩを使う。\n", encoding="utf-8")
    _git(tmp_path, "commit", "-q", "-am", "pr")
    return tmp_path, base


@pytest.mark.parametrize("fail_on,expected", [("error", 0), ("warning", 1), ("never", 0)])
def test_pull_request_annotates_changed_lines(repo, fail_on, expected):
    workspace, base = repo
    proc, summary, output = run_action(workspace, {"fail-on": fail_on}, base_sha=base)
    assert proc.returncode == expected, proc.stdout + proc.stderr
    lines = [l for l in proc.stdout.splitlines() if l.startswith("::")]
    assert len(lines) == 1 and lines[0].startswith("::warning file=policy.md,line=5,")
    assert "社会保証" not in proc.stdout  # an old problem on an unchanged line
    assert "style/fullwidth-alphabet" in summary.read_text(encoding="utf-8")
    assert "exit-code=" in output.read_text(encoding="utf-8")


@pytest.mark.parametrize("fail_on,expected", [("error", 1), ("warning", 1), ("never", 0)])
def test_push_lints_everything(repo, fail_on, expected):
    workspace, _ = repo
    proc, summary, _ = run_action(workspace, {"fail-on": fail_on}, event_name="push")
    assert proc.returncode == expected
    assert "::error file=policy.md,line=3," in proc.stdout
    assert "misconversion/hoshou-social" in summary.read_text(encoding="utf-8")


def test_sarif_file_is_written(repo):
    workspace, _ = repo
    proc, _, _ = run_action(workspace, {"sarif-file": "jalint.sarif", "fail-on": "never"}, event_name="push")
    assert proc.returncode == 0
    data = json.loads((workspace / "jalint.sarif").read_text(encoding="utf-8"))
    assert data["version"] == "2.1.0" and data["runs"][0]["results"]


def test_bad_configuration_fails_the_job(repo):
    workspace, _ = repo
    (workspace / "bad.yaml").write_text("colour: red\n", encoding="utf-8")
    proc, _, _ = run_action(workspace, {"config": "bad.yaml", "fail-on": "never"}, event_name="push")
    assert proc.returncode == 2 and "unknown key 'colour'" in proc.stderr
