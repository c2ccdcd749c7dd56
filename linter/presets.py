"""Presets: named selections of rules (``rules/presets.yaml``).

    presets:
      recommended:
        description: …
        rules: [misconversion/*, style/ra-nuki]      # ids or globs
      manifesto:
        extends: [recommended]
        rules: [style/sentence-length]
        severity: {style/sentence-length: info}      # optional overrides
        options: {style/max-comma: {max: 3}}          # optional rule options

``all`` selects every rule.
"""
from __future__ import annotations

import fnmatch
import functools

from .document import SEVERITIES
from .errors import JalintError
from .record import Record
from .rules import Rule, package_data_dir
from .yamlio import LineDict, load_yaml_file

DEFAULT = "recommended"
FILE = "presets.yaml"


class Preset(Record):
    __slots__ = _fields = ("name", "description", "patterns", "extends", "severity", "options", "line")

    def __init__(self, name: str, description: str, patterns: list[tuple[str, int]] | None = None,
                 extends: list[str] | None = None, severity: dict[str, str] | None = None,
                 options: dict[str, dict] | None = None, line: int = 0) -> None:
        self.name = name
        self.description = description
        self.patterns = [] if patterns is None else patterns  # (glob, line)
        self.extends = [] if extends is None else extends
        self.severity = {} if severity is None else severity
        self.options = {} if options is None else options
        self.line = line


@functools.lru_cache(maxsize=1)
def load_presets() -> dict[str, Preset]:
    label = f"rules/{FILE}"
    path = package_data_dir("rules") / FILE
    data = load_yaml_file(path, label, "presets")
    if not isinstance(data, LineDict) or not isinstance(data.get("presets"), LineDict):
        raise JalintError(f"{label}:1: expected a mapping 'presets'")
    presets: dict[str, Preset] = {}
    for name, spec in data["presets"].items():
        line = data["presets"].line_of(name)
        if not isinstance(spec, LineDict):
            raise JalintError(f"{label}:{line}: preset {name} must be a mapping")
        unknown = set(spec) - {"description", "rules", "extends", "severity", "options"}
        if unknown:
            key = sorted(unknown)[0]
            raise JalintError(f"{label}:{spec.line_of(key)}: preset {name}: unknown key '{key}'")
        rules = spec.get("rules", [])
        if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
            raise JalintError(f"{label}:{spec.line_of('rules')}: preset {name}: 'rules' must be a list of rule ids or globs")
        extends = spec.get("extends", [])
        if not isinstance(extends, list):
            raise JalintError(f"{label}:{spec.line_of('extends')}: preset {name}: 'extends' must be a list")
        severity = spec.get("severity", {}) or {}
        if not isinstance(severity, dict) or not all(v in SEVERITIES for v in severity.values()):
            raise JalintError(f"{label}:{spec.line_of('severity')}: preset {name}: 'severity' maps rule ids to error/warning/info")
        options = spec.get("options", {}) or {}
        if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
            raise JalintError(f"{label}:{spec.line_of('options')}: preset {name}: 'options' maps rule ids to option mappings")
        presets[name] = Preset(name, spec.get("description", ""), [(r, spec.line_of("rules")) for r in rules],
                               list(extends), dict(severity), dict(options), line)
    for p in presets.values():
        for parent in p.extends:
            if parent not in presets:
                raise JalintError(f"{label}:{p.line}: preset {p.name} extends unknown preset {parent!r}")
    return presets


def preset_names() -> list[str]:
    return ["all", *load_presets()]


def selection(ids: list[str], name: str) -> list[tuple[str, str | None, dict | None]]:
    """(rule id, severity override, options) of every rule preset ``name`` selects,
    in the order of ``ids``.  Ids only: the caller builds just the rules chosen."""
    if name == "all":
        return [(rid, None, None) for rid in ids]
    presets = load_presets()
    if name not in presets:
        raise JalintError(f"unknown preset {name!r} (use {', '.join(preset_names())})")
    chosen: set[str] = set()
    severity: dict[str, str] = {}
    options: dict[str, dict] = {}

    def visit(p: Preset, trail: tuple[str, ...]) -> None:
        if p.name in trail:
            raise JalintError(f"rules/{FILE}:{p.line}: preset {p.name} extends itself")
        for parent in p.extends:
            visit(presets[parent], trail + (p.name,))
        for pattern, line in p.patterns:
            matched = fnmatch.filter(ids, pattern)
            if not matched:
                raise JalintError(f"rules/{FILE}:{line}: preset {p.name}: {pattern!r} names no rule")
            chosen.update(matched)
        severity.update(p.severity)
        for rid, opts in p.options.items():
            options.setdefault(rid, {}).update(opts)

    visit(presets[name], ())
    return [(rid, severity.get(rid), options.get(rid)) for rid in ids if rid in chosen]


def configured(rule: Rule, severity: str | None, options: dict | None) -> Rule:
    """The rule with a preset's options and severity applied."""
    if options:
        rule = with_options(rule, options)
    return rule.replace(severity=severity) if severity else rule


def select(rules: list[Rule], name: str) -> list[Rule]:
    """The rules of preset ``name``, in the order of ``rules``, severities overridden."""
    if name == "all":
        return list(rules)
    by_id = {r.id: r for r in rules}
    return [configured(by_id[rid], severity, options)
            for rid, severity, options in selection(list(by_id), name)]


def with_options(rule: Rule, options: dict) -> Rule:
    """The rule rebuilt with some of its keys (or its builtin check's options) replaced."""
    from .rules import build_rule
    from .yamlio import LineDict

    merged = dict(rule.spec)
    if rule.kind == "builtin" and not set(options) <= set(merged) - {"options"}:
        merged["options"] = {**(merged.get("options") or {}), **options}
    else:
        merged.update(options)
    spec = LineDict(merged)
    spec.line = getattr(rule.spec, "line", 1)
    spec.key_lines = dict(getattr(rule.spec, "key_lines", {}))
    rebuilt = build_rule(spec, rule.source.rsplit(":", 1)[0])
    return rebuilt.replace(source=rule.source, severity=rule.severity)
