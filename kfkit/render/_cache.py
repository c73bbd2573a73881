"""A content-addressed store for rendered components, under the user's cache directory.

Entries are named by the sha256 of everything the value depends on (see
:mod:`kfkit.render._incremental`), so they never need invalidating: a changed input is a
different name. Writes go to a temporary file renamed into place, so concurrent renders
never see half an entry; the store is trimmed to a size bound, least recently used first.
A cache that cannot be read or written is a slow render, never a failed one.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from kfkit._atomic import replace_file
from kfkit.app import cache_dir

__all__ = ["Store", "default_dir"]

LIMIT_BYTES = 256 * 1024 * 1024


def default_dir() -> Path:
    """``render/`` in kfkit's per-user cache: its own directory, so trimming never reaches the
    registries and package links that share the cache root."""
    return cache_dir() / "render"


class Store:
    """Files named by key, two hex digits of fan-out, bounded to ``limit`` bytes."""

    def __init__(self, root: Path, limit: int = LIMIT_BYTES) -> None:
        self.root = root
        self.limit = limit
        self.written = 0
        self._root = str(root)

    def _path(self, key: str) -> str:
        # A string, not a Path: a warm render of 800 components looks up 800 entries.
        return os.path.join(self._root, key[:2], key[2:])

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            with open(path, "rb") as entry:
                data = entry.read()
        except OSError:
            return None
        with contextlib.suppress(OSError):  # a read-only cache still serves its entries
            os.utime(path)  # recently used: trimmed last
        return data

    def put(self, key: str, data: bytes) -> None:
        try:
            replace_file(self._path(key), data)
        except OSError:
            return
        self.written += len(data)

    def trim(self) -> None:
        """Delete the least recently used entries until the store is under 80 % of its bound."""
        entries: list[tuple[float, int, str]] = []
        try:
            for fan in os.scandir(self.root):
                if fan.is_dir():
                    for entry in os.scandir(fan.path):
                        stat = entry.stat()
                        entries.append((stat.st_mtime, stat.st_size, entry.path))
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        if total <= self.limit:
            return
        for _, size, path in sorted(entries):
            if total <= self.limit * 0.8:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
