"""The serving tutorial, rendered: generate, param set, show (golden + semantic checks)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli.support import Kf

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "tf-serving-seed.yaml"


def test_show_matches_the_reviewed_golden(seed_app: Path, kf: Kf) -> None:
    result = kf("show", "default", "-c", "model-server", cwd=seed_app)
    assert result.code == 0, result.err
    assert result.out == GOLDEN.read_text()


def test_seed_objects(seed_app: Path, kf: Kf) -> None:
    service, deployment = yaml.safe_load_all(kf("show", "default", "-c", "model-server", cwd=seed_app).out)
    assert (service["apiVersion"], service["kind"], service["metadata"]["name"]) == (
        "v1",
        "Service",
        "inception",
    )
    assert service["metadata"]["namespace"] == "default"
    assert service["metadata"]["labels"] == {
        "app": "inception",
        "ksonnet.io/component": "model-server",
    }
    assert {(p["name"], p["port"], p["targetPort"]) for p in service["spec"]["ports"]} == {
        ("grpc-tf-serving", 9000, 9000),
        ("http-tf-serving-proxy", 8000, 8000),
    }
    assert service["spec"]["selector"] == {"app": "inception"}
    assert service["spec"]["type"] == "ClusterIP"
    assert "service: inception.default:8000" in service["metadata"]["annotations"]["getambassador.io/config"]

    assert (deployment["apiVersion"], deployment["kind"]) == ("apps/v1", "Deployment")
    assert deployment["metadata"]["name"] == "inception-v1"
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector == {"app": "inception", "version": "v1"}
    pod = deployment["spec"]["template"]
    assert selector.items() <= pod["metadata"]["labels"].items()
    assert pod["spec"]["securityContext"] == {"fsGroup": 1000}
    (container,) = pod["spec"]["containers"]
    assert container["name"] == "inception"
    assert container["image"] == "katacoda/tensorflow_serving"
    assert container["args"] == [
        "/usr/bin/tensorflow_model_server",
        "--port=9000",
        "--model_name=inception",
        "--model_base_path=/serving/inception-export",
    ]
    assert container["ports"] == [{"containerPort": 9000}]
    assert container["resources"] == {
        "requests": {"cpu": "1", "memory": "1Gi"},
        "limits": {"cpu": "4", "memory": "4Gi"},
    }
    assert container["securityContext"] == {"runAsUser": 1000}


def test_generate_writes_the_component_and_its_params(seed_app: Path) -> None:
    source = (seed_app / "components/model-server.jsonnet").read_text()
    assert source.startswith(
        'local env = std.extVar("__ksonnet/environments");\n'
        'local params = std.extVar("__ksonnet/params").components["model-server"];\n'
    )
    assert "@param" not in source
    params = (seed_app / "components/params.libsonnet").read_text()
    assert '"model-server": {' in params
    assert 'modelPath: "/serving/inception-export"' in params
    assert "// One entry per file in components/" in params  # the template's comments survive


def test_show_json_is_a_v1_list(seed_app: Path, kf: Kf) -> None:
    listed = json.loads(kf("show", "default", "-o", "json", cwd=seed_app).out)
    assert listed["apiVersion"] == "v1" and listed["kind"] == "List"
    assert [(o["kind"], o["metadata"]["name"]) for o in listed["items"]] == [
        ("Service", "inception"),
        ("Deployment", "inception-v1"),
    ]


def test_show_uses_the_current_environment(seed_app: Path, kf: Kf) -> None:
    assert kf("show", cwd=seed_app).out == kf("show", "default", cwd=seed_app).out  # init made it current
    assert kf("env", "current", "--unset", cwd=seed_app).code == 0
    result = kf("show", cwd=seed_app)
    assert result.code == 2 and "'kfkit env current --set ENV'" in result.err


def test_environment_namespace_flows_into_the_objects(seed_app: Path, kf: Kf) -> None:
    assert (
        kf("env", "add", "prod", "--namespace", "serving", "--server", "https://prod", cwd=seed_app).code == 0
    )
    objects = list(yaml.safe_load_all(kf("show", "prod", cwd=seed_app).out))
    assert {o["metadata"]["namespace"] for o in objects} == {"serving"}
    annotation = objects[0]["metadata"]["annotations"]["getambassador.io/config"]
    assert "service: inception.serving:8000" in annotation


def test_the_example_app_renders_the_golden(kf: Kf, repo_root: Path) -> None:
    example = repo_root / "examples" / "kubeflow-app"
    result = kf("show", "default", "-c", "model-server", cwd=example)
    assert result.code == 0, result.err
    assert result.out == GOLDEN.read_text()
    client = [
        o for o in yaml.safe_load_all(kf("show", "default", "-c", "inception-client", cwd=example).out) if o
    ]
    assert [o["kind"] for o in client] == ["Job"]
    assert "--server=inception:9000" in client[0]["spec"]["template"]["spec"]["containers"][0]["args"][0]
