"""YAML loading that remembers line numbers, so errors can say ``file:LINE``."""
from __future__ import annotations

import functools
import os
import pickle
from pathlib import Path

from . import __version__
from .errors import JalintError
from .userdirs import code_stamp, short_name, user_cache_dir, write_atomic


class LineDict(dict):
    """A mapping that knows the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise _constructor_error("a mapping key must be a plain value", key_node) from None
        if key in data:
            raise _constructor_error(f"duplicate key {key!r}", key_node)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1
    return data


def _constructor_error(problem: str, node):
    from yaml.constructor import ConstructorError

    return ConstructorError(None, None, problem, node.start_mark)


class LineList(list):
    """A sequence that knows the line of each item."""

    item_lines: list

    def line_of_item(self, index: int, default: int = 0) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else default


def _construct_sequence(loader, node, deep=False):
    data = LineList(loader.construct_object(child, deep=True) for child in node.value)
    data.item_lines = [child.start_mark.line + 1 for child in node.value]
    return data


@functools.lru_cache(maxsize=1)
def _loader():
    """The loader class, built on first use: PyYAML is imported only by runs that parse
    YAML (a warm cached run does not).  libyaml's parser when PyYAML was built with it
    (several times faster), the pure Python one otherwise; both give marks with line
    numbers."""
    import yaml

    str_tag = "tag:yaml.org,2002:str"
    scalar = yaml.nodes.ScalarNode

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        def construct_object(self, node, deep=False):
            """Strings, most of the nodes of rule files and dictionaries, directly:
            what the safe constructor would return, without its bookkeeping."""
            if node.tag == str_tag and type(node) is scalar:
                return node.value
            return super().construct_object(node, deep)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    return Loader


def load_yaml(text: str, label: str):
    """Parse YAML text; a syntax error becomes ``label:LINE: message``."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and (
            (exc.problem and "<stream end>" in exc.problem) or (exc.context and "flow" in exc.context)
        ):
            mark = exc.context_mark  # an unclosed bracket: point at where it opened
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and mark is exc.context_mark:
            problem = f"{problem} ({exc.context} that starts here)"
        raise JalintError(f"{label}:{line}: invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise JalintError(f"{label}:1: invalid YAML: {exc}") from None


def load_yaml_file(path, label: str, what: str):
    """Read and parse a YAML file; an unreadable file is ``label: cannot read WHAT``.
    The parsed value is kept in the user's cache folder (see ``parsed_cache_dir``):
    unpickling it is several times faster than parsing, and rule files and
    dictionaries are parsed by every run (dictionaries by every worker process)."""
    entry = _ParsedEntry.of(path)
    if entry is not None:
        data = entry.read()
        if data is not _MISSING:
            return data
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise JalintError(f"{label}: cannot read {what} (not UTF-8: {exc.reason})") from None
    except OSError as exc:
        raise JalintError(f"{label}: cannot read {what} ({exc.strerror})") from None
    data = load_yaml(text, label)
    if entry is not None:
        entry.write(data)
    return data


# -- the parsed-YAML cache ------------------------------------------------------------
# What a cached entry holds; bumped when the parsed structures change shape.
PARSED_FORMAT = 1
_MISSING = object()


def parsed_cache_dir() -> Path | None:
    """The folder of parsed YAML files (``yaml/`` in the user cache folder), or None."""
    base = user_cache_dir()
    return base / "yaml" if base is not None else None


class _ParsedEntry:
    """One YAML file's parsed value in the cache: one pickle per file (named by its
    absolute path, so a changed file replaces its entry instead of adding one), which
    holds the key it was written under — jalint's version and code, the format, the
    file's size and times.  Every failure (unreadable, damaged, unwritable) is a miss:
    the cache only ever costs or saves time."""

    def __init__(self, target, key):
        self.target, self.key = target, key

    @classmethod
    def of(cls, path) -> _ParsedEntry | None:
        folder = parsed_cache_dir()
        if folder is None:
            return None
        try:
            full = os.path.abspath(path)
            st = os.stat(full)
        except (OSError, ValueError):
            return None
        key = (PARSED_FORMAT, __version__, code_stamp(), full, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        name = short_name(full)
        return cls(folder / f"{name}.pickle", key)

    def read(self):
        """The cached value, or ``_MISSING``."""
        try:
            with open(self.target, "rb") as fh:
                stored = pickle.load(fh)  # noqa: S301 - the user's own cache folder
        except Exception:  # missing, unreadable, damaged, written by another Python
            return _MISSING
        if type(stored) is not tuple or len(stored) != 2 or stored[0] != self.key:
            return _MISSING
        return stored[1]

    def write(self, data) -> None:
        """Kept through ``write_atomic``; a value that cannot be pickled is not kept."""
        try:
            blob = pickle.dumps((self.key, data), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        write_atomic(self.target, blob)


def built_entry(kind: str, name, inputs, extra=()) -> _ParsedEntry | None:
    """A cache entry for something built from files, such as a dictionary made ready
    for matching: kept under ``built/`` in the user cache folder, one per ``kind``
    and ``name``, keyed by jalint's version and code, ``extra`` and the path, size
    and times of each of ``inputs`` (None when caching is off or an input is gone)."""
    base = user_cache_dir()
    if base is None:
        return None
    stats = []
    try:
        for path in inputs:
            full = os.path.abspath(path)
            st = os.stat(full)
            stats.append((full, st.st_size, st.st_mtime_ns, st.st_ctime_ns))
    except (OSError, ValueError):
        return None
    key = (PARSED_FORMAT, __version__, code_stamp(), kind, name, tuple(extra), tuple(stats))
    return _ParsedEntry(base / "built" / f"{kind}-{short_name(repr((kind, name)))}.pickle", key)


MISSING = _MISSING  # what an entry's read() gives when it holds nothing for its key
