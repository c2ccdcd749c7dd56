"""Command line: parse options, call the engine, pick a reporter, choose the exit code.

    jalint [PATHS...]          lint files and directories (default: .)
    jalint rules               list every rule
    jalint explain RULE-ID     a rule's description and examples
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .document import SEVERITIES
from .run import init_config
from .errors import JalintError
from .lint_command import fail, failure_code, lint
from .report import REPORTERS

# The rules, the engine and Sudachi are imported by the commands that need them, so
# that ``--version``, ``--help`` and a re-run answered by the cache start quickly.


class LintByDefault(click.Group):
    """``jalint PATHS`` means ``jalint lint PATHS`` unless PATHS starts with a command."""

    def main(self, args=None, prog_name=None, **extra):
        """Usage errors too are one line on stderr with exit code 2."""
        import gc

        # a run allocates many small, long-lived objects (tokens); collect rarely
        gc.set_threshold(100_000, 50, 100)
        # the command's words, by which a re-run finds the output kept for it (``replay``)
        extra.setdefault("obj", {})["argv"] = list(sys.argv[1:] if args is None else args)
        try:
            rv = super().main(args=args, prog_name=prog_name or "jalint", standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see 'jalint {exc.ctx.info_name if exc.ctx and exc.ctx.parent else ''} --help')".replace("  ", " ")
            _fail(f"{exc.format_message()}{hint}")
        except click.exceptions.Abort:
            sys.exit(130)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message())
        sys.exit(rv if isinstance(rv, int) else 0)

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = ["lint", *args]
        return super().parse_args(ctx, args)


def _fail(message: str) -> None:
    sys.exit(fail(message))


def _guard(fn):
    """Every error the user can cause is one line on stderr and exit code 2."""

    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (Exception, KeyboardInterrupt) as exc:
            sys.exit(failure_code(exc))

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


@click.group(cls=LintByDefault, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jalint")
def main() -> None:
    """jalint: Japanese proofreading and consistency linter.

    Run `jalint PATHS...` to lint Markdown (.md) and text (.txt) files.
    """


@main.command("lint")
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True,
              help="Output format.")
@click.option("--severity", type=click.Choice(list(reversed(SEVERITIES))), default="info", show_default=True,
              help="Show findings of this severity and above.")
@click.option("--stdin-filename", default=None, help="Name for standard input (read with '-').")
@click.option("--config", "config_path", default=None, type=click.Path(dir_okay=False),
              help="Configuration file (default: the nearest .jalint.yaml or pyproject.toml [tool.jalint]).")
@click.option("--preset", default=None,
              help="Rule selection instead of the configuration's: recommended, technical-writing, manifesto, all …")
@click.option("--rule-file", "rule_files", multiple=True, type=click.Path(), help="Extra YAML rule file (repeatable).")
@click.option("--fix", is_flag=True, help="Apply safe fixes to the files (standard input: print the fixed text).")
@click.option("--dry-run", "--diff", "dry_run", is_flag=True, help="With --fix: print a unified diff, change nothing.")
@click.option("--report-unused-disables", is_flag=True, help="Report jalint-disable comments that silence nothing.")
@click.option("--baseline", "baseline_file", default=None, type=click.Path(dir_okay=False),
              help="Report only findings that are not in this baseline file.")
@click.option("--write-baseline", default=None, type=click.Path(dir_okay=False),
              help="Record today's findings in this baseline file.")
@click.option("--diff-base", default=None, metavar="REF",
              help="Report only findings on lines added or changed since this git ref.")
@click.option("--summary", "summary_file", default=None, type=click.Path(dir_okay=False),
              help="Append a Markdown summary to this file (GitHub: $GITHUB_STEP_SUMMARY).")
@click.option("--max-warnings", type=click.IntRange(min=0), default=None,
              help="Exit with 1 when there are more warnings than this.")
@click.option("-q", "--quiet", is_flag=True, help="Report errors only.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Files analysed in parallel processes (default: the number of cores).")
@click.option("--cache", "use_cache", is_flag=True, help="Reuse results of unchanged files (.jalint_cache/ at the project root).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal).")
@click.option("--encoding", default=None, metavar="NAME",
              help="Read files in this encoding (utf-8, cp932, euc_jp …) instead of detecting it.")
def lint_command(paths, fmt, severity, stdin_filename, config_path, preset, rule_files, fix, dry_run,
                 report_unused_disables, baseline_file, write_baseline, diff_base, summary_file, max_warnings,
                 quiet, jobs, use_cache, color, encoding):
    """Lint PATHS (files or directories; '-' for standard input)."""
    values = dict(paths=list(paths), fmt=fmt, severity=severity, stdin_filename=stdin_filename,
                  config=config_path, preset=preset, rule_files=list(rule_files), fix=fix, dry_run=dry_run,
                  report_unused_disables=report_unused_disables, baseline=baseline_file,
                  write_baseline=write_baseline, diff_base=diff_base, summary_file=summary_file,
                  max_warnings=max_warnings, quiet=quiet, jobs=jobs, cache=use_cache, color=color,
                  encoding=encoding)
    argv = (click.get_current_context().find_root().obj or {}).get("argv")
    sys.exit(lint(values, argv))


@main.command("init")
@_guard
def init_command():
    """Write a commented starter .jalint.yaml in the current folder."""
    path = init_config(Path.cwd())
    click.echo(f"wrote {path.name}")


def _selected_rules(rule_files, preset):
    """The preset's rules, plus every rule of the user's own rule files."""
    from .presets import select as select_preset
    from .rules import load_rules

    bundled = list(load_rules([]))
    extra = [r for r in load_rules(list(rule_files)) if r.id not in {b.id for b in bundled}]
    return [r for r in select_preset(bundled, preset) + extra if r.enabled]


@main.command("rules")
@click.option("--rule-file", "rule_files", multiple=True, type=click.Path(), help="Extra YAML rule file (repeatable).")
@click.option("--preset", default="all", show_default=True, help="List only this preset's rules.")
@_guard
def rules_command(rule_files, preset):
    """List the rules: id, kind, severity and a one-line description."""
    from .rules import knowledge_counts

    rules = _selected_rules(rule_files, preset)
    if not rules:
        raise JalintError(f"preset {preset!r} selects no rule")
    width = max(len(r.id) for r in rules)
    for r in sorted(rules, key=lambda r: r.id):
        click.echo(f"{r.id:<{width}}  {r.kind:<12} {r.severity:<7}  {r.summary}")
    click.echo(f"{len(rules)} rules" + (f" in preset {preset}" if preset != "all" else ""))
    for line in knowledge_counts(rules):
        click.echo(line)


@main.command("explain")
@click.argument("rule_id", required=False)
@click.option("--at", "at", default=None, metavar="FILE:LINE[:COL]",
              help="Explain the findings at this place of a file: the rule and the entry and cue that decided.")
@click.option("--rule-file", "rule_files", multiple=True, type=click.Path(), help="Extra YAML rule file (repeatable).")
@_guard
def explain_command(rule_id, at, rule_files):
    """Print a rule's description and examples (or explain the findings --at a place)."""
    if at:
        _explain_at(at, rule_files)
        return
    if not rule_id:
        raise JalintError("give a rule id (see `jalint rules`) or --at FILE:LINE")
    from .rules import load_rules

    rules = {r.id: r for r in load_rules(list(rule_files))}
    rule = rules.get(rule_id)
    if rule is None:
        close = [r for r in rules if rule_id in r]
        hint = f" (did you mean {', '.join(sorted(close)[:5])}?)" if close else " (see `jalint rules`)"
        raise JalintError(f"unknown rule {rule_id!r}{hint}")
    click.echo(f"{rule.id}  ({rule.kind}, {rule.severity}{', fixable' if rule.fixable else ''})")
    click.echo(f"defined at {rule.source}")
    click.echo("")
    click.echo(rule.description or rule.message)
    click.echo("")
    click.echo("Flagged:")
    for ex in rule.bad:
        click.echo(f"  ✗ {ex.text}" + (f"  → {ex.suggestion}" if ex.suggestion else ""))
    if rule.good:
        click.echo("Not flagged:")
        for ex in rule.good:
            click.echo(f"  ✓ {ex.text}")


@main.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over standard input and output (the default and only transport).")
def lsp_command(stdio):
    """Run the language server (LSP over stdio; needs the 'lsp' extra: pip install 'jalint[lsp]')."""
    try:
        from .lsp import serve
    except ImportError as exc:
        _fail(f"the language server needs pygls ({exc}); install it with: pip install 'jalint[lsp]'")
    serve()


def _explain_at(at: str, rule_files) -> None:
    import re

    m = re.fullmatch(r"(.+?):(\d+)(?::(\d+))?", at)
    if not m:
        raise JalintError(f"--at {at!r}: give FILE:LINE or FILE:LINE:COL")
    from .run import Request, execute

    path, line, col = m.group(1), int(m.group(2)), m.group(3)
    outcome = execute(Request(paths=[path], rule_files=list(rule_files), preset="all", jobs=1))
    found = [f for f in outcome.result.findings
             if f.line <= line <= f.end_line and (col is None or (f.line, f.column) <= (line, int(col)) < (f.end_line, f.end_column)
                                                     or (f.line, f.column) == (line, int(col)))]
    if not found:
        click.echo(f"no finding at {at} (with every rule on)")
        return
    rules = {r.id: r for r in outcome.rules}
    for f in found:
        click.echo(f"{f.path}:{f.line}:{f.column}: {f.severity} {f.message} [{f.rule}]")
        if f.suggestions:
            click.echo(f"    → {' / '.join(f.suggestions)}")
        click.echo(f"    decided by {f.rule_source}")
        entry = _source_line(f.rule_source)
        if entry:
            click.echo(f"    | {entry}")
        rule = rules.get(f.rule)
        if rule is not None:
            click.echo(f"    rule {rule.id}: {rule.summary}")


def _source_line(source: str) -> str | None:
    """The text of a rule or dictionary line named as FILE:LINE."""
    from .rules import package_data_dir

    name, _, num = source.rpartition(":")
    if not num.isdigit():
        return None
    for prefix in ("rules/", "dictionaries/"):
        if name.startswith(prefix):
            try:
                path = package_data_dir(prefix[:-1]) / name[len(prefix):]
            except JalintError:
                return None
            break
    else:
        path = Path(name)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    n = int(num)
    return lines[n - 1].strip() if 0 < n <= len(lines) else None
