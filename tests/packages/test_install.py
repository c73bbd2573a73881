"""``kfkit pkg install/list/describe/remove``: both vendor layouts, versions, env pins, imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kfkit import App
from tests.cli.support import Kf
from tests.packages.conftest import GitRegistry
from tests.packages.support import commit_all, write_package


def _release(kf: Kf, app: Path, component: str = "hi", env: str = "default") -> str:
    out = yaml.safe_load(kf("show", env, "-c", component, "-o", "json", cwd=app).out)
    return str(out["items"][0]["data"]["release"] if "items" in out else out["data"]["release"])


@pytest.fixture
def kf_app(app: Path, kf: Kf, git_registry: GitRegistry) -> Path:
    assert kf("registry", "add", "kf", str(git_registry.path), "--path", "registry", cwd=app).code == 0
    return app


def test_fs_install_is_unversioned_and_renders(app: Path, kf: Kf, fs_registry: Path) -> None:
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    result = kf("pkg", "install", "acme/greeter", cwd=app)
    assert result.err == "installed acme/greeter in vendor/acme/greeter\n"
    lib = yaml.safe_load((app / "app.yaml").read_text())["libraries"]["acme/greeter"]
    assert lib["hash"].startswith("sha256:") and lib["version"] == "" and "commit" not in lib
    assert (app / "vendor/acme/greeter/prototypes/greeter.jsonnet").is_file()
    assert kf("generate", "acme/greeter", "hi", "--greeting", "hey", cwd=app).code == 0
    assert _release(kf, app) == "v1"


def test_git_install_versioned_dir_and_version_change(
    kf_app: Path, kf: Kf, git_registry: GitRegistry
) -> None:
    assert kf("pkg", "install", "kf/greeter@v1", cwd=kf_app).code == 0
    lib = yaml.safe_load((kf_app / "app.yaml").read_text())["libraries"]["kf/greeter"]
    assert (lib["version"], lib["commit"]) == ("v1", git_registry.v1)
    assert (kf_app / "vendor/kf/greeter@v1/greeter.libsonnet").is_file()
    assert kf("generate", "greeter", "hi", cwd=kf_app).code == 0
    assert _release(kf, kf_app) == "v1"
    assert kf("pkg", "install", "kf/greeter@v2", cwd=kf_app).code == 0
    assert not (kf_app / "vendor/kf/greeter@v1").exists()  # no longer referenced
    assert _release(kf, kf_app) == "v2"


def test_default_version_is_the_commit(kf_app: Path, kf: Kf, git_registry: GitRegistry) -> None:
    assert kf("pkg", "install", "kf/greeter", cwd=kf_app).code == 0
    assert (kf_app / f"vendor/kf/greeter@{git_registry.v2}").is_dir()


def test_env_scoped_versions_render_per_env(kf_app: Path, kf: Kf) -> None:
    assert kf("env", "add", "prod", cwd=kf_app).code == 0
    assert kf("pkg", "install", "kf/greeter@v2", cwd=kf_app).code == 0
    assert kf("pkg", "install", "kf/greeter@v1", "--env", "prod", cwd=kf_app).code == 0
    assert kf("generate", "greeter", "hi", cwd=kf_app).code == 0
    assert (_release(kf, kf_app, env="default"), _release(kf, kf_app, env="prod")) == ("v2", "v1")
    rows = json.loads(kf("pkg", "list", "--installed", "-o", "json", cwd=kf_app).out)["data"]
    assert [(r["version"], r["environments"]) for r in rows] == [("v1", "prod"), ("v2", "default")]
    assert kf("pkg", "remove", "kf/greeter", "--env", "prod", cwd=kf_app).code == 0
    assert not (kf_app / "vendor/kf/greeter@v1").exists()
    assert _release(kf, kf_app, env="prod") == "v2"


def test_alias(kf_app: Path, kf: Kf) -> None:
    assert kf("pkg", "install", "kf/greeter@v1", "--name", "old-greeter", cwd=kf_app).code == 0
    assert (kf_app / "vendor/kf/old-greeter@v1/parts.yaml").is_file()
    assert "kf/old-greeter" in yaml.safe_load((kf_app / "app.yaml").read_text())["libraries"]


def test_ks013_versioned_vendor_dirs_render_unchanged(tmp_path: Path, kf: Kf) -> None:
    """An app as ks 0.13 left it: version = commit, vendor/<reg>/<pkg>@<sha>/, no hash."""
    sha = "0123456789abcdef0123456789abcdef01234567"
    root = tmp_path / "ks-app"
    assert kf("init", str(root)).code == 0
    package = write_package(root / "vendor" / "incubator", "greeter", registry="incubator", label="ks")
    package.rename(root / "vendor" / "incubator" / f"greeter@{sha}")
    (root / "vendor/incubator/registry.yaml").unlink()
    spec = yaml.safe_load((root / "app.yaml").read_text())
    spec["libraries"] = {"incubator/greeter": {"name": "greeter", "registry": "incubator", "version": sha}}
    (root / "app.yaml").write_text(yaml.safe_dump(spec))
    (root / "components/hi.jsonnet").write_text(
        'local g = import "incubator/greeter/greeter.libsonnet";\ng.configMap("hi", "hello")\n'
    )
    assert _release(kf, root) == "ks"
    installed = kf("pkg", "list", "--installed", cwd=root).out
    assert f"incubator greeter {sha} *" in " ".join(installed.split())
    assert "incubator/io.ksonnet.pkg.greeter" in kf("prototype", "list", cwd=root).out


def test_library_importing_another_package(app: Path, kf: Kf, fs_registry: Path) -> None:
    write_package(
        fs_registry,
        "fancy",
        registry="acme",
        files={
            "fancy.libsonnet": 'local g = import "acme/greeter/greeter.libsonnet";\n{ fancy(n):: g.configMap(n, "*" + n + "*") }\n'
        },
    )
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    for pkg in ("acme/greeter", "acme/fancy"):
        assert kf("pkg", "install", pkg, cwd=app).code == 0
    (app / "components/hi.jsonnet").write_text('(import "acme/fancy/fancy.libsonnet").fancy("hi")\n')
    out = yaml.safe_load(kf("show", "-c", "hi", "default", cwd=app).out)
    assert out["data"] == {"greeting": "*hi*", "release": "v1"}


def test_describe_and_remove(kf_app: Path, kf: Kf) -> None:
    assert kf("pkg", "install", "kf/greeter@v1", cwd=kf_app).code == 0
    out = kf("pkg", "describe", "kf/greeter", cwd=kf_app).out
    assert out.startswith("LIBRARY NAME:\nkf/greeter\n\nDESCRIPTION:\ngreeter v1\n")
    assert "PROTOTYPES:\n  io.ksonnet.pkg.greeter - Greeting ConfigMap\n" in out
    assert "DESCRIPTION:\nhello fs" not in out
    assert kf("pkg", "remove", "kf/greeter", cwd=kf_app).code == 0
    assert not (kf_app / "vendor/kf").exists()
    assert "libraries" not in yaml.safe_load((kf_app / "app.yaml").read_text())
    assert kf("pkg", "describe", "kf/greeter", cwd=kf_app).out.startswith(
        "LIBRARY NAME:\nkf/greeter\n\nDESCRIPTION:\ngreeter v2\n"
    )


def test_library_api(kf_app: Path) -> None:
    kf = App.load(kf_app)
    installed = kf.install("kf/greeter@v1")
    assert installed.status == "ok" and installed.environments == ("default",)
    assert [p.name for p in kf.packages(installed_only=True)] == ["greeter"]
    assert kf.package_problems() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("pkg", "install", "nope/greeter"),
            "registry 'nope' not found in app 'kubeflow-app'; known: builtin, kf",
        ),
        (("pkg", "install", "kf/absent"), "registry kf has no package 'absent'; it has: greeter"),
        (("pkg", "install", "kf/greeter@v9"), "registry kf: version 'v9' not found in "),
        (("pkg", "install", "kf/greeter", "--env", "nope"), 'environment "nope" not found'),
        (("pkg", "install", "greeter"), "invalid package 'greeter': use <registry>/<package>[@<version>]"),
        (("pkg", "install", "kf/greeter", "--name", "../x"), "invalid package name '../x'"),
        (
            ("pkg", "remove", "kf/greeter"),
            "package 'kf/greeter' is not installed in app 'kubeflow-app'; installed: none",
        ),
    ],
)
def test_install_errors_leave_nothing(kf_app: Path, kf: Kf, args: tuple[str, ...], message: str) -> None:
    before = (kf_app / "app.yaml").read_text()
    result = kf(*args, cwd=kf_app)
    assert result.code != 0
    assert result.err.startswith(f"error: {message}"), result.err
    assert result.err.count("\n") == 1
    assert (kf_app / "app.yaml").read_text() == before
    assert not (kf_app / "vendor/kf").exists()


def test_malformed_parts_and_missing_prototypes(app: Path, kf: Kf, fs_registry: Path) -> None:
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    (fs_registry / "greeter/parts.yaml").write_text('{"name": "greeter", "apiVersion": "0.1.0"}')
    result = kf("pkg", "install", "acme/greeter", cwd=app)
    assert result.err == f"error: {fs_registry}/greeter/parts.yaml: apiVersion must be 0.0.1, got '0.1.0'\n"
    (fs_registry / "hello/prototypes/hello.jsonnet").unlink()
    (fs_registry / "hello/prototypes").rmdir()
    result = kf("pkg", "install", "acme/hello", cwd=app)
    assert result.err == f"error: package hello: {fs_registry}/hello/prototypes is missing\n"
    assert not (app / "vendor/acme").exists()


def test_name_clash_in_a_020_app(app: Path, kf: Kf, fs_registry: Path, git_registry: GitRegistry) -> None:
    text = (app / "app.yaml").read_text().replace("apiVersion: 0.3.0", "apiVersion: 0.2.0")
    (app / "app.yaml").write_text(text)
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    assert kf("registry", "add", "kf", str(git_registry.path), "--path", "registry", cwd=app).code == 0
    assert kf("pkg", "install", "acme/greeter", cwd=app).code == 0
    assert "  greeter:\n" in (app / "app.yaml").read_text()  # 0.2.0 keys by bare name
    result = kf("pkg", "install", "kf/greeter", cwd=app)
    assert result.err.startswith("error: package name 'greeter' is taken by acme/greeter")
    assert kf("pkg", "install", "kf/greeter", "--name", "kf-greeter", cwd=app).code == 0


def test_dirty_local_git_registry_is_refused(app: Path, kf: Kf, git_registry: GitRegistry) -> None:
    (git_registry.path / "registry/greeter/greeter.libsonnet").write_text("{}\n")
    result = kf("registry", "add", "kf", str(git_registry.path), "--path", "registry", cwd=app)
    assert result.err.startswith(f"error: registry kf: {git_registry.path} has uncommitted changes; ")
    commit_all(git_registry.path, "v3")
    assert kf("registry", "add", "kf", str(git_registry.path), "--path", "registry", cwd=app).code == 0
