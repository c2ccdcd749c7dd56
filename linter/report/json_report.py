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
    data = {
        "version": 1,
        "findings": [finding_dict(f) for f in result.findings],
        "summary": {
            "files": result.files,
            "errors": result.count("error"),
            "warnings": result.count("warning"),
            "infos": result.count("info"),
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
