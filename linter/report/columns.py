"""Column units for the machine formats.

jalint's own columns count Unicode code points (1-based, end exclusive).  Each
consumer counts differently, so a reporter converts a finding's columns with the
text of the line they are on:

* ``CODEPOINT`` – jalint's own unit (text, JSON, JUnit bodies).
* ``UTF16`` – UTF-16 code units: 𠮷 and 😀 are two each.  SARIF with
  ``columnKind: utf16CodeUnits`` (what GitHub code scanning reads), GitHub's
  check-run annotations and workflow commands, Checkstyle (Java string indexes).
* ``UTF8`` – UTF-8 bytes: 𠮷 and 😀 are four each, a kana three.  reviewdog's
  rdjson (``reviewdog.rdf.Position.column``: "byte count in UTF-8").

Line texts come from the run's ``LineIndex`` objects (``sources``), which have the
line endings (LF, CRLF or CR) stripped, so a CRLF file converts like an LF one.
A column past the end of its line (a span reaching the line break) keeps counting
one unit per position beyond the last character.
"""
from __future__ import annotations

CODEPOINT = "codepoint"
UTF16 = "utf16"
UTF8 = "utf8"
UNITS = (CODEPOINT, UTF16, UTF8)


def _units(text: str, unit: str) -> int:
    if unit == CODEPOINT:
        return len(text)
    if unit == UTF16:
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    if unit == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    raise ValueError(f"unknown column unit {unit!r} (use {', '.join(UNITS)})")


def convert_column(line_text: str, column: int, unit: str) -> int:
    """A 1-based code-point column of ``line_text`` as a 1-based column in ``unit``."""
    before = max(column - 1, 0)
    prefix = line_text[:before]
    return 1 + _units(prefix, unit) + (before - len(prefix))


def line_text(sources, path: str, line: int) -> str | None:
    """The text of ``line`` of ``path`` without its line ending, or None when the
    reporter was not given the file."""
    index = sources.get(path) if sources else None
    if index is None:
        return None
    if line < 1 or line > len(index.starts):
        return ""
    return index.line_text(line)


def span(finding, sources, unit: str) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column) of a finding with columns in ``unit``.

    Without the file's text (a reporter called with no ``sources`` for it) the
    code-point columns are returned unchanged: exact for ASCII and BMP-only lines
    in UTF-16, a best effort otherwise."""
    start_text = line_text(sources, finding.path, finding.line)
    end_text = start_text if finding.end_line == finding.line else line_text(sources, finding.path, finding.end_line)
    col = finding.column if start_text is None else convert_column(start_text, finding.column, unit)
    end_col = finding.end_column if end_text is None else convert_column(end_text, finding.end_column, unit)
    return finding.line, col, finding.end_line, end_col
