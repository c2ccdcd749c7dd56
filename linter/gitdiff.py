"""Changed lines since a git ref (for --diff-base): only findings on added or
modified lines are reported."""
from __future__ import annotations

import os
import re
import subprocess

from .errors import JalintError

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _git(args: list[str], cwd: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise JalintError("--diff-base needs git, which is not installed") from None
    if out.returncode != 0:
        msg = (out.stderr.strip().splitlines() or ["git failed"])[-1]
        raise JalintError(f"--diff-base: {msg}")
    return out.stdout


def repo_root(start: str) -> str:
    folder = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    try:
        out = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder, capture_output=True, text=True)
    except FileNotFoundError:
        raise JalintError("--diff-base needs git, which is not installed") from None
    if out.returncode != 0:
        raise JalintError(f"--diff-base: {folder} is not inside a git repository")
    return out.stdout.strip()


def changed_lines(base: str, start: str) -> dict[str, set[int]]:
    """Absolute path → line numbers added or changed since ``base`` (work tree
    against the merge base, so a PR's own changes, committed or not)."""
    root = repo_root(start)
    merge_base = _git(["merge-base", base, "HEAD"], root).strip() or base
    diff = _git(["diff", "--no-color", "--no-ext-diff", "--unified=0", "--relative", merge_base, "--"], root)
    changed: dict[str, set[int]] = {}
    current = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            name = line[4:]
            if name == "/dev/null":
                current = None
                continue
            if name.startswith("b/"):
                name = name[2:]
            if name.startswith('"'):
                name = name.strip('"').encode("latin-1").decode("unicode_escape").encode("latin-1").decode("utf-8")
            current = os.path.normpath(os.path.join(root, name))
            changed.setdefault(current, set())
            continue
        m = HUNK.match(line)
        if m and current is not None:
            start_line = int(m.group(1))
            count = int(m.group(2)) if m.group(2) is not None else 1
            changed[current].update(range(start_line, start_line + count))
    # files git does not know yet are new: every line counts
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    for name in filter(None, untracked.split("\0")):
        changed[os.path.normpath(os.path.join(root, name))] = {-1}
    return changed


def on_changed_line(f, changed: dict[str, set[int]]) -> bool:
    lines = changed.get(os.path.normpath(os.path.abspath(f.path)))
    if not lines:
        return False
    return -1 in lines or any(n in lines for n in range(f.line, f.end_line + 1))
