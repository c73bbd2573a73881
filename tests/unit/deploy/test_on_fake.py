"""Apply, diff and delete logic through kfkit.App against kfkit.testing.FakeCluster.

Each behaviour here is also checked against the real API server (tests/cluster), which
stays the judge of whether the fake's semantics are right.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit import (
    Action,
    App,
    ApplyOptions,
    ClusterError,
    Conflict,
    ConnectionOptions,
    Forbidden,
    ObjectErrors,
    ObjectId,
    ObjectResult,
    UsageError,
)
from kfkit.testing import FakeCluster

NS = "default"


@pytest.fixture
def fake() -> FakeCluster:
    return FakeCluster()


@pytest.fixture
def kf(tmp_path: Path, fake: FakeCluster) -> App:
    return App.init(tmp_path / "app", server=fake.server, connection=ConnectionOptions(factory=fake.connect))


def config_map(name: str, namespace: str = "", **data: str) -> dict[str, Any]:
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


def deployment(name: str) -> dict[str, Any]:
    labels = {"app": name}
    pod = {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"selector": {"matchLabels": labels}, "template": pod},
    }


def component(kf: App, name: str, *objects: dict[str, Any]) -> None:
    (kf.root / "components" / f"{name}.yaml").write_text(yaml.safe_dump_all(objects))


def actions(results: Iterable[ObjectResult]) -> list[tuple[str, Action]]:
    return [(str(r.object_id), r.action) for r in results]


def test_serving_story(kf: App, fake: FakeCluster) -> None:
    kf.generate("tf-serving", "model-server", {"name": "inception"})
    kf.set_param("model-server", "modelPath", "/serving/inception-export")
    kf.set_param("model-server", "modelServerImage", "katacoda/tensorflow_serving")
    rendered = kf.render("default")
    assert [ObjectId.of(o).kind for o in rendered] == ["Service", "Deployment"]

    before = fake.objects()
    plan = kf.plan_apply("default")
    assert fake.objects() == before  # nothing written by the plan
    assert fake.object("v1", "Service", "inception", namespace=NS) is None
    assert plan.counts()[Action.CREATE] == 2
    assert actions(kf.apply(plan)) == [
        (f"Service {NS}/inception", Action.CREATE),
        (f"Deployment {NS}/inception-v1", Action.CREATE),
    ]
    live = fake.object("apps/v1", "Deployment", "inception-v1", namespace=NS)
    assert live is not None
    assert live["metadata"]["labels"]["kfkit.io/environment"] == "default"
    assert not kf.diff("default").has_changes

    kf.set_param("model-server", "modelServerImage", "tensorflow/serving:2.15")
    changed = kf.diff("default")
    assert [(str(d.object_id), d.action) for d in changed.objects] == [
        (f"Service {NS}/inception", Action.UNCHANGED),
        (f"Deployment {NS}/inception-v1", Action.CONFIGURE),
    ]
    assert "+        image: tensorflow/serving:2.15" in changed.objects[1].unified()
    assert actions(kf.apply(kf.plan_apply("default"))) == [
        (f"Service {NS}/inception", Action.UNCHANGED),
        (f"Deployment {NS}/inception-v1", Action.CONFIGURE),
    ]
    kf.close()
    assert fake.closed


def test_a_dry_run_reports_in_apply_order_and_writes_nothing(kf: App, fake: FakeCluster) -> None:
    component(kf, "web", deployment("web"), config_map("settings"))
    plan = kf.plan_apply("default", options=ApplyOptions(dry_run=True))

    results = kf.apply(plan)

    assert actions(results) == [
        (f"ConfigMap {NS}/settings", Action.CREATE),
        (f"Deployment {NS}/web", Action.CREATE),
    ]
    assert all(r.dry_run for r in results)
    assert fake.requests["apply"] == 0
    assert fake.object("v1", "ConfigMap", "settings", namespace=NS) is None


def test_a_failure_mid_tier_stops_before_the_next_tier(kf: App, fake: FakeCluster) -> None:
    component(
        kf,
        "web",
        config_map("a", k="ours"),
        config_map("b", k="ours"),
        config_map("c", k="ours"),
        deployment("web"),
    )
    plan = kf.plan_apply("default")
    # Between plan and apply, someone else writes "b": kfkit's write of it now conflicts.
    fake.add(config_map("b", NS, k="theirs"), manager="someone-else")

    with pytest.raises(ObjectErrors) as caught:
        kf.apply(plan)

    assert str(caught.value) == "1 of 3 objects failed while applying config; earlier tiers were applied"
    (failure,) = caught.value.failures
    assert failure.object_id == ObjectId("", "ConfigMap", NS, "b")
    assert isinstance(failure.error, Conflict)
    assert (failure.error.status, failure.error.reason, failure.error.object_id) == (
        409,
        "Conflict",
        failure.object_id,
    )
    assert fake.object("v1", "ConfigMap", "a", namespace=NS) is not None
    assert fake.object("v1", "ConfigMap", "c", namespace=NS) is not None
    assert fake.object("apps/v1", "Deployment", "web", namespace=NS) is None


def test_preflight_lists_every_failure_and_writes_nothing(kf: App, fake: FakeCluster) -> None:
    # The real server's 422s for the same situation: tests/cluster/test_apply.py (pre-flight).
    component(
        kf,
        "web",
        config_map("a"),
        config_map("b"),
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}},
    )
    fake.reject("a", 'ConfigMap "a" is invalid: data: Invalid value', dry_run=True)

    with pytest.raises(ObjectErrors) as caught:
        kf.plan_apply("default")

    assert (
        str(caught.value) == "pre-flight: 2 of 3 objects failed the server-side dry run; nothing was written"
    )
    assert [str(f) for f in caught.value.failures] == [
        'component "web": Widget w: the server has no kind Widget in example.com/v1 (a missing CRD?)',
        'component "web": ConfigMap default/a: ConfigMap "a" is invalid: data: Invalid value',
    ]
    assert fake.requests["apply"] == 0


WIDGET_CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Widget", "plural": "widgets"},
        "scope": "Namespaced",
        "versions": [{"name": "v1", "served": True, "storage": True}],
    },
}
WIDGET = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}}


def test_a_crd_is_waited_for_before_its_custom_resources(tmp_path: Path) -> None:
    fake = FakeCluster(establish_after=3)
    kf = App.init(tmp_path / "app", server=fake.server, connection=ConnectionOptions(factory=fake.connect))
    component(kf, "widgets", WIDGET, WIDGET_CRD)

    plan = kf.plan_apply("default")
    (waiting,) = [c for c in plan.changes if c.waits_for]
    assert (waiting.object_id.kind, waiting.waits_for) == (
        "Widget",
        "CustomResourceDefinition widgets.example.com",
    )
    assert actions(kf.apply(plan)) == [
        ("CustomResourceDefinition widgets.example.com", Action.CREATE),
        (f"Widget {NS}/w", Action.CREATE),
    ]
    assert fake.object("example.com/v1", "Widget", "w", namespace=NS) is not None


def test_prune_deletes_only_what_this_environment_applied(kf: App, fake: FakeCluster) -> None:
    component(kf, "web", config_map("keep"), config_map("drop"))
    kf.apply(kf.plan_apply("default"))
    kf.add_env("elsewhere", server=fake.server, namespace="elsewhere")
    fake.add({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "elsewhere"}})
    kf.apply(kf.plan_apply("elsewhere"))  # the same app's objects in another environment
    marks = fake.object("v1", "ConfigMap", "drop", namespace=NS)
    assert marks is not None
    labels, annotations = marks["metadata"]["labels"], marks["metadata"]["annotations"]
    owned = {"ownerReferences": [{"controller": True, "kind": "Deployment", "name": "x", "uid": "u"}]}
    for kind, name, extra in (("ConfigMap", "controlled", owned), ("Endpoints", "web", {})):
        meta = {"name": name, "namespace": NS, "labels": labels, "annotations": annotations, **extra}
        fake.add({"apiVersion": "v1", "kind": kind, "metadata": meta})
    component(kf, "web", config_map("keep"))

    plan = kf.plan_apply("default", options=ApplyOptions(prune=True))

    assert [str(ObjectId.of(o)) for o in plan.prune] == [f"ConfigMap {NS}/drop"]
    assert plan.counts()[Action.PRUNE] == 1
    assert actions(kf.apply(plan)) == [
        (f"ConfigMap {NS}/keep", Action.UNCHANGED),
        (f"ConfigMap {NS}/drop", Action.PRUNE),
    ]
    assert fake.object("v1", "ConfigMap", "drop", namespace=NS) is None
    assert fake.object("v1", "ConfigMap", "drop", namespace="elsewhere") is not None
    assert fake.object("v1", "ConfigMap", "controlled", namespace=NS) is not None


def test_diff_shows_what_prune_would_delete_and_compares_environments(kf: App, fake: FakeCluster) -> None:
    component(kf, "web", config_map("keep", k="1"), config_map("drop"))
    kf.apply(kf.plan_apply("default"))
    component(kf, "web", config_map("keep", k="2"))

    live = kf.diff("default")
    assert [(d.object_id.name, d.action) for d in live.objects] == [
        ("keep", Action.CONFIGURE),
        ("drop", Action.PRUNE),
    ]

    assert kf.diff("local:default", "remote:default") == live  # the same question
    kf.add_env("staging", server=fake.server, namespace="staging")
    between = kf.diff("local:staging", "remote:default")
    assert [(d.object_id.name, d.action) for d in between.objects] == [
        ("keep", Action.CONFIGURE),
        ("drop", Action.DELETE),
    ]
    with pytest.raises(UsageError, match="remote:default needs a second location"):
        kf.diff("remote:default")
    with pytest.raises(UsageError, match="'cluster' is not a valid location"):
        kf.diff("cluster:default")


def test_empty_render_is_never_pruned(kf: App) -> None:
    with pytest.raises(UsageError, match="refusing to prune"):
        kf.plan_apply("default", options=ApplyOptions(prune=True))


def test_field_conflicts_need_force(kf: App, fake: FakeCluster) -> None:
    fake.add(config_map("shared", NS, owner="ops"), manager="kubectl")
    component(kf, "web", config_map("shared", owner="ml"))

    with pytest.raises(ObjectErrors) as caught:
        kf.plan_apply("default")
    error = caught.value.failures[0].error
    assert isinstance(error, Conflict)
    assert error.status == 409
    assert str(error) == (
        'Apply failed with 1 conflict: conflict with "kubectl": .data.owner; '
        "rerun with --force-conflicts to take these fields over"
    )

    plan = kf.plan_apply("default", options=ApplyOptions(force_conflicts=True))
    assert actions(kf.apply(plan)) == [(f"ConfigMap {NS}/shared", Action.CONFIGURE)]
    live = fake.object("v1", "ConfigMap", "shared", namespace=NS)
    assert live is not None
    assert live["data"] == {"owner": "ml"}


def test_a_forbidden_user_gets_every_object_refused_and_nothing_is_written(
    kf: App, fake: FakeCluster
) -> None:
    fake.forbid("get", "apply", kind="ConfigMap")
    component(kf, "web", config_map("a"), config_map("b"))

    with pytest.raises(ObjectErrors) as caught:
        kf.plan_apply("default")

    assert [type(f.error) for f in caught.value.failures] == [Forbidden, Forbidden]
    assert {f.error.status for f in caught.value.failures} == {403}
    assert fake.object("v1", "ConfigMap", "a", namespace=NS) is None


def test_wait_reports_ready_and_times_out_naming_what_is_not(tmp_path: Path) -> None:
    fake = FakeCluster(ready=False)
    kf = App.init(tmp_path / "app", server=fake.server, connection=ConnectionOptions(factory=fake.connect))
    component(kf, "web", deployment("web"))

    with pytest.raises(
        ClusterError,
        match=r"timed out after 0.01s waiting for 1 object to be ready: Deployment default/web: generation 1 not yet observed",
    ):
        kf.apply(kf.plan_apply("default", options=ApplyOptions(wait=True, timeout=0.01)))

    fake.set_status(
        "apps/v1",
        "Deployment",
        "web",
        {"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1},
        namespace=NS,
    )
    results = kf.apply(kf.plan_apply("default", options=ApplyOptions(wait=True)))
    assert actions(results) == [
        (f"Deployment {NS}/web", Action.UNCHANGED),
        (f"Deployment {NS}/web", Action.READY),
    ]


def test_delete_reports_what_was_absent_and_refuses_other_environments_objects(
    kf: App, fake: FakeCluster
) -> None:
    component(kf, "web", config_map("a"), deployment("web"))
    kf.apply(kf.plan_apply("default"))
    fake.delete(config_map("a", NS))

    results = kf.delete(kf.plan_delete("default"))

    assert actions(results) == [(f"ConfigMap {NS}/a", Action.ABSENT), (f"Deployment {NS}/web", Action.DELETE)]
    assert fake.object("apps/v1", "Deployment", "web", namespace=NS) is None

    kf.add_env("twin", server=fake.server)  # same namespace: its objects are the same objects
    kf.apply(kf.plan_apply("twin"))
    with pytest.raises(ObjectErrors, match="cannot be deleted; nothing was deleted") as caught:
        kf.delete(kf.plan_delete("default"))
    assert {type(f.error) for f in caught.value.failures} == {Conflict}
    assert fake.object("apps/v1", "Deployment", "web", namespace=NS) is not None


def test_prune_knows_an_object_by_the_name_of_an_older_api(tmp_path: Path) -> None:
    """A server that still serves extensions/v1beta1 Ingress stores it as the networking.k8s.io
    Ingress of that name: one object, which prune must not take for one the render lacks."""
    fake = FakeCluster(kinds={("extensions/v1beta1", "Ingress"): True})
    kf = App.init(tmp_path / "app", server=fake.server, connection=ConnectionOptions(factory=fake.connect))
    backend = {"service": {"name": "web", "port": {"number": 80}}}
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": {"defaultBackend": backend},
    }
    component(kf, "web", ingress)
    kf.apply(kf.plan_apply("default"))
    legacy = {**ingress, "apiVersion": "extensions/v1beta1", "spec": {"backend": {"serviceName": "web"}}}
    component(kf, "web", legacy, config_map("new"))

    plan = kf.plan_apply("default", options=ApplyOptions(prune=True))

    assert sorted(str(c.object_id) for c in plan.changes) == [f"ConfigMap {NS}/new", f"Ingress {NS}/web"]
    assert plan.prune == []
