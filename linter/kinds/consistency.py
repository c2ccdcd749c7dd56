"""Variant groups (表記ゆれ).  A document that uses more than one member of a group
gets a finding on each use of the minority form, suggesting the dominant one (or the
group's preferred form)::

    kind: consistency
    dictionary: variants.yaml      # groups from dictionaries/variants.yaml
    groups:                        # and/or inline groups
      - variants: [障害, 障がい, 障碍]
        exclude: [障害物]          # longer words in which a member means something else
        preferred: 障害            # optional
    auto: normalized               # or: groups made from Sudachi's normalized form

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
from ..yamlio import load_yaml

KEYS = {"dictionary", "groups", "auto"}
AUTO_POS = (("名詞", "普通名詞"), ("動詞", "一般"), ("形容詞", "一般"), ("副詞",))


@dataclass
class Group:
    variants: list[str]
    exclude: list[str] = field(default_factory=list)
    preferred: str | None = None
    word: bool = False
    pos: str | None = None  # the word at the match must have this part of speech


@dataclass
class Use:
    group: object  # a key naming the group
    variant: str
    sentence: object
    begin: int
    end: int


def _parse_groups(items, where: str) -> list[Group]:
    if not isinstance(items, list):
        raise PatternError("groups", f"{where} must be a list of groups")
    groups = []
    for item in items:
        if isinstance(item, list):
            item = {"variants": item}
        if not isinstance(item, dict):
            raise PatternError("groups", "each group must be a list of variants or a mapping with 'variants'")
        variants = item.get("variants")
        if not isinstance(variants, list) or len(variants) < 2 or not all(isinstance(v, str) and v for v in variants):
            raise PatternError("groups", f"a group needs at least two variants (line {getattr(item, 'line', '?')})")
        exclude = item.get("exclude", [])
        if not isinstance(exclude, list) or not all(isinstance(v, str) for v in exclude):
            raise PatternError("groups", "'exclude' must be a list of strings")
        preferred = item.get("preferred")
        if preferred is not None and preferred not in variants:
            raise PatternError("groups", f"preferred form {preferred!r} is not among the variants")
        pos = item.get("pos")
        if pos is not None and not isinstance(pos, str):
            raise PatternError("groups", "'pos' must be a part-of-speech prefix such as 名詞")
        unknown = set(item) - {"variants", "exclude", "preferred", "word", "pos", "note"}
        if unknown:
            raise PatternError("groups", f"unknown key in group: {sorted(unknown)[0]}")
        groups.append(Group(list(variants), list(exclude), preferred, bool(item.get("word", False)), pos))
    return groups


@functools.lru_cache(maxsize=None)
def load_dictionary(name: str) -> tuple:
    from ..rules import package_data_dir

    path = Path(name)
    if not path.is_absolute():
        path = package_data_dir("dictionaries") / name
    label = f"dictionaries/{name}" if not Path(name).is_absolute() else name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise JalintError(f"{label}: cannot read dictionary ({exc.strerror})") from None
    data = load_yaml(text, label)
    if not isinstance(data, dict):
        raise JalintError(f"{label}:1: a dictionary is a mapping")
    return tuple(data.items())


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


class Consistency:
    def __init__(self, spec: dict):
        groups: list[Group] = []
        if "dictionary" in spec:
            name = spec["dictionary"]
            if not isinstance(name, str):
                raise PatternError("dictionary", "'dictionary' must be a file name in dictionaries/")
            data = dict(load_dictionary(name))
            groups += _parse_groups(data.get("groups", []), f"dictionaries/{name}: 'groups'")
        if "groups" in spec:
            groups += _parse_groups(spec["groups"], "'groups'")
        auto = spec.get("auto")
        if auto not in (None, "normalized"):
            raise PatternError("auto", "'auto' must be 'normalized'")
        if not groups and auto is None:
            raise PatternError("groups", "a consistency rule needs 'groups', 'dictionary' or 'auto'")
        self.groups = groups
        self.auto = auto == "normalized"
        self.member_of: dict[str, list[int]] = {}
        for gi, g in enumerate(groups):
            for v in g.variants:
                self.member_of.setdefault(v, []).append(gi)
        words = sorted(self.member_of, key=len, reverse=True)
        self.regex = re.compile("|".join(re.escape(w) for w in words)) if words else None

    # -- collecting -------------------------------------------------------------
    def collect(self, doc) -> list[Use]:
        uses: list[Use] = []
        for s in doc.sentences:
            if self.regex is not None:
                uses.extend(self._group_uses(s))
            if self.auto:
                uses.extend(self._auto_uses(s))
        return uses

    @staticmethod
    def _excluded(text: str, begin: int, end: int, group: Group) -> bool:
        """Whether the use lies inside one of the group's excluded longer words."""
        for ex in group.exclude:
            k = text.find(ex, max(0, end - len(ex)))
            while k != -1 and k <= begin:
                if k + len(ex) >= end:
                    return True
                k = text.find(ex, k + 1)
        return False

    @staticmethod
    def _pos_at(s, begin: int, end: int, pos: str) -> bool:
        """Whether the tokens under [begin, end) include one of part of speech ``pos``
        and no verb (取り組み the noun, not 取り組み|ます the verb)."""
        found = False
        for t in s.tokens:
            if t.end <= begin:
                continue
            if t.begin >= end:
                break
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

    def _auto_uses(self, s):
        text = s.text
        for t in s.tokens:
            pos = t.pos
            if not any(pos[: len(p)] == p for p in AUTO_POS):
                continue
            if t.dictionary == t.normalized and len(t.surface) < 2:
                continue
            if is_mention(text, t.begin, t.end):
                continue
            yield Use(("auto", t.normalized), t.dictionary, s, t.begin, t.end)

    # -- deciding ---------------------------------------------------------------
    def decide(self, uses: list[Use], rule, describe=None):
        """Hits for the minority uses.  ``describe(use)`` names where a use is."""
        by_group: dict[object, dict[str, list[Use]]] = {}
        for u in uses:
            by_group.setdefault(u.group, {}).setdefault(u.variant, []).append(u)
        for key, variants in by_group.items():
            if len(variants) < 2:
                continue
            if key[0] == "auto":
                variants = self._auto_filter(variants)
                if len(variants) < 2:
                    continue
                preferred = None
                order = list(variants)
            else:
                g = self.groups[key[1]]
                preferred = g.preferred
                order = g.variants
            if preferred is not None and preferred in variants:
                dominant = preferred
            else:
                dominant = max(variants, key=lambda v: (len(variants[v]), -order.index(v) if v in order else 0))
            first = variants[dominant][0]
            where = describe(first) if describe else ""
            for v, vuses in variants.items():
                if v == dominant:
                    continue
                for u in vuses:
                    s = u.sentence
                    matched = s.text[u.begin:u.end]
                    suggestion = self._suggest(matched, v, dominant)
                    msg = render(rule.message, match=matched, variant=v, dominant=dominant,
                                 count=len(variants[dominant]), where=where)
                    yield Hit(s, u.begin, u.end, msg, [suggestion] if suggestion else [],
                              related=[x for x in variants[dominant][:3]])

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

    def _auto_filter(self, variants: dict[str, list[Use]]) -> dict[str, list[Use]]:
        forms = list(variants)
        keep = set()
        for a in forms:
            for b in forms:
                if a < b and auto_variant_ok(a, b):
                    keep.update((a, b))
        return {v: variants[v] for v in forms if v in keep}

    def check(self, doc, rule):
        def describe(u):
            line, col = doc.lines.position(u.sentence.span(u.begin, u.end)[0])
            return f"{line}:{col}"

        return self.decide(self.collect(doc), rule, describe)


def compile(spec: dict) -> Consistency:
    return Consistency(spec)
