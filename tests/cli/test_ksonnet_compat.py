"""Old ksonnet apps as they are: what they trip on with today's tools, and kfkit's answer."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit.ksonnetlib import shipped_spec
from tests.cli.support import Kf, Result

PACKAGED_PROTOTYPE = """\
// @apiVersion 0.1
// @name io.ksonnet.pkg.web
// @description A web server in ksonnet's packaged style
// @shortDescription Web
// @param name string Name of everything
// @optionalParam image string null Image; "null" picks the default
// @optionalParam port numberOrString null Port name or number
// @optionalParam labels object null Extra labels
local labels = import 'param://labels';
local image = if import 'param://image' == "null" then "nginx:1.27" else import 'param://image';
{
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: import 'param://name', [if labels != null then "labels"]: labels },
  data: { image: image, port: std.toString(import 'param://port') },
}
"""


def test_packaged_prototype_null_defaults_are_strings_as_ksonnet_typed_them(app: Path, kf: Kf) -> None:
    protos = app / "vendor" / "incubator" / "web" / "prototypes"
    protos.mkdir(parents=True)
    (protos / "web.jsonnet").write_text(PACKAGED_PROTOTYPE)
    assert kf("generate", "web", "site", cwd=app).code == 0
    params = (app / "components" / "params.libsonnet").read_text()
    assert 'image: "null"' in params and 'port: "null"' in params and "labels: null" in params
    shown = yaml.safe_load(kf("show", "default", cwd=app).out)
    assert shown["data"] == {"image": "nginx:1.27", "port": "null"}


def test_unary_plus_on_a_non_number_says_what_to_delete(app: Path, kf: Kf) -> None:
    (app / "components" / "cm.jsonnet").write_text(
        '{\n  apiVersion: "v1", kind: "ConfigMap",\n  metadata: +{ name: "cm" },\n}\n'
    )
    result = kf("show", "default", cwd=app)
    assert result.code == 1
    assert result.err.startswith(
        "error: components/cm.jsonnet:3:13-28: Unexpected type object, expected number (a unary + before a non-number"
    )
    assert "delete that +" in result.err


def test_legacy_lib_location_is_on_the_path_with_a_warning(app: Path, kf: Kf) -> None:
    legacy = app / "lib" / "v1.7.0"
    legacy.mkdir(parents=True)
    (legacy / "k.libsonnet").write_text(
        '{ cm(name):: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: name } } }'
    )
    spec = yaml.safe_load((app / "app.yaml").read_text())
    spec["environments"]["default"]["k8sVersion"] = "v1.7.0"
    (app / "app.yaml").write_text(yaml.safe_dump(spec))
    (app / "components" / "cm.jsonnet").write_text('(import "k.libsonnet").cm("legacy")\n')
    result = kf("show", "default", cwd=app)
    assert result.code == 0, result.err
    assert yaml.safe_load(result.out)["metadata"]["name"] == "legacy"
    assert result.err.count("warning: lib/v1.7.0/ is ksonnet's old ksonnet-lib location") == 1


K_COMPONENT = """\
local k = import "k.libsonnet";
local deployment = k.extensions.v1beta1.deployment;
local container = deployment.mixin.spec.template.spec.containersType;
k.core.v1.list.new([
  k.core.v1.service.new("web", { app: "web" }, k.core.v1.servicePort.new(80, 8080)),
  deployment.new("web", 1, container.new("web", "nginx:1.27"), { app: "web" }),
])
"""


def test_ksonnet_lib_is_generated_on_the_first_render_that_imports_it(app: Path, kf: Kf) -> None:
    (app / "components" / "web.jsonnet").write_text(K_COMPONENT)
    lib = app / "lib" / "ksonnet-lib" / "v1.8.0"  # ksonnet's version when the env records none
    assert not lib.exists()
    shown = _documents(kf("show", "default", "--upgrade-apis", cwd=app))
    assert [(d["apiVersion"], d["kind"]) for d in shown] == [("v1", "Service"), ("apps/v1", "Deployment")]
    assert (lib / "k.libsonnet").is_file() and (lib / "k8s.libsonnet").is_file()
    before = (lib / "k8s.libsonnet").stat().st_mtime_ns
    assert _documents(kf("show", "default", "--upgrade-apis", cwd=app)) == shown
    assert (lib / "k8s.libsonnet").stat().st_mtime_ns == before  # cached, not generated again
    shutil.rmtree(app / "lib")  # ksonnet's e2e (§8 item 42): show after deleting lib/ makes it again
    assert _documents(kf("show", "default", "--upgrade-apis", cwd=app)) == shown
    assert (lib / "k.libsonnet").is_file()


def test_apps_without_k_libsonnet_get_no_lib(app: Path, kf: Kf) -> None:
    (app / "components" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n")
    assert kf("show", "default", cwd=app).code == 0
    assert not (app / "lib" / "ksonnet-lib").exists()


def _documents(result: Result) -> list[dict[str, Any]]:
    assert result.code == 0, result.err
    return [d for d in yaml.safe_load_all(result.out) if d]


def test_pre_0_1_app_says_how_to_move_on(app: Path, kf: Kf) -> None:
    spec = yaml.safe_load((app / "app.yaml").read_text())
    spec["apiVersion"] = "0.0.1"
    (app / "app.yaml").write_text(yaml.safe_dump(spec))
    result = kf("show", "default", cwd=app)
    assert result.code == 1
    assert "apiVersion 0.0.1 is ksonnet's pre-0.1 layout" in result.err
    assert "run `kfkit upgrade`" in result.err


def test_env_set_api_spec_generates_the_lib_and_records_the_version(
    app: Path, kf: Kf, tmp_path: Path
) -> None:
    spec = shipped_spec("v1.9.0")
    spec["info"] = {"version": "v1.9.11"}
    (tmp_path / "swagger.json").write_text(json.dumps(spec))
    result = kf("env", "set", "default", "--api-spec", f"file:{tmp_path / 'swagger.json'}", cwd=app)
    assert result.code == 0, result.err
    assert (
        yaml.safe_load((app / "app.yaml").read_text())["environments"]["default"]["k8sVersion"] == "v1.9.11"
    )
    assert (app / "lib" / "ksonnet-lib" / "v1.9.11" / "k8s.libsonnet").is_file()
    (app / "components" / "ns.jsonnet").write_text('(import "k.libsonnet").core.v1.namespace.new("ml")\n')
    assert _documents(kf("show", "default", cwd=app)) == [
        {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": "ml", "labels": {"ksonnet.io/component": "ns"}},
        }
    ]
    bad = kf("env", "set", "default", "--api-spec", "nope:x", cwd=app)
    assert bad.code == 2 and "use version:vX.Y.Z, file:PATH, url:URL or cluster" in bad.err


@pytest.fixture
def spec_server(tmp_path: Path) -> Iterator[str]:
    """An HTTP server for the files of ``tmp_path/served``; ``unversioned.json`` says no version, as
    1.18 on do."""
    served = tmp_path / "served"
    served.mkdir()
    spec = shipped_spec("v1.9.0")
    (served / "swagger.json").write_text(json.dumps({**spec, "info": {"version": "v1.9.11"}}))
    (served / "unversioned.json").write_text(json.dumps({**spec, "info": {"version": "unversioned"}}))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=served))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_api_spec_from_a_url(app: Path, kf: Kf, spec_server: str) -> None:
    def k8s_version() -> str:
        return str(yaml.safe_load((app / "app.yaml").read_text())["environments"]["default"]["k8sVersion"])

    assert kf("env", "set", "default", "--api-spec", f"url:{spec_server}/swagger.json", cwd=app).code == 0
    assert k8s_version() == "v1.9.11"
    assert (app / "lib" / "ksonnet-lib" / "v1.9.11" / "k8s.libsonnet").is_file()
    # http(s):// alone is a URL too; a spec that says "unversioned" takes the version given after #.
    pinned = kf("env", "set", "default", "--api-spec", f"{spec_server}/unversioned.json#v1.9.3", cwd=app)
    assert pinned.code == 0, pinned.err
    assert k8s_version() == "v1.9.3"
    assert (app / "lib" / "ksonnet-lib" / "v1.9.3" / "k.libsonnet").is_file()
    before = (app / "app.yaml").read_text()
    unknown = kf("env", "set", "default", "--api-spec", f"url:{spec_server}/unversioned.json", cwd=app)
    assert unknown.code == 2
    assert unknown.err == (
        f"error: {spec_server}/unversioned.json does not say its Kubernetes version; "
        f"add it: url:{spec_server}/unversioned.json#v1.N.M\n"
    )
    missing = kf("env", "set", "default", "--api-spec", f"url:{spec_server}/nothing.json", cwd=app)
    assert missing.code == 2
    assert missing.err.startswith(
        f"error: cannot fetch OpenAPI spec {spec_server}/nothing.json: HTTP Error 404"
    )
    assert (app / "app.yaml").read_text() == before  # a refused spec changes nothing


def test_init_api_spec_generates_the_lib_as_ks_init_did(tmp_path: Path, kf: Kf) -> None:
    made = tmp_path / "app"
    result = kf("init", str(made), "--api-spec", "version:v1.7.0")
    assert result.code == 0, result.err
    assert "generated lib/ksonnet-lib/v1.7.0/ from version:v1.7.0" in result.err
    env = yaml.safe_load((made / "app.yaml").read_text())["environments"]["default"]
    assert env["k8sVersion"] == "v1.7.0"
    (made / "components" / "d.jsonnet").write_text(
        '(import "k.libsonnet").apps.v1beta1.deployment.new("d", 1, [])\n'
    )
    assert _documents(kf("show", "default", cwd=made))[0]["apiVersion"] == "apps/v1beta1"
    for source, message in (
        (f"file:{tmp_path / 'nope.json'}", f"error: cannot read OpenAPI spec {tmp_path / 'nope.json'}: "),
        ("cluster", "error: --api-spec cluster reads the environment's server: add the environment first"),
    ):
        refused = kf("init", str(tmp_path / "other"), "--api-spec", source)
        assert refused.code == 2 and refused.err.startswith(message), refused.err
        assert not (tmp_path / "other").exists()  # the spec is read before anything is written


def test_env_add_api_spec(app: Path, kf: Kf, spec_server: str) -> None:
    added = kf("env", "add", "prod", "--api-spec", f"url:{spec_server}/swagger.json", cwd=app)
    assert added.code == 0, added.err
    assert ", ksonnet-lib v1.9.11 from url:" in added.err
    envs = yaml.safe_load((app / "app.yaml").read_text())["environments"]
    assert envs["prod"]["k8sVersion"] == "v1.9.11" and "k8sVersion" not in envs["default"]
    assert (app / "lib" / "ksonnet-lib" / "v1.9.11" / "k8s.libsonnet").is_file()
    assert kf("env", "add", "mine", "-o", "--api-spec", "version:v1.8.0", cwd=app).code == 0
    override = yaml.safe_load((app / "app.override.yaml").read_text())["environments"]["mine"]
    assert override["k8sVersion"] == "v1.8.0"
    before = (app / "app.yaml").read_text()
    refused = kf("env", "add", "qa", "--api-spec", f"url:{spec_server}/nothing.json", cwd=app)
    assert refused.code == 2 and "cannot fetch OpenAPI spec" in refused.err
    assert (app / "app.yaml").read_text() == before and not (app / "environments" / "qa").exists()
