"""The per-file half of a run, which needs no other file: read, extract, tokenize,
run the rules that look at one document, and collect the uses the consistency rules
count.  Its result is small and picklable, so files can be analysed in parallel
processes (--jobs) and results kept in the cache (--cache)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .document import Finding, LineIndex
from .engine import Options, build_document, document_findings
from .source import Source


@dataclass
class Analysis:
    path: str
    text: str
    syntax: str
    bom: bool
    findings: list[Finding]  # of the rules that look at this document only
    uses: dict = field(default_factory=dict)  # consistency rule id → DocumentUses (file offsets)
    _lines: LineIndex | None = None

    @property
    def lines(self) -> LineIndex:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_lines"] = None
        return state


def analyse(source: Source, rules: list, options: Options, lint: bool = True) -> Analysis:
    """Analyse one source.  With ``lint`` false only the consistency uses are
    collected (a project file that is counted, not reported)."""
    doc = build_document(source, options.split_mode)
    findings = document_findings(doc, rules, skip_consistency=True) if lint else []
    uses = {r.id: r.checker.collect(doc) for r in rules if r.kind == "consistency"}
    return Analysis(source.path, source.text, source.syntax, source.bom, findings, uses)


# -- parallel ---------------------------------------------------------------------
_WORKER: dict = {}


def _init_worker(rules, options) -> None:
    _WORKER["rules"], _WORKER["options"] = rules, options


def _work(item):
    from .errors import JalintError
    from .source import read_file

    path, lint = item
    try:
        return analyse(read_file(path), _WORKER["rules"], _WORKER["options"], lint)
    except JalintError as exc:
        return exc


def analyse_files(paths: list[str], rules: list, options: Options, jobs: int, lint: bool = True) -> list:
    """Analyses (or the JalintError of an unreadable file), in the order of paths."""
    from .errors import JalintError
    from .source import read_file

    items = [(p, lint) for p in paths]
    if jobs > 1 and len(paths) > 1:
        import multiprocessing

        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:
            ctx = None
        if ctx is not None:
            # forked workers inherit the loaded rules and dictionaries
            _init_worker(rules, options)
            with ctx.Pool(min(jobs, len(paths))) as pool:
                return pool.map(_work, items, chunksize=max(1, len(items) // (jobs * 4)))
    out = []
    for p in paths:
        try:
            out.append(analyse(read_file(p), rules, options, lint))
        except JalintError as exc:
            out.append(exc)
    return out


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
