"""Deciding how a file's bytes are text: UTF-8 (with or without a BOM), UTF-16 with
a BOM, and the two legacy Japanese encodings Shift_JIS (as Windows writes it, CP932)
and EUC-JP — or that they are not text at all.

The detector is deliberately narrow:

1. A BOM decides (UTF-8, UTF-16 LE/BE).
2. Bytes that look binary (NUL bytes among many control bytes) are not text.
3. Valid UTF-8 is UTF-8.
4. Otherwise the bytes are decoded *strictly* as CP932 and as EUC-JP; each result
   that decodes is scored by how much of it is plausible Japanese text (ASCII,
   kana, common kanji, Japanese punctuation), and the best one wins if it is
   clearly better than reading the file as UTF-8 with its bad bytes replaced.
   A UTF-8 file with one damaged byte therefore stays a UTF-8 error naming the line.

Positions are code points of the decoded text, whatever the encoding, so line and
column numbers stay right.  ``--encoding NAME`` skips detection.
"""
from __future__ import annotations

import codecs
import functools

from .errors import JalintError
from .record import Record

BOM_UTF8 = b"\xef\xbb\xbf"
LEGACY = ("cp932", "euc_jp")
SAMPLE_CHARS = 200_000  # plausibility is judged on the start of a long file
BINARY_SAMPLE = 8192
MIN_PLAUSIBLE = 0.7  # a legacy reading must be at least this plausible …
MARGIN = 0.1  # … and this much more plausible than the UTF-8 reading with replacements

NAMES = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
    "cp932": "Shift_JIS (CP932)",
    "shift_jis": "Shift_JIS",
    "euc_jp": "EUC-JP",
}


def display_name(encoding: str) -> str:
    return NAMES.get(encoding, encoding)


class SkippedFile(JalintError):
    """A file that is not linted, with a notice rather than an error: binary data,
    a device, a file over the size limit."""


class Decoded(Record):
    __slots__ = _fields = ("text", "bom", "encoding", "exact")

    def __init__(self, text: str, bom: bool, encoding: str, exact: bool = True) -> None:
        self.text = text  # BOM removed
        self.bom = bom
        self.encoding = encoding  # a normalized codec name (codecs.lookup(...).name)
        self.exact = exact  # text (with its BOM) encodes back to exactly the same bytes


def normalize(name: str) -> str:
    """A codec name as Python knows it; unknown names are a usage error."""
    try:
        found = codecs.lookup(name).name
    except LookupError:
        raise JalintError(f"unknown encoding {name!r} (use utf-8, cp932, shift_jis, euc_jp, …)") from None
    if found == "utf-8-sig":
        return "utf-8"  # the BOM is detected and kept by itself
    return found


# ---------------------------------------------------------------- plausibility


@functools.lru_cache(maxsize=1)
def _level1_kanji() -> frozenset:
    """JIS X 0208 level-1 kanji (the ~3,000 common ones): CP932 lead bytes 0x88–0x98."""
    out = set()
    for lead in range(0x88, 0x99):
        for trail in list(range(0x40, 0x7F)) + list(range(0x80, 0xFD)):
            try:
                ch = bytes((lead, trail)).decode("cp932")
            except UnicodeDecodeError:
                continue
            if "\u4e00" <= ch <= "\u9fff":
                out.add(ch)
    return frozenset(out)


def _weight(ch: str, level1: frozenset) -> float:
    o = ord(ch)
    if o < 0x80:
        return 1.0 if (0x20 <= o < 0x7F or ch in "\t\n\r\f") else 0.0
    if 0x3040 <= o <= 0x30FF or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E:
        return 1.0  # kana, Japanese punctuation, full-width ASCII
    if 0x4E00 <= o <= 0x9FFF:
        return 1.0 if ch in level1 else 0.3
    if 0xFF61 <= o <= 0xFF9F:
        return 0.5  # half-width katakana: real but rare; mis-decodings are full of it
    if 0x2460 <= o <= 0x24FF or 0x2160 <= o <= 0x217F or 0x3200 <= o <= 0x33FF:
        return 1.0  # circled numbers, Roman numerals, ㈱ ㍻ (CP932's NEC row 13)
    if 0x2000 <= o <= 0x26FF or 0x0391 <= o <= 0x0451 or 0x2460 <= o <= 0x24FF:
        return 0.5  # general punctuation, symbols, Greek, Cyrillic, circled numbers
    if 0xE000 <= o <= 0xF8FF or o == 0xFFFD or 0x80 <= o <= 0x9F:
        return 0.0  # private use, replacement, C1 controls
    return 0.3


def plausibility(text: str) -> float:
    """Share (0..1) of the non-ASCII text that looks like Japanese prose (ASCII reads
    the same in every candidate encoding, so it decides nothing)."""
    sample = [c for c in text[:SAMPLE_CHARS] if c >= "\x80"]
    if not sample:
        return 1.0
    level1 = _level1_kanji()
    return sum(_weight(c, level1) for c in sample) / len(sample)


# ---------------------------------------------------------------- binary


# the control bytes that text does not hold (tab, line feed, form feed, carriage
# return and escape it may), and DEL
_CONTROL = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B)) + b"\x7f"


def _controls(sample: bytes) -> int:
    """How many of ``_CONTROL`` ``sample`` holds (counted in C: every file is asked)."""
    return len(sample) - len(sample.translate(None, _CONTROL))


def looks_binary(data: bytes) -> bool:
    """NUL bytes among many control bytes (images, archives, compiled files).  A
    text file with a stray NUL is still text."""
    sample = data[:BINARY_SAMPLE]
    if not sample:
        return False
    controls = _controls(sample)
    if b"\x00" in sample:
        return sample.count(0) > 8 or controls / len(sample) > 0.10
    return controls / len(sample) > 0.30


# ---------------------------------------------------------------- decoding


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise JalintError(
            f"{path}:{_line_of(data, exc.start)}: not valid {display_name(encoding)} "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _finish(text: str, encoding: str, data: bytes) -> Decoded:
    bom = text.startswith("\ufeff")
    exact = True
    if encoding not in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        try:
            exact = text.encode(encoding) == data
        except UnicodeEncodeError:
            exact = False
    return Decoded(text[1:] if bom else text, bom, encoding, exact)


def _forced(data: bytes, encoding: str, path: str) -> Decoded:
    if encoding in ("utf-16", "utf-32"):  # the BOM says which byte order; little-endian without one
        width = 2 if encoding == "utf-16" else 4
        be = data.startswith(b"\xfe\xff" if width == 2 else b"\x00\x00\xfe\xff")
        encoding = f"{encoding}-{'be' if be else 'le'}"
    return _finish(_strict(data, encoding, path), encoding, data)


def decode_bytes(data: bytes, path: str, encoding: str | None = None) -> Decoded:
    """Decode a file's bytes.  Raises ``SkippedFile`` for binary data and
    ``JalintError`` (``path:LINE: …``) for bytes that are no text in any encoding
    tried.  ``encoding`` forces one (no detection; binary data is still skipped)."""
    if encoding is not None:
        encoding = normalize(encoding)
        if not encoding.startswith(("utf-16", "utf-32")) and looks_binary(data):
            raise SkippedFile(f"{path}: skipped: binary file (NUL and control bytes)")
        return _forced(data, encoding, path)
    if data.startswith(BOM_UTF8):
        return _finish(_strict(data, "utf-8", path), "utf-8", data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and not data.startswith(b"\xff\xfe\x00\x00"):
        enc = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        return _finish(_strict(data, enc, path), enc, data)
    if looks_binary(data):
        raise SkippedFile(f"{path}: skipped: binary file (NUL and control bytes)")
    try:
        return _finish(data.decode("utf-8"), "utf-8", data)
    except UnicodeDecodeError as exc:
        first_error = exc
    utf8_score = plausibility(data.decode("utf-8", errors="replace"))
    best: tuple[float, str, str] | None = None
    for enc in LEGACY:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = plausibility(text)
        if best is None or score > best[0]:
            best = (score, enc, text)
    if best is not None and best[0] >= MIN_PLAUSIBLE and best[0] >= utf8_score + MARGIN:
        return _finish(best[2], best[1], data)
    start = first_error.start
    sample = data[:BINARY_SAMPLE]
    if _controls(sample) > sample.count(0x7F) and utf8_score < 0.5:  # a control byte other than DEL
        raise SkippedFile(f"{path}: skipped: binary file (not text in UTF-8, Shift_JIS or EUC-JP)")
    raise JalintError(
        f"{path}:{_line_of(data, start)}: not valid UTF-8 (byte 0x{data[start]:02x} at offset {start}), "
        f"nor Shift_JIS or EUC-JP; give the file's encoding with --encoding"
    )


def encode_text(text: str, bom: bool, encoding: str, path: str, first_line: int = 1) -> bytes:
    """The bytes of ``text`` in ``encoding``; a character the encoding cannot hold is
    a one-line error naming the line (nothing is written)."""
    full = ("\ufeff" if bom else "") + text
    try:
        return full.encode(encoding)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        before = full[:exc.start]
        line = first_line + before.count("\n") + before.count("\r") - before.count("\r\n")
        raise JalintError(
            f"{path}:{line}: fix not written: {bad!r} (U+{ord(bad[0]):04X}) cannot be written in "
            f"{display_name(encoding)}; the file is unchanged"
        ) from None
