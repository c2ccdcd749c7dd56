"""A huge document is analysed a window of sentences at a time (analysis.WINDOW_CHARS)
so that only one window's tokens are alive at once.  The result must be exactly the
whole document's: here the window (and the tokenizer's batch, where windows are cut)
is made tiny, so that ordinary documents are cut into many windows, and every rule
(the conftest's ``rules`` are all bundled rules) is compared with the run that does
not cut."""
from __future__ import annotations

from pathlib import Path

import pytest

from linter import analysis, tokenizer
from linter.analysis import analyse
from linter.engine import Options, extract_document
from linter.rules import bundled_rules
from linter.run import Request, execute
from linter.source import Source

ROOT = Path(__file__).resolve().parents[1]
SMALL = 100  # characters: a window of a few sentences
NEVER = 10**12


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    """Batches of a sentence or two (in both runs compared), so that even a short
    document is cut into several windows."""
    monkeypatch.setattr(tokenizer, "BATCH_BYTES", 200)


def _example_texts() -> list[str]:
    return [ex.text for r in bundled_rules() for ex in (*r.bad, *r.good)]


def _corpus_like() -> str:
    """Prose with what crosses sentences: both styles, conjunctions opening
    consecutive sentences, brackets closing in a later sentence, spelling variants,
    paragraphs without 。 and a sentence longer than the tokenizer's pieces."""
    parts = [
        "# 障害者の支援について",
        "本書は方針を示します。しかし、課題もある。しかし、前に進む。サーバの設定を行います。",
        "「この文は閉じない。次の文で閉じる」と書いた。（括弧も同じ。）障がい者の支援である。",
        "- サーバーを再起動する\n- サーバを止めます\n- 見れる人は来れる。",
        "段落の終わりに句点がない",
        "ユーザーとユーザが混在していますが、利用者の皆様には影響はありません。だから、問題ない。だから、続けます。",
        "長い文、" * 4000 + "ここで終わる。",
        "| 表 | 値 |\n|---|---|\n| サーバ | 一つ |",
        "最後の段落です。ここでは、行なう、行う、おこなうを混ぜる。",
    ]
    return "\n\n".join(parts * 3) + "\n"


def _across_windows() -> str:
    """One long paragraph whose sentences all open with the same conjunction, with
    brackets closing many sentences later and a last sentence without 。: what the
    document-wide checks find only when they see the sentences of other windows."""
    body = "".join(f"しかし、これは{i}番目の文です。" for i in range(40))
    note = "（注記。" + "補足の文です。" * 30 + "）ここまで。「閉じない。" + "次の文です。" * 30
    return body + note + "これで終わり\n"


DOCUMENTS = [
    ("manifesto.md", (ROOT / "examples" / "manifesto.md").read_text(encoding="utf-8"), "markdown"),
    ("manifesto.txt", (ROOT / "examples" / "manifesto.md").read_text(encoding="utf-8"), "text"),
    ("examples.md", "\n\n".join(_example_texts()) + "\n", "markdown"),
    ("examples-one-line.txt", "".join(t.replace("\n", "") for t in _example_texts()) + "\n", "text"),
    ("corpus.md", _corpus_like(), "markdown"),
    ("corpus.txt", _corpus_like(), "text"),
    ("across.txt", _across_windows(), "text"),
    ("across.md", _across_windows(), "markdown"),
]


def _uses(uses: dict) -> dict:
    return {k: (u.keys, u.variants, list(u.ends), list(u.spans), u.odd) for k, u in uses.items()}


@pytest.mark.parametrize("name,text,syntax", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
@pytest.mark.parametrize("lint", [True, False], ids=["lint", "count"])
def test_windows_give_the_whole_documents_result(monkeypatch, rules, name, text, syntax, lint):
    source = Source(name, text, syntax)
    assert len(analysis._windows(extract_document(source).sentences, SMALL)) > 2
    monkeypatch.setattr(analysis, "WINDOW_CHARS", NEVER)
    whole = analyse(source, rules, Options(), lint)
    monkeypatch.setattr(analysis, "WINDOW_CHARS", SMALL)
    cut = analyse(source, rules, Options(), lint)
    assert cut.findings == whole.findings
    assert _uses(cut.uses) == _uses(whole.uses)
    assert whole.findings or not lint


def test_a_window_s_tokens_are_dropped(rules):
    doc = extract_document(Source("corpus.md", _corpus_like(), "markdown"))
    analysis._analyse_windows(doc, analysis._windows(doc.sentences, SMALL), rules, "C", lint=True)
    assert all(s.tokens == [] for s in doc.sentences)


def test_windows_end_between_tokenizer_batches():
    from linter.tokenizer import batches

    sentences = extract_document(Source("corpus.md", _corpus_like(), "markdown")).sentences
    ends = {id(b[-1]) for b in batches(sentences)}
    windows = analysis._windows(sentences, SMALL)
    assert [s for w in windows for s in w] == sentences
    assert all(id(w[-1]) in ends for w in windows)


def test_a_project_run_is_the_same_cut_into_windows(monkeypatch, tmp_path):
    for name, text, _ in DOCUMENTS:
        (tmp_path / name).write_text(text, encoding="utf-8")

    def run():
        outcome = execute(Request(paths=[str(tmp_path)], preset="all", jobs=1))
        return outcome.result.findings

    monkeypatch.setattr(analysis, "WINDOW_CHARS", NEVER)
    whole = run()
    monkeypatch.setattr(analysis, "WINDOW_CHARS", SMALL)
    cut = run()
    assert cut == whole
    found = {f.rule for f in whole}
    wide = {"grammar/doubled-conjunction", "style/mixed-style", "style/unmatched-pair", "style/mixed-period"}
    assert wide <= found  # the checks that look across windows
    assert {"consistency/terms", "consistency/normalized", "consistency/katakana"} <= found
