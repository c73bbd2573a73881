"""The cluster as kfkit.deploy needs it: the consumer owns the interface (qbec's KubeClient).

:class:`kfkit.cluster.ClusterClient` is the real implementation; keeping this a Protocol
keeps deploy free of the Kubernetes client, so ``kfkit show`` never imports it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from kfkit._connection import Target
from kfkit._types import Obj

__all__ = ["Cluster"]


class Cluster(Protocol):
    """Discovery and object operations; object errors raise Forbidden, Conflict or Invalid."""

    @property
    def target(self) -> Target:
        """Which cluster this is, for people: context, server, namespace."""
        ...

    def close(self) -> None: ...

    def is_namespaced(self, api_version: str, kind: str) -> bool | None:
        """None when the server does not serve ``kind`` (yet)."""
        ...

    def forget_discovery(self) -> None: ...

    def get(self, obj: Obj) -> Obj | None: ...

    def apply(self, obj: Obj, *, dry_run: bool = False, force: bool = False) -> Obj: ...

    def delete(self, obj: Obj, *, dry_run: bool = False, uid: str = "") -> bool:
        """False when the object was already gone."""
        ...

    def list_labelled(
        self, selector: str, namespaces: Sequence[str], *, skip: Collection[tuple[str, str]] = ()
    ) -> list[Obj]:
        """Objects of any kind matching ``selector``: namespaced ones in ``namespaces`` only.

        Kinds in ``skip`` (``(group, kind)`` pairs) are not listed at all: each costs a request.
        """
        ...

    def create(self, obj: Obj) -> Obj:
        """Create ``obj``; Conflict when it exists already (history records)."""
        ...

    def list_kind(self, api_version: str, kind: str, *, namespace: str, selector: str) -> list[Obj]:
        """Objects of one kind matching ``selector`` in ``namespace``; none if the kind is not served."""
        ...
