"""One history revision: what an apply, delete or rollback wrote, by whom, from which commit.

A revision keeps the full set of objects as they were sent, so a rollback can send them
again, but never a Secret's values: each is replaced by a salted SHA-256 (the salt is
stored in the revision), enough to tell later whether a live Secret still holds the same
value, useless for reading it.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import gzip
import hashlib
import json
import os
import socket
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kfkit._types import Obj
from kfkit.errors import ClusterError

__all__ = [
    "FORMAT",
    "ObjectOutcome",
    "Revision",
    "app_commit",
    "hash_secrets",
    "now",
    "restore_secret",
    "who",
]

FORMAT = 1
"""The payload's schema version; a newer one is refused rather than misread."""

_SECRET_HASH = "sha256:"


@dataclass(frozen=True)
class ObjectOutcome:
    """What happened to one object in a revision: ``created``, ``configured``, ``failed: …``."""

    object: str
    action: str
    note: str = ""


@dataclass(frozen=True)
class Revision:
    """A recorded apply, delete or rollback of one app and environment."""

    number: int
    app: str
    env: str
    operation: str
    """``apply``, ``delete`` or ``rollback``."""
    time: str
    """UTC, ISO 8601 to the second."""
    user: str
    """``user@host``."""
    kfkit_version: str
    command: str
    commit: str = ""
    """The app's git commit (``+dirty`` when it had local changes); empty outside git."""
    components: tuple[str, ...] = ()
    """The ``-c`` selection; empty means the whole environment."""
    objects: list[Obj] = field(default_factory=list)
    """As sent to the server, with Secret values replaced by salted hashes."""
    params: dict[str, Any] = field(default_factory=dict)
    """Each component's effective params at the time."""
    outcomes: list[ObjectOutcome] = field(default_factory=list)
    status: str = "succeeded"
    """``succeeded`` or ``failed`` (then :attr:`error` says why)."""
    error: str = ""
    rollback_of: int | None = None
    salt: str = ""
    """Hex; what :func:`hash_secrets` mixed into each Secret value's hash."""

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "number": self.number,
            "app": self.app,
            "env": self.env,
            "operation": self.operation,
            "time": self.time,
            "user": self.user,
            "kfkitVersion": self.kfkit_version,
            "command": self.command,
            "commit": self.commit,
            "components": list(self.components),
            "status": self.status,
            "error": self.error,
            "rollbackOf": self.rollback_of,
            "outcomes": [{"object": o.object, "action": o.action, "note": o.note} for o in self.outcomes],
            "params": self.params,
            "salt": self.salt,
            "objects": self.objects,
        }

    def summary(self) -> dict[str, Any]:
        """:meth:`to_json` without the objects and params: what a listing shows."""
        data = self.to_json()
        for key in ("objects", "params", "outcomes", "salt", "format"):
            del data[key]
        data["objectCount"] = len(self.objects)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Revision:
        if data.get("format") != FORMAT:
            raise ClusterError(
                f"history revision has format {data.get('format')!r}; this kfkit reads {FORMAT}"
            )
        return cls(
            number=int(data["number"]),
            app=data["app"],
            env=data["env"],
            operation=data["operation"],
            time=data["time"],
            user=data["user"],
            kfkit_version=data["kfkitVersion"],
            command=data["command"],
            commit=data.get("commit", ""),
            components=tuple(data.get("components", ())),
            objects=list(data.get("objects", [])),
            params=dict(data.get("params", {})),
            outcomes=[ObjectOutcome(**o) for o in data.get("outcomes", [])],
            status=data.get("status", "succeeded"),
            error=data.get("error", ""),
            rollback_of=data.get("rollbackOf"),
            salt=data.get("salt", ""),
        )

    def encode(self) -> str:
        """gzip-compressed JSON in base64: what a Secret's ``data`` holds."""
        raw = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")).encode()
        return base64.b64encode(gzip.compress(raw, mtime=0)).decode()

    @classmethod
    def decode(cls, text: str, where: str) -> Revision:
        """The revision in a Secret's ``data`` value; ClusterError naming ``where`` if unreadable."""
        try:
            data = json.loads(gzip.decompress(base64.b64decode(text)))
        except (binascii.Error, OSError, EOFError, ValueError) as exc:
            raise ClusterError(f"history revision {where} is unreadable: {exc}") from exc
        if not isinstance(data, dict):
            raise ClusterError(f"history revision {where} is unreadable: not an object")
        try:
            return cls.from_json(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ClusterError(f"history revision {where} is unreadable: missing or bad {exc}") from exc


def now() -> str:
    """The current UTC time, ISO 8601 to the second: ``2026-12-02T16:20:38Z``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def who() -> str:
    """``user@host`` of whoever runs kfkit (``unknown`` where the OS does not say)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a container's uid without a passwd entry
        user = os.environ.get("USER", "unknown")
    return f"{user}@{socket.gethostname()}"


def app_commit(root: Path) -> str:
    """The git commit the app directory is at, ``+dirty`` if it has changes; empty outside git."""

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=False
        )

    try:
        head = git("rev-parse", "--verify", "--quiet", "HEAD")
        if head.returncode != 0:
            return ""
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".").stdout.strip()
    except (OSError, subprocess.SubprocessError):  # no git installed, or it hung
        return ""
    return head.stdout.strip() + ("+dirty" if dirty else "")


def _secret_values(obj: Obj) -> dict[str, bytes] | None:
    """A Secret's values as the server will hold them (``stringData`` wins); None if not a Secret."""
    if (obj.get("apiVersion"), obj.get("kind")) != ("v1", "Secret"):
        return None
    values: dict[str, bytes] = {}
    for key, value in (obj.get("data") or {}).items():
        try:
            values[key] = base64.b64decode(str(value), validate=True)
        except binascii.Error:
            values[key] = str(value).encode()  # the server would refuse it; hash what is there
    for key, value in (obj.get("stringData") or {}).items():
        values[key] = str(value).encode()
    return values


def _hash(salt: str, key: str, value: bytes) -> str:
    digest = hashlib.sha256(bytes.fromhex(salt) + key.encode() + b"\0" + value).hexdigest()
    return _SECRET_HASH + digest


def hash_secrets(obj: Obj, salt: str) -> Obj:
    """``obj``, a Secret's values replaced by salted hashes (in ``data``); other kinds as they are."""
    values = _secret_values(obj)
    if values is None:
        return obj
    stored = {k: v for k, v in obj.items() if k != "stringData"}
    stored["data"] = {key: _hash(salt, key, value) for key, value in sorted(values.items())}
    return stored


def restore_secret(stored: Obj, live: Obj | None, salt: str) -> Obj | None:
    """The revision's Secret with the live values, if the live Secret holds exactly those values.

    None when it does not exist, or its keys or any value differ: the revision cannot say
    what the values were, so the Secret is left as it is.
    """
    live_values = _secret_values(live) if live is not None else None
    if live_values is None:
        return None
    hashes = {key: _hash(salt, key, value) for key, value in live_values.items()}
    if hashes != (stored.get("data") or {}):
        return None
    return {**stored, "data": dict((live or {}).get("data") or {})}
