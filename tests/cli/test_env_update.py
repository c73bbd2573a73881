"""``kfkit env update ENV``: the environment's ksonnet-lib generated again, as ``ks env update`` did."""

from __future__ import annotations

from pathlib import Path

from tests.cli.support import Kf


def test_env_update_regenerates_the_library_of_the_envs_version(app: Path, kf: Kf) -> None:
    assert kf("env", "set", "default", "--api-spec", "version:v1.10.4", cwd=app).code == 0
    lib = app / "lib" / "ksonnet-lib" / "v1.10.4"
    generated = {name: _body(lib / name) for name in ("k.libsonnet", "k8s.libsonnet")}
    (lib / "k8s.libsonnet").write_text("{}\n")
    (lib / "k.libsonnet").unlink()
    result = kf("env", "update", "default", cwd=app)
    assert result.code == 0, result.err
    assert result.err == 'generated lib/ksonnet-lib/v1.10.4/ for environment "default"\n'
    assert {name: _body(lib / name) for name in generated} == generated
    assert "(shipped with kfkit)" in (lib / "k8s.libsonnet").read_text()


def _body(path: Path) -> list[str]:
    """The generated file without its header's source line (the spec it came from)."""
    return [line for line in path.read_text().splitlines() if not line.startswith("// (")]


def test_env_update_of_an_env_without_version_uses_ksonnets_default(app: Path, kf: Kf) -> None:
    assert kf("env", "update", "default", cwd=app).code == 0
    assert (app / "lib" / "ksonnet-lib" / "v1.8.0" / "k.libsonnet").is_file()


def test_env_update_of_unknown_env_or_unshipped_version_is_one_line(app: Path, kf: Kf) -> None:
    result = kf("env", "update", "nope", cwd=app)
    assert result.code != 0 and result.err.count("\n") == 1
    assert 'environment "nope" not found' in result.err
    text = (app / "app.yaml").read_text().replace("path: default", "k8sVersion: v1.99.0\n    path: default")
    (app / "app.yaml").write_text(text)
    result = kf("env", "update", "default", cwd=app)
    assert result.code != 0 and result.err.count("\n") == 1
    assert "kfkit ships no OpenAPI spec for Kubernetes v1.99.0" in result.err
    assert not (app / "lib" / "ksonnet-lib" / "v1.99.0").exists()
