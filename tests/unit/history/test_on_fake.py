"""History through kfkit.App on kfkit.testing.FakeCluster (library users test with it too)."""

from __future__ import annotations

from pathlib import Path

import yaml

from kfkit import App, ConnectionOptions, RecordOptions
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
