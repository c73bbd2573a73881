"""The package generator: ``pkg new`` scaffolds, ``--from`` manifests, ``--from-component``, ``pkg test``."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit import App
from kfkit._api import new_package
from kfkit._package_check import run_package_tests
from kfkit.app._package_new import dump_jsonnet
from tests.cli.support import Kf

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {app: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        ports: [{containerPort: 8080, name: http}]
        env:
        - {name: MODE, value: production}
        - {name: GREETING, value: hello world}
        resources:
          requests: {cpu: 100m, memory: 64Mi}
          limits: {memory: 128Mi}
        envFrom: [{configMapRef: {name: web-config}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http, name: http}]
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: web-config, namespace: shop}
  data: {"index.html": "<h1>it's \\"quoted\\"</h1>\\n"}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
"""


def _input() -> list[dict[str, Any]]:
    docs = list(yaml.safe_load_all(MANIFESTS))
    return [*docs[:2], *docs[2]["items"], docs[3]]


def _rendered(kf: Kf, app: Path, component: str) -> list[dict[str, Any]]:
    result = kf("show", "default", "-c", component, "-o", "json", cwd=app)
    assert result.code == 0, result.err
    data = json.loads(result.out)
    objects = data["items"] if data.get("kind") == "List" and "items" in data else [data]
    for obj in objects:
        labels = obj["metadata"].get("labels", {})
        assert labels.pop("ksonnet.io/component") == component
        if not labels:
            del obj["metadata"]["labels"]
    return objects


def _by_kind(objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {o["kind"]: o for o in objects}


@pytest.fixture
def web_registry(tmp_path: Path, kf: Kf) -> Path:
    (tmp_path / "manifests.yaml").write_text(MANIFESTS)
    registry = tmp_path / "shop"
    result = kf("pkg", "new", "web", "--registry", str(registry), "--from", str(tmp_path / "manifests.yaml"))
    assert result.code == 0, result.err
    return registry


@pytest.fixture
def shop_app(app: Path, kf: Kf, web_registry: Path) -> Path:
    assert kf("registry", "add", "shop", str(web_registry), cwd=app).code == 0
    assert kf("pkg", "install", "shop/web", cwd=app).code == 0
    return app


def test_from_manifests_round_trip_with_defaults(shop_app: Path, kf: Kf) -> None:
    assert kf("generate", "shop/web", "web", cwd=shop_app).code == 0
    assert _by_kind(_rendered(kf, shop_app, "web")) == _by_kind(_input())


def test_from_manifests_params_change_the_right_fields(shop_app: Path, kf: Kf) -> None:
    args = ["--image", "nginx:1.27", "--replicas", "5", "--containerPort", "9090", "--servicePort", "8080"]
    args += ["--namespace", "store", "--mode", "debug", "--resources", '{"limits":{"cpu":"1"}}']
    assert kf("generate", "shop/web", "shop", *args, cwd=shop_app).code == 0
    got = _by_kind(_rendered(kf, shop_app, "shop"))
    want = _by_kind(copy.deepcopy(_input()))
    for obj in want.values():
        obj["metadata"]["namespace"] = "store"
        obj["metadata"]["name"] = obj["metadata"]["name"].replace("web", "shop")
        if obj["metadata"].get("labels"):
            obj["metadata"]["labels"]["app"] = "shop"
    deployment = want["Deployment"]["spec"]
    deployment["replicas"] = 5
    deployment["selector"]["matchLabels"]["app"] = "shop"
    deployment["template"]["metadata"]["labels"]["app"] = "shop"
    container = deployment["template"]["spec"]["containers"][0]
    container.update(name="shop", image="nginx:1.27", resources={"limits": {"cpu": "1"}})
    container["ports"][0]["containerPort"] = 9090
    container["env"][0]["value"] = "debug"
    container["envFrom"][0]["configMapRef"]["name"] = "shop-config"
    want["Service"]["spec"]["selector"]["app"] = "shop"
    want["Service"]["spec"]["ports"][0]["port"] = 8080
    want["Ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] = "shop"
    assert got == want


def test_generated_prototype_is_formatted_and_typed(web_registry: Path) -> None:
    text = (web_registry / "web/prototypes/web.jsonnet").read_text()
    assert "// @optionalParam replicas number 3 " in text
    assert "// @optionalParam image string nginx:1.25 " in text
    assert (
        '// @optionalParam resources object {"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"memory":"128Mi"}} '
        in text
    )
    assert "      name: import 'param://name',\n" in text
    assert "name: (import 'param://name') + '-config',\n" in text
    assert "'index.html': '<h1>it\\'s \"quoted\"</h1>\\n',\n" in text
    assert "\t" not in text and not any(line.endswith(" ") for line in text.splitlines())
    index = yaml.safe_load((web_registry / "registry.yaml").read_text())
    assert index["libraries"] == {"web": {"path": "web", "version": ""}}


def test_from_a_directory_and_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in").mkdir()
    for i, doc in enumerate(MANIFESTS.split("\n---\n")):
        (tmp_path / "in" / f"{i}.yaml").write_text(doc)
    path = new_package("from-dir", tmp_path / "reg", from_manifests=str(tmp_path / "in"))
    assert "kind: 'Ingress'" in (path / "prototypes/from-dir.jsonnet").read_text()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(MANIFESTS))
    path = new_package("from-stdin", tmp_path / "reg", from_manifests="-")
    assert (path / "prototypes/from-stdin.jsonnet").is_file()
    assert sorted(yaml.safe_load((tmp_path / "reg/registry.yaml").read_text())["libraries"]) == [
        "from-dir",
        "from-stdin",
    ]


def test_scaffold_installs_generates_renders_and_tests(tmp_path: Path, app: Path, kf: Kf) -> None:
    registry = tmp_path / "mine"
    result = kf("pkg", "new", "hello", "--registry", str(registry))
    assert result.code == 0, result.err
    package = registry / "hello"
    assert sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()) == [
        "README.md",
        "hello.libsonnet",
        "parts.yaml",
        "prototypes/hello.jsonnet",
    ]
    tested = kf("pkg", "test", str(package))
    assert tested.code == 0, tested.err
    assert tested.out.splitlines()[2:] == [
        "io.ksonnet.pkg.hello defaults   ok (2 objects)",
        "io.ksonnet.pkg.hello quickStart ok (2 objects)",
    ]
    assert [r.case for r in run_package_tests(package)] == ["defaults", "quickStart"]
    assert kf("registry", "add", "mine", str(registry), cwd=app).code == 0
    assert kf("pkg", "install", "mine/hello", cwd=app).code == 0
    assert kf("generate", "hello", "greeter", "--replicas", "2", cwd=app).code == 0
    kinds = {o["kind"]: o for o in yaml.safe_load_all(kf("show", "default", cwd=app).out)}
    assert kinds["Deployment"]["spec"]["replicas"] == 2
    assert kinds["Service"]["metadata"]["name"] == "greeter"


def test_pkg_test_reports_a_broken_example(tmp_path: Path, kf: Kf) -> None:
    package = new_package("hello", tmp_path / "mine")
    (package / "examples").mkdir()
    (package / "examples/bad.yaml").write_text(
        "prototype: hello\ncomponentName: bad\nflags: {replicas: many}\n"
    )
    result = kf("pkg", "test", str(package))
    assert result.code == 1
    assert "examples/bad.yaml" in result.out
    assert result.err.startswith("error: 1 of 3 renders failed: io.ksonnet.pkg.hello (examples/bad.yaml): ")


def test_from_component(seed_app: Path, kf: Kf, tmp_path: Path) -> None:
    registry = tmp_path / "reusable"
    result = kf(
        "pkg",
        "new",
        "model-server",
        "--from-component",
        "model-server",
        "--registry",
        str(registry),
        cwd=seed_app,
    )
    assert result.code == 0, result.err
    text = (registry / "model-server/prototypes/model-server.jsonnet").read_text()
    assert "// @optionalParam modelPath string /serving/inception-export " in text
    assert "std.extVar" not in text.split("\n\n", 1)[1].split("\n", 1)[0]
    other = tmp_path / "other"
    assert kf("init", str(other)).code == 0
    assert kf("registry", "add", "reusable", str(registry), cwd=other).code == 0
    assert kf("pkg", "install", "reusable/model-server", cwd=other).code == 0
    assert kf("generate", "reusable/model-server", "model-server", "--name", "inception", cwd=other).code == 0
    assert kf("show", "default", cwd=seed_app).out == kf("show", "default", cwd=other).out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pkg", "new", "Bad_Name"), "invalid package name 'Bad_Name'"),
        (("pkg", "new", "x", "--from", "/no/such/file"), "/no/such/file is not a file or a directory"),
        (
            ("pkg", "new", "x", "--from", "a", "--from-component", "b"),
            "give --from or --from-component, not both",
        ),
    ],
)
def test_generator_errors(tmp_path: Path, kf: Kf, args: tuple[str, ...], message: str) -> None:
    result = kf(*args, cwd=tmp_path)
    assert result.err == f"error: {message}\n" or result.err.startswith(f"error: {message}")
    assert not list(tmp_path.iterdir())


def test_existing_package_is_not_overwritten(tmp_path: Path, kf: Kf) -> None:
    new_package("hello", tmp_path)
    result = kf("pkg", "new", "hello", "--registry", str(tmp_path))
    assert result.err == f"error: {tmp_path}/hello already exists\n"


def test_dump_jsonnet_matches_jsonnet_fmt_style() -> None:
    assert (
        dump_jsonnet({"a": [1, "x"], "b-c": {}, "d": []})
        == "{\n  a: [\n    1,\n    'x',\n  ],\n  'b-c': {},\n  d: [],\n}"
    )


def test_library_api_round_trip(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text(MANIFESTS)
    package = new_package("web", tmp_path / "shop", from_manifests=str(tmp_path / "m.yaml"))
    kf = App.init(tmp_path / "app")
    kf.add_registry("shop", str(package.parent))
    kf.install("shop/web")
    kf.generate("shop/web", "web", {})
    rendered = kf.render("default")
    for obj in rendered:
        del obj["metadata"]["labels"]["ksonnet.io/component"]
        if not obj["metadata"]["labels"]:
            del obj["metadata"]["labels"]
    assert _by_kind(rendered) == _by_kind(_input())


def test_generated_packages_pass_validate(shop_app: Path, kf: Kf, tmp_path: Path) -> None:
    new_package("hello", tmp_path / "mine")
    assert kf("registry", "add", "mine", str(tmp_path / "mine"), cwd=shop_app).code == 0
    assert kf("pkg", "install", "mine/hello", cwd=shop_app).code == 0
    for prototype, component in (("mine/hello", "hello"), ("shop/web", "web")):
        assert kf("generate", prototype, component, cwd=shop_app).code == 0
    result = kf("validate", "default", cwd=shop_app)
    assert result.code == 0, result.err
    assert "6 objects valid" in result.err
