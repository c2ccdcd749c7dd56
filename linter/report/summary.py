"""The Markdown job summary (--summary FILE; GitHub passes $GITHUB_STEP_SUMMARY):
a table of findings per rule, then the first findings with links to their lines."""
from __future__ import annotations

import collections
import os

FIRST = 30


def _link(f) -> str:
    server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    repo, sha = os.environ.get("GITHUB_REPOSITORY"), os.environ.get("GITHUB_SHA")
    label = f"{f.path}:{f.line}:{f.column}"
    if repo and sha:
        workspace = os.environ.get("GITHUB_WORKSPACE")
        path = os.path.abspath(f.path)
        rel = os.path.relpath(path, workspace) if workspace else f.path
        rel = rel.replace(os.sep, "/")
        return f"[{label}]({server}/{repo}/blob/{sha}/{rel}#L{f.line})"
    return f"`{label}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result, not_annotated: int = 0) -> str:
    e, w, i = result.count("error"), result.count("warning"), result.count("info")
    out = ["## jalint", ""]
    if not result.findings:
        out.append(f"No problems found in {result.files} file{'s' if result.files != 1 else ''}. ✅")
        return "\n".join(out) + "\n"
    out.append(f"**{len(result.findings)} problems** ({e} errors, {w} warnings, {i} infos) in {result.files} files.")
    if not_annotated:
        out.append(f"{not_annotated} findings were not shown as annotations (GitHub's limit); all are listed in the log.")
    out += ["", "| rule | severity | findings |", "|---|---|---:|"]
    per_rule = collections.Counter((f.rule, f.severity) for f in result.findings)
    order = {"error": 0, "warning": 1, "info": 2}
    for (rule, sev), n in sorted(per_rule.items(), key=lambda kv: (order[kv[0][1]], -kv[1], kv[0][0])):
        out.append(f"| `{rule}` | {sev} | {n} |")
    first = sorted(result.findings, key=lambda f: (order[f.severity], f.path, f.line, f.column))[:FIRST]
    out += ["", f"### First {len(first)} findings", "", "| where | severity | rule | message |", "|---|---|---|---|"]
    for f in first:
        msg = f.message + (f" → {f.suggestions[0]}" if f.suggestions else "")
        out.append(f"| {_link(f)} | {f.severity} | `{f.rule}` | {_cell(msg)} |")
    return "\n".join(out) + "\n"
