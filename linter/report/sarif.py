"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` lists every rule that fired (with a stable link to
its documentation), each result points at its rule by id and index.  Columns are
UTF-16 code units and the run says so (``columnKind: utf16CodeUnits``, what GitHub
code scanning expects); jalint's code-point columns are converted with the text of
the line.  ``partialFingerprints`` hash the rule, the path, the matched text and
the line's text (stripped), never line numbers, so a result keeps its identity
across runs and across edits elsewhere in the file; identical findings on identical
lines are told apart by their order.  A result carries ``fixes`` only when it has
exactly one suggestion (the replacement of the finding's span).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from urllib.parse import quote

from .. import __version__
from . import columns

from ..docs_links import HOME_URL, rule_url
SCHEMA_URL = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "jalint/v1"

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def posix_path(path: str) -> str:
    """A finding's path for a report: forward slashes, relative when it lies under
    the working directory, without a leading ``./``."""
    p = path
    if os.path.isabs(p):
        try:
            rel = os.path.relpath(p)
        except ValueError:  # another drive on Windows
            rel = p
        if not rel.startswith(".."):
            p = rel
    p = p.replace(os.sep, "/").replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def message_text(f) -> str:
    """The finding's message followed by its suggestions: ``… → 醸成``."""
    if f.suggestions:
        return f"{f.message} → {' / '.join(f.suggestions)}"
    return f.message


def rules_by_id(context) -> dict:
    return {r.id: r for r in (context.get("rules") or [])}


def _pascal(rule_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[/._-]+", rule_id) if part)


def _rule_descriptor(rule_id: str, rule, severity: str) -> dict:
    if rule is not None:
        summary = rule.summary or rule.message or rule_id
        full = " ".join((rule.description or summary).split())
        level = LEVEL[rule.severity]
        help_lines = [rule.description.strip() if rule.description else summary]
        if rule.bad:
            help_lines.append("")
            help_lines += [f"NG: {ex.text}" + (f" → {ex.suggestion}" if ex.suggestion else "") for ex in rule.bad]
        if rule.good:
            help_lines += [f"OK: {ex.text}" for ex in rule.good]
        props = {"kind": rule.kind, "source": rule.source, "fixable": bool(rule.fixable)}
        if rule.tags:
            props["tags"] = list(rule.tags)
    else:
        # A finding jalint itself makes (e.g. suppression/unused), or a run whose
        # reporter was not told the rules.
        summary = full = rule_id
        level = LEVEL[severity]
        help_lines = [rule_id]
        props = {}
    desc = {
        "id": rule_id,
        "name": _pascal(rule_id),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "helpUri": rule_url(rule_id),
        "help": {"text": "\n".join(help_lines)},
        "defaultConfiguration": {"level": level},
    }
    if props:
        desc["properties"] = props
    return desc


def fingerprint(f, line: str) -> str:
    """sha256 of the rule, the path, the matched text and the stripped line text."""
    matched = f.matched or line[f.column - 1:f.end_column - 1 if f.end_line == f.line else None]
    parts = [f.rule, posix_path(f.path), matched, line.strip()]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _region(f, sources) -> dict:
    line, col, end_line, end_col = columns.span(f, sources, columns.UTF16)
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}


def _artifact(path: str) -> dict:
    path = posix_path(path)
    if os.path.isabs(path) or re.match(r"^[A-Za-z]:/", path):
        uri = "file://" + ("" if path.startswith("/") else "/") + quote(path, safe="/:")
        return {"uri": uri}
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def _related_column(sources, path: str, line: int, column: int) -> int:
    text = columns.line_text(sources, path, line)
    return column if text is None else columns.convert_column(text, column, columns.UTF16)


def build(result, sources, **context) -> dict:
    known = rules_by_id(context)
    fired: dict[str, int] = {}
    descriptors: list[dict] = []
    results: list[dict] = []
    seen: dict[str, int] = {}
    for f in result.findings:
        if f.rule not in fired:
            fired[f.rule] = len(descriptors)
            descriptors.append(_rule_descriptor(f.rule, known.get(f.rule), f.severity))
        region = _region(f, sources)
        line = columns.line_text(sources, f.path, f.line) or ""
        base = fingerprint(f, line)
        seen[base] = seen.get(base, 0) + 1
        res = {
            "ruleId": f.rule,
            "ruleIndex": fired[f.rule],
            "level": LEVEL[f.severity],
            "message": {"text": message_text(f)},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(f.path), "region": region}}],
            "partialFingerprints": {FINGERPRINT_KEY: f"{base}:{seen[base]}"},
        }
        if len(f.suggestions) == 1:
            res["fixes"] = [{
                "description": {"text": f"「{f.suggestions[0]}」に置き換える"},
                "artifactChanges": [{
                    "artifactLocation": _artifact(f.path),
                    "replacements": [{"deletedRegion": dict(region),
                                      "insertedContent": {"text": f.suggestions[0]}}],
                }],
            }]
        if f.related:
            res["relatedLocations"] = [
                {"id": i, "physicalLocation": {"artifactLocation": _artifact(p), "region": {
                    "startLine": ln, "startColumn": _related_column(sources, p, ln, col)}}}
                for i, (p, ln, col) in enumerate(f.related)
            ]
        results.append(res)
    return {
        "$schema": SCHEMA_URL,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "jalint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": HOME_URL,
                "rules": descriptors,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    }


def render(result, sources, color: bool = False, **context) -> str:
    return json.dumps(build(result, sources, **context), ensure_ascii=False, indent=2) + "\n"
