"""What the language server knows about the workspace: one ``Context`` per
configuration (its rules, options and the ``Project`` that counts every prose file
under its root for consistency), the open buffers, and per-buffer token caches so a
one-line edit re-tokenizes only the sentences it touched.

Everything here runs on the server's single lint thread, one call at a time; the
event loop only schedules.  No pygls import: this module is testable on its own.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import config as config_mod
from . import tokenizer
from .document import Document, Finding, Hit
from .engine import (Options, Project, hits_to_findings, build_document, consistency_findings,
                     finish, merge_findings)
from .errors import JalintError
from .fix import fix_text
from .markdown import extract_markdown
from .plaintext import extract_plain
from .rules import Rule
from .ruleset import assemble
from .sentences import split_blocks
from .source import MARKDOWN_SUFFIXES, TEXT_SUFFIXES, Source, decode, expand_paths, syntax_for
from .tokenizer import tokenize_sentences

CONFIG_FILE_NAMES = frozenset(config_mod.CONFIG_NAMES) | {"pyproject.toml"}
PROSE_SUFFIXES = MARKDOWN_SUFFIXES + TEXT_SUFFIXES
MAX_PROJECT_FILES = 3000  # a workspace bigger than this is counted only partly
MAX_PROJECT_FILE_BYTES = 2_000_000
BOM = "\ufeff"


class Superseded(Exception):
    """A newer version of the document arrived while it was being linted."""


def is_config_file(path: str | None) -> bool:
    return bool(path) and os.path.basename(path) in CONFIG_FILE_NAMES


def is_prose_file(path: str | None) -> bool:
    return bool(path) and path.lower().endswith(PROSE_SUFFIXES)


@dataclass
class ConfigProblem:
    path: str  # the file to show it at
    line: int  # 1-based, 0 when unknown
    message: str


@dataclass
class Context:
    key: str
    config: config_mod.Config
    rules: list[Rule]
    options: Options
    project: Project
    root: str | None
    problem: ConfigProblem | None = None
    rules_by_id: dict[str, Rule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rules_by_id = {r.id: r for r in self.rules}

    def covers(self, path: str) -> bool:
        """Whether a file on disk counts for this context's project."""
        if self.root is None:
            return False
        try:
            Path(path).relative_to(self.root)
        except ValueError:
            return False
        return self.config.selects(path)


@dataclass
class LintResult:
    uri: str
    version: int | None
    text: str  # the buffer's text as linted (a BOM included, when there was one)
    shift: int  # 1 when the buffer starts with a BOM (finding offsets are after it)
    syntax: str
    findings: list[Finding]
    context: Context


# Rule kinds whose hits in a sentence depend on that sentence alone (its text, its
# tokens and the kind of its block): their hits are reused for unchanged sentences.
SENTENCE_LOCAL_KINDS = frozenset({"substitution", "existence", "sequence", "metric", "homophone"})


class TokenCache:
    """Tokens of one buffer's sentences, keyed by the sentence text (and the Sudachi
    settings), and the hits of sentence-local rules, keyed by (rule, sentence text,
    block kind).  Only the sentences of the last version are kept."""

    def __init__(self) -> None:
        self.key: tuple | None = None
        self.tokens: dict[str, list] = {}
        self.hits: dict[tuple, list[tuple]] = {}


class _Sentences:
    """A document seen through some of its sentences (for a sentence-local rule)."""

    def __init__(self, doc: Document, sentences: list):
        self.path, self.text, self.blocks, self.lines = doc.path, doc.text, doc.blocks, doc.lines
        self.sentences = sentences


def _local_hits(doc: Document, rule: Rule, known: dict, fresh: dict) -> list[Hit]:
    """The rule's hits in ``doc``, checking only sentences not seen before."""
    todo = [s for s in doc.sentences if (rule.id, s.text, s.block.kind) not in known]
    found: dict[int, list[tuple]] = {}
    if todo:
        for h in rule.checker.check(_Sentences(doc, todo), rule):
            found.setdefault(id(h.sentence), []).append(
                (h.begin, h.end, h.message, list(h.suggestions), list(h.related), h.severity, h.source))
    hits = []
    for s in doc.sentences:
        key = (rule.id, s.text, s.block.kind)
        mine = known.get(key)
        if mine is None:
            mine = found.get(id(s), [])
        fresh[key] = mine
        hits += [Hit(s, b, e, m, list(sg), list(rel), sev, src) for b, e, m, sg, rel, sev, src in mine]
    return hits


def check_document_cached(doc: Document, rules: list[Rule], project: Project, cache: TokenCache) -> list[Finding]:
    """``engine.check_document`` with a project, re-running sentence-local rules only
    on the sentences that changed since the buffer's previous version."""
    findings: list[Finding] = []
    seen: set[tuple] = set()
    known = cache.hits if cache.key is not None else {}
    fresh: dict[tuple, list[tuple]] = {}
    for rule in rules:
        if rule.kind == "consistency":
            continue
        if rule.kind in SENTENCE_LOCAL_KINDS:
            hits = _local_hits(doc, rule, known, fresh)
        else:
            hits = rule.checker.check(doc, rule)
        hits_to_findings(doc, rule, hits, seen, findings)
    cache.hits = fresh
    findings += consistency_findings(doc, rules, project)
    return merge_findings(findings, rules)


def build_document_cached(source: Source, split_mode: str, cache: TokenCache | None) -> Document:
    """``engine.build_document``, re-tokenizing only sentences not seen in the
    previous version of the buffer (a sentence's tokens depend on its text alone:
    the engine tokenizes sentences separated by line breaks)."""
    if cache is None:
        return build_document(source, split_mode)
    extract = extract_markdown if source.syntax == "markdown" else extract_plain
    blocks = extract(source.text)
    doc = Document(source.path, source.text, blocks)
    doc.sentences = split_blocks(blocks)
    key = (split_mode, tokenizer._user_dictionary)
    known = cache.tokens if cache.key == key else {}
    if cache.key != key:
        cache.hits = {}
    todo = []
    for s in doc.sentences:
        toks = known.get(s.text)
        if toks is None:
            todo.append(s)
        else:
            s.tokens = toks
    if todo:
        tokenize_sentences(todo, split_mode)
    cache.key = key
    cache.tokens = {s.text: s.tokens for s in doc.sentences}
    return doc


_LOCATED = re.compile(r"^(?P<path>.+?)(?: \[tool\.jalint\])?:(?P<line>\d+): (?P<msg>.*)$", re.S)


def locate_problem(message: str, config_path: str | None) -> ConfigProblem:
    """Where a configuration error points: ``FILE:LINE: what`` (the file may be a
    rule file the configuration names), else the configuration file itself."""
    m = _LOCATED.match(message)
    if m and os.path.isfile(m.group("path")):
        return ConfigProblem(os.path.abspath(m.group("path")), int(m.group("line")), m.group("msg"))
    path = config_path or ""
    prefix = f"{path}: "
    text = message[len(prefix):] if path and message.startswith(prefix) else message
    return ConfigProblem(path, 0, text)


class LintState:
    """Contexts, buffers and caches.  ``buffers()`` returns the open prose buffers as
    {path: (text, syntax)}; they take precedence over the files on disk."""

    def __init__(self, folders: list[str], buffers: Callable[[], dict[str, tuple[str, str]]] | None = None):
        self.folders = [os.path.abspath(f) for f in folders]
        self.buffers = buffers or (lambda: {})
        self.contexts: dict[str, Context] = {}
        self._config_of: dict[str, str | None] = {}  # folder → config file (or None)
        self.caches: dict[str, TokenCache] = {}
        self.indexed_files = 0
        self.on_context_built: Callable[[], None] | None = None  # the server freezes the GC here

    # -- configuration -------------------------------------------------------------
    def reload(self) -> None:
        """Forget every configuration; contexts are built again on demand."""
        self.contexts.clear()
        self._config_of.clear()
        self.caches.clear()

    def problems(self) -> dict[str, ConfigProblem]:
        """Configuration problems of the current contexts, by the file they are at."""
        return {c.problem.path: c.problem for c in list(self.contexts.values()) if c.problem and c.problem.path}

    def _folder_of(self, path: str) -> str | None:
        best = None
        for f in self.folders:
            if (path == f or path.startswith(f.rstrip(os.sep) + os.sep)) and (best is None or len(f) > len(best)):
                best = f
        return best

    def _find_config(self, folder: str) -> str | None:
        if folder not in self._config_of:
            found = config_mod.find_config(Path(folder))
            self._config_of[folder] = str(found) if found else None
        return self._config_of[folder]

    def context_for(self, path: str | None) -> Context:
        """The context of a document (``None``: an untitled buffer, which gets the
        first workspace folder's)."""
        if path is None or not os.path.isabs(path):
            base = self.folders[0] if self.folders else None
            folder = base
        else:
            folder = os.path.dirname(path)
            base = self._folder_of(path)
        cfg_path = self._find_config(folder) if folder else None
        if cfg_path is not None:
            key = cfg_path
        else:
            key = f"<defaults>:{base or ''}"
        ctx = self.contexts.get(key)
        if ctx is None:
            ctx = self._build_context(key, cfg_path, base)
            self.contexts[key] = ctx
        return ctx

    def _build_context(self, key: str, cfg_path: str | None, folder: str | None) -> Context:
        problem = None
        try:
            if cfg_path is not None:
                cfg = config_mod.load(Path(cfg_path))
            else:
                cfg = config_mod.Config()
                cfg.root = Path(folder) if folder else None
            rules = assemble(cfg)
        except JalintError as exc:
            problem = locate_problem(str(exc), cfg_path)
            cfg = config_mod.Config()
            cfg.root = Path(cfg_path).parent if cfg_path else (Path(folder) if folder else None)
            rules = assemble(cfg)
        tokenizer.use_user_dictionary(cfg.user_dictionary)
        root = str(cfg.root) if cfg.root is not None else None
        ctx = Context(key, cfg, rules, Options(split_mode=cfg.split_mode), Project(rules), root, problem)
        self._index(ctx)
        if self.on_context_built is not None:
            self.on_context_built()
        return ctx

    def _index(self, ctx: Context) -> None:
        """Count every prose file under the context's root for consistency (open
        buffers as they are in the editor)."""
        if ctx.root is None or not ctx.project.rules:
            return
        buffers = self.buffers()
        try:
            files = expand_paths([ctx.root])
        except JalintError:
            return
        count = 0
        for f in files:
            full = os.path.abspath(f)
            if not ctx.config.selects(full):
                continue
            count += 1
            if count > MAX_PROJECT_FILES:
                break
            if full in buffers:
                text, syntax = buffers[full]
                src = Source(full, _strip_bom(text)[0], syntax)
            else:
                src = _read(full)
                if src is None:
                    continue
            ctx.project.add(build_document(src, ctx.options.split_mode))
        self.indexed_files += count

    # -- files and buffers -----------------------------------------------------------
    def file_changed(self, path: str, deleted: bool = False) -> None:
        """A prose file changed on disk (or was created or deleted)."""
        path = os.path.abspath(path)
        if path in self.buffers():
            return  # the open buffer is what counts
        for ctx in self.contexts.values():
            if not ctx.project.rules:
                continue
            if not ctx.covers(path) and path not in ctx.project.docs:
                continue
            src = None if deleted else _read(path)
            if src is None:
                src = Source(path, "", syntax_for(path))
            ctx.project.add(build_document(src, ctx.options.split_mode))

    def closed(self, uri: str, path: str | None) -> None:
        """A buffer was closed: the project counts the file on disk again."""
        self.caches.pop(uri, None)
        if path and os.path.isabs(path):
            for ctx in self.contexts.values():
                if path in ctx.project.docs:
                    src = _read(path) or Source(path, "", syntax_for(path))
                    ctx.project.add(build_document(src, ctx.options.split_mode))

    # -- linting -------------------------------------------------------------------
    def lint(self, uri: str, path: str | None, text: str, syntax: str, version: int | None = None,
             stale: Callable[[], bool] | None = None) -> LintResult:
        ctx = self.context_for(path)
        body, shift = _strip_bom(text)
        cache = self.caches.setdefault(uri, TokenCache())
        if stale is not None and stale():
            raise Superseded
        doc = build_document_cached(Source(path or uri, body, syntax), ctx.options.split_mode, cache)
        if stale is not None and stale():
            raise Superseded
        ctx.project.add(doc)
        findings = finish(doc, check_document_cached(doc, ctx.rules, ctx.project, cache), syntax, ctx.options)
        return LintResult(uri, version, text, shift, syntax, findings, ctx)

    def fix_all(self, result: LintResult, path: str | None) -> str:
        """The buffer's text with every safe fix applied (``jalint --fix``)."""
        ctx = result.context
        body, shift = _strip_bom(result.text)
        name = path or result.uri
        cache = self.caches.setdefault(result.uri, TokenCache())
        scratch = TokenCache()
        scratch.key, scratch.tokens, scratch.hits = cache.key, dict(cache.tokens), dict(cache.hits)

        def lint(t: str) -> list[Finding]:
            d = build_document_cached(Source(name, t, result.syntax), ctx.options.split_mode, scratch)
            ctx.project.add(d)
            return finish(d, check_document_cached(d, ctx.rules, ctx.project, scratch), result.syntax,
                          Options(split_mode=ctx.options.split_mode))

        try:
            fixed, _ = fix_text(body, lint)
        finally:
            # the project counts the buffer as it is, not as it would be fixed
            ctx.project.add(build_document_cached(Source(name, body, result.syntax), ctx.options.split_mode, cache))
        return result.text[:shift] + fixed


def _strip_bom(text: str) -> tuple[str, int]:
    return (text[1:], 1) if text.startswith(BOM) else (text, 0)


def _read(path: str) -> Source | None:
    try:
        if os.path.getsize(path) > MAX_PROJECT_FILE_BYTES:
            return None
        data = Path(path).read_bytes()
        text, bom = decode(data, path)
    except (OSError, JalintError):
        return None
    return Source(path, text, syntax_for(path), bom)
