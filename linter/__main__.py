"""``jalint`` and ``python -m linter``: a repeated ``--cache`` command is answered
from the cache (``replay``) before anything else is imported; any other plain lint
command is read by ``lint_args`` and run without the click command line, which
serves every other command (and reports every mistake in the words).

When the command is done, the process leaves without tearing the interpreter down:
freeing every token, rule and dictionary one by one takes longer than many a
run's linting (tens of milliseconds), and the operating system frees them at once.
Files are written and closed by then (always in ``with`` blocks); only the
standard streams need flushing.  Under a debugger, a profiler or a coverage tool
(a trace or profile hook is set) the process exits as usual, so that the tool
can write what it gathered."""
import os
import sys


def main() -> None:
    code = run()
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)  # a debugger, profiler or coverage tool writes its data at exit
    _leave(code)


def run():
    """The command's exit code (or message), as ``sys.exit`` takes it."""
    from .replay import answer

    argv = sys.argv[1:]
    code = answer(argv)
    if code is not None:
        return code
    from .lint_args import parse

    values = parse(argv)
    if values is not None:
        from .lint_command import lint

        return lint(values, argv)
    from .cli import main as command_line

    try:
        command_line()
    except SystemExit as exc:
        return exc.code
    return None


def _leave(code) -> None:
    """Exit with ``code`` as ``sys.exit`` would (None is 0, a message is printed
    and gives 1), skipping the interpreter's teardown."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            status = status or 1
    os._exit(status & 0xFF)


if __name__ == "__main__":
    main()
