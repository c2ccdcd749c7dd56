"""Reading files and standard input, and walking directories."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import JalintError

MARKDOWN_SUFFIXES = (".md", ".markdown")
TEXT_SUFFIXES = (".txt",)
SKIPPED_DIRS = {"node_modules", "__pycache__"}
BOM = "\ufeff"


@dataclass(slots=True)
class Source:
    path: str  # as the user gave it (or as found under a directory they gave)
    text: str  # decoded, BOM removed
    syntax: str  # "markdown" | "text"
    bom: bool = False
    stdin: bool = False


def syntax_for(path: str) -> str:
    lower = path.lower()
    if lower.endswith(MARKDOWN_SUFFIXES):
        return "markdown"
    return "text"


def decode(data: bytes, path: str) -> tuple[str, bool]:
    """Decode UTF-8 (with or without BOM); a bad byte is a one-line error naming the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise JalintError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    bom = text.startswith(BOM)
    if bom:
        text = text[1:]
    return text, bom


def read_file(path: str) -> Source:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise JalintError(f"{path}: no such file or directory") from None
    except IsADirectoryError:
        raise JalintError(f"{path}: is a directory") from None
    except OSError as exc:
        raise JalintError(f"{path}: cannot read ({exc.strerror})") from None
    text, bom = decode(data, path)
    return Source(path, text, syntax_for(path), bom)


def read_stdin(name: str | None) -> Source:
    data = sys.stdin.buffer.read()
    label = name or "<stdin>"
    text, bom = decode(data, label)
    syntax = syntax_for(name) if name else "markdown"
    return Source(label, text, syntax, bom, stdin=True)


def _lintable(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES + TEXT_SUFFIXES)


def expand_paths(paths: list[str]) -> list[str]:
    """Files named directly are kept whatever their suffix; directories are walked
    for Markdown and text files, skipping hidden folders and node_modules."""
    found: list[str] = []
    seen: set[str] = set()
    for p in paths:
        if p == "-":
            found.append(p)
            continue
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
                for f in sorted(files):
                    if _lintable(f) and not f.startswith("."):
                        full = os.path.normpath(os.path.join(root, f))
                        if full not in seen:
                            seen.add(full)
                            found.append(full)
        elif os.path.exists(p):
            if p not in seen:
                seen.add(p)
                found.append(p)
        else:
            raise JalintError(f"{p}: no such file or directory")
    return found
