"""kfkit prototype list/describe/search/preview/use, and every built-in prototype generates and renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.cli.support import Kf

BUILTINS = {
    "io.ksonnet.pkg.configMap": (),
    "io.ksonnet.pkg.deployed-service": ("--image", "gcr.io/heptio-images/ks-guestbook-demo:0.1"),
    "io.ksonnet.pkg.namespace": (),
    "io.ksonnet.pkg.single-port-deployment": ("--image", "nginx:1.27"),
    "io.ksonnet.pkg.single-port-service": ("--targetLabelSelector", '{"app": "MyApp"}'),
    "io.ksonnet.pkg.tf-serving": ("--modelPath", "gs://bucket/model"),
    "io.ksonnet.pkg.tf-serving-client": (),
}


def test_list_has_every_builtin(kf: Kf, tmp_path: Path) -> None:
    listed = json.loads(kf("prototype", "list", "-o", "json", cwd=tmp_path).out)
    assert listed["kind"] == "prototypeList"
    assert sorted(row["name"] for row in listed["data"]) == sorted(BUILTINS)
    assert all(row["description"] for row in listed["data"])


def test_search(kf: Kf, tmp_path: Path) -> None:
    out = kf("prototype", "search", "service", cwd=tmp_path).out.splitlines()
    assert [line.split()[0] for line in out[2:]] == [
        "io.ksonnet.pkg.deployed-service",
        "io.ksonnet.pkg.single-port-service",
    ]
    assert kf("prototype", "search", "tf-serving-client", cwd=tmp_path).out.count("\n") == 3
    assert kf("prototype", "search", "zzz", cwd=tmp_path).out.count("\n") == 2


def test_describe(kf: Kf, tmp_path: Path) -> None:
    out = kf("prototype", "describe", "configMap", cwd=tmp_path).out
    assert out.startswith("PROTOTYPE NAME:\nio.ksonnet.pkg.configMap\n")
    assert "REQUIRED PARAMETERS:\n  --name=<name> " in out
    assert "[type: string]" in out
    assert "--data=<data>" in out and "[default: {}, type: object]" in out
    assert out.endswith("TEMPLATE TYPES AVAILABLE:\n  [jsonnet]\n")
    tf = kf("prototype", "describe", "tf-serving", cwd=tmp_path).out
    for param in (
        "numGpus",
        "modelPath",
        "modelServerImage",
        "deployHttpProxy",
        "s3Enable",
        "cloud",
        "deployIstio",
    ):
        assert f"--{param}=<{param}>" in tf


def test_preview_prints_the_component_source(kf: Kf, tmp_path: Path) -> None:
    result = kf(
        "prototype",
        "preview",
        "deployed-service",
        "--name",
        "aName",
        "--image",
        "image:tag",
        cwd=tmp_path,
    )
    assert result.code == 0, result.err
    assert result.out.startswith(
        'local env = std.extVar("__ksonnet/environments");\nlocal params = std.extVar("__ksonnet/params").components.preview;\n'
    )
    assert "@name" not in result.out


@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_each_builtin_generates_and_renders(app: Path, kf: Kf, name: str) -> None:
    generated = kf("generate", name.rsplit(".", 1)[1], "unit", *BUILTINS[name], cwd=app)
    assert generated.code == 0, generated.err
    result = kf("show", "default", "-c", "unit", cwd=app)
    assert result.code == 0, result.err
    objects = [o for o in yaml.safe_load_all(result.out) if o]
    assert objects
    for obj in objects:
        assert obj["apiVersion"] and obj["kind"] and obj["metadata"]["name"]
        assert obj["metadata"]["labels"]["ksonnet.io/component"] == "unit"


def test_prototype_use_equals_generate(app: Path, kf: Kf) -> None:
    assert kf("prototype", "use", "configMap", "a", "--data", '{"k": "v"}', cwd=app).code == 0
    assert kf("generate", "configMap", "b", "--data", '{"k": "v"}', cwd=app).code == 0
    a = (app / "components/a.jsonnet").read_text().replace("components.a", "components.b")
    assert a == (app / "components/b.jsonnet").read_text()


def test_values_file(app: Path, kf: Kf, tmp_path: Path) -> None:
    values = tmp_path / "values.jsonnet"
    values.write_text('{ image: "from-file:1", replicas: 1 + 2 }')
    assert (
        kf(
            "generate",
            "deployed-service",
            "web",
            "--image",
            "flag:1",
            "--values-file",
            str(values),
            cwd=app,
        ).code
        == 0
    )
    (_, deploy) = [o for o in yaml.safe_load_all(kf("show", "default", cwd=app).out) if o]
    assert deploy["spec"]["replicas"] == 3
    assert deploy["spec"]["template"]["spec"]["containers"][0]["image"] == "from-file:1"


def test_component_list_and_rm(seed_app: Path, kf: Kf) -> None:
    assert kf("param", "set", "model-server", "replicas", "2", "--env", "default", cwd=seed_app).code == 0
    assert "model-server" in (seed_app / "environments/default/params.libsonnet").read_text()
    listed = json.loads(kf("component", "list", "-o", "json", cwd=seed_app).out)
    assert listed["data"] == [
        {"component": "model-server", "type": "jsonnet", "file": "components/model-server.jsonnet"}
    ]
    assert kf("component", "rm", "model-server", cwd=seed_app).code == 0
    assert not (seed_app / "components/model-server.jsonnet").exists()
    assert "model-server" not in (seed_app / "components/params.libsonnet").read_text()
    assert "model-server" not in (seed_app / "environments/default/params.libsonnet").read_text()
    assert kf("show", "default", cwd=seed_app).out == ""
