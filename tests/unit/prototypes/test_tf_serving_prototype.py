"""The tf-serving prototype: the tutorial's seed render, and each option branch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kfkit._types import Obj
from kfkit.errors import RenderError
from kfkit.manifests import COMPONENT_LABEL
from tests.golden_files import check_golden
from tests.unit.prototypes.conftest import Render

SEED_COMPONENT = "model-server"
SEED_PARAMS = {
    "modelPath": "/serving/inception-export",
    "modelServerImage": "katacoda/tensorflow_serving",
}
DEFAULT_CPU_IMAGE = "gcr.io/kubeflow-images-public/tensorflow-serving-1.7:v20180604-0da89b8a"
DEFAULT_GPU_IMAGE = "gcr.io/kubeflow-images-public/tensorflow-serving-1.6gpu:v20180604-0da89b8a"
DEFAULT_PROXY_IMAGE = "gcr.io/kubeflow-images-public/tf-model-server-http-proxy:v20180606-9dfda4f2"


Serve = Callable[..., list[Obj]]
"""``serve(**params)``: the seed component with ``params`` set, rendered."""


@pytest.fixture
def serve(render_prototype: Render) -> Serve:
    """`kfkit generate tf-serving model-server --name=inception` + param sets, rendered."""

    def _serve(**params: Any) -> list[Obj]:
        return render_prototype(
            "tf-serving.jsonnet",
            SEED_COMPONENT,
            name="inception",
            set_params={"modelPath": "/models/inception", **params},
        )

    return _serve


def by_kind(objects: list[Obj]) -> dict[str, Obj]:
    return {obj["kind"]: obj for obj in objects}


def pod_spec(objects: list[Obj]) -> dict[str, Any]:
    spec: dict[str, Any] = by_kind(objects)["Deployment"]["spec"]["template"]["spec"]
    return spec


def model_server(objects: list[Obj]) -> dict[str, Any]:
    container: dict[str, Any] = pod_spec(objects)["containers"][0]
    return container


def env_of(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


# --- the seed -------------------------------------------------------------------------------


@pytest.fixture
def seed(render_prototype: Render) -> list[Obj]:
    return render_prototype("tf-serving.jsonnet", SEED_COMPONENT, name="inception", set_params=SEED_PARAMS)


def test_seed_matches_golden(
    seed: list[Obj], show_yaml: Callable[[list[Obj]], str], golden_dir: Path
) -> None:
    check_golden(golden_dir / "tf-serving-seed.yaml", show_yaml(seed))


def test_seed_renders_service_then_deployment(seed: list[Obj]) -> None:
    assert [(o["apiVersion"], o["kind"], o["metadata"]["name"]) for o in seed] == [
        ("v1", "Service", "inception"),
        ("apps/v1", "Deployment", "inception-v1"),
    ]
    for obj in seed:
        assert obj["metadata"]["namespace"] == "default"
        assert obj["metadata"]["labels"] == {"app": "inception", COMPONENT_LABEL: SEED_COMPONENT}


def test_seed_service(seed: list[Obj]) -> None:
    svc = by_kind(seed)["Service"]
    assert svc["spec"] == {
        "ports": [
            {"name": "grpc-tf-serving", "port": 9000, "targetPort": 9000},
            {"name": "http-tf-serving-proxy", "port": 8000, "targetPort": 8000},
        ],
        "selector": {"app": "inception"},
        "type": "ClusterIP",
    }
    mapping = svc["metadata"]["annotations"]["getambassador.io/config"]
    assert mapping.split("\n") == [
        "---",
        "apiVersion: ambassador/v0",
        "kind:  Mapping",
        "name: tfserving-mapping-inception-get",
        "prefix: /models/inception/",
        "rewrite: /",
        "method: GET",
        "service: inception.default:8000",
        "---",
        "apiVersion: ambassador/v0",
        "kind:  Mapping",
        "name: tfserving-mapping-inception-post",
        "prefix: /models/inception/",
        "rewrite: /model/inception:predict",
        "method: POST",
        "service: inception.default:8000",
    ]


def test_seed_deployment(seed: list[Obj]) -> None:
    dep = by_kind(seed)["Deployment"]
    assert dep["spec"]["selector"] == {"matchLabels": {"app": "inception", "version": "v1"}}
    template = dep["spec"]["template"]
    assert template["metadata"] == {"labels": {"app": "inception", "version": "v1"}}
    assert template["spec"]["securityContext"] == {"fsGroup": 1000}
    assert "volumes" not in template["spec"]
    assert template["spec"]["containers"] == [
        {
            "name": "inception",
            "image": "katacoda/tensorflow_serving",
            "imagePullPolicy": "IfNotPresent",
            "args": [
                "/usr/bin/tensorflow_model_server",
                "--port=9000",
                "--model_name=inception",
                "--model_base_path=/serving/inception-export",
            ],
            "ports": [{"containerPort": 9000}],
            "resources": {
                "requests": {"cpu": "1", "memory": "1Gi"},
                "limits": {"cpu": "4", "memory": "4Gi"},
            },
            "securityContext": {"runAsUser": 1000},
        }
    ]


def test_model_name_defaults_to_name_and_can_differ(serve: Serve) -> None:
    assert "--model_name=inception" in model_server(serve())["args"]
    assert "--model_name=resnet" in model_server(serve(modelName="resnet"))["args"]


def test_without_model_server_image_uses_the_cpu_default(serve: Serve) -> None:
    assert model_server(serve())["image"] == DEFAULT_CPU_IMAGE


@pytest.mark.parametrize("unset", [None, ""])
def test_model_path_unset_is_a_clear_error(render_prototype: Render, unset: str | None) -> None:
    with pytest.raises(RenderError) as excinfo:
        render_prototype(
            "tf-serving.jsonnet",
            SEED_COMPONENT,
            name="inception",
            set_params={"modelPath": unset},
        )
    message = str(excinfo.value)
    assert "tf-serving inception: set modelPath (kfkit param set model-server modelPath" in message
    assert "model_base_path=null" not in message


def test_namespace_param_overrides_the_environment(serve: Serve) -> None:
    objects = serve(namespace="serving")
    assert {o["metadata"]["namespace"] for o in objects} == {"serving"}
    mapping = by_kind(objects)["Service"]["metadata"]["annotations"]["getambassador.io/config"]
    assert "service: inception.serving:8000" in mapping


def test_version_names_the_deployment_and_labels_pods(serve: Serve) -> None:
    dep = by_kind(serve(version="v2"))["Deployment"]
    assert dep["metadata"]["name"] == "inception-v2"
    assert dep["spec"]["selector"]["matchLabels"] == {"app": "inception", "version": "v2"}
    assert dep["spec"]["template"]["metadata"]["labels"]["version"] == "v2"


def test_custom_labels_keep_the_selector_inside_the_pod_labels(serve: Serve) -> None:
    objects = serve(labels={"team": "ml"})
    svc, dep = by_kind(objects)["Service"], by_kind(objects)["Deployment"]
    assert svc["spec"]["selector"] == {"team": "ml"}
    assert dep["metadata"]["labels"] == {"team": "ml", COMPONENT_LABEL: SEED_COMPONENT}
    pod_labels = dep["spec"]["template"]["metadata"]["labels"]
    assert pod_labels == {"app": "inception", "team": "ml", "version": "v1"}
    assert dep["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_service_type(serve: Serve) -> None:
    assert by_kind(serve(serviceType="NodePort"))["Service"]["spec"]["type"] == "NodePort"


# --- GPU ------------------------------------------------------------------------------------


@pytest.mark.parametrize("gpus", [1, "1", 2])
def test_gpu_adds_the_limit_and_uses_the_gpu_image(serve: Serve, gpus: int | float | str) -> None:
    container = model_server(serve(numGpus=gpus))
    assert container["resources"]["limits"] == {
        "cpu": "4",
        "memory": "4Gi",
        "nvidia.com/gpu": str(gpus),
    }
    assert container["resources"]["requests"] == {"cpu": "1", "memory": "1Gi"}
    assert container["image"] == DEFAULT_GPU_IMAGE


@pytest.mark.parametrize("gpus", [0, "0"])
def test_zero_gpus_adds_no_limit(serve: Serve, gpus: int | float | str) -> None:
    container = model_server(serve(numGpus=gpus))
    assert "nvidia.com/gpu" not in container["resources"]["limits"]
    assert container["image"] == DEFAULT_CPU_IMAGE


def test_explicit_model_server_image_wins_over_gpu_default(serve: Serve) -> None:
    container = model_server(serve(numGpus=1, modelServerImage="my/tf-serving:gpu"))
    assert container["image"] == "my/tf-serving:gpu"
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"


@pytest.mark.parametrize("gpus", ["one", -1, 1.5])
def test_bad_gpu_count_is_a_clear_error(serve: Serve, gpus: int | float | str) -> None:
    with pytest.raises(RenderError, match="numGpus must be a whole number"):
        serve(numGpus=gpus)


# --- HTTP proxy -----------------------------------------------------------------------------


@pytest.mark.parametrize("flag", [True, "true", "True"])
def test_http_proxy_adds_the_second_container(serve: Serve, flag: bool | str) -> None:
    containers = pod_spec(serve(deployHttpProxy=flag))["containers"]
    assert [c["name"] for c in containers] == ["inception", "inception-http-proxy"]
    assert containers[1] == {
        "name": "inception-http-proxy",
        "image": DEFAULT_PROXY_IMAGE,
        "imagePullPolicy": "IfNotPresent",
        "command": [
            "python",
            "/usr/src/app/server.py",
            "--port=8000",
            "--rpc_port=9000",
            "--rpc_timeout=10.0",
        ],
        "ports": [{"containerPort": 8000}],
        "resources": {
            "requests": {"cpu": "1", "memory": "1Gi"},
            "limits": {"cpu": "4", "memory": "4Gi"},
        },
        "securityContext": {"runAsUser": 1000},
    }


def test_http_proxy_image_overrides_the_default(serve: Serve) -> None:
    containers = pod_spec(serve(deployHttpProxy=True, httpProxyImage="my/proxy:1"))["containers"]
    assert containers[1]["image"] == "my/proxy:1"


@pytest.mark.parametrize("flag", [False, "false", "False"])
def test_no_http_proxy_by_default_or_when_false(serve: Serve, flag: bool | str) -> None:
    assert len(pod_spec(serve(deployHttpProxy=flag))["containers"]) == 1


# --- GCP credentials ------------------------------------------------------------------------


def test_gcp_credentials_mount_the_secret(serve: Serve) -> None:
    objects = serve(cloud="gcp", gcpCredentialSecretName="user-gcp-sa")
    container = model_server(objects)
    assert container["env"] == [
        {"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": "/secret/gcp-credentials/key.json"}
    ]
    assert container["volumeMounts"] == [{"name": "gcp-credentials", "mountPath": "/secret/gcp-credentials"}]
    assert pod_spec(objects)["volumes"] == [
        {"name": "gcp-credentials", "secret": {"secretName": "user-gcp-sa"}}
    ]


def test_gcp_without_a_secret_changes_nothing(serve: Serve) -> None:
    assert serve(cloud="gcp") == serve()


# --- S3 -------------------------------------------------------------------------------------


def test_s3_sets_credentials_and_endpoint(serve: Serve) -> None:
    container = model_server(serve(s3Enable=True, s3SecretName="s3-creds"))
    assert container["env"] == [
        {
            "name": "AWS_ACCESS_KEY_ID",
            "valueFrom": {"secretKeyRef": {"name": "s3-creds", "key": "AWS_ACCESS_KEY_ID"}},
        },
        {
            "name": "AWS_SECRET_ACCESS_KEY",
            "valueFrom": {"secretKeyRef": {"name": "s3-creds", "key": "AWS_SECRET_ACCESS_KEY"}},
        },
        {"name": "AWS_REGION", "value": "us-west-1"},
        {"name": "S3_REGION", "value": "us-west-1"},
        {"name": "S3_USE_HTTPS", "value": "true"},
        {"name": "S3_VERIFY_SSL", "value": "true"},
        {"name": "S3_ENDPOINT", "value": "http://s3.us-west-1.amazonaws.com"},
    ]


def test_s3_custom_key_names_region_and_typed_values(serve: Serve) -> None:
    container = model_server(
        serve(
            s3Enable="true",
            s3SecretName="s3-creds",
            s3SecretAccesskeyidKeyName="id",
            s3SecretSecretaccesskeyKeyName="secret",
            s3AwsRegion="eu-central-1",
            s3UseHttps=False,  # `kfkit param set … s3UseHttps false` types a boolean
            s3VerifySsl=0,
            s3Endpoint="minio.storage:9000",
        )
    )
    env = env_of(container)
    key_id = env["AWS_ACCESS_KEY_ID"]["valueFrom"]["secretKeyRef"]
    assert key_id == {"name": "s3-creds", "key": "id"}
    assert env["AWS_SECRET_ACCESS_KEY"]["valueFrom"]["secretKeyRef"]["key"] == "secret"
    assert env["AWS_REGION"]["value"] == env["S3_REGION"]["value"] == "eu-central-1"
    assert env["S3_USE_HTTPS"]["value"] == "false"
    assert env["S3_VERIFY_SSL"]["value"] == "0"
    assert env["S3_ENDPOINT"]["value"] == "minio.storage:9000"
    assert all(isinstance(e["value"], str) for e in container["env"] if "value" in e)


def test_s3_without_secret_uses_the_pods_own_credentials(serve: Serve) -> None:
    env = env_of(model_server(serve(s3Enable=True, s3Endpoint="")))
    assert set(env) == {"AWS_REGION", "S3_REGION", "S3_USE_HTTPS", "S3_VERIFY_SSL"}


def test_s3_and_gcp_combine(serve: Serve) -> None:
    container = model_server(serve(s3Enable=True, cloud="gcp", gcpCredentialSecretName="user-gcp-sa"))
    assert {"AWS_REGION", "GOOGLE_APPLICATION_CREDENTIALS"} <= set(env_of(container))


# --- NFS ------------------------------------------------------------------------------------


def test_nfs_mounts_the_claim_at_mnt(serve: Serve) -> None:
    objects = serve(modelStorageType="nfs", nfsPVC="models", modelPath="/mnt/inception")
    assert model_server(objects)["volumeMounts"] == [{"name": "nfs", "mountPath": "/mnt"}]
    assert pod_spec(objects)["volumes"] == [{"name": "nfs", "persistentVolumeClaim": {"claimName": "models"}}]
    assert "--model_base_path=/mnt/inception" in model_server(objects)["args"]


def test_nfs_without_a_claim_is_a_clear_error(serve: Serve) -> None:
    with pytest.raises(RenderError, match="set nfsPVC"):
        serve(modelStorageType="nfs")


def test_nfs_and_gcp_volumes_combine(serve: Serve) -> None:
    objects = serve(modelStorageType="nfs", nfsPVC="models", cloud="gcp", gcpCredentialSecretName="sa")
    assert [v["name"] for v in pod_spec(objects)["volumes"]] == ["gcp-credentials", "nfs"]
    assert [m["name"] for m in model_server(objects)["volumeMounts"]] == ["gcp-credentials", "nfs"]


# --- Istio ----------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", [True, "true"])
def test_istio_first_version_routes_all_traffic_to_this_version(serve: Serve, flag: bool | str) -> None:
    objects = serve(deployIstio=flag)
    assert [(o["apiVersion"], o["kind"], o["metadata"]["name"]) for o in objects] == [
        # kfkit's order: ranked kinds first, then the others alphabetically
        ("v1", "Service", "inception"),
        ("apps/v1", "Deployment", "inception-v1"),
        ("networking.istio.io/v1", "DestinationRule", "inception"),
        ("networking.istio.io/v1", "VirtualService", "inception"),
    ]
    vs, dr = by_kind(objects)["VirtualService"], by_kind(objects)["DestinationRule"]
    assert vs["metadata"]["namespace"] == dr["metadata"]["namespace"] == "default"
    assert vs["spec"] == {
        "hosts": ["inception"],
        "http": [{"route": [{"destination": {"host": "inception", "subset": "v1"}}]}],
    }
    assert dr["spec"] == {
        "host": "inception",
        "subsets": [{"name": "v1", "labels": {"version": "v1"}}],
    }
    template = by_kind(objects)["Deployment"]["spec"]["template"]
    assert template["metadata"]["annotations"] == {"sidecar.istio.io/inject": "true"}
    # the subset's labels select exactly this Deployment's pods
    assert dr["spec"]["subsets"][0]["labels"].items() <= template["metadata"]["labels"].items()


@pytest.mark.parametrize("flag", [False, "false"])
def test_istio_later_version_only_injects_the_sidecar(serve: Serve, flag: bool | str) -> None:
    objects = serve(deployIstio=True, firstVersion=flag, version="v2")
    assert [o["kind"] for o in objects] == ["Service", "Deployment"]
    template = by_kind(objects)["Deployment"]["spec"]["template"]
    assert template["metadata"]["annotations"] == {"sidecar.istio.io/inject": "true"}


def test_no_istio_by_default(serve: Serve) -> None:
    objects = serve()
    assert [o["kind"] for o in objects] == ["Service", "Deployment"]
    assert "annotations" not in by_kind(objects)["Deployment"]["spec"]["template"]["metadata"]
