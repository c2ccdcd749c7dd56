"""Baselines: today's findings recorded so that CI reports only new ones.

A finding is identified by its rule, its file and a fingerprint of the matched text
and the text of its line (not the line number), so edits elsewhere in the file do
not invalidate the baseline.  The same problem written twice is counted twice.
"""
from __future__ import annotations

import collections
import hashlib
import json
import os

from .errors import JalintError

VERSION = 1


def fingerprint(f, line_text: str) -> str:
    data = "\x1f".join((f.rule, f.matched, " ".join(line_text.split())))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


def _key_path(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")


def entries(findings, line_of) -> collections.Counter:
    """Counter of (rule, path, fingerprint); ``line_of(finding)`` gives its line's text."""
    return collections.Counter((f.rule, _key_path(f.path), fingerprint(f, line_of(f))) for f in findings)


def write(path: str, findings, line_of) -> int:
    counts = entries(findings, line_of)
    items = [{"rule": r, "path": p, "fingerprint": fp, "count": n} for (r, p, fp), n in sorted(counts.items())]
    data = {"version": VERSION, "tool": "jalint", "findings": items}
    tmp = f"{path}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except OSError as exc:
        raise JalintError(f"{path}: cannot write the baseline ({exc.strerror})") from None
    return sum(counts.values())


def read(path: str) -> collections.Counter:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise JalintError(f"{path}: no such baseline file") from None
    except json.JSONDecodeError as exc:
        raise JalintError(f"{path}:{exc.lineno}: the baseline is not valid JSON ({exc.msg})") from None
    except OSError as exc:
        raise JalintError(f"{path}: cannot read the baseline ({exc.strerror})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise JalintError(f"{path}:1: not a jalint baseline (version {VERSION})")
    counts: collections.Counter = collections.Counter()
    for item in data["findings"]:
        try:
            counts[(item["rule"], item["path"], item["fingerprint"])] += int(item.get("count", 1))
        except (KeyError, TypeError, ValueError):
            raise JalintError(f"{path}: a baseline entry lacks rule, path or fingerprint") from None
    return counts


def new_findings(findings, known: collections.Counter, line_of) -> list:
    """The findings that the baseline does not account for."""
    left = collections.Counter(known)
    out = []
    for f in findings:
        key = (f.rule, _key_path(f.path), fingerprint(f, line_of(f)))
        if left[key] > 0:
            left[key] -= 1
        else:
            out.append(f)
    return out
