"""Variant groups (表記ゆれ).  A document that uses more than one member of a group
gets a finding on each use of the minority form, suggesting the dominant one (or the
group's preferred form)::

    kind: consistency
    dictionary: variants.yaml      # groups from dictionaries/ (a name or a list of names)
    groups:                        # and/or inline groups
      - variants: [障害, 障がい, 障碍]
        exclude: [障害物]          # longer words in which a member means something else
        preferred: 障害            # optional: always wins
        koyobun: 障害              # optional: the form 公用文作成の考え方 (2022) prescribes
    auto: normalized               # or katakana, or [normalized, katakana]
    prefer: preferred              # or majority, or koyobun (which form wins)

A group's members are found as text (anywhere, also inside compounds) unless the
group says ``lemma: true``: then each member is compared with the dictionary form of
whole Sudachi tokens, so every inflection of a verb is found (出来ない, 出来ます).

``auto: normalized`` groups the words that share a Sudachi normalized form;
``auto: katakana`` groups katakana words that differ only in long-vowel marks (ー),
small kana (ィ/イ) or ヴ/バ (サーバ/サーバー, ウィルス/ウイルス).  Words the bundled
variant dictionaries cover are left to the dictionary rule.

Every group is validated when it is loaded: a duplicate member, a member in two
groups, or a preferred/koyobun form that is not a member (or is excluded) is an error
``dictionaries/FILE:LINE: message``.

The message may use {match}, {dominant}, {count} (uses of the dominant form) and
{where} (the first use of the dominant form, as line:column or path:line).

Collecting and deciding are separate steps so that a project-wide pass can count the
variants over many documents before deciding.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Hit
from ..errors import JalintError
from ..matching import PatternError, render
from ..mentions import is_mention
from ..yamlio import load_yaml_file

KEYS = {"dictionary", "groups", "auto", "prefer"}
AUTO_HEADS = frozenset(("名詞", "動詞", "形容詞", "副詞"))
AUTO_POS = (("名詞", "普通名詞"), ("動詞", "一般"), ("形容詞", "一般"), ("副詞",))
AUTO_MODES = ("normalized", "katakana")
PREFER = ("preferred", "majority", "koyobun")
GROUP_KEYS = {"variants", "exclude", "preferred", "koyobun", "word", "pos", "lemma", "note", "source"}
# the bundled dictionaries whose words automatic grouping leaves to the dictionary rule
BUNDLED = ("variants.yaml", "variants-sudachi.yaml")


@dataclass
class Group:
    variants: list[str]
    exclude: list[str] = field(default_factory=list)
    preferred: str | None = None
    word: bool = False
    pos: str | None = None  # the word at the match must have this part of speech
    koyobun: str | None = None  # the form 公用文作成の考え方 (2022) prescribes
    lemma: bool = False  # members are compared with the dictionary form of whole tokens
    where: str = ""  # "dictionaries/x.yaml:LINE" or "" for inline groups


@dataclass
class Use:
    group: object  # a key naming the group
    variant: str
    sentence: object
    begin: int
    end: int


class _Fail(Exception):
    pass


def _parse_groups(items, where: str, label: str | None = None) -> list[Group]:
    """Groups from a list.  ``label`` is the dictionary file (errors then name
    ``label:LINE``); inline groups of a rule file raise PatternError instead."""

    def fail(item, message):
        line = getattr(item, "line", None)
        if label is not None:
            raise JalintError(f"{label}:{line or 1}: {message}")
        raise PatternError("groups", message + (f" (line {line})" if line else ""))

    if not isinstance(items, list):
        if label is not None:
            raise JalintError(f"{label}:1: {where} must be a list of groups")
        raise PatternError("groups", f"{where} must be a list of groups")
    groups = []
    for item in items:
        if isinstance(item, list):
            item = {"variants": item}
        if not isinstance(item, dict):
            fail(item, "each group must be a list of variants or a mapping with 'variants'")
        variants = item.get("variants")
        if not isinstance(variants, list) or len(variants) < 2 or not all(isinstance(v, str) and v for v in variants):
            fail(item, "a group needs at least two variants")
        seen = set()
        for v in variants:
            if v in seen:
                fail(item, f"duplicate member {v!r} in the group")
            seen.add(v)
        exclude = item.get("exclude", [])
        if not isinstance(exclude, list) or not all(isinstance(v, str) for v in exclude):
            fail(item, "'exclude' must be a list of strings")
        preferred = item.get("preferred")
        if preferred is not None and preferred not in variants:
            fail(item, f"preferred form {preferred!r} is not among the variants")
        if preferred is not None and preferred in exclude:
            fail(item, f"preferred form {preferred!r} is also excluded")
        koyobun = item.get("koyobun")
        if koyobun is not None and koyobun not in variants:
            fail(item, f"koyobun form {koyobun!r} is not among the variants")
        pos = item.get("pos")
        if pos is not None and not isinstance(pos, str):
            fail(item, "'pos' must be a part-of-speech prefix such as 名詞")
        for key in ("word", "lemma"):
            if not isinstance(item.get(key, False), bool):
                fail(item, f"'{key}' must be true or false")
        unknown = set(item) - GROUP_KEYS
        if unknown:
            fail(item, f"unknown key in group: {sorted(unknown)[0]}")
        at = f"{label}:{getattr(item, 'line', 1)}" if label is not None else ""
        groups.append(Group(list(variants), list(exclude), preferred, bool(item.get("word", False)), pos,
                            koyobun, bool(item.get("lemma", False)), at))
    return groups


def _check_overlaps(groups: list[Group]) -> None:
    """A member in two groups, or two groups preferring different forms of one word."""
    owner: dict[tuple, Group] = {}
    for g in groups:
        for v in g.variants:
            key = (v, g.lemma)
            other = owner.get(key)
            if other is not None:
                detail = f"{v!r} is also a member of the group at {other.where}" if other.where else f"{v!r} is in two groups"
                if other.preferred and g.preferred and other.preferred != g.preferred:
                    detail += f" (contradictory preferred forms {other.preferred!r} and {g.preferred!r})"
                if g.where:
                    raise JalintError(f"{g.where}: {detail}")
                raise PatternError("groups", detail)
            owner[key] = g


@functools.lru_cache(maxsize=None)
def load_dictionary(name: str) -> tuple:
    from ..rules import package_data_dir

    path = Path(name)
    if not path.is_absolute():
        path = package_data_dir("dictionaries") / name
    label = _label(name)
    data = load_yaml_file(path, label, "dictionary")
    if not isinstance(data, dict):
        raise JalintError(f"{label}:1: a dictionary is a mapping")
    return tuple(data.items())


def _label(name: str) -> str:
    return f"dictionaries/{name}" if not Path(name).is_absolute() else name


@functools.lru_cache(maxsize=None)
def dictionary_groups(names: tuple) -> tuple:
    """The validated groups of one or more dictionary files, in order."""
    groups: list[Group] = []
    for name in names:
        data = dict(load_dictionary(name))
        groups += _parse_groups(data.get("groups", []), "'groups'", _label(name))
    _check_overlaps(groups)
    return tuple(groups)


@functools.lru_cache(maxsize=1)
def _bundled_words():
    """(regex over the members of the bundled text groups, set of lemma members)."""
    from ..rules import package_data_dir

    names = tuple(n for n in BUNDLED if (package_data_dir("dictionaries") / n).is_file())
    groups = dictionary_groups(names) if names else ()
    text = sorted({v for g in groups if not g.lemma for v in g.variants}, key=len, reverse=True)
    lemmas = frozenset(v for g in groups if g.lemma for v in g.variants)
    regex = re.compile("|".join(re.escape(w) for w in text)) if text else None
    return regex, lemmas


def _covered(surface: str, lemma: str) -> bool:
    regex, lemmas = _bundled_words()
    return lemma in lemmas or surface in lemmas or (regex is not None and regex.search(surface) is not None)


def _script(c: str) -> str:
    o = ord(c)
    if 0x3040 <= o <= 0x309F:
        return "h"
    if 0x30A0 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF:
        return "k"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or o >= 0x20000 or c in "々〆":
        return "K"
    return "o"


def _signature(word: str) -> str:
    out = []
    for c in word:
        s = _script(c)
        if not out or out[-1] != s:
            out.append(s)
    return "".join(out)


def not_variant_pairs() -> frozenset:
    """Ordered pairs of forms that dictionaries/not-variants.yaml lists as different words."""
    return _not_variants()


@functools.lru_cache(maxsize=1)
def _not_variants() -> frozenset:
    data = dict(load_dictionary("not-variants.yaml"))
    pairs = set()
    for group in data.get("different_words", []):
        for a in group:
            for b in group:
                if a != b:
                    pairs.add((a, b))
    return frozenset(pairs)


@functools.lru_cache(maxsize=65536)
def _lemma_reading(word: str) -> str:
    from ..tokenizer import tokenize_text

    return "".join(t.reading for t in tokenize_text(word))


def auto_variant_ok(a: str, b: str) -> bool:
    """Whether two dictionary forms sharing a normalized form are spelling variants
    of one word (子ども/子供, 行なう/行う), not different words (超える/越える)."""
    if (a, b) in _not_variants():
        return False
    if unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b):
        return False  # width differences are another rule's job
    sa, sb = _signature(a), _signature(b)
    if "o" in sa or "o" in sb:
        return False
    if sa == "k" and sb == "k":
        return True  # katakana spellings of one loanword (シミュレーション/シュミレーション)
    if sa == sb:
        return False  # a different kanji (異字同訓), not a different spelling
    return _lemma_reading(a) == _lemma_reading(b)


# -- katakana spellings ---------------------------------------------------------------
KATA_RUN = re.compile(r"[ァ-ヺー]{3,}")
_SMALL = str.maketrans("ァィゥェォヵヶャュョヮ", "アイウエオカケヤユヨワ")
_VU = (("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴュ", "ビュ"), ("ヴ", "ブ"))


def kata_fold(word: str) -> str:
    """The key katakana spellings of one loanword share: ヴ-row as バ-row, small
    vowels and ャュョ as full size, long-vowel marks dropped.  ッ is kept: ステッキ
    and ステーキ are different words."""
    for a, b in _VU:
        word = word.replace(a, b)
    return word.translate(_SMALL).replace("ー", "")


def kata_variant_ok(a: str, b: str) -> bool:
    """Whether two katakana words with one fold key are spellings of one loanword.
    A long-vowel mark may differ at the end of a word of at least three letters
    (サーバ/サーバー, but not ビル/ビール or カバ/カバー); inside a word only when both are
    long (インタフェース/インターフェース, not レザー/レーザー)."""
    if a == b or (a, b) in _not_variants():
        return False
    if min(len(a), len(b)) < 3:
        return False
    if kata_fold(a) != kata_fold(b):
        return False
    ta, tb = a.rstrip("ー"), b.rstrip("ー")
    # the long vowels inside the word, after folding small kana and ヴ
    ia = _fold_soft(ta)
    ib = _fold_soft(tb)
    if ia == ib:
        return len(ta) >= 3 and len(tb) >= 3  # a trailing ー, or small kana / ヴ
    return min(len(a), len(b)) >= 5


def _fold_soft(word: str) -> str:
    for x, y in _VU:
        word = word.replace(x, y)
    return word.translate(_SMALL)


class Consistency:
    def __init__(self, spec: dict):
        groups: list[Group] = []
        if "dictionary" in spec:
            names = spec["dictionary"]
            if isinstance(names, str):
                names = [names]
            if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
                raise PatternError("dictionary", "'dictionary' must be a file name in dictionaries/ or a list of them")
            groups += list(dictionary_groups(tuple(names)))
        if "groups" in spec:
            groups += _parse_groups(spec["groups"], "'groups'")
        _check_overlaps(groups)
        auto = spec.get("auto")
        modes = [auto] if isinstance(auto, str) else auto
        if modes is not None and (not isinstance(modes, list) or not modes or any(m not in AUTO_MODES for m in modes)):
            raise PatternError("auto", "'auto' must be 'normalized', 'katakana' or a list of them")
        if not groups and auto is None:
            raise PatternError("groups", "a consistency rule needs 'groups', 'dictionary' or 'auto'")
        prefer = spec.get("prefer", "preferred")
        if prefer not in PREFER:
            raise PatternError("prefer", "'prefer' must be 'preferred', 'majority' or 'koyobun'")
        self.prefer = prefer
        self.groups = groups
        self.auto = "normalized" in (modes or [])
        self.katakana = "katakana" in (modes or [])
        self.member_of: dict[str, list[int]] = {}
        self.lemma_of: dict[str, list[int]] = {}
        for gi, g in enumerate(groups):
            for v in g.variants:
                (self.lemma_of if g.lemma else self.member_of).setdefault(v, []).append(gi)
        words = sorted(self.member_of, key=len, reverse=True)
        self.regex = re.compile("|".join(re.escape(w) for w in words)) if words else None

    # -- collecting -------------------------------------------------------------
    def collect(self, doc) -> list[Use]:
        uses: list[Use] = []
        for s in doc.sentences:
            if self.regex is not None:
                uses.extend(self._group_uses(s))
            if self.lemma_of:
                uses.extend(self._lemma_uses(s))
            if self.auto:
                uses.extend(self._auto_uses(s))
            if self.katakana:
                uses.extend(self._katakana_uses(s))
        return uses

    @staticmethod
    def _excluded(text: str, begin: int, end: int, group: Group) -> bool:
        """Whether the use lies inside one of the group's excluded longer words."""
        for ex in group.exclude:
            k = text.find(ex, max(0, end - len(ex)), begin + len(ex))
            while k != -1 and k <= begin:
                if k + len(ex) >= end:
                    return True
                k = text.find(ex, k + 1, begin + len(ex))
        return False

    @staticmethod
    def _pos_at(s, begin: int, end: int, pos: str) -> bool:
        """Whether the tokens under [begin, end) include one of part of speech ``pos``
        and no verb (取り組み the noun, not 取り組み|ます the verb)."""
        found = False
        for t in s.tokens_in(begin, end):
            if t.pos[0] in ("動詞", "形容詞") and not pos.startswith(t.pos[0]):
                return False
            if t.pos_str.startswith(pos):
                found = True
        return found

    def _group_uses(self, s):
        text = s.text
        for m in self.regex.finditer(text):
            b, e = m.start(), m.end()
            if is_mention(text, b, e):
                continue
            for gi in self.member_of[m.group(0)]:
                g = self.groups[gi]
                if g.word:
                    begins, ends = s.token_bounds()
                    if b not in begins or e not in ends:
                        continue
                if self._excluded(text, b, e, g):
                    continue
                if g.pos is not None and not self._pos_at(s, b, e, g.pos):
                    continue
                yield Use(("group", gi), m.group(0), s, b, e)

    def _lemma_uses(self, s):
        text = s.text
        for t in s.tokens:
            gis = self.lemma_of.get(t.dictionary)
            if not gis:
                continue
            if is_mention(text, t.begin, t.end):
                continue
            for gi in gis:
                g = self.groups[gi]
                if g.pos is not None and not t.pos_str.startswith(g.pos):
                    continue
                if self._excluded(text, t.begin, t.end, g):
                    continue
                yield Use(("group", gi), t.dictionary, s, t.begin, t.end)

    def _auto_uses(self, s):
        text = s.text
        for t in s.tokens:
            pos = t.pos
            if pos[0] not in AUTO_HEADS or not any(pos[: len(p)] == p for p in AUTO_POS):
                continue
            if t.dictionary == t.normalized and len(t.surface) < 2:
                continue
            if is_mention(text, t.begin, t.end):
                continue
            if _covered(t.surface, t.dictionary):
                continue
            yield Use(("auto", t.normalized), t.dictionary, s, t.begin, t.end)

    def _katakana_uses(self, s):
        """Katakana words: each maximal run of katakana (サーバセキュリティ) and, where a
        run is several tokens, each katakana token of three letters or more in it."""
        text = s.text
        for m in KATA_RUN.finditer(text):
            b, e = m.start(), m.end()
            if is_mention(text, b, e):
                continue
            spans = [(b, e)]
            inner = [t for t in s.tokens_in(b, e) if t.begin >= b and t.end <= e]
            if len(inner) > 1:
                spans += [(t.begin, t.end) for t in inner
                          if t.end - t.begin >= 3 and KATA_RUN.fullmatch(t.surface)]
            for x, y in spans:
                word = text[x:y]
                if _covered(word, word):
                    continue
                yield Use(("kata", kata_fold(word)), word, s, x, y)

    # -- deciding ---------------------------------------------------------------
    def decide(self, uses: list[Use], rule, describe=None):
        """Hits for the minority uses.  ``describe(use)`` names where a use is."""
        by_group: dict[object, dict[str, list[Use]]] = {}
        for u in uses:
            by_group.setdefault(u.group, {}).setdefault(u.variant, []).append(u)
        reported: list[tuple] = []
        for key, variants in by_group.items():
            if len(variants) < 2:
                continue
            if key[0] in ("auto", "kata"):
                variants = self._auto_filter(variants, kata_variant_ok if key[0] == "kata" else auto_variant_ok)
                if len(variants) < 2:
                    continue
                preferred = None
                order = list(variants)
                source = None
            else:
                g = self.groups[key[1]]
                preferred = None
                if self.prefer == "koyobun":
                    preferred = g.koyobun or g.preferred
                elif self.prefer == "preferred":
                    preferred = g.preferred
                order = g.variants
                source = g.where or None
            if preferred is not None and preferred in variants:
                dominant = preferred
            else:
                dominant = max(variants, key=lambda v: (len(variants[v]), -order.index(v) if v in order else 0))
            first = variants[dominant][0]
            where = describe(first) if describe else ""
            pair_ok = None
            if key[0] in ("auto", "kata"):
                pair_ok = kata_variant_ok if key[0] == "kata" else auto_variant_ok
            for v, vuses in variants.items():
                if v == dominant:
                    continue
                if pair_ok is not None and not (pair_ok(v, dominant) if v < dominant else pair_ok(dominant, v)):
                    continue  # kept only through a third form (併せる ~ あわせる ~ 合わせる)
                for u in vuses:
                    s = u.sentence
                    span = (id(s), u.begin, u.end)  # sentences of several documents in a project pass
                    if any(i == span[0] and b < u.end and u.begin < e for i, b, e in reported):
                        continue  # a katakana token inside a run already reported
                    reported.append(span)
                    matched = s.text[u.begin:u.end]
                    suggestion = self._suggest(matched, v, dominant)
                    msg = render(rule.message, match=matched, variant=v, dominant=dominant,
                                 count=len(variants[dominant]), where=where)
                    yield Hit(s, u.begin, u.end, msg, [suggestion] if suggestion else [],
                              related=[x for x in variants[dominant][:3]], source=source)

    @staticmethod
    def _suggest(matched: str, variant: str, dominant: str) -> str | None:
        if matched == variant:
            return dominant
        # an inflected form: swap the shared stem when it is unambiguous
        i = 0
        while i < min(len(variant), len(dominant)) and variant[-1 - i] == dominant[-1 - i]:
            i += 1
        vstem, dstem = variant[: len(variant) - i], dominant[: len(dominant) - i]
        if vstem and matched.startswith(vstem):
            return dstem + matched[len(vstem):]
        return None

    @staticmethod
    def _auto_filter(variants: dict[str, list[Use]], ok) -> dict[str, list[Use]]:
        forms = list(variants)
        keep = set()
        for a in forms:
            for b in forms:
                if a < b and ok(a, b):
                    keep.update((a, b))
        return {v: variants[v] for v in forms if v in keep}

    def counts(self) -> list[tuple[str, int]]:
        out = []
        if self.groups:
            out.append(("variant groups", len(self.groups)))
        if self.auto:
            out.append(("groups found by Sudachi's normalized form", 0))
        if self.katakana:
            out.append(("groups found among katakana spellings", 0))
        return out

    def check(self, doc, rule):
        def describe(u):
            line, col = doc.lines.position(u.sentence.span(u.begin, u.end)[0])
            return f"{line}:{col}"

        return self.decide(self.collect(doc), rule, describe)


def compile(spec: dict) -> Consistency:
    return Consistency(spec)
