"""Mentions are not uses: a word quoted in order to talk about the word.

「障がい」ではなく「障害」と表記する, 「寄付文化の情勢」という表記を… — a short 「…」 (or
『…』, “…”) followed by という / ではなく / と表記 / と書く …, or preceded by 表記 / 誤変換,
quotes the words inside it.  Rules do not report a mention.
"""
from __future__ import annotations

import functools

from . import regexcache

QUOTES = {"「": "」", "『": "』", "“": "”", "\"": "\""}
MAX_QUOTE = 30
AFTER_MENTION = regexcache.compile(
    r"^(という|といった|ではなく|でなく|じゃなく|と(の)?(表記|記載|記述|書|表現|言い換え|読|呼|置き換|修正|訂正|変換)|"
    r"は(誤|正し|表記|誤変換|不適切)|を(正し|誤|修正|訂正)|から「|→|⇒|->|に(修正|訂正|統一|変更|置き換))"
)
BEFORE_MENTION = regexcache.compile(r"(表記|誤変換|誤記|誤字|用語|言葉|語|単語|表現)(は|を|が|の|、|：|:)?$")


def quoted_span(text: str, begin: int, end: int) -> tuple[int, int] | None:
    """The quote (open index, close index) that encloses [begin, end), if short."""
    lo = max(0, begin - MAX_QUOTE)
    for i in range(begin - 1, lo - 1, -1):
        c = text[i]
        if c in QUOTES:
            close = QUOTES[c]
            j = text.find(close, end, end + MAX_QUOTE)
            if j != -1 and text.find(c, i + 1, begin) == -1:
                return i, j
            return None
        if c in "」』”。":
            return None
    return None


@functools.lru_cache(maxsize=4096)
def _has_quotes(text: str) -> bool:
    return any(q in text for q in QUOTES)


def is_mention(text: str, begin: int, end: int) -> bool:
    if not _has_quotes(text):
        return False
    q = quoted_span(text, begin, end)
    if q is None:
        return False
    i, j = q
    after = text[j + 1:j + 12]
    before = text[max(0, i - 8):i]
    return bool(AFTER_MENTION.search(after) or BEFORE_MENTION.search(before))
