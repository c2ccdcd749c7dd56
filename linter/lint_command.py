"""The lint command once its words are read, by click (``cli``) or without it
(``lint_args``): run the request, print the report and what standard error must
say, keep the output for a re-run, and give the exit code.  Also how every
command turns a problem into one line on standard error and an exit code."""
from __future__ import annotations

import os
import sys

from .errors import JalintError


def lint(values: dict, argv: list[str] | None = None) -> int:
    """The exit code of the lint command with ``values`` (named as ``lint_args.parse``
    names them); ``argv``, the command's words, lets a re-run find its output."""
    import gc

    # a run allocates many small, long-lived objects (tokens); collect rarely
    gc.set_threshold(100_000, 50, 100)
    try:
        return _lint(argv=argv, **values)
    except (Exception, KeyboardInterrupt) as exc:
        return failure_code(exc)


def failure_code(exc: BaseException) -> int:
    """Say what went wrong on one line of standard error; the exit code for it.
    A problem the user can cause is one line and code 2, never a traceback."""
    if isinstance(exc, JalintError):
        return fail(str(exc))
    if isinstance(exc, BrokenPipeError):
        sys.stderr.close()
        return 1
    if isinstance(exc, KeyboardInterrupt):
        return 130
    if os.environ.get("JALINT_DEBUG"):  # a bug: still one line, unless debugging
        import traceback

        traceback.print_exception(exc)
    return fail(f"internal error: {type(exc).__name__}: {exc} (set JALINT_DEBUG=1 for details)")


def fail(message: str) -> int:
    say(f"jalint: {message}")
    return 2


def say(line: str) -> None:
    """A line on standard error."""
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def _lint(paths, fmt, severity, stdin_filename, config, preset, rule_files, fix, dry_run,
          report_unused_disables, baseline, write_baseline, diff_base, summary_file, max_warnings,
          quiet, jobs, cache, color, encoding, argv) -> int:
    from .report import REPORTERS
    from .run import Request, execute

    if dry_run and not fix:
        raise JalintError("--dry-run/--diff goes with --fix")
    outcome = execute(Request(
        paths=list(paths), stdin_filename=stdin_filename, config=config, preset=preset,
        rule_files=list(rule_files), min_severity="error" if quiet else severity,
        report_unused_disables=report_unused_disables, fix=fix, dry_run=dry_run,
        baseline=baseline, write_baseline=write_baseline, diff_base=diff_base,
        jobs=jobs or 0, cache=cache, encoding=encoding,
    ))
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if outcome.stdout_text is not None:
        _write_in(outcome.stdout_text, outcome.stdout_encoding)  # the input's own encoding
        report_stream = sys.stderr
    else:
        report_stream = sys.stdout
    for d in outcome.diffs:
        sys.stdout.write(d)
    if fix:
        total = sum(outcome.fixed.values())
        verb = "would apply" if dry_run else "applied"
        detail = ", ".join(f"{rule} {n}" for rule, n in sorted(outcome.fixed.items()))
        say(f"jalint: {verb} {total} fix{'es' if total != 1 else ''}" + (f" ({detail})" if detail else ""))
    if outcome.baseline_written is not None:
        say(f"jalint: wrote {outcome.baseline_written} findings to {write_baseline}")
    report = ""
    if not (fix and dry_run):
        report = REPORTERS[fmt](outcome.result, outcome.lines, color=color and report_stream is sys.stdout,
                                rules=outcome.rules, paths=outcome.result.paths)
    report_stream.write(report)
    if summary_file:
        from .report import summary

        try:
            with open(summary_file, "a", encoding="utf-8") as fh:
                fh.write(summary.render(outcome.result, not_annotated=_not_annotated(outcome.result, fmt)))
        except OSError as exc:
            raise JalintError(f"{summary_file}: cannot write the summary ({exc.strerror})") from None
    said = [f"jalint: {line}" for line in outcome.notices + outcome.errors]  # for standard error
    if outcome.errors:
        code = 2
    else:
        too_many = max_warnings is not None and outcome.result.count("warning") > max_warnings
        if too_many:
            said.append(f"jalint: {outcome.result.count('warning')} warnings, more than --max-warnings {max_warnings}")
        code = 1 if outcome.result.count("error") or too_many else 0
    for line in said:
        say(line)
    sys.stdout.flush()
    if outcome.replay is not None and report_stream is sys.stdout and code != 2 and not summary_file \
            and argv is not None:
        from .cache import RunOutput
        from . import replay

        told = "".join(f"{line}\n" for line in said)
        outcome.replay.keep_output(replay.presentation(argv), RunOutput(report, told, code))
        replay.keep(argv, *outcome.replay_paths, report, told, code)
    return code


def _write_in(text: str, encoding: str) -> None:
    """Write text to standard output as bytes in ``encoding`` (where it has bytes)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None or encoding.replace("_", "-").lower() in ("utf-8", "utf8"):
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    buffer.write(text.encode(encoding))
    buffer.flush()


def _not_annotated(result, fmt: str) -> int:
    """How many findings GitHub will not show as annotations (10 errors and 10
    warnings per step, 50 per job)."""
    if fmt != "github":
        return 0
    e, w, i = result.count("error"), result.count("warning"), result.count("info")
    shown = min(e, 10) + min(w, 10) + min(i, 10)
    return e + w + i - min(shown, 50)
