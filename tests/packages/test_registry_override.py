"""``registry add|rm --override``: a registry of one checkout in app.override.yaml (ksonnet e2e §8 #34)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli.support import Kf
from tests.packages.support import write_package


def _registries(kf: Kf, app: Path) -> dict[str, tuple[str, str]]:
    rows = json.loads(kf("registry", "list", "-o", "json", cwd=app).out)["data"]
    return {r["name"]: (r["override"], r["uri"]) for r in rows}


def test_override_registry_replaces_app_yamls_on_this_checkout(
    app: Path, kf: Kf, fs_registry: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    write_package(clone, "greeter", registry="acme")
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    app_yaml = (app / "app.yaml").read_text()
    assert kf("registry", "add", "acme", str(clone), "--override", cwd=app).code == 0
    assert (app / "app.yaml").read_text() == app_yaml
    assert _registries(kf, app)["acme"] == ("*", str(clone))
    assert "PACKAGES:\n  greeter\n" in kf("registry", "describe", "acme", cwd=app).out
    assert yaml.safe_load((app / "app.override.yaml").read_text())["registries"] == {
        "acme": {"protocol": "fs", "uri": str(clone)}
    }
    assert kf("registry", "set", "acme", "--uri", str(fs_registry), cwd=app).code == 0
    assert (app / "app.yaml").read_text() == app_yaml  # set edits where the registry is defined
    assert _registries(kf, app)["acme"] == ("*", str(fs_registry))
    assert kf("registry", "rm", "acme", "-o", cwd=app).code == 0
    assert _registries(kf, app)["acme"] == ("", str(fs_registry))
    assert not (app / "app.override.yaml").exists()


def test_override_only_registry_and_rm_in_the_wrong_file(app: Path, kf: Kf, fs_registry: Path) -> None:
    assert kf("registry", "add", "local", str(fs_registry), "-o", cwd=app).code == 0
    assert _registries(kf, app)["local"] == ("*", str(fs_registry))
    assert "registries" not in yaml.safe_load((app / "app.yaml").read_text())
    result = kf("registry", "rm", "local", cwd=app)
    assert result.code != 0
    assert result.err == "error: registry 'local' not found in app.yaml of app 'kubeflow-app'\n"
    assert kf("pkg", "install", "local/greeter", cwd=app).code == 0
    assert kf("show", "default", cwd=app).code == 0


def test_packages_cannot_be_pinned_for_an_override_only_env(app: Path, kf: Kf, fs_registry: Path) -> None:
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    assert kf("env", "add", "mine", "-o", cwd=app).code == 0
    before = {p: p.read_bytes() for p in (app / "app.yaml", app / "app.override.yaml")}
    result = kf("pkg", "install", "acme/greeter", "--env", "mine", cwd=app)
    assert result.code != 0 and result.err.count("\n") == 1
    assert 'environment "mine" is defined in app.override.yaml only' in result.err
    assert {p: p.read_bytes() for p in before} == before
    assert not (app / "vendor" / "acme").exists()
