"""Requests per command on a real kube-apiserver: LISTs instead of GETs, unchanged objects skipped.

Counts are behaviour (what kfkit asks the server), not timings. The decisions they rest on
(kfkit's applied configuration from managedFields equals the render) are checked here
against what the server really records, including the cases that must not be skipped.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit import Action, App, Conflict, ConnectionOptions, ObjectErrors
from tests.cluster.conftest import cp
from tests.cluster.deploy_support import client_of, config_map, deployment

pytestmark = pytest.mark.cluster


@pytest.fixture
def kf(control_plane: cp.ControlPlane, namespace: str, tmp_path: Path) -> Iterator[App]:
    connection = ConnectionOptions(kubeconfig=str(control_plane.kubeconfig), context="admin")
    with App.init(
        tmp_path / "app", server=control_plane.server, namespace=namespace, connection=connection
    ) as app:
        yield app


def _components(kf: App, *objects: dict[str, Any]) -> None:
    (kf.root / "components" / "web.yaml").write_text(yaml.safe_dump_all(objects))


def _requests(kf: App) -> Counter[str]:
    """What the client has sent so far, and reset: discovery, get, list, apply-dry-run, apply…"""
    client = client_of(kf)
    counts = +client.requests
    client.requests.clear()
    counts.pop("discovery", None)
    return counts


def _service(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": name}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]},
    }


OBJECTS = (config_map("a", k="1"), config_map("b", k="2"), _service("web"), deployment("web"))


@pytest.fixture
def applied(kf: App, admin: Any, namespace: str) -> dict[str, str]:
    """OBJECTS applied, requests counted from here on: the live resourceVersions."""
    _components(kf, *OBJECTS)
    kf.apply(kf.plan_apply("default"))
    _requests(kf)
    return _versions(admin, namespace)


def test_first_apply_lists_each_kind_twice_and_dry_runs_everything_before_writing(kf: App) -> None:
    _components(kf, *OBJECTS)
    plan = kf.plan_apply("default")
    assert [c.action for c in plan.changes] == [Action.CREATE] * 4
    # Per kind: a LIST of this environment's objects, then (as it misses some) one of all.
    assert _requests(kf) == {"list": 6, "apply-dry-run": 4}
    kf.apply(plan)
    assert _requests(kf) == {"apply": 4}


def test_unchanged_reapply_is_one_list_per_kind_and_writes_nothing(
    kf: App, applied: dict[str, str], admin: Any, namespace: str
) -> None:
    plan = kf.plan_apply("default")
    results = kf.apply(plan)

    assert [c.action for c in plan.changes] == [Action.UNCHANGED] * 4
    assert [r.action for r in results] == [Action.UNCHANGED] * 4
    assert _requests(kf) == {"list": 3}
    assert _versions(admin, namespace) == applied
    diff = kf.diff("default")
    assert not diff.has_changes
    requests = _requests(kf)
    assert set(requests) == {"list"}  # the 3 kinds, then every listable kind for prune candidates
    assert 3 < requests["list"] < 80


def test_only_the_changed_object_is_dry_run_and_written(kf: App, admin: Any, namespace: str) -> None:
    _components(kf, *OBJECTS)
    kf.apply(kf.plan_apply("default"))
    _components(kf, config_map("a", k="changed"), *OBJECTS[1:])
    _requests(kf)

    results = kf.apply(kf.plan_apply("default"))

    assert sorted((r.object_id.name, r.action) for r in results if r.object_id.kind == "ConfigMap") == [
        ("a", Action.CONFIGURE),
        ("b", Action.UNCHANGED),
    ]
    assert [r.action for r in results if r.object_id.kind != "ConfigMap"] == [Action.UNCHANGED] * 2
    assert _requests(kf) == {"list": 3, "apply-dry-run": 1, "apply": 1}
    assert _live(admin, "v1", "ConfigMap", "a", namespace)["data"] == {"k": "changed"}


def test_a_value_the_server_normalises_is_dry_run_every_time_and_reported_unchanged(kf: App) -> None:
    web = deployment("web")
    web["spec"]["template"]["spec"]["containers"][0]["resources"] = {"limits": {"cpu": "0.5"}}  # kept as 500m
    _components(kf, config_map("a", k="1"), web)
    kf.apply(kf.plan_apply("default"))
    _requests(kf)

    results = kf.apply(kf.plan_apply("default"))

    assert [r.action for r in results] == [Action.UNCHANGED, Action.UNCHANGED]
    assert _requests(kf) == {"list": 2, "apply-dry-run": 1}  # the dry run proved the write a no-op


def test_an_identical_object_of_another_manager_is_written_once_to_own_its_fields(
    kf: App, admin: Any, namespace: str
) -> None:
    """Same content, but kfkit does not own the fields yet: the write takes them (prune needs that)."""
    _components(kf, config_map("a", k="1"))
    plan = kf.plan_apply("default")
    admin.server_side_apply(
        admin.resources.get(api_version="v1", kind="ConfigMap"),
        body=plan.changes[0].obj,
        namespace=namespace,
        field_manager="someone-else",
    )
    _requests(kf)

    plan = kf.plan_apply("default")
    results = kf.apply(plan)

    assert [c.action for c in plan.changes] == [Action.UNCHANGED]  # the content
    assert [r.action for r in results] == [Action.CONFIGURE]  # the ownership: a new resourceVersion
    assert _requests(kf) == {"list": 1, "apply-dry-run": 1, "apply": 1}
    managers = {
        m["manager"] for m in _live(admin, "v1", "ConfigMap", "a", namespace)["metadata"]["managedFields"]
    }
    assert managers == {"kfkit", "someone-else"}
    kf.apply(kf.plan_apply("default"))
    assert _requests(kf) == {"list": 1}


def test_a_field_another_manager_took_over_is_dry_run_and_conflicts(
    kf: App, admin: Any, namespace: str
) -> None:
    _components(kf, config_map("a", k="1"))
    kf.apply(kf.plan_apply("default"))
    admin.server_side_apply(
        admin.resources.get(api_version="v1", kind="ConfigMap"),
        body=config_map("a", k="theirs"),
        namespace=namespace,
        field_manager="someone-else",
        force_conflicts=True,
    )

    with pytest.raises(ObjectErrors) as caught:
        kf.plan_apply("default")

    assert isinstance(caught.value.failures[0].error, Conflict)
    assert 'conflict with "someone-else"' in str(caught.value.failures[0].error)


def test_objects_the_user_may_not_list_are_read_one_by_one(
    control_plane: cp.ControlPlane, kf: App, admin: Any, namespace: str, tmp_path: Path
) -> None:
    _components(kf, config_map("a", k="1"), config_map("b", k="2"))
    kf.apply(kf.plan_apply("default"))
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "get-patch", "namespace": namespace},
        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "patch"]}],
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "limited-get-patch", "namespace": namespace},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "get-patch"},
        "subjects": [{"kind": "User", "name": "limited"}],
    }
    for obj in (role, binding):
        admin.resources.get(api_version=obj["apiVersion"], kind=obj["kind"]).create(
            body=obj, namespace=namespace
        )
    connection = ConnectionOptions(kubeconfig=str(control_plane.kubeconfig), context="limited")

    with App.load(kf.root, connection=connection) as limited:
        plan = limited.plan_apply("default")
        assert [c.action for c in plan.changes] == [Action.UNCHANGED] * 2
        assert _requests(limited) == {"list": 1, "get": 2}


def _live(admin: Any, api_version: str, kind: str, name: str, namespace: str) -> Any:
    return (
        admin.resources.get(api_version=api_version, kind=kind).get(name=name, namespace=namespace).to_dict()
    )


def _versions(admin: Any, namespace: str) -> dict[str, str]:
    found = {}
    for api_version, kind in (("v1", "ConfigMap"), ("v1", "Service"), ("apps/v1", "Deployment")):
        for item in admin.resources.get(api_version=api_version, kind=kind).get(namespace=namespace).items:
            found[f"{kind}/{item.metadata.name}"] = item.metadata.resourceVersion
    return found


def test_a_failing_pre_flight_among_skipped_objects_still_writes_nothing(
    kf: App, applied: dict[str, str], admin: Any, namespace: str
) -> None:
    broken = config_map("b", k="2")
    broken["dataa"] = {"typo": "x"}
    _components(kf, config_map("a", k="changed"), broken, *OBJECTS[2:])

    with pytest.raises(ObjectErrors) as caught:
        kf.plan_apply("default")

    assert [f.object_id.name for f in caught.value.failures] == ["b"]
    assert _requests(kf) == {"list": 3, "apply-dry-run": 2}  # a and b; the Service and Deployment skipped
    assert _versions(admin, namespace) == applied


SYSTEM_MADE = {
    ("", "ComponentStatus"),
    ("", "Endpoints"),
    ("discovery.k8s.io", "EndpointSlice"),
    ("", "Event"),
    ("events.k8s.io", "Event"),
}
"""Kinds the server or its controllers make: never applied by kfkit, so never listed for prune."""


def test_the_prune_lookup_skips_system_made_kinds_and_finds_labelled_objects_of_the_rest(
    kf: App, admin: Any, namespace: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    _components(kf, config_map("keep", k="1"), config_map("drop", k="2"))
    kf.apply(kf.plan_apply("default"))
    marks = _live(admin, "v1", "ConfigMap", "drop", namespace)["metadata"]
    owned = {"labels": marks["labels"], "annotations": marks["annotations"]}
    # Written by another tool from `show --with-ownership`: kfkit's marks, no kfkit apply.
    others: list[dict[str, Any]] = [
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "robot", "namespace": namespace}},
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "token", "namespace": namespace}},
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": namespace},
        },
        {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "keep", "namespace": namespace}},
    ]
    for obj in others:
        obj["metadata"].update(owned)
        resource = admin.resources.get(api_version=obj["apiVersion"], kind=obj["kind"])
        resource.create(body=obj, namespace=obj["metadata"].get("namespace"))
        if not resource.namespaced:  # outside the test's namespace: other tests' apps are "app" too
            request.addfinalizer(functools.partial(resource.delete, name=obj["metadata"]["name"]))
    _components(kf, config_map("keep", k="1"))
    client = client_of(kf)
    listed: list[tuple[str, str, str]] = []
    list_objects = client.list_objects

    def spy(resource: Any, *, selector: str, namespace: str = "") -> list[dict[str, Any]]:
        listed.append((resource.group, resource.kind, namespace))
        return list_objects(resource, selector=selector, namespace=namespace)

    monkeypatch.setattr(client, "list_objects", spy)
    _requests(kf)

    diff = kf.diff("default")

    pruned = sorted(str(d.object_id) for d in diff.objects if d.action is Action.PRUNE)
    assert pruned == [
        f"ClusterRole {namespace}",
        f"ConfigMap {namespace}/drop",
        f"Secret {namespace}/token",
        f"ServiceAccount {namespace}/robot",
    ]
    listable = {(r.group, r.kind): r.namespaced for r in client.listable_resources()}
    assert {("", "Endpoints"), ("", "Event")} <= listable.keys()  # served here, so there was a LIST to cut
    listed.remove(("", "ConfigMap", namespace))  # the render's own kind, read first
    assert sorted(listed) == sorted(
        (group, kind, namespace if namespaced else "")
        for (group, kind), namespaced in listable.items()
        if (group, kind) not in SYSTEM_MADE
    )
    assert _requests(kf) == {"list": len(listed) + 1}  # one page each: nothing else went out
