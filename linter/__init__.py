"""jalint: a Japanese proofreading and consistency linter."""

__version__ = "0.1.0"


def package_data_dir(name: str):
    """``rules`` or ``dictionaries``: inside the installed wheel, or beside the package
    in a source checkout.  Here, not in ``rules``, so that the cache can hash these
    folders without importing the rule machinery."""
    from pathlib import Path

    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / name, here.parent / name):
        if candidate.is_dir():
            return candidate
    from .errors import JalintError

    raise JalintError(f"the bundled {name}/ folder is missing from this installation")
