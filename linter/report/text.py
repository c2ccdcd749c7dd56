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


def _excerpt(lines, f, style) -> list[str]:
    """The source line with the span underlined; a long line is cut around the span
    (without copying the whole line: a minified file may be one line of megabytes)."""
    start, end = lines.line_bounds(f.line)
    length = end - start
    first = f.column - 1
    last = (f.end_column - 1) if f.end_line == f.line else length
    lo, hi = 0, length
    if length > EXCERPT * 2:
        lo = max(0, first - EXCERPT // 2)
        hi = min(length, max(last, first + 1) + EXCERPT // 2)
    line = lines.text[start + lo:start + hi].expandtabs(1)
    shown = ("…" if lo else "") + line + ("…" if hi < length else "")
    pad = _width(("…" if lo else "") + line[:first - lo])
    mark = max(1, _width(line[first - lo:min(last, hi) - lo]))
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
            out.extend(_excerpt(doc_lines, f, style))
    e, w, i = result.count("error"), result.count("warning"), result.count("info")
    files = _plural(result.files, "file")
    if not result.findings:
        out.append(style(f"No problems found in {files}.", fg="green"))
    else:
        total = _plural(len(result.findings), "problem")
        out.append(style(f"{total} ({_plural(e, 'error')}, {_plural(w, 'warning')}, {_plural(i, 'info')}) in {files}.", bold=True))
    return "\n".join(out) + "\n"
