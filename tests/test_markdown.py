"""Tests for linter.markdown.extract_markdown (real inputs, no mocks)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from linter.document import PLACEHOLDER, ProseBlock
from linter.markdown import extract_markdown

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def check_invariant(original: str, blocks: list[ProseBlock]) -> None:
    """Every block maps exactly back onto the original text."""
    last = -1
    for b in blocks:
        assert b.text and not b.text.isspace()
        assert b.text == b.text.strip()
        assert len(b.starts) == len(b.ends) == len(b.text)
        assert "\r" not in b.text
        for i, ch in enumerate(b.text):
            st, en = b.starts[i], b.ends[i]
            assert 0 <= st < en <= len(original)
            assert st > last, (b.text, i)
            assert en <= (b.starts[i + 1] if i + 1 < len(b.text) else len(original))
            last = st
            if ch == PLACEHOLDER:
                continue
            if original[st] == ch and en == st + 1:
                continue
            if ch == " " and original[st] in "\r\n":  # soft break between English words
                assert original[st:en] in ("\n", "\r\n", "\r")
                continue
            # a decoded entity stands for the whole entity
            assert original[st] == "&" and original[en - 1] == ";", (b.text, i, original[st:en])


def blocks_of(src: str) -> list[ProseBlock]:
    blocks = extract_markdown(src)
    check_invariant(src, blocks)
    return blocks


def texts(src: str) -> list[str]:
    return [b.text for b in blocks_of(src)]


def kinds(src: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in blocks_of(src)]


def covered(src: str, block: ProseBlock, i: int) -> str:
    return src[block.starts[i] : block.ends[i]]


# ------------------------------------------------------------------ code


def test_fenced_code_backticks_and_tildes():
    src = "前文です。\n\n```python\nprint('http://x')\n```\n\n~~~\nコード\n~~~\n\n後文です。\n"
    assert texts(src) == ["前文です。", "後文です。"]


def test_fenced_code_inside_list_and_quote():
    src = "* 項目です。\n\n  ```\n  コード\n  ```\n* 次の項目。\n\n> ~~~\n> 引用コード\n> ~~~\n"
    assert texts(src) == ["項目です。", "次の項目。"]


def test_indented_code_block_is_dropped():
    src = "段落です。\n\n    これはコードです\n    二行目\n\n次の段落。\n"
    assert texts(src) == ["段落です。", "次の段落。"]


def test_four_space_nested_list_items_are_prose():
    src = "* 親の項目\n    * 子の項目です\n    * 二つ目の子\n* 次の親\n"
    assert kinds(src) == [
        ("list_item", "親の項目"),
        ("list_item", "子の項目です"),
        ("list_item", "二つ目の子"),
        ("list_item", "次の親"),
    ]


def test_inline_code_becomes_one_placeholder():
    src = "データを`x = 1`で処理する。"
    (b,) = blocks_of(src)
    assert b.text == f"データを{PLACEHOLDER}で処理する。"
    i = b.text.index(PLACEHOLDER)
    assert covered(src, b, i) == "`x = 1`"


def test_double_backtick_code_and_unmatched_backtick():
    assert texts("a ``co`de`` b") == [f"a {PLACEHOLDER} b"]
    assert texts("引用符`だけ") == ["引用符`だけ"]


# ------------------------------------------------------------------ links and URLs


def test_inline_link_keeps_only_text():
    src = '詳しくは[テキスト](https://x.example/a "題名")を参照。'
    (b,) = blocks_of(src)
    assert b.text == "詳しくはテキストを参照。"
    assert covered(src, b, 4) == "テ"


def test_link_with_japanese_destination_and_angle_destination():
    assert texts("[教育](11_ステップ１教育.md)の章") == ["教育の章"]
    assert texts("[a](<my url>)b") == ["ab"]


def test_link_text_that_is_a_url():
    src = "参考：[https://www.example.jp/b\\_menu/x.htm](https://www.example.jp/b_menu/x.htm)です"
    assert texts(src) == [f"参考：{PLACEHOLDER}です"]


def test_image_alt_text():
    assert texts("図：![グラフの説明](img/graph.png)を見る。") == ["図：グラフの説明を見る。"]


def test_reference_links_and_definitions():
    src = (
        "[全文][ref]と[省略形][]と[ref]を読む。[未定義]は残る。\n\n"
        "[ref]: https://example.com/a\n"
        '[省略形]: https://example.com/b "title"\n'
    )
    assert texts(src) == ["全文と省略形とrefを読む。[未定義]は残る。"]


def test_autolinks():
    src = "連絡先は<https://example.com/x>または<foo@example.com>です。"
    assert texts(src) == [f"連絡先は{PLACEHOLDER}または{PLACEHOLDER}です。"]


def test_bare_url_followed_by_japanese():
    src = "詳細は https://example.jp/a参照。"
    (b,) = blocks_of(src)
    assert b.text == f"詳細は {PLACEHOLDER}参照。"
    i = b.text.index(PLACEHOLDER)
    assert covered(src, b, i) == "https://example.jp/a"
    assert covered(src, b, i + 1) == "参"


def test_bare_url_trailing_punctuation_and_parens():
    assert texts("See https://example.com/a. Next") == [f"See {PLACEHOLDER}. Next"]
    assert texts("（https://example.com/x）") == [f"（{PLACEHOLDER}）"]
    assert texts("(see https://example.com/x)") == [f"(see {PLACEHOLDER})"]
    assert texts("link: https://en.wikipedia.org/wiki/A_(b), ok") == [f"link: {PLACEHOLDER}, ok"]
    assert texts("www.example.com を見る") == [f"{PLACEHOLDER} を見る"]


# ------------------------------------------------------------------ tables


def test_table_cells_are_separate_blocks():
    src = (
        "| 項目 | 説明 |\n"
        "| :--- | ---: |\n"
        "| **教育** | `code`で[リンク](https://x)する |\n"
        "| 空 |  |\n"
    )
    blocks = blocks_of(src)
    assert [(b.kind, b.text) for b in blocks] == [
        ("table_cell", "項目"),
        ("table_cell", "説明"),
        ("table_cell", "教育"),
        ("table_cell", f"{PLACEHOLDER}でリンクする"),
        ("table_cell", "空"),
    ]
    assert not any("|" in b.text or "-" in b.text for b in blocks)


def test_table_escaped_pipe_and_br_and_no_outer_pipes():
    src = "a | b\n--|--\nx \\| y | 一<br>二\n"
    assert texts(src) == ["a", "b", "x | y", "一", "二"]


def test_table_inside_blockquote():
    src = "> | 見出し | 値 |\n> |---|---|\n> | 行 | 1 |\n"
    assert texts(src) == ["見出し", "値", "行", "1"]


# ------------------------------------------------------------------ lists and quotes


def test_nested_lists_three_levels():
    src = (
        "* 第一階層の項目\n"
        "  * 第二階層の項目\n"
        "    1. 第三階層の一\n"
        "    2. 第三階層の二\n"
        "* もう一つ\n"
        "\n"
        "1) 番号付き\n"
        "   - 入れ子\n"
    )
    assert kinds(src) == [
        ("list_item", "第一階層の項目"),
        ("list_item", "第二階層の項目"),
        ("list_item", "第三階層の一"),
        ("list_item", "第三階層の二"),
        ("list_item", "もう一つ"),
        ("list_item", "番号付き"),
        ("list_item", "入れ子"),
    ]


def test_list_item_continuation_and_second_paragraph():
    src = "* 一行目の\n  続きです。\n\n  二つ目の段落。\n* 次\n"
    assert kinds(src) == [
        ("list_item", "一行目の続きです。"),
        ("list_item", "二つ目の段落。"),
        ("list_item", "次"),
    ]


def test_blockquote_with_list_inside_and_lazy_line():
    src = "> 引用の段落で\n続く行。\n>\n> * 引用内の項目\n>   * 入れ子の項目\n"
    assert kinds(src) == [
        ("paragraph", "引用の段落で続く行。"),
        ("list_item", "引用内の項目"),
        ("list_item", "入れ子の項目"),
    ]


def test_list_item_heading():
    assert kinds("* # 見出し\n") == [("heading", "見出し")]


# ------------------------------------------------------------------ HTML


def test_html_block_is_dropped():
    src = '前。\n\n<p align="center">\n  <img src="https://example.com/x.png">\n</p>\n\n後。\n'
    assert texts(src) == ["前。", "後。"]


def test_inline_html_is_dropped():
    src = '文字を<span class="x">強調</span>する。'
    assert texts(src) == ["文字を強調する。"]


def test_html_comments_single_and_multiline():
    src = (
        "前文<!-- 一行の注釈 -->後文。\n\n"
        "<!--\n複数行の\n注釈 https://x.example\n-->\n\n"
        "段落の<!-- 段落内で\n改行する注釈 -->続き。\n"
    )
    assert texts(src) == ["前文後文。", "段落の続き。"]


def test_br_splits_block():
    assert kinds("一つ目。<br>二つ目。<br/>三つ目") == [
        ("paragraph", "一つ目。"),
        ("paragraph", "二つ目。"),
        ("paragraph", "三つ目"),
    ]


# ------------------------------------------------------------------ front matter and headings


def test_yaml_front_matter():
    src = "---\ntitle: 題名です\ntags: [a, b]\n---\n# 見出し\n\n本文。\n"
    assert kinds(src) == [("heading", "見出し"), ("paragraph", "本文。")]


def test_toml_front_matter():
    src = "+++\ntitle = \"題名\"\n+++\n本文。\n"
    assert texts(src) == ["本文。"]


def test_hr_at_start_without_close_is_not_front_matter():
    assert texts("---\n本文。\n") == ["本文。"]


def test_setext_headings():
    src = "大見出し\n====\n\n中見出しの\n続き\n---\n\n本文。\n"
    assert kinds(src) == [
        ("heading", "大見出し"),
        ("heading", "中見出しの続き"),
        ("paragraph", "本文。"),
    ]


def test_atx_heading_with_closing_hashes():
    src = "## ４）見出し ##\n###### 六 #####   \n#\n"
    blocks = blocks_of(src)
    assert [(b.kind, b.text) for b in blocks] == [("heading", "４）見出し"), ("heading", "六")]
    assert blocks[0].starts[0] == 3


# ------------------------------------------------------------------ inline markup


def test_emphasis_markers_dropped():
    assert texts("これは**重要**で、*斜体*と~~取消~~と __太字__。_下線_ です") == [
        "これは重要で、斜体と取消と 太字。下線 です"
    ]
    assert texts("**「強調」**です") == ["「強調」です"]


def test_literal_asterisks_and_underscores_kept():
    assert texts("2 * 3 = 6") == ["2 * 3 = 6"]
    assert texts("snake_case_name") == ["snake_case_name"]
    assert texts("※注記") == ["※注記"]


def test_backslash_escapes():
    src = "\\*星\\*と\\_下線\\_と\\\\"
    (b,) = blocks_of(src)
    assert b.text == "*星*と_下線_と\\"
    assert covered(src, b, 0) == "*"
    assert b.starts[0] == 1


def test_entities_map_to_whole_span():
    src = "A&amp;B &#12354; &copy; &bogus;"
    (b,) = blocks_of(src)
    assert b.text == "A&B あ © &bogus;"
    assert covered(src, b, 1) == "&amp;"
    assert covered(src, b, 4) == "&#12354;"


def test_hard_breaks_dropped():
    src = "一行目  \n二行目\\\n三行目"
    assert texts(src) == ["一行目二行目三行目"]


# ------------------------------------------------------------------ line endings and offsets


def test_crlf_positions_exact():
    src = "# 見出し\r\n\r\n本文の\r\n続きです。\r\n\r\n* 項目\r\n"
    blocks = blocks_of(src)
    assert [b.text for b in blocks] == ["見出し", "本文の続きです。", "項目"]
    para = blocks[1]
    i = para.text.index("続")
    assert para.starts[i] == src.index("続")


def test_mixed_lf_and_crlf():
    src = "first\r\nsecond\nthird\r\n\r\n段落\n二\r\n"
    blocks = blocks_of(src)
    assert [b.text for b in blocks] == ["first second third", "段落二"]
    b = blocks[0]
    assert (b.starts[5], b.ends[5]) == (5, 7)  # the space stands for "\r\n"
    assert (b.starts[12], b.ends[12]) == (13, 14)  # the space stands for "\n"


def test_astral_chars_before_target_word():
    src = "𠮷野家と😀絵文字の後の目標語。\n\n* 🎉 目標語"
    blocks = blocks_of(src)
    for b in blocks:
        i = b.text.index("目標語")
        assert src[b.starts[i] : b.starts[i] + 3] == "目標語"
    assert blocks[0].starts[blocks[0].text.index("目標語")] == src.index("目標語")


def test_soft_break_joins_japanese_lines():
    src = "寄付文化の\n情勢について"
    (b,) = blocks_of(src)
    assert b.text == "寄付文化の情勢について"
    assert b.starts[5] == src.index("情")


def test_soft_break_between_english_words_is_space():
    src = "Team\nMirai policy\n   continued"
    (b,) = blocks_of(src)
    assert b.text == "Team Mirai policy continued"
    assert (b.starts[4], b.ends[4]) == (4, 5)


def test_trailing_spaces_never_in_text():
    for b in blocks_of("文です。   \n次の文。  \n\n* 項目   \n"):
        assert not b.text.endswith(" ")


def test_large_single_line_paragraph_is_fast():
    sentence = "これは長い段落の一文で、`code`と**強調**と[リンク](https://x)を含みます。"
    src = sentence * (300_000 // len(sentence) + 1)
    assert len(src) >= 300_000
    t0 = time.perf_counter()
    blocks = extract_markdown(src)
    elapsed = time.perf_counter() - t0
    assert elapsed < 1.0
    assert len(blocks) == 1
    check_invariant(src, blocks)


def test_empty_and_whitespace_documents():
    assert extract_markdown("") == []
    assert extract_markdown("  \n\n\t\n") == []


# ------------------------------------------------------------------ corpus


def _policy_files() -> list[Path]:
    return sorted((CORPUS / "policy").glob("*.md"))


@pytest.mark.skipif(not (CORPUS / "policy").is_dir(), reason="corpus not available")
def test_policy_corpus_invariant_and_no_markup():
    files = _policy_files()
    assert files
    for path in files:
        src = path.read_text(encoding="utf-8-sig")
        blocks = blocks_of(src)
        assert blocks, path.name
        for b in blocks:
            assert "http" not in b.text, (path.name, b.text)
            assert "```" not in b.text, (path.name, b.text)
            assert "](" not in b.text, (path.name, b.text)
            assert "<br>" not in b.text and "<img" not in b.text, (path.name, b.text)
            assert "**" not in b.text, (path.name, b.text)


@pytest.mark.skipif(not (CORPUS / "policy").is_dir(), reason="corpus not available")
@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        (
            "15_ステップ１科学技術.md",
            "list_item",
            "職責と実力にみあった処遇を行える制度を全国に政府主導で導入し、キャリアパスを確立し、"
            "職としての魅了を高めます。",
        ),
        ("15_ステップ１科学技術.md", "heading", "５．科学技術"),
        ("02_政策インデックス.md", "table_cell", "教育"),
        ("02_政策インデックス.md", "table_cell", "1) 子ども一人ひとりに専属のAIアシスタントを届けます"),
    ],
)
def test_policy_corpus_known_blocks(name, kind, expected):
    src = (CORPUS / "policy" / name).read_text(encoding="utf-8-sig")
    assert (kind, expected) in [(b.kind, b.text) for b in extract_markdown(src)]
