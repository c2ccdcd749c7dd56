"""Compiled regular expressions kept between runs.

Python compiles a regular expression by parsing it in Python code.  jalint's rules
and modules hold a few hundred patterns, some of them tries of thousands of words,
and compiling them was a large part of every start-up (with every rule on, 56 of
the 90 ms of assembling the rules; 18 ms of imports).  The compiler's output, the
pattern's code (a list of ints) and its groups, is kept in the user cache folder
(see ``userdirs.user_cache_dir``), one file per Python build, and a pattern is
rebuilt from it with the very call ``re`` makes at the end of compiling.

Nothing here can change a result: the key is the pattern text and flags, the code
is checked by the regex engine when it is loaded, and anything unexpected (another
Python, a damaged file, a changed internal, caching turned off) means compiling as
``re.compile`` does.
"""
from __future__ import annotations

import re
import sys
import threading
from array import array

try:  # the regex engine and compiler behind ``re`` (CPython)
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another Python
    _sre = None

MAX_ENTRIES = 20_000  # past this, the file starts afresh with the patterns of this run
_lock = threading.Lock()
_table: dict | None = None  # (pattern, flags) -> (flags, code array, groups, groupindex, indexgroup)
_added: dict = {}  # compiled in this process, not yet written
_used: set = set()  # keys this process asked for


def compile(pattern: str, flags: int = 0) -> re.Pattern:  # noqa: A001 - re.compile's twin
    """``re.compile(pattern, flags)``, from the cache when it holds the pattern."""
    if _sre is None or type(pattern) is not str or flags & re.DEBUG:
        return re.compile(pattern, flags)
    flags = int(flags)
    key = (pattern, flags)
    _used.add(key)
    parts = _entries().get(key)
    if parts is not None:
        try:
            final_flags, code, groups, groupindex, indexgroup = parts
            return _sre.compile(pattern, final_flags, code.tolist(), groups, dict(groupindex), indexgroup)
        except Exception:  # a damaged entry: compile it again
            pass
    try:
        parts = _compile_parts(pattern, flags)  # a bad pattern raises re.error, as re.compile does
        compiled = _sre.compile(pattern, parts[0], parts[1].tolist(), *parts[2:])
    except re.error:
        raise
    except Exception:  # the compiler's internals are not what this module knows
        return re.compile(pattern, flags)
    _added[key] = parts
    return compiled


def _compile_parts(pattern: str, flags: int) -> tuple:
    """What ``re._compiler.compile`` hands to ``_sre.compile`` (but the pattern)."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    state = parsed.state
    indexgroup = [None] * state.groups
    for name, index in state.groupdict.items():
        indexgroup[index] = name
    return (flags | state.flags, array(_CODE_TYPE, code), state.groups - 1, dict(state.groupdict), tuple(indexgroup))


_CODE_TYPE = {2: "H", 4: "I", 8: "Q"}.get(getattr(_sre, "CODESIZE", 4), "I") if _sre is not None else "I"


def _cache_file():
    """This Python build's file, or None when caching is off."""
    from .userdirs import short_name, user_cache_dir

    folder = user_cache_dir()
    if folder is None:
        return None
    build = repr((sys.implementation.cache_tag, sys.version, getattr(_sre, "MAGIC", None),
                  getattr(_sre, "CODESIZE", None), sys.maxunicode))
    return folder / "regex" / f"{short_name(build)}.pickle"


def _read(path) -> dict:
    import pickle

    try:
        with open(path, "rb") as fh:
            stored = pickle.load(fh)  # noqa: S301 - the user's own cache folder
    except Exception:  # missing, unreadable, damaged
        return {}
    return stored if type(stored) is dict else {}


def _entries() -> dict:
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                path = _cache_file()
                _table = _read(path) if path is not None else {}
    return _table


def save() -> None:
    """Write the patterns compiled in this process beside those already kept (by
    other runs and processes meanwhile too).  Cheap when nothing was compiled."""
    if not _added:
        return
    path = _cache_file()
    if path is None:
        _added.clear()
        return
    import pickle

    from .userdirs import write_atomic

    with _lock:
        added = dict(_added)
        _added.clear()
        kept = _read(path)
        kept.update(added)
        if len(kept) > MAX_ENTRIES:  # patterns of rules long gone: keep this run's
            kept = {k: v for k, v in kept.items() if k in _used}
        write_atomic(path, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        if _table is not None:
            _table.update(added)
