"""Run the real CLI in-process against apps in temp dirs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfkit.cli.main import run
from tests.cli.support import Kf, Result


@pytest.fixture
def kf(capsys: pytest.CaptureFixture[str]) -> Kf:
    """``kf("show", "default", cwd=app)`` runs ``kfkit --dir app show default``."""

    def call(*args: str, cwd: Path | None = None) -> Result:
        capsys.readouterr()
        argv = (["--dir", str(cwd)] if cwd is not None else []) + list(args)
        code = run(argv)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture
def app(tmp_path: Path, kf: Kf) -> Path:
    """A fresh app made by ``kfkit init`` (no kubeconfig, so no server recorded)."""
    result = kf("init", str(tmp_path / "kubeflow-app"))
    assert result.code == 0, result.err
    return tmp_path / "kubeflow-app"


@pytest.fixture
def seed_app(app: Path, kf: Kf) -> Path:
    """The serving tutorial's app: tf-serving generated and its two params set."""
    for args in (
        ("generate", "tf-serving", "model-server", "--name=inception"),
        ("param", "set", "model-server", "modelPath", "/serving/inception-export"),
        ("param", "set", "model-server", "modelServerImage", "katacoda/tensorflow_serving"),
    ):
        result = kf(*args, cwd=app)
        assert result.code == 0, result.err
    return app
