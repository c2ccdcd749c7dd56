"""``jalint lsp``: a language server over stdio (pygls).

* Diagnostics for Markdown and plain-text buffers on open, change and save.  A change
  after a pause is linted at once; changes that follow each other within
  ``debounce`` seconds are coalesced and linted once they stop.  Linting runs on one
  worker thread, so the server keeps reading: a run whose buffer changed meanwhile
  is abandoned (between phases) or its result dropped, and the newest text is
  linted instead.  Nothing queues up behind fast typing.
* Quick fixes (one per suggestion), "fix all" (``jalint --fix`` on the buffer) and
  "disable this rule for the next line"; hovers with the rule's documentation.
* The workspace's configuration, reloaded when it changes; consistency counted over
  every prose file under the configuration root, kept current from open buffers
  and file-change notifications.

Positions are UTF-16 code units unless the client offers utf-8 or utf-32.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from . import __version__
from . import lsp_convert as conv
from .errors import JalintError
from .lsp_state import LintResult, LintState, Superseded, is_config_file, is_prose_file
from .lsp_text import UTF16, TextPositions, minimal_edit
from .source import MARKDOWN_SUFFIXES

log = logging.getLogger("jalint.lsp")

DEBOUNCE = 0.15  # seconds; initializationOptions {"debounce": milliseconds}
LANGUAGES = {"markdown": "markdown", "plaintext": "text", "text": "text"}  # Neovim and Emacs say "text"
FIX_ALL_KIND = "source.fixAll.jalint"
WATCHERS = ["**/.jalint.yaml", "**/.jalint.yml", "**/pyproject.toml", "**/*.md", "**/*.markdown", "**/*.txt"]


@dataclass
class _Job:
    task: asyncio.Task | None = None
    last_change: float = 0.0


class JalintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("jalint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = DEBOUNCE
        self.state = LintState([])
        self.lint_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jalint-lint")
        self.jobs: dict[str, _Job] = {}
        self.results: dict[str, LintResult] = {}
        self.shown_problems: dict[str, str] = {}  # config problems published, by path
        self.generation = 0  # bumped when the configuration or another file changes

    # -- helpers --------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        try:
            enc = self.workspace.position_encoding
        except Exception:
            return UTF16
        return str(getattr(enc, "value", enc) or UTF16)

    def syntax_of(self, uri: str) -> str | None:
        """"markdown", "text", or None for a document jalint does not lint."""
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return None
        lang = (doc.language_id or "").lower()
        if lang in LANGUAGES:
            if lang != "markdown" and uri.lower().endswith(MARKDOWN_SUFFIXES):
                return "markdown"
            return LANGUAGES[lang]
        low = uri.lower().split("?", 1)[0]
        if low.endswith(MARKDOWN_SUFFIXES):
            return "markdown"
        if low.endswith(".txt"):
            return "text"
        return None

    def version_of(self, uri: str) -> int | None:
        doc = self.workspace.text_documents.get(uri)
        return None if doc is None else doc.version

    def open_buffers(self) -> dict[str, tuple[str, str]]:
        out = {}
        for uri in list(self.workspace.text_documents):
            syntax = self.syntax_of(uri)
            path = to_fs_path(uri) if uri.startswith("file:") else None
            doc = self.workspace.text_documents.get(uri)
            if syntax and path and doc is not None:
                out[os.path.abspath(path)] = (doc.source, syntax)
        return out

    async def on_lint_thread(self, fn, *args):
        """Run on the lint thread: one call at a time, in the order asked."""
        return await asyncio.get_running_loop().run_in_executor(self.lint_thread, fn, *args)

    # -- scheduling -------------------------------------------------------------------
    def schedule(self, uri: str, immediate: bool = False) -> None:
        if self.syntax_of(uri) is None:
            return
        job = self.jobs.setdefault(uri, _Job())
        now = time.monotonic()
        quiet = immediate or now - job.last_change >= self.debounce
        job.last_change = now
        if job.task is not None and not job.task.done():
            return  # the running job lints the newest text when it gets to it
        job.task = asyncio.ensure_future(self._run(uri, job, wait=not quiet))

    async def _run(self, uri: str, job: _Job, wait: bool) -> None:
        while True:
            if wait:
                while (left := job.last_change + self.debounce - time.monotonic()) > 0:
                    await asyncio.sleep(left)
            doc = self.workspace.text_documents.get(uri)
            syntax = self.syntax_of(uri)
            if doc is None or syntax is None:
                return
            version, text, generation = doc.version, doc.source, self.generation
            path = _path_of(uri)
            try:
                result = await self.on_lint_thread(
                    self.state.lint, uri, path, text, syntax, version, lambda: self.version_of(uri) != version)
            except Superseded:
                wait = True
                continue
            except JalintError as exc:
                self._show(types.MessageType.Error, f"jalint: {exc}")
                return
            except Exception as exc:  # a bug: say so, keep serving the other documents
                log.exception("linting %s failed", uri)
                self._show(types.MessageType.Error, f"jalint: internal error linting {uri}: {type(exc).__name__}: {exc}")
                return
            if self.version_of(uri) != version:
                wait = True
                continue
            if self.generation != generation:  # linted under an old configuration or project
                wait = False
                continue
            self.publish(result)
            self.publish_problems()
            return

    def publish(self, result: LintResult) -> None:
        self.results[result.uri] = result
        pos = TextPositions(result.text, self.encoding)
        diags = conv.diagnostics(result, pos)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=result.uri, diagnostics=diags, version=result.version))

    def publish_problems(self) -> None:
        """Configuration problems: a message once, and a diagnostic at the file."""
        problems = self.state.problems()
        for path, problem in problems.items():
            if self.shown_problems.get(path) == problem.message:
                continue
            self.shown_problems[path] = problem.message
            where = f"{path}:{problem.line}" if problem.line else path
            self._show(types.MessageType.Error,
                       f"jalint: {where}: {problem.message} — using the default rules until this is fixed")
            text = _read_text(path)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=conv.uri_of(path), diagnostics=[conv.problem_diagnostic(problem, text)]))
        for path in list(self.shown_problems):
            if path not in problems:
                del self.shown_problems[path]
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=conv.uri_of(path), diagnostics=[]))

    def _show(self, kind: types.MessageType, message: str) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def relint_open(self, except_uri: str | None = None) -> None:
        self.generation += 1
        for uri in list(self.workspace.text_documents):
            if uri != except_uri and self.syntax_of(uri) is not None:
                self.schedule(uri, immediate=True)

    async def reload_config(self) -> None:
        self.generation += 1  # a run under way uses the old configuration: its result is dropped
        await self.on_lint_thread(self.state.reload)
        self.results.clear()
        self.relint_open()
        if not any(self.syntax_of(u) for u in self.workspace.text_documents):
            await self.on_lint_thread(self.state.context_for, self.state.folders[0] if self.state.folders else None)
            self.publish_problems()

    async def current_result(self, uri: str) -> LintResult | None:
        """The findings of the buffer as it is now (linting it if needed)."""
        syntax = self.syntax_of(uri)
        doc = self.workspace.text_documents.get(uri)
        if syntax is None or doc is None:
            return None
        result = self.results.get(uri)
        if result is not None and result.version == doc.version and result.text == doc.source:
            return result
        return await self.on_lint_thread(self.state.lint, uri, _path_of(uri), doc.source, syntax, doc.version)

    def supports_document_changes(self) -> bool:
        caps = self.client_capabilities
        we = caps.workspace.workspace_edit if caps and caps.workspace else None
        return bool(we and we.document_changes)

    def supports_resolve(self) -> bool:
        caps = self.client_capabilities
        ca = caps.text_document.code_action if caps and caps.text_document else None
        rs = ca.resolve_support if ca else None
        return bool(rs and "edit" in (rs.properties or []))


def _path_of(uri: str) -> str | None:
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return os.path.abspath(path) if path else None


def _read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None


def _overlaps(f, start: int, end: int) -> bool:
    return f.start <= end and f.end >= start


server = JalintServer()


@server.feature(types.INITIALIZE)
def initialize(ls: JalintServer, params: types.InitializeParams) -> None:
    opts = params.initialization_options if isinstance(params.initialization_options, dict) else {}
    if isinstance(opts.get("debounce"), (int, float)) and opts["debounce"] >= 0:
        ls.debounce = opts["debounce"] / 1000
    folders = [to_fs_path(f.uri) for f in params.workspace_folders or []]
    if not folders and params.root_uri:
        folders = [to_fs_path(params.root_uri)]
    if not folders and params.root_path:
        folders = [params.root_path]
    ls.state = LintState([f for f in folders if f], ls.open_buffers)
    # the dictionary, the rules and the workspace's documents live as long as the
    # server: keep them out of the collector's full passes (which otherwise add
    # ~70 ms to every few re-lints)
    ls.state.on_context_built = gc.freeze


@server.feature(types.INITIALIZED)
async def initialized(ls: JalintServer, params: types.InitializedParams) -> None:
    caps = ls.client_capabilities
    watch = caps.workspace.did_change_watched_files if caps and caps.workspace else None
    if watch and watch.dynamic_registration:
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id="jalint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(
                    watchers=[types.FileSystemWatcher(glob_pattern=g) for g in WATCHERS]))]))
        except Exception as exc:  # a client that refuses: config changes are still seen on save
            log.warning("could not register file watchers: %s", exc)
    loop = asyncio.get_running_loop()

    def prepare():
        """Load the dictionary and count the workspace's files before the first lint."""
        for folder in ls.state.folders or [None]:
            ls.state.context_for(os.path.join(folder, ".") if folder else None)
        from .tokenizer import sudachi_tokenizer

        sudachi_tokenizer("C")
        gc.freeze()

    try:
        await loop.run_in_executor(ls.lint_thread, prepare)
    except JalintError as exc:
        ls._show(types.MessageType.Error, f"jalint: {exc}")
    ls.publish_problems()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: JalintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, immediate=True)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: JalintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
async def did_save(ls: JalintServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    path = _path_of(uri)
    if is_config_file(path):
        await ls.reload_config()
    elif ls.syntax_of(uri) is not None:
        ls.schedule(uri, immediate=True)
        ls.relint_open(except_uri=uri)  # what this file says may change the others' counts


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
async def did_close(ls: JalintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    job = ls.jobs.pop(uri, None)
    if job and job.task and not job.task.done():
        job.task.cancel()
    ls.results.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
    await ls.on_lint_thread(ls.state.closed, uri, _path_of(uri))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched_files(ls: JalintServer, params: types.DidChangeWatchedFilesParams) -> None:
    config_changed = False
    prose = []
    for change in params.changes:
        path = _path_of(change.uri)
        if is_config_file(path):
            config_changed = True
        elif is_prose_file(path):
            prose.append((path, change.type == types.FileChangeType.Deleted))
    if config_changed:
        await ls.reload_config()
        return
    if prose:
        def update():
            for path, deleted in prose:
                ls.state.file_changed(path, deleted)

        ls.generation += 1
        await ls.on_lint_thread(update)
        ls.relint_open()


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL_KIND], resolve_provider=True))
async def code_action(ls: JalintServer, params: types.CodeActionParams):
    uri = params.text_document.uri
    result = await ls.current_result(uri)
    if result is None:
        return None
    only = params.context.only
    wants = (lambda kind: any(kind == k or kind.startswith(f"{k}.") for k in only)) if only else (lambda kind: True)
    pos = TextPositions(result.text, ls.encoding)
    a = pos.offset(params.range.start.line, params.range.start.character) - result.shift
    b = pos.offset(params.range.end.line, params.range.end.character) - result.shift
    doc_changes = ls.supports_document_changes()
    actions: list[types.CodeAction] = []
    if wants(types.CodeActionKind.QuickFix):
        diags = conv.diagnostics(result, pos)
        for f, d in zip(result.findings, diags):
            if not _overlaps(f, a, b):
                continue
            actions += conv.suggestion_actions(f, d, result, pos, doc_changes)
            disable = conv.disable_action(f, d, result, pos, doc_changes)
            if disable is not None:
                actions.append(disable)
    fixable = any(f.fixable and len(f.suggestions) == 1 and f.end > f.start for f in result.findings)
    kind = FIX_ALL_KIND if only else types.CodeActionKind.QuickFix
    if fixable and wants(kind):
        action = types.CodeAction(title="Fix all jalint problems in this file", kind=kind,
                                  data={"uri": uri, "version": result.version})
        if only or not ls.supports_resolve():  # `only` is how fix-on-save asks: answer in full
            action = await resolve_code_action(ls, action)
        actions.append(action)
    return actions


@server.feature(types.CODE_ACTION_RESOLVE)
async def resolve_code_action(ls: JalintServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    uri = data.get("uri")
    if not uri or action.edit is not None:
        return action
    result = await ls.current_result(uri)
    if result is None:
        return action
    fixed = await ls.on_lint_thread(ls.state.fix_all, result, _path_of(uri))
    if fixed == result.text:
        return action
    pos = TextPositions(result.text, ls.encoding)
    start, end, new = minimal_edit(result.text, fixed)
    edit = conv.text_edit(pos, start, end, new)
    action.edit = conv.workspace_edit(uri, result.version, [edit], ls.supports_document_changes())
    return action


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: JalintServer, params: types.HoverParams):
    result = await ls.current_result(params.text_document.uri)
    if result is None:
        return None
    pos = TextPositions(result.text, ls.encoding)
    at = pos.offset(params.position.line, params.position.character) - result.shift
    hits = [f for f in result.findings if f.start <= at < f.end or (f.start == f.end == at)]
    if not hits:
        return None
    first = hits[0]
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                     value=conv.hover_markdown(hits, result.context.rules_by_id)),
        range=conv.finding_range(first, pos, result.shift),
    )


def serve() -> None:
    """Run the server on standard input and output until the client exits."""
    logging.basicConfig(level=logging.WARNING, format="jalint-lsp: %(levelname)s %(message)s")
    server.start_io()
