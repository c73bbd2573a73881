"""Kubeflow v0.2's serving tutorial, unmodified, on today's Kubernetes.

The registry (tests/registries/kubeflow) has Kubeflow v0.2's shape and prototype style —
``import "k.libsonnet"``, an ``extensions/v1beta1`` Deployment, ``k.core.v1.list.new`` —
written for these tests. ksonnet-lib is generated on first render; ``--upgrade-apis`` carries
the Deployment to ``apps/v1``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
)

pytestmark = pytest.mark.cluster

REGISTRY = Path(__file__).resolve().parents[1] / "registries" / "kubeflow"


def test_serving_tutorial_unmodified(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.ok("registry", "add", "kubeflow", str(REGISTRY))
    app.ok("pkg", "install", "kubeflow/tf-serving")
    app.ok("generate", "tf-serving", "model-server", "--name=inception")
    app.ok("param", "set", "model-server", "modelPath", "/serving/inception-export")
    app.ok("param", "set", "model-server", "modelServerImage", "katacoda/tensorflow_serving")

    shown = [d for d in yaml.safe_load_all(app.ok("show", "default", "-c", "model-server").out) if d]
    assert [(d["apiVersion"], d["kind"], d["metadata"]["name"]) for d in shown] == [
        ("v1", "Service", "inception"),
        ("extensions/v1beta1", "Deployment", "inception-v1"),
    ]
    assert (app.root / "lib" / "ksonnet-lib" / "v1.8.0" / "k.libsonnet").is_file()

    refused = app("apply", "default", "-c", "model-server")
    assert refused.code == 1
    assert "extensions/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1" in refused.err

    applied = app.ok("apply", "default", "-c", "model-server", "--upgrade-apis")
    assert applied.out.splitlines() == [
        f"Service {ns}/inception created",
        f"Deployment {ns}/inception-v1 created",
    ]
    service = app.live("v1", "Service", "inception")
    assert [p["port"] for p in service["spec"]["ports"]] == [9000]
    deployment = app.live("apps/v1", "Deployment", "inception-v1")
    assert deployment["spec"]["selector"] == {"matchLabels": {"app": "inception", "version": "v1"}}
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "katacoda/tensorflow_serving"
    assert "--model_base_path=/serving/inception-export" in container["args"]

    diff = app("diff", "default", "-c", "model-server", "--upgrade-apis")
    assert diff.code == 0, diff.out + diff.err
