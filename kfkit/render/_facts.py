"""What the render cache needs to know of a file's content, remembered for large files by stat.

The cache key of ``show -c one`` hashes the params file; with 800 components that is 0.9 MB
read, decoded, scanned for imports and hashed on every render, more than the rest of the
render costs. So, as git's index does, the facts of a large file are kept in the render
cache under its path, device, inode, size, mtime and ctime, and an unchanged file is only
stat-ed. Every write to a file sets its ctime to the current time (no call sets it back), so
facts are remembered only for a file whose ctime is :data:`SETTLED` seconds older than the
moment it was stat-ed and read: a later write, however soon, gives it another ctime, and a
file written just now (the one ``param set`` edited) is simply read again until it settles.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from kfkit.render._cache import Store

__all__ = ["LARGE", "SETTLED", "Facts", "file_facts", "plain"]

LARGE = 64 * 1024
"""Smaller files are cheaper to read and hash than to look up."""
SETTLED = 2.0
"""Seconds; more than any Linux filesystem's timestamp granularity (1 s at worst)."""


@dataclass(frozen=True)
class Facts:
    sha256: str
    plain: bool
    """UTF-8 text with nothing :func:`kfkit.render._deps.dependencies` would follow in it."""
    text: str | None = field(default=None, compare=False)
    """The text when it was read to find these (so the caller need not read it again) and is
    UTF-8; never remembered."""


# `std` not followed by `.name`: std used as a value, or indexed with a computed name.
# (Spelled with the literal first, so the regex engine can scan for it: 100x faster.)
_STD_AS_VALUE = re.compile(r"std(?<!\wstd)(?!\w)(?!\s*\.\s*[A-Za-z_])")


def plain(text: str) -> bool:
    """Nothing to follow, told without parsing: no import, no extVar, ``std`` only as ``std.name``.

    Conservative: the words in a comment or string send the file to the parser instead.
    """
    return "import" not in text and "extVar" not in text and _STD_AS_VALUE.search(text) is None


def file_facts(path: Path, store: Store | None) -> Facts:
    """The file's sha256 and whether it is plain; from ``store`` when remembered there.

    Raises OSError when the file cannot be read.
    """
    start = time.time()
    before = os.stat(path)
    if store is None or before.st_size < LARGE:
        return _facts(path.read_bytes())
    key = _key(path, before)
    data = store.get(key)
    if data is not None:
        return Facts(**json.loads(data))
    facts = _facts(path.read_bytes())
    if _stamp(os.stat(path)) == _stamp(before) and before.st_ctime_ns < (start - SETTLED) * 1e9:
        store.put(key, json.dumps({"sha256": facts.sha256, "plain": facts.plain}).encode())
    return facts


def _facts(content: bytes) -> Facts:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return Facts(hashlib.sha256(content).hexdigest(), False)
    return Facts(hashlib.sha256(content).hexdigest(), plain(text), text)


def _stamp(stat: os.stat_result) -> tuple[int, ...]:
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def _key(path: Path, stat: os.stat_result) -> str:
    text = json.dumps(["kfkit-file-facts-1", str(path), *_stamp(stat)])
    return hashlib.sha256(text.encode()).hexdigest()
