"""What a run is asked to do (``Request``), which files it reads, and whether its
result, or even its printed output, may be kept for a re-run.  Light on imports: a
re-run answered from the cache (``replay``) needs this and nothing heavier."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from . import config as config_mod
from .errors import JalintError
from .record import Record
from .source import walk_files

if TYPE_CHECKING:
    from .cache import RunCache


class Request(Record):
    __slots__ = _fields = ("paths", "stdin_filename", "config", "preset", "rule_files", "min_severity",
                           "report_unused_disables", "fix", "dry_run", "baseline", "write_baseline",
                           "diff_base", "jobs", "cache", "encoding")

    def __init__(self, paths: list[str], stdin_filename: str | None = None, config: str | None = None,
                 preset: str | None = None, rule_files: list[str] | None = None, min_severity: str = "info",
                 report_unused_disables: bool = False, fix: bool = False, dry_run: bool = False,
                 baseline: str | None = None, write_baseline: str | None = None, diff_base: str | None = None,
                 jobs: int | None = None, cache: bool = False, encoding: str | None = None) -> None:
        self.paths = paths
        self.stdin_filename = stdin_filename
        self.config = config
        self.preset = preset
        self.rule_files = [] if rule_files is None else rule_files
        self.min_severity = min_severity
        self.report_unused_disables = report_unused_disables
        self.fix = fix
        self.dry_run = dry_run  # with fix: compute a diff, write nothing
        self.baseline = baseline  # report only findings not in this baseline
        self.write_baseline = write_baseline
        self.diff_base = diff_base  # report only findings on lines changed since this git ref
        self.jobs = jobs  # processes for analysing files (None or 1: this one; 0: one per core)
        self.cache = cache
        self.encoding = encoding  # read every file in this encoding (None: detect)


def linted_files(req: Request, cfg: config_mod.Config, errors: list | None = None,
                 notices: list | None = None, visited: list | None = None) -> list[str]:
    """The files to lint, each once (a file reached through a link is linted under
    the first name met).  A path that does not exist or a folder that cannot be
    listed is one of ``errors`` (the other files are still linted)."""
    given = list(req.paths) or ["."]
    if given.count("-") > 1:
        raise JalintError("standard input ('-') can be given only once")
    found = walk_files(given, errors, notices, visited)
    seen, out = set(), []
    for f, key, walked in found:
        if walked and not cfg.selects(f):
            continue
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def project_files(cfg: config_mod.Config, linted: list[str], visited: list | None = None) -> list[str]:
    """Other files of a configured project, read only to count variants (problems
    with them are reported when they are linted themselves)."""
    if cfg.path is None or cfg.root is None:
        return []
    mine = set()
    for f in linted:
        if f != "-":
            try:
                st = os.stat(f)
                mine.add((st.st_dev, st.st_ino))
            except OSError:
                pass
    return [f for f, key, _ in walk_files([str(cfg.root)], [], [], visited) if cfg.selects(f) and key not in mine]


def run_cacheable(req: Request) -> bool:
    """Runs whose whole result can be kept: linting files (not standard input, not
    fixing).  Baselines and changed-lines mode filter a kept result."""
    return req.cache and not req.fix and "-" not in req.paths


def replayable(req: Request) -> bool:
    """Runs whose printed output can be kept and printed again: cacheable runs that
    neither read a baseline or git nor write anything but their report."""
    return run_cacheable(req) and not (req.baseline or req.write_baseline or req.diff_base or req.encoding)


def run_cache_for(req: Request, cfg: config_mod.Config, files: list[str], visited: list | None = None) -> RunCache:
    """The run's entry, keyed by the request, the linted files and the project's
    other files (which consistency may count: always keyed, so that no rule needs
    to be built to know)."""
    from .cache import Digests, RunCache

    request = (req.preset, tuple(req.paths), tuple(req.rule_files), req.min_severity, req.report_unused_disables)
    return RunCache(cfg, request, req.rule_files, files, project_files(cfg, files, visited), Digests())


def depended_paths(req: Request, cfg: config_mod.Config, files: list[str], counted: list[str],
                    visited: list[str]) -> tuple[list[str], list[str]]:
    """What a replayable run's output depends on, as (files and folders whose
    state counts, paths whose existence alone counts): the files linted and
    counted, the folders listed to find them, what the run cache's environment
    key covers (jalint, its data, SudachiPy, the configuration and the files it
    names), and, in every folder above the first path, the configuration files
    that could have been found there (and whether ``.git`` marks a project root)."""
    from .cache import environment_paths

    states = [*files, *counted, *visited, *environment_paths(cfg, req.rule_files)]
    presence: list[str] = []
    if not req.config:
        given = next((p for p in req.paths if p != "-"), ".")
        states.append(given)  # (a link moved elsewhere changes what it leads to)
        first = Path(given).resolve()
        folder = first if first.is_dir() else first.parent
        for d in (folder, *folder.parents):
            states.extend(str(d / name) for name in (*config_mod.CONFIG_NAMES, "pyproject.toml"))
            presence.append(str(d / ".git"))
    return states, presence
