"""kfkit init and kfkit env, end to end through the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.cli.support import Kf


def test_init_writes_a_ksonnet_app(app: Path) -> None:
    spec = yaml.safe_load((app / "app.yaml").read_text())
    assert spec["apiVersion"] == "0.3.0"
    assert spec["kind"] == "ksonnet.io/app"
    assert spec["name"] == "kubeflow-app"
    assert spec["environments"]["default"] == {
        "destination": {"namespace": "default", "server": ""},
        "path": "default",
    }
    for rel in (
        "components/params.libsonnet",
        "environments/base.libsonnet",
        "environments/default/main.jsonnet",
        "environments/default/params.libsonnet",
        "environments/default/globals.libsonnet",
    ):
        assert (app / rel).is_file(), rel
    assert "/.ks_environment" in (app / ".gitignore").read_text().splitlines()


def _two_cluster_kubeconfig(kubeconfig: Path) -> None:
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {"name": "a", "cluster": {"server": "https://a.example:6443"}},
                    {"name": "b", "cluster": {"server": "https://b.example:6443"}},
                ],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [
                    {"name": "ctx-a", "context": {"cluster": "a", "user": "u"}},
                    {"name": "ctx-b", "context": {"cluster": "b", "user": "u"}},
                ],
                "current-context": "ctx-a",
            }
        )
    )


def test_init_records_the_kubeconfig_server(tmp_path: Path, kf: Kf, monkeypatch: pytest.MonkeyPatch) -> None:
    kubeconfig = tmp_path / "kubeconfig"
    _two_cluster_kubeconfig(kubeconfig)
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
    assert kf("init", str(tmp_path / "one")).code == 0
    assert (
        kf(
            "init",
            str(tmp_path / "two"),
            "--context",
            "ctx-b",
            "--namespace",
            "ml",
            "--env",
            "prod",
        ).code
        == 0
    )
    one = yaml.safe_load((tmp_path / "one/app.yaml").read_text())["environments"]["default"]
    two = yaml.safe_load((tmp_path / "two/app.yaml").read_text())["environments"]["prod"]
    assert one["destination"] == {"server": "https://a.example:6443", "namespace": "default"}
    assert two["destination"] == {"server": "https://b.example:6443", "namespace": "ml"}
    bad = kf("init", str(tmp_path / "three"), "--context", "nope")
    assert bad.code == 2
    assert "context 'nope' not in kubeconfig; known: ctx-a, ctx-b" in bad.err
    assert not (tmp_path / "three").exists()


def test_init_and_env_add_read_the_kubeconfig_they_are_given(
    tmp_path: Path, kf: Kf, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "absent"))  # neither default is used
    kubeconfig = tmp_path / "lab.yaml"
    _two_cluster_kubeconfig(kubeconfig)
    app = tmp_path / "app"

    assert kf("init", str(app), "--kubeconfig", str(kubeconfig)).code == 0
    assert kf("env", "add", "b", "--kubeconfig", str(kubeconfig), "--context", "ctx-b", cwd=app).code == 0

    environments = yaml.safe_load((app / "app.yaml").read_text())["environments"]
    assert environments["default"]["destination"]["server"] == "https://a.example:6443"
    assert environments["b"]["destination"]["server"] == "https://b.example:6443"


def test_init_refuses_an_existing_app(app: Path, kf: Kf) -> None:
    result = kf("init", str(app))
    assert result.code == 2
    assert "already holds an app" in result.err


def test_env_add_list_describe_set_rm(app: Path, kf: Kf) -> None:
    assert (
        kf("env", "add", "prod", "--server", "https://prod.example", "--namespace", "ml", cwd=app).code == 0
    )
    listed = json.loads(kf("env", "list", "-o", "json", cwd=app).out)
    assert listed["kind"] == "envList"
    assert [(e["name"], e["namespace"], e["server"]) for e in listed["data"]] == [
        ("default", "default", ""),
        ("prod", "ml", "https://prod.example"),
    ]
    table = kf("env", "list", cwd=app).out.splitlines()
    assert table[0].split() == ["NAME", "OVERRIDE", "KUBERNETES-VERSION", "NAMESPACE", "SERVER"]
    assert table[1].split() == ["====", "========", "==================", "=========", "======"]
    described = yaml.safe_load(kf("env", "describe", "prod", cwd=app).out)
    assert described["destination"] == {"server": "https://prod.example", "namespace": "ml"}

    assert kf("env", "set", "prod", "--name", "us-west/prod", "--namespace", "serving", cwd=app).code == 0
    assert (app / "environments/us-west/prod/main.jsonnet").is_file()
    assert not (app / "environments/prod").exists()
    described = yaml.safe_load(kf("env", "describe", "us-west/prod", cwd=app).out)
    assert described["destination"]["namespace"] == "serving"
    assert described["path"] == "us-west/prod"

    assert kf("env", "rm", "us-west/prod", cwd=app).code == 0
    assert not (app / "environments/us-west").exists()
    assert [e["name"] for e in json.loads(kf("env", "list", "-o", "json", cwd=app).out)["data"]] == [
        "default"
    ]


def test_init_makes_its_environment_current(app: Path, kf: Kf) -> None:
    assert kf("env", "current", cwd=app).out == "default\n"
    assert kf("show", cwd=app).code == 0  # no environment argument needed on first run


def test_env_current(app: Path, kf: Kf) -> None:
    assert kf("env", "current", "--unset", cwd=app).code == 0
    assert kf("env", "current", cwd=app).out == ""
    assert kf("env", "current", "--set", "default", cwd=app).code == 0
    assert kf("env", "current", cwd=app).out == "default\n"
    assert (app / ".ks_environment").read_text().strip() == "default"
    assert kf("env", "current", "--unset", cwd=app).code == 0
    assert not (app / ".ks_environment").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("env", "rm", "nope"),
            'environment "nope" not found in app "kubeflow-app"; known: default',
        ),
        (("env", "describe", "nope"), 'environment "nope" not found'),
        (("env", "add", "default"), 'environment "default" already exists'),
        (("env", "add", "bad name"), "invalid environment name 'bad name'"),
        (("env", "current", "--set", "nope"), 'environment "nope" not found'),
        (("env", "set", "default"), "nothing to set"),
    ],
)
def test_env_errors(app: Path, kf: Kf, args: tuple[str, ...], message: str) -> None:
    before = (app / "app.yaml").read_text()
    result = kf(*args, cwd=app)
    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1 and result.err.startswith("error: ")
    assert (app / "app.yaml").read_text() == before


def test_outside_an_app(tmp_path: Path, kf: Kf) -> None:
    result = kf("show", "default", cwd=tmp_path)
    assert result.code == 1
    assert "no kfkit app found" in result.err


def test_files_kfkit_writes_get_the_usual_mode(app: Path, kf: Kf) -> None:
    mask = os.umask(0o022)
    os.umask(mask)
    expected = 0o666 & ~mask
    assert kf("generate", "configMap", "cm", cwd=app).code == 0
    for rel in (
        "app.yaml",
        "components/cm.jsonnet",
        "components/params.libsonnet",
        "environments/default/main.jsonnet",
    ):
        assert (app / rel).stat().st_mode & 0o777 == expected, rel
    (app / "components/params.libsonnet").chmod(0o640)
    assert kf("param", "set", "cm", "data", '{"a": "b"}', cwd=app).code == 0
    assert (app / "components/params.libsonnet").stat().st_mode & 0o777 == 0o640
