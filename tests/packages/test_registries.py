"""``kfkit registry``: fs and git registries, ksonnet's github form, the built-in registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kfkit.app import Registry, RegistrySpec
from tests.cli.support import Kf
from tests.packages.conftest import GitRegistry
from tests.packages.support import git


def test_fs_registry_add_list_describe_rm(app: Path, kf: Kf, fs_registry: Path) -> None:
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    assert yaml.safe_load((app / "app.yaml").read_text())["registries"] == {
        "acme": {"protocol": "fs", "uri": str(fs_registry)}
    }
    listed = json.loads(kf("registry", "list", "-o", "json", cwd=app).out)
    assert listed["kind"] == "registryList"
    assert {r["name"]: r["protocol"] for r in listed["data"]} == {"acme": "fs", "builtin": "builtin"}
    described = kf("registry", "describe", "acme", cwd=app).out
    assert "PROTOCOL:\nfs\n" in described and "PACKAGES:\n  greeter\n  hello\n" in described
    data = json.loads(kf("registry", "describe", "acme", "-o", "json", cwd=app).out)["data"]
    assert data["packages"] == ["greeter", "hello"]
    assert kf("registry", "rm", "acme", cwd=app).code == 0
    assert "registries" not in yaml.safe_load((app / "app.yaml").read_text())


def test_git_registry_with_ref_and_path(app: Path, kf: Kf, git_registry: GitRegistry) -> None:
    added = kf("registry", "add", "kf", str(git_registry.path), "--path", "registry", "--ref", "v1", cwd=app)
    assert added.code == 0, added.err
    assert f"at {git_registry.v1[:12]}" in added.err
    out = kf("registry", "describe", "kf", cwd=app).out
    assert f"COMMIT:\n{git_registry.v1}\n" in out
    assert kf("registry", "set", "kf", "--ref", "v2", cwd=app).code == 0
    assert f"COMMIT:\n{git_registry.v2}\n" in kf("registry", "describe", "kf", cwd=app).out
    spec = yaml.safe_load((app / "app.yaml").read_text())["registries"]["kf"]
    assert spec == {"protocol": "git", "uri": str(git_registry.path), "ref": "v2", "path": "registry"}


def test_file_url_is_git(app: Path, kf: Kf, git_registry: GitRegistry) -> None:
    url = f"file://{git_registry.path}"
    assert kf("registry", "add", "kf", url, "--path", "registry", cwd=app).code == 0
    assert f"COMMIT:\n{git_registry.v2}\n" in kf("registry", "describe", "kf", cwd=app).out


def test_registry_update_sees_new_tags(app: Path, kf: Kf, git_registry: GitRegistry) -> None:
    assert kf("registry", "add", "kf", str(git_registry.path), "--path", "registry", cwd=app).code == 0
    git(git_registry.path, "tag", "v3", git_registry.v1)
    git(git_registry.path, "tag", "-d", "v1")
    assert kf("registry", "update", "kf", cwd=app).code == 0
    assert kf("pkg", "install", "kf/greeter@v3", cwd=app).code == 0
    assert kf("pkg", "install", "kf/greeter@v1", cwd=app).code == 1  # pruned by the fetch


@pytest.mark.parametrize(
    ("uri", "url", "ref", "path"),
    [
        (
            "github.com/ksonnet/parts/tree/master/incubator",
            "https://github.com/ksonnet/parts.git",
            "master",
            "incubator",
        ),
        (
            "https://github.com/kubeflow/kubeflow/tree/v0.2.0/kubeflow",
            "https://github.com/kubeflow/kubeflow.git",
            "v0.2.0",
            "kubeflow",
        ),
        ("github.com/org/repo/blob/dev/a/b/registry.yaml", "https://github.com/org/repo.git", "dev", "a/b"),
        ("https://www.github.com/org/repo", "https://github.com/org/repo.git", "", ""),
    ],
)
def test_github_form_maps_to_a_clone_and_subpath(uri: str, url: str, ref: str, path: str) -> None:
    location = Registry(RegistrySpec("r", "github", uri), Path()).location()
    assert (location.protocol, location.source, location.ref, location.subpath) == ("git", url, ref, path)


def test_builtin_registry_lists_kfkit_prototypes(app: Path, kf: Kf) -> None:
    data = json.loads(kf("pkg", "list", "-o", "json", cwd=app).out)["data"]
    builtin = {row["name"] for row in data if row["registry"] == "builtin"}
    assert {"tf-serving", "deployed-service", "configMap"} <= builtin


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("registry", "add", "x", "/does/not/exist"),
            "/does/not/exist is not a directory, a git repository or a URL",
        ),
        (("registry", "add", "builtin", "."), "invalid registry name 'builtin'"),
        (("registry", "add", "x", ".", "--protocol", "svn"), "unknown registry protocol 'svn'"),
        (
            ("registry", "add", "x", "http://127.0.0.1:9/nothing.git"),
            "registry x (http://127.0.0.1:9/nothing.git): git clone failed",
        ),
        (("registry", "rm", "nope"), "registry 'nope' not found"),
        (("registry", "describe", "nope"), "registry 'nope' not found"),
    ],
)
def test_registry_errors_are_one_line(app: Path, kf: Kf, args: tuple[str, ...], message: str) -> None:
    before = (app / "app.yaml").read_text()
    result = kf(*args, cwd=app)
    assert result.code != 0
    assert result.err.startswith(f"error: {message}") or message in result.err, result.err
    assert result.err.count("\n") == 1
    assert (app / "app.yaml").read_text() == before


def test_malformed_registry_yaml_is_refused(app: Path, kf: Kf, fs_registry: Path) -> None:
    (fs_registry / "registry.yaml").write_text("apiVersion: 9.9\nkind: ksonnet.io/registry\n")
    result = kf("registry", "add", "acme", str(fs_registry), cwd=app)
    assert (
        result.err
        == f"error: {fs_registry}/registry.yaml: unsupported apiVersion '9.9' (expected 0.1 to 0.2.x)\n"
    )
    (fs_registry / "registry.yaml").write_text("libraries: [\n")
    result = kf("registry", "add", "acme", str(fs_registry), cwd=app)
    assert result.err.startswith(f"error: cannot read {fs_registry}/registry.yaml: ")
    assert result.err.count("\n") == 1
    assert "registries" not in yaml.safe_load((app / "app.yaml").read_text())


def test_registry_in_use_cannot_be_removed(app: Path, kf: Kf, fs_registry: Path) -> None:
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    assert kf("pkg", "install", "acme/greeter", cwd=app).code == 0
    result = kf("registry", "rm", "acme", cwd=app)
    assert (
        result.err
        == "error: registry 'acme' is used by installed packages: acme/greeter; remove them first\n"
    )
