"""The cluster as kfkit.deploy needs it: the consumer owns the interface (qbec's KubeClient).

:class:`kfkit.cluster.ClusterClient` is the real implementation; keeping this a Protocol
keeps deploy free of the Kubernetes client, so ``kfkit show`` never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from kfkit._types import Obj

__all__ = ["Cluster"]


class Cluster(Protocol):
    """Discovery and object operations; object errors raise Forbidden, Conflict or Invalid."""

    def is_namespaced(self, api_version: str, kind: str) -> bool | None:
        """None when the server does not serve ``kind`` (yet)."""
        ...

    def forget_discovery(self) -> None: ...

    def get(self, obj: Obj) -> Obj | None: ...

    def apply(self, obj: Obj, *, dry_run: bool = False, force: bool = False) -> Obj: ...

    def delete(self, obj: Obj, *, dry_run: bool = False, uid: str = "") -> bool:
        """False when the object was already gone."""
        ...

    def list_labelled(self, selector: str, namespaces: Sequence[str]) -> list[Obj]:
        """Objects of any kind matching ``selector``: namespaced ones in ``namespaces`` only."""
        ...
