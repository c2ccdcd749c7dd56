"""Loading and validating YAML rule files into ``Rule`` objects.

A rule file holds ``rules:``, a list of mappings, and optionally ``defaults:``, keys
applied to every rule of the file.  Every rule is an instance of one kind (see
``linter/kinds``).  Anything malformed is an error ``rules/x.yaml:LINE: what is wrong``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .document import SEVERITIES
from .errors import JalintError
from .kinds import KINDS
from .matching import PatternError
from .yamlio import LineDict, load_yaml

COMMON_KEYS = {"id", "kind", "severity", "message", "description", "examples", "fixable", "tags", "enabled"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*(/[a-z0-9][a-z0-9_.-]*)+$")


@dataclass
class Example:
    text: str
    suggestion: str | None = None
    syntax: str | None = None  # "markdown" or "text": test it as that only


@dataclass
class Rule:
    id: str
    kind: str
    severity: str
    message: str
    description: str
    source: str  # "rules/FILE.yaml:LINE"
    checker: Any
    bad: list[Example] = field(default_factory=list)
    good: list[Example] = field(default_factory=list)
    fixable: bool = False
    tags: list[str] = field(default_factory=list)
    enabled: bool = True
    spec: dict = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """The first sentence of the description (or the message)."""
        text = " ".join((self.description or self.message).split())
        m = re.search(r"(?<=[.。])(\s|$)", text)
        return text[: m.start()] if m else text


def package_data_dir(name: str) -> Path:
    """``rules`` or ``dictionaries``: inside the installed wheel, or beside the package
    in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    raise JalintError(f"the bundled {name}/ folder is missing from this installation")


def _display(path: Path) -> str:
    """``rules/x.yaml`` for bundled files, the path itself for others."""
    for name in ("rules", "dictionaries"):
        try:
            base = package_data_dir(name)
        except JalintError:
            continue
        try:
            return f"{name}/{path.resolve().relative_to(base).as_posix()}"
        except ValueError:
            pass
    return str(path)


def _examples(value: Any, label: str, line: int) -> tuple[list[Example], list[Example]]:
    if not isinstance(value, dict):
        raise JalintError(f"{label}:{line}: 'examples' must be a mapping with 'bad' and 'good' lists")
    out = {}
    for key in ("bad", "good"):
        items = value.get(key, [])
        if not isinstance(items, list):
            raise JalintError(f"{label}:{value.line_of(key) if isinstance(value, LineDict) else line}: 'examples.{key}' must be a list")
        parsed = []
        for item in items:
            if isinstance(item, str):
                parsed.append(Example(item))
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                sugg = item.get("suggestion")
                if sugg is not None and not isinstance(sugg, str):
                    raise JalintError(f"{label}:{item.line}: 'suggestion' must be a string")
                syntax = item.get("syntax")
                if syntax not in (None, "markdown", "text"):
                    raise JalintError(f"{label}:{item.line}: 'syntax' must be markdown or text")
                parsed.append(Example(item["text"], sugg, syntax))
            else:
                raise JalintError(f"{label}:{line}: each example must be a string or {{text, suggestion}}")
        out[key] = parsed
    unknown = set(value) - {"bad", "good"}
    if unknown:
        raise JalintError(f"{label}:{line}: unknown key in examples: {sorted(unknown)[0]}")
    if not out["bad"]:
        raise JalintError(f"{label}:{line}: a rule needs at least one 'bad' example")
    return out["bad"], out["good"]


def build_rule(spec: LineDict, label: str) -> Rule:
    line = spec.line
    where = f"{label}:{line}"
    rid = spec.get("id")
    if not isinstance(rid, str) or not ID_RE.match(rid):
        raise JalintError(f"{where}: rule 'id' must look like 'group/name' (lowercase ASCII), got {rid!r}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise JalintError(f"{label}:{spec.line_of('kind')}: rule {rid}: unknown kind {kind!r} (use {', '.join(sorted(KINDS))})")
    module = KINDS[kind]
    severity = spec.get("severity")
    if severity not in SEVERITIES:
        raise JalintError(f"{label}:{spec.line_of('severity')}: rule {rid}: 'severity' must be one of {', '.join(SEVERITIES)}")
    message = spec.get("message")
    if not isinstance(message, str) or not message.strip():
        raise JalintError(f"{where}: rule {rid}: 'message' is required")
    description = spec.get("description", "")
    if not isinstance(description, str):
        raise JalintError(f"{label}:{spec.line_of('description')}: rule {rid}: 'description' must be a string")
    if "examples" not in spec:
        raise JalintError(f"{where}: rule {rid}: 'examples' (bad and good texts) are required")
    bad, good = _examples(spec["examples"], label, spec.line_of("examples"))
    for key in spec:
        if key not in COMMON_KEYS and key not in module.KEYS:
            raise JalintError(
                f"{label}:{spec.line_of(key)}: rule {rid}: unknown key '{key}' for kind {kind}"
            )
    fixable = spec.get("fixable", False)
    if not isinstance(fixable, bool):
        raise JalintError(f"{label}:{spec.line_of('fixable')}: rule {rid}: 'fixable' must be true or false")
    tags = spec.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise JalintError(f"{label}:{spec.line_of('tags')}: rule {rid}: 'tags' must be a list of strings")
    enabled = spec.get("enabled", True)
    if not isinstance(enabled, bool):
        raise JalintError(f"{label}:{spec.line_of('enabled')}: rule {rid}: 'enabled' must be true or false")
    try:
        checker = module.compile(spec)
    except PatternError as exc:
        key = exc.key.split(".")[0]
        raise JalintError(f"{label}:{spec.line_of(key)}: rule {rid}: {exc}") from None
    return Rule(
        id=rid,
        kind=kind,
        severity=severity,
        message=message.strip(),
        description=description.strip(),
        source=f"{label}:{line}",
        checker=checker,
        bad=bad,
        good=good,
        fixable=fixable,
        tags=tags,
        enabled=enabled,
        spec=spec,
    )


def load_rule_file(path: Path, label: str | None = None) -> list[Rule]:
    label = label or _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise JalintError(f"{label}: cannot read rule file ({exc})") from None
    data = load_yaml(text, label)
    if not isinstance(data, dict) or "rules" not in data:
        raise JalintError(f"{label}:1: a rule file is a mapping with a 'rules' list")
    unknown = set(data) - {"rules", "defaults"}
    if unknown:
        key = sorted(unknown)[0]
        raise JalintError(f"{label}:{data.line_of(key)}: unknown top-level key '{key}' (use rules, defaults)")
    defaults = data.get("defaults", {}) or {}
    if not isinstance(defaults, dict):
        raise JalintError(f"{label}:{data.line_of('defaults')}: 'defaults' must be a mapping")
    items = data["rules"]
    if not isinstance(items, list):
        raise JalintError(f"{label}:{data.line_of('rules')}: 'rules' must be a list")
    rules = []
    for item in items:
        if not isinstance(item, LineDict):
            raise JalintError(f"{label}:{data.line_of('rules')}: each rule must be a mapping")
        merged = LineDict({**defaults, **item})
        merged.line = item.line
        merged.key_lines = {**{k: defaults.line_of(k) for k in defaults}, **item.key_lines} if isinstance(defaults, LineDict) else dict(item.key_lines)
        rules.append(build_rule(merged, label))
    return rules


def load_rules(extra_files: list[Path] | None = None) -> list[Rule]:
    rules = list(bundled_rules())
    for f in extra_files or []:
        rules.extend(load_rule_file(Path(f), str(f)))
    seen: dict[str, Rule] = {}
    for r in rules:
        if r.id in seen:
            raise JalintError(f"{r.source}: rule id {r.id} is already defined at {seen[r.id].source}")
        seen[r.id] = r
    return rules


@functools.lru_cache(maxsize=1)
def bundled_rules() -> tuple[Rule, ...]:
    folder = package_data_dir("rules")
    rules: list[Rule] = []
    for path in sorted(folder.glob("*.yaml")):
        if path.name == "presets.yaml":
            continue
        rules.extend(load_rule_file(path))
    return tuple(rules)


def knowledge_counts(rules: list[Rule]) -> list[str]:
    """Lines saying how much the dictionaries behind the rules hold."""
    lines = []
    for r in rules:
        counts = getattr(r.checker, "counts", None)
        if counts is not None:
            what = counts()
            parts = [f"{n} {label}" if n else label for label, n in what]
            if parts:
                lines.append(f"{r.id}: " + ", ".join(parts))
    return lines
