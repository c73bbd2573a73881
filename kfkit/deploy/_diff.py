"""Diffs: a render against the live cluster, or two environments against each other.

Against the cluster, "after" is the server's dry-run apply of the rendered object and
"before" the live object, both without server-owned fields, so the diff shows what
``kfkit apply`` would change and nothing else. Objects are compared with ``==`` and only
differing ones are formatted. Secret values are replaced by a salted per-run hash (qbec):
a changed value still shows as changed, and no value is ever in a result.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from kfkit._model import Action, ObjectId
from kfkit._progress import OnProgress
from kfkit._types import Obj
from kfkit.deploy._labels import ENV_KEY
from kfkit.deploy._plan import Change, Scope, check, comparable, prune_candidates, served_identity
from kfkit.deploy._protocol import Cluster
from kfkit.manifests import yaml_document

__all__ = ["DiffResult", "ObjectDiff", "SecretMask", "Side", "diff_changes", "diff_live", "diff_sides"]

_SECRET_FIELDS = ("data", "stringData")


class SecretMask:
    """Replaces every Secret value with ``<secret sha256:…>`` of a random per-instance salt."""

    def __init__(self) -> None:
        self._salt = os.urandom(16)

    def __call__(self, obj: Obj | None) -> Obj | None:
        if obj is None or (ObjectId.of(obj).group, obj.get("kind")) != ("", "Secret"):
            return obj
        masked = dict(obj)
        for key in _SECRET_FIELDS:
            if isinstance(obj.get(key), dict):
                masked[key] = {name: self.hash(value) for name, value in obj[key].items()}
        return masked

    def hash(self, value: Any) -> str:
        return f"<secret sha256:{hashlib.sha256(self._salt + str(value).encode()).hexdigest()[:16]}>"


@dataclass(frozen=True)
class ObjectDiff:
    """One object's two sides (server fields dropped, secrets masked); None where it is absent."""

    object_id: ObjectId
    before: Obj | None
    after: Obj | None
    before_path: str
    after_path: str
    removal: Action = Action.DELETE
    """The action when only ``before`` exists: PRUNE against the cluster, DELETE between environments."""

    @property
    def action(self) -> Action:
        """What turns ``before`` into ``after``: CREATE, CONFIGURE, UNCHANGED, or :attr:`removal`."""
        if self.before is None:
            return Action.CREATE
        if self.after is None:
            return self.removal
        return Action.UNCHANGED if self.before == self.after else Action.CONFIGURE

    def to_json(self) -> dict[str, str]:
        """One entry of ``objects`` in the ``-o json`` reports: the object, ``action``, ``diff``."""
        return {**self.object_id.to_json(), "action": str(self.action), "diff": self.unified()}

    def unified(self) -> str:
        """The unified diff of the two sides as YAML; empty when they are equal."""
        if self.before == self.after:
            return ""
        lines = difflib.unified_diff(
            _lines(self.before), _lines(self.after), self.before_path, self.after_path, lineterm=""
        )
        return "".join(line + "\n" for line in lines)


@dataclass(frozen=True)
class DiffResult:
    objects: list[ObjectDiff]

    @property
    def has_changes(self) -> bool:
        return any(d.action is not Action.UNCHANGED for d in self.objects)

    def counts(self) -> Counter[Action]:
        """How many objects each action concerns (CREATE, CONFIGURE, UNCHANGED always present)."""
        counts = Counter(dict.fromkeys((Action.CREATE, Action.CONFIGURE, Action.UNCHANGED), 0))
        counts.update(d.action for d in self.objects)
        return counts


@dataclass(frozen=True)
class Side:
    """One side of an environment comparison: ``local:dev``'s render, ``remote:prod``'s objects."""

    label: str
    objects: Sequence[Obj]
    namespace: str
    """The environment's default namespace: objects there match objects in the other's."""


def diff_live(
    objects: Sequence[Obj],
    client: Cluster,
    scope: Scope,
    *,
    mask: SecretMask | None = None,
    on_progress: OnProgress | None = None,
) -> DiffResult:
    """The render against the cluster: changed, new, and (``removed``) what prune would delete.

    ``mask`` hides Secret values (default: a new one); pass one to hash other objects alike.
    """
    changes = check(objects, client, scope, on_progress=on_progress)
    return diff_changes(changes, prune_candidates(client, scope, changes), mask=mask)


def diff_changes(
    changes: Sequence[Change], prune: Sequence[Obj], *, mask: SecretMask | None = None
) -> DiffResult:
    """Checked changes (live against the server's dry run) and objects to prune, as a diff."""
    sides: list[tuple[ObjectId, Obj | None, Obj | None]] = [
        (c.object_id, c.live, c.preview or c.obj) for c in changes
    ]
    sides += [(ObjectId.of(obj), obj, None) for obj in prune]
    mask = mask or SecretMask()
    return DiffResult(
        [
            ObjectDiff(
                oid,
                mask(comparable(live)),
                mask(comparable(local)),
                _path("live", oid),
                _path("local", oid),
                removal=Action.PRUNE,
            )
            for oid, live, local in sides
        ]
    )


def diff_sides(first: Side, second: Side, *, mask: SecretMask | None = None) -> DiffResult:
    """How ``second`` would have to change to become ``first`` (ksonnet: ``-`` second, ``+`` first).

    Objects match by group (a removed API's by its successor's), kind and name, and by
    namespace unless each is in its environment's default one; that namespace and the
    environment marks are not differences.
    """
    mask = mask or SecretMask()
    theirs = {_key(obj, second.namespace): obj for obj in second.objects}
    pairs: list[tuple[Obj | None, Obj | None]] = [
        (obj, theirs.pop(_key(obj, first.namespace), None)) for obj in first.objects
    ]
    pairs += [(None, other) for other in theirs.values()]
    diffs = []
    for mine, other in pairs:
        oid = ObjectId.of(mine or other or {})
        before_id = ObjectId.of(other) if other is not None else oid
        before, after = _portable(other, second.namespace), _portable(mine, first.namespace)
        diffs.append(
            ObjectDiff(
                oid,
                mask(before),
                mask(after),
                _path(second.label, before_id),
                _path(first.label, oid),
            )
        )
    return DiffResult(diffs)


def _path(label: str, oid: ObjectId) -> str:
    """``live/Deployment/my-ns/inception-v1``: where a diff header says the side comes from."""
    return (
        f"{label}/{oid.kind}/{oid.namespace}/{oid.name}"
        if oid.namespace
        else f"{label}/{oid.kind}/{oid.name}"
    )


def _key(obj: Obj, home: str) -> ObjectId:
    """The object's id as a current server knows it (a removed API's successor group, as
    prune does), with the environment's own namespace left out."""
    oid = served_identity(ObjectId.of(obj))
    return dataclasses.replace(oid, namespace="") if oid.namespace == home else oid


def _portable(obj: Obj | None, home: str) -> Obj | None:
    """``obj`` as comparable across environments: no home namespace, no environment marks."""
    obj = comparable(obj)
    if obj is None:
        return None
    meta = dict(obj["metadata"])
    if meta.get("namespace") == home:
        del meta["namespace"]
    for key in ("labels", "annotations"):
        if ENV_KEY in (meta.get(key) or {}):
            meta[key] = {k: v for k, v in meta[key].items() if k != ENV_KEY}
    return {**obj, "metadata": meta}


def _lines(obj: Obj | None) -> list[str]:
    return yaml_document(obj).splitlines() if obj is not None else []
