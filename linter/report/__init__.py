"""Reporters: one module per output format.  Reporters never decide anything; they
format the findings they are given."""
from __future__ import annotations

import importlib
from collections.abc import Mapping

_MODULES = {
    "text": "text",
    "json": "json_report",
    "github": "github",
    "sarif": "sarif",
    "rdjson": "rdjson",
    "checkstyle": "checkstyle",
    "junit": "junit",
}


class _Reporters(Mapping):
    """format name → render function; a format's module is imported when it is used
    (the XML and SARIF writers cost a run that prints JSON nothing)."""

    def __getitem__(self, name: str):
        return importlib.import_module(f".{_MODULES[name]}", __name__).render

    def __iter__(self):
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


REPORTERS = _Reporters()
