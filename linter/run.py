"""One run of the linter, as the command line asks for it: find the configuration,
assemble the rules, read the files, count the project for consistency, lint, and
optionally fix.  No printing here: the CLI reports what this returns."""
from __future__ import annotations

import collections
import gc
from pathlib import Path
from typing import TYPE_CHECKING

from . import tokenizer
from . import source as source_mod
from . import config as config_mod
from .document import LineIndex, Result
from .errors import JalintError
from .encoding import SkippedFile, normalize as normalize_encoding
from .record import Record
from .request import (Request, depended_paths, linted_files, project_files, replayable, run_cache_for,
                      run_cacheable)
from .source import Source, read_file, read_stdin

if TYPE_CHECKING:
    from .analysis import Analysis
    from .cache import RunCache, RunEntry
    from .engine import Options, Project

# The engine, the rules, Markdown and Sudachi are imported by the functions that use
# them: a re-run answered by the run cache needs none of them.  The cache itself
# (and hashlib) is imported only by runs with --cache.

MAX_ROUNDS = 4


class Outcome(Record):
    __slots__ = _fields = ("result", "lines", "fixed", "diffs", "stdout_text", "config", "rules",
                           "baseline_written", "errors", "notices", "stdout_encoding", "replay", "replay_paths")

    def __init__(self, result: Result, lines: dict[str, LineIndex], fixed: collections.Counter | None = None,
                 diffs: list[str] | None = None, stdout_text: str | None = None,
                 config: config_mod.Config | None = None, rules: list | None = None,
                 baseline_written: int | None = None, errors: list[str] | None = None,
                 notices: list[str] | None = None, stdout_encoding: str = "utf-8",
                 replay: RunCache | None = None, replay_paths: tuple = ([], [])) -> None:
        self.result = result
        self.lines = lines  # for the reporter's source excerpts
        self.fixed = collections.Counter() if fixed is None else fixed
        self.diffs = [] if diffs is None else diffs
        self.stdout_text = stdout_text  # --fix on standard input: the fixed text
        self.config = config
        self.rules = [] if rules is None else rules
        self.baseline_written = baseline_written
        self.errors = [] if errors is None else errors  # files that could not be linted (exit code 2)
        self.notices = [] if notices is None else notices  # files skipped on purpose (binary …), and fallbacks
        self.stdout_encoding = stdout_encoding  # --fix on standard input: the input's own encoding
        self.replay = replay  # where the command's output may be kept for a re-run (``linter.replay``)
        self.replay_paths = replay_paths  # what that output depends on (see request.depended_paths)


def execute(req: Request) -> Outcome:
    if req.encoding:
        req.encoding = normalize_encoding(req.encoding)  # an unknown name is a usage error
        req.cache = False  # the cache knows files by their bytes, not by how they are decoded
    source_mod.use_encoding(req.encoding)
    cfg = config_mod.discover(req.paths, req.config)
    tokenizer.use_user_dictionary(cfg.user_dictionary)
    outcome = Outcome(Result(), {}, config=cfg)
    run_cache = None
    if run_cacheable(req):
        visited: list[str] = []
        files = linted_files(req, cfg, outcome.errors, outcome.notices, visited)
        run_cache = run_cache_for(req, cfg, files, visited)
        if replayable(req) and not outcome.notices and not outcome.errors:
            outcome.replay = run_cache
            outcome.replay_paths = depended_paths(req, cfg, files, run_cache.counted, visited)
        entry = run_cache.get()
        if entry is not None:
            return _replay(req, entry, outcome)
        rules = _assemble(req, cfg)
    else:
        rules = _assemble(req, cfg)
        files = linted_files(req, cfg, outcome.errors, outcome.notices)
    walked = (len(outcome.notices), len(outcome.errors))
    outcome.rules = rules
    options = _options(req, cfg)
    if req.diff_base:
        from . import gitdiff

        gitdiff.repo_root(next((p for p in req.paths if p != "-"), "."))  # fail early outside git
    if req.fix:
        docs = _execute_fix(req, cfg, rules, options, files, outcome)
    else:
        docs = _execute_lint(req, cfg, rules, options, files, outcome, run_cache)
    outcome.result.findings.sort(key=lambda f: f.sort_key())
    outcome.result.paths = [d.path for d in docs.values()]
    if run_cache is not None:
        run_cache.put(_entry(outcome, rules, walked))
    _filter(req, outcome)
    return outcome


def _assemble(req: Request, cfg: config_mod.Config) -> list:
    from .ruleset import assemble

    rules = assemble(cfg, req.preset, req.rule_files)
    gc.freeze()  # the rules and dictionaries live as long as the run: keep them out of collections
    return rules


def _options(req: Request, cfg: config_mod.Config):
    from .engine import Options

    return Options(split_mode=cfg.split_mode, min_severity=req.min_severity,
                   report_unused_disables=req.report_unused_disables)


# -- the run cache ------------------------------------------------------------------
def _entry(outcome: Outcome, rules: list, walked: tuple[int, int]) -> RunEntry:
    """What a re-run on the same files reports: the findings before filtering, the
    notices and errors that reading the files gave (not those of walking the paths,
    which every run repeats), and the rules without their checkers."""
    from .cache import RunEntry

    n_notices, n_errors = walked
    cards = [r.replace(checker=None, spec={}) for r in rules]
    return RunEntry(findings=outcome.result.findings, files=outcome.result.files, paths=outcome.result.paths,
                    texts={path: lines.text for path, lines in outcome.lines.items()},
                    notices=outcome.notices[n_notices:], errors=outcome.errors[n_errors:], rules=cards)


def _replay(req: Request, entry: RunEntry, outcome: Outcome) -> Outcome:
    """The outcome of a run answered by the run cache."""
    from .cache import LazyLines

    outcome.result = Result(findings=entry.findings, files=entry.files, paths=entry.paths)
    outcome.lines = LazyLines(entry.texts)
    outcome.notices.extend(entry.notices)
    outcome.errors.extend(entry.errors)
    outcome.rules = entry.rules
    if req.diff_base:
        from . import gitdiff

        gitdiff.repo_root(next((p for p in req.paths if p != "-"), "."))
    _filter(req, outcome)
    return outcome


# -- linting ------------------------------------------------------------------------
def _execute_lint(req, cfg, rules, options, files, outcome, run_cache=None) -> dict:
    """Analyse every file (in parallel, from the cache), then decide consistency over
    the project and finish each file's findings."""
    from .engine import Project, consistency_findings, finish, merge_findings
    from .analysis import analyse

    paths = [f for f in files if f != "-"]
    jobs = _jobs(req)
    cache = None
    if req.cache:
        digests = run_cache.digests if run_cache is not None else None
        from .cache import ResultCache

        cache = ResultCache(cfg, rules, options, req.rule_files, digests)
    analyses = _analyses(paths, rules, options, jobs, cache, lint=True, outcome=outcome)
    if "-" in files:
        try:
            analyses.append(analyse(read_stdin(req.stdin_filename), rules, options))
        except JalintError as exc:
            _file_problem(outcome, exc)
    project = Project(rules)
    for a in analyses:
        project.add_collected(a, a.uses)
    if project.rules:
        extra = run_cache.counted if run_cache is not None else project_files(cfg, files)
        for a in _analyses(extra, rules, options, jobs, cache, lint=False, outcome=None):
            project.add_collected(a, a.uses)
    if cache is not None:
        cache.prune()
    docs = {}
    for a in analyses:
        findings = merge_findings(a.findings + consistency_findings(a, rules, project), rules)
        findings = finish(a, findings, a.syntax, options)
        outcome.result.findings.extend(findings)
        outcome.result.files += 1
        if findings:
            outcome.lines[a.path] = a.lines
        docs[a.path] = a
    return docs


def _jobs(req: Request) -> int:
    if req.jobs == 0:
        from .analysis import default_jobs

        return default_jobs()
    return req.jobs or 1


def _analyses(paths, rules, options, jobs, cache, lint: bool, outcome) -> list[Analysis]:
    from .analysis import Analysis, analyse_files
    from .markdown import nesting_notice

    out: list = [None] * len(paths)
    todo = []
    for i, p in enumerate(paths):
        hit = cache.get(p, lint) if cache is not None else None
        if hit is not None:
            out[i] = hit
        else:
            todo.append(i)
    results = analyse_files([paths[i] for i in todo], rules, options, jobs, lint)
    for i, r in zip(todo, results):
        out[i] = r
        if cache is not None and isinstance(r, Analysis):
            cache.put(paths[i], lint, r)
    good = []
    for p, r in zip(paths, out):
        if isinstance(r, JalintError):
            if outcome is not None:
                _file_problem(outcome, r)
            continue
        if outcome is not None and r.syntax == "markdown":
            note = nesting_notice(r.text)
            if note:
                outcome.notices.append(f"{r.path}:{note}")
        good.append(r)
    return good


def _file_problem(outcome: Outcome, exc: JalintError) -> None:
    """A file that is skipped on purpose is a notice; one that cannot be read, an error."""
    (outcome.notices if isinstance(exc, SkippedFile) else outcome.errors).append(str(exc))


def _execute_fix(req, cfg, rules, options, files, outcome) -> dict:
    """--fix works on whole documents, one file after another."""
    from .engine import Project, build_document, check_document, finish
    from .markdown import nesting_notice

    sources: list[Source] = []
    for f in files:
        try:
            src = read_stdin(req.stdin_filename) if f == "-" else read_file(f, fingerprint=True)
        except JalintError as exc:
            _file_problem(outcome, exc)
            continue
        sources.append(src)
        if src.syntax == "markdown":
            note = nesting_notice(src.text)
            if note:
                outcome.notices.append(f"{src.path}:{note}")
    project = Project(rules)
    docs = {}
    for src in sources:
        docs[src.path] = build_document(src, options.split_mode)
        project.add(docs[src.path])
    if project.rules:
        for f in project_files(cfg, files):
            try:
                other = read_file(f)
            except JalintError:
                continue  # an unreadable file is reported when it is linted itself
            project.add(build_document(other, options.split_mode))
    _fix_all(sources, docs, rules, project, options, req, outcome)
    for src in sources:
        doc = docs[src.path]
        findings = finish(doc, check_document(doc, rules, project), src.syntax, options)
        outcome.result.findings.extend(findings)
        outcome.result.files += 1
        if findings:
            outcome.lines[src.path] = doc.lines
    return docs


def _filter(req: Request, outcome: Outcome) -> None:
    """Baselines and changed-lines mode: which findings count."""
    def line_of(f):
        return outcome.lines[f.path].line_text(f.line)

    if req.write_baseline or req.baseline:
        from . import baseline
    if req.write_baseline:
        outcome.baseline_written = baseline.write(req.write_baseline, outcome.result.findings, line_of)
    if req.baseline:
        known = baseline.read(req.baseline)
        outcome.result.findings = baseline.new_findings(outcome.result.findings, known, line_of)
    if req.diff_base:
        from . import gitdiff

        start = next((p for p in req.paths if p != "-"), ".")
        changed = gitdiff.changed_lines(req.diff_base, start)
        outcome.result.findings = [f for f in outcome.result.findings if gitdiff.on_changed_line(f, changed)]


def _fix_all(sources, docs, rules, project: Project, options: Options, req: Request, outcome: Outcome) -> None:
    """Fix every file; repeat over all files while fixes in one file change what the
    project's counts say about another (at most a few rounds)."""
    from .engine import build_document
    from .fix import encode_fixed, unified_diff, write_atomic

    originals = {src.path: src.text for src in sources}
    current = dict(originals)
    applied_by: dict[str, collections.Counter] = {}
    for _ in range(MAX_ROUNDS):
        changed = False
        for src in sources:
            text, applied = _fix_one(src, current[src.path], rules, project, options)
            if applied:
                changed = True
                outcome.fixed.update(applied)
                applied_by.setdefault(src.path, collections.Counter()).update(applied)
                current[src.path] = text
        if not changed:
            break
    for src in sources:
        new_text = current[src.path]
        if new_text == originals[src.path]:
            continue
        try:
            if src.stdin or req.dry_run:
                # what would be written must be writable in the input's encoding
                encode_fixed(src.path, new_text, src.bom, src.encoding, exact=True)
        except JalintError as exc:
            _unfixed(outcome, exc, applied_by.get(src.path))
            project.add(docs[src.path])
            continue
        if req.dry_run:
            outcome.diffs.append(unified_diff(src.path, src.text, new_text))
            project.add(docs[src.path])
            continue
        if src.stdin:
            outcome.stdout_text = ("\ufeff" if src.bom else "") + new_text
            outcome.stdout_encoding = src.encoding
        else:
            try:
                write_atomic(src.path, new_text, src.bom, src.encoding, src.fingerprint, src.exact)
            except JalintError as exc:  # this file stays as it was; the others are still fixed
                _unfixed(outcome, exc, applied_by.get(src.path))
                project.add(docs[src.path])
                continue
        docs[src.path] = build_document(Source(src.path, new_text, src.syntax, src.bom), options.split_mode)
        project.add(docs[src.path])
    if req.dry_run:
        for src in sources:
            project.add(docs[src.path])
    if req.fix and any(src.stdin for src in sources) and outcome.stdout_text is None:
        stdin_src = next(src for src in sources if src.stdin)
        outcome.stdout_text = ("\ufeff" if stdin_src.bom else "") + stdin_src.text
        outcome.stdout_encoding = stdin_src.encoding


def _unfixed(outcome: Outcome, exc: JalintError, applied) -> None:
    """A file whose fixes could not be written: an error, and its fixes are not counted."""
    outcome.errors.append(str(exc))
    if applied:
        outcome.fixed.subtract(applied)
        outcome.fixed += collections.Counter()  # drop the zero counts


def _fix_one(src: Source, text: str, rules, project: Project, options: Options):
    from .engine import Options, build_document, check_document, finish
    from .fix import fix_text

    def lint(t: str):
        d = build_document(Source(src.path, t, src.syntax, src.bom), options.split_mode)
        project.add(d)
        return finish(d, check_document(d, rules, project), src.syntax, Options(split_mode=options.split_mode))

    return fix_text(text, lint)


def init_config(folder: Path) -> Path:
    target = folder / ".jalint.yaml"
    if target.exists():
        raise JalintError(f"{target}: already exists (remove it first to write a new one)")
    target.write_text(config_mod.STARTER, encoding="utf-8")
    return target
