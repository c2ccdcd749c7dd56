"""How long the language server takes from a one-line ``didChange`` to its
``publishDiagnostics``, against the time the core engine takes to re-lint the same
text in this process.

    python bench/lsp_latency.py [--edits 50] [--size 20480] [--pause 0.25]

A ~20 KB manifesto-style Markdown file is built from the corpus
(``../shared/corpus/policy`` beside the checkout) or, without it, from
``examples/manifesto.md`` repeated.  It is put alone in a temporary workspace; the
real ``python -m linter lsp`` process is started over stdio, the file is opened,
and each of ``--edits`` edits replaces one prose line (an incremental change),
waits for the diagnostics of that version, then pauses like a person would (longer
than the server's debounce window, so each edit is linted at once).

The core figure is ``engine.lint_source`` on the same edited texts with the same
configuration and a ``Project`` holding the file, as the server has, timed in this
process right after the server has answered each edit (so both see the same
machine load): what a re-lint costs without the server (no token cache, no
JSON-RPC).
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402
from pygls.uris import from_fs_path  # noqa: E402

from linter import config as config_mod  # noqa: E402
from linter import tokenizer  # noqa: E402
from linter.engine import Options, Project, build_document, lint_source  # noqa: E402
from linter.ruleset import assemble  # noqa: E402
from linter.source import Source  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "policy"


def build_text(size: int) -> str:
    if CORPUS.is_dir():
        parts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("[0-9]*.md"))]
    else:
        parts = [(ROOT / "examples" / "manifesto.md").read_text(encoding="utf-8").split("---\n", 2)[-1]] * 40
    out, total = [], 0
    for part in parts:
        for line in part.splitlines(keepends=True):
            n = len(line.encode("utf-8"))
            if total + n > size:
                if size - total < 256:
                    return "".join(out)
                continue  # a long line that does not fit: take a shorter one
            out.append(line)
            total += n
    return "".join(out)


def prose_lines(text: str) -> list[int]:
    lines = text.splitlines()
    return [i for i, line in enumerate(lines)
            if len(line) > 20 and not line.lstrip().startswith(("#", "|", "```", "<", "!", "---"))]


def edited_line(line: str, k: int) -> str:
    """A plausible one-line edit: a sentence added, or a word changed."""
    if k % 2:
        return line + "寄付文化の情勢を図ります。"
    return line.replace("ます", "る", 1) if "ます" in line else line + "。"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q * (len(values) - 1))))
    return values[k]


async def measure(path: Path, text: str, edits: list[tuple[int, str, str]], texts: list[str],
                  pause: float) -> tuple[list[float], list[float], list[float]]:
    """Server latencies and core times, interleaved edit by edit so both see the
    same machine load."""
    core_lint = core_linter(path, texts)
    client = LanguageClient("jalint-bench", "1")
    arrived: dict[int, float] = {}
    waiter: dict[str, asyncio.Future] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _diagnostics(ls, params: types.PublishDiagnosticsParams):
        arrived[params.version] = time.perf_counter()
        fut = waiter.get("next")
        if fut is not None and not fut.done() and params.version == waiter.get("version"):
            fut.set_result(len(params.diagnostics))

    await client.start_io(sys.executable, "-m", "linter", "lsp")
    uri = from_fs_path(str(path))
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(), root_uri=from_fs_path(str(path.parent)),
        workspace_folders=[types.WorkspaceFolder(uri=from_fs_path(str(path.parent)), name="bench")]))
    client.initialized(types.InitializedParams())

    loop = asyncio.get_running_loop()

    async def wait_version(version: int) -> int:
        fut = loop.create_future()
        waiter["next"], waiter["version"] = fut, version
        if version in arrived:
            return -1
        return await asyncio.wait_for(fut, 30)

    opened = loop.create_future()
    waiter["next"], waiter["version"] = opened, 1
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    await asyncio.wait_for(opened, 60)
    await asyncio.sleep(pause)

    latencies, core = [], []
    lines = text.splitlines()
    for version, (i, old, new) in enumerate(edits, start=2):
        rng = types.Range(types.Position(i, 0), types.Position(i, len(old.encode("utf-16-le")) // 2))
        fut = loop.create_future()
        waiter["next"], waiter["version"] = fut, version
        t0 = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new)]))
        await asyncio.wait_for(fut, 30)
        latencies.append(arrived[version] - t0)
        lines[i] = new
        core.append(core_lint(texts[version - 1]))  # the server is idle now
        await asyncio.sleep(pause)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    back_to_back = [core_lint(t) for t in texts[1:]]
    return latencies, core, back_to_back


def core_linter(path: Path, texts: list[str]):
    """A function timing one core re-lint of a text, set up and warmed."""
    cfg = config_mod.discover([str(path)])
    tokenizer.use_user_dictionary(cfg.user_dictionary)
    rules = assemble(cfg)
    options = Options(split_mode=cfg.split_mode)
    project = Project(rules)
    project.add(build_document(Source(str(path), texts[0], "markdown"), options.split_mode))
    for t in texts[:5]:  # warm up: the dictionary, caches
        lint_source(Source(str(path), t, "markdown"), rules, options, project)
    lint_source(Source(str(path), texts[0], "markdown"), rules, options, project)

    def one(t: str) -> float:
        t0 = time.perf_counter()
        lint_source(Source(str(path), t, "markdown"), rules, options, project)
        return time.perf_counter() - t0

    return one


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--edits", type=int, default=50)
    ap.add_argument("--size", type=int, default=20 * 1024, help="bytes of UTF-8 (default 20 KB)")
    ap.add_argument("--pause", type=float, default=0.25, help="seconds between edits (longer than the debounce)")
    args = ap.parse_args()

    text = build_text(args.size)
    candidates = prose_lines(text)
    edits, texts = [], [text]
    lines = text.splitlines(keepends=True)
    for k in range(args.edits):
        i = candidates[(k * 7) % len(candidates)]
        old = lines[i].rstrip("\r\n")
        new = edited_line(old, k)
        edits.append((i, old, new))
        lines[i] = new + lines[i][len(old):]
        texts.append("".join(lines))

    with tempfile.TemporaryDirectory(prefix="jalint-bench-") as tmp:
        path = Path(tmp) / "manifesto.md"
        path.write_text(text, encoding="utf-8")
        server, core, back_to_back = asyncio.run(measure(path, text, edits, texts, args.pause))

    def ms(x: float) -> str:
        return f"{x * 1000:7.1f} ms"

    print(f"document: {len(text.encode('utf-8'))} bytes, {len(text)} characters, {len(text.splitlines())} lines; "
          f"{args.edits} one-line edits, {args.pause:.2f} s apart")
    print(f"{'':34}{'median':>10} {'p95':>10}")
    s_med, s_95 = statistics.median(server), pct(server, 0.95)
    c_med, c_95 = statistics.median(core), pct(core, 0.95)
    print(f"{'server didChange→publishDiagnostics':34}{ms(s_med)} {ms(s_95)}")
    print(f"{'core re-lint (engine.lint_source)':34}{ms(c_med)} {ms(c_95)}")
    print(f"{'core, back to back (no pauses)':34}{ms(statistics.median(back_to_back))} {ms(pct(back_to_back, 0.95))}")
    print(f"ratio server/core: median {s_med / c_med:.2f}, p95 {s_95 / c_95:.2f} "
          f"(the server adds {(s_med / c_med - 1) * 100:+.0f}% at the median)")


if __name__ == "__main__":
    main()
