"""Reading kfkit's last applied configuration out of managedFields (shapes as kube-apiserver 1.34 writes them).

tests/cluster/test_traffic.py checks the same decisions against the real server.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from kfkit._types import Obj
from kfkit.deploy._applied import is_applied, last_applied

RENDER: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "ns", "labels": {"app": "web"}, "finalizers": ["x"]},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "args": ["a", "b"],
                        "ports": [{"containerPort": 80}],
                    }
                ]
            },
        },
    },
}
FIELDS: dict[str, Any] = {
    "f:metadata": {"f:labels": {"f:app": {}}, "f:finalizers": {'v:"x"': {}}},
    "f:spec": {
        "f:selector": {},
        "f:template": {
            "f:metadata": {"f:labels": {"f:app": {}}},
            "f:spec": {
                "f:containers": {
                    'k:{"name":"web"}': {
                        ".": {},
                        "f:args": {},
                        "f:image": {},
                        "f:name": {},
                        "f:ports": {
                            'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}
                        },
                    }
                }
            },
        },
    },
}


def _live(fields: Any = FIELDS, *, manager: str = "kfkit", **entry: Any) -> dict[str, Any]:
    """RENDER as the server keeps it: defaults filled in, a sidecar another manager added."""
    live = copy.deepcopy(RENDER)
    live["metadata"].update(uid="u", resourceVersion="7", generation=1)
    live["metadata"]["managedFields"] = [
        {
            "manager": manager,
            "operation": "Apply",
            "apiVersion": "apps/v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": fields,
            "time": "2026-12-02T20:49:10Z",
            **entry,
        }
    ]
    spec = live["spec"]
    spec["replicas"] = 1
    containers = spec["template"]["spec"]["containers"]
    containers[0]["ports"][0]["protocol"] = "TCP"
    containers[0]["imagePullPolicy"] = "IfNotPresent"
    containers.insert(0, {"name": "mesh", "image": "proxy"})
    live["metadata"]["finalizers"].insert(0, "other.io/cleanup")
    live["status"] = {"replicas": 0}
    return live


def test_the_render_kfkit_applied_is_recognised_despite_defaults_and_other_managers_fields() -> None:
    assert last_applied(_live(), "kfkit") == RENDER
    assert is_applied(RENDER, _live(), "kfkit")


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda o: o["spec"]["template"]["spec"]["containers"][0].update(image="nginx:1.28"), "a new value"),
        (lambda o: o["spec"].update(replicas=1), "a field kfkit does not own yet, even at its live value"),
        (lambda o: o["metadata"]["labels"].pop("app"), "a field removed from the render"),
        (
            lambda o: o["spec"]["template"]["spec"]["containers"][0]["args"].reverse(),
            "an atomic list reordered",
        ),
        (
            lambda o: o["spec"]["template"]["spec"]["containers"][0].update(args="a b"),
            "a list became a string",
        ),
    ],
)
def test_any_difference_means_not_applied(change: Callable[[Obj], object], why: str) -> None:
    render = copy.deepcopy(RENDER)
    change(render)
    assert not is_applied(render, _live(), "kfkit"), why


def test_values_compare_as_json_types() -> None:
    """``true`` is not ``1`` and ``"80"`` is not ``80``, though Python's == says so for the first."""
    live = _live()
    live["spec"]["template"]["spec"]["containers"][1]["image"] = 1
    render = copy.deepcopy(RENDER)
    render["spec"]["template"]["spec"]["containers"][0]["image"] = True
    assert not is_applied(render, live, "kfkit")
    render["spec"]["template"]["spec"]["containers"][0]["image"] = "1"
    assert not is_applied(render, live, "kfkit")


@pytest.mark.parametrize(
    ("live", "why"),
    [
        (_live(manager="kubectl"), "someone else applied it"),
        (_live(operation="Update"), "kfkit's entry is an update, not an apply"),
        (_live(subresource="status"), "kfkit's entry is of a subresource"),
        (_live(apiVersion="apps/v1beta2"), "applied in another version"),
        (_live({"f:spec": {"f:gone": {}}}), "a field the live object lacks"),
        (
            _live({"f:spec": {"f:template": {"f:spec": {"f:containers": {'k:{"name":"nope"}': {}}}}}}),
            "no such element",
        ),
        (_live({"f:spec": {"f:replicas": {"f:x": {}}}}), "a scalar with children"),
        (_live({"f:spec": {"f:template": {"f:spec": {"f:containers": {"i:0": {}}}}}}), "an index key"),
        (
            _live({"f:spec": {"f:template": {"f:spec": {"f:containers": {"k:{bad json": {}}}}}}),
            "a broken key",
        ),
    ],
)
def test_an_unexpected_field_set_is_unknown_never_unchanged(live: dict[str, Any], why: str) -> None:
    assert last_applied(live, "kfkit") is None, why
    assert not is_applied(RENDER, live, "kfkit")


def test_two_kfkit_entries_or_another_api_version_are_unknown() -> None:
    live = _live()
    live["metadata"]["managedFields"].append({**live["metadata"]["managedFields"][0], "operation": "Update"})
    assert last_applied(live, "kfkit") is None
    assert not is_applied({**RENDER, "apiVersion": "apps/v1beta2"}, _live(), "kfkit")
    assert not is_applied(RENDER, None, "kfkit")
