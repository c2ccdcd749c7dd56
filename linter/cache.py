"""The result cache (--cache), under ``.jalint_cache/`` at the project root.

Two levels, both keyed by the files' contents and everything else that decides a
result (jalint's version and code, the bundled rule and dictionary files, the
configuration and the files it names, the request's options):

* each file's analysis — its findings and the variant uses that project-wide
  consistency counts — so that a changed file is the only one read by Sudachi and
  checked again; consistency is still decided over every file;
* the whole run's findings (``RunCache``), so that a re-run on unchanged files
  neither builds the rules nor loads the dictionaries: it hashes the files, reads
  one entry and reports;
* beside a run's entry, what the command printed and its exit code, by the words
  of the command (``RunCache.output``), so that the very same command run again
  prints it without even importing the command line (``replay``).

The run-level key is computed without assembling the rules (``environment_key``),
so it must cover everything assembling depends on: it hashes files, not rules.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import shutil
from collections.abc import Mapping
from pathlib import Path

from . import __version__, package_data_dir
from .userdirs import tokenizer_folders, tokenizer_stamp

DIRNAME = ".jalint_cache"
SOURCE_ROOT = Path(__file__).resolve().parent  # jalint's own code, hashed into every key
RUNS = "runs"  # the run-level entries, beside one folder per context key
KEPT_RUNS = 16
# what a cached analysis holds; bumped when it changes (2: consistency uses as file offsets)
ANALYSIS_FORMAT = 2


class Digests:
    """The SHA-256 of each file's bytes, read once per run (None: unreadable).  The
    run key and the per-file keys share them."""

    def __init__(self):
        self._known: dict[str, str | None] = {}

    def of(self, path: str) -> str | None:
        if path not in self._known:
            try:
                self._known[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            except OSError:
                self._known[path] = None
        return self._known[path]


def _hash_files(h, files) -> None:
    for f in files:
        try:
            h.update(str(f).encode())
            h.update(Path(f).read_bytes())
        except OSError:
            h.update(b"?")


def source_files(root: Path) -> list[Path]:
    """jalint's Python files under ``root`` (the package), in a stable order."""
    found = []
    for top, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found.extend(Path(top, n) for n in names if n.endswith(".py"))
    return sorted(found)


@functools.lru_cache(maxsize=None)
def _digest_of_sources(root: Path) -> str:
    h = hashlib.sha256()
    for f in source_files(root):
        h.update(f.relative_to(root).as_posix().encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError:
            h.update(b"?")
        h.update(b"\0")
    return h.hexdigest()


def source_digest() -> str:
    """The SHA-256 of jalint's code (``linter/**/*.py``), once per process (about
    1.5 ms): an edited checker or a checkout between releases changes results without
    changing the version number, so every cached result is keyed by the code too."""
    return _digest_of_sources(SOURCE_ROOT)


def environment_paths(cfg, rule_files=()) -> list[str]:
    """Every file and folder ``environment_key`` reads or lists: jalint's code, the
    bundled rules and dictionaries, SudachiPy and its dictionary, the configuration
    and the files it names.  What a quick check of a kept output (``replay``)
    looks at instead of hashing them."""
    out = []
    for base in (SOURCE_ROOT, package_data_dir("rules"), package_data_dir("dictionaries"),
                 *(folder for _, folder in tokenizer_folders())):
        for top, dirs, names in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            out.append(top)
            out.extend(os.path.join(top, n) for n in sorted(names) if not n.endswith(".pyc"))
    out.extend(str(p) for p in (cfg.path, *cfg.rule_files, *cfg.prh, cfg.user_dictionary, *rule_files) if p)
    return out


def environment_key(cfg, rule_files=(), settings=()) -> str:
    """Everything except the linted files that decides the rules and the analyses:
    the version and code of jalint, the bundled rule and dictionary files, the configuration file and
    the files it names, extra rule files (``--rule-file``) and ``settings`` (the
    request's options, e.g. the preset)."""
    h = hashlib.sha256(__version__.encode())
    h.update(source_digest().encode())
    h.update(repr(tokenizer_stamp()).encode())
    for name in ("rules", "dictionaries"):
        base = package_data_dir(name)
        _hash_files(h, sorted(p for p in base.rglob("*") if p.is_file()))
    extra = [p for p in (cfg.path, *cfg.rule_files, *cfg.prh, cfg.user_dictionary, *rule_files) if p]
    _hash_files(h, extra)
    h.update(repr((cfg.split_mode, tuple(settings))).encode())
    return h.hexdigest()[:24]


def context_key(cfg, rules, options, rule_files=()) -> str:
    """The key of the per-file analyses: the environment and the assembled rules."""
    h = hashlib.sha256(environment_key(cfg, rule_files).encode())
    h.update(repr(sorted((r.id, r.severity, r.source) for r in rules)).encode())
    h.update(repr((options.split_mode, ANALYSIS_FORMAT)).encode())
    return h.hexdigest()[:24]


def _cache_base(cfg) -> Path:
    root = Path(cfg.root) if cfg.root else Path.cwd()
    return root / DIRNAME


def _write_atomic(base: Path, target: Path, value) -> None:
    """Pickle ``value`` to ``target`` (a file inside ``base``) through a temporary
    file; a cache that cannot be written only costs time."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
        gitignore = base / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n", encoding="utf-8")
    except OSError:
        pass


def _read(path: Path):
    """The value pickled in ``path``, or None (missing or damaged: a miss)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own cache folder
    except Exception:
        return None


class ResultCache:
    """Each file's analysis, by path and content."""

    def __init__(self, cfg, rules, options, rule_files=(), digests: Digests | None = None):
        self.base = _cache_base(cfg)
        self.key = context_key(cfg, rules, options, rule_files)
        self.folder = self.base / self.key
        self.digests = digests or Digests()

    def _file(self, path: str, lint: bool) -> Path | None:
        digest = self.digests.of(path)
        if digest is None:
            return None
        h = hashlib.sha256(path.encode("utf-8", "surrogatepass") + b"\0" + (b"L" if lint else b"C") + b"\0"
                           + digest.encode())
        return self.folder / f"{h.hexdigest()[:32]}.pickle"

    def get(self, path: str, lint: bool):
        f = self._file(path, lint)
        return _read(f) if f is not None else None

    def put(self, path: str, lint: bool, analysis) -> None:
        f = self._file(path, lint)
        if f is not None:
            _write_atomic(self.base, f, analysis)

    def prune(self) -> None:
        """Drop the entries of other configurations or versions."""
        if not self.base.is_dir():
            return
        for d in self.base.iterdir():
            if d.is_dir() and d.name not in (self.key, RUNS):
                shutil.rmtree(d, ignore_errors=True)


class RunCache:
    """One run's final findings (before baselines and changed-lines filtering), keyed
    by the environment, the request and the (path, content) of every file the run
    reads: the linted files and the project's other files counted for consistency.
    One entry per environment and request: a new result replaces the old one."""

    def __init__(self, cfg, request: tuple, rule_files, linted: list[str], counted: list[str], digests: Digests):
        self.base = _cache_base(cfg)
        self.environment = environment_key(cfg, rule_files)
        name = hashlib.sha256(repr((os.getcwd(), request)).encode()).hexdigest()[:16]
        self.entry = self.base / RUNS / f"{self.environment[:16]}-{name}.pickle"
        self.digests, self.counted = digests, counted  # a run that misses reuses them
        self.key = self._key(request, linted, counted, digests)

    def _key(self, request, linted, counted, digests) -> str | None:
        """None when a file cannot be read (its error is the normal path's to report)."""
        h = hashlib.sha256(repr((self.environment, request)).encode())
        for group in (linted, counted):
            h.update(b"\1")
            for path in group:
                digest = digests.of(path)
                if digest is None:
                    return None
                h.update(path.encode("utf-8", "surrogatepass") + b"\0" + digest.encode() + b"\0")
        return h.hexdigest()

    def _output_file(self, presentation: str) -> Path:
        name = hashlib.sha256(presentation.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        return self.entry.with_name(f"{self.entry.stem}.{name}.out")

    def output(self, presentation: str) -> RunOutput | None:
        """What the command ``presentation`` printed on these very files, if kept."""
        if self.key is None:
            return None
        stored = _read(self._output_file(presentation))
        if (not isinstance(stored, tuple) or len(stored) != 3 or stored[0] != self.key
                or stored[1] != presentation or not isinstance(stored[2], RunOutput)):
            return None
        return stored[2]

    def keep_output(self, presentation: str, output: RunOutput) -> None:
        if self.key is None or not self.entry.exists():
            return  # an output is kept only beside its run's entry, and pruned with it
        _write_atomic(self.base, self._output_file(presentation), (self.key, presentation, output))

    def get(self) -> RunEntry | None:
        if self.key is None:
            return None
        stored = _read(self.entry)
        if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != self.key:
            return None
        return stored[1]

    def put(self, entry: RunEntry) -> None:
        if self.key is None:
            return
        _write_atomic(self.base, self.entry, (self.key, entry))
        self._prune()

    def _prune(self) -> None:
        """Drop the run entries of other environments (versions, configurations) and
        all but the newest few (runs on ever other lists of files, as from a
        pre-commit hook, would otherwise pile up)."""
        prefix = self.environment[:16] + "-"
        try:
            kept = []
            for f in self.entry.parent.glob("*.pickle"):  # not another run's temporary file
                if f == self.entry:
                    continue  # this run's entry stays, whatever the clock's resolution
                if f.name.startswith(prefix):
                    kept.append((f.stat().st_mtime_ns, f))
                else:
                    f.unlink(missing_ok=True)
            for _, f in sorted(kept, reverse=True)[KEPT_RUNS - 1:]:
                f.unlink(missing_ok=True)
            for f in self.entry.parent.glob("*.out"):  # the outputs of dropped entries
                if not f.with_name(f.name.split(".", 1)[0] + ".pickle").exists():
                    f.unlink(missing_ok=True)
        except OSError:
            pass


class RunEntry:
    """What a run reports: findings, the number and names of the files linted, the
    texts of the files with findings (for excerpts and columns), the notices and
    errors of reading them, and the rules for the reporters that describe them."""

    def __init__(self, findings, files, paths, texts, notices, errors, rules):
        self.findings, self.files, self.paths = findings, files, paths
        self.texts, self.notices, self.errors, self.rules = texts, notices, errors, rules


class RunOutput:
    """What a command printed (standard output and standard error) and its exit code."""

    def __init__(self, stdout: str, stderr: str, code: int):
        self.stdout, self.stderr, self.code = stdout, stderr, code


class LazyLines(Mapping):
    """path → LineIndex, built from the stored text on first use (the JSON reporter
    needs none)."""

    def __init__(self, texts: dict[str, str]):
        self._texts, self._built = texts, {}

    def __getitem__(self, path):
        if path not in self._built:
            from .document import LineIndex

            self._built[path] = LineIndex(self._texts[path])
        return self._built[path]

    def __iter__(self):
        return iter(self._texts)

    def __len__(self):
        return len(self._texts)
