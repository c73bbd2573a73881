"""The server's word: a strict server-side dry run of every object, and the cluster's CRDs.

The dry run is apply's pre-flight (the same GET and strict dry-run apply) without its
ownership check: validation asks whether the server accepts an object, not who may
change it. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from kfkit._types import Obj
from kfkit.deploy import Cluster, Scope, dry_run_all
from kfkit.errors import Finding
from kfkit.validate._crd import LiveCrd
from kfkit.validate._findings import Code, finding

__all__ = ["SchemaCluster", "live_crd_lookup", "server_findings"]

_CRD_API_VERSION = "apiextensions.k8s.io/v1"


class _Resource(Protocol):
    @property
    def name(self) -> str:
        """The plural REST name, e.g. ``widgets``."""
        ...


class SchemaCluster(Cluster, Protocol):
    """A cluster that can also say which REST resource serves a kind (for its CRD's name)."""

    def resource(self, api_version: str, kind: str) -> _Resource | None: ...


def server_findings(objects: Sequence[Obj], cluster: Cluster, scope: Scope) -> list[Finding]:
    """The server's refusals, and the objects it could not dry-run yet (they need a new CRD/Namespace)."""
    changes, failures = dry_run_all(objects, cluster, scope, force=True)
    findings = [finding("error", Code.SERVER, f.object_id, "", str(f.error)) for f in failures]
    findings += [
        finding(
            "warning",
            Code.SERVER_SKIPPED,
            change.object_id,
            "",
            f"not dry-run by the server: it needs {change.waits_for} of this render to exist first",
        )
        for change in changes
        if change.waits_for
    ]
    return findings


def live_crd_lookup(cluster: SchemaCluster) -> LiveCrd:
    """(apiVersion, kind) → the cluster's CRD for it, found by its name ``<plural>.<group>``."""

    def lookup(api_version: str, kind: str) -> Obj | None:
        resource = cluster.resource(api_version, kind)
        group = api_version.rpartition("/")[0]
        if resource is None or not group:
            return None
        name = f"{resource.name}.{group}"
        return cluster.get(
            {"apiVersion": _CRD_API_VERSION, "kind": "CustomResourceDefinition", "metadata": {"name": name}}
        )

    return lookup
