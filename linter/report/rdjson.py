"""reviewdog's Diagnostic Format, rdjson (``reviewdog -f=rdjson``).

    {"source": {"name", "url"}, "severity",
     "diagnostics": [{"message", "location": {"path", "range": {"start": {"line", "column"},
                                                                "end": {"line", "column"}}},
                      "severity": "ERROR"|"WARNING"|"INFO", "source", "code": {"value", "url"},
                      "suggestions": [{"range", "text"}]}]}

Columns are 1-based UTF-8 byte counts, end exclusive: reviewdog.proto
(proto/rdf/reviewdog.proto, ``Position.column``: "Column number, starting at 1 (byte
count in UTF-8)"), and its GitHub reporters slice the source line by those byte
offsets to build a suggestion.  jalint's code-point columns are converted with the
text of the line (𠮷 and 😀 are four bytes, a kana three).

Every suggestion becomes an rdjson suggestion over the finding's own range, so
``reviewdog -f=rdjson -reporter=github-pr-review`` posts it as a committable
```suggestion block (reviewdog requires the suggestion's lines to be the comment's
lines, which they are).  A finding with several suggestions offers each as an
alternative block.
"""
from __future__ import annotations

import copy
import json

from . import columns
from .sarif import HOME_URL, message_text, posix_path, rule_url

SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
RANK = {"ERROR": 3, "WARNING": 2, "INFO": 1}


def _range(f, sources) -> dict:
    line, col, end_line, end_col = columns.span(f, sources, columns.UTF8)
    return {"start": {"line": line, "column": col}, "end": {"line": end_line, "column": end_col}}


def diagnostic(f, sources) -> dict:
    rng = _range(f, sources)
    d = {
        "message": message_text(f),
        "location": {"path": posix_path(f.path), "range": rng},
        "severity": SEVERITY[f.severity],
        "source": {"name": "jalint", "url": HOME_URL},
        "code": {"value": f.rule, "url": rule_url(f.rule)},
    }
    if f.suggestions:
        d["suggestions"] = [{"range": copy.deepcopy(rng), "text": s} for s in f.suggestions]
    return d


def build(result, sources) -> dict:
    diagnostics = [diagnostic(f, sources) for f in result.findings]
    worst = max((d["severity"] for d in diagnostics), key=RANK.__getitem__, default="INFO")
    return {"source": {"name": "jalint", "url": HOME_URL}, "severity": worst, "diagnostics": diagnostics}


def render(result, sources, color: bool = False, **_context) -> str:
    return json.dumps(build(result, sources), ensure_ascii=False, indent=2) + "\n"
