"""kfkit.testing.FakeCluster judged by the real API server: the same steps, the same answers.

Each test runs once against the control plane and once against the fake, and the fake's
results and error messages must equal the server's (tests/unit/deploy/test_on_fake.py then
relies on them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit import ApiError, App, ApplyOptions, ConnectionOptions, ObjectErrors, ObjectId
from kfkit.testing import FakeCluster
from tests.cluster.deploy_support import config_map

pytestmark = pytest.mark.cluster


@dataclass
class World:
    """An app whose environment ``default`` is ``namespace``, on the real server or the fake."""

    kf: App
    namespace: str
    write_as: Callable[[str, dict[str, Any]], None]
    """Server-side apply an object as another field manager (another tool, another team)."""
    limited: ConnectionOptions
    """How to reach the same cluster as a user RBAC grants nothing."""


@pytest.fixture(params=["real", "fake"])
def world(request: pytest.FixtureRequest, namespace: str, tmp_path: Path) -> Iterator[World]:
    root = tmp_path / "app"
    if request.param == "real":
        plane, admin = request.getfixturevalue("control_plane"), request.getfixturevalue("admin")

        def connection(context: str) -> ConnectionOptions:
            return ConnectionOptions(kubeconfig=str(plane.kubeconfig), context=context)

        def write(manager: str, obj: dict[str, Any]) -> None:
            resource = admin.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])
            admin.server_side_apply(resource, body=obj, namespace=namespace, field_manager=manager)

        kf = App.init(root, server=plane.server, namespace=namespace, connection=connection("admin"))
        limited = connection("limited")
    else:
        fake = FakeCluster(namespaces=(namespace,))
        limited_fake = FakeCluster(namespaces=(namespace,), user="limited")
        limited_fake.forbid("get", "apply", "create", "delete", "list")

        def write(manager: str, obj: dict[str, Any]) -> None:
            fake.add({**obj, "metadata": {**obj["metadata"], "namespace": namespace}}, manager=manager)

        options = ConnectionOptions(factory=fake.connect)
        kf = App.init(root, server=fake.server, namespace=namespace, connection=options)
        limited = ConnectionOptions(factory=limited_fake.connect)
    with kf:
        yield World(kf, namespace, write, limited)


def _component(kf: App, name: str, *objects: dict[str, Any]) -> None:
    (kf.root / "components" / f"{name}.yaml").write_text(yaml.safe_dump_all(objects))


def _failures(action: Callable[[], object]) -> list[str]:
    with pytest.raises(ObjectErrors) as caught:
        action()
    return [str(f) for f in caught.value.failures]


def test_a_field_conflict_says_how_to_take_it_over(world: World) -> None:
    world.write_as("someone-else", config_map("shared", k="theirs"))
    _component(world.kf, "web", config_map("shared", k="ours"))

    assert _failures(lambda: world.kf.plan_apply("default")) == [
        f'component "web": ConfigMap {world.namespace}/shared: Apply failed with 1 conflict: conflict with '
        '"someone-else": .data.k; rerun with --force-conflicts to take these fields over'
    ]


def test_a_user_without_permissions_is_refused_in_the_servers_words(world: World) -> None:
    _component(world.kf, "web", config_map("a"), {**config_map("b"), "apiVersion": "v1"})

    with App.load(world.kf.root, connection=world.limited) as limited:
        assert _failures(lambda: limited.plan_apply("default")) == [
            f'component "web": ConfigMap {world.namespace}/{name}: configmaps "{name}" is forbidden: '
            f'User "limited" cannot get resource "configmaps" in API group "" in the namespace "{world.namespace}"'
            for name in ("a", "b")
        ]


def test_create_and_delete_preconditions_fail_in_the_servers_words(world: World) -> None:
    obj = {**config_map("made"), "metadata": {"name": "made", "namespace": world.namespace}}
    cluster = world.kf.cluster("default")
    uid = cluster.create(obj)["metadata"]["uid"]

    with pytest.raises(ApiError) as exists:
        cluster.create(obj)
    assert (str(exists.value), exists.value.status, exists.value.reason) == (
        'configmaps "made" already exists',
        409,
        "AlreadyExists",
    )
    with pytest.raises(ApiError) as replaced:
        cluster.delete(obj, uid="not-" + uid)
    assert str(replaced.value) == (
        f'Operation cannot be fulfilled on ConfigMap "made": the UID in the precondition (not-{uid}) does '
        f"not match the UID in record ({uid}). The object might have been deleted and then recreated"
    )


def test_prune_spares_controlled_objects_and_endpoints(world: World) -> None:
    _component(world.kf, "web", config_map("keep"), config_map("drop"))
    world.kf.apply(world.kf.plan_apply("default"))
    marks = world.kf.cluster("default").get(
        {**config_map("drop"), "metadata": {"name": "drop", "namespace": world.namespace}}
    )
    assert marks is not None
    meta = {k: marks["metadata"][k] for k in ("labels", "annotations")}
    owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "x", "uid": "0-0", "controller": True}
    world.write_as(
        "controller",
        {**config_map("controlled"), "metadata": {"name": "controlled", **meta, "ownerReferences": [owner]}},
    )
    world.write_as(
        "controller", {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", **meta}}
    )
    _component(world.kf, "web", config_map("keep"))

    plan = world.kf.plan_apply("default", options=ApplyOptions(prune=True))

    assert [str(ObjectId.of(o)) for o in plan.prune] == [f"ConfigMap {world.namespace}/drop"]


def test_deleting_refuses_another_environments_objects(world: World) -> None:
    _component(world.kf, "web", config_map("a"))
    world.kf.add_env(
        "twin", server=world.kf.environment("default").destination.server, namespace=world.namespace
    )
    world.kf.apply(world.kf.plan_apply("twin"))

    assert _failures(lambda: world.kf.delete(world.kf.plan_delete("default"))) == [
        f'component "web": ConfigMap {world.namespace}/a: it belongs to app "app" environment "twin"; '
        "delete it from there"
    ]
