"""Assembling the rules of a run: presets named by the configuration (or --preset),
the team's rule files, prh dictionaries and terms, then the per-rule settings
(off, severity, options)."""
from __future__ import annotations

from pathlib import Path

from .config import Config
from .errors import JalintError
from .presets import configured, selection, with_options
from .rules import Rule, build_rule, bundled_rule, bundled_specs, load_rule_file
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
    """The run's rules.  Bundled rules are built only when chosen (by a preset or a
    setting): building compiles patterns and loads dictionaries."""
    bundled_ids = list(bundled_specs())
    presets = [preset] if preset else config.extends
    chosen: list[Rule] = []
    seen: set[str] = set()
    for name in presets:
        for rid, severity, options in selection(bundled_ids, name):
            if rid not in seen:
                seen.add(rid)
                chosen.append(configured(bundled_rule(rid), severity, options))
    own: dict[str, Rule] = {}  # the rules of the team's files, prh and terms

    def known(rid: str) -> bool:
        return rid in own or rid in bundled_specs()

    def rule_of(rid: str) -> Rule:
        return own[rid] if rid in own else bundled_rule(rid)

    extra: list[Rule] = []
    for path in list(config.rule_files) + [Path(p) for p in extra_rule_files or []]:
        extra.extend(load_rule_file(Path(path), str(path)))
    if config.prh:
        from .prh import load_prh_rule

        for path in config.prh:
            extra.append(load_prh_rule(path))
    extra.extend(term_rules(config))
    for r in extra:
        if known(r.id) or r.id in seen:
            where = rule_of(r.id).source if known(r.id) else "another file"
            raise JalintError(f"{r.source}: rule id {r.id} is already defined at {where}")
        seen.add(r.id)
        own[r.id] = r
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
                r = r.replace(severity=setting.severity)
        if r.enabled:
            out.append(r)
    # a setting for a rule that is not in the preset turns it on
    chosen_ids = {r.id for r in out}
    for rid, setting in config.rules.items():
        if not known(rid):
            raise JalintError(f"{config.label}:{config.rule_lines[rid]}: rules: unknown rule '{rid}' (see `jalint rules`)")
        if rid not in chosen_ids and setting.enabled and rid not in {r.id for r in chosen}:
            r = rule_of(rid)
            if setting.options:
                r = _apply_options(r, setting.options, config)
            if setting.severity:
                r = r.replace(severity=setting.severity)
            out.append(r)
    from . import regexcache

    regexcache.save()  # the patterns compiled so far (imports, rules): the next run reuses them
    return out
