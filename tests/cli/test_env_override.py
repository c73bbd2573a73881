"""app.override.yaml and ``env add|set|rm --override``: environments of one checkout (ksonnet e2e §8 #26-#32)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.cli.support import Kf, tree


def _envs(kf: Kf, app: Path) -> list[dict[str, str]]:
    result = kf("env", "list", "-o", "json", cwd=app)
    assert result.code == 0, result.err
    rows: list[dict[str, str]] = json.loads(result.out)["data"]
    return rows


def _override(app: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((app / "app.override.yaml").read_text())
    return data


@pytest.fixture
def example(app: Path, kf: Kf) -> Path:
    """ksonnet's e2e app: environment default at http://example.com."""
    assert kf("env", "set", "default", "--server", "http://example.com", cwd=app).code == 0
    return app


def test_env_add_override_lists_with_a_star_and_leaves_app_yaml_alone(example: Path, kf: Kf) -> None:
    app_yaml = (example / "app.yaml").read_text()
    result = kf(
        "env", "add", "prod", "--server", "http://example.com", "--namespace", "prod", "-o", cwd=example
    )
    assert result.code == 0, result.err
    assert [(e["name"], e["override"], e["namespace"]) for e in _envs(kf, example)] == [
        ("default", "", "default"),
        ("prod", "*", "prod"),
    ]
    assert (example / "app.yaml").read_text() == app_yaml
    assert _override(example) == {
        "apiVersion": "0.3.0",
        "kind": "ksonnet.io/app-override",
        "environments": {
            "prod": {"destination": {"namespace": "prod", "server": "http://example.com"}, "path": "prod"}
        },
    }
    assert (example / "environments" / "prod" / "main.jsonnet").is_file()


def test_override_of_an_app_yaml_env_redefines_it_and_rm_restores_it(example: Path, kf: Kf) -> None:
    before = tree(example)
    listed = _envs(kf, example)
    result = kf(
        "env", "add", "default", "-o", "--server", "http://example.com", "--namespace", "prod", cwd=example
    )
    assert result.code == 0, result.err
    described = yaml.safe_load(kf("env", "describe", "default", cwd=example).out)
    assert described["destination"] == {"server": "http://example.com", "namespace": "prod"}
    assert {k: v for k, v in tree(example).items() if k != "app.override.yaml"} == before
    assert kf("env", "rm", "-o", "default", cwd=example).code == 0
    assert _envs(kf, example) == listed
    assert tree(example) == before  # the override file is gone, the environment's files stayed


def test_env_set_override_namespace_and_name(example: Path, kf: Kf) -> None:
    app_yaml = (example / "app.yaml").read_text()
    assert kf("env", "set", "default", "--override", "--namespace", "new-name", cwd=example).code == 0
    assert [(e["name"], e["override"], e["namespace"]) for e in _envs(kf, example)] == [
        ("default", "*", "new-name")
    ]
    assert kf("env", "set", "default", "--override", "--name", "new-name", cwd=example).code == 0
    assert [(e["name"], e["override"], e["namespace"]) for e in _envs(kf, example)] == [
        ("default", "", "default"),
        ("new-name", "*", "new-name"),
    ]
    assert (example / "app.yaml").read_text() == app_yaml
    assert (example / "environments" / "default" / "main.jsonnet").is_file()
    assert not (example / "environments" / "new-name").exists()  # it uses default's files


def test_render_uses_the_overridden_destination(example: Path, kf: Kf) -> None:
    (example / "components" / "where.jsonnet").write_text(
        'local env = std.extVar("__ksonnet/environments");\n'
        '{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "where" }, data: env }\n'
    )
    assert (
        kf(
            "env", "set", "default", "-o", "--namespace", "mine", "--server", "https://10.0.0.1", cwd=example
        ).code
        == 0
    )
    [shown] = [d for d in yaml.safe_load_all(kf("show", "default", cwd=example).out) if d]
    assert shown["data"] == {"namespace": "mine", "server": "https://10.0.0.1"}


def test_set_without_override_edits_app_yaml_under_the_override(example: Path, kf: Kf) -> None:
    assert kf("env", "set", "default", "-o", "--namespace", "mine", cwd=example).code == 0
    assert kf("env", "set", "default", "--namespace", "shared", cwd=example).code == 0
    assert (
        yaml.safe_load((example / "app.yaml").read_text())["environments"]["default"]["destination"][
            "namespace"
        ]
        == "shared"
    )
    assert [e["namespace"] for e in _envs(kf, example)] == ["mine"]


def test_rm_says_where_the_env_is(example: Path, kf: Kf) -> None:
    assert kf("env", "add", "prod", "-o", cwd=example).code == 0
    before = tree(example)
    result = kf("env", "rm", "prod", cwd=example)
    assert result.code != 0
    assert result.err == 'error: environment "prod" is not in app.yaml (app.override.yaml: use --override)\n'
    result = kf("env", "rm", "default", "--override", cwd=example)
    assert result.err == 'error: environment "default" is not in app.override.yaml\n'
    assert tree(example) == before
    assert kf("env", "rm", "prod", "-o", cwd=example).code == 0
    assert not (example / "environments" / "prod").exists()
    assert not (example / "app.override.yaml").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: ksonnet.io/app\napiVersion: 0.3.0\n", "expected kind ksonnet.io/app-override"),
        (
            "kind: ksonnet.io/app-override\napiVersion: 0.3.0\nenvironments:\n  default:\n"
            "    path: default\n    libraries:\n      x: {name: x, registry: r}\n",
            "environment 'default': packages (libraries) belong in app.yaml",
        ),
        (
            "kind: ksonnet.io/app-override\napiVersion: 0.3.0\nenvironments: [1]\n",
            "environments must be a mapping",
        ),
        (
            "kind: ksonnet.io/app-override\napiVersion: 0.3.0\nenvironments:\n  x:\n    path: ../../etc\n",
            "must be a relative path inside environments/",
        ),
    ],
)
def test_bad_override_file_is_one_line_naming_it(example: Path, kf: Kf, text: str, message: str) -> None:
    (example / "app.override.yaml").write_text(text)
    before = tree(example)
    result = kf("env", "list", cwd=example)
    assert result.code != 0 and result.err.count("\n") == 1
    assert "app.override.yaml" in result.err and message in result.err
    assert tree(example) == before


def test_override_edits_are_lossless(example: Path, kf: Kf) -> None:
    assert kf("env", "add", "prod", "-o", "--namespace", "prod", cwd=example).code == 0
    text = (example / "app.override.yaml").read_text()
    text = "# my local clusters\n" + text.replace("namespace: prod", "namespace: 'prod'  # kept")
    (example / "app.override.yaml").write_text(text)
    assert kf("env", "set", "prod", "-o", "--server", "https://10.0.0.2", cwd=example).code == 0
    after = (example / "app.override.yaml").read_text()
    assert after.startswith("# my local clusters\n") and "namespace: 'prod'  # kept" in after
    assert yaml.safe_load(after)["environments"]["prod"]["destination"]["server"] == "https://10.0.0.2"


@pytest.fixture
def with_module(example: Path, kf: Kf) -> Path:
    """Module db with one component, db.cfg; no environment targets it yet."""
    assert kf("module", "create", "db", cwd=example).code == 0
    result = kf("generate", "configMap", "db.cfg", "--data", '{"a": "1"}', cwd=example)
    assert result.code == 0, result.err
    return example


def _shown(kf: Kf, app: Path, env: str) -> list[str]:
    result = kf("show", env, "-o", "json", cwd=app)
    assert result.code == 0, result.err
    return sorted(o["metadata"]["name"] for o in json.loads(result.out)["items"])


def test_env_targets_of_an_env_only_in_the_override_are_saved_there(with_module: Path, kf: Kf) -> None:
    app_yaml = (with_module / "app.yaml").read_text()
    assert kf("env", "add", "prod", "-o", cwd=with_module).code == 0
    result = kf("env", "targets", "prod", "--module", "db", cwd=with_module)
    assert result.code == 0, result.err
    assert (with_module / "app.yaml").read_text() == app_yaml
    assert _override(with_module)["environments"]["prod"]["targets"] == ["db"]
    assert yaml.safe_load(kf("env", "describe", "prod", cwd=with_module).out)["targets"] == ["db"]
    assert _shown(kf, with_module, "prod") == ["cfg"]


def test_env_targets_override_leaves_app_yaml_alone(with_module: Path, kf: Kf) -> None:
    app_yaml = (with_module / "app.yaml").read_text()
    result = kf("env", "targets", "default", "--module", "db", "--override", cwd=with_module)
    assert result.code == 0, result.err
    assert (with_module / "app.yaml").read_text() == app_yaml
    entry = _override(with_module)["environments"]["default"]
    assert entry["targets"] == ["db"] and entry["destination"]["server"] == "http://example.com"
    assert yaml.safe_load(kf("env", "describe", "default", cwd=with_module).out)["targets"] == ["db"]
    assert _shown(kf, with_module, "default") == ["cfg"]
    assert kf("env", "targets", "default", "-o", cwd=with_module).code == 0
    assert "targets" not in _override(with_module)["environments"]["default"]
    assert yaml.safe_load(kf("env", "describe", "default", cwd=with_module).out)["targets"] == []
