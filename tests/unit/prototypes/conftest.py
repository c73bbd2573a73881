"""Render built-in prototypes through kfkit itself: ``App.generate``, ``set_param``, ``App.render``.

``render_prototype("tf-serving.jsonnet", "model-server", name="inception", set_params={...})``
is ``kfkit generate tf-serving model-server --name inception`` followed by one
``kfkit param set`` per entry and ``kfkit show default -c model-server``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kfkit import App
from kfkit.app import Prototype, parse_prototype
from kfkit.manifests import to_yaml
from kfkit.params import set_param

ROOT = Path(__file__).resolve().parents[3]

Render = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def render_prototype(tmp_path: Path) -> Render:
    counter = iter(range(1_000_000))

    def render(
        proto_file: str, component: str = "unit", *, set_params: dict[str, Any] | None = None, **values: Any
    ) -> list[dict[str, Any]]:
        app = App.init(tmp_path / f"app{next(counter)}")
        app.generate(proto_file.removesuffix(".jsonnet"), component, {}, values)
        for key, value in (set_params or {}).items():
            set_param(app.dir, component, key, value)
        return app.render("default", components=[component])

    return render


@pytest.fixture
def prototype_header() -> Callable[[str], Prototype]:
    return lambda proto_file: parse_prototype(ROOT / "prototypes" / proto_file)


@pytest.fixture
def show_yaml() -> Callable[[list[dict[str, Any]]], str]:
    return to_yaml


@pytest.fixture
def golden_dir() -> Path:
    return ROOT / "tests" / "golden"
