"""``kfkit validate --server`` against the real control plane: its CRDs and its strict dry run."""

from __future__ import annotations

import json
from typing import Any

from tests.cli.support import crd
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
)


def _gadget_crd(group: str) -> dict[str, Any]:
    spec = {
        "type": "object",
        "required": ["size"],
        "properties": {"size": {"type": "integer"}, "colour": {"type": "string", "enum": ["red", "blue"]}},
    }
    return crd(group, "Gadget", spec)


def _gadget(group: str, **spec: Any) -> dict[str, Any]:
    return {"apiVersion": f"{group}/v1", "kind": "Gadget", "metadata": {"name": "g"}, "spec": spec}


def test_custom_resources_are_checked_against_the_clusters_crd(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    group = f"{ns}.example.com"
    app.component("crd", _gadget_crd(group))
    app.ok("apply", "default", "-c", "crd")  # installs the CRD and waits until it is established

    app.component("gadget", _gadget(group, size=2, colour="red"))
    offline = app("validate", "default", "-c", "gadget")
    assert offline.code == 0
    assert offline.out.startswith('warning: component "gadget": Gadget g: not checked:')

    checked = app("validate", "default", "-c", "gadget", "--server")
    assert checked.code == 0, checked.err
    assert checked.out == ""
    assert checked.err.splitlines() == [
        f'validating against: context "admin", server {app.server}, namespace "{ns}"',
        "1 object valid (checked against Kubernetes 1.37 and the server); 0 warnings",
    ]

    app.component("gadget", _gadget(group, size="big", colour="green"))
    refused = app("validate", "default", "-c", "gadget", "--server", "--strict")
    assert refused.code == 1
    lines = refused.out.splitlines()
    assert lines[:2] == [
        "error: component \"gadget\": Gadget g: spec.colour: must be one of red, blue; got 'green'",
        "error: component \"gadget\": Gadget g: spec.size: expected integer, got string 'big'",
    ]
    # The server agrees, in its own words.
    assert lines[2].startswith(f'error: component "gadget": Gadget {ns}/g: ')
    assert lines[2].endswith(".spec.size: expected numeric (int or float), got string")
    assert len(lines) == 3
    assert app.live(f"{group}/v1", "Gadget", "g") is None


def test_the_server_catches_what_schemas_cannot_and_writes_nothing(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    bad_port = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "bad-port"},
        "spec": {"ports": [{"port": 99999, "targetPort": 80}]},
    }
    app.component("svc", bad_port)
    app.component("good", config_map("good", k="v"))

    assert app("validate", "default").code == 0  # the schemas have no bounds for ports
    result = app("validate", "default", "--server", "-o", "json")

    assert result.code == 1
    report = json.loads(result.out)
    assert (report["server"], report["errors"], report["objects"]) == (True, 1, 2)
    [finding] = report["findings"]
    assert finding["code"] == "server"
    assert finding["object"] == {"apiVersion": "v1", "kind": "Service", "namespace": ns, "name": "bad-port"}
    assert "spec.ports[0].port: Invalid value: 99999: must be between 1 and 65535" in finding["message"]
    assert app.live("v1", "ConfigMap", "good") is None


def test_a_crd_and_its_resource_in_one_render(cluster_app: ClusterApp) -> None:
    app = cluster_app
    group = f"{app.namespace}.example.com"
    app.component("crd", _gadget_crd(group))
    app.component("gadget", _gadget(group, size=1))

    result = app("validate", "default", "--server")

    assert result.code == 0, result.out + result.err
    # Checked offline against the render's CRD; the server cannot dry-run it before the CRD exists.
    assert result.out == (
        f'warning: component "gadget": Gadget {app.namespace}/g: not dry-run by the server: '
        f"it needs CustomResourceDefinition gadgets.{group} of this render to exist first\n"
    )
    assert app.live("apiextensions.k8s.io/v1", "CustomResourceDefinition", f"gadgets.{group}") is None
