"""kfkit delete against a real kube-apiserver: reverse order, dry run, absent objects."""

from __future__ import annotations

import pytest

from tests.cluster.deploy_support import ClusterApp, cluster_app_fixture  # noqa: F401 - registers the fixture

pytestmark = pytest.mark.cluster


def test_delete_the_rendered_objects(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.seed()
    app.ok("apply", "default")

    dry = app.ok("delete", "default", "--dry-run")
    assert dry.out.splitlines() == [
        f"Deployment {ns}/inception-v1 deleted (dry run)",
        f"Service {ns}/inception deleted (dry run)",
    ]
    assert app.live("v1", "Service", "inception") is not None

    deleted = app.ok("delete", "default", "--yes")
    assert f'target: context "admin", server {app.server}, namespace "{ns}"' in deleted.err
    assert deleted.out.splitlines() == [  # workloads before the Services they use
        f"Deployment {ns}/inception-v1 deleted",
        f"Service {ns}/inception deleted",
    ]
    assert app.live("v1", "Service", "inception") is None
    assert app.live("apps/v1", "Deployment", "inception-v1") is None

    again = app.ok("delete", "default", "--yes")
    assert sorted(again.out.splitlines()) == [
        f"Deployment {ns}/inception-v1 not found",
        f"Service {ns}/inception not found",
    ]
