"""Which cluster an environment's objects go to, and how kfkit connects to it.

Plain data below every stage, so the facade, kfkit.deploy's :class:`~kfkit.deploy.Cluster`
protocol and kfkit.cluster share them without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from kfkit.app import EnvironmentSpec
    from kfkit.deploy import Cluster

__all__ = ["FIELD_MANAGER", "ClusterFactory", "ConnectionOptions", "Target"]

FIELD_MANAGER = "kfkit"
"""The server-side apply field manager kfkit applies as (and finds its applied fields by)."""


@dataclass(frozen=True)
class Target:
    """Where an environment's objects go: a kubeconfig context, its server, a namespace."""

    env: str
    context: str
    server: str
    namespace: str
    kubeconfig: str
    warning: str = ""
    """Set when ``force_context`` overrode a mismatch; the CLI shows it."""

    def describe(self) -> str:
        return f'context "{self.context}", server {self.server}, namespace "{self.namespace}"'


ClusterFactory: TypeAlias = "Callable[[EnvironmentSpec, ConnectionOptions], Cluster]"
"""Opens the cluster of an environment; the default picks the kubeconfig context at its server."""


@dataclass(frozen=True)
class ConnectionOptions:
    """How :class:`kfkit.App` reaches environments' clusters; every field has a safe default.

    **Parameters:**

    * ``kubeconfig`` — the kubeconfig file (default: ``$KUBECONFIG``, then ``~/.kube/config``).
    * ``context`` — a kubeconfig context; it must point at the environment's server.
    * ``force_context`` — use ``context`` (or the current one) even when it points elsewhere.
    * ``factory`` — opens a cluster (default: the real API server through the kubeconfig);
      tests pass one returning a fake.
    * ``on_connect`` — told each target as it is connected, with why (the CLI prints it).
    """

    kubeconfig: str | None = None
    context: str | None = None
    force_context: bool = False
    factory: ClusterFactory | None = None
    on_connect: Callable[[Target, str], None] | None = None
