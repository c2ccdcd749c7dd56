"""The stable JSON schema (version 1) other tools parse::

    {"version": 1,
     "findings": [{"path", "line", "column", "end_line", "end_column", "severity",
                   "rule", "message", "suggestions": [str], "rule_source",
                   "related": [{"path", "line", "column"}]}],
     "summary": {"files", "errors", "warnings", "infos"}}

Columns are 1-based Unicode code points; ``end_column`` is exclusive.  ``related``
lists, for a consistency finding, a few uses of the form to follow (possibly in
other files).
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring as _string  # what json.dumps(ensure_ascii=False) writes


def finding_dict(f) -> dict:
    return {
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "end_line": f.end_line,
        "end_column": f.end_column,
        "severity": f.severity,
        "rule": f.rule,
        "message": f.message,
        "suggestions": list(f.suggestions),
        "rule_source": f.rule_source,
        "related": [{"path": p, "line": line, "column": col} for p, line, col in f.related],
    }


def render(result, sources, color: bool = False, **_context) -> str:
    """Exactly ``json.dumps(…, ensure_ascii=False, indent=2)`` of the schema above,
    written by hand: with an indent the json module encodes in pure Python, which
    was most of the time of a run answered by the cache."""
    summary = {
        "files": result.files,
        "errors": result.count("error"),
        "warnings": result.count("warning"),
        "infos": result.count("info"),
    }
    findings = _array([_finding(f) for f in result.findings], "  ")
    return (f'{{\n  "version": 1,\n  "findings": {findings},\n  "summary": '
            f'{json.dumps(summary, indent=2).replace(chr(10), chr(10) + "  ")}\n}}\n')


def _array(items: list[str], outer: str) -> str:
    """A JSON array of already encoded items, as indent=2 lays it out at ``outer``."""
    if not items:
        return "[]"
    inner = "\n" + outer + "  "
    return "[" + inner + ("," + inner).join(items) + "\n" + outer + "]"


def _finding(f) -> str:
    pad = "\n      "
    suggestions = _array([_string(s) for s in f.suggestions], "      ")
    related = _array([f'{{\n          "path": {_string(p)},\n          "line": {line},'
                      f'\n          "column": {col}\n        }}' for p, line, col in f.related], "      ")
    return (f'{{{pad}"path": {_string(f.path)},{pad}"line": {f.line},{pad}"column": {f.column},'
            f'{pad}"end_line": {f.end_line},{pad}"end_column": {f.end_column},'
            f'{pad}"severity": {_string(f.severity)},{pad}"rule": {_string(f.rule)},'
            f'{pad}"message": {_string(f.message)},{pad}"suggestions": {suggestions},'
            f'{pad}"rule_source": {_string(f.rule_source)},{pad}"related": {related}\n    }}')
