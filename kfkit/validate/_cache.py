"""Objects found valid before, remembered across runs, so an unchanged apply skips re-proving them.

Checking an object of a built-in kind is a pure function of the object, the schemas (the
Kubernetes minor and kubernetes-validate's data) and kfkit's validation code. Re-applying 300
unchanged objects spent ~0.25 s CPU proving them valid again: importing jsonschema, loading the
1.5 MB definitions, ~0.45 ms per object. So the sha256 of each object a built-in schema found
nothing wrong with is kept under the user's cache dir, in one file per context (every input but
the object); an object whose digest is there is not checked again.

Only clean results of built-in kinds are kept: an object with findings, a custom resource (its
CRD may change) or one nothing could check is checked every time. The file is replaced
atomically and bounded; the directory keeps the most recently used contexts. A cache that
cannot be read or written costs time, never a result.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from kfkit import __version__
from kfkit._atomic import replace_file
from kfkit._types import Obj

__all__ = ["CleanObjects"]

_FORMAT = 1
"""Bumped when what a digest means changes."""
MAX_OBJECTS = 50_000
"""Digests kept per context (65 bytes each), the oldest dropped first."""
MAX_CONTEXTS = 8
"""Context files kept (Kubernetes versions, kfkit upgrades), the least recently used dropped."""
_CODE = (*Path(__file__).parent.glob("*.py"), Path(__file__).parents[1] / "manifests" / "_apis.py")
"""The code whose verdicts are remembered: this package and the removed-API table."""


class CleanObjects:
    """The digests of objects found valid in one context; :meth:`save` writes the new ones."""

    def __init__(self, path: Path, known: list[str]) -> None:
        self.path = path
        self._known = known
        self._set = set(known)
        self._new: list[str] = []

    @classmethod
    def open(cls, directory: Path, schemas: Path) -> CleanObjects:
        """The clean objects checked against ``schemas`` (the definitions file) by this kfkit."""
        identity = [_FORMAT, __version__, str(schemas), _stat(schemas)]
        identity += [[p.name, hashlib.sha256(_read(p)).hexdigest()] for p in sorted(_CODE)]
        context = hashlib.sha256(json.dumps(identity).encode()).hexdigest()
        path = directory / f"{context}.txt"
        try:
            known = path.read_text(encoding="ascii").split()
            os.utime(path)  # recently used: the last context to be dropped
        except (OSError, UnicodeDecodeError):
            known = []
        return cls(path, known)

    @staticmethod
    def digest(obj: Obj) -> str:
        return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()).hexdigest()

    def __contains__(self, digest: str) -> bool:
        return digest in self._set

    def add(self, digest: str) -> None:
        if digest not in self._set:
            self._set.add(digest)
            self._new.append(digest)

    def save(self) -> None:
        """Write the known and new digests (at most :data:`MAX_OBJECTS`), then drop old contexts."""
        if not self._new:
            return
        lines = [*self._known, *self._new][-MAX_OBJECTS:]
        try:
            replace_file(self.path, "".join(f"{line}\n" for line in lines).encode("ascii"))
            contexts = sorted(self.path.parent.glob("*.txt"), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for stale in contexts[MAX_CONTEXTS:]:
            with contextlib.suppress(OSError):
                stale.unlink()


def _stat(path: Path) -> list[int]:
    try:
        stat = path.stat()
    except OSError:
        return []
    return [stat.st_size, stat.st_mtime_ns]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
