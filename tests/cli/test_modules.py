"""ksonnet 0.13 modules and environment targets through the CLI (ksonnet.md §3.6, §8 items 21-24, 33).

The apps here are written as ksonnet wrote them (module directories with their own
params.libsonnet, environment overrides keyed by qualified name), and the objects checked are
those ks 0.13.1 rendered for them: each component labelled with its qualified name, seeing its
module's params by local name, with the module's globals merged in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.support import Kf

# A component as `ks generate` wrote it into module db: it reads its params by local name.
REDIS = """\
local env = std.extVar("__ksonnet/environments");
local params = std.extVar("__ksonnet/params").components.redis;
{
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: params.name, labels: { tier: params.tier } },
  data: { replicas: std.toString(params.replicas), namespace: env.namespace },
}
"""
DB_PARAMS = """\
{
  global: {
    tier: "backend",
  },
  components: {
    redis: {
      name: "redis",
      replicas: 1,
      tier: "overridden-by-global",
    },
  },
}
"""


def _targets(app: Path, env: str, *modules: str) -> None:
    spec = yaml.safe_load((app / "app.yaml").read_text())
    spec["environments"][env]["targets"] = list(modules)
    (app / "app.yaml").write_text(yaml.safe_dump(spec))


def _show(kf: Kf, app: Path, *args: str) -> list[dict[str, Any]]:
    result = kf("show", *args, cwd=app)
    assert result.code == 0, result.err
    return [d for d in yaml.safe_load_all(result.out) if d]


@pytest.fixture
def ks_app(app: Path, kf: Kf) -> Path:
    """A root component ``web`` and module ``db`` with component ``redis``, as ksonnet laid them out."""
    assert kf("generate", "configMap", "web", "--data", '{"a": "1"}', cwd=app).code == 0
    (app / "components" / "db").mkdir()
    (app / "components" / "db" / "params.libsonnet").write_text(DB_PARAMS)
    (app / "components" / "db" / "redis.jsonnet").write_text(REDIS)
    return app


def test_without_targets_only_the_root_module_renders_as_in_ksonnet(ks_app: Path, kf: Kf) -> None:
    assert [o["metadata"]["name"] for o in _show(kf, ks_app, "default")] == ["web"]


def test_targets_render_exactly_the_target_modules(ks_app: Path, kf: Kf) -> None:
    _targets(ks_app, "default", "db")
    (redis,) = _show(kf, ks_app, "default")
    assert redis == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "redis", "labels": {"tier": "backend", "ksonnet.io/component": "db.redis"}},
        "data": {"replicas": "1", "namespace": "default"},
    }
    _targets(ks_app, "default", "/", "db")
    assert [o["metadata"]["name"] for o in _show(kf, ks_app, "default")] == ["redis", "web"]


def test_env_overrides_name_module_components_by_qualified_name(ks_app: Path, kf: Kf) -> None:
    _targets(ks_app, "default", "db")
    env_params = ks_app / "environments" / "default" / "params.libsonnet"
    text = env_params.read_text().replace(
        "components+: {", 'components +: {\n    "db.redis"+: { replicas: 3 },', 1
    )
    assert text != env_params.read_text()
    env_params.write_text(text)
    (ks_app / "environments" / "default" / "globals.libsonnet").write_text('{ tier: "env" }\n')
    (redis,) = _show(kf, ks_app, "default")
    assert redis["data"]["replicas"] == "3"
    assert redis["metadata"]["labels"]["tier"] == "env"  # env globals win over module globals


def test_param_list_without_modules_shows_only_the_environments_own_layer(ks_app: Path, kf: Kf) -> None:
    _targets(ks_app, "default", "/", "db")
    env_params = ks_app / "environments" / "default" / "params.libsonnet"
    env_params.write_text(
        env_params.read_text().replace(
            "components+: {", 'components +: {\n    "db.redis"+: { replicas: 3 },', 1
        )
    )
    (ks_app / "environments" / "default" / "globals.libsonnet").write_text('{ tier: "env" }\n')

    def listed(*args: str) -> list[tuple[str, str, Any, str]]:
        result = kf("param", "list", "--env", "default", "--without-modules", "-o", "json", *args, cwd=ks_app)
        assert result.code == 0, result.err
        return [(r["component"], r["param"], r["value"], r["source"]) for r in json.loads(result.out)["data"]]

    globals_file, params_file = (
        "environments/default/globals.libsonnet",
        "environments/default/params.libsonnet",
    )
    everything = [
        ("db.redis", "replicas", 3, params_file),
        ("db.redis", "tier", "env", globals_file),  # the env's globals reach every component
        ("web", "tier", "env", globals_file),
    ]
    assert listed() == everything
    assert listed("db.redis") == everything[:2]
    assert listed("--module", "/") == everything[2:]
    root = json.loads(kf("param", "list", "--env", "default", "--module", "/", "-o", "json", cwd=ks_app).out)
    assert {r["component"] for r in root["data"]} == {"web"}  # db.redis's override is not the root's
    _targets(ks_app, "default", "/")
    assert listed() == everything[2:]  # nor is it listed when the environment does not render db
    assert kf("env", "add", "prod", cwd=ks_app).code == 0
    diff = json.loads(kf("param", "diff", "default", "prod", "-o", "json", cwd=ks_app).out)["data"]
    assert {r["component"] for r in diff} == {"web"}  # nor compared
    _targets(ks_app, "default", "/", "db")
    # The modules' params files are not read at all: a broken one does not stop the listing.
    (ks_app / "components" / "db" / "params.libsonnet").write_text("{ components: \n")
    assert listed() == everything
    assert kf("param", "list", "--env", "default", cwd=ks_app).code != 0


def test_nested_modules_and_yaml_components_in_a_module(ks_app: Path, kf: Kf) -> None:
    assert kf("module", "create", "db.cache", cwd=ks_app).code == 0
    cache = ks_app / "components" / "db" / "cache"
    (cache / "memo.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: memo\ndata:\n  size: '1'\n"
    )
    assert kf("param", "set", "db.cache.memo", "data.size", "2", "--as-string", cwd=ks_app).code == 0
    assert 'memo: {\n      data: {\n        size: "2",' in (cache / "params.libsonnet").read_text()
    _targets(ks_app, "default", "db", "db.cache")
    objects = {o["metadata"]["name"]: o for o in _show(kf, ks_app, "default")}
    assert set(objects) == {"memo", "redis"}
    assert objects["memo"]["data"] == {"size": "2"}
    assert objects["memo"]["metadata"]["labels"] == {"ksonnet.io/component": "db.cache.memo"}


def test_dash_c_takes_qualified_names_and_refuses_an_untargeted_module(ks_app: Path, kf: Kf) -> None:
    _targets(ks_app, "default", "/", "db")
    assert [o["metadata"]["name"] for o in _show(kf, ks_app, "default", "-c", "db.redis")] == ["redis"]
    _targets(ks_app, "default", "/")
    result = kf("show", "default", "-c", "db.redis", cwd=ks_app)
    assert result.code == 2
    assert 'component "db.redis" is in module "db", which environment "default" does not target' in result.err


def test_a_target_that_is_not_a_module_is_an_error(ks_app: Path, kf: Kf) -> None:
    _targets(ks_app, "default", "nope")
    result = kf("show", "default", cwd=ks_app)
    assert result.code == 1
    assert 'environment "default" targets module "nope", which does not exist' in result.err


def test_generate_into_a_module_and_params_commands(app: Path, kf: Kf) -> None:
    generated = kf("generate", "configMap", "db.redis", "--data", '{"k": "v"}', cwd=app)
    assert generated.code == 0
    assert (
        'hint: environment "default" does not render module "db"; kfkit env targets default' in generated.err
    )
    assert kf("generate", "configMap", "memo", "--module", "db.cache", cwd=app).code == 0
    assert (
        (app / "components" / "db" / "redis.jsonnet")
        .read_text()
        .splitlines()[1]
        .endswith(".components.redis;")
    )
    assert "memo: {" in (app / "components" / "db" / "cache" / "params.libsonnet").read_text()
    assert kf("param", "set", "db.redis", "data.k", "w", cwd=app).code == 0
    assert kf("param", "set", "db.redis", "data.k", "x", "--env", "default", cwd=app).code == 0
    env_text = (app / "environments" / "default" / "params.libsonnet").read_text()
    assert '"db.redis"+: {' in env_text
    rows = json.loads(kf("param", "list", "db.redis", "-o", "json", cwd=app).out)["data"]
    assert [(r["param"], r["value"], r["source"]) for r in rows] == [
        ("data", {"k": "w"}, "components/db/params.libsonnet"),
        ("name", "redis", "components/db/params.libsonnet"),
    ]
    by_module = json.loads(kf("param", "list", "--module", "db.cache", "-o", "json", cwd=app).out)["data"]
    assert {r["component"] for r in by_module} == {"db.cache.memo"}
    assert kf("env", "targets", "default", "--module", "db", cwd=app).code == 0
    listed = json.loads(kf("param", "list", "--env", "default", "-o", "json", cwd=app).out)["data"]
    assert {(r["component"], r["param"]): r["value"] for r in listed} == {
        ("db.redis", "data"): {"k": "x"},
        ("db.redis", "name"): "redis",
    }
    assert kf("env", "add", "prod", cwd=app).code == 0
    assert kf("env", "targets", "prod", "--module", "db", cwd=app).code == 0
    diff = json.loads(kf("param", "diff", "default", "prod", "-o", "json", cwd=app).out)["data"]
    assert diff == [{"component": "db.redis", "param": "data", "default": '{"k": "x"}', "prod": '{"k": "w"}'}]
    assert _show(kf, app, "default", "-c", "db.redis")[0]["data"] == {"k": "x"}
    assert kf("param", "delete", "db.redis", "data", "--env", "default", cwd=app).code == 0
    assert _show(kf, app, "default", "-c", "db.redis")[0]["data"] == {"k": "w"}
    assert kf("param", "delete", "db.redis", "data", cwd=app).code == 0
    assert "data" not in (app / "components" / "db" / "params.libsonnet").read_text()


def test_component_list_and_rm_with_modules(app: Path, kf: Kf) -> None:  # §8 items 21, 22
    assert kf("generate", "configMap", "web", cwd=app).code == 0
    assert kf("generate", "configMap", "db.redis", cwd=app).code == 0
    assert kf("param", "set", "db.redis", "x", "1", "--env", "default", cwd=app).code == 0

    def names(*args: str) -> list[str]:
        return [
            r["component"]
            for r in json.loads(kf("component", "list", "-o", "json", *args, cwd=app).out)["data"]
        ]

    assert names() == ["db.redis", "web"]
    assert names("--module", "/") == ["web"]
    assert names("--module", "db") == ["db.redis"]
    result = kf("component", "rm", "db.redis", cwd=app)
    assert result.code == 0, result.err
    assert names() == ["web"]
    assert not (app / "components" / "db" / "redis.jsonnet").exists()
    assert "redis" not in (app / "components" / "db" / "params.libsonnet").read_text()
    assert "db.redis" not in (app / "environments" / "default" / "params.libsonnet").read_text()
    assert [r["component"] for r in json.loads(kf("param", "list", "-o", "json", cwd=app).out)["data"]] == [
        "web",
        "web",
    ]


def test_module_create_and_list(app: Path, kf: Kf) -> None:  # §8 items 23, 24
    assert kf("module", "list", cwd=app).out == "MODULE\n======\n/\n"
    assert kf("module", "list", "--env", "default", cwd=app).out == "MODULE\n======\n/\n"
    created = kf("module", "create", "new-module", cwd=app)
    assert created.code == 0, created.err
    params = app / "components" / "new-module" / "params.libsonnet"
    assert params.read_text() == (app / "components" / "params.libsonnet").read_text()
    again = kf("module", "create", "/", cwd=app)
    assert again.code != 0 and again.err == 'error: module "/" already exists\n'
    assert kf("module", "create", "a.b", cwd=app).code == 0
    assert (app / "components" / "a" / "b" / "params.libsonnet").is_file()
    listed = json.loads(kf("module", "list", "-o", "json", cwd=app).out)
    assert listed == {
        "kind": "moduleList",
        "data": [{"module": "/"}, {"module": "a.b"}, {"module": "new-module"}],
    }
    assert kf("module", "list", "--env", "default", cwd=app).out == "MODULE\n======\n/\n"
    invalid = kf("module", "list", "--env", "invalid", cwd=app)
    assert invalid.code != 0 and 'environment "invalid" not found' in invalid.err
    bad = kf("module", "create", "../x", cwd=app)
    assert bad.code == 2 and "invalid module name" in bad.err


def test_env_targets(app: Path, kf: Kf) -> None:  # §8 item 33
    app_yaml = app / "app.yaml"
    before = app_yaml.read_text()
    result = kf("env", "targets", "default", "--module", "/", cwd=app)
    assert result.code == 0, result.err
    assert yaml.safe_load(kf("env", "describe", "default", cwd=app).out)["targets"] == ["/"]
    # A lossless edit: only the targets line is new.
    added = [line for line in app_yaml.read_text().splitlines() if line not in before.splitlines()]
    assert [line.strip() for line in added] == ["targets:", "- /"]
    bad = kf("env", "targets", "default", "--module", "bad", cwd=app)
    assert bad.code != 0 and 'module "bad" not found' in bad.err
    invalid = kf("env", "targets", "invalid", "--module", "/", cwd=app)
    assert invalid.code != 0 and 'environment "invalid" not found' in invalid.err
    assert kf("env", "targets", "default", cwd=app).code == 0
    assert app_yaml.read_text() == before


def test_the_render_cache_keeps_same_named_components_of_two_modules_apart(app: Path, kf: Kf) -> None:
    for module, replicas in (("east", 1), ("west", 2)):
        (app / "components" / module).mkdir()
        (app / "components" / module / "params.libsonnet").write_text(
            DB_PARAMS.replace("replicas: 1", f"replicas: {replicas}").replace('"redis"', f'"redis-{module}"')
        )
        (app / "components" / module / "redis.jsonnet").write_text(REDIS)  # the same bytes in both
    _targets(app, "default", "east", "west")
    for _ in range(2):  # cold, then from the render cache
        result = kf("show", "default", cwd=app)
        assert result.code == 0 and not result.err, result.err
        objects = list(yaml.safe_load_all(result.out))
        assert [
            (o["metadata"]["labels"]["ksonnet.io/component"], o["data"]["replicas"]) for o in objects
        ] == [
            ("east.redis", "1"),
            ("west.redis", "2"),
        ]
    assert kf("param", "set", "west.redis", "replicas", "5", cwd=app).code == 0
    assert [o["data"]["replicas"] for o in _show(kf, app, "default", "-c", "west.redis")] == ["5"]
    assert [o["data"]["replicas"] for o in _show(kf, app, "default")] == ["1", "5"]
