"""Generated ksonnet-lib for an old, a middle and the current spec: ksonnet-lib 0.1's API shape,
checked by rendering with it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kfkit.errors import RenderError, UsageError
from kfkit.evaluator import Evaluation, evaluate_snippet
from kfkit.ksonnetlib import shipped_spec, shipped_versions, write_ksonnet_lib

SHAPE = """
local k = import 'k.libsonnet';
local svc = k.core.v1.service;
local port = k.core.v1.servicePort;
local container = k.core.v1.container;
local deployment = k.%(group)s.%(version)s.deployment;
local web = container.new('web', 'nginx:1.27') + container.withPorts(k.core.v1.containerPort.newNamed('http', 80));
local sidecar = container.new('proxy', 'envoy:1') + container.mixin.resources.withLimits({ cpu: '1' });
local d = deployment.new('web', 2, [web, sidecar], { app: 'web' })
  + deployment.mixin.spec.withReplicas(3)
  + deployment.mixin.metadata.withLabelsMixin({ tier: 'front' })
  + deployment.mapContainersWithName('web', function(c) c + container.withArgs(['--verbose']));
{
  service: svc.new('web', { app: 'web' }, [port.newNamed('http', 80, 8080)]),
  deployment: d,
  list: k.core.v1.list.new([svc.new('a', {}, port.new(1, 2))]),
  cm: k.core.v1.configMap.new('cfg', { a: '1' }),
  chain: deployment.mixin.spec.template.spec.containersType.new('c', 'i').withImagePullPolicy('Always'),
}
"""


def _lib(tmp_path: Path, version: str) -> Path:
    directory = tmp_path / version
    write_ksonnet_lib(directory, shipped_spec(version), version)
    return directory


def _render(directory: Path, code: str) -> dict[str, Any]:
    value = evaluate_snippet("shape.jsonnet", code, Evaluation(jpath=[directory]))
    assert isinstance(value, dict)
    return value


@pytest.mark.parametrize(
    ("version", "group", "api_version"),
    [
        ("v1.7.0", "apps.v1beta1", "apps/v1beta1"),  # old: Kubeflow v0.2's era
        ("v1.8.0", "extensions.v1beta1", "extensions/v1beta1"),  # ksonnet's default version
        ("v1.16.0", "apps.v1", "apps/v1"),  # middle
        ("v1.34.10", "apps.v1", "apps/v1"),  # current
    ],
)
def test_api_shape_renders(tmp_path: Path, version: str, group: str, api_version: str) -> None:
    g, v = group.split(".")
    out = _render(_lib(tmp_path, version), SHAPE % {"group": g, "version": v})
    assert out["service"] == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]},
    }
    d = out["deployment"]
    assert isinstance(d, dict)
    assert (d["apiVersion"], d["kind"], d["metadata"]) == (
        api_version,
        "Deployment",
        {"name": "web", "labels": {"tier": "front"}},
    )
    spec = d["spec"]
    assert spec["replicas"] == 3
    assert spec["template"]["metadata"] == {"labels": {"app": "web"}}
    web, proxy = spec["template"]["spec"]["containers"]
    assert web == {
        "name": "web",
        "image": "nginx:1.27",
        "ports": [{"name": "http", "containerPort": 80}],
        "args": ["--verbose"],
    }
    assert proxy == {"name": "proxy", "image": "envoy:1", "resources": {"limits": {"cpu": "1"}}}
    # apps/v1 requires the selector; the old workload APIs defaulted it from the template labels.
    assert ("selector" in spec) == (api_version == "apps/v1")
    assert out["list"] == {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "a"},
                "spec": {"selector": {}, "ports": [{"port": 1, "targetPort": 2}]},
            }
        ],
    }
    assert out["cm"] == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg"},
        "data": {"a": "1"},
    }
    assert out["chain"] == {"name": "c", "image": "i", "imagePullPolicy": "Always"}


def test_only_the_specs_groups_exist(tmp_path: Path) -> None:
    directory = _lib(tmp_path, "v1.34.10")
    with pytest.raises(RenderError, match="Field does not exist: v1beta1"):
        _render(directory, "{ d: (import 'k.libsonnet').apps.v1beta1.deployment.new('x', 1, []) }")
    recursive = "{ crd: (import 'k8s.libsonnet').apiextensions.v1.customResourceDefinition.mixin.spec.withGroup('g') }"
    assert _render(directory, recursive) == {"crd": {"spec": {"group": "g"}}}


def test_every_minor_from_1_7_is_shipped() -> None:
    versions = shipped_versions()
    assert versions[0] == "v1.7.0"
    minors = [int(v.split(".")[1]) for v in versions]
    assert minors == list(range(7, minors[-1] + 1))
    assert shipped_spec("v1.10.4")["info"]["version"] == "v1.10.0"


def test_unshipped_version_says_how_to_give_a_spec() -> None:
    with pytest.raises(UsageError, match="--api-spec file:PATH or url:URL"):
        shipped_spec("v1.99.0")
