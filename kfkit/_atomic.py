"""Files replaced whole: written under a temporary name beside the target, then renamed over it,
so a reader sees the old file or the new one, never half of either.

Without :mod:`tempfile`, whose import (with :mod:`random`) cost ~1 % of every command that
writes (#12). Below every stage: the app's files and the render, validation, discovery and
params-outline caches all write through it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

__all__ = ["make_temp", "replace_file"]


def make_temp(directory: str | Path, prefix: str, suffix: str = "") -> tuple[int, str]:
    """A new file only this process can read, open for writing, and its path (``tempfile.mkstemp``)."""
    while True:
        name = os.path.join(directory, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600), name
        except FileExistsError:  # taken (2**-48 per name): draw another
            continue


def replace_file(path: str | Path, data: bytes, *, prefix: str = ".tmp-") -> None:
    """Put ``data`` at ``path`` (a cache entry: private to the user), making its directory.
    Raises OSError, with nothing left behind."""
    directory = os.path.dirname(path)
    try:
        fd, temp = make_temp(directory, prefix)
    except FileNotFoundError:  # its first file: make it only then (a render writes 800 entries)
        os.makedirs(directory, exist_ok=True)
        fd, temp = make_temp(directory, prefix)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
