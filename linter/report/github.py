"""GitHub Actions workflow commands: one annotation per finding.

    ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=jalint RULE::MESSAGE → SUGGESTION

``warning`` for warnings, ``notice`` for infos.  Escaping follows actions/toolkit
(packages/core/src/command.ts): the message escapes ``%``, CR and LF; property values
also ``:`` and ``,``.

Columns: neither the workflow-command documentation nor actions/toolkit states the
unit of ``col``/``endColumn``; the toolkit only says they are the check-run
annotation's ``start_column``/``end_column`` (Checks API), whose documentation does
not say either.  We could not establish it, so we use UTF-16 code units, as GitHub's
check-run annotations do (the unit of its JavaScript front end, and the one GitHub
code scanning asks of SARIF): 𠮷 and 😀 count two.  ``col``/``endColumn`` are left
out when a finding spans lines, where GitHub rejects columns.

GitHub turns only the first 10 error and 10 warning (and 10 notice) commands of a
step into annotations, and at most 50 per job.  So that the ones shown are the most
important, errors come first, then warnings, then notices, each in path/line order.
Every finding is still printed (the log keeps them all); a closing plain line says
how many were printed but not annotated.
"""
from __future__ import annotations

from . import columns
from .sarif import message_text, posix_path

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}
ORDER = ("error", "warning", "info")
PER_STEP = {"error": 10, "warning": 10, "info": 10}
PER_JOB = 50


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(f, sources) -> str:
    line, col, end_line, end_col = columns.span(f, sources, columns.UTF16)
    props = [("file", posix_path(f.path)), ("line", str(line))]
    if end_line == line:
        props += [("col", str(col)), ("endLine", str(end_line)), ("endColumn", str(end_col))]
    else:
        props += [("endLine", str(end_line))]
    props.append(("title", f"jalint {f.rule}"))
    body = ",".join(f"{k}={escape_property(v)}" for k, v in props)
    return f"::{COMMAND[f.severity]} {body}::{escape_data(message_text(f))}"


def unannotated(counts: dict[str, int]) -> int:
    """How many of the findings GitHub will not turn into annotations."""
    shown = sum(min(counts.get(sev, 0), PER_STEP[sev]) for sev in ORDER)
    return sum(counts.values()) - min(shown, PER_JOB)


def render(result, sources, color: bool = False, **_context) -> str:
    ordered = sorted(result.findings, key=lambda f: (ORDER.index(f.severity), f.sort_key()))
    out = [command(f, sources) for f in ordered]
    counts = {sev: result.count(sev) for sev in ORDER}
    missing = unannotated(counts)
    if missing:
        out.append(
            f"jalint: {missing} of {len(ordered)} findings are not annotated "
            f"(GitHub shows at most {PER_STEP['error']} errors, {PER_STEP['warning']} warnings and "
            f"{PER_STEP['info']} notices per step, {PER_JOB} per job); all are listed above."
        )
    return "\n".join(out) + ("\n" if out else "")
