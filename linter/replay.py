"""Answer a repeated ``jalint --cache`` command before the command line is built.

A pre-commit hook or a CI step often runs the very same command on files that did
not change.  The run cache then knows the findings; this module goes one step
further and prints what that command printed, with its exit code, without
importing the command-line framework, the reporters, the rules or Sudachi.

Only plain lint commands qualify: the options below, ``--cache`` among them, and
paths.  Anything else (another command, standard input, --fix, a baseline, changed
lines, an option this module does not know) is left to the command line, as is any
command whose output was not kept: the kept output is looked up by the command's
exact words, so a command the command line would reject has none.

Two checks, the quicker first:

* the quick record (``keep``), in the user cache folder: the kept output with the
  state of every file and folder the run depended on (its files, the folders it
  listed, jalint's code and data, SudachiPy, the configuration and the files it
  names, and the configuration files that could have been found above the first
  path) as ``os.stat`` tells it (inode, size, times, the change time included,
  which no program can set back).  When nothing changed, the output is printed
  after a few hundred ``stat`` calls and no import;
* otherwise the run cache's key, which hashes the files' contents (a file touched
  but not changed, a checkout of the same content): see ``cached_output``.
"""
from __future__ import annotations

import os
import sys
import time

QUICK_FORMAT = 1
KEPT_QUICK = 64  # quick records kept, the newest
RACY_NS = 3_000_000_000  # a file changed this recently may change again unseen
def presentation(argv: list[str]) -> str:
    """The command's words and whether colour would be chosen by default: what,
    beside the files, decides what a lint command prints."""
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return repr((tuple(argv), bool(color)))


# what a replayable run may not have (see request.replayable): it must read files, not
# standard input, and write nothing but its report
_NOT_REPLAYED = ("fix", "dry_run", "stdin_filename", "baseline", "write_baseline", "diff_base", "summary_file",
                 "encoding")


def parse(argv: list[str]) -> dict | None:
    """The request's fields of a plain lint command with ``--cache`` (as
    ``linter.run.Request`` keywords), or None for any other command."""
    from .lint_args import parse as parse_lint

    values = parse_lint(argv)
    if values is None or not values["cache"] or "-" in values["paths"] or any(values[k] for k in _NOT_REPLAYED):
        return None
    fields = {key: values[key] for key in ("paths", "rule_files", "cache", "report_unused_disables")}
    fields.update((key, values[key]) for key in ("preset", "config") if values[key] is not None)
    fields["min_severity"] = "error" if values["quiet"] else values["severity"]
    return fields


def answer(argv: list[str]) -> int | None:
    """Print the kept output of this very command and return its exit code, or
    None (nothing printed) when the command line must run."""
    if "--cache" not in argv:
        return None
    fields = parse(argv)
    if fields is None:
        return None
    shown = presentation(argv)
    kept = _quick_output(shown)
    if kept is None:
        from .request import Request

        found = cached_output(Request(**fields), shown)
        if found is None:
            return None
        output, (paths, presence) = found
        kept = (output.stdout, output.stderr, output.code)
        keep(argv, paths, presence, *kept)  # the next time, the quick record answers
    stdout, stderr, code = kept
    if not _printable(stdout, sys.stdout) or not _printable(stderr, sys.stderr):
        return None
    try:
        sys.stdout.write(stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    sys.stderr.write(stderr)
    sys.stderr.flush()
    return code


# -- the quick record -------------------------------------------------------------
def _quick_file(shown: str) -> str | None:
    import zlib

    from .userdirs import user_cache_folder

    folder = user_cache_folder()
    if folder is None:
        return None
    key = repr((os.getcwd(), shown)).encode("utf-8", "surrogatepass")
    return os.path.join(folder, "replay", f"{zlib.crc32(key):08x}-{len(key)}.marshal")


def _state(path: str):
    """What ``os.stat`` says of a path that could tell a change (None: missing)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_mode, st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _quick_output(shown: str) -> tuple[str, str, int] | None:
    """(stdout, stderr, exit code) of the quick record, when nothing it lists changed."""
    import marshal

    path = _quick_file(shown)
    if path is None:
        return None
    try:
        with open(path, "rb") as fh:
            record = marshal.load(fh)
        version, cwd, kept_shown, states, presence, stdout, stderr, code = record
    except Exception:  # missing, damaged, written by another Python
        return None
    if version != (QUICK_FORMAT, sys.version) or cwd != os.getcwd() or kept_shown != shown:
        return None
    for p, state in states:
        if _state(p) != state:
            return None
    for p, there in presence:
        if os.path.exists(p) != there:
            return None
    return stdout, stderr, code


def keep(argv: list[str], paths: list[str], presence: list[str], stdout: str, stderr: str, code: int) -> None:
    """Keep the quick record of a command whose output depends on the state of
    ``paths`` (files and folders) and on whether each of ``presence`` exists, and
    on nothing else.  Not when one of them changed within the last seconds: a
    file system with coarse times could miss a second change."""
    import marshal

    shown = presentation(argv)
    path = _quick_file(shown)
    if path is None:
        return
    now = time.time_ns()
    states = []
    for p in dict.fromkeys(paths):
        state = _state(p)
        if state is not None and now - max(state[4], state[5]) < RACY_NS:
            return
        states.append((p, state))
    there = tuple((p, os.path.exists(p)) for p in dict.fromkeys(presence))
    record = ((QUICK_FORMAT, sys.version), os.getcwd(), shown, tuple(states), there, stdout, stderr, code)
    from .userdirs import write_atomic

    if write_atomic(path, marshal.dumps(record)):
        _prune(os.path.dirname(path))


def _prune(folder: str) -> None:
    """Keep the newest ``KEPT_QUICK`` records."""
    records = []
    try:
        for entry in os.scandir(folder):
            if entry.name.endswith(".marshal"):
                records.append((entry.stat().st_mtime_ns, entry.path))
    except OSError:
        return
    for _, old in sorted(records, reverse=True)[KEPT_QUICK:]:
        try:
            os.unlink(old)
        except OSError:
            pass


def cached_output(req, presentation: str):
    """(the ``RunOutput`` the command ``presentation`` printed when it last ran on
    the very same files, configuration, rules and code, the files and folders it
    depends on), or None.  Walking the paths must go as quietly as it went then (a
    notice or error is the command line's to report), and any problem, such as a
    broken configuration, is the command line's."""
    from . import config as config_mod
    from .errors import JalintError
    from .request import depended_paths, linted_files, replayable, run_cache_for

    if not replayable(req):
        return None
    try:
        cfg = config_mod.discover(req.paths, req.config)
        errors: list[str] = []
        notices: list[str] = []
        visited: list[str] = []
        files = linted_files(req, cfg, errors, notices, visited)
        if errors or notices:
            return None
        run_cache = run_cache_for(req, cfg, files, visited)
        output = run_cache.output(presentation)
        if output is None:
            return None
        return output, depended_paths(req, cfg, files, run_cache.counted, visited)
    except JalintError:
        return None


def _printable(text: str, stream) -> bool:
    """Whether ``stream`` can take ``text`` (a stream in another encoding is the
    command line's to deal with)."""
    try:
        text.encode(stream.encoding or "utf-8", stream.errors or "strict")
    except (UnicodeError, LookupError, AttributeError):
        return False
    return True
