"""``jalint`` and ``python -m linter``: a repeated ``--cache`` command is answered
from the cache (``replay``) before the command line is imported."""
import sys


def main() -> None:
    from .replay import answer

    code = answer(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from .cli import main as command_line

    command_line()


if __name__ == "__main__":
    main()
