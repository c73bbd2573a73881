"""The progress hook: what a caller drawing a progress display hears, and when."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

import pytest

from kfkit import (
    App,
    ApplyOptions,
    ConnectionOptions,
    Progress,
    RecordOptions,
    RenderOptions,
    Stage,
    ValidateOptions,
)
from kfkit.testing import FakeCluster
from tests.unit.deploy.test_on_fake import WIDGET, WIDGET_CRD, component, config_map, deployment

if TYPE_CHECKING:
    from kfkit.validate import SchemaCluster


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


def test_validate_server_review_and_rollback_report_their_server_checks(kf: App, fake: FakeCluster) -> None:
    """The checks apply reports (Stage.CHECK, every object) are reported wherever else they run."""
    events: list[Progress] = []
    options = ValidateOptions(on_progress=events.append)
    kf.validate("default", options=options, cluster=cast("SchemaCluster", fake))
    assert _trail(events)[0] == ("checking", 0, 4) and _trail(events)[-1] == ("checking", 4, 4)

    events.clear()
    kf.review("default", on_progress=events.append)
    assert _trail(events)[-1] == ("checking", 4, 4)

    kf.record_apply(kf.plan_apply("default"), RecordOptions())
    events.clear()
    planned = kf.plan_rollback("default", 1, client=fake, on_progress=events.append)
    assert _trail(events)[-1] == ("checking", 4, 4)
    events.clear()
    kf.apply_rollback(planned, client=fake)
    assert list(dict.fromkeys(e.stage for e in events)) == [Stage.APPLY]  # the rollback's writes too


def test_crds_are_waited_for_as_rollouts_are_then_their_resources_checked(tmp_path: Path) -> None:
    fake = FakeCluster(establish_after=2)
    kf = App.init(tmp_path / "app", server=fake.server, connection=ConnectionOptions(factory=fake.connect))
    component(kf, "widgets", WIDGET, WIDGET_CRD)
    events: list[Progress] = []

    kf.apply(kf.plan_apply("default", options=ApplyOptions(on_progress=events.append)))

    waits = [(str(e.object_id or ""), e.done, e.status) for e in events if e.stage is Stage.WAIT]
    crd = "CustomResourceDefinition widgets.example.com"
    assert waits[0] == ("", 0, "") and waits[-1] == (crd, 1, "")
    assert (crd, 0, "not established") in waits  # said once, as a rollout's reasons are
    after = events[max(i for i, e in enumerate(events) if e.stage is Stage.WAIT) :]
    checks = [(e.done, e.total, str(e.object_id or "")) for e in after if e.stage is Stage.CHECK]
    assert checks == [(0, 1, ""), (1, 1, "Widget default/w"), (1, 1, "")]  # before it is written
