"""The human format: ``path:line:col: severity message [rule-id]``, the suggestion,
the source line with the span underlined, and a closing summary.  Colour only when
asked (the CLI asks on a terminal)."""
from __future__ import annotations

import unicodedata

import click

STYLE = {"error": "red", "warning": "yellow", "info": "blue"}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


EXCERPT = 100  # characters of context shown around a finding on a long line


def _excerpt(line: str, f, style) -> list[str]:
    """The source line with the span underlined; a long line is cut around the span."""
    line = line.expandtabs(1)
    first = f.column - 1
    last = (f.end_column - 1) if f.end_line == f.line else len(line)
    lo, hi = 0, len(line)
    if len(line) > EXCERPT * 2:
        lo = max(0, first - EXCERPT // 2)
        hi = min(len(line), max(last, first + 1) + EXCERPT // 2)
    shown = ("…" if lo else "") + line[lo:hi] + ("…" if hi < len(line) else "")
    pad = _width(("…" if lo else "") + line[lo:first])
    mark = max(1, _width(line[first:min(last, hi)]))
    gutter = f"{f.line:>5} | "
    return [gutter + shown, " " * 5 + " | " + " " * pad + style("^" * mark, fg=STYLE[f.severity])]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render(result, sources, color: bool = False, **_context) -> str:
    def style(text, **kw):
        return click.style(text, **kw) if color else text

    out: list[str] = []
    for f in result.findings:
        sev = style(f.severity, fg=STYLE[f.severity], bold=True)
        loc = style(f"{f.path}:{f.line}:{f.column}:", bold=True)
        out.append(f"{loc} {sev} {f.message} {style('[' + f.rule + ']', dim=True)}")
        for s in f.suggestions:
            out.append(f"    → {style(s, fg='green')}")
        doc_lines = sources.get(f.path)
        if doc_lines is not None:
            out.extend(_excerpt(doc_lines.line_text(f.line), f, style))
    e, w, i = result.count("error"), result.count("warning"), result.count("info")
    files = _plural(result.files, "file")
    if not result.findings:
        out.append(style(f"No problems found in {files}.", fg="green"))
    else:
        total = _plural(len(result.findings), "problem")
        out.append(style(f"{total} ({_plural(e, 'error')}, {_plural(w, 'warning')}, {_plural(i, 'info')}) in {files}.", bold=True))
    return "\n".join(out) + "\n"
