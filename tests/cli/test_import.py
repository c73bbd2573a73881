"""``kfkit import``: manifests become components as ``ks import`` made them (ksonnet e2e §8 #19, #25)."""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kfkit import App
from tests.cli.support import Kf, tree

DEPLOYMENT = """\
apiVersion: apps/v1beta1
kind: Deployment
metadata:
  name: nginx-deployment
spec:
  replicas: 3
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.7.9
        ports:
        - containerPort: 80
"""
SERVICE = """\
# the front door
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector: {app: nginx}
  ports:
  - port: 80
"""
NAME = re.compile(r"^deployment-nginx-deployment-[a-z]{5}$")


def _components(kf: Kf, app: Path) -> list[dict[str, str]]:
    result = kf("component", "list", "-o", "json", cwd=app)
    assert result.code == 0, result.err
    rows: list[dict[str, str]] = json.loads(result.out)["data"]
    return rows


@pytest.mark.parametrize("as_dir", [False, True], ids=["file", "dir"])
def test_import_file_or_dir_makes_a_yaml_component_named_as_ksonnet_did(
    app: Path, kf: Kf, tmp_path: Path, as_dir: bool
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "deployment.yaml").write_text(DEPLOYMENT)
    source = tmp_path / "in" if as_dir else tmp_path / "in" / "deployment.yaml"
    result = kf("import", "-f", str(source), "--module", "/", cwd=app)
    assert result.code == 0, result.err
    [row] = _components(kf, app)
    assert NAME.match(row["component"]) and row["type"] == "yaml"
    assert (app / row["file"]).read_text() == DEPLOYMENT
    [shown] = [d for d in yaml.safe_load_all(kf("show", "default", cwd=app).out) if d]
    assert (shown["apiVersion"], shown["kind"], shown["metadata"]["name"]) == (
        "apps/v1beta1",
        "Deployment",
        "nginx-deployment",
    )
    assert shown["metadata"]["labels"] == {"ksonnet.io/component": row["component"]}


def test_yaml_params_after_import_are_one_row(app: Path, kf: Kf, tmp_path: Path) -> None:
    (tmp_path / "deployment.yaml").write_text(DEPLOYMENT)
    assert kf("import", "-f", str(tmp_path / "deployment.yaml"), cwd=app).code == 0
    [row] = _components(kf, app)
    assert json.loads(kf("param", "list", "-o", "json", cwd=app).out)["data"] == []
    assert kf("param", "set", row["component"], "metadata.labels", '{"hello": "world"}', cwd=app).code == 0
    assert len(json.loads(kf("param", "list", "-o", "json", cwd=app).out)["data"]) == 1
    [shown] = [d for d in yaml.safe_load_all(kf("show", "default", cwd=app).out) if d]
    assert shown["metadata"]["labels"]["hello"] == "world"


def test_multi_document_yaml_makes_one_component_per_object_keeping_its_text(
    app: Path, kf: Kf, tmp_path: Path
) -> None:
    (tmp_path / "all.yml").write_text(f"{DEPLOYMENT}---\n{SERVICE}---\n# nothing here\n")
    assert kf("import", "-f", str(tmp_path / "all.yml"), cwd=app).code == 0
    rows = _components(kf, app)
    assert sorted(r["component"][:-6] for r in rows) == ["deployment-nginx-deployment", "service-nginx"]
    texts = sorted((app / r["file"]).read_text() for r in rows)
    assert texts == sorted([DEPLOYMENT, SERVICE])


def test_json_and_jsonnet_files_are_copied_as_components_of_their_names(
    app: Path, kf: Kf, tmp_path: Path
) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"a": "b"}}
    (tmp_path / "settings.json").write_text(json.dumps(cm, indent=2))
    (tmp_path / "ns.jsonnet").write_text(
        '{ apiVersion: "v1", kind: "Namespace", metadata: { name: "ml" } }\n'
    )
    for name in ("settings.json", "ns.jsonnet"):
        assert kf("import", "-f", str(tmp_path / name), cwd=app).code == 0
    assert {(r["component"], r["type"]) for r in _components(kf, app)} == {
        ("settings", "json"),
        ("ns", "jsonnet"),
    }
    assert (app / "components" / "ns.jsonnet").read_text() == (tmp_path / "ns.jsonnet").read_text()
    kinds = sorted(d["kind"] for d in yaml.safe_load_all(kf("show", "default", cwd=app).out) if d)
    assert kinds == ["ConfigMap", "Namespace"]


def test_import_refuses_names_taken_and_changes_nothing(app: Path, kf: Kf, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.yaml").write_text(DEPLOYMENT)
    (tmp_path / "in" / "web.jsonnet").write_text("{}\n")
    (app / "components" / "web.jsonnet").write_text("[]\n")
    before = tree(app)
    result = kf("import", "-f", str(tmp_path / "in"), cwd=app)
    assert result.code != 0
    assert (
        result.err
        == f'error: {tmp_path}/in/web.jsonnet: component "web" already exists in app "kubeflow-app"\n'
    )
    assert tree(app) == before


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.yaml", "a: [1\n", "bad.yaml: document 1: not YAML: "),
        (
            "list.yaml",
            "- 1\n- 2\n",
            "list.yaml: document 1 is not a Kubernetes object (no apiVersion and kind)",
        ),
        (
            "anon.yaml",
            "apiVersion: v1\nkind: Service\n",
            "anon.yaml: document 1 (Service) has no metadata.name",
        ),
        ("two.yaml", f"{SERVICE}---\nkind: X\n", "two.yaml: document 2 is not a Kubernetes object"),
        ("bad.json", "{", "bad.json: not JSON: "),
        ("empty.yaml", "# nothing\n", "empty.yaml: no Kubernetes objects found"),
        (
            "notes.txt",
            "hello",
            "notes.txt: cannot import this kind of file (use .jsonnet, .yaml, .yml, .json)",
        ),
        ("missing.yaml", None, "missing.yaml does not exist"),
    ],
)
def test_bad_input_is_one_line_naming_the_file_and_nothing_changes(
    app: Path, kf: Kf, tmp_path: Path, name: str, text: str | None, message: str
) -> None:
    if text is not None:
        (tmp_path / name).write_text(text)
    before = tree(app)
    result = kf("import", "-f", str(tmp_path / name), cwd=app)
    assert result.code != 0
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
    assert message in result.err
    assert tree(app) == before


def test_dir_skips_other_files_with_a_warning(app: Path, kf: Kf, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# manifests\n")
    (tmp_path / "svc.yaml").write_text(SERVICE)
    result = kf("import", "-f", str(tmp_path), cwd=app)
    assert result.code == 0, result.err
    assert f"warning: {tmp_path}/README.md: skipped (not a .jsonnet, .yaml, .yml, .json file)" in result.err
    assert len(_components(kf, app)) == 1


def test_import_into_a_module(app: Path, kf: Kf, tmp_path: Path) -> None:
    (tmp_path / "svc.yaml").write_text(SERVICE)
    result = kf("import", "-f", str(tmp_path / "svc.yaml"), "--module", "web", cwd=app)
    assert result.code == 0, result.err
    [path] = (app / "components" / "web").glob("service-*.yaml")
    name = f"web.{path.stem}"
    assert f'"{path.stem}": {{}}' in (app / "components" / "web" / "params.libsonnet").read_text()
    assert kf("env", "targets", "default", "--module", "web", cwd=app).code == 0
    shown = yaml.safe_load(kf("show", "default", cwd=app).out)
    assert shown["metadata"]["labels"]["ksonnet.io/component"] == name


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """An HTTP server answering with SERVICE, named by Content-Disposition as ksonnet's test did."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = SERVICE.encode()
            self.send_response(200 if self.path == "/download" else 404)
            self.send_header("Content-Disposition", 'attachment; filename="manifest.yaml"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_import_from_a_url(app: Path, kf: Kf, served: str) -> None:
    assert kf("import", "-f", f"{served}/download", cwd=app).code == 0
    [row] = _components(kf, app)
    assert row["component"].startswith("service-nginx-")
    missing = kf("import", "-f", f"{served}/nothing", cwd=app)
    assert missing.code != 0 and f"cannot download {served}/nothing: HTTP Error 404" in missing.err


def test_library_import_returns_the_new_files(app: Path, tmp_path: Path) -> None:
    (tmp_path / "svc.yaml").write_text(SERVICE)
    [path] = App.load(app).import_manifests(tmp_path / "svc.yaml")
    assert path.parent == app / "components" and path.read_text() == SERVICE
