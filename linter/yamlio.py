"""YAML loading that remembers line numbers, so errors can say ``file:LINE``."""
from __future__ import annotations

import functools

from .errors import JalintError


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
    """Read and parse a YAML file; an unreadable file is ``label: cannot read WHAT``."""
    from pathlib import Path

    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise JalintError(f"{label}: cannot read {what} (not UTF-8: {exc.reason})") from None
    except OSError as exc:
        raise JalintError(f"{label}: cannot read {what} ({exc.strerror})") from None
    return load_yaml(text, label)
