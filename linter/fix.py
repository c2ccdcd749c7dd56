"""Applying suggestions safely.

A finding is fixed when its rule is fixable and it has exactly one suggestion.
Overlapping fixes are not applied together: the first wins, and the text is linted
again for another pass (at most ``MAX_PASSES``).  Only the fixed spans change;
writes are atomic (a temporary file beside the original, then a rename) and keep
the BOM, the line endings and the file mode.
"""
from __future__ import annotations

import collections
import difflib
import os
import stat
import tempfile
from dataclasses import dataclass
from typing import Callable

from .document import Finding
from .errors import JalintError

MAX_PASSES = 10


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str
    rule: str


def plan(findings: list[Finding]) -> list[Edit]:
    """The fixes of one pass: safe ones, not overlapping, in text order."""
    candidates = sorted(
        (Edit(f.start, f.end, f.suggestions[0], f.rule) for f in findings
         if f.fixable and len(f.suggestions) == 1 and f.end > f.start),
        key=lambda e: (e.start, e.end),
    )
    chosen: list[Edit] = []
    last_end = -1
    for e in candidates:
        if e.start < last_end or (chosen and e.start == chosen[-1].start):
            continue
        chosen.append(e)
        last_end = e.end
    return chosen


def apply(text: str, edits: list[Edit]) -> str:
    out, last = [], 0
    for e in edits:
        out.append(text[last:e.start])
        out.append(e.text)
        last = e.end
    out.append(text[last:])
    return "".join(out)


def fix_text(text: str, lint: Callable[[str], list[Finding]]) -> tuple[str, collections.Counter]:
    """Fix ``text`` over several passes; ``lint(text)`` returns its findings."""
    applied: collections.Counter = collections.Counter()
    seen = {text}
    for _ in range(MAX_PASSES):
        edits = plan(lint(text))
        if not edits:
            break
        new = apply(text, edits)
        if new in seen:  # two rules undoing each other: stop
            break
        seen.add(new)
        applied.update(e.rule for e in edits)
        text = new
    return text, applied


def unified_diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    )


def write_atomic(path: str, text: str, bom: bool) -> None:
    data = (("\ufeff" if bom else "") + text).encode("utf-8")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    fd, tmp = tempfile.mkstemp(prefix=".jalint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise JalintError(f"{path}: cannot write the fixed file ({exc.strerror})") from None
