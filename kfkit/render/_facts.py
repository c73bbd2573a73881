"""What the render cache needs to know of a file's content, remembered by stat.

A warm render of 800 components must still know that none of their files changed: read,
decoded, scanned and hashed, that was a third of the render. The cache key of ``show -c one``
hashes the 0.9 MB params file, more than the rest of that render costs. So, as git's index
does, a :class:`FileIndex` keeps the facts of an app's files in render-cache entries under
each file's path, device, inode, size, mtime and ctime, and an unchanged file is only stat-ed.
Every write to a file sets its ctime to the current time (no call sets it back), so facts are
remembered only for a file whose ctime is :data:`SETTLED` seconds older than the moment it was
stat-ed and read: a later write, however soon, gives it another ctime, and a file written just
now (the one ``param set`` edited) is simply read again until it settles.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kfkit.render._cache import Store

__all__ = ["LARGE", "SETTLED", "Facts", "FileIndex", "file_facts"]

SETTLED = 2.0
"""Seconds; more than any Linux filesystem's timestamp granularity (1 s at worst)."""
LARGE = 64 * 1024
"""Bytes from which a file's facts are kept apart from the many small files' (see FileIndex)."""

# The two lines `kfkit generate` writes at the top of a component (kfkit.app.component_source).
_HEADER = re.compile(
    r'local env = std\.extVar\("__ksonnet/environments"\);\n'
    r'local params = std\.extVar\("__ksonnet/params"\)\.components'
    r'(?:\.(?P<id>[A-Za-z_][A-Za-z0-9_]*)|\["(?P<str>[^"\\]*)"\]);\n'
)


@dataclass(frozen=True)
class Facts:
    sha256: str
    plain: bool
    """UTF-8 text with nothing :func:`kfkit.render._deps.dependencies` would follow in it."""
    header: str | None
    """The component whose params the generated header reads, when the file is that header and plain
    text after it (a generated component): it reads its own params and the environment only."""
    text: str | None = field(default=None, compare=False)
    """The text (universal newlines) when it was read to find these, so the caller need not
    read it again; never remembered."""


# `std` not followed by `.name`: std used as a value, or indexed with a computed name.
# (Spelled with the literal first, so the regex engine can scan for it: 100x faster.)
_STD_AS_VALUE = re.compile(r"std(?<!\wstd)(?!\w)(?!\s*\.\s*[A-Za-z_])")


def _plain(text: str) -> bool:
    """Nothing to follow, told without parsing: no import, no extVar, ``std`` only as ``std.name``.

    Conservative: the words in a comment or string send the file to the parser instead.
    """
    return "import" not in text and "extVar" not in text and _STD_AS_VALUE.search(text) is None


def file_facts(path: Path, index: FileIndex | None) -> Facts:
    """The file's facts; from ``index`` when remembered there. Raises OSError when it cannot be read."""
    return _facts(path.read_bytes()) if index is None else index.facts(path)


class FileIndex:
    """Facts of files by their stat, in two store entries per app, one for files of
    :data:`LARGE` bytes or more: each read on first use, written back by :meth:`save` when a
    file's facts were new. Concurrent renders may each write them: every row checks itself
    against its file's stat, so whichever write lands last is right too.

    ``small=False`` reads small files afresh instead: ``show -c one`` of an 800-component app
    needs one small file, which costs less than decoding 800 rows (0.6 ms); the large file it
    needs, the params file, costs more to hash than its entry to read.
    """

    def __init__(self, store: Store, app_root: Path, *, small: bool = True) -> None:
        self.store = store
        self._keys = {
            large: hashlib.sha256(
                json.dumps(["kfkit-file-index-2", str(app_root), large]).encode()
            ).hexdigest()
            for large in (False, True)
        }
        self._small = small
        self._rows: dict[bool, dict[str, Any]] = {}
        self._changed: set[bool] = set()

    def facts(self, path: Path) -> Facts:
        start = time.time()
        stat = os.stat(path)
        large = stat.st_size >= LARGE
        if not large and not self._small:
            return _facts(path.read_bytes())
        stamp = _stamp(stat)
        rows = self._load(large)
        row = rows.get(str(path))
        if isinstance(row, list) and len(row) == 4 and row[0] == stamp:
            _, sha256, is_plain, header = row
            if (
                isinstance(sha256, str)
                and isinstance(is_plain, bool)
                and isinstance(header, (str, type(None)))
            ):
                return Facts(sha256, is_plain, header)
        facts = _facts(path.read_bytes())
        if _stamp(os.stat(path)) == stamp and stamp[4] < (start - SETTLED) * 1e9:
            rows[str(path)] = [stamp, facts.sha256, facts.plain, facts.header]
            self._changed.add(large)
        return facts

    def save(self) -> None:
        """Store the rows that changed (rows of deleted files are dropped then)."""
        for large in self._changed:
            kept = {p: row for p, row in self._rows[large].items() if os.path.exists(p)}
            self.store.put(self._keys[large], json.dumps(kept).encode())
        self._changed.clear()

    def _load(self, large: bool) -> dict[str, Any]:
        if large not in self._rows:
            data = self.store.get(self._keys[large])
            try:
                rows = json.loads(data) if data is not None else {}
            except ValueError:
                rows = {}
            self._rows[large] = rows if isinstance(rows, dict) else {}
        return self._rows[large]


def _facts(content: bytes) -> Facts:
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return Facts(sha256, False, None)
    if "\r" in text:  # universal newlines, as read_text gives them
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    header = _HEADER.match(text)
    own = (header["id"] or header["str"]) if header and _plain(text[header.end() :]) else None
    return Facts(sha256, _plain(text), own, text)


def _stamp(stat: os.stat_result) -> list[int]:
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
