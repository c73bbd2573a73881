"""Every built-in prototype: header, default render, and the rules a strict API server enforces."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kfkit._types import Obj
from kfkit.app import Prototype
from kfkit.errors import UsageError
from kfkit.manifests import COMPONENT_LABEL as COMPONENT
from kfkit.validate import Code, ValidateOptions, validate_objects
from tests.unit.prototypes.conftest import Render

PROTOTYPE_DIR = Path(__file__).resolve().parents[3] / "prototypes"

# file -> the required values a user must give to `kfkit generate` (beside the component name),
# plus the param sets needed before it renders.
REQUIRED: dict[str, dict[str, Any]] = {
    "configMap.jsonnet": {},
    "deployed-service.jsonnet": {"image": "nginx:1.27"},
    "namespace.jsonnet": {},
    "single-port-deployment.jsonnet": {"image": "nginx:1.27"},
    "single-port-service.jsonnet": {"targetLabelSelector": {"app": "MyApp"}},
    "tf-serving.jsonnet": {},
    "tf-serving-client.jsonnet": {},
}
SET_BEFORE_RENDER: dict[str, dict[str, Any]] = {
    "tf-serving.jsonnet": {"modelPath": "gs://kubeflow-models/inception"}
}

# Renders that exercise the options, for the structural checks below.
VARIANTS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    *[(f, REQUIRED[f], SET_BEFORE_RENDER.get(f, {})) for f in REQUIRED],
    ("configMap.jsonnet", {"data": {"key1": "value1", "replicas": 3, "debug": True}}, {}),
    ("deployed-service.jsonnet", {"image": "nginx", "replicas": 3, "type": "NodePort"}, {}),
    ("tf-serving-client.jsonnet", {"hostPath": None}, {}),
    *[
        ("tf-serving.jsonnet", {}, {"modelPath": "/m", **extra})
        for extra in (
            {"numGpus": 2, "deployHttpProxy": True},
            {"cloud": "gcp", "gcpCredentialSecretName": "sa", "deployIstio": True},
            {"s3Enable": True, "s3SecretName": "creds", "labels": {"team": "ml"}},
            {"modelStorageType": "nfs", "nfsPVC": "models", "version": 3},
            {"deployIstio": True, "firstVersion": False, "serviceType": "NodePort"},
        )
    ],
]


def test_the_library_is_exactly_these_prototypes() -> None:
    assert sorted(p.name for p in PROTOTYPE_DIR.glob("*.jsonnet")) == sorted(REQUIRED)


@pytest.mark.parametrize("proto_file", sorted(REQUIRED))
def test_header(prototype_header: Callable[[str], Prototype], proto_file: str) -> None:
    proto = prototype_header(proto_file)
    assert proto.api_version == "0.1"
    assert proto.name == "io.ksonnet.pkg." + proto_file.removesuffix(".jsonnet")
    assert proto.description
    assert proto.short_description
    assert {p.name for p in proto.params if p.required} == {"name", *REQUIRED[proto_file]}
    assert all(p.description for p in proto.params)
    # The body is plain Jsonnet the user owns: it must not import anything.
    assert "import " not in proto.body


@pytest.mark.parametrize("proto_file", sorted(REQUIRED))
def test_renders_objects_with_defaults(render_prototype: Render, proto_file: str) -> None:
    objects = render_prototype(
        proto_file, "unit", set_params=SET_BEFORE_RENDER.get(proto_file), **REQUIRED[proto_file]
    )
    assert objects
    for obj in objects:
        assert isinstance(obj["apiVersion"], str)
        assert isinstance(obj["kind"], str)
        assert obj["metadata"]["name"].startswith("unit")  # tf-serving: unit-v1
        assert obj["metadata"]["labels"]["ksonnet.io/component"] == "unit"


def test_missing_required_param_is_refused(render_prototype: Render) -> None:
    with pytest.raises(UsageError, match="--image"):
        render_prototype("deployed-service.jsonnet", "unit")


def _walk(value: object, path: str = "") -> Iterator[tuple[str, object]]:
    yield path, value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")


POD_KINDS = {"Deployment", "Job", "StatefulSet", "DaemonSet", "ReplicaSet"}
# The kinds each prototype makes besides Istio's: a structural check below must see the
# objects it checks, so a variant that stopped rendering them fails instead of passing empty.
MAKES = {
    "configMap.jsonnet": {"ConfigMap"},
    "deployed-service.jsonnet": {"Service", "Deployment"},
    "namespace.jsonnet": {"Namespace"},
    "single-port-deployment.jsonnet": {"Deployment"},
    "single-port-service.jsonnet": {"Service"},
    "tf-serving.jsonnet": {"Service", "Deployment"},
    "tf-serving-client.jsonnet": {"Job"},
}


def _pod_templates(obj: Obj) -> Iterator[dict[str, Any]]:
    if obj["kind"] in POD_KINDS:
        yield obj["spec"]["template"]


Variant = tuple[str, dict[str, Any], dict[str, Any]]


@pytest.fixture(params=VARIANTS, ids=lambda v: f"{v[0]}:{sorted({**v[1], **v[2]})}")
def variant(request: pytest.FixtureRequest) -> Variant:
    """(prototype file, values given to generate, params set before rendering)."""
    value: Variant = request.param
    return value


@pytest.fixture
def rendered(variant: Variant, render_prototype: Render) -> list[Obj]:
    proto_file, values, later = variant
    return render_prototype(proto_file, "unit", set_params=later, **values)


def _checked(variant: Variant, rendered: list[Obj], kinds: set[str]) -> list[Obj]:
    """The objects of ``kinds``: some exactly when the variant's prototype makes such kinds."""
    found = [obj for obj in rendered if obj["kind"] in kinds]
    assert bool(found) == bool(MAKES[variant[0]] & kinds), (variant[0], sorted(kinds))
    return found


def test_workloads_use_current_apis_and_matching_selectors(variant: Variant, rendered: list[Obj]) -> None:
    for obj in rendered:
        assert (obj["apiVersion"], obj["kind"]) not in {
            ("extensions/v1beta1", "Deployment"),
            ("apps/v1beta1", "Deployment"),
            ("apps/v1beta2", "Deployment"),
        }
    for obj in _checked(variant, rendered, {"Deployment"}):
        assert obj["apiVersion"] == "apps/v1"
        match = obj["spec"]["selector"]["matchLabels"]
        labels = obj["spec"]["template"]["metadata"]["labels"]
        assert match
        assert match.items() <= labels.items(), (match, labels)


def test_pod_specs_have_no_misplaced_fields(variant: Variant, rendered: list[Obj]) -> None:
    container_security = {
        "allowPrivilegeEscalation", "appArmorProfile", "capabilities", "privileged", "procMount",
        "readOnlyRootFilesystem", "runAsGroup", "runAsNonRoot", "runAsUser", "seLinuxOptions",
        "seccompProfile", "windowsOptions",
    }  # fmt: skip
    for obj in _checked(variant, rendered, POD_KINDS):
        for template in _pod_templates(obj):
            spec = template["spec"]
            names = [c["name"] for c in spec["containers"]]
            assert len(names) == len(set(names))
            volumes = {v["name"] for v in spec.get("volumes", [])}
            for c in spec["containers"]:
                assert set(c.get("securityContext", {})) <= container_security
                assert {m["name"] for m in c.get("volumeMounts", [])} <= volumes
                for port in c.get("ports", []):
                    assert isinstance(port["containerPort"], int)
                for env in c.get("env", []):
                    assert isinstance(env.get("value", ""), str), env
                for kind in ("requests", "limits"):
                    for q in c.get("resources", {}).get(kind, {}).values():
                        assert isinstance(q, str), c["resources"]


def test_services_have_int_ports_and_a_selector(variant: Variant, rendered: list[Obj]) -> None:
    for obj in _checked(variant, rendered, {"Service"}):
        assert obj["spec"]["selector"]
        for port in obj["spec"]["ports"]:
            assert isinstance(port["port"], int)
            assert isinstance(port["targetPort"], int | str)


def test_namespaced_objects_land_in_the_environment_namespace(rendered: list[Obj]) -> None:
    for obj in rendered:
        if obj["kind"] == "Namespace":
            assert "namespace" not in obj["metadata"]
        else:
            assert obj["metadata"]["namespace"] == "default"


def test_no_nulls_reach_the_api_server(rendered: list[Obj]) -> None:
    for path, value in _walk(rendered):
        assert value is not None, path


# --- the system prototypes ------------------------------------------------------------------


def test_config_map(render_prototype: Render) -> None:
    [cm] = render_prototype("configMap.jsonnet", "settings", data={"a": "x", "n": 3, "b": False})
    assert cm == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "default", "labels": {COMPONENT: "settings"}},
        "data": {"a": "x", "n": "3", "b": "false"},
    }
    [empty] = render_prototype("configMap.jsonnet", "empty")
    assert empty["data"] == {}


def test_deployed_service(render_prototype: Render) -> None:
    svc, dep = render_prototype(
        "deployed-service.jsonnet",
        "guestbook-ui",
        image="gcr.io/heptio-images/ks-guestbook-demo:0.1",
        type="ClusterIP",
    )
    assert svc["kind"] == "Service"
    assert svc["spec"] == {
        "ports": [{"port": 80, "targetPort": 80}],
        "selector": {"app": "guestbook-ui"},
        "type": "ClusterIP",
    }
    assert (dep["apiVersion"], dep["kind"]) == ("apps/v1", "Deployment")
    assert dep["spec"]["replicas"] == 1
    assert dep["spec"]["selector"] == {"matchLabels": {"app": "guestbook-ui"}}
    assert dep["spec"]["template"]["metadata"]["labels"] == {"app": "guestbook-ui"}
    assert dep["spec"]["template"]["spec"]["containers"] == [
        {
            "name": "guestbook-ui",
            "image": "gcr.io/heptio-images/ks-guestbook-demo:0.1",
            "ports": [{"containerPort": 80}],
        }
    ]


def test_deployed_service_ports_and_replicas(render_prototype: Render) -> None:
    svc, dep = render_prototype(
        "deployed-service.jsonnet", "web", image="nginx", servicePort=8080, containerPort=80,
        replicas=3, type="NodePort",
    )  # fmt: skip
    assert svc["spec"]["ports"] == [{"port": 8080, "targetPort": 80}]
    assert svc["spec"]["type"] == "NodePort"
    assert dep["spec"]["replicas"] == 3


def test_namespace(render_prototype: Render) -> None:
    [ns] = render_prototype("namespace.jsonnet", "team-a")
    assert ns == {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "team-a", "labels": {"name": "team-a", COMPONENT: "team-a"}},
    }


def test_single_port_deployment(render_prototype: Render) -> None:
    [dep] = render_prototype(
        "single-port-deployment.jsonnet", "nginx-depl", image="nginx", replicas=2,
        containerPort=8080,
    )  # fmt: skip
    assert (dep["apiVersion"], dep["kind"]) == ("apps/v1", "Deployment")
    assert dep["spec"]["replicas"] == 2
    assert dep["spec"]["selector"] == {"matchLabels": {"app": "nginx-depl"}}
    [container] = dep["spec"]["template"]["spec"]["containers"]
    assert container == {"name": "nginx-depl", "image": "nginx", "ports": [{"containerPort": 8080}]}


def test_single_port_service(render_prototype: Render) -> None:
    [svc] = render_prototype("single-port-service.jsonnet", "my-svc", targetLabelSelector={"app": "MyApp"})
    assert svc["spec"] == {
        "ports": [{"protocol": "TCP", "port": 80, "targetPort": 80}],
        "selector": {"app": "MyApp"},
        "type": "ClusterIP",
    }
    [udp] = render_prototype(
        "single-port-service.jsonnet", "dns", targetLabelSelector={"k8s-app": "dns"},
        servicePort=53, targetPort=5353, protocol="UDP", serviceType="NodePort",
    )  # fmt: skip
    assert udp["spec"]["ports"] == [{"protocol": "UDP", "port": 53, "targetPort": 5353}]
    assert udp["spec"]["type"] == "NodePort"


# --- the strict schemas (kfkit.validate): unknown fields, types, enums, names, quantities ------


def test_objects_validate_clean(rendered: list[Obj]) -> None:
    result = validate_objects(rendered, ValidateOptions())
    assert result.errors == []
    # Istio's CRDs are not part of the render, so its objects are reported as not checked.
    assert {(f.code, f.object_id and f.object_id.api_version) for f in result.findings} <= {
        (Code.NOT_CHECKED, "networking.istio.io/v1")
    }
