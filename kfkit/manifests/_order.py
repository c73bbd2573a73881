"""ksonnet's object order: namespace, a fixed kind rank, then apiVersion and name."""

from __future__ import annotations

from kfkit._types import Obj

__all__ = ["KIND_ORDER", "sort_objects"]

KIND_ORDER = (
    "Namespace", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "Secret", "ConfigMap",
    "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "ServiceAccount",
    "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
    "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "StatefulSet", "Job", "CronJob", "Ingress", "APIService",
)  # fmt: skip
_RANK = {kind: i for i, kind in enumerate(KIND_ORDER)}


def sort_objects(objects: list[Obj]) -> list[Obj]:
    """Stable sort; kinds ksonnet did not rank come after the ranked ones, alphabetically."""

    def key(obj: Obj) -> tuple[str, int, str, str, str, str]:
        meta = obj.get("metadata", {})
        kind = obj.get("kind", "")
        return (
            meta.get("namespace", "") or "",
            _RANK.get(kind, len(KIND_ORDER)),
            kind if kind not in _RANK else "",
            obj.get("apiVersion", ""),
            meta.get("name", "") or "",
            meta.get("generateName", "") or "",
        )

    return sorted(objects, key=key)
