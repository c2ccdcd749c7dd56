"""Reading files and standard input, and walking directories.

Whatever a repository holds, reading never crashes and never hangs:

* Text is UTF-8 (with or without a BOM), UTF-16 with a BOM, Shift_JIS (CP932) or
  EUC-JP, detected by ``linter.encoding`` (``--encoding`` forces one).  Bytes that are
  text in none of them are a one-line error naming the file and line.
* Binary files, files over ``MAX_FILE_BYTES`` and devices are skipped with a notice
  (``SkippedFile``), not an error.
* Directory walks follow no symbolic link to a folder (so links cannot loop), lint a
  linked file once (under the first name met), skip broken links with a notice and
  report folders they cannot list.
* A ``Source`` never holds lone surrogates (``\\ud800``, as a ``surrogateescape``
  decoder or an API caller may produce): each becomes U+FFFD, one code point for one,
  so every position stays right.
"""
from __future__ import annotations

import os
import re
import stat
import sys

from .encoding import SkippedFile, decode_bytes
from .errors import JalintError
from .record import Record

MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt",)
SKIPPED_DIRS = {"node_modules", "__pycache__"}
BOM = "\ufeff"
MAX_FILE_BYTES = 10_000_000  # larger files are skipped with a notice
_SURROGATE = re.compile("[\ud800-\udfff]")

_forced_encoding: str | None = None


def use_encoding(name: str | None) -> None:
    """Read every file in this encoding from now on (None: detect)."""
    global _forced_encoding
    _forced_encoding = name


class Fingerprint(Record):
    """What the file on disk was when it was read: a fix is written only while the
    file is still exactly this."""

    __slots__ = _fields = ("size", "mtime_ns", "sha256")

    def __init__(self, size: int, mtime_ns: int, sha256: str) -> None:
        self.size = size
        self.mtime_ns = mtime_ns
        self.sha256 = sha256

    @classmethod
    def of(cls, data: bytes, st: os.stat_result) -> "Fingerprint":
        import hashlib

        return cls(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())


class Source(Record):
    __slots__ = _fields = ("path", "text", "syntax", "bom", "stdin", "encoding", "fingerprint", "exact")

    def __init__(self, path: str, text: str, syntax: str, bom: bool = False, stdin: bool = False,
                 encoding: str = "utf-8", fingerprint: Fingerprint | None = None, exact: bool = True) -> None:
        if _SURROGATE.search(text):
            text = _SURROGATE.sub("\ufffd", text)
        self.path = path  # as the user gave it (or as found under a directory they gave)
        self.text = text  # decoded, BOM removed
        self.syntax = syntax  # "markdown" | "text"
        self.bom = bom
        self.stdin = stdin
        self.encoding = encoding  # the file's own encoding, for writing fixes back
        self.fingerprint = fingerprint
        self.exact = exact  # decoding then encoding gives back the very same bytes


def syntax_for(path: str) -> str:
    lower = path.lower()
    if lower.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    return "text"


def decode(data: bytes, path: str, encoding: str | None = None) -> tuple[str, bool]:
    """Decode a file's bytes (see ``linter.encoding``); a bad byte is a one-line error
    naming the line."""
    d = decode_bytes(data, path, encoding if encoding is not None else _forced_encoding)
    return d.text, d.bom


def _read_bytes(path: str) -> tuple[bytes, os.stat_result]:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        if os.path.islink(path):
            raise JalintError(f"{path}: broken symbolic link") from None
        raise JalintError(f"{path}: no such file or directory") from None
    except IsADirectoryError:
        raise JalintError(f"{path}: is a directory") from None
    except OSError as exc:
        raise JalintError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise JalintError(f"{path}: is a directory")
        if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) or stat.S_ISSOCK(st.st_mode):
            raise SkippedFile(f"{path}: skipped: not a regular file (a device or socket)")
        if st.st_size > MAX_FILE_BYTES:
            raise SkippedFile(f"{path}: skipped: {st.st_size:,} bytes, larger than the {MAX_FILE_BYTES:,}-byte limit")
        chunks, total = [], 0
        with os.fdopen(fd, "rb", closefd=False) as fh:
            while True:
                chunk = fh.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                if total > MAX_FILE_BYTES:  # a pipe (or a file that grew) past the limit
                    raise SkippedFile(f"{path}: skipped: larger than the {MAX_FILE_BYTES:,}-byte limit")
        return b"".join(chunks), st
    except OSError as exc:
        raise JalintError(f"{path}: cannot read ({exc.strerror})") from None
    finally:
        os.close(fd)


def read_file(path: str, encoding: str | None = None, fingerprint: bool = False) -> Source:
    """The file decoded; with ``fingerprint`` (a file --fix may write back) also what
    it was on disk."""
    data, st = _read_bytes(path)
    d = decode_bytes(data, path, encoding if encoding is not None else _forced_encoding)
    return Source(path, d.text, syntax_for(path), d.bom, encoding=d.encoding,
                  fingerprint=Fingerprint.of(data, st) if fingerprint else None, exact=d.exact)


def read_stdin(name: str | None, encoding: str | None = None) -> Source:
    data = sys.stdin.buffer.read()
    label = name or "<stdin>"
    d = decode_bytes(data, label, encoding if encoding is not None else _forced_encoding)
    syntax = syntax_for(name) if name else "markdown"
    return Source(label, d.text, syntax, d.bom, stdin=True, encoding=d.encoding, exact=d.exact)


def _lintable(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES + TEXT_SUFFIXES)


def walk_files(paths: list[str], errors: list[str] | None = None,
               notices: list[str] | None = None, visited: list[str] | None = None) -> list[tuple[str, tuple, bool]]:
    """(path, identity, found by walking) for every file to lint, in order, each file
    once.  The identity is (device, inode), so a file reached through a symbolic or
    hard link is linted once.  Problems go to ``errors`` (a path that does not exist,
    a folder that cannot be listed) and ``notices`` (a broken link skipped); without
    an ``errors`` list the first problem is raised.  Each folder listed is added to
    ``visited``."""

    def problem(message: str) -> None:
        if errors is None:
            raise JalintError(message)
        errors.append(message)

    def notice(message: str) -> None:
        if notices is not None:
            notices.append(message)

    found: list[tuple[str, tuple, bool]] = []
    seen: set = set()

    def add(path: str, key: tuple, walked: bool) -> None:
        if key not in seen:
            seen.add(key)
            found.append((path, key, walked))

    for p in paths:
        if p == "-":
            found.append((p, ("-",), False))
            continue
        try:
            st = os.stat(p)
        except FileNotFoundError:
            problem(f"{p}: {'broken symbolic link' if os.path.islink(p) else 'no such file or directory'}")
            continue
        except OSError as exc:
            problem(f"{p}: cannot read ({exc.strerror})")
            continue
        if not stat.S_ISDIR(st.st_mode):
            add(p, (st.st_dev, st.st_ino), False)
            continue
        stack = [(p, st.st_dev)]
        while stack:
            folder, dev = stack.pop()
            if visited is not None:
                visited.append(folder)
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except OSError as exc:
                problem(f"{folder}: cannot read folder ({exc.strerror})")
                continue
            subdirs = []
            for e in entries:
                name = e.name
                if name.startswith("."):
                    continue
                try:
                    if e.is_symlink():
                        if not _lintable(name):
                            continue  # links to folders are not followed: no loops
                        full = os.path.normpath(os.path.join(folder, name))
                        try:
                            target = os.stat(full)
                        except OSError:
                            notice(f"{full}: skipped: broken symbolic link")
                            continue
                        if stat.S_ISREG(target.st_mode):
                            add(full, (target.st_dev, target.st_ino), True)
                    elif e.is_dir(follow_symlinks=False):
                        if name not in SKIPPED_DIRS:
                            subdirs.append((e.path, e.stat(follow_symlinks=False).st_dev))
                    elif _lintable(name) and e.is_file(follow_symlinks=False):
                        add(os.path.normpath(os.path.join(folder, name)), (dev, e.inode()), True)
                except OSError as exc:  # an entry that vanished or cannot be examined
                    problem(f"{os.path.join(folder, name)}: cannot read ({exc.strerror})")
            stack.extend(reversed(subdirs))
    return found


def expand_paths(paths: list[str]) -> list[str]:
    """Files named directly are kept whatever their suffix; directories are walked
    for Markdown and text files, skipping hidden folders and node_modules."""
    return [p for p, _, _ in walk_files(paths)]
