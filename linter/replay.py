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
"""
from __future__ import annotations

import os
import sys

# options of ``jalint lint`` that change neither the files nor what is read
_FLAGS = {"--cache", "-q", "--quiet", "--report-unused-disables", "--color", "--no-color"}
_VALUED = {"--format", "--severity", "--config", "--preset", "--rule-file", "-j", "--jobs", "--max-warnings"}
_COMMANDS = {"init", "rules", "explain", "lsp"}


def presentation(argv: list[str]) -> str:
    """The command's words and whether colour would be chosen by default: what,
    beside the files, decides what a lint command prints."""
    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return repr((tuple(argv), bool(color)))


def parse(argv: list[str]) -> dict | None:
    """The request's fields of a plain lint command with ``--cache`` (as
    ``linter.run.Request`` keywords), or None for any other command."""
    if argv[:1] == ["lint"]:
        argv = argv[1:]
    elif argv[:1] and argv[0] in _COMMANDS:
        return None
    fields: dict = {"paths": [], "rule_files": [], "cache": False, "report_unused_disables": False}
    severity, quiet = "info", False
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in _FLAGS and not eq:
            fields["cache"] |= name == "--cache"
            fields["report_unused_disables"] |= name == "--report-unused-disables"
            quiet |= name in ("-q", "--quiet")
        elif name in _VALUED:
            if not eq:
                if i + 1 >= len(argv):
                    return None
                i += 1
                value = argv[i]
            if name == "--severity":
                severity = value
            elif name == "--rule-file":
                fields["rule_files"].append(value)
            elif name in ("--config", "--preset"):
                fields[name[2:]] = value
        elif arg.startswith("-"):
            return None  # standard input, "--" or an option that reads or writes more
        else:
            fields["paths"].append(arg)
        i += 1
    if not fields["cache"]:
        return None
    fields["min_severity"] = "error" if quiet else severity
    return fields


def answer(argv: list[str]) -> int | None:
    """Print the kept output of this very command and return its exit code, or
    None (nothing printed) when the command line must run."""
    if "--cache" not in argv:
        return None
    fields = parse(argv)
    if fields is None:
        return None
    from .request import Request

    kept = cached_output(Request(**fields), presentation(argv))
    if kept is None or not _printable(kept.stdout, sys.stdout) or not _printable(kept.stderr, sys.stderr):
        return None
    try:
        sys.stdout.write(kept.stdout)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    sys.stderr.write(kept.stderr)
    sys.stderr.flush()
    return kept.code


def cached_output(req, presentation: str):
    """The ``RunOutput`` the command ``presentation`` printed when it last ran on the
    very same files, configuration, rules and code, or None.  Walking the paths must
    go as quietly as it went then (a notice or error is the command line's to
    report), and any problem, such as a broken configuration, is the command line's."""
    from . import config as config_mod
    from .errors import JalintError
    from .request import linted_files, replayable, run_cache_for

    if not replayable(req):
        return None
    try:
        cfg = config_mod.discover(req.paths, req.config)
        errors: list[str] = []
        notices: list[str] = []
        files = linted_files(req, cfg, errors, notices)
        if errors or notices:
            return None
        return run_cache_for(req, cfg, files).output(presentation)
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
