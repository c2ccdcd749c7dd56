"""The result cache (--cache): each file's analysis — its findings and the variant
uses that project-wide consistency counts — stored under ``.jalint_cache/`` at the
project root, keyed by the file's path and content, the configuration, the rule and
dictionary files and jalint's version.  A cached file is neither read by Sudachi nor
checked again; consistency is still decided over every file."""
from __future__ import annotations

import hashlib
import os
import pickle
import shutil
from pathlib import Path

from . import __version__
from .rules import package_data_dir

DIRNAME = ".jalint_cache"


def _hash_files(h, files) -> None:
    for f in files:
        try:
            h.update(str(f).encode())
            h.update(Path(f).read_bytes())
        except OSError:
            h.update(b"?")


def context_key(cfg, rules, options) -> str:
    h = hashlib.sha256(__version__.encode())
    for name in ("rules", "dictionaries"):
        base = package_data_dir(name)
        _hash_files(h, sorted(p for p in base.rglob("*") if p.is_file()))
    extra = [p for p in (cfg.path, *cfg.rule_files, *cfg.prh, cfg.user_dictionary) if p]
    _hash_files(h, extra)
    h.update(repr(sorted((r.id, r.severity, r.source) for r in rules)).encode())
    h.update(repr((options.split_mode,)).encode())
    return h.hexdigest()[:24]


class ResultCache:
    def __init__(self, cfg, rules, options):
        root = Path(cfg.root) if cfg.root else Path.cwd()
        self.base = root / DIRNAME
        self.key = context_key(cfg, rules, options)
        self.folder = self.base / self.key

    def _file(self, path: str, lint: bool) -> Path | None:
        try:
            data = Path(path).read_bytes()
        except OSError:
            return None
        h = hashlib.sha256(path.encode("utf-8", "surrogatepass") + b"\0" + (b"L" if lint else b"C") + b"\0" + data)
        return self.folder / f"{h.hexdigest()[:32]}.pickle"

    def get(self, path: str, lint: bool):
        f = self._file(path, lint)
        if f is None or not f.exists():
            return None
        try:
            with open(f, "rb") as fh:
                return pickle.load(fh)  # noqa: S301 - our own cache folder
        except Exception:  # a damaged entry is a miss
            return None

    def put(self, path: str, lint: bool, analysis) -> None:
        f = self._file(path, lint)
        if f is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = f.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump(analysis, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, f)
            gitignore = self.base / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
        except OSError:
            pass  # a cache that cannot be written only costs time

    def prune(self) -> None:
        """Drop the entries of other configurations or versions."""
        if not self.base.is_dir():
            return
        for d in self.base.iterdir():
            if d.is_dir() and d.name != self.key:
                shutil.rmtree(d, ignore_errors=True)
