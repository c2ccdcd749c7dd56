"""The GitHub Action's run step: read the action's inputs from the environment, run
jalint with GitHub annotations and a job summary, and fail the job as asked.

Inputs (set by action.yml as INPUT_* variables): paths, config, fail-on
(error | warning | never), only-changed (true | false | auto: true on pull_request),
format (github | sarif), sarif-file, preset.
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys


def _input(name: str, default: str = "") -> str:
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", default).strip() or default


def _base_ref() -> str | None:
    """The pull request's base commit, from the event file."""
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path or not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            event = json.load(fh)
    except (OSError, json.JSONDecodeError):
        return None
    pr = event.get("pull_request") or {}
    return (pr.get("base") or {}).get("sha") or None


def build_command() -> tuple[list[str], str]:
    fail_on = _input("fail-on", "error")
    if fail_on not in ("error", "warning", "never"):
        raise SystemExit(f"jalint action: fail-on must be error, warning or never, not {fail_on!r}")
    args = [sys.executable, "-m", "linter", "--format", "github"]
    if _input("config"):
        args += ["--config", _input("config")]
    if _input("preset"):
        args += ["--preset", _input("preset")]
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        args += ["--summary", summary]
    only_changed = _input("only-changed", "auto")
    if only_changed == "auto":
        only_changed = "true" if os.environ.get("GITHUB_EVENT_NAME", "").startswith("pull_request") else "false"
    if only_changed == "true":
        base = _base_ref()
        if base:
            args += ["--diff-base", base]
        else:
            print("jalint action: only-changed is on but the event names no base commit; linting everything")
    if fail_on == "warning":
        args += ["--max-warnings", "0"]
    args += shlex.split(_input("paths", "."))
    return args, fail_on


def main() -> int:
    args, fail_on = build_command()
    print("$ " + " ".join(shlex.quote(a) for a in args[2:]), flush=True)
    rc = subprocess.call(args)
    sarif = _input("sarif-file")
    if sarif and rc in (0, 1):
        sarif_args = [a for a in args if a not in ("github",)]
        idx = sarif_args.index("--format")
        sarif_args[idx + 1:idx + 1] = ["sarif"]
        if "--summary" in sarif_args:
            i = sarif_args.index("--summary")
            del sarif_args[i:i + 2]
        with open(sarif, "w", encoding="utf-8") as fh:
            subprocess.call(sarif_args, stdout=fh)
    out = os.environ.get("GITHUB_OUTPUT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(f"exit-code={rc}\n")
    if rc == 2:
        return 2
    if fail_on == "never":
        return 0
    return rc


if __name__ == "__main__":
    sys.exit(main())
