"""Compiled regular expressions kept between runs (linter/regexcache.py): a pattern
rebuilt from the cache is the pattern re.compile makes, and a missing, damaged or
disabled cache only means compiling."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from linter import regexcache

ROOT = Path(__file__).resolve().parents[1]

# text that exercises the bundled patterns: Japanese prose with markup, digits, brackets
SAMPLE = (ROOT / "examples" / "manifesto.md").read_text(encoding="utf-8") + (
    "「情勢」という表記。ＡＢＣとABC、１２３と123。（括弧）【見出し】 http://example.com/ x_y *強調*\n"
    "全角　空白、半角 空白。？！?!…‥ー〜～・：；\r\n"
)


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache folder and no patterns known to this process."""
    monkeypatch.setenv("JALINT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("JALINT_NO_CACHE", raising=False)
    monkeypatch.setattr(regexcache, "_table", None)
    monkeypatch.setattr(regexcache, "_added", {})
    monkeypatch.setattr(regexcache, "_used", set())
    return tmp_path


def forget_process_state(monkeypatch):
    """As a new process would start: the cache file is read again."""
    monkeypatch.setattr(regexcache, "_table", None)
    monkeypatch.setattr(regexcache, "_added", {})


def same_pattern(a: re.Pattern, b: re.Pattern, text: str) -> None:
    assert (a.pattern, a.flags, a.groups, a.groupindex) == (b.pattern, b.flags, b.groups, b.groupindex)
    assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]
    assert [m.groups() for m in a.finditer(text)] == [m.groups() for m in b.finditer(text)]


PATTERNS = [
    ("abc", 0), (r"(?P<year>\d{4})年(?P<month>\d{1,2})月", 0), (r"(?<![一-龥])情勢(?=を)", 0),
    (r"^\s*#+\s", re.M), ("ＡＢＣ|abc", re.IGNORECASE), (r"[\u3000 ]+$", re.M), (r"(a|b)*?c\1", 0),
    (r"(?:[^\W\d_]|ー)+", 0), (r"(?s).", 0), (r"(?x) a b  # comment", 0), (r"[\U00020000-\U0002A6DF]", 0),
]


@pytest.mark.parametrize("pattern, flags", PATTERNS)
def test_a_pattern_from_the_cache_is_the_pattern_re_makes(fresh_cache, monkeypatch, pattern, flags):
    first = regexcache.compile(pattern, flags)
    same_pattern(first, re.compile(pattern, flags), SAMPLE + "2026年11月 aac abab c")
    regexcache.save()
    forget_process_state(monkeypatch)
    assert (pattern, int(flags)) in regexcache._entries()
    again = regexcache.compile(pattern, flags)
    assert not regexcache._added  # rebuilt from the file, not compiled
    same_pattern(again, re.compile(pattern, flags), SAMPLE + "2026年11月 aac abab c")


def test_every_bundled_pattern_rebuilt_from_the_cache_matches_as_compiled(fresh_cache, monkeypatch):
    """Assemble every rule and load the homophone dictionary (which compiles and saves
    all the patterns a run uses), then rebuild each kept pattern from the file."""
    from linter import config as config_mod
    from linter import rules as rules_mod
    from linter import ruleset
    from linter.kinds import consistency, homophone

    for built in (rules_mod.bundled_rule, consistency._words_regex, homophone.load_dictionaries):
        built.cache_clear()  # built again, so compiled again
    rules = ruleset.assemble(config_mod.discover(["."], None), "all", [])
    next(r for r in rules if r.kind == "homophone").checker.dictionary
    regexcache.save()
    rules_mod.bundled_rule.cache_clear()
    forget_process_state(monkeypatch)
    kept = regexcache._entries()
    assert len(kept) > 100
    for pattern, flags in kept:
        same_pattern(regexcache.compile(pattern, flags), re.compile(pattern, flags), SAMPLE)
    assert not regexcache._added


def test_a_damaged_cache_file_is_compiled_around(fresh_cache, monkeypatch):
    regexcache.compile("情勢|醸成")
    regexcache.save()
    (cache_file,) = (fresh_cache / "regex").iterdir()
    cache_file.write_bytes(b"not a pickle")
    forget_process_state(monkeypatch)
    assert regexcache.compile("情勢|醸成").findall("寄付文化の情勢") == ["情勢"]


def test_a_damaged_entry_is_compiled_again(fresh_cache, monkeypatch):
    regexcache.compile("情勢")
    regexcache.save()
    forget_process_state(monkeypatch)
    flags, code, groups, groupindex, indexgroup = regexcache._entries()[("情勢", 0)]
    code[0] = 0xFFFF  # no such opcode: the engine's check refuses it
    regexcache._entries()[("情勢", 0)] = (flags, code, groups, groupindex, indexgroup)
    assert regexcache.compile("情勢").findall("寄付文化の情勢") == ["情勢"]


def test_a_bad_pattern_raises_as_re_compile_does(fresh_cache):
    with pytest.raises(re.error):
        regexcache.compile("(unclosed")


def test_nothing_is_written_with_caching_off(fresh_cache, monkeypatch):
    monkeypatch.setenv("JALINT_NO_CACHE", "1")
    assert regexcache.compile("情勢").search("情勢")
    regexcache.save()
    assert not (fresh_cache / "regex").exists()


def test_saving_keeps_what_other_processes_saved_meanwhile(fresh_cache, monkeypatch):
    regexcache.compile("醸成")
    regexcache.save()
    forget_process_state(monkeypatch)  # another process, which starts before the next save
    regexcache._entries()
    regexcache.compile("魅力")
    regexcache.save()
    forget_process_state(monkeypatch)
    assert {("醸成", 0), ("魅力", 0)} <= set(regexcache._entries())


def test_a_full_cache_starts_afresh_with_this_runs_patterns(fresh_cache, monkeypatch):
    monkeypatch.setattr(regexcache, "MAX_ENTRIES", 3)
    for word in ("一", "二", "三"):
        regexcache.compile(word)
    regexcache.save()
    forget_process_state(monkeypatch)
    monkeypatch.setattr(regexcache, "_used", set())
    regexcache.compile("四")
    regexcache.compile("一")
    regexcache.save()
    forget_process_state(monkeypatch)
    assert set(regexcache._entries()) == {("四", 0), ("一", 0)}
