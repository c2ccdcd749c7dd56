"""The words of a plain ``jalint [lint] …`` command, read without the command-line
framework.

Most runs are lint commands, and importing and building the click command line
costs about a tenth of linting a small project.  ``parse`` reads a lint command the
way click reads it and gives the same values, or None for anything else: another
command, ``--help``, ``--version``, an option it does not know, a spelling it does
not take (bundled short flags, ``--``, a value that looks like an option), or a
value click would reject.  None sends the command to click, which then runs it or
reports the mistake as always.  tests/test_lint_args.py checks that both read
every spelling alike.

No import here beyond the lightest: a re-run answered from the
cache (``replay``) reads its command with this too.
"""
from __future__ import annotations

import os

from .report import REPORTERS
from .severities import SEVERITIES

# lint's options: those that take no value, and those that take one
FLAGS = {
    "--cache": "cache", "-q": "quiet", "--quiet": "quiet", "--report-unused-disables": "report_unused_disables",
    "--fix": "fix", "--dry-run": "dry_run", "--diff": "dry_run", "--color": "color", "--no-color": "color",
}
VALUED = {
    "--format": "fmt", "--severity": "severity", "--stdin-filename": "stdin_filename", "--config": "config",
    "--preset": "preset", "--rule-file": "rule_files", "--baseline": "baseline",
    "--write-baseline": "write_baseline", "--diff-base": "diff_base", "--summary": "summary_file",
    "--max-warnings": "max_warnings", "-j": "jobs", "--jobs": "jobs", "--encoding": "encoding",
}
COMMANDS = {"lint", "init", "rules", "explain", "lsp"}
FORMATS = tuple(REPORTERS)  # (the names only: no reporter is imported)
# options whose value names a file that may not be a folder (click.Path(dir_okay=False))
_FILE_VALUES = {"config", "baseline", "write_baseline", "summary_file"}


def parse(argv: list[str]) -> dict | None:
    """The values of a plain lint command, by the lint command's parameter names
    (``paths``, ``fmt``, ``severity`` … as ``linter.lint_command.lint`` takes
    them), or None when click must read it."""
    if argv[:1] == ["lint"]:
        argv = argv[1:]
    elif argv[:1] and argv[0] in COMMANDS:
        return None
    values: dict = {"paths": [], "fmt": "text", "severity": "info", "stdin_filename": None, "config": None,
                    "preset": None, "rule_files": [], "fix": False, "dry_run": False,
                    "report_unused_disables": False, "baseline": None, "write_baseline": None,
                    "diff_base": None, "summary_file": None, "max_warnings": None, "quiet": False, "jobs": None,
                    "cache": False, "color": None, "encoding": None}
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg == "-" or not arg.startswith("-"):
            values["paths"].append(arg)
            continue
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
        elif len(arg) > 2:  # -j2 (bundled flags such as -qj2 are click's to read)
            name, eq, value = arg[:2], "=", arg[2:]
        else:
            name, eq, value = arg, "", ""
        if name in FLAGS:
            if eq:
                return None
            values[FLAGS[name]] = name != "--no-color"
            continue
        key = VALUED.get(name)
        if key is None:
            return None  # --help, --, an unknown option: click's to say
        if not eq:
            if i >= len(argv) or (argv[i].startswith("-") and argv[i] != "-"):
                return None
            value = argv[i]
            i += 1
        value = _converted(key, value)
        if value is _REJECTED:
            return None
        if key == "rule_files":
            values[key].append(value)
        else:
            values[key] = value
    return values


_REJECTED = object()


def _converted(key: str, value: str):
    """The value as click converts it, or _REJECTED where click would refuse it."""
    if key == "fmt" and value not in FORMATS or key == "severity" and value not in SEVERITIES:
        return _REJECTED
    if key in ("jobs", "max_warnings"):
        try:
            number = int(value)
        except ValueError:
            return _REJECTED
        return number if number >= (1 if key == "jobs" else 0) else _REJECTED
    if key in _FILE_VALUES and os.path.isdir(value):
        return _REJECTED
    return value
