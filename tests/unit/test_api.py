"""The facade's own decisions: values files checked like flags, environments, prototypes outside an app."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfkit import App, AppError, LockOptions, Prototypes, UsageError
from kfkit.app import locked


@pytest.fixture
def kf(tmp_path: Path) -> App:
    return App.init(tmp_path / "app", server="")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ('{ modelPath: "/m", replica: 2 }', "has no param replica; known: --name, "),
        ('{ modelPath: "/m", numGpus: "two" }', 'numGpus: "two" is not of type number'),
        ("{ modelPath: 7 }", "modelPath: 7 is not of type string"),
        ('{ modelPath: "/m", numGpus: true }', "numGpus: true is not of type number"),
    ],
)
def test_a_values_file_is_checked_like_flags(kf: App, tmp_path: Path, values: str, message: str) -> None:
    file = tmp_path / "values.jsonnet"
    file.write_text(values)

    with pytest.raises(UsageError, match=f"^values file {file}: .*{message}"):
        kf.generate("tf-serving", "model-server", values_file=file)
    with pytest.raises(UsageError, match=message):
        kf.prototypes.preview("tf-serving", values_file=file)

    assert kf.components() == []  # nothing written
    assert "model-server" not in (kf.root / "components" / "params.libsonnet").read_text()


def test_a_values_file_with_declared_typed_params_is_used(kf: App, tmp_path: Path) -> None:
    file = tmp_path / "values.json"
    file.write_text('{"modelPath": "/m", "numGpus": 1}')
    kf.generate("tf-serving", "model-server", {"name": "inception"}, values_file=file)
    rows = {r.param: r.value for r in kf.params("model-server")}
    assert (rows["modelPath"], rows["numGpus"]) == ("/m", 1)


def test_environments_through_the_facade(kf: App) -> None:
    kf.add_env("prod", server="https://prod:6443", namespace="serving")
    kf.update_env("prod", new_name="production")
    kf.set_current_env("production")

    assert [e.name for e in kf.environments()] == ["default", "production"]
    assert kf.environment().destination.namespace == "serving"
    with pytest.raises(UsageError, match="nothing to set"):
        kf.update_env("production")
    kf.remove_env("production", force=True)
    assert kf.current_env() is None


def test_prototypes_outside_an_app_are_the_built_in_ones(tmp_path: Path, kf: App) -> None:
    outside = Prototypes.near(tmp_path)
    assert "io.ksonnet.pkg.tf-serving" in [p.name for p in outside.list("serving")]
    assert outside.get("tf-serving").name == "io.ksonnet.pkg.tf-serving"
    assert [p.name for p in Prototypes.near(kf.root / "components").list()] == [
        p.name for p in kf.prototypes.list()
    ]


def test_whether_an_environment_is_current(kf: App) -> None:
    kf.add_env("prod", server="https://prod:6443")
    assert kf.is_current_env("default")
    assert not kf.is_current_env("prod")
    with pytest.raises(UsageError, match='environment "nope" not found in app "app"; known: default, prod'):
        kf.is_current_env("nope")


def test_a_param_edit_waits_for_the_lock_as_told(kf: App) -> None:
    kf.generate("tf-serving", "model-server", {"name": "inception"})
    with locked(kf.root), pytest.raises(AppError, match=r"gave up after 0\.1 s waiting for the lock"):
        kf.set_param("model-server", "replicas", 2, lock=LockOptions(timeout=0.1))
    with locked(kf.root), pytest.raises(AppError, match=r"gave up after 0\.1 s waiting for the lock"):
        kf.delete_param("model-server", "replicas", lock=LockOptions(timeout=0.1))
    assert kf.set_param("model-server", "replicas", 2).name == "params.libsonnet"
