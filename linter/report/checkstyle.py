"""Checkstyle XML, read by Jenkins (warnings-ng), reviewdog ``-f=checkstyle``,
SonarQube importers and many CI dashboards::

    <?xml version="1.0" encoding="UTF-8"?>
    <checkstyle version="4.3">
      <file name="docs/a.md">
        <error line="3" column="5" severity="error" message="… → 醸成" source="misconversion/jousei"/>
      </file>
    </checkstyle>

``severity`` is error, warning or info.  ``column`` is 1-based in UTF-16 code units,
the unit of Checkstyle itself (a Java string index), which its Java consumers
expect; jalint's code-point columns are converted with the line's text.  Files are
in path order, findings in line order; when the run's ``paths`` are passed to the
reporter, files without findings are listed too (empty ``<file>``), as Checkstyle
does.  Text is escaped by ElementTree; characters XML 1.0 cannot carry (control
characters a finding may quote) are written as ``U+XXXX``.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from . import columns
from .sarif import message_text, posix_path

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(s: str) -> str:
    """``s`` with the characters XML 1.0 forbids replaced by ``U+XXXX``."""
    return _INVALID_XML.sub(lambda m: f"U+{ord(m.group()):04X}", s)


def serialize(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def grouped(result, paths=None) -> dict[str, list]:
    """Findings by file, in path order, with the run's other files (if known) empty."""
    files: dict[str, list] = {p: [] for p in (paths or [])}
    for f in result.findings:
        files.setdefault(f.path, []).append(f)
    return {p: sorted(files[p], key=lambda f: f.sort_key()) for p in sorted(files)}


def render(result, sources, color: bool = False, **context) -> str:
    root = ET.Element("checkstyle", version="4.3")
    for path, findings in grouped(result, context.get("paths")).items():
        el = ET.SubElement(root, "file", name=xml_text(posix_path(path)))
        for f in findings:
            line, col, _end_line, _end_col = columns.span(f, sources, columns.UTF16)
            ET.SubElement(el, "error", line=str(line), column=str(col), severity=f.severity,
                          message=xml_text(message_text(f)), source=xml_text(f.rule))
    return serialize(root)
