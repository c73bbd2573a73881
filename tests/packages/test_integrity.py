"""A vendored package changed after install is reported, warned about, and not overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kfkit import App, KfkitWarning
from tests.cli.support import Kf


@pytest.fixture
def installed(app: Path, kf: Kf, fs_registry: Path) -> Path:
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    assert kf("pkg", "install", "acme/greeter", cwd=app).code == 0
    assert kf("generate", "acme/greeter", "hi", cwd=app).code == 0
    return app


def _status(kf: Kf, app: Path) -> str:
    rows = json.loads(kf("pkg", "list", "--installed", "-o", "json", cwd=app).out)["data"]
    return str(rows[0]["status"])


def test_intact(installed: Path, kf: Kf) -> None:
    assert _status(kf, installed) == "ok"
    assert kf("pkg", "verify", cwd=installed).err == "1 installed package(s) verified\n"
    assert "warning" not in kf("show", "default", cwd=installed).err


def test_tampered_package(installed: Path, kf: Kf) -> None:
    lib = installed / "vendor/acme/greeter/greeter.libsonnet"
    lib.write_text(lib.read_text().replace("greeting: greeting", "greeting: 'pwned'"))
    assert _status(kf, installed) == "modified"
    shown = kf("show", "default", cwd=installed)
    assert shown.code == 0
    assert shown.err == (
        "warning: package acme/greeter: vendor/acme/greeter was changed since it was installed (hash mismatch)\n"
    )
    verify = kf("pkg", "verify", cwd=installed)
    assert verify.code == 1
    assert verify.err.endswith("error: 1 installed package(s) do not match app.yaml\n")
    refused = kf("pkg", "install", "acme/greeter", cwd=installed)
    assert (
        refused.err
        == "error: vendor/acme/greeter was changed since it was installed; use --force to overwrite it\n"
    )
    assert "pwned" in lib.read_text()
    assert kf("pkg", "install", "acme/greeter", "--force", cwd=installed).code == 0
    assert "pwned" not in lib.read_text()
    assert _status(kf, installed) == "ok"


def test_added_file_and_missing_dir(installed: Path, kf: Kf) -> None:
    (installed / "vendor/acme/greeter/extra.libsonnet").write_text("{}\n")
    assert _status(kf, installed) == "modified"
    (installed / "vendor/acme/greeter/extra.libsonnet").unlink()
    assert _status(kf, installed) == "ok"
    for path in sorted((installed / "vendor/acme/greeter").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (installed / "vendor/acme/greeter").rmdir()
    assert _status(kf, installed) == "missing"
    assert kf("pkg", "install", "acme/greeter", cwd=installed).code == 0
    assert _status(kf, installed) == "ok"


def test_unrecorded_vendor_dir_is_not_overwritten(app: Path, kf: Kf, fs_registry: Path) -> None:
    (app / "vendor/acme/greeter").mkdir(parents=True)
    (app / "vendor/acme/greeter/mine.libsonnet").write_text("{}\n")
    assert kf("registry", "add", "acme", str(fs_registry), cwd=app).code == 0
    result = kf("pkg", "install", "acme/greeter", cwd=app)
    assert (
        result.err == "error: vendor/acme/greeter is not recorded in app.yaml; use --force to overwrite it\n"
    )
    assert (app / "vendor/acme/greeter/mine.libsonnet").is_file()


def test_library_render_warns(installed: Path) -> None:
    (installed / "vendor/acme/greeter/parts.yaml").write_text("{}\n")
    with pytest.warns(KfkitWarning, match="vendor/acme/greeter was changed since it was installed"):
        App.load(installed).render("default")
