"""The shortcuts of Markdown extraction and sentence splitting give exactly what the
general code gives, on tricky inputs and on every document at hand:

* markdown-it runs with the block rules a document cannot use left out, and without
  its core chain (``_block_tokens``); the reference is ``MarkdownIt.parse`` with every
  rule;
* blocks without inline markup are joined directly (``_join_plain_lines``); the
  reference is the inline scanner;
* character maps are cut from a shared array (``_ascending``); the reference is a
  range;
* ``split_block`` jumps from mark to mark; the reference is the character-by-character
  loop it replaced (kept below).
"""
from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from linter import markdown
from linter.document import ProseBlock
from linter.markdown import extract_markdown
from linter.sentences import CLOSE_QUOTES, CLOSERS, OPEN_QUOTES, TERMINATORS, split_block

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

DEEP_LIST = "".join("  " * k + "* 項目\n" for k in range(70))

CASES = {
    "japanese soft break": "寄付文化の\n情勢について\n",
    "english soft breaks": "Team\nMirai policy\n   continued\nword\n日本語\nword2 .\n(b)\n",
    "trailing spaces and hard breaks": "文です。   \n次の文。  \n\n* 項目   \n一行目\\\n二行目\n",
    "ideographic spaces": (
        "\u3000全角空白で始まる\n\u3000\n次の行\u3000\nA\n\u3000\nB\n\u3000C\n\n\u3000\u3000\n\n"
        "\u3000一行だけ\u3000\n\n# \u3000見出し\u3000\n\n* \u3000項目\n"
    ),
    "unicode line oddities": "一行目\x85二\u2028三\x0c四\x0b五\n\ufeff本文\n",
    "tabs": "* 項目\n\t続きの行\n段落\n\t\t続き\n\n>\t引用\n\n\tコード\n",
    "nested lists": "* 一\n    * 二\n        * 三の項目\n1. 番号\n   1. 入れ子\n1) 括弧\n2) 次\n段落\n2. 途中\n",
    "list items": "- 項目\n\n  二段落目\n-\n  空の始まり\n* 項目\n続き\n* # 見出し\n",
    "tables": (
        "| 項目 | 説明 |\n| :--- | ---: |\n| 教育 | 説明文 |\n| a \\| b | 🎉 |\n| 空 |  |\n\n"
        "a | b\n--|--\nx \\| y | 一<br>二\n\n> | 見出し | 値 |\n> |---|---|\n> | 行 | 1 |\n\n"
        "| a | b\\\n|---|---|\n"
    ),
    "blockquotes": "> 引用の段落で\n続く行。\n>\n> * 引用内の項目\n>   * 入れ子の項目\n>> 二重\n",
    "yaml front matter": "---\ntitle: 題名\n---\n# 見出し\n\n本文。\n",
    "toml front matter": "+++\na = 1\n+++\n本文。\n",
    "unclosed front matter": "---\n本文。\n",
    "code": "```\nコード\n```\n\n~~~\nx\n~~~\n\n    字下げコード\n\n本文。\n\n* 項目\n\n  ```\n  コード\n  ```\n",
    "setext and thematic breaks": (
        "大見出し\n====\n\n中見出しの\n続き\n---\n\n段落\n- - -\n\n* * *\n___\n\na\n---\nb\n\n> 引用\n> ---\n"
    ),
    # each optional rule's precondition at its narrowest
    "spaced thematic break": "段落\n* * *\n次\n",
    "underscore thematic break": "段落\n___\n次\n",
    "table without spaces": "a|b\n-|-\nc|d\n",
    "tilde fence": "~~~\nコード\n~~~\n本文\n",
    "bare heading marks": "#\n\n本文\n##\t見出し\n",
    "setext underline": "見出し\n=\n",
    "quote without space": ">引用\n",
    "html comment block": "<!--\n注釈\n-->\n本文\n",
    "reference only": "[x]:/u\n",
    "atx headings": "## ４）見出し ##\n#\n###### 六 #####   \n# 見出し\\#\n#見出しでない\n",
    "html": '<div>\n本文\n</div>\n\n前<!-- 注釈 -->後\n\n<p align="center">\n  <img src="x.png">\n</p>\n\n後。\n',
    "references": "[a]: https://x.example\n\n[a]と[b]と[全文][a]\n\n[c]:\n  /url\n\n[c]\n",
    "astral": "𠮷野家と😀絵文字の後の目標語。\n\n* 🎉 目標語\n",
    "nul": "本文\0です\n\n* 項目\0\n\0\n",
    "inline markup": (
        "これは**重要**で[リンク](https://x)と https://example.jp/a。\n次の行\n\n"
        "約1~2年と`code`と&amp;と\\*星\\*と<span>字</span>と<br>改行\n"
    ),
    "deep nesting": ">" * 70 + " 深い\n\n" + DEEP_LIST,
    "empty": "",
    "blank": "\n \n\t\n",
}

NEWLINES = ["\n", "\r\n", "\r"]


def snapshot(blocks: list[ProseBlock]) -> list[tuple]:
    return [(b.kind, b.text, list(b.starts), list(b.ends)) for b in blocks]


def _full_chain_tokens(md_src: str, env: dict) -> list:
    return markdown._parser(()).parse(md_src, env)


def _always_markup(s: str) -> bool:
    return True


SHORTCUTS_OFF = {
    "rule chains": [("_block_tokens", _full_chain_tokens)],
    "plain lines": [("_may_hold_markup", _always_markup)],
    "both": [("_block_tokens", _full_chain_tokens), ("_may_hold_markup", _always_markup)],
}


def general(src: str, off: str) -> list[tuple]:
    with pytest.MonkeyPatch.context() as mp:
        for name, replacement in SHORTCUTS_OFF[off]:
            mp.setattr(markdown, name, replacement)
        return snapshot(extract_markdown(src))


def token_view(tokens) -> list[tuple]:
    return [(t.type, t.map, t.content, t.markup, t.info, t.level, t.hidden, t.attrs) for t in tokens]


def documents() -> list[Path]:
    found = sorted(CORPUS.glob("**/*.md")) + sorted((ROOT / "examples").glob("**/*.md"))
    return found + sorted((ROOT / "docs").glob("**/*.md")) + [ROOT / "README.md"]


@pytest.mark.parametrize("off", list(SHORTCUTS_OFF))
@pytest.mark.parametrize("newline", NEWLINES)
@pytest.mark.parametrize("name", list(CASES))
def test_shortcuts_give_what_the_general_path_gives(name, newline, off):
    src = CASES[name].replace("\n", newline)
    assert snapshot(extract_markdown(src)) == general(src, off)


@pytest.mark.parametrize("name", list(CASES))
def test_left_out_rules_change_no_token(name):
    src = CASES[name]
    env_short: dict = {}
    env_full: dict = {}
    short = markdown._block_tokens(src, env_short)
    full = markdown._parser(()).parse(src, env_full)
    assert token_view(short) == token_view(full)
    assert env_short == env_full


def test_rules_left_out_follow_the_document_and_code_always_stays():
    """``code`` must stay: without it markdown-it stops treating indented lines as code
    in every other rule.  The cases above use every optional rule."""
    names = [name for name, _ in markdown._OPTIONAL_RULES]
    assert "code" not in names and "paragraph" not in names and "list" not in names
    plain = markdown._parser_for("本文です。\n* 項目\n").block.ruler.get_active_rules()
    assert set(plain) == {"code", "list", "paragraph"}
    every = markdown._parser_for("".join(CASES.values()))
    assert set(every.block.ruler.get_active_rules()) == set(markdown._parser(()).block.ruler.get_active_rules())


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_shortcuts_on_every_document(newline):
    paths = documents()
    assert len(paths) > 10
    for path in paths:
        text = path.read_text(encoding="utf-8-sig")  # newlines read as "\n", as markdown-it gets them
        src = text.replace("\n", newline)
        assert snapshot(extract_markdown(src)) == general(src, "both"), path
        assert token_view(markdown._block_tokens(text, {})) == token_view(_full_chain_tokens(text, {})), path


def test_ascending_equals_a_range():
    limit = markdown._ASCENDING_LIMIT
    for a, b in [(0, 0), (0, 1), (5, 9), (4090, 4100), (limit - 3, limit), (limit - 3, limit + 3), (limit + 1, limit + 9)]:
        assert markdown._ascending(a, b) == array("q", range(a, b))


def test_maps_past_the_shared_array_are_ranges(monkeypatch):
    expected = {name: snapshot(extract_markdown(src)) for name, src in CASES.items()}
    monkeypatch.setattr(markdown, "_ASCENDING_LIMIT", 7)
    monkeypatch.setattr(markdown, "_ascending_ints", array("q"))
    assert {name: snapshot(extract_markdown(src)) for name, src in CASES.items()} == expected


# ------------------------------------------------------------------ sentences


def split_block_per_char(block: ProseBlock, first_index: int = 0) -> list[tuple]:
    """The character-by-character loop that split_block replaced (the reference)."""
    text = block.text
    n = len(text)
    out: list[tuple] = []
    start = depth = i = 0

    def emit(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((text[a:b], a, first_index + len(out)))

    last_close = {c: text.rfind(c) for c in CLOSE_QUOTES}
    while i < n:
        c = text[i]
        if c in OPEN_QUOTES:
            if last_close[OPEN_QUOTES[c]] > i:
                depth += 1
        elif c in CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif c in TERMINATORS and depth == 0:
            if c in "!?" and i + 1 < n and not (text[i + 1].isspace() or text[i + 1] in CLOSERS or ord(text[i + 1]) > 0x2E7F):
                i += 1
                continue
            j = i + 1
            while j < n and (text[j] in TERMINATORS or text[j] in CLOSERS):
                j += 1
            emit(start, j)
            start = j
            i = j
            continue
        i += 1
    emit(start, n)
    return out


SENTENCE_CASES = [
    "これは一文目です。二文目！（三文目？）四文目｡ 最後",
    "彼は「賛成です。」と述べた。次の文。",
    "「開いたまま。次の文。",
    "」閉じから。「a」。",
    "『入れ子「内側。」外側。』終わり。",
    "「a」」。b「c。",
    "『「』」。交差。「『」』。",
    'Wow!Really? Yes! (ok?) "quoted." \'single!\' end',
    "a!b?c!」d?）e! f?\u3000g?😀h?\ni!]",
    "。。。！？」』）",
    "   。  ",
    "!",
    "?",
    "",
    "　全角空白。　次。　",
    "「。」「。",
    "終わり。」」」続き",
]


def _block(text: str) -> ProseBlock:
    return ProseBlock("paragraph", text, list(range(len(text))), list(range(1, len(text) + 1)))


@pytest.mark.parametrize("text", SENTENCE_CASES)
@pytest.mark.parametrize("first_index", [0, 7])
def test_split_block_equals_the_per_char_loop(text, first_index):
    block = _block(text)
    got = [(s.text, s.offset, s.index) for s in split_block(block, first_index)]
    assert got == split_block_per_char(block, first_index)
    assert all(s.block is block for s in split_block(block, first_index))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not available")
def test_split_block_on_every_block_of_every_document():
    for path in documents():
        for block in extract_markdown(path.read_text(encoding="utf-8-sig")):
            got = [(s.text, s.offset, s.index) for s in split_block(block, 3)]
            assert got == split_block_per_char(block, 3), (path, block.text)
