"""History through kfkit.App on kfkit.testing.FakeCluster (library users test with it too)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit import App, ConnectionOptions, RecordOptions, RenderOptions
from kfkit.params import _resolve as params_resolve
from kfkit.params import resolve_params
from kfkit.testing import FakeCluster


def test_a_recorded_apply_on_the_fake_is_in_its_history(tmp_path: Path) -> None:
    fake = FakeCluster()
    kf = App.init(tmp_path / "app", server=fake.server, connection=ConnectionOptions(factory=fake.connect))
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"k": "v"}}
    (kf.root / "components" / "c.yaml").write_text(yaml.safe_dump(config))
    _, revision = kf.record_apply(kf.plan_apply(), RecordOptions(command="kfkit apply"))
    assert revision is not None and revision.number == 1
    assert [(r.number, r.command) for r in kf.history()] == [(1, "kfkit apply")]
    assert fake.object("v1", "ConfigMap", "c", namespace="default") is not None


def test_a_revision_records_the_params_the_render_resolved_without_evaluating_them_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KFKIT_CACHE_DIR", str(tmp_path / "cache"))
    fake = FakeCluster()
    kf = App.init(tmp_path / "app", server=fake.server, connection=ConnectionOptions(factory=fake.connect))
    kf.generate("tf-serving", "model-server", {"name": "inception"}, {"modelPath": "/models/inception"})
    expected = resolve_params(kf.dir, "default")
    plan = kf.plan_apply()  # renders, through the render cache
    evaluated: list[str] = []

    def counted(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def evaluate(*args: Any) -> Any:
            evaluated.append(name)
            return real(*args)

        return evaluate

    for name in ("evaluate_file", "evaluate_snippet"):
        monkeypatch.setattr(params_resolve, name, counted(name, getattr(params_resolve, name)))

    _, cached = kf.record_apply(plan, RecordOptions())
    assert (
        cached is not None
        and cached.params == expected
        and expected["model-server"]["modelPath"] == "/models/inception"
    )
    assert evaluated == []

    _, uncached = kf.record_apply(plan, RecordOptions(render=RenderOptions(cache=False)))
    assert uncached is not None and uncached.params == expected
    assert evaluated != []  # as that render would: the files evaluated afresh
