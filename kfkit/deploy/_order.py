"""Apply tiers: what must exist before what (kapp's and qbec's order, keyed by group and kind).

ksonnet ranked kinds in one unstable sort and put CRDs with everything else; kfkit
applies tier by tier, objects of one tier in parallel, and deletes in reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import IntEnum
from typing import TypeVar

__all__ = ["Tier", "by_tier", "tier_of"]

T = TypeVar("T")


class Tier(IntEnum):
    NAMESPACES = 0
    CRDS = 1
    CLUSTER = 2
    """Other cluster-scoped objects: ClusterRoles, StorageClasses, PriorityClasses…"""
    CONFIG = 3
    """What workloads mount or run as: ServiceAccounts, RBAC, ConfigMaps, Secrets, claims."""
    SERVICES = 4
    WORKLOADS = 5
    REST = 6
    """Ingresses, autoscalers, disruption budgets, custom resources…"""


_RBAC = "rbac.authorization.k8s.io"
_FIXED = {
    ("", "Namespace"): Tier.NAMESPACES,
    ("apiextensions.k8s.io", "CustomResourceDefinition"): Tier.CRDS,
    **dict.fromkeys(
        [("", "ServiceAccount"), ("", "ConfigMap"), ("", "Secret"), ("", "PersistentVolumeClaim"),
         ("", "ResourceQuota"), ("", "LimitRange"), (_RBAC, "Role"), (_RBAC, "RoleBinding")],
        Tier.CONFIG,
    ),
    ("", "Service"): Tier.SERVICES,
    **dict.fromkeys(
        [("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "DaemonSet"),
         ("apps", "ReplicaSet"), ("batch", "Job"), ("batch", "CronJob"), ("", "Pod"),
         ("", "ReplicationController")],
        Tier.WORKLOADS,
    ),
}  # fmt: skip


def tier_of(group: str, kind: str, namespaced: bool) -> Tier:
    """The tier of a kind; ``namespaced`` (from discovery) places kinds the table does not name."""
    fixed = _FIXED.get((group, kind))
    if fixed is not None:
        return fixed
    return Tier.REST if namespaced else Tier.CLUSTER


def by_tier(
    items: Iterable[T], tier: Callable[[T], Tier], *, reverse: bool = False
) -> list[tuple[Tier, list[T]]]:
    """Items grouped by tier in apply (or delete) order; the given order kept within a tier."""
    groups: dict[Tier, list[T]] = {}
    for item in items:
        groups.setdefault(tier(item), []).append(item)
    return sorted(groups.items(), key=lambda group: group[0], reverse=reverse)
