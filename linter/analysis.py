"""The per-file half of a run, which needs no other file: read, extract, tokenize,
run the rules that look at one document, and collect the uses the consistency rules
count.  Its result is small and picklable, so files can be analysed in parallel
processes (--jobs) and results kept in the cache (--cache)."""
from __future__ import annotations

import os

from .document import Document, Finding, LineIndex, Sentence
from .engine import Options, hits_to_findings, document_findings, extract_document
from .record import Record
from .source import Source
from .tokenizer import batches, tokenize_sentences

# A document with more prose than this (characters of sentence text) is analysed a
# window of sentences at a time, so that only one window's tokens are alive at once
# (a 5 MB file holds about a million tokens, 100 MB and more).
WINDOW_CHARS = 200_000
# with --jobs, this process analyses files too when they total at most this many bytes
SHARE_BYTES = 2_000_000


class Analysis(Record):
    # No __slots__: pickled (to the parent process, into the cache) with its __dict__.
    _fields = ("path", "text", "syntax", "bom", "findings", "uses", "_lines")

    def __init__(self, path: str, text: str, syntax: str, bom: bool, findings: list[Finding],
                 uses: dict | None = None, _lines: LineIndex | None = None) -> None:
        self.path = path
        self.text = text
        self.syntax = syntax
        self.bom = bom
        self.findings = findings  # of the rules that look at this document only
        self.uses = {} if uses is None else uses  # consistency rule id → DocumentUses (file offsets)
        self._lines = _lines

    @property
    def lines(self) -> LineIndex:
        """The document's line index, made where it was analysed (the parent process
        turns the offsets of findings into lines with it) or now."""
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines


def analyse(source: Source, rules: list, options: Options, lint: bool = True) -> Analysis:
    """Analyse one source.  With ``lint`` false only the consistency uses are
    collected (a project file that is counted, not reported).  A huge document is
    analysed window by window (``_analyse_windows``), with the same result."""
    doc = extract_document(source)
    windows = None
    if sum(len(s.text) for s in doc.sentences) > WINDOW_CHARS:
        windows = _windows(doc.sentences, WINDOW_CHARS)
    if windows is not None and len(windows) > 1:  # (one huge sentence cannot be cut)
        findings, uses = _analyse_windows(doc, windows, rules, options.split_mode, lint)
    else:
        tokenize_sentences(doc.sentences, options.split_mode)
        findings = document_findings(doc, rules, skip_consistency=True) if lint else []
        uses = {r.id: r.checker.collect(doc) for r in rules if r.kind == "consistency"}
    return Analysis(source.path, source.text, source.syntax, source.bom, findings, uses, doc.lines)


def _analyse_windows(doc: Document, windows: list[list[Sentence]], rules: list, mode: str,
                     lint: bool) -> tuple[list[Finding], dict]:
    """Findings and consistency uses of a huge document, holding the tokens of one
    of its ``windows`` of sentences at a time.  Each window is tokenized, its
    sentences checked by the rules that look at one sentence and counted by the
    consistency rules, and its tokens dropped.  A check that looks across sentences (``document_wide``) then
    runs over the whole document, its windows tokenized again as it reaches them.
    Findings come out in the order ``document_findings`` gives, uses as one
    ``collect`` of the whole document gives."""
    from .kinds.consistency import DocumentUses

    checked = [r for r in rules if lint and r.kind != "consistency"]
    counted = [r for r in rules if r.kind == "consistency"]
    local = [r for r in checked if not getattr(r.checker, "document_wide", False)]
    wide = [r for r in checked if getattr(r.checker, "document_wide", False)]
    found: dict[str, list[Finding]] = {r.id: [] for r in checked}
    seen: set[tuple] = set()
    parts: dict[str, list] = {r.id: [] for r in counted}
    for window in windows:
        tokenize_sentences(window, mode)
        view = Document(doc.path, doc.text, doc.blocks, window, doc.lines)
        for r in local:
            hits_to_findings(view, r, r.checker.check(view, r), seen, found[r.id])
        for r in counted:
            parts[r.id].append(r.checker.collect(view))
        _drop_tokens(window)
    retokenized = Document(doc.path, doc.text, doc.blocks, _Retokenized(windows, mode), doc.lines)
    for r in wide:
        view = retokenized if getattr(r.checker, "reads_tokens", True) else doc
        hits_to_findings(doc, r, r.checker.check(view, r), seen, found[r.id])
    findings = [f for rule_id in dict.fromkeys(r.id for r in checked) for f in found[rule_id]]
    return findings, {r.id: DocumentUses.joined(parts[r.id]) for r in counted}


def _windows(sentences: list[Sentence], size: int) -> list[list[Sentence]]:
    """Consecutive runs of about ``size`` characters of sentences, cut only between
    the tokenizer's batches so that each run is tokenized as in the whole document."""
    out: list[list[Sentence]] = []
    window: list[Sentence] = []
    chars = 0
    for batch in batches(sentences):
        window += batch
        chars += sum(len(s.text) for s in batch)
        if chars >= size:
            out.append(window)
            window, chars = [], 0
    if window:
        out.append(window)
    return out


def _drop_tokens(sentences: list[Sentence]) -> None:
    for s in sentences:
        s.drop_tokens()


class _Retokenized:
    """The sentences of a huge document for a document-wide check: each window is
    tokenized when the check reaches it and its tokens dropped when it moves on."""

    def __init__(self, windows: list[list[Sentence]], mode: str):
        self.windows, self.mode = windows, mode

    def __iter__(self):
        for window in self.windows:
            tokenize_sentences(window, self.mode)
            try:
                yield from window
            finally:
                _drop_tokens(window)

    def __len__(self) -> int:
        return sum(len(w) for w in self.windows)


# -- parallel ---------------------------------------------------------------------
_WORKER: dict = {}


def _init_worker(rules, options) -> None:
    _WORKER["rules"], _WORKER["options"] = rules, options


def _work(item):
    from .errors import JalintError
    from .source import read_file

    index, path, lint = item
    try:
        return index, analyse(read_file(path), _WORKER["rules"], _WORKER["options"], lint)
    except JalintError as exc:
        return index, exc


def _sizes(paths: list[str]) -> list[int]:
    sizes = []
    for p in paths:
        try:
            sizes.append(os.stat(p).st_size)
        except OSError:
            sizes.append(0)
    return sizes


def _largest_first(sizes: list[int]) -> list[int]:
    """Indexes of the files, biggest first: handing out the long jobs first keeps
    the workers busy until the end instead of one of them finishing a big file alone."""
    return sorted(range(len(sizes)), key=sizes.__getitem__, reverse=True)


def analyse_files(paths: list[str], rules: list, options: Options, jobs: int, lint: bool = True) -> list:
    """Analyses (or the JalintError of an unreadable file), in the order of paths."""
    from .errors import JalintError
    from .source import read_file

    if jobs > 1 and len(paths) > 1:
        from . import forkpool

        if forkpool.available():
            from .tokenizer import sudachi_tokenizer

            # forked workers inherit the loaded rules and the Sudachi dictionary
            # (the parent needs it later for readings anyway)
            sudachi_tokenizer(options.split_mode)
            _init_worker(rules, options)
            sizes = _sizes(paths)
            items = [(i, paths[i], lint) for i in _largest_first(sizes)]
            # this process takes a share of a small run (one process fewer to start,
            # half the results never pickled), not of a large one: the memory its
            # share leaves fragmented would add to the results it keeps
            here = sum(sizes) <= SHARE_BYTES
            out: list = [None] * len(paths)
            for i, result in forkpool.imap_unordered(_work, items, jobs, finish=_keep_compiled, here=here):
                out[i] = result
            return out
    out = []
    for p in paths:
        try:
            out.append(analyse(read_file(p), rules, options, lint))
        except JalintError as exc:
            out.append(exc)
    _keep_compiled()
    return out


def _keep_compiled() -> None:
    """Save the regular expressions compiled while analysing (cue matchers are built
    as their sets are met): the next run finds them compiled (see regexcache)."""
    from . import regexcache

    regexcache.save()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1
