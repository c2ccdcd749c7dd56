"""Mixed です・ます and である in one document.

Each sentence's closing predicate is classed as polite (です, ます, でした, ません …) or
plain (である, だ, であった, だった …); other endings (体言止め, a bare verb) count for
neither.  Headings, list items and body text are counted apart (lists are often
terse).  In each part the minority style is reported, or, where a style is
prescribed for the part, every sentence in the other style.
"""
from __future__ import annotations

from ..document import Hit
from ..matching import render

SKIP_POS = ("補助記号", "空白", "記号")
FINAL_PARTICLES = ("終助詞",)


def _tail(tokens) -> list:
    """The last tokens that are not symbols or spaces, as many as ``_ending``
    reads: the final particles, the auxiliaries before them and two more."""
    out = []
    extra = 0
    finals = True  # still among the final particles
    for t in reversed(tokens):
        if t.pos[0] in SKIP_POS:
            continue
        out.append(t)
        if finals and t.pos[1] in FINAL_PARTICLES:
            continue
        finals = False
        if not extra and t.pos[0] == "助動詞":
            continue
        extra += 1
        if extra == 2:
            break
    out.reverse()
    return out


def _ending(s) -> tuple[str, int, int] | None:
    toks = _tail(s.tokens)
    while toks and toks[-1].pos[1] in FINAL_PARTICLES:
        toks.pop()
    if not toks:
        return None
    # walk back over auxiliaries that follow the style marker (た, う, ない …)
    i = len(toks) - 1
    while i >= 0 and toks[i].pos[0] == "助動詞":
        t = toks[i]
        if t.pos[4].startswith(("助動詞-デス", "助動詞-マス")):
            return "polite", t.begin, toks[-1].end
        if t.pos[4].startswith("助動詞-ダ"):
            if t.surface == "で" and i + 1 < len(toks) and toks[i + 1].dictionary in ("ある", "有る"):
                return "plain", t.begin, toks[-1].end
            if t.surface in ("だ", "だっ", "だろ"):
                return "plain", t.begin, toks[-1].end
            return None
        i -= 1
    # である: で (助動詞-ダ) + ある (動詞) [+ た / う]
    j = len(toks) - 1
    while j >= 0 and toks[j].pos[0] == "助動詞":
        j -= 1
    if j >= 1 and toks[j].dictionary in ("ある", "有る") and toks[j - 1].surface == "で" and toks[j - 1].pos[0] == "助動詞":
        return "plain", toks[j - 1].begin, toks[-1].end
    return None


STYLE_NAMES = {"ですます": "polite", "である": "plain", "": None}


class MixedStyle:
    """Options (textlint's no-mix-dearu-desumasu): ``body``, ``list``, ``heading`` —
    "" (the majority decides), "ですます" or "である" (every other style is reported)."""

    document_wide = True  # the majority is counted over the whole document

    def __init__(self, min_count: int = 1, body: str = "", list: str = "", heading: str = ""):  # noqa: A002
        for value in (body, list, heading):
            if value not in STYLE_NAMES:
                raise TypeError("body, list and heading must be '', 'ですます' or 'である'")
        self.min_count = min_count
        self.prefer = {"body": STYLE_NAMES[body], "list": STYLE_NAMES[list], "heading": STYLE_NAMES[heading]}

    def check(self, doc, rule):
        parts: dict[str, dict[str, list]] = {}
        for s in doc.sentences:
            if s.kind == "table_cell":
                continue
            e = _ending(s)
            if e is None:
                continue
            part = {"list_item": "list", "heading": "heading"}.get(s.kind, "body")
            parts.setdefault(part, {"polite": [], "plain": []})[e[0]].append((s, e[1], e[2]))
        names = {"polite": "です・ます", "plain": "である"}
        labels = {"list": "箇条書き", "heading": "見出し", "body": "本文"}
        for part, styles in parts.items():
            polite, plain = styles["polite"], styles["plain"]
            prefer = self.prefer[part]
            if prefer is None:
                if not polite or not plain:
                    continue
                winner = "polite" if len(polite) >= len(plain) else "plain"
                if winner == "polite" and len(plain) < self.min_count:
                    continue
            else:
                winner = prefer
            loser = "plain" if winner == "polite" else "polite"
            if not styles[loser]:
                continue
            where = ""
            if styles[winner]:
                ds, db, de = styles[winner][0]
                line, col = doc.lines.position(ds.span(db, de)[0])
                where = f"{line}:{col}"
            for s, b, e in styles[loser]:
                yield Hit(s, b, e, render(rule.message, match=s.text[b:e], dominant=names[winner],
                                          minority=names[loser], polite=len(polite), plain=len(plain),
                                          count=len(styles[winner]), where=where or "—", part=labels[part]))
