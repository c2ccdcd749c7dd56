"""The one exception type the CLI turns into a one-line message and exit code 2."""


class JalintError(Exception):
    """A usage, configuration, rule-file or input error the user must fix."""
