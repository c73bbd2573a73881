"""Apply tiers: Namespaces, CRDs, cluster-scoped, config, Services, workloads, the rest."""

from __future__ import annotations

from kfkit.deploy import Tier, tier_of
from kfkit.deploy._order import by_tier


def test_tiers_follow_dependencies() -> None:
    kinds = [
        ("", "Namespace", False),
        ("apiextensions.k8s.io", "CustomResourceDefinition", False),
        ("rbac.authorization.k8s.io", "ClusterRole", False),
        ("example.com", "ClusterWidget", False),
        ("", "ServiceAccount", True),
        ("rbac.authorization.k8s.io", "RoleBinding", True),
        ("", "Secret", True),
        ("", "Service", True),
        ("apps", "Deployment", True),
        ("batch", "Job", True),
        ("networking.k8s.io", "Ingress", True),
        ("example.com", "Widget", True),
    ]
    assert [tier_of(*k).name for k in kinds] == [
        "NAMESPACES", "CRDS", "CLUSTER", "CLUSTER", "CONFIG", "CONFIG", "CONFIG",
        "SERVICES", "WORKLOADS", "WORKLOADS", "REST", "REST",
    ]  # fmt: skip


def test_kinds_are_keyed_by_group_too() -> None:
    assert tier_of("example.com", "Deployment", True) is Tier.REST


def test_grouping_keeps_the_given_order_and_reverses_for_delete() -> None:
    items = [
        ("svc", Tier.SERVICES),
        ("ns", Tier.NAMESPACES),
        ("dep", Tier.WORKLOADS),
        ("svc2", Tier.SERVICES),
    ]
    grouped = by_tier(items, lambda item: item[1])
    assert [(tier, [name for name, _ in group]) for tier, group in grouped] == [
        (Tier.NAMESPACES, ["ns"]),
        (Tier.SERVICES, ["svc", "svc2"]),
        (Tier.WORKLOADS, ["dep"]),
    ]
    assert [tier for tier, _ in by_tier(items, lambda item: item[1], reverse=True)] == [
        Tier.WORKLOADS,
        Tier.SERVICES,
        Tier.NAMESPACES,
    ]
