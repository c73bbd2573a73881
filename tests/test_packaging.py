"""The wheel carries the built-in prototypes and environment templates, and works from them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def test_wheel_contains_builtin_data(repo_root: Path, tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(repo_root),
        ],
        check=True,
    )
    (wheel,) = tmp_path.glob("kfkit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    prototypes = {p.name for p in (repo_root / "prototypes").glob("*.jsonnet")}
    assert {f"kfkit/_builtin/prototypes/{p}" for p in prototypes} <= names
    for template in ("main.jsonnet", "params.libsonnet", "globals.libsonnet", "base.libsonnet"):
        assert f"kfkit/_builtin/environments/{template}" in names
    assert not any(n.startswith(("tests/", "tools/", "examples/")) for n in names)
    assert "kfkit/py.typed" in names  # type checkers use kfkit's annotations

    # Installed from the wheel alone (not the source tree), the serving story still renders.
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
    )
    script = (
        "import kfkit, sys; from kfkit.cli.main import run; "
        f"assert kfkit.__file__.startswith({str(site)!r}), kfkit.__file__; "
        "assert run(['init', 'app']) == 0; "
        "assert run(['--dir', 'app', 'generate', 'tf-serving', 'model-server', '--name=inception', '--modelPath=/m']) == 0; "
        "sys.exit(run(['--dir', 'app', 'show', 'default']))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert "name: inception-v1" in shown.stdout
