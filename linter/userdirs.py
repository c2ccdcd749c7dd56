"""jalint's user cache folder (a module of its own, on os.path alone: a re-run
answered from the cache finds it without importing anything else)."""
from __future__ import annotations

import os


def user_cache_folder() -> str | None:
    """jalint's user cache folder, or None when caching is off (``JALINT_NO_CACHE``
    set): ``$JALINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/jalint``, else
    ``~/.cache/jalint`` (as black and pre-commit do)."""
    if os.environ.get("JALINT_NO_CACHE", "") not in ("", "0"):
        return None
    own = os.environ.get("JALINT_CACHE_DIR")
    if own:
        return own
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return os.path.join(xdg, "jalint")
    home = os.path.expanduser("~")
    if home == "~":  # no home folder to be found
        return None
    return os.path.join(home, ".cache", "jalint")


def user_cache_dir():
    """``user_cache_folder`` as a Path (or None)."""
    from pathlib import Path

    folder = user_cache_folder()
    return Path(folder) if folder is not None else None


def write_atomic(path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (its folder made, private) through a temporary file
    and ``os.replace``: a reader (another worker, another run) sees the old file or
    the new one, never half of one.  False when it cannot be written: a cache that
    cannot be written only costs time."""
    import threading

    path = os.fspath(path)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        return True
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False
