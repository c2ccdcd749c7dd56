"""jalint's user cache folder, and how its entries are named and keyed (a module
of its own, on os alone: a re-run answered from the cache finds it without
importing anything else, and every run's start reads the cache)."""
from __future__ import annotations

import functools
import os

CODE_ROOT = os.path.dirname(os.path.abspath(__file__))  # jalint's own code


def user_cache_folder() -> str | None:
    """jalint's user cache folder, or None when caching is off (``JALINT_NO_CACHE``
    set): ``$JALINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/jalint``, else
    ``~/.cache/jalint`` (as black and pre-commit do)."""
    if os.environ.get("JALINT_NO_CACHE", "") not in ("", "0"):
        return None
    own = os.environ.get("JALINT_CACHE_DIR")
    if own:
        return own
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return os.path.join(xdg, "jalint")
    home = os.path.expanduser("~")
    if home == "~":  # no home folder to be found
        return None
    return os.path.join(home, ".cache", "jalint")


def user_cache_dir():
    """``user_cache_folder`` as a Path (or None)."""
    from pathlib import Path

    folder = user_cache_folder()
    return Path(folder) if folder is not None else None


def write_atomic(path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (its folder made, private) through a temporary file
    and ``os.replace``: a reader (another worker, another run) sees the old file or
    the new one, never half of one.  False when it cannot be written: a cache that
    cannot be written only costs time."""
    import threading

    path = os.fspath(path)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return True
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def short_name(text: str) -> str:
    """A file name for the entry of ``text`` (a path, a key): its CRC-32 and length.
    An entry holds its whole key and is checked against it, so two texts that
    share a name only take turns in one file."""
    import zlib

    data = text.encode("utf-8", "surrogatepass")
    return f"{zlib.crc32(data):08x}-{len(data):x}"


def code_stamp() -> tuple:
    """jalint's code as the user cache keys its entries: the path, size and times of
    each of its Python files.  ``os.stat`` alone, no file read: this is part of
    every run's start, where reading and hashing the code took 2 ms and importing
    hashlib 3 ms more.  The change time, which no program can set back, tells an
    edit that keeps the size and the modification time.  (The project's result
    cache, which CI restores onto fresh checkouts, hashes the code's contents
    instead: see cache.source_digest.)"""
    return _code_stamp(CODE_ROOT)


@functools.lru_cache(maxsize=None)
def _code_stamp(root: str) -> tuple:
    stamp = []
    for top, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(top, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                stamp.append((os.path.relpath(path, root), st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    return tuple(stamp)


def tokenizer_folders() -> list[tuple[str, str]]:
    """(package, folder) of SudachiPy and its dictionary, found without importing them."""
    import importlib.util

    folders = []
    for name in ("sudachipy", "sudachidict_core"):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        folders.extend((name, f) for f in ((spec.submodule_search_locations or []) if spec else []))
    return folders


@functools.lru_cache(maxsize=1)
def tokenizer_stamp() -> tuple:
    """SudachiPy and its dictionary by the name, size and time of their files, once
    per process and without importing them: an upgrade changes the tokens, so what
    is built from them (a dictionary classified by them, findings) is keyed by it."""
    stamp = []
    for name, folder in tokenizer_folders():
        for top, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")  # (bytecode comes and goes)
            for n in sorted(names):
                try:
                    st = os.stat(os.path.join(top, n))
                except OSError:
                    continue
                stamp.append((name, n, st.st_size, st.st_mtime_ns))
    return tuple(stamp)
