"""Applying suggestions safely.

A finding is fixed when its rule is fixable and it has exactly one suggestion.
Overlapping fixes are not applied together: the first wins, and the text is linted
again for another pass (at most ``MAX_PASSES``).  Only the fixed spans change;
writes are atomic (a temporary file beside the original, then a rename), keep
the BOM, the line endings, the file's encoding, mode and owner, go through symbolic
links to their target, and are refused (nothing written) when a replacement cannot
be encoded in the file's encoding or the file changed on disk since it was read.
"""
from __future__ import annotations

import collections
import difflib
import hashlib
import os
import re
import stat
import tempfile
from typing import Callable

from .document import Finding
from .encoding import encode_text
from .errors import JalintError
from .record import Record
from .source import Fingerprint

MAX_PASSES = 10


class Edit(Record):
    __slots__ = _fields = ("start", "end", "text", "rule")

    def __init__(self, start: int, end: int, text: str, rule: str) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.rule = rule


def plan(findings: list[Finding]) -> list[Edit]:
    """The fixes of one pass: safe ones, not overlapping, in text order."""
    candidates = sorted(
        (Edit(f.start, f.end, f.suggestions[0], f.rule) for f in findings
         if f.fixable and len(f.suggestions) == 1 and f.end > f.start),
        key=lambda e: (e.start, e.end),
    )
    chosen: list[Edit] = []
    last_end = -1
    for e in candidates:
        if e.start < last_end or (chosen and e.start == chosen[-1].start):
            continue
        chosen.append(e)
        last_end = e.end
    return chosen


def apply(text: str, edits: list[Edit]) -> str:
    out, last = [], 0
    for e in edits:
        out.append(text[last:e.start])
        out.append(e.text)
        last = e.end
    out.append(text[last:])
    return "".join(out)


def fix_text(text: str, lint: Callable[[str], list[Finding]]) -> tuple[str, collections.Counter]:
    """Fix ``text`` over several passes; ``lint(text)`` returns its findings."""
    applied: collections.Counter = collections.Counter()
    seen = {text}
    for _ in range(MAX_PASSES):
        edits = plan(lint(text))
        if not edits:
            break
        new = apply(text, edits)
        if new in seen:  # two rules undoing each other: stop
            break
        seen.add(new)
        applied.update(e.rule for e in edits)
        text = new
    return text, applied


def unified_diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    )


class ChangedOnDisk(JalintError):
    """The file changed after it was read: the fix is not written."""


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_BLINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def encode_fixed(path: str, text: str, bom: bool, encoding: str = "utf-8", exact: bool = True,
                 original: bytes | None = None) -> bytes:
    """The bytes to write for the fixed ``text``.  Where decoding and encoding the
    original did not give back the same bytes (CP932 has characters with two codes),
    the lines the fix did not touch keep their original bytes."""
    if exact or original is None:
        return encode_text(text, bom, encoding, path)
    old_text = original.decode(encoding)
    if old_text.startswith("\ufeff"):
        old_text = old_text[1:]
    head = ("\ufeff" if bom else "").encode(encoding)
    body = original[len(head):] if original.startswith(head) else original
    old_lines, new_lines = _LINE.findall(old_text), _LINE.findall(text)
    old_bytes = _BLINE.findall(body)
    if len(old_bytes) != len(old_lines) or any(b.decode(encoding) != t for b, t in zip(old_bytes, old_lines)):
        return encode_text(text, bom, encoding, path)
    out = [head]
    ops = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            out.extend(old_bytes[i1:i2])
        else:
            prefix = "".join(new_lines[:j1])
            out.append(encode_text("".join(new_lines[j1:j2]), False, encoding, path,
                                   first_line=_count_lines(prefix) + 1))
    return b"".join(out)


def _count_lines(text: str) -> int:
    return len(_LINE.findall(text))


def _unchanged(path: str, expected: Fingerprint) -> bytes:
    """The file's bytes, provided it is still what was read; else ChangedOnDisk."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise JalintError(f"{path}: cannot check the file before writing the fix ({exc.strerror}); nothing written") from None
    if len(data) != expected.size or hashlib.sha256(data).hexdigest() != expected.sha256:
        raise ChangedOnDisk(f"{path}: changed on disk since jalint read it; fix not written (run jalint --fix again)")
    return data


def write_atomic(path: str, text: str, bom: bool, encoding: str = "utf-8",
                 fingerprint: Fingerprint | None = None, exact: bool = True) -> None:
    """Write the fixed text: encode it in the file's own encoding (refusing, with
    nothing written, where a character cannot be), write a temporary file beside the
    real one (through a symbolic link, beside its target), keep the mode and owner,
    check that the file has not changed since it was read, then rename over it.  An
    interruption leaves the old file or the new one, never a mix."""
    target = os.path.realpath(path)
    original = None
    if fingerprint is not None and not exact:
        original = _unchanged(target, fingerprint)
    data = encode_fixed(path, text, bom, encoding, exact, original)
    folder = os.path.dirname(target)
    try:
        st = os.stat(target)
    except OSError:
        st = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".jalint-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise JalintError(f"{path}: cannot write the fixed file ({exc.strerror}); the file is unchanged") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.chown(tmp, st.st_uid, st.st_gid)
                except OSError:
                    pass  # not allowed to give the file away: it becomes ours
        if fingerprint is not None:
            _unchanged(target, fingerprint)  # as late as possible before the rename
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise JalintError(f"{path}: cannot write the fixed file ({exc.strerror}); the file is unchanged") from None
        raise
    _sync_folder(folder)


def _sync_folder(folder: str) -> None:
    """Make the rename durable (where the platform lets a folder be fsynced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
