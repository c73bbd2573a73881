"""Diff building blocks: server-field stripping, secret masking, environment comparisons."""

from __future__ import annotations

from typing import Any

from kfkit import Action, ObjectId
from kfkit.deploy import ObjectDiff, SecretMask, Side, diff_sides
from kfkit.deploy._plan import comparable


def _secret(**data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"}, "data": data}


def _config(name: str, namespace: str = "", **data: str) -> dict[str, Any]:
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


def test_comparable_drops_what_the_server_owns() -> None:
    live = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "c",
            "uid": "1",
            "resourceVersion": "7",
            "generation": 2,
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "managedFields": [{}],
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"},
        },
        "data": {"k": "v"},
        "status": {"x": 1},
    }
    assert comparable(live) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {"k": "v"},
    }


def test_masking_hides_values_but_shows_changes() -> None:
    mask = SecretMask()
    before, after = mask(_secret(password="aHVudGVyMg==")), mask(_secret(password="aHVudGVyMw=="))
    assert before is not None
    assert after is not None
    assert before["data"]["password"].startswith("<secret sha256:")
    assert before != after
    assert mask(_secret(password="aHVudGVyMg==")) == before  # same value, same run: same mask
    assert SecretMask()(_secret(password="aHVudGVyMg==")) != before  # another run, another salt
    text = ObjectDiff(
        ObjectId.of(_secret()), before, after, "live/Secret/creds", "local/Secret/creds"
    ).unified()
    assert "aHVudGVy" not in text
    assert text.count("<secret sha256:") == 2


def test_masking_leaves_other_kinds_alone() -> None:
    config = _config("c", k="v")
    assert SecretMask()(config) is config


def test_unified_diff_of_a_new_object_is_all_additions() -> None:
    item = ObjectDiff(
        ObjectId.of(_config("c")),
        None,
        _config("c", k="v"),
        "live/ConfigMap/c",
        "local/ConfigMap/c",
    )
    lines = item.unified().splitlines()
    assert lines[:2] == ["--- live/ConfigMap/c", "+++ local/ConfigMap/c"]
    assert lines[2:] == [
        "@@ -0,0 +1,6 @@",
        "+apiVersion: v1",
        "+data:",
        "+  k: v",
        "+kind: ConfigMap",
        "+metadata:",
        "+  name: c",
    ]
    assert item.action is Action.CREATE


def test_environments_match_by_name_across_their_namespaces() -> None:
    first = Side("local:dev", [_config("app", "dev", k="1"), _config("only-dev", "dev")], "dev")
    second = Side("remote:prod", [_config("app", "prod", k="2"), _config("only-prod", "prod")], "prod")

    result = diff_sides(first, second)

    assert [(d.object_id.name, d.action) for d in result.objects] == [
        ("app", Action.CONFIGURE),
        ("only-dev", Action.CREATE),
        ("only-prod", Action.DELETE),
    ]
    changed = result.objects[0].unified()
    assert changed.splitlines()[:2] == [
        "--- remote:prod/ConfigMap/prod/app",
        "+++ local:dev/ConfigMap/dev/app",
    ]
    assert "-  k: '2'\n+  k: '1'\n" in changed
    assert "namespace" not in changed  # each side's own namespace is not a difference
    assert result.has_changes


def test_equal_environments_have_no_changes() -> None:
    side = [_config("app", k="1")]
    result = diff_sides(Side("local:a", side, "a"), Side("local:b", side, "b"))
    assert not result.has_changes
    assert result.counts()[Action.UNCHANGED] == 1


def _deployment(api_version: str, name: str, namespace: str = "") -> dict[str, Any]:
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": api_version, "kind": "Deployment", "metadata": meta, "spec": {"replicas": 1}}


def test_an_object_on_a_removed_api_matches_its_live_successor_by_name() -> None:
    """extensions/v1beta1 and apps/v1 Deployments of one name are one object: a change, not -1 +1."""
    first = Side("local:dev", [_deployment("extensions/v1beta1", "web")], "dev")
    second = Side(
        "remote:prod", [_deployment("apps/v1", "web", "prod"), _deployment("apps/v1", "api", "prod")], "prod"
    )

    result = diff_sides(first, second)

    assert [(d.object_id.name, d.action) for d in result.objects] == [
        ("web", Action.CONFIGURE),
        ("api", Action.DELETE),
    ]
    assert "-apiVersion: apps/v1\n+apiVersion: extensions/v1beta1\n" in result.objects[0].unified()


def test_a_removed_api_never_matches_an_unrelated_group() -> None:
    """Only the table's successor counts: a Deployment of another group stays another object."""
    other = {**_deployment("v1", "web"), "apiVersion": "example.com/v1"}
    result = diff_sides(
        Side("local:a", [_deployment("extensions/v1beta1", "web")], "a"), Side("local:b", [other], "b")
    )
    assert [d.action for d in result.objects] == [Action.CREATE, Action.DELETE]
