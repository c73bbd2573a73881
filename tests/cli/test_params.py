"""kfkit param set/delete/list/diff through the CLI: typing, layers, lossless edits, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.support import Kf, Result

ECHO = '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "echo"}, data: {params: std.manifestJsonEx(params, "")}}'


@pytest.fixture
def echo_app(app: Path, kf: Kf) -> Path:
    """An app whose one component shows its params, so `show` proves what components see."""
    (app / "components/echo.jsonnet").write_text(
        'local params = std.extVar("__ksonnet/params").components.echo;\n' + ECHO + "\n"
    )
    return app


def shown(kf: Kf, app: Path, env: str = "default") -> dict[str, Any]:
    result = kf("show", env, "-c", "echo", "-o", "json", cwd=app)
    assert result.code == 0, result.err
    params: dict[str, Any] = json.loads(json.loads(result.out)["items"][0]["data"]["params"])
    return params


def listed(kf: Kf, app: Path, *args: str) -> dict[tuple[str, str], tuple[object, str]]:
    result = kf("param", "list", *args, "-o", "json", cwd=app)
    assert result.code == 0, result.err
    return {(r["component"], r["param"]): (r["value"], r["source"]) for r in json.loads(result.out)["data"]}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("3", 3),
        ("-3", -3),
        ("1.5", 1.5),
        ("0.5", 0.5),
        ("1e3", 1000),
        ("true", True),
        ("false", False),
        ("null", None),
        ('["a", 1]', ["a", 1]),
        ('{"a": {"b": [true]}}', {"a": {"b": [True]}}),
        ("00", "00"),
        ("1.", "1."),
        ("True", True),
        ("FALSE", False),
        ("{app: 'web', ports: [80]}", {"app": "web", "ports": [80]}),
        (".5", ".5"),
        ("0x10", "0x10"),
        ("hello world", "hello world"),
        ("123456789012345678901", "123456789012345678901"),
    ],
)
def test_value_typing(echo_app: Path, kf: Kf, raw: str, value: object) -> None:
    assert kf("param", "set", "echo", "v", raw, cwd=echo_app).code == 0
    assert shown(kf, echo_app)["v"] == value
    assert listed(kf, echo_app, "echo")[("echo", "v")][0] == value


@pytest.mark.parametrize("raw", ["1e3", "1.50", "-2.5E-3", "0.10"])
def test_numbers_are_written_as_typed(echo_app: Path, kf: Kf, raw: str) -> None:
    assert kf("param", "set", "echo", "v", raw, cwd=echo_app).code == 0
    assert f"v: {raw}," in (echo_app / "components/params.libsonnet").read_text()
    assert shown(kf, echo_app)["v"] == float(raw)


def test_as_string_wins_everywhere(echo_app: Path, kf: Kf) -> None:
    for args in ((), ("--env", "default")):
        assert kf("param", "set", "echo", "port", "8080", "--as-string", *args, cwd=echo_app).code == 0
        assert shown(kf, echo_app)["port"] == "8080"
    assert kf("param", "set", "zone", "1", "--as-string", "--env", "default", cwd=echo_app).code == 0
    assert shown(kf, echo_app)["zone"] == "1"


def test_layers_precedence_and_sources(echo_app: Path, kf: Kf) -> None:
    def run(*args: str) -> Result:
        return kf("param", "set", *args, cwd=echo_app)

    assert run("echo", "replicas", "1").code == 0
    assert run("echo", "image", "web:1").code == 0
    assert run("team", "infra").code == 0  # module global: wins over the component's own
    assert run("echo", "team", "ml").code == 0
    assert run("echo", "replicas", "3", "--env", "default").code == 0
    assert run("region", "eu", "--env", "default").code == 0
    assert shown(kf, echo_app) == {"replicas": 3, "image": "web:1", "team": "infra", "region": "eu"}
    rows = listed(kf, echo_app, "--env", "default")
    assert rows[("echo", "replicas")] == (3, "environments/default/params.libsonnet")
    assert rows[("echo", "image")] == ("web:1", "components/params.libsonnet")
    assert rows[("echo", "team")] == ("infra", "global")
    assert rows[("echo", "region")] == ("eu", "environments/default/globals.libsonnet")
    app_level = listed(kf, echo_app)
    assert app_level[("echo", "replicas")] == (1, "components/params.libsonnet")
    assert ("echo", "region") not in app_level


def test_dotted_keys_nest_and_env_overrides_merge(echo_app: Path, kf: Kf) -> None:
    assert kf("param", "set", "echo", "resources.limits.cpu", "2", cwd=echo_app).code == 0
    assert kf("param", "set", "echo", "resources.limits.memory", "1Gi", cwd=echo_app).code == 0
    assert kf("param", "set", "echo", "resources.limits.cpu", "4", "--env", "default", cwd=echo_app).code == 0
    assert shown(kf, echo_app)["resources"] == {"limits": {"cpu": 4, "memory": "1Gi"}}


def test_delete_each_form(echo_app: Path, kf: Kf) -> None:
    for args in (
        ("echo", "a", "1"),
        ("echo", "b", "2", "--env", "default"),
        ("g", "3"),
        ("eg", "4", "--env", "default"),
    ):
        assert kf("param", "set", *args, cwd=echo_app).code == 0
    assert shown(kf, echo_app) == {"a": 1, "b": 2, "g": 3, "eg": 4}
    assert kf("param", "delete", "echo", "b", "--env", "default", cwd=echo_app).code == 0
    assert kf("param", "delete", "eg", "--env", "default", cwd=echo_app).code == 0
    assert kf("param", "delete", "g", cwd=echo_app).code == 0
    assert shown(kf, echo_app) == {"a": 1}
    assert kf("param", "delete", "echo", "a", cwd=echo_app).code == 0
    assert shown(kf, echo_app) == {}


def test_param_diff(echo_app: Path, kf: Kf) -> None:
    assert kf("env", "add", "prod", cwd=echo_app).code == 0
    assert kf("param", "set", "echo", "replicas", "1", cwd=echo_app).code == 0
    assert kf("param", "set", "echo", "replicas", "4", "--env", "prod", cwd=echo_app).code == 0
    assert kf("param", "set", "echo", "only", "x", "--env", "default", cwd=echo_app).code == 0
    out = kf("param", "diff", "default", "prod", cwd=echo_app).out.splitlines()
    assert out[0].split() == ["COMPONENT", "PARAM", "DEFAULT", "PROD"]
    assert [line.split() for line in out[2:]] == [
        ["echo", "replicas", "1", "4"],
        ["echo", "only", '"x"'],
    ]
    data = json.loads(
        kf("param", "diff", "default", "prod", "--component", "echo", "-o", "json", cwd=echo_app).out
    )
    assert data["kind"] == "paramDiff" and len(data["data"]) == 2


def test_yaml_component_params(app: Path, kf: Kf) -> None:
    (app / "components/web.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {a: b}\nspec:\n  replicas: 1\n"
    )
    assert kf("param", "set", "web", "metadata.labels", '{"hello": "world"}', cwd=app).code == 0
    assert kf("param", "set", "web", "spec.replicas", "2", "--env", "default", cwd=app).code == 0
    (obj,) = [o for o in yaml.safe_load_all(kf("show", "default", cwd=app).out) if o]
    assert obj["metadata"]["labels"] == {"a": "b", "hello": "world", "ksonnet.io/component": "web"}
    assert obj["spec"]["replicas"] == 2


HAND_WRITTEN = """\
# params for the echo app, hand-written
local defaults = { replicas: 1 };
{
  global: {},  // nothing global yet
  components: {
    /* the echo component:
       keep this comment */
    echo: defaults {
      image: 'web:1',   // single quotes stay
      note: |||
        a text block
      |||,
    },
    other  :  { 'odd key': "x" , },
  }
}
"""


def test_hand_written_file_edits_are_minimal(echo_app: Path, kf: Kf) -> None:
    path = echo_app / "components/params.libsonnet"
    path.write_text(HAND_WRITTEN)
    (echo_app / "components/other.jsonnet").write_text("[]\n")
    assert kf("param", "set", "other", "odd key", "y", cwd=echo_app).code == 0
    assert path.read_text() == HAND_WRITTEN.replace("'odd key': \"x\"", "'odd key': \"y\"")
    assert kf("param", "set", "other", "n", "2", cwd=echo_app).code == 0
    assert path.read_text() == HAND_WRITTEN.replace("'odd key': \"x\" , }", "'odd key': \"y\" , n: 2, }")


def test_computed_params_are_refused_and_file_kept(echo_app: Path, kf: Kf) -> None:
    path = echo_app / "components/params.libsonnet"
    path.write_text(HAND_WRITTEN)
    result = kf("param", "set", "echo", "image", "web:2", cwd=echo_app)
    assert result.code == 1
    assert result.err.startswith("error: components/params.libsonnet:8:")
    assert "computed" in result.err and result.err.count("\n") == 1
    assert path.read_text() == HAND_WRITTEN


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("param", "set", "nope", "k", "v"), 2, 'component "nope" not found'),
        (("param", "set", "echo", "k", "v", "--env", "nope"), 2, 'environment "nope" not found'),
        (("param", "set", "echo", "", "v"), 2, "invalid param key ''"),
        (("param", "set", "echo", "a..b", "v"), 2, "invalid param key 'a..b'"),
        (("param", "set", "echo", "k", "{bad json"), 2, "is not a Jsonnet object: 1:"),
        (("param", "set", "echo", "k", "{\x00"), 2, "is not a Jsonnet object: it holds a NUL character"),
        (("param", "set", "echo"), 2, "usage: kfkit param set"),
        (("param", "delete", "echo", "missing"), 2, "has no param 'missing'"),
        (("param", "list", "nope"), 2, 'component "nope" not found'),
        (("param", "diff", "default", "nope"), 2, 'environment "nope" not found'),
    ],
)
def test_param_errors_leave_files_unchanged(
    echo_app: Path, kf: Kf, args: tuple[str, ...], code: int, message: str
) -> None:
    files = [
        echo_app / "components/params.libsonnet",
        echo_app / "environments/default/params.libsonnet",
    ]
    before = [f.read_bytes() for f in files]
    result = kf(*args, cwd=echo_app)
    assert result.code == code
    assert message in result.err
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
    assert [f.read_bytes() for f in files] == before


def test_an_edit_that_does_not_take_effect_is_rolled_back(echo_app: Path, kf: Kf) -> None:
    env_file = echo_app / "environments/default/params.libsonnet"
    broken = env_file.read_text().replace(
        "envParams.components[x] + globals", "envParams.components[x] + globals + {v: 0}"
    )
    env_file.write_text(broken)
    result = kf("param", "set", "echo", "v", "5", "--env", "default", cwd=echo_app)
    assert result.code == 1
    assert "after the edit components.echo.v would read 0, not 5" in result.err
    assert env_file.read_text() == broken


def test_a_delete_that_does_not_take_effect_is_rolled_back(echo_app: Path, kf: Kf) -> None:
    globals_file = echo_app / "environments/default/globals.libsonnet"
    layered = '{ zone: "a" } + { zone: "b" }\n'
    globals_file.write_text(layered)
    result = kf("param", "delete", "zone", "--env", "default", cwd=echo_app)
    assert result.code == 1
    assert 'after the edit zone would be set ("a")' in result.err
    assert globals_file.read_text() == layered


def test_nested_globals_merge_like_ksonnet_and_keep_their_source(echo_app: Path, kf: Kf) -> None:
    assert kf("param", "set", "echo", "resources.requests.cpu", "1", cwd=echo_app).code == 0
    assert kf("param", "set", "resources.limits.cpu", "2", cwd=echo_app).code == 0
    merged = {"limits": {"cpu": 2}, "requests": {"cpu": 1}}
    assert shown(kf, echo_app)["resources"] == merged
    assert listed(kf, echo_app)[("echo", "resources")] == (merged, "global")
    assert listed(kf, echo_app, "--env", "default")[("echo", "resources")] == (merged, "global")


def test_a_misspelt_param_warns_with_the_declared_name(seed_app: Path, kf: Kf) -> None:
    result = kf("param", "set", "model-server", "modelpath", "/models", cwd=seed_app)
    assert result.code == 0
    assert (
        "warning: model-server has no param 'modelpath'; did you mean 'modelPath'? (set anyway)" in result.err
    )
    quiet = kf("param", "set", "model-server", "modelPath", "/models", cwd=seed_app)
    assert quiet.code == 0 and "warning" not in quiet.err
    new = kf("param", "set", "model-server", "team", "ml", cwd=seed_app)  # a new name, nothing close
    assert new.code == 0 and "warning" not in new.err


def test_without_modules_lists_only_what_the_environment_sets(app: Path, kf: Kf) -> None:  # §8 item 18
    image = "gcr.io/heptio-images/ks-guestbook-demo:0.1"
    generated = kf(
        "generate", "deployed-service", "guestbook-ui", "--image", image, "--type", "ClusterIP", cwd=app
    )
    assert generated.code == 0, generated.err
    assert kf("param", "set", "guestbook-ui", "replicas", "3", "--env", "default", cwd=app).code == 0
    result = kf("param", "list", "-o", "json", "--env", "default", "--without-modules", cwd=app)
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "kind": "paramList",
        "data": [
            {
                "component": "guestbook-ui",
                "param": "replicas",
                "value": 3,
                "source": "environments/default/params.libsonnet",
            }
        ],
    }
    assert len(listed(kf, app, "--env", "default")) > 1  # the module's params, without the flag


def test_without_modules_needs_an_environment(echo_app: Path, kf: Kf) -> None:
    result = kf("param", "list", "--without-modules", cwd=echo_app)
    assert result.code == 2 and result.out == ""
    assert result.err == (
        "error: --without-modules lists what an environment's own files set: name the environment (--env)\n"
    )
