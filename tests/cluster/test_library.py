"""The library on a real kube-apiserver: the serving story and errors as data, through kfkit.App.

The same behaviours run against kfkit.testing.FakeCluster in tests/unit/deploy/test_on_fake.py;
here the real server checks that the fake's semantics are right.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit import Action, App, Conflict, ConnectionOptions, Forbidden, ObjectErrors, ObjectId
from tests.cluster.conftest import cp
from tests.cluster.deploy_support import config_map, deployment

pytestmark = pytest.mark.cluster


def _app(control_plane: cp.ControlPlane, namespace: str, tmp_path: Path, context: str = "admin") -> App:
    connection = ConnectionOptions(kubeconfig=str(control_plane.kubeconfig), context=context)
    root = tmp_path / f"app-{namespace}"
    if (root / "app.yaml").exists():
        return App.load(root, connection=connection)
    return App.init(root, server=control_plane.server, namespace=namespace, connection=connection)


@pytest.fixture
def kf(control_plane: cp.ControlPlane, namespace: str, tmp_path: Path) -> Iterator[App]:
    with _app(control_plane, namespace, tmp_path) as app:
        yield app


def _live(admin: Any, api_version: str, kind: str, name: str, namespace: str) -> Any:
    from kubernetes.dynamic.exceptions import NotFoundError

    try:
        return admin.resources.get(api_version=api_version, kind=kind).get(name=name, namespace=namespace)
    except NotFoundError:
        return None


def test_serving_story(kf: App, namespace: str, admin: Any) -> None:
    kf.generate("tf-serving", "model-server", {"name": "inception"})
    kf.set_param("model-server", "modelPath", "/serving/inception-export")
    kf.set_param("model-server", "modelServerImage", "katacoda/tensorflow_serving")
    assert [ObjectId.of(o).kind for o in kf.render("default")] == ["Service", "Deployment"]

    plan = kf.plan_apply("default")
    assert [c.action for c in plan.changes] == [Action.CREATE, Action.CREATE]
    assert _live(admin, "v1", "Service", "inception", namespace) is None  # a plan writes nothing
    results = kf.apply(plan)
    assert [(str(r.object_id), r.action) for r in results] == [
        (f"Service {namespace}/inception", Action.CREATE),
        (f"Deployment {namespace}/inception-v1", Action.CREATE),
    ]
    assert not kf.diff("default").has_changes

    kf.set_param("model-server", "modelServerImage", "tensorflow/serving:2.15")
    diff = kf.diff("default")
    assert [d.action for d in diff.objects] == [Action.UNCHANGED, Action.CONFIGURE]
    results = kf.apply(kf.plan_apply("default"))
    assert [r.action for r in results] == [Action.UNCHANGED, Action.CONFIGURE]
    live = _live(admin, "apps/v1", "Deployment", "inception-v1", namespace)
    assert live.spec.template.spec.containers[0].image == "tensorflow/serving:2.15"


def test_a_failure_mid_tier_stops_before_the_next_tier(kf: App, namespace: str, admin: Any) -> None:
    objects = [
        config_map("a", k="ours"),
        config_map("b", k="ours"),
        config_map("c", k="ours"),
        deployment("web"),
    ]
    (kf.root / "components" / "web.yaml").write_text(yaml.safe_dump_all(objects))
    plan = kf.plan_apply("default")
    # Between plan and apply, someone else writes "b": kfkit's write of it now conflicts.
    configmaps = admin.resources.get(api_version="v1", kind="ConfigMap")
    admin.server_side_apply(
        configmaps, body=config_map("b", k="theirs"), namespace=namespace, field_manager="someone-else"
    )

    with pytest.raises(ObjectErrors) as caught:
        kf.apply(plan)

    assert str(caught.value) == "1 of 3 objects failed while applying config; earlier tiers were applied"
    (failure,) = caught.value.failures
    assert failure.object_id == ObjectId("", "ConfigMap", namespace, "b")
    assert isinstance(failure.error, Conflict)
    assert (failure.error.status, failure.error.reason) == (409, "Conflict")
    assert _live(admin, "v1", "ConfigMap", "a", namespace) is not None
    assert _live(admin, "v1", "ConfigMap", "c", namespace) is not None
    assert _live(admin, "apps/v1", "Deployment", "web", namespace) is None


def test_forbidden_is_status_403_on_each_object(
    control_plane: cp.ControlPlane, namespace: str, tmp_path: Path
) -> None:
    with _app(control_plane, namespace, tmp_path) as kf:
        (kf.root / "components" / "web.yaml").write_text(
            yaml.safe_dump_all([config_map("a"), config_map("b")])
        )
    with (
        _app(control_plane, namespace, tmp_path, context="limited") as limited,
        pytest.raises(ObjectErrors) as caught,
    ):
        limited.plan_apply("default")

    assert [type(f.error) for f in caught.value.failures] == [Forbidden, Forbidden]
    assert {(f.error.status, f.error.reason) for f in caught.value.failures} == {(403, "Forbidden")}
