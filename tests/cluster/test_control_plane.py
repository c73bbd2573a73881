"""The local control plane is a real API server: SSA, dry-run and RBAC behave as in a cluster."""

from __future__ import annotations

from typing import Any

import pytest
from kubernetes.dynamic.exceptions import ForbiddenError, NotFoundError

from tests.cluster.deploy_support import deployment

pytestmark = pytest.mark.cluster

MANAGER = "kfkit-test"


def apply(client: Any, body: dict[str, Any], namespace: str, **params: Any) -> dict[str, Any]:
    """Server-side apply ``body`` as MANAGER (PATCH, application/apply-patch+yaml)."""
    resource = client.resources.get(api_version=body["apiVersion"], kind=body["kind"])
    result = client.server_side_apply(
        resource, body=body, namespace=namespace, field_manager=MANAGER, **params
    )
    obj: dict[str, Any] = result.to_dict()
    return obj


def get(client: Any, api_version: str, kind: str, name: str, namespace: str) -> dict[str, Any]:
    """The stored object, as plain JSON."""
    resource = client.resources.get(api_version=api_version, kind=kind)
    obj: dict[str, Any] = resource.get(name=name, namespace=namespace).to_dict()
    return obj


def service(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}]},
    }


def managers(obj: dict[str, Any]) -> set[tuple[str, str]]:
    return {(entry["manager"], entry["operation"]) for entry in obj["metadata"]["managedFields"]}


def test_server_side_apply_round_trips(admin: Any, namespace: str) -> None:
    web = deployment("web")
    web["spec"]["replicas"] = 2
    apply(admin, web, namespace)
    apply(admin, service("web"), namespace)

    stored = get(admin, "apps/v1", "Deployment", "web", namespace)
    assert stored["spec"]["replicas"] == 2
    assert stored["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert stored["spec"]["strategy"]["type"] == "RollingUpdate"  # server-side defaulting
    assert (MANAGER, "Apply") in managers(stored)

    svc = get(admin, "v1", "Service", "web", namespace)
    assert svc["spec"]["ports"][0]["targetPort"] == 8080
    assert svc["spec"]["clusterIP"].startswith("10.0.0.")  # allocated by the API server
    assert (MANAGER, "Apply") in managers(svc)


def test_dry_run_writes_nothing(admin: Any, namespace: str) -> None:
    preview = apply(admin, deployment("ghost"), namespace, dry_run="All")

    assert preview["metadata"]["name"] == "ghost"
    assert (MANAGER, "Apply") in managers(preview)
    with pytest.raises(NotFoundError):
        get(admin, "apps/v1", "Deployment", "ghost", namespace)


def test_limited_user_is_forbidden(limited: Any, namespace: str) -> None:
    with pytest.raises(ForbiddenError) as err:
        apply(limited, deployment("web"), namespace)

    assert err.value.status == 403
    summary = err.value.summary()  # type: ignore[no-untyped-call]  # the Kubernetes client's, unannotated
    assert 'User "limited" cannot patch resource "deployments"' in summary
