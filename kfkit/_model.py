"""kfkit's object model: which object (:class:`ObjectId`) and what happens to it (:class:`Action`).

Manifests, plans, apply/delete results, diffs, errors and reports all name objects with
:class:`ObjectId` and say what kfkit does to them with :class:`Action`, so a library user
compares values instead of parsing strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kfkit._types import Obj

__all__ = ["COMPONENT_LABEL", "Action", "ObjectId"]

COMPONENT_LABEL = "ksonnet.io/component"
"""The label naming the component an object was rendered from (ksonnet's)."""


@dataclass(frozen=True, order=True)
class ObjectId:
    """An object's identity: API group, kind, namespace and name (and, for reports, version and component).

    Two ids are equal when group, kind, namespace and name are: ``apps/v1`` and
    ``apps/v1beta1`` Deployments of one name are the same object to the server, and
    the component is where it came from, not who it is. ``str()`` is how reports name
    it: ``Deployment my-ns/inception-v1`` (``TokenReview`` for a nameless object).

    Example::

        ObjectId.of({"apiVersion": "apps/v1", "kind": "Deployment",
                     "metadata": {"namespace": "ns", "name": "web"}})
    """

    group: str
    kind: str
    namespace: str
    name: str
    version: str = field(default="", compare=False)
    component: str = field(default="", compare=False)

    @classmethod
    def of(cls, obj: Obj) -> ObjectId:
        """The id of a Kubernetes object (a ``generateName`` stands in for a missing name)."""
        meta = obj.get("metadata") or {}
        group, _, version = str(obj.get("apiVersion", "")).rpartition("/")
        return cls(
            group,
            str(obj.get("kind", "")),
            meta.get("namespace", "") or "",
            meta.get("name") or meta.get("generateName", "") or "",
            version,
            (meta.get("labels") or {}).get(COMPONENT_LABEL, "") or "",
        )

    @property
    def api_version(self) -> str:
        """``apps/v1``, or ``v1`` for the core group."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def __str__(self) -> str:
        if not self.name:  # a TokenReview or SubjectAccessReview: messages must not show "Kind /" or "Kind :"
            return f"{self.kind} in namespace {self.namespace}" if self.namespace else self.kind
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"

    def to_json(self) -> dict[str, str]:
        """The fields of ``-o json`` reports: ``object`` (``str()``) and each part, for machines."""
        return {
            "object": str(self),
            "apiVersion": self.api_version,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
            "component": self.component,
        }


class Action(StrEnum):
    """What kfkit does, or would do, to one object: plans, results and diffs share it.

    The value is the verb (``create``); :attr:`done` is how a result reports it
    (``created``).
    """

    CREATE = "create"
    """The object does not exist yet."""
    CONFIGURE = "configure"
    """The object exists and applying changes it."""
    UNCHANGED = "unchanged"
    """The object exists and applying would not change it."""
    PRUNE = "prune"
    """This environment applied it earlier; the render no longer has it."""
    DELETE = "delete"
    """``kfkit delete`` removes it (or, in an environment diff, only the other side has it)."""
    ABSENT = "absent"
    """There was nothing to delete: the object (or its kind) is not on the server."""
    READY = "ready"
    """``--wait`` saw it become ready."""

    @property
    def done(self) -> str:
        """The past tense reports use: ``created``, ``configured``, ``pruned``, ``not found``…"""
        return _DONE[self]


_DONE = {
    Action.CREATE: "created",
    Action.CONFIGURE: "configured",
    Action.UNCHANGED: "unchanged",
    Action.PRUNE: "pruned",
    Action.DELETE: "deleted",
    Action.ABSENT: "not found",
    Action.READY: "ready",
}
