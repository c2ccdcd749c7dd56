"""Configuration: ``.jalint.yaml`` (or ``[tool.jalint]`` in ``pyproject.toml``),
found by walking up from the linted files, or given with ``--config``.

    extends: [recommended]            # preset names
    rules:
      misconversion/jousei: off       # off | error | warning | info
      style/sentence-length: {severity: info, options: {max: 120}}
    include: ["**/*.md", "**/*.txt"]  # globs relative to the configuration file
    exclude: ["drafts/**"]
    terms:                            # the team's own dictionary
      - preferred: 障害
        variants: [障がい, 障碍]
      - wrong: 情勢を図る
        right: 醸成を図る
    rule_files: [team-rules.yaml]     # extra rule files (the format of rules/)
    prh: [prh.yml]                    # prh dictionaries
    sudachi: {split_mode: C, user_dictionary: user.dic}

Paths are relative to the configuration file.  Unknown keys and wrong types are
errors naming the file, the line and the key.
"""
from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Any

from .severities import SEVERITIES
from .errors import JalintError
from .record import Record
from .yamlio import LineDict, load_yaml

CONFIG_NAMES = (".jalint.yaml", ".jalint.yml")
KEYS = {"extends", "rules", "include", "exclude", "terms", "rule_files", "prh", "sudachi"}


class RuleSetting(Record):
    __slots__ = _fields = ("enabled", "severity", "options")

    def __init__(self, enabled: bool = True, severity: str | None = None, options: dict | None = None) -> None:
        self.enabled = enabled
        self.severity = severity
        self.options = {} if options is None else options


class Term(Record):
    __slots__ = _fields = ("preferred", "variants", "wrong", "right", "line")

    def __init__(self, preferred: str | None = None, variants: list[str] | None = None,
                 wrong: str | None = None, right: str | None = None, line: int = 0) -> None:
        self.preferred = preferred
        self.variants = [] if variants is None else variants
        self.wrong = wrong
        self.right = right
        self.line = line


class Config(Record):
    __slots__ = _fields = ("path", "root", "extends", "rules", "rule_lines", "include", "exclude", "terms",
                           "rule_files", "prh", "split_mode", "user_dictionary")

    def __init__(self, path: Path | None = None, root: Path | None = None, extends: list[str] | None = None,
                 rules: dict[str, RuleSetting] | None = None, rule_lines: dict[str, int] | None = None,
                 include: list[str] | None = None, exclude: list[str] | None = None,
                 terms: list[Term] | None = None, rule_files: list[Path] | None = None,
                 prh: list[Path] | None = None, split_mode: str = "C", user_dictionary: Path | None = None) -> None:
        self.path = path  # the configuration file (None: defaults)
        self.root = root  # the project root
        self.extends = ["recommended"] if extends is None else extends
        self.rules = {} if rules is None else rules
        self.rule_lines = {} if rule_lines is None else rule_lines
        self.include = [] if include is None else include
        self.exclude = [] if exclude is None else exclude
        self.terms = [] if terms is None else terms
        self.rule_files = [] if rule_files is None else rule_files
        self.prh = [] if prh is None else prh
        self.split_mode = split_mode
        self.user_dictionary = user_dictionary

    @property
    def label(self) -> str:
        return str(self.path) if self.path else "<defaults>"

    def selects(self, path: str) -> bool:
        """Whether a file found by walking a directory is linted (include/exclude)."""
        if self.root is None:
            return True
        try:
            rel = Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return True
        if self.include and not any(_glob_match(rel, g) for g in self.include):
            return False
        return not any(_glob_match(rel, g) for g in self.exclude)


def _glob_match(rel: str, pattern: str) -> bool:
    """Globs with ** across folders; a pattern without / matches at any depth."""
    if fnmatch.fnmatch(rel, pattern):
        return True
    if pattern.startswith("**/") and fnmatch.fnmatch(rel, pattern[3:]):
        return True
    if "/" not in pattern and fnmatch.fnmatch(rel.rsplit("/", 1)[-1], pattern):
        return True
    if pattern.endswith("/**") and (rel + "/").startswith(pattern[:-2]):
        return True
    return False


def _strings(value: Any, label: str, line: int, key: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise JalintError(f"{label}:{line}: '{key}' must be a string or a list of strings")
    return list(value)


def parse(data: Any, path: Path, label: str | None = None) -> Config:
    label = label or str(path)
    if data is None:
        data = LineDict()
        data.line, data.key_lines = 1, {}
    if not isinstance(data, dict):
        raise JalintError(f"{label}:1: the configuration must be a mapping")
    line_of = data.line_of if isinstance(data, LineDict) else (lambda k: 1)
    for key in data:
        if key not in KEYS:
            raise JalintError(f"{label}:{line_of(key)}: unknown key '{key}' (use {', '.join(sorted(KEYS))})")
    base = path.parent
    cfg = Config(path=path, root=base)
    if "extends" in data:
        cfg.extends = _strings(data["extends"], label, line_of("extends"), "extends")
        from .presets import preset_names

        for name in cfg.extends:
            if name not in preset_names():
                raise JalintError(f"{label}:{line_of('extends')}: unknown preset '{name}' in 'extends' (use {', '.join(preset_names())})")
    rules = data.get("rules", {}) or {}
    if not isinstance(rules, dict):
        raise JalintError(f"{label}:{line_of('rules')}: 'rules' must map rule ids to off, a severity or {{severity, options}}")
    rline = rules.line_of if isinstance(rules, LineDict) else (lambda k: line_of("rules"))
    for rid, value in rules.items():
        setting = RuleSetting()
        where = f"{label}:{rline(rid)}"
        if value is False or value == "off":
            setting.enabled = False
        elif value is True or value == "on":
            pass
        elif isinstance(value, str):
            if value not in SEVERITIES:
                raise JalintError(f"{where}: rules.{rid}: '{value}' is not off, on or a severity ({', '.join(SEVERITIES)})")
            setting.severity = value
        elif isinstance(value, dict):
            unknown = set(value) - {"severity", "options"}
            if unknown:
                raise JalintError(f"{where}: rules.{rid}: unknown key '{sorted(unknown)[0]}' (use severity, options)")
            sev = value.get("severity")
            if sev == "off":
                setting.enabled = False
            elif sev is not None and sev not in SEVERITIES:
                raise JalintError(f"{where}: rules.{rid}.severity: '{sev}' is not off or a severity")
            else:
                setting.severity = sev
            options = value.get("options", {}) or {}
            if not isinstance(options, dict):
                raise JalintError(f"{where}: rules.{rid}.options must be a mapping")
            setting.options = dict(options)
        else:
            raise JalintError(f"{where}: rules.{rid}: give off, a severity, or {{severity, options}}")
        cfg.rules[str(rid)] = setting
        cfg.rule_lines[str(rid)] = rline(rid)
    cfg.include = _strings(data.get("include", []), label, line_of("include"), "include")
    cfg.exclude = _strings(data.get("exclude", []), label, line_of("exclude"), "exclude")
    terms = data.get("terms", []) or []
    if not isinstance(terms, list):
        raise JalintError(f"{label}:{line_of('terms')}: 'terms' must be a list")
    for t in terms:
        tline = getattr(t, "line", line_of("terms"))
        if not isinstance(t, dict):
            raise JalintError(f"{label}:{tline}: each term is {{preferred, variants}} or {{wrong, right}}")
        unknown = set(t) - {"preferred", "variants", "wrong", "right"}
        if unknown:
            raise JalintError(f"{label}:{tline}: terms: unknown key '{sorted(unknown)[0]}' (use preferred, variants, wrong, right)")
        if "preferred" in t or "variants" in t:
            pref, variants = t.get("preferred"), t.get("variants")
            if not isinstance(pref, str) or not pref or not isinstance(variants, list) or not variants \
                    or not all(isinstance(v, str) and v for v in variants):
                raise JalintError(f"{label}:{tline}: terms: 'preferred' needs a word and 'variants' a list of words")
            if pref in variants:
                raise JalintError(f"{label}:{tline}: terms: the preferred form {pref} is also listed as a variant")
            cfg.terms.append(Term(preferred=pref, variants=list(variants), line=tline))
        elif "wrong" in t or "right" in t:
            wrong, right = t.get("wrong"), t.get("right")
            if not isinstance(wrong, str) or not wrong or not isinstance(right, str) or wrong == right:
                raise JalintError(f"{label}:{tline}: terms: 'wrong' and 'right' must be two different words")
            cfg.terms.append(Term(wrong=wrong, right=right, line=tline))
        else:
            raise JalintError(f"{label}:{tline}: each term is {{preferred, variants}} or {{wrong, right}}")
    for key in ("rule_files", "prh"):
        paths = []
        for p in _strings(data.get(key, []), label, line_of(key), key):
            full = (base / p).resolve()
            if not full.is_file():
                raise JalintError(f"{label}:{line_of(key)}: {key}: {p}: no such file")
            paths.append(full)
        setattr(cfg, key, paths)
    for prh_file in cfg.prh:
        _check_prh_regexes(prh_file, set())
    sudachi = data.get("sudachi", {}) or {}
    if not isinstance(sudachi, dict):
        raise JalintError(f"{label}:{line_of('sudachi')}: 'sudachi' must be a mapping with split_mode, user_dictionary")
    unknown = set(sudachi) - {"split_mode", "user_dictionary"}
    if unknown:
        raise JalintError(f"{label}:{line_of('sudachi')}: sudachi: unknown key '{sorted(unknown)[0]}' (use split_mode, user_dictionary)")
    mode = sudachi.get("split_mode", "C")
    if mode not in ("A", "B", "C"):
        raise JalintError(f"{label}:{line_of('sudachi')}: sudachi.split_mode must be A, B or C")
    cfg.split_mode = mode
    if sudachi.get("user_dictionary") is not None:
        ud = sudachi["user_dictionary"]
        if not isinstance(ud, str):
            raise JalintError(f"{label}:{line_of('sudachi')}: sudachi.user_dictionary must be a path")
        full = (base / ud).resolve()
        if not full.is_file():
            raise JalintError(f"{label}:{line_of('sudachi')}: sudachi.user_dictionary: {ud}: no such file")
        cfg.user_dictionary = full
    return cfg


def _check_prh_regexes(path: Path, seen: set) -> None:
    """A prh dictionary's ``/regex/`` patterns must not be able to hang a run (see
    ``rules.regex_hazard``): one that could is an error naming the file and line.
    Anything else malformed is left to the prh loader to report."""
    import re

    from .rules import regex_hazard

    path = path.resolve()
    if path in seen:
        return
    seen.add(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, JalintError):
        return
    if not isinstance(data, dict):
        return
    for imp in data.get("imports", []) or []:
        target = imp if isinstance(imp, str) else imp.get("path") if isinstance(imp, dict) else None
        if isinstance(target, str):
            _check_prh_regexes(path.parent / target, seen)
    for item in data.get("rules", []) or []:
        if not isinstance(item, dict):
            continue
        patterns = item.get("patterns", item.get("pattern"))
        for p in [patterns] if isinstance(patterns, str) else patterns if isinstance(patterns, list) else []:
            m = re.fullmatch(r"/(.*)/([gimuy]*)", p, re.S) if isinstance(p, str) else None
            reason = regex_hazard(m.group(1)) if m else None
            if reason:
                raise JalintError(
                    f"{path}:{getattr(item, 'line', 1)}: prh rule {item.get('expected')}: the pattern {p!r} can take "
                    f"exponential time ({reason}); rewrite it, e.g. with an atomic group (?>…)"
                )


def load(path: Path) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise JalintError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise JalintError(f"{path}: cannot read configuration ({exc})") from None
    if path.name == "pyproject.toml":
        return _from_pyproject(path, text)
    return parse(load_yaml(text, str(path)), path.resolve(), str(path))


def _from_pyproject(path: Path, text: str) -> Config:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise JalintError(f"{path}: invalid TOML: {exc}") from None
    section = data.get("tool", {}).get("jalint")
    if section is None:
        raise JalintError(f"{path}: no [tool.jalint] section")
    return parse(section, path.resolve(), f"{path} [tool.jalint]")


def _has_jalint_section(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "[tool.jalint" in text


def find_config(start: Path) -> Path | None:
    """The nearest .jalint.yaml (or pyproject.toml with [tool.jalint]) at or above start."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for d in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (d / name).is_file():
                return d / name
        if (d / "pyproject.toml").is_file() and _has_jalint_section(d / "pyproject.toml"):
            return d / "pyproject.toml"
    return None


def git_root(start: Path) -> Path | None:
    folder = start.resolve()
    folder = folder if folder.is_dir() else folder.parent
    for d in (folder, *folder.parents):
        if (d / ".git").exists():
            return d
    return None


def discover(paths: list[str], explicit: str | None = None) -> Config:
    """The configuration for a run: --config, else the nearest file above the first
    path, else defaults (with the git root as the project root)."""
    if explicit:
        return load(Path(explicit))
    first = next((p for p in paths if p != "-"), ".")
    found = find_config(Path(first))
    if found is not None:
        return load(found)
    cfg = Config()
    cfg.root = git_root(Path(first))
    return cfg


STARTER = """\
# jalint configuration.  Paths are relative to this file.
# Presets: recommended (default), technical-writing, manifesto, all.
extends: [recommended]

# Turn rules off, change their severity, or set their options:
rules:
  # misconversion/jousei: off
  # style/sentence-length: {severity: warning, options: {max: 120}}
  # style/max-ten: info

# Which files a directory run lints (globs; ** crosses folders):
include: ["**/*.md", "**/*.txt"]
exclude: ["node_modules/**", "vendor/**"]

# The team's own words: a preferred form and its variants, or wrong → right pairs.
terms:
  # - preferred: 障害
  #   variants: [障がい, 障碍]
  # - wrong: 情勢を図る
  #   right: 醸成を図る

# Extra rule files in the format of jalint's rules/ folder, and prh dictionaries:
# rule_files: [jalint-rules.yaml]
# prh: [prh.yml]

# Sudachi: split mode (A, B or C) and an optional user dictionary.
# sudachi: {split_mode: C, user_dictionary: user.dic}
"""
