"""The language server end to end: the real `python -m linter lsp` process, driven
over stdio by an LSP client (pytest-lsp), plus the position and caching helpers."""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402
from pytest_lsp import client as lsp_client_module  # noqa: E402

from linter.engine import build_document  # noqa: E402
from linter.lsp_state import TokenCache, build_document_cached  # noqa: E402
from linter.lsp_text import UTF8, UTF16, UTF32, TextPositions, minimal_edit  # noqa: E402
from linter.source import Source  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "policy"
TIMEOUT = 20.0
LINE = "😀𠮷 寄付文化の情勢を図ります。\n"  # 情勢 starts after 2 + 2 + 1 + 5 UTF-16 units


# -- the client --------------------------------------------------------------------

def _publish(ls: LanguageClient, params: types.PublishDiagnosticsParams):
    ls.diagnostics[params.uri] = params.diagnostics
    ls.published.append(params)


def _client_factory() -> LanguageClient:
    client = LanguageClient(converter_factory=lsp_client_module.default_converter)
    client.published = []  # every publishDiagnostics, in order
    features = dict(lsp_client_module.DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _publish
    lsp_client_module.register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "linter", "lsp"], client_factory=_client_factory)


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    yield
    await lsp_client.shutdown_session()


async def start(client: LanguageClient, root: Path, encodings=None, resolve: bool = True,
                debounce: int | None = None) -> types.InitializeResult:
    caps = types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None,
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(dynamic_registration=False)),
        text_document=types.TextDocumentClientCapabilities(code_action=types.CodeActionClientCapabilities(
            resolve_support=types.ClientCodeActionResolveOptions(properties=["edit"]) if resolve else None)),
    )
    return await client.initialize_session(types.InitializeParams(
        capabilities=caps, root_uri=from_fs_path(str(root)),
        workspace_folders=[types.WorkspaceFolder(uri=from_fs_path(str(root)), name="ws")],
        initialization_options={"debounce": debounce} if debounce is not None else None,
    ))


async def diagnostics_for(client: LanguageClient, uri: str, version: int | None = None, after: int = 0,
                          timeout: float = TIMEOUT) -> types.PublishDiagnosticsParams:
    """The first publishDiagnostics for ``uri`` (and ``version``) after the
    ``after``-th notification."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in client.published[after:]:
            if p.uri == uri and (version is None or p.version == version):
                return p
        await asyncio.sleep(0.01)
    raise AssertionError(f"no diagnostics for {uri} version {version}: {[(p.uri, p.version) for p in client.published]}")


def open_doc(client: LanguageClient, path: Path, text: str, language: str = "markdown", version: int = 1) -> str:
    uri = from_fs_path(str(path))
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))
    return uri


def change_doc(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def apply_edits(text: str, edits: list[types.TextEdit], encoding: str = UTF16) -> str:
    pos = TextPositions(text, encoding)
    spans = sorted(((pos.offset(e.range.start.line, e.range.start.character),
                     pos.offset(e.range.end.line, e.range.end.character), e.new_text) for e in edits), reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    edit = action.edit
    assert edit is not None, action
    if edit.document_changes:
        return [e for dc in edit.document_changes if dc.text_document.uri == uri for e in dc.edits]
    return list(edit.changes[uri])


def codes(params: types.PublishDiagnosticsParams) -> set[str]:
    return {d.code for d in params.diagnostics}


def code_actions(client: LanguageClient, uri: str, rng: types.Range, only=None):
    return client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
        context=types.CodeActionContext(diagnostics=[], only=only)))


# -- end to end ----------------------------------------------------------------------

@pytest.mark.asyncio
async def test_diagnostic_at_utf16_range_quick_fix_clears_it(client: LanguageClient, tmp_path: Path):
    result = await start(client, tmp_path)
    assert result.capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    text = "# 見出し\n\n" + LINE
    uri = open_doc(client, tmp_path / "a.md", text)
    published = await diagnostics_for(client, uri, version=1)
    jousei = [d for d in published.diagnostics if d.code == "misconversion/jousei"]
    assert len(jousei) == 1, published.diagnostics
    d = jousei[0]
    assert d.range == types.Range(types.Position(2, 10), types.Position(2, 12))
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.source == "jalint"
    assert "→ 醸成" in d.message
    assert d.code_description.href.endswith("docs/rules.md#misconversionjousei")

    actions = await code_actions(client, uri, d.range)
    titles = [a.title for a in actions]
    fix = next(a for a in actions if a.kind == types.CodeActionKind.QuickFix and "醸成" in a.title)
    assert fix.is_preferred
    assert any("Disable misconversion/jousei for the next line" == t for t in titles), titles
    assert any("Fix all" in t for t in titles), titles
    fixed = apply_edits(text, edits_of(fix, uri))
    assert fixed == "# 見出し\n\n😀𠮷 寄付文化の醸成を図ります。\n"

    before = len(client.published)
    change_doc(client, uri, 2, fixed)
    after = await diagnostics_for(client, uri, version=2, after=before)
    assert "misconversion/jousei" not in codes(after)
    assert "misconversion/homophone" not in codes(after)


@pytest.mark.asyncio
@pytest.mark.parametrize("encoding, start", [(UTF32, 8), (UTF8, 24)])
async def test_position_encoding_is_negotiated(client: LanguageClient, tmp_path: Path, encoding, start):
    result = await start_session(client, tmp_path, encoding)
    assert result.capabilities.position_encoding == encoding
    uri = open_doc(client, tmp_path / "a.md", LINE)
    published = await diagnostics_for(client, uri, version=1)
    d = next(d for d in published.diagnostics if d.code == "misconversion/jousei")
    width = 2 if encoding == UTF32 else 6
    assert (d.range.start.character, d.range.end.character) == (start, start + width)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, start + 1)))
    assert hover is not None and "misconversion/jousei" in hover.contents.value


async def start_session(client, root, encoding):
    return await start(client, root, encodings=[encoding, types.PositionEncodingKind.Utf16])


@pytest.mark.asyncio
async def test_hover_explains_the_rule(client: LanguageClient, tmp_path: Path):
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "a.md", LINE)
    published = await diagnostics_for(client, uri, version=1)
    d = next(d for d in published.diagnostics if d.code == "misconversion/jousei")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=d.range.start))
    value = hover.contents.value
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "**misconversion/jousei**" in value and "Flagged:" in value and "✗" in value
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)))
    assert nothing is None


@pytest.mark.asyncio
async def test_fix_all_and_disable_next_line(client: LanguageClient, tmp_path: Path):
    await start(client, tmp_path, resolve=False)  # the fix-all edit comes with the action
    text = ("# 例\n\n  寄付文化の情勢を図ります。\n\n"
            "社会保証の持続可能性を高めます。ﾃﾞｰﾀで検証します。\n")
    uri = open_doc(client, tmp_path / "a.md", text)
    published = await diagnostics_for(client, uri, version=1)
    assert {"misconversion/jousei", "style/halfwidth-katakana"} <= codes(published), codes(published)

    whole = types.Range(types.Position(0, 0), types.Position(5, 0))
    actions = await code_actions(client, uri, whole)
    fix_all = next(a for a in actions if a.title == "Fix all jalint problems in this file")
    fixed = apply_edits(text, edits_of(fix_all, uri))
    assert "醸成" in fixed and "データ" in fixed and "社会保障" in fixed
    source_actions = await code_actions(client, uri, whole, only=[types.CodeActionKind.SourceFixAll])
    assert [a.kind for a in source_actions] == ["source.fixAll.jalint"]
    assert apply_edits(text, edits_of(source_actions[0], uri)) == fixed

    d = next(d for d in published.diagnostics if d.code == "misconversion/jousei")
    actions = await code_actions(client, uri, d.range)
    disable = next(a for a in actions if a.title.startswith("Disable misconversion/jousei"))
    disabled = apply_edits(text, edits_of(disable, uri))
    assert "\n\n  <!-- jalint-disable-next-line misconversion/jousei -->\n  寄付文化の情勢" in disabled
    before = len(client.published)
    change_doc(client, uri, 2, disabled)
    after = await diagnostics_for(client, uri, version=2, after=before)
    assert "misconversion/jousei" not in codes(after)


@pytest.mark.asyncio
async def test_fix_all_resolves_lazily(client: LanguageClient, tmp_path: Path):
    await start(client, tmp_path, resolve=True)
    text = "寄付文化の情勢を図ります。\n"
    uri = open_doc(client, tmp_path / "a.md", text)
    await diagnostics_for(client, uri, version=1)
    actions = await code_actions(client, uri, types.Range(types.Position(0, 0), types.Position(1, 0)))
    fix_all = next(a for a in actions if a.title == "Fix all jalint problems in this file")
    assert fix_all.edit is None
    resolved = await client.code_action_resolve_async(fix_all)
    assert apply_edits(text, edits_of(resolved, uri)) == "寄付文化の醸成を図ります。\n"


@pytest.mark.asyncio
async def test_configuration_change_is_picked_up(client: LanguageClient, tmp_path: Path):
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "a.md", LINE)
    first = await diagnostics_for(client, uri, version=1)
    assert "misconversion/jousei" in codes(first)

    config = tmp_path / ".jalint.yaml"
    config.write_text("rules: {misconversion/jousei: off, misconversion/homophone: off}\n", encoding="utf-8")
    before = len(client.published)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=from_fs_path(str(config)), type=types.FileChangeType.Created)]))
    second = await diagnostics_for(client, uri, version=1, after=before)
    assert not codes(second) & {"misconversion/jousei", "misconversion/homophone"}

    # saving the configuration (an open buffer) reloads it as well
    config.write_text("rules: {misconversion/homophone: off}\n", encoding="utf-8")
    before = len(client.published)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=from_fs_path(str(config)))))
    third = await diagnostics_for(client, uri, version=1, after=before)
    assert "misconversion/jousei" in codes(third)


@pytest.mark.asyncio
async def test_malformed_configuration_does_not_crash(client: LanguageClient, tmp_path: Path):
    config = tmp_path / ".jalint.yaml"
    config.write_text("extends: [recommended]\nrules:\n  no/such-rule: off\n", encoding="utf-8")
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "a.md", LINE)
    published = await diagnostics_for(client, uri, version=1)
    assert "misconversion/jousei" in codes(published)  # served with the default rules
    at_config = await diagnostics_for(client, from_fs_path(str(config)))
    assert at_config.diagnostics[0].range.start.line == 2
    assert "no/such-rule" in at_config.diagnostics[0].message
    assert any(m.type == types.MessageType.Error and "no/such-rule" in m.message for m in client.messages)

    config.write_text("rules: [unclosed\n", encoding="utf-8")  # not even YAML
    before = len(client.published)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=from_fs_path(str(config)), type=types.FileChangeType.Changed)]))
    again = await diagnostics_for(client, uri, version=1, after=before)
    assert "misconversion/jousei" in codes(again)

    config.write_text("rules: {misconversion/jousei: off}\n", encoding="utf-8")  # fixed
    before = len(client.published)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=from_fs_path(str(config)), type=types.FileChangeType.Changed)]))
    cleared = await diagnostics_for(client, from_fs_path(str(config)), after=before)
    assert not cleared.diagnostics
    fine = await diagnostics_for(client, uri, version=1, after=before)
    assert "misconversion/jousei" not in codes(fine)


@pytest.mark.asyncio
async def test_other_languages_are_ignored(client: LanguageClient, tmp_path: Path):
    await start(client, tmp_path)
    py = open_doc(client, tmp_path / "a.py", "# 寄付文化の情勢を図ります。\n", language="python")
    change_doc(client, py, 2, "# 寄付文化の情勢を図る。\n")
    actions = await code_actions(client, py, types.Range(types.Position(0, 0), types.Position(0, 5)))
    assert not actions
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=py), position=types.Position(0, 8)))
    assert hover is None
    txt = open_doc(client, tmp_path / "b.txt", LINE, language="plaintext")
    published = await diagnostics_for(client, txt, version=1)
    assert "misconversion/jousei" in codes(published)
    assert all(p.uri != py for p in client.published)


@pytest.mark.asyncio
async def test_workspace_consistency_with_related_information(client: LanguageClient, tmp_path: Path):
    (tmp_path / ".jalint.yaml").write_text("extends: [recommended]\n", encoding="utf-8")
    other = tmp_path / "docs" / "other.md"
    other.parent.mkdir()
    other.write_text("# 他\n\n障害のある人を支えます。障害者の雇用を進めます。障害の理解を広げます。\n", encoding="utf-8")
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "a.md", "# 本\n\n障がいのある子どもを支えます。\n")
    published = await diagnostics_for(client, uri, version=1)
    d = next(d for d in published.diagnostics if d.code == "consistency/terms")
    assert d.range == types.Range(types.Position(2, 0), types.Position(2, 3))
    related = d.related_information
    assert related and related[0].location.uri == from_fs_path(str(other))
    assert related[0].location.range == types.Range(types.Position(2, 0), types.Position(2, 2))

    # the workspace changes its mind: other.md now writes 障がい, and a.md is fine
    other.write_text("# 他\n\n障がいのある人を支えます。障がい者の雇用を進めます。\n", encoding="utf-8")
    before = len(client.published)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=from_fs_path(str(other)), type=types.FileChangeType.Changed)]))
    again = await diagnostics_for(client, uri, version=1, after=before)
    assert "consistency/terms" not in codes(again)


@pytest.mark.asyncio
async def test_fast_typing_is_coalesced(client: LanguageClient, tmp_path: Path):
    await start(client, tmp_path, debounce=100)
    base = (CORPUS / "11_ステップ１教育.md").read_text(encoding="utf-8")[:6000] if CORPUS.is_dir() else LINE * 80
    uri = open_doc(client, tmp_path / "a.md", base)
    await diagnostics_for(client, uri, version=1)
    before = len(client.published)
    text = base
    for v in range(2, 32):  # 30 keystrokes, 10 ms apart
        text = text + "あ"
        change_doc(client, uri, v, text)
        await asyncio.sleep(0.01)
    last = await diagnostics_for(client, uri, version=31, after=before)
    assert last.version == 31
    mine = [p for p in client.published[before:] if p.uri == uri]
    assert len(mine) <= 5, [p.version for p in mine]  # 30 changes, a few runs
    versions = [p.version for p in mine]
    assert versions == sorted(versions)


@pytest.mark.asyncio
async def test_close_clears_diagnostics(client: LanguageClient, tmp_path: Path):
    await start(client, tmp_path)
    uri = open_doc(client, tmp_path / "a.md", LINE)
    assert (await diagnostics_for(client, uri, version=1)).diagnostics
    before = len(client.published)
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=uri)))
    closed = await diagnostics_for(client, uri, after=before)
    assert not closed.diagnostics


# -- helpers, in process -------------------------------------------------------------

def test_positions_in_every_encoding():
    text = "a😀𠮷\r\nbé情勢\rc"
    for enc, expect in ((UTF16, (1, 2)), (UTF8, (1, 3)), (UTF32, (1, 2))):
        pos = TextPositions(text, enc)
        off = text.index("情")
        assert pos.position(off) == expect
        assert pos.offset(*expect) == off
    pos = TextPositions(text, UTF16)
    assert pos.position(text.index("𠮷")) == (0, 3)
    assert pos.offset(0, 4) == text.index("𠮷")  # inside the surrogate pair: rounds down
    assert pos.offset(0, 99) == text.index("\r")
    assert pos.offset(2, 0) == text.index("c")
    assert pos.offset(9, 0) == len(text)
    assert pos.from_column(1, 4) == (0, 5)


def test_minimal_edit():
    assert minimal_edit("寄付文化の情勢を図る", "寄付文化の醸成を図る") == (5, 7, "醸成")
    assert minimal_edit("abc", "abc") == (3, 3, "")
    assert minimal_edit("a\r\nb", "a\nb") == (1, 3, "\n")


def test_token_cache_gives_the_engines_tokens():
    text = (CORPUS / "01_チームみらいのビジョン.md").read_text(encoding="utf-8") if CORPUS.is_dir() \
        else (ROOT / "examples" / "manifesto.md").read_text(encoding="utf-8")
    cache = TokenCache()
    build_document_cached(Source("a.md", text, "markdown"), "C", cache)
    lines = text.splitlines(keepends=True)
    for i in range(0, len(lines), max(1, len(lines) // 7)):
        edited = "".join(lines[:i] + ["寄付文化の情勢を図ります。\n"] + lines[i + 1:])
        cached = build_document_cached(Source("a.md", edited, "markdown"), "C", cache)
        fresh = build_document(Source("a.md", edited, "markdown"))
        assert [[(t.surface, t.pos, t.begin, t.end) for t in s.tokens] for s in cached.sentences] == \
               [[(t.surface, t.pos, t.begin, t.end) for t in s.tokens] for s in fresh.sentences]


def test_incremental_lint_gives_the_engines_findings(tmp_path: Path):
    """The server's cached re-lint (tokens and sentence-local hits reused) reports
    exactly what the engine reports for the same text and project."""
    from linter.engine import Options, Project, check_document, finish
    from linter.lsp_state import LintState

    files = sorted(CORPUS.glob("1*.md"))[:2] if CORPUS.is_dir() else [ROOT / "examples" / "manifesto.md"]
    text = "".join(f.read_text(encoding="utf-8") for f in files)
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "b.md").write_text("障害のある人。障害者の雇用。\n", encoding="utf-8")
    state = LintState([str(tmp_path)])
    state.lint("u", str(path), text, "markdown")
    lines = text.splitlines(keepends=True)
    edits = ["寄付文化の情勢を図ります。障がいのある方の社会保証を見直します。\n", "", "# ﾃﾞｰﾀを活用することができる\n"]
    for k, i in enumerate(range(3, len(lines), max(1, len(lines) // 4))):
        lines[i] = edits[k % len(edits)] + lines[i]
        edited = "".join(lines)
        result = state.lint("u", str(path), edited, "markdown")
        ctx = result.context
        project = Project(ctx.rules)
        for other in ctx.project.docs.values():
            project.add(other)
        doc = build_document(Source(str(path), edited, "markdown"))
        project.add(doc)
        expected = finish(doc, check_document(doc, ctx.rules, project), "markdown", Options())

        def key(f):
            return (f.rule, f.start, f.end, f.severity, f.message, tuple(f.suggestions), tuple(f.related))

        assert [key(f) for f in result.findings] == [key(f) for f in expected]
