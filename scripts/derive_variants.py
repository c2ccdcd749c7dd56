"""Derive spelling-variant groups (表記ゆれ) from Sudachi's synonym dictionary.

Usage::

    npm install --prefix /tmp/syn sudachi-synonyms-dictionary      # Apache-2.0
    pip install --target /tmp/jmd jamdict-data                      # JMdict, CC BY-SA 4.0
    python scripts/derive_variants.py \\
        --synonyms /tmp/syn/node_modules/sudachi-synonyms-dictionary/sudachi-synonyms-dictionary.json \\
        --jmdict /tmp/jmd/jamdict_data/jamdict.db \\
        --output dictionaries/variants-sudachi.yaml

The output is deterministic for the same inputs and the same Sudachi dictionary.
Neither input is vendored: the synonym words that pass the filters are written to
the output with an attribution header; JMdict only decides which words are common
and none of its text is copied.

How a group is derived
----------------------
SudachiDict's synonyms.txt (here in the npm package's JSON form) lists groups of
synonyms.  Inside a group, the entries with the same 語彙番号, 語形種別 and 略語・略称
flag are one lexeme; among those, 代表表記, 異表記・表記ゆれ and 間違い表記 are
spellings of one word (曖昧/あいまい, サーバー/サーバ), while different 語彙番号 are
synonyms (曖昧/不明確) and are never grouped.  A candidate is kept only when:

1. no entry is a deletion record (展開制御フラグ 2) and the group's 分野 is general or
   one useful for policy writing (no company, person or place names …);
2. every spelling is Japanese script only (no Latin, digits or spaces), at least two
   letters long, and Sudachi (core, mode C) reads it as exactly one known token of a
   content part of speech that is not a proper noun, all of the same part of speech;
3. it is the same word, not a synonym: all spellings have the same Sudachi reading,
   or are katakana spellings of one loanword (equal after folding ー, small kana and ヴ,
   and each pair passes the same test as automatic katakana grouping: no ビル/ビール);
   two spellings that both use kanji must share their kanji (取組/取り組み), so that
   異字同訓 pairs (暖かい/温かい) are left out, as are the pairs of
   dictionaries/not-variants.yaml;
4. the word is common: at least one spelling is marked common in JMdict (news1,
   ichi1, spec1, spec2 or gai1); and no kana spelling is also the reading of another
   JMdict word written with other kanji (はなす is 話す but also 離す, 放す; こたえる is
   答える but also 応える), because a kana spelling of such a word is not a variant;
5. no spelling is already in the hand-written dictionaries/variants.yaml or contains
   one of its words (that file wins), none is in another derived group, and none is
   in the short BLOCKLIST below (pairs found to be two words when the output was read).

Groups are written with ``lemma: true`` (whole tokens, compared by dictionary form,
so every inflection counts and a kana word never matches inside another word) and
``pos`` (the first part-of-speech field), and ``source: sudachi-synonyms:ID``.
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from linter.kinds.consistency import kata_fold, kata_variant_ok, not_variant_pairs  # noqa: E402
from linter.tokenizer import tokenize_text  # noqa: E402

SPELLINGS = {"代表表記", "異表記・表記ゆれ", "間違い表記"}
# 分野 (fields) whose words are names or too special for policy writing
SKIP_FIELDS = {"企業名", "人名", "地名", "大学名", "国名", "組織名", "旧企業名", "旧組織名", "店名", "店",
               "キャラ", "商品", "スポーツ", "料理", "ファッション", "音楽", "娯楽", "動植物", "美容",
               "化学", "不快"}
# Found by reading the output: spellings that are (also) another word.
BLOCKLIST = {
    "はやい",      # 速い and 早い
    "手当て",      # 手当 (an allowance: 児童手当) and 手当て (treatment) are told apart on purpose
    "リーダ",      # a card reader, not a leader
    "ウェスト",    # west, not waist
    "レヴュー",    # revue, not review
    "ウィーク",    # weak or week
    "ヴォルト",    # volt, not bolt
    "甘味", "酸味",  # also かんみ (sweets), さんみ
    "かえ",        # 替え, 代え, 換え
    "うかがう",    # 伺う, and 窺う (様子をうかがう)
    "つり",        # 釣り, 吊り
    "くわえる",    # 加える, 咥える
    "もうけ",      # 儲け, 設け
    "サギ",        # 詐欺, and the bird 鷺
}
CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞"}
COMMON = ("news1", "ichi1", "spec1", "spec2", "gai1")
JAPANESE = re.compile(r"^[\u3041-\u309F\u30A1-\u30FA\u30FC\u4E00-\u9FFF\u3400-\u4DBF々〆ヵヶ]+$")
KANJI = re.compile(r"[\u4E00-\u9FFF\u3400-\u4DBF々]")
KATAKANA = re.compile(r"^[\u30A1-\u30FA\u30FC]+$")

NOTICE = """\
# GENERATED FILE: do not edit by hand.  Regenerate with scripts/derive_variants.py
# (its docstring tells how, and how each group was chosen).
#
# NOTICE / attribution
#   The words of these groups come from the synonym dictionary of SudachiDict
#   (Works Applications Co., Ltd.), src/main/text/synonyms.txt, as packaged on the
#   npm registry as sudachi-synonyms-dictionary {version}.
#   Licensed under the Apache License, Version 2.0
#   (http://www.apache.org/licenses/LICENSE-2.0).  Changes: only spelling variants
#   of one lexeme were kept, filtered and regrouped by scripts/derive_variants.py.
#   Which words are common was decided with JMdict's priority marks (EDRDG,
#   CC BY-SA 4.0); no JMdict text is included.
#
# Groups: {count}.  Keys as in dictionaries/variants.yaml; `source` names the
# synonym group.
"""


def common_forms(db: Path) -> frozenset:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    marks = ",".join("?" * len(COMMON))
    rows = con.execute(
        f"SELECT k.text FROM Kanji k JOIN KJP p ON p.kid = k.ID WHERE p.text IN ({marks}) "
        f"UNION SELECT k.text FROM Kana k JOIN KNP p ON p.kid = k.ID WHERE p.text IN ({marks})",
        COMMON + COMMON,
    )
    out = frozenset(r[0] for r in rows)
    con.close()
    return out


def kana_homographs(db: Path, common: frozenset) -> dict:
    """For each kana spelling, the common kanji spellings of every JMdict entry it is
    a reading of (one set per entry): はなす → [{話す}, {離す}, {放す}, …]."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    entries: dict[int, set] = {}
    for idseq, text in con.execute("SELECT idseq, text FROM Kanji"):
        if text in common:
            entries.setdefault(idseq, set()).add(text)
    out: dict[str, list] = {}
    for idseq, text in con.execute("SELECT idseq, text FROM Kana ORDER BY idseq"):
        if idseq in entries:
            out.setdefault(text, []).append(entries[idseq])
    con.close()
    return out


def hiragana(word: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "\u30A1" <= c <= "\u30F6" else c for c in word)


def ambiguous_kana(forms: list[str], homographs: dict) -> bool:
    """Whether a kana spelling in the group is also the reading of a word written
    with other kanji (はなす: 話す, 離す, 放す; こたえる: 答える, 応える)."""
    kanji_forms = {f for f in forms if KANJI.search(f)}
    if not kanji_forms:
        return False
    for f in forms:
        if KANJI.search(f):
            continue
        for spellings in homographs.get(hiragana(f), []):
            if not (spellings & kanji_forms) or (spellings - kanji_forms):
                return True  # another word, or one entry with other kanji (早い/速い)
    return False


def hand_written() -> set:
    data = yaml.safe_load((ROOT / "dictionaries" / "variants.yaml").read_text(encoding="utf-8"))
    return {v for g in data["groups"] for v in g["variants"]}


def candidates(synonyms: list) -> list[tuple[str, list[str]]]:
    """(synonym group id, spellings of one lexeme) for every lexeme with two or more."""
    out = []
    for group in synonyms:
        lexemes: dict[tuple, list] = {}
        for item in group["items"]:
            if item["vocabularyNumber"] is None or item["hyoukiYure"] not in SPELLINGS:
                continue
            key = (item["vocabularyNumber"], item["gokeiSyubetsu"], item["ryakusyou"])
            lexemes.setdefault(key, []).append(item)
        for key in sorted(lexemes, key=lambda k: (k[0], k[1], k[2])):
            items = lexemes[key]
            if any(i["expandControl"] == 2 for i in items):
                continue
            if any(set(i["bunya"]) & SKIP_FIELDS for i in items):
                continue
            forms = list(dict.fromkeys(i["midashi"] for i in items))
            if len(forms) >= 2:
                out.append((group["id"], forms))
    return out


def token_info(word: str):
    """(part of speech, reading) when Sudachi reads ``word`` as one known content word."""
    tokens = tokenize_text(word)
    if len(tokens) != 1:
        return None
    t = tokens[0]
    if t.surface != word or t.dictionary != word:
        return None
    if t.pos[0] not in CONTENT_POS or "固有名詞" in t.pos:
        return None
    return t.pos[0], t.reading


def same_word(forms: list[str], infos: list, different: set) -> bool:
    if len({i[0] for i in infos}) != 1:
        return False
    for a in forms:
        for b in forms:
            if a < b and ((a, b) in different or (b, a) in different):
                return False
    if all(KATAKANA.match(f) for f in forms):
        # one loanword: the same key after folding, and no pair of the shapes that
        # are often two words (ビル/ビール, レザー/レーザー, スチル/スチール)
        return len({kata_fold(f) for f in forms}) == 1 and all(
            kata_variant_ok(a, b) for a in forms for b in forms if a != b)
    if len({i[1] for i in infos}) != 1:
        return False
    for a in forms:
        for b in forms:
            ka, kb = set(KANJI.findall(a)), set(KANJI.findall(b))
            if a < b and ka and kb and not (ka <= kb or kb <= ka):
                return False  # different kanji: 異字同訓, not a spelling variant
    return True


def derive(synonyms: list, common: frozenset, homographs: dict) -> list[dict]:
    different = not_variant_pairs()
    taken = hand_written()
    inside = re.compile("|".join(re.escape(w) for w in sorted(taken, key=len, reverse=True)))
    groups: list[dict] = []
    used: set[str] = set()
    for gid, forms in candidates(synonyms):
        if any(not JAPANESE.match(f) or len(f) < 2 for f in forms):
            continue
        infos = [token_info(f) for f in forms]
        if any(i is None for i in infos):
            continue
        if not same_word(forms, infos, different):
            continue
        if not any(f in common for f in forms):
            continue
        if ambiguous_kana(forms, homographs):
            continue
        if any(f in BLOCKLIST for f in forms):
            continue
        if any(f in taken or inside.search(f) for f in forms):
            continue  # the hand-written file has it, or a word inside it (ウェブ in ウェブページ)
        if any(f in used for f in forms):
            continue  # a word in two synonym groups: the first (lowest id) wins
        used.update(forms)
        groups.append({"variants": forms, "lemma": True, "pos": infos[0][0], "source": f"sudachi-synonyms:{gid}"})
    return groups


def dump(groups: list[dict], version: str) -> str:
    lines = [NOTICE.format(version=version, count=len(groups)), "groups:\n"]
    for g in groups:
        lines.append(f"  - {{variants: [{', '.join(g['variants'])}], lemma: true, pos: {g['pos']}, "
                     f"source: \"{g['source']}\"}}\n")
    return "".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synonyms", required=True, type=Path,
                    help="sudachi-synonyms-dictionary.json from the npm package")
    ap.add_argument("--jmdict", required=True, type=Path, help="jamdict.db from the jamdict-data package")
    ap.add_argument("--output", type=Path, default=ROOT / "dictionaries" / "variants-sudachi.yaml")
    args = ap.parse_args(argv)
    synonyms = json.loads(args.synonyms.read_text(encoding="utf-8"))
    package = args.synonyms.parent / "package.json"
    version = json.loads(package.read_text(encoding="utf-8"))["version"] if package.is_file() else "unknown"
    common = common_forms(args.jmdict)
    groups = derive(synonyms, common, kana_homographs(args.jmdict, common))
    args.output.write_text(dump(groups, version), encoding="utf-8")
    print(f"{len(groups)} groups written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
