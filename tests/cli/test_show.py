"""kfkit show: ksonnet's rendering semantics, selection, variables and data components."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tests.cli.support import Kf


def _write(app: Path, rel: str, text: str) -> None:
    (app / rel).write_text(text)


def _objects(out: str) -> list[dict[str, Any]]:
    return [o for o in yaml.safe_load_all(out) if o is not None]


def test_dash_c_evaluates_only_the_selected_components(app: Path, kf: Kf) -> None:
    _write(
        app,
        "components/good.jsonnet",
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "good"}}',
    )
    _write(app, "components/broken.jsonnet", 'error "must not be evaluated"')
    result = kf("show", "default", "-c", "good", cwd=app)
    assert result.code == 0, result.err
    assert [o["metadata"]["name"] for o in _objects(result.out)] == ["good"]
    whole = kf("show", "default", cwd=app)
    assert whole.code == 1
    assert "components/broken.jsonnet:1:1" in whole.err and "must not be evaluated" in whole.err


def test_order_labels_and_component_shapes(app: Path, kf: Kf) -> None:
    _write(
        app,
        "components/stack.jsonnet",
        """
        {
          deploy: {apiVersion: "apps/v1", kind: "Deployment", metadata: {name: "b"}, spec: {}},
          more: [
            {apiVersion: "v1", kind: "Service", metadata: {name: "a"}},
            {apiVersion: "v1", kind: "List", items: [{apiVersion: "v1", kind: "Namespace", metadata: {name: "z"}}]},
          ],
          nothing: null,
        }
        """,
    )
    _write(
        app,
        "components/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: 'y'\n",
    )
    objects = _objects(kf("show", "default", cwd=app).out)
    assert [(o["kind"], o["metadata"]["name"]) for o in objects] == [
        ("Namespace", "z"),
        ("ConfigMap", "from-yaml"),
        ("Service", "a"),
        ("Deployment", "b"),
    ]
    assert [o["metadata"]["labels"]["ksonnet.io/component"] for o in objects] == [
        "stack",
        "cm",
        "stack",
        "stack",
    ]
    assert objects[1]["data"] == {"k": "y"}


def test_yaml_output_quotes_what_kubectl_would_retype(app: Path, kf: Kf) -> None:
    values = [
        "y",
        "n",
        "yes",
        "off",
        "1e3",
        "0o17",
        "0x1F",
        "12:30",
        "1.5",
        "null",
        "~",
        "true",
        "plain",
    ]
    data = {f"k{i}": v for i, v in enumerate(values)}
    _write(
        app,
        "components/cm.json",
        json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "q"}, "data": data}),
    )
    out = kf("show", "default", cwd=app).out
    for i, value in enumerate(values[:-1]):
        assert f"k{i}: '{value}'" in out
    assert "plain: " not in out and "k12: plain" in out
    (obj,) = _objects(out)
    assert obj["data"] == data


def test_ext_vars_tla_and_jpath(app: Path, kf: Kf, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "helpers.libsonnet").write_text('{ name(x):: "cm-" + x }')
    _write(
        app,
        "components/cm.jsonnet",
        'local h = import "helpers.libsonnet";\n'
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: h.name(std.extVar("who"))}}',
    )
    _write(
        app,
        "environments/default/main.jsonnet",
        'function(suffix="") (import "base.libsonnet") + {cm+: {data: {s: suffix}}}\n',
    )
    result = kf("show", "default", "-J", str(lib), "-V", "who=alice", "-A", "suffix=x", cwd=app)
    assert result.code == 0, result.err
    (obj,) = _objects(result.out)
    assert obj["metadata"]["name"] == "cm-alice"
    assert obj["data"] == {"s": "x"}


def test_relative_imports_in_components_work(app: Path, kf: Kf) -> None:
    (app / "components/parts").mkdir()
    _write(
        app,
        "components/parts/cm.libsonnet",
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "rel"}}',
    )
    _write(app, "components/rel.jsonnet", 'import "parts/cm.libsonnet"')
    assert [o["metadata"]["name"] for o in _objects(kf("show", "default", cwd=app).out)] == ["rel"]


def test_yaml_component_params_are_merge_patched(app: Path, kf: Kf) -> None:
    _write(
        app,
        "components/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n",
    )
    assert kf("param", "set", "web", "spec.replicas", "3", cwd=app).code == 0
    assert kf("param", "set", "web", "spec.replicas", "5", "--env", "default", cwd=app).code == 0
    (obj,) = _objects(kf("show", "default", cwd=app).out)
    assert obj["spec"]["replicas"] == 5


def test_main_jsonnet_overrides_apply(seed_app: Path, kf: Kf) -> None:
    _write(
        seed_app,
        "environments/default/main.jsonnet",
        'local base = import "base.libsonnet";\n'
        'base + { "model-server": [o + {metadata+: {annotations+: {team: "ml"}}} for o in super["model-server"]] }\n',
    )
    objects = _objects(kf("show", "default", cwd=seed_app).out)
    assert {o["metadata"]["annotations"]["team"] for o in objects} == {"ml"}


def test_globals_do_not_become_fields_of_yaml_components(app: Path, kf: Kf) -> None:
    _write(
        app, "components/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n"
    )
    assert kf("param", "set", "cm", "data.a", "c", cwd=app).code == 0
    assert kf("param", "set", "team", "ml", cwd=app).code == 0
    assert kf("param", "set", "region", "eu", "--env", "default", cwd=app).code == 0
    assert kf("param", "set", "metadata", '{"labels": {"team": "ml"}}', cwd=app).code == 0
    (obj,) = _objects(kf("show", "default", cwd=app).out)
    assert set(obj) == {"apiVersion", "kind", "metadata", "data"}
    assert obj["data"] == {"a": "c"}
    assert obj["metadata"]["labels"] == {"team": "ml", "ksonnet.io/component": "cm"}


def test_unquoted_dates_in_yaml_components_stay_the_text_written(app: Path, kf: Kf) -> None:
    """As go-yaml reads them for kubectl and ksonnet; PyYAML's dates are not JSON."""
    _write(
        app,
        "components/dated.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dated\n"
        "data:\n  day: 2020-01-01\n  at: 2001-12-14t21:59:43.10-05:00\n",
    )
    result = kf("show", "default", "-o", "json", cwd=app)
    assert result.code == 0, result.err
    (obj,) = json.loads(result.out)["items"]
    assert obj["data"] == {"day": "2020-01-01", "at": "2001-12-14t21:59:43.10-05:00"}


def test_dash_c_gives_a_component_that_reads_other_params_all_of_them(app: Path, kf: Kf) -> None:
    params = app / "components/params.libsonnet"
    params.write_text(
        params.read_text().replace(
            "components: {",
            'components: {\n    db: { password: "s3cret" },\n    web: { replicas: 2 },\n    broken: { x: error "not read" },',
        )
    )
    _write(
        app,
        "components/web.jsonnet",
        'local all = std.extVar("__ksonnet/params").components;\n'
        '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "web"},'
        " data: {replicas: std.toString(all.web.replicas), db: all.db.password}}",
    )
    _write(app, "components/db.jsonnet", '{apiVersion: "v1", kind: "ConfigMap", metadata: {name: "db"}}')
    # Only the selected component's params are evaluated when it reads nothing else ...
    only_db = kf("show", "default", "-c", "db", cwd=app)
    assert only_db.code == 0, only_db.err
    # ... and all of them (the broken entry included) when it may read any.
    result = kf("show", "default", "-c", "web", cwd=app)
    assert result.code == 1
    assert "not read" in result.err
    params.write_text(params.read_text().replace('broken: { x: error "not read" },', ""))
    result = kf("show", "default", "-c", "web", cwd=app)
    assert result.code == 0, result.err
    assert _objects(result.out)[0]["data"] == {"replicas": "2", "db": "s3cret"}


def test_no_cache_neither_reads_nor_writes_the_render_cache(seed_app: Path, kf: Kf) -> None:
    cache = Path.home() / ".cache" / "kfkit" / "render"
    fresh = kf("show", "default", "--no-cache", cwd=seed_app)
    assert fresh.code == 0, fresh.err
    assert not cache.exists()
    cached = [kf("show", "default", cwd=seed_app) for _ in range(2)]
    assert [r.out for r in cached] == [fresh.out, fresh.out]
    assert list(cache.glob("*/*"))


def test_output_name_is_kubectls(seed_app: Path, kf: Kf) -> None:
    result = kf("show", "default", "-o", "name", cwd=seed_app)
    assert result.code == 0, result.err
    assert result.out.splitlines() == ["service/inception", "deployment.apps/inception-v1"]


def test_with_ownership_shows_the_marks_apply_adds(seed_app: Path, kf: Kf) -> None:
    plain = list(yaml.safe_load_all(kf("show", "default", cwd=seed_app).out))
    shown = kf("show", "default", "--with-ownership", cwd=seed_app)
    assert shown.code == 0, shown.err
    owned = list(yaml.safe_load_all(shown.out))

    assert len(owned) == len(plain) == 2
    for before, after in zip(plain, owned, strict=True):
        labels = after["metadata"]["labels"]
        assert labels == {
            **before["metadata"]["labels"],
            "app.kubernetes.io/managed-by": "kfkit",
            "kfkit.io/app": "kubeflow-app",
            "kfkit.io/environment": "default",
        }
        assert after["metadata"]["annotations"]["kfkit.io/environment"] == "default"
        assert {k: v for k, v in after.items() if k != "metadata"} == {
            k: v for k, v in before.items() if k != "metadata"
        }
