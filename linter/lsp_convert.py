"""Findings → LSP objects: diagnostics, quick fixes and hovers."""
from __future__ import annotations

import re

from lsprotocol import types
from pygls.uris import from_fs_path

from .document import Finding
from .lsp_state import ConfigProblem, LintResult
from .lsp_text import TextPositions, column_to_character
from .rules import Rule

from .docs_links import rule_url
SOURCE = "jalint"
MAX_RELATED = 5
DISABLE_NEXT_LINE = "<!-- jalint-disable-next-line {rule} -->"
DISABLE_LINE = "<!-- jalint-disable-line {rule} -->"

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def rule_doc_url(rule_id: str) -> str:
    return rule_url(rule_id)


def uri_of(path: str) -> str:
    return from_fs_path(path) or path


def finding_range(f: Finding, pos: TextPositions, shift: int = 0) -> types.Range:
    sl, sc = pos.position(f.start + shift)
    el, ec = pos.position(f.end + shift)
    return types.Range(types.Position(sl, sc), types.Position(el, ec))


def message_of(f: Finding) -> str:
    if f.suggestions:
        return f"{f.message} → {' / '.join(f.suggestions)}"
    return f.message


def _related(f: Finding, result: LintResult, encoding: str) -> list[types.DiagnosticRelatedInformation]:
    out = []
    docs = result.context.project.docs
    preferred = f.suggestions[0] if len(f.suggestions) == 1 else None
    for path, line, col in f.related[:MAX_RELATED]:
        doc = docs.get(path)
        if doc is None:
            continue
        text = doc.lines.line_text(line)
        start = column_to_character(text, col, encoding)
        length = len(preferred) if preferred and text[col - 1:col - 1 + len(preferred)] == preferred else 0
        end = column_to_character(text, col + length, encoding)
        rng = types.Range(types.Position(line - 1, start), types.Position(line - 1, end))
        what = text[col - 1:col - 1 + length] if length else "the other form"
        out.append(types.DiagnosticRelatedInformation(
            types.Location(uri_of(path), rng), f"「{what}」 is written here" if length else "used here"))
    return out


def diagnostics(result: LintResult, pos: TextPositions) -> list[types.Diagnostic]:
    out = []
    for f in result.findings:
        d = types.Diagnostic(
            range=finding_range(f, pos, result.shift),
            message=message_of(f),
            severity=SEVERITY.get(f.severity, types.DiagnosticSeverity.Warning),
            code=f.rule,
            code_description=types.CodeDescription(href=rule_doc_url(f.rule)),
            source=SOURCE,
            data={"rule": f.rule, "suggestions": list(f.suggestions), "fixable": f.fixable},
        )
        if f.related:
            d.related_information = _related(f, result, pos.encoding) or None
        out.append(d)
    return out


def problem_diagnostic(problem: ConfigProblem, text: str | None) -> types.Diagnostic:
    """A configuration problem, shown at its line of the configuration file."""
    line = max(problem.line - 1, 0)
    end = 0
    if text is not None:
        lines = text.splitlines()
        if line < len(lines):
            end = len(lines[line].encode("utf-16-le")) // 2
    return types.Diagnostic(
        range=types.Range(types.Position(line, 0), types.Position(line, end)),
        message=f"jalint: {problem.message} (using the default rules until this is fixed)",
        severity=types.DiagnosticSeverity.Error,
        source=SOURCE,
        code="configuration",
    )


# -- code actions ----------------------------------------------------------------------

def text_edit(pos: TextPositions, start: int, end: int, new_text: str) -> types.TextEdit:
    sl, sc = pos.position(start)
    el, ec = pos.position(end)
    return types.TextEdit(types.Range(types.Position(sl, sc), types.Position(el, ec)), new_text)


def workspace_edit(uri: str, version: int | None, edits: list[types.TextEdit],
                   document_changes: bool) -> types.WorkspaceEdit:
    if document_changes:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits)])
    return types.WorkspaceEdit(changes={uri: edits})


def suggestion_actions(f: Finding, diag: types.Diagnostic, result: LintResult, pos: TextPositions,
                       document_changes: bool) -> list[types.CodeAction]:
    out = []
    for i, s in enumerate(f.suggestions):
        edit = text_edit(pos, f.start + result.shift, f.end + result.shift, s)
        out.append(types.CodeAction(
            title=f"「{f.matched}」→「{s}」 ({f.rule})",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diag],
            is_preferred=(i == 0 and len(f.suggestions) == 1) or None,
            edit=workspace_edit(result.uri, result.version, [edit], document_changes),
        ))
    return out


def disable_action(f: Finding, diag: types.Diagnostic, result: LintResult, pos: TextPositions,
                   document_changes: bool) -> types.CodeAction | None:
    """``<!-- jalint-disable-next-line RULE -->`` on its own line above the finding,
    indented like it.  Inside a paragraph or a list (the line above is not blank) a
    comment on its own line would split the block, so the comment goes at the end of
    the finding's line instead (``jalint-disable-line``)."""
    if result.syntax != "markdown":
        return None
    line = pos.line_of(f.start + result.shift)
    a, b = pos.line_span(line)
    text = pos.text[a:b]
    above_blank = line == 0 or not pos.line_text(line - 1).strip()
    if above_blank:
        indent = text[:len(text) - len(text.lstrip(" \t"))]
        if a == 0 and result.shift:
            indent = indent.lstrip("\ufeff")
        newline = _newline_of(pos.text)
        insert_at = a + (result.shift if a == 0 else 0)
        new = f"{indent}{DISABLE_NEXT_LINE.format(rule=f.rule)}{newline}"
        title = f"Disable {f.rule} for the next line"
        edit = text_edit(pos, insert_at, insert_at, new)
    else:
        new = (" " if text and not text.endswith((" ", "\t")) else "") + DISABLE_LINE.format(rule=f.rule)
        title = f"Disable {f.rule} for this line"
        edit = text_edit(pos, b, b, new)
    return types.CodeAction(title=title, kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                            edit=workspace_edit(result.uri, result.version, [edit], document_changes))


def _newline_of(text: str) -> str:
    i = text.find("\n")
    if i > 0 and text[i - 1] == "\r":
        return "\r\n"
    if i < 0 and "\r" in text:
        return "\r"
    return "\n"


# -- hover ----------------------------------------------------------------------------

def hover_markdown(findings: list[Finding], rules: dict[str, Rule]) -> str:
    parts = []
    for f in findings:
        rule = rules.get(f.rule)
        lines = [f"**{f.rule}** ({f.severity}{', fixable' if f.fixable else ''}) — [docs]({rule_doc_url(f.rule)})",
                 "", _escape(message_of(f))]
        if rule is not None:
            if rule.description:
                lines += ["", rule.description.strip()]
            if rule.bad:
                lines += ["", "Flagged:"]
                lines += [f"- ✗ {_escape(ex.text)}" + (f" → {_escape(ex.suggestion)}" if ex.suggestion else "")
                          for ex in rule.bad[:5]]
            if rule.good:
                lines += ["", "Not flagged:"]
                lines += [f"- ✓ {_escape(ex.text)}" for ex in rule.good[:5]]
            lines += ["", f"Defined at `{f.rule_source or rule.source}`"]
        parts.append("\n".join(lines))
    return "\n\n---\n\n".join(parts)


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)
