"""The progress hook: what a caller drawing a progress display hears, and when."""

from __future__ import annotations

from pathlib import Path

import pytest

from kfkit import App, ApplyOptions, ConnectionOptions, Progress, RenderOptions, Stage
from kfkit.testing import FakeCluster
from tests.unit.deploy.test_on_fake import component, config_map, deployment


@pytest.fixture
def fake() -> FakeCluster:
    return FakeCluster()


@pytest.fixture
def kf(tmp_path: Path, fake: FakeCluster) -> App:
    app = App.init(tmp_path / "app", server=fake.server, connection=ConnectionOptions(factory=fake.connect))
    for i in range(3):
        component(app, f"c{i}", config_map(f"c{i}"))
    component(app, "web", deployment("web"))
    return app


def _trail(events: list[Progress]) -> list[tuple[str, int, int]]:
    return [(e.stage.value, e.done, e.total) for e in events]


def test_render_counts_components(kf: App) -> None:
    events: list[Progress] = []
    kf.render("default", options=RenderOptions(on_progress=events.append, cache=False))
    assert _trail(events)[0] == ("rendering", 0, 4)
    assert _trail(events)[-1] == ("rendering", 4, 4)
    assert [e.done for e in events] == sorted(e.done for e in events)


def test_apply_reports_each_stage_in_order_with_every_object(kf: App) -> None:
    events: list[Progress] = []
    options = ApplyOptions(wait=True, on_progress=events.append)
    kf.apply(kf.plan_apply("default", options=options))

    stages = list(dict.fromkeys(e.stage for e in events))
    assert stages == [Stage.CHECK, Stage.APPLY, Stage.WAIT]
    for stage, total in ((Stage.CHECK, 4), (Stage.APPLY, 4), (Stage.WAIT, 1)):
        mine = [e for e in events if e.stage is stage]
        assert (mine[0].done, mine[-1].done, mine[-1].total) == (0, total, total)
    applied = [e.object_id.name for e in events if e.stage is Stage.APPLY and e.object_id]
    assert applied == ["c0", "c1", "c2", "web"]  # the render's order, whatever the threads did


def test_waiting_tells_each_new_reason_once(tmp_path: Path) -> None:
    slow = FakeCluster(ready=False)
    app = App.init(tmp_path / "slow", server=slow.server, connection=ConnectionOptions(factory=slow.connect))
    component(app, "web", deployment("web"))
    events: list[Progress] = []
    polls = 0

    def on_progress(event: Progress) -> None:
        nonlocal polls
        events.append(event)
        if event.stage is Stage.WAIT and event.status:
            polls += 1
            status = {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 0}
            if polls > 1:
                status["availableReplicas"] = 1
            slow.set_status("apps/v1", "Deployment", "web", status, namespace="default")

    options = ApplyOptions(wait=True, on_progress=on_progress)
    app.apply(app.plan_apply("default", options=options))

    waits = [(e.done, e.status) for e in events if e.stage is Stage.WAIT]
    assert waits == [
        (0, ""),
        (0, "generation 1 not yet observed by its controller"),
        (0, "0 of 1 updated replicas available"),
        (1, ""),
    ]


def test_diff_and_delete_report_their_server_checks(kf: App) -> None:
    kf.apply(kf.plan_apply("default"))
    events: list[Progress] = []
    kf.diff("default", on_progress=events.append)
    assert _trail(events)[-1] == ("checking", 4, 4)

    events.clear()
    kf.delete(kf.plan_delete("default"), on_progress=events.append)
    assert list(dict.fromkeys(e.stage for e in events)) == [Stage.CHECK, Stage.DELETE]
    assert _trail(events)[-1] == ("deleting", 4, 4)
