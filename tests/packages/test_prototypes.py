"""Installed packages' prototypes: listed by full name, chosen by it, over a built-in only with a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.cli.support import Kf
from tests.packages.support import write_package


@pytest.fixture
def kubeflow(app: Path, kf: Kf, tmp_path: Path) -> Path:
    """Registry ``kubeflow`` whose package tf-serving has a prototype named like kfkit's built-in."""
    registry = tmp_path / "kubeflow-registry"
    write_package(registry, "tf-serving", registry="kubeflow", label="kubeflow")
    assert kf("registry", "add", "kubeflow", str(registry), cwd=app).code == 0
    assert kf("pkg", "install", "kubeflow/tf-serving", cwd=app).code == 0
    return app


def test_listed_by_full_name(kubeflow: Path, kf: Kf) -> None:
    names = [r["name"] for r in json.loads(kf("prototype", "list", "-o", "json", cwd=kubeflow).out)["data"]]
    assert "io.ksonnet.pkg.tf-serving" in names and "kubeflow/io.ksonnet.pkg.tf-serving" in names
    assert "kubeflow/io.ksonnet.pkg.tf-serving" in kf("prototype", "search", "kubeflow/", cwd=kubeflow).out
    described = kf("prototype", "describe", "kubeflow/tf-serving", cwd=kubeflow).out
    assert described.startswith("PROTOTYPE NAME:\nkubeflow/io.ksonnet.pkg.tf-serving\n")


def test_bare_name_picks_the_package_over_the_builtin_and_says_so(kubeflow: Path, kf: Kf) -> None:
    """ksonnet's rule, which Kubeflow's tutorials (`generate tf-serving …`) rely on."""
    result = kf("generate", "tf-serving", "model-server", cwd=kubeflow)
    assert result.code == 0, result.err
    assert result.err.startswith(
        "warning: prototype 'tf-serving' is kubeflow/io.ksonnet.pkg.tf-serving, the installed package's, "
        "over the built-in of that name (as ksonnet chose); builtin/tf-serving picks the built-in\n"
    )
    assert yaml.safe_load(kf("show", "default", cwd=kubeflow).out)["data"]["release"] == "kubeflow"


@pytest.mark.parametrize(
    "name", ["kubeflow/tf-serving", "kubeflow/io.ksonnet.pkg.tf-serving", "kubeflow/tf-serving/tf-serving"]
)
def test_full_name_picks_the_package(kubeflow: Path, kf: Kf, name: str) -> None:
    assert kf("generate", name, "model-server", cwd=kubeflow).code == 0
    shown = yaml.safe_load(kf("show", "default", cwd=kubeflow).out)
    assert shown["data"]["release"] == "kubeflow"


def test_builtin_name_picks_the_builtin(kubeflow: Path, kf: Kf) -> None:
    result = kf("generate", "builtin/tf-serving", "model-server", "--modelPath", "/m", cwd=kubeflow)
    assert result.code == 0, result.err
    kinds = {o["kind"] for o in yaml.safe_load_all(kf("show", "default", cwd=kubeflow).out)}
    assert {"Deployment", "Service"} <= kinds


def test_vendored_builtin_replaces_the_builtin(app: Path, kf: Kf) -> None:
    assert kf("pkg", "install", "builtin/configMap", cwd=app).code == 0
    proto = app / "vendor/builtin/configMap/prototypes/configMap.jsonnet"
    proto.write_text(proto.read_text().replace("@shortDescription ", "@shortDescription Edited: "))
    listed = kf("prototype", "list", cwd=app).out
    assert "builtin/io.ksonnet.pkg.configMap" in listed and "Edited:" in listed
    assert " io.ksonnet.pkg.configMap " not in f" {listed} "
    assert kf("generate", "configMap", "cm", cwd=app).code == 0


def test_vendored_builtin_edits_are_kept(app: Path, kf: Kf) -> None:
    assert kf("pkg", "install", "builtin/namespace", cwd=app).code == 0
    assert kf("pkg", "install", "builtin/namespace", cwd=app).code == 0  # same content: no-op
    proto = app / "vendor/builtin/namespace/prototypes/namespace.jsonnet"
    proto.write_text(proto.read_text() + "\n")
    assert "unverified" in kf("pkg", "list", "--installed", cwd=app).out
    assert kf("pkg", "verify", cwd=app).code == 0
    result = kf("pkg", "install", "builtin/namespace", cwd=app)
    assert (
        result.err
        == "error: vendor/builtin/namespace differs from the package (no hash recorded to tell); use --force to overwrite it\n"
    )


def test_two_packages_with_one_name_are_ambiguous(app: Path, kf: Kf, tmp_path: Path) -> None:
    for registry in ("acme", "other"):
        write_package(tmp_path / registry, "greeter", registry=registry)
        assert kf("registry", "add", registry, str(tmp_path / registry), cwd=app).code == 0
        assert kf("pkg", "install", f"{registry}/greeter", cwd=app).code == 0
    result = kf("generate", "greeter", "hi", cwd=app)
    assert result.err == (
        "error: ambiguous prototype 'greeter': acme/io.ksonnet.pkg.greeter, other/io.ksonnet.pkg.greeter; "
        "name one in full, e.g. acme/greeter\n"
    )
    assert not (app / "components/hi.jsonnet").exists()
    assert kf("generate", "other/greeter", "hi", cwd=app).code == 0
