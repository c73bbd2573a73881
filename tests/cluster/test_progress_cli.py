"""The CLI draws progress of every server check and wait, as it draws apply's (kfkit/cli/_progress.py):
``validate --server``, review's pre-flight, the rollback plan and CRD waits, on the real server."""

from __future__ import annotations

import pytest

from kfkit import Progress, Stage
from kfkit.cli import _progress
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
    widget_crd,
)

pytestmark = pytest.mark.cluster


class Heard(_progress.Display):
    """The display a command draws on (as off a terminal), keeping each event it is given."""

    def __init__(self) -> None:
        super().__init__(live=False)
        self.events: list[Progress] = []

    def __call__(self, event: Progress, /) -> None:
        self.events.append(event)
        super().__call__(event)

    def stages(self, *argv: str, app: ClusterApp) -> dict[Stage, tuple[int, int]]:
        """Run ``kfkit argv``; each stage's last (done, total)."""
        self.events.clear()
        _progress._DISPLAY.set(self)  # what progress() hands every stage of the run
        app(*argv)
        return {e.stage: (e.done, e.total) for e in self.events}


def test_server_checks_and_crd_waits_are_drawn_as_applys_are(cluster_app: ClusterApp) -> None:
    app, heard = cluster_app, Heard()
    app.component("settings", config_map("a", k="1"), config_map("b", k="2"))
    assert heard.stages("validate", "default", "--server", app=app)[Stage.CHECK] == (2, 2)
    assert heard.stages("review", "default", "-o", "json", app=app)[Stage.CHECK] == (2, 2)
    app.ok("apply", "default")
    app.component("settings", config_map("a", k="changed"), config_map("b", k="2"))
    app.ok("apply", "default")
    rollback = heard.stages("rollback", "default", "1", "--dry-run", app=app)
    assert rollback[Stage.CHECK] == (2, 2)

    group = f"{app.namespace}.example.com"
    widget = {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}}
    app.component("widgets", widget_crd(group), widget)
    applied = heard.stages("apply", "default", "-c", "widgets", app=app)
    assert applied[Stage.WAIT] == (1, 1)  # the CRD, until established
    waited = {str(e.object_id) for e in heard.events if e.stage is Stage.WAIT and e.object_id}
    assert waited == {f"CustomResourceDefinition widgets.{group}"}
