"""Assembling the rules of a run: presets named by the configuration (or --preset),
the team's rule files, prh dictionaries and terms, then the per-rule settings
(off, severity, options)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from .config import Config
from .errors import JalintError
from .presets import select as select_preset
from .presets import with_options
from .rules import Rule, build_rule, load_rule_file, load_rules
from .yamlio import LineDict


def _line_dict(data: dict, line: int) -> LineDict:
    d = LineDict(data)
    d.line = line
    d.key_lines = {k: line for k in data}
    return d


def term_rules(config: Config) -> list[Rule]:
    """The configuration's ``terms`` as one substitution rule: every variant (or wrong
    word) is replaced by the team's preferred (right) word."""
    mapping: dict[str, str] = {}
    lines: dict[str, int] = {}
    for t in config.terms:
        pairs = [(v, t.preferred) for v in t.variants] if t.preferred else [(t.wrong, t.right)]
        for wrong, right in pairs:
            if wrong in mapping and mapping[wrong] != right:
                raise JalintError(
                    f"{config.label}:{t.line}: terms: {wrong} → {right} contradicts {wrong} → {mapping[wrong]} (line {lines[wrong]})"
                )
            mapping[wrong] = right
            lines[wrong] = t.line
    if not mapping:
        return []
    first_wrong = next(iter(mapping))
    spec = _line_dict(
        {
            "id": "terms/team",
            "kind": "substitution",
            "severity": "warning",
            "fixable": True,
            "match": mapping,
            "word": False,
            "message": "「{match}」ではなく「{suggestion}」と書きます（プロジェクトの用語集）",
            "description": "The project's own terms, from the configuration file.",
            "examples": {"bad": [first_wrong], "good": [mapping[first_wrong]]},
        },
        config.terms[0].line,
    )
    return [build_rule(spec, config.label)]


def _apply_options(rule: Rule, options: dict, config: Config) -> Rule:
    try:
        return with_options(rule, options)
    except JalintError as exc:
        line = config.rule_lines.get(rule.id, 1)
        reason = str(exc).split(f"rule {rule.id}: ", 1)[-1]
        raise JalintError(f"{config.label}:{line}: rules.{rule.id}.options: {reason}") from None


def assemble(config: Config, preset: str | None = None, extra_rule_files: list[str] | None = None) -> list[Rule]:
    bundled = load_rules([])
    presets = [preset] if preset else config.extends
    chosen: list[Rule] = []
    seen: set[str] = set()
    for name in presets:
        for r in select_preset(bundled, name):
            if r.id not in seen:
                seen.add(r.id)
                chosen.append(r)
    known = {r.id: r for r in bundled}
    extra: list[Rule] = []
    for path in list(config.rule_files) + [Path(p) for p in extra_rule_files or []]:
        extra.extend(load_rule_file(Path(path), str(path)))
    if config.prh:
        from .prh import load_prh_rule

        for path in config.prh:
            extra.append(load_prh_rule(path))
    extra.extend(term_rules(config))
    for r in extra:
        if r.id in known or r.id in seen:
            where = known[r.id].source if r.id in known else "another file"
            raise JalintError(f"{r.source}: rule id {r.id} is already defined at {where}")
        seen.add(r.id)
        known[r.id] = r
        chosen.append(r)
    out = []
    for r in chosen:
        setting = config.rules.get(r.id)
        if setting is not None:
            if not setting.enabled:
                continue
            if setting.options:
                r = _apply_options(r, setting.options, config)
            if setting.severity:
                r = dataclasses.replace(r, severity=setting.severity)
        if r.enabled:
            out.append(r)
    # a setting for a rule that is not in the preset turns it on
    chosen_ids = {r.id for r in out}
    for rid, setting in config.rules.items():
        if rid not in known:
            raise JalintError(f"{config.label}:{config.rule_lines[rid]}: rules: unknown rule '{rid}' (see `jalint rules`)")
        if rid not in chosen_ids and setting.enabled and rid not in {r.id for r in chosen}:
            r = known[rid]
            if setting.options:
                r = _apply_options(r, setting.options, config)
            if setting.severity:
                r = dataclasses.replace(r, severity=setting.severity)
            out.append(r)
    return out
