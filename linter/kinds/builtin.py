"""Checks written in Python, for what YAML cannot say (a document-wide style mix, a
verb's conjugation class)::

    kind: builtin
    check: ra-nuki            # a name from linter/checks
    options: {...}            # optional, passed to the check
"""
from __future__ import annotations

from ..checks import CHECKS
from ..matching import PatternError

KEYS = {"check", "options"}


class Builtin:
    def __init__(self, spec: dict):
        name = spec.get("check")
        if name not in CHECKS:
            raise PatternError("check", f"unknown builtin check {name!r} (use {', '.join(sorted(CHECKS))})")
        options = spec.get("options", {}) or {}
        if not isinstance(options, dict):
            raise PatternError("options", "'options' must be a mapping")
        try:
            self.impl = CHECKS[name](**options)
        except TypeError as exc:
            raise PatternError("options", f"bad options for {name}: {exc}") from None
        # a check that looks across sentences says so (see analysis.analyse)
        self.document_wide = getattr(self.impl, "document_wide", False)
        self.reads_tokens = getattr(self.impl, "reads_tokens", True)

    def check(self, doc, rule):
        return self.impl.check(doc, rule)


def compile(spec: dict) -> Builtin:
    return Builtin(spec)
