"""The consistency kind: dictionary validation (file:line), several dictionary files,
lemma groups, automatic katakana grouping and the generated Sudachi-derived file.
Real tokenizer, real rule and dictionary files, files on disk; no mocks."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from linter.engine import Options, lint_source
from linter.errors import JalintError
from linter.kinds.consistency import Consistency, dictionary_groups, kata_fold, kata_variant_ok
from linter.rules import load_rule_file, package_data_dir
from linter.source import Source

ROOT = Path(__file__).resolve().parents[1]
DICTS = ROOT / "dictionaries"


@pytest.fixture(scope="module")
def crules(tokenizer):
    return {r.id: r for r in load_rule_file(ROOT / "rules" / "consistency.yaml")}


def run(crules, text, rule_id):
    return [f for f in lint_source(Source("doc.md", text, "markdown"), [crules[rule_id]], Options())]


def write(tmp_path: Path, body: str) -> str:
    p = tmp_path / "dict.yaml"
    p.write_text(body, encoding="utf-8")
    return str(p)


# -- validation -------------------------------------------------------------------------
def test_duplicate_member_is_an_error_with_file_and_line(tmp_path):
    path = write(tmp_path, "groups:\n  - variants: [サーバー, サーバ]\n  - variants: [障害, 障がい, 障害]\n")
    with pytest.raises(JalintError, match=rf"^{path}:3: duplicate member '障害'"):
        Consistency({"dictionary": path})


def test_member_in_two_groups_is_an_error_naming_both_lines(tmp_path):
    path = write(tmp_path, "groups:\n  - variants: [子ども, 子供]\n  - {variants: [こども, 子供]}\n")
    with pytest.raises(JalintError) as exc:
        Consistency({"dictionary": path})
    assert str(exc.value).startswith(f"{path}:3: '子供' is also a member of the group at {path}:2")


def test_member_in_two_files_is_an_error(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("groups:\n  - variants: [ウイルス, ウィルス]\n", encoding="utf-8")
    b.write_text("# other\ngroups:\n  - variants: [ウィルス, ヴィルス]\n", encoding="utf-8")
    with pytest.raises(JalintError, match=rf"^{b}:3: 'ウィルス' is also a member of the group at {a}:2"):
        Consistency({"dictionary": [str(a), str(b)]})


def test_contradictory_preferred_forms_are_an_error(tmp_path):
    path = write(tmp_path, "groups:\n  - {variants: [障害, 障がい], preferred: 障害}\n"
                           "  - {variants: [障がい, 障碍], preferred: 障碍}\n")
    with pytest.raises(JalintError, match=rf"^{path}:3: .*contradictory preferred forms '障害' and '障碍'"):
        Consistency({"dictionary": path})


@pytest.mark.parametrize("group, message", [
    ("{variants: [取組, 取り組み], preferred: 取組み}", "preferred form '取組み' is not among the variants"),
    ("{variants: [取組, 取り組み], koyobun: とりくみ}", "koyobun form 'とりくみ' is not among the variants"),
    ("{variants: [障害, 障がい], preferred: 障害, exclude: [障害]}", "preferred form '障害' is also excluded"),
    ("{variants: [障害]}", "a group needs at least two variants"),
    ("{variants: [障害, 障がい], lemma: yes please}", "'lemma' must be true or false"),
    ("{variants: [障害, 障がい], colour: red}", "unknown key in group: colour"),
])
def test_malformed_group_names_file_and_line(tmp_path, group, message):
    path = write(tmp_path, f"# header\ngroups:\n  - variants: [a1, a2]\n  - {group}\n")
    with pytest.raises(JalintError, match=rf"^{path}:4: "):
        Consistency({"dictionary": path})
    with pytest.raises(JalintError) as exc:
        Consistency({"dictionary": path})
    assert message in str(exc.value)


def test_prepared_groups_are_kept_and_voided_by_an_edit(tmp_path, monkeypatch):
    """A dictionary's validated groups and member pattern come from the user cache
    on the next run, the same as built; an edited file is read again."""
    from linter.kinds import consistency as k

    monkeypatch.setenv("JALINT_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "mine.yaml"
    path.write_text("groups:\n  - variants: [障害, 障がい]\n    exclude: [障害物]\n  - [サーバ, サーバー]\n",
                    encoding="utf-8")
    names = (str(path),)
    k._prepared.cache_clear()
    built = k._prepared(names)
    assert list((tmp_path / "cache" / "built").glob("variants-*.pickle"))
    k._prepared.cache_clear()
    kept = k._prepared(names)
    assert kept == built and kept[0] is not built[0]  # read back, not the same objects
    assert k.members_regex(names).fullmatch("障がい") and k.words_regex({"障害", "障がい", "サーバ", "サーバー"}).pattern == kept[1]
    path.write_text("groups:\n  - [子ども, 子供]\n", encoding="utf-8")
    k._prepared.cache_clear()
    k.load_dictionary.cache_clear()  # (a process reads a file once)
    assert [g.variants for g in k._prepared(names)[0]] == [["子ども", "子供"]]
    k._prepared.cache_clear()


def test_bundled_dictionaries_load_together_and_are_large():
    hand = dictionary_groups(("variants.yaml",))
    both = dictionary_groups(("variants.yaml", "variants-sudachi.yaml"))
    derived = len(both) - len(hand)
    assert len(hand) >= 300 and derived >= 100
    assert all(g.where.startswith("dictionaries/variants") for g in both)
    koyobun = {tuple(g.variants): g.koyobun for g in hand}
    assert koyobun[("取り組み", "取組み", "取組")] == "取組"
    assert koyobun[("取り組む", "取組む")] == "取り組む"
    assert koyobun[("出来る", "できる")] == "できる"
    assert koyobun[("子ども", "子供", "こども")] == "子供"
    assert koyobun[("障害", "障がい", "障碍")] == "障害"


def test_generated_file_has_attribution_and_only_lemma_groups():
    path = package_data_dir("dictionaries") / "variants-sudachi.yaml"
    text = path.read_text(encoding="utf-8")
    head = text[:1500]
    assert "Apache License, Version 2.0" in head and "sudachi-synonyms-dictionary" in head
    assert "scripts/derive_variants.py" in head
    data = yaml.safe_load(text)
    for g in data["groups"]:
        assert g["lemma"] is True and g["source"].startswith("sudachi-synonyms:")
        assert len(set(g["variants"])) == len(g["variants"]) >= 2


def test_dictionary_as_a_string_still_works():
    c = Consistency({"dictionary": "variants.yaml"})
    assert len(c.groups) >= 300


# -- the rule on text -------------------------------------------------------------------
def test_lemma_group_finds_inflections_and_swaps_the_stem(crules):
    text = "窓口でできます。オンラインでもできます。郵送では出来ません。出来事を記録します。"
    fs = run(crules, text, "consistency/terms")
    assert [(f.matched, f.suggestions) for f in fs] == [("出来", ["でき"])]


def test_noun_group_ignores_the_verb(crules):
    # 取り組みます is the verb 取り組む; the noun group must not count it
    assert not run(crules, "地域の取組を紹介します。住民が主体的に取り組みます。", "consistency/terms")


def test_mixed_shougai_found_and_proper_nouns_skipped(crules):
    fs = run(crules, "障害者の就労を支援します。障害者手帳を交付します。障がい者の声を聞きます。", "consistency/terms")
    assert [(f.matched, f.suggestions) for f in fs] == [("障がい", ["障害"])]
    assert not run(crules, "こども家庭庁と連携します。子どもの居場所を増やします。子どもの声を聞きます。",
                   "consistency/terms")
    assert not run(crules, "「障がい」ではなく「障害」と表記します。障害者の就労を支援します。", "consistency/terms")


def test_kakawarazu_is_not_kakawaru(crules):
    text = "地域に関わる人を増やします。行政に関わる仕組みです。年齢にかかわらず参加できます。"
    assert not run(crules, text, "consistency/terms")


def test_derived_group_is_used(crules):
    text = "支払いの方法を選べます。支払いの記録を残します。支払の期限は月末です。"
    fs = run(crules, text, "consistency/terms")
    assert [(f.matched, f.suggestions) for f in fs] == [("支払", ["支払い"])]
    assert fs[0].rule_source.startswith("dictionaries/variants-sudachi.yaml:")


# -- automatic katakana grouping --------------------------------------------------------
def test_kata_fold():
    assert kata_fold("サーバー") == kata_fold("サーバ")
    assert kata_fold("ウィルス") == kata_fold("ウイルス")
    assert kata_fold("ヴァイオリン") == kata_fold("バイオリン")
    assert kata_fold("ステッキ") != kata_fold("ステーキ")


@pytest.mark.parametrize("a, b, ok", [
    ("ダウンロード", "ダウンロド", True),
    ("ストレージ", "ストレージー", True),
    ("チャットボット", "チヤットボット", True),
    ("ヴェール", "ベール", True),
    ("ビール", "ビル", False),      # two letters: too short
    ("カバー", "カバ", False),
    ("レーザー", "レザー", False),  # inside the word, short
    ("マイナー", "マイナ", False),  # not-variants.yaml
])
def test_kata_variant_ok(a, b, ok):
    assert kata_variant_ok(a, b) is ok


def test_katakana_auto_suggests_the_dominant_surface(crules):
    text = "アプリのダウンロードは無料です。ダウンロードの手順を示します。ダウンロドの回数を数えます。"
    fs = run(crules, text, "consistency/katakana")
    assert [(f.matched, f.suggestions) for f in fs] == [("ダウンロド", ["ダウンロード"])]


def test_katakana_auto_inside_a_compound(crules):
    text = "ストレージの容量を増やします。ストレージの暗号化を進めます。ストレージー容量を選びます。"
    fs = run(crules, text, "consistency/katakana")
    assert [(f.matched, f.suggestions) for f in fs] == [("ストレージー", ["ストレージ"])]


@pytest.mark.parametrize("text", [
    "新しいビルの一階でビールを売ります。ビルの管理会社がビールの販売を許可しました。",
    "レーザー治療の費用を補助します。レザー製品の輸出を支えます。レーザーの安全基準を定めます。",
    "歩きやすいステッキを配ります。ステーキ店の出店を支援します。",
    "マイナ保険証を使います。マイナ保険証の登録を進めます。マイナーな制度も見直します。",
    "「ダウンロド」ではなく「ダウンロード」と書きます。ダウンロードは無料です。",
])
def test_katakana_auto_leaves_different_words_alone(crules, text):
    assert not run(crules, text, "consistency/katakana")


def test_katakana_auto_leaves_dictionary_words_to_terms(crules):
    text = "サーバーの運用を見直します。サーバーの費用を下げます。サーバの障害に備えます。"
    assert not run(crules, text, "consistency/katakana")
    assert [f.matched for f in run(crules, text, "consistency/terms")] == ["サーバ"]
