"""``--api-spec cluster``: ksonnet-lib generated from the live server's /openapi/v2, CRDs included."""

from __future__ import annotations

import time

import pytest
import yaml

from tests.cli.support import crd
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
)

pytestmark = pytest.mark.cluster


def test_api_spec_cluster_generates_the_servers_library(cluster_app: ClusterApp) -> None:
    app = cluster_app
    group = f"{app.namespace}.kfkit.test"
    app.component(
        "widgets-crd", crd(group, "Widget", {"type": "object", "properties": {"size": {"type": "integer"}}})
    )
    app.ok("apply", "default", "-c", "widgets-crd")

    deadline = time.monotonic() + 60  # the server publishes a new CRD's schema a little later
    while True:
        result = app.ok("env", "set", "default", "--api-spec", "cluster")
        version = yaml.safe_load((app.root / "app.yaml").read_text())["environments"]["default"]["k8sVersion"]
        lib = app.root / "lib" / "ksonnet-lib" / version
        if f"{group}/v1" in (lib / "k8s.libsonnet").read_text() or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert version.startswith("v1.34.")
    assert f"generated lib/ksonnet-lib/{version}/ from cluster" in result.err
    assert (lib / "k.libsonnet").is_file()
    assert f"({app.server}/openapi/v2)" in (lib / "k8s.libsonnet").read_text()[:400]
    assert f'"apiVersion":"{group}/v1","kind":"Widget"' in (lib / "k8s.libsonnet").read_text().replace(
        " ", ""
    )

    (app.root / "components" / "web.jsonnet").write_text(
        'local k = import "k.libsonnet";\n'
        "local deployment = k.apps.v1.deployment;\n"
        'deployment.new("web", 2, [{ name: "web", image: "nginx:1.27" }], { app: "web" })\n'
        '+ deployment.mixin.spec.selector.withMatchLabels({ app: "web" })\n'
    )
    [shown] = [d for d in yaml.safe_load_all(app.ok("show", "default", "-c", "web").out) if d]
    assert (shown["apiVersion"], shown["kind"], shown["spec"]["replicas"]) == ("apps/v1", "Deployment", 2)
    app.ok("apply", "default", "-c", "web")
    assert app.live("apps/v1", "Deployment", "web")["spec"]["replicas"] == 2
