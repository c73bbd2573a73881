"""History in the cluster: one Secret per revision of an app and environment, in its namespace.

Anyone who can read Secrets there sees the same history (Helm keeps releases the same
way). Each Secret carries kfkit's ownership labels (but not its ownership annotations,
so prune and ``remote:`` diffs never take it for an applied object), a history label, and
the revision as gzip-compressed JSON. Revision numbers are claimed by *creating* the
Secret: when two applies race for number N, the server lets one create it and answers
409 to the other, which takes the next number.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from kfkit._constants import DEFAULT_MAX_HISTORY
from kfkit._types import Obj
from kfkit.deploy import owner_labels, owner_selector
from kfkit.errors import ClusterError, Conflict, UsageError
from kfkit.history._revision import Revision

__all__ = [
    "DEFAULT_MAX_HISTORY",
    "HISTORY_LABEL",
    "MAX_REVISION_BYTES",
    "HistoryCluster",
    "get_revision",
    "list_revisions",
    "record",
    "revision_name",
    "trim",
]

HISTORY_LABEL = "kfkit.io/history"
REVISION_LABEL = "kfkit.io/revision"
SECRET_TYPE = "kfkit.io/history.v1"
MAX_REVISION_BYTES = 1_000_000
"""A Secret holds at most 1 MiB; the compressed revision must fit, with room for metadata."""
_ATTEMPTS = 20
"""Numbers tried when concurrent writers keep taking the next one first."""
_DNS_LABEL = re.compile(r"[a-z0-9](?:[-a-z0-9]{0,38}[a-z0-9])?")


class HistoryCluster(Protocol):
    """What history needs from the cluster; :class:`kfkit.cluster.ClusterClient` provides it."""

    def create(self, obj: Obj) -> Obj:
        """Create ``obj``; Conflict when it exists already."""
        ...

    def list_kind(self, api_version: str, kind: str, *, namespace: str, selector: str) -> list[Obj]: ...

    def delete(self, obj: Obj, *, dry_run: bool = False, uid: str = "") -> bool: ...


def revision_name(app: str, env: str, number: int) -> str:
    """``kfkit.<app>.<env>.v<N>``, each name made a DNS label (hashed when it had to change)."""
    return f"kfkit.{_dns(app)}.{_dns(env)}.v{number}"


def _dns(name: str) -> str:
    if _DNS_LABEL.fullmatch(name):
        return name
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:20].strip("-")
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{stem}-{digest}" if stem else digest


def _selector(app: str, env: str) -> str:
    return f"{owner_selector(app, env)},{HISTORY_LABEL}"


def _number(secret: Obj) -> int:
    text = ((secret.get("metadata") or {}).get("labels") or {}).get(REVISION_LABEL, "")
    return int(text) if text.isdigit() else 0


def _secrets(client: HistoryCluster, app: str, env: str, namespace: str) -> list[Obj]:
    """This app and environment's history Secrets, oldest first (exact names checked)."""
    found = client.list_kind("v1", "Secret", namespace=namespace, selector=_selector(app, env))
    mine = [s for s in found if s.get("type") == SECRET_TYPE and _number(s) > 0]
    prefix = revision_name(app, env, 0)[:-1]
    return sorted((s for s in mine if s["metadata"]["name"].startswith(prefix)), key=_number)


def _decode(secret: Obj) -> Revision:
    name = secret["metadata"]["name"]
    return Revision.decode(str((secret.get("data") or {}).get("revision", "")), name)


def list_revisions(client: HistoryCluster, app: str, env: str, namespace: str) -> list[Revision]:
    """Every kept revision of ``app``/``env``, oldest first."""
    return [_decode(s) for s in _secrets(client, app, env, namespace)]


def get_revision(client: HistoryCluster, app: str, env: str, namespace: str, number: int) -> Revision:
    """Revision ``number``; a UsageError listing the kept ones if it is not (or no longer) there."""
    secrets = _secrets(client, app, env, namespace)
    for secret in secrets:
        if _number(secret) == number:
            return _decode(secret)
    kept = ", ".join(str(_number(s)) for s in secrets) or "none"
    raise UsageError(
        f'environment "{env}" of app "{app}" has no revision {number} in namespace "{namespace}"; '
        f"kept: {kept}"
    )


def record(
    client: HistoryCluster, draft: Revision, namespace: str, *, max_history: int = DEFAULT_MAX_HISTORY
) -> Revision:
    """Store ``draft`` as the next revision, then drop all but the newest ``max_history``."""
    if max_history < 1:
        raise UsageError(f"--max-history must be at least 1, not {max_history}")
    for _ in range(_ATTEMPTS):
        secrets = _secrets(client, draft.app, draft.env, namespace)
        revision = replace(draft, number=max((_number(s) for s in secrets), default=0) + 1)
        try:
            client.create(_secret(revision, namespace))
        except Conflict:
            continue  # another writer took this number first
        _delete_oldest(client, secrets, keep=max_history - 1)
        return revision
    raise ClusterError(
        f'could not record history of environment "{draft.env}": {_ATTEMPTS} revision numbers '
        "in a row were taken by concurrent writers"
    )


def trim(client: HistoryCluster, app: str, env: str, namespace: str, *, keep: int) -> int:
    """Delete all but the newest ``keep`` revisions; how many were deleted."""
    if keep < 1:
        raise UsageError(f"--max-history must be at least 1, not {keep}")
    return _delete_oldest(client, _secrets(client, app, env, namespace), keep=keep)


def _delete_oldest(client: HistoryCluster, secrets: Sequence[Obj], *, keep: int) -> int:
    doomed = list(secrets)[: max(len(secrets) - keep, 0)]
    for secret in doomed:
        client.delete(secret, uid=secret["metadata"].get("uid", ""))
    return len(doomed)


def _secret(revision: Revision, namespace: str) -> Obj:
    payload = revision.encode()
    size = len(base64.b64decode(payload))
    if size > MAX_REVISION_BYTES:
        raise ClusterError(
            f"history revision {revision.number} of environment {revision.env!r} is {size} bytes "
            f"compressed; a Secret holds at most {MAX_REVISION_BYTES}"
        )
    labels = {
        **owner_labels(revision.app, revision.env),
        HISTORY_LABEL: "v1",
        REVISION_LABEL: str(revision.number),
    }
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": SECRET_TYPE,
        "metadata": {
            "name": revision_name(revision.app, revision.env, revision.number),
            "namespace": namespace,
            "labels": labels,
        },
        "data": {"revision": payload},
    }
