"""History storage against an in-memory stand-in for the API server's create/list/delete."""

from __future__ import annotations

import base64
import os
import threading
from dataclasses import replace
from typing import Any

import pytest

from kfkit.errors import ClusterError, Conflict, UsageError
from kfkit.history import Revision, get_revision, list_revisions, record, trim

NAMESPACE = "ns"


class Secrets:
    """Secrets by name; create refuses an existing name (409) like the server; list filters labels."""

    def __init__(self, *, races: int = 0) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.races = races
        """How many creates lose to a concurrent writer first (it takes their number)."""
        self.lock = threading.Lock()

    def create(self, obj: dict[str, Any]) -> dict[str, Any]:
        name = obj["metadata"]["name"]
        with self.lock:
            if self.races:
                self.races -= 1
                self.items[name] = {**obj, "metadata": {**obj["metadata"], "uid": "rival"}}
            if name in self.items:
                raise Conflict(f'secrets "{name}" already exists')
            self.items[name] = {**obj, "metadata": {**obj["metadata"], "uid": name}}
        return obj

    def list_kind(
        self, api_version: str, kind: str, *, namespace: str, selector: str
    ) -> list[dict[str, Any]]:
        assert (api_version, kind, namespace) == ("v1", "Secret", NAMESPACE)
        wanted = [term.partition("=") for term in selector.split(",")]
        with self.lock:
            return [
                obj
                for obj in self.items.values()
                if all(
                    key in obj["metadata"]["labels"] and (not sep or obj["metadata"]["labels"][key] == value)
                    for key, sep, value in wanted
                )
            ]

    def delete(self, obj: dict[str, Any], *, dry_run: bool = False, uid: str = "") -> bool:
        with self.lock:
            return self.items.pop(obj["metadata"]["name"], None) is not None


def _draft(env: str = "prod", command: str = "kfkit apply prod") -> Revision:
    return Revision(0, "shop", env, "apply", "2026-12-02T16:00:00Z", "ana@box", "0.1.0", command)


def test_revisions_are_numbered_listed_and_bounded() -> None:
    store = Secrets()
    numbers = [record(store, _draft(command=f"c{i}"), NAMESPACE, max_history=3).number for i in range(5)]
    assert numbers == [1, 2, 3, 4, 5]
    kept = list_revisions(store, "shop", "prod", NAMESPACE)
    assert [(r.number, r.command) for r in kept] == [(3, "c2"), (4, "c3"), (5, "c4")]
    assert sorted(store.items) == ["kfkit.shop.prod.v3", "kfkit.shop.prod.v4", "kfkit.shop.prod.v5"]
    secret = store.items["kfkit.shop.prod.v5"]
    assert secret["type"] == "kfkit.io/history.v1"
    assert secret["metadata"]["labels"] == {
        "app.kubernetes.io/managed-by": "kfkit",
        "kfkit.io/app": "shop",
        "kfkit.io/environment": "prod",
        "kfkit.io/history": "v1",
        "kfkit.io/revision": "5",
    }
    assert "annotations" not in secret["metadata"]  # never mistaken for an applied object by prune


def test_environments_keep_separate_histories() -> None:
    store = Secrets()
    record(store, _draft("prod"), NAMESPACE)
    record(store, _draft("prod/eu"), NAMESPACE)
    assert record(store, _draft("prod"), NAMESPACE).number == 2
    assert [r.number for r in list_revisions(store, "shop", "prod/eu", NAMESPACE)] == [1]


def test_a_number_taken_by_a_concurrent_writer_is_skipped() -> None:
    store = Secrets(races=2)
    revision = record(store, _draft(), NAMESPACE)
    assert revision.number == 3
    assert get_revision(store, "shop", "prod", NAMESPACE, 3).command == "kfkit apply prod"


def test_endless_contention_is_an_error_not_a_hang() -> None:
    with pytest.raises(ClusterError, match="taken by concurrent writers"):
        record(Secrets(races=1000), _draft(), NAMESPACE)


def test_threads_recording_at_once_get_distinct_numbers() -> None:
    store = Secrets()
    numbers: list[int] = []

    def one(i: int) -> None:
        numbers.append(record(store, _draft(command=f"c{i}"), NAMESPACE, max_history=50).number)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == list(range(1, 9))


def test_get_revision_names_the_kept_ones_when_it_is_missing() -> None:
    store = Secrets()
    for _ in range(3):
        record(store, _draft(), NAMESPACE, max_history=2)
    with pytest.raises(UsageError, match=r'environment "prod" of app "shop" has no revision 1 .*kept: 2, 3'):
        get_revision(store, "shop", "prod", NAMESPACE, 1)


def test_trim_keeps_the_newest() -> None:
    store = Secrets()
    for _ in range(4):
        record(store, _draft(), NAMESPACE)
    assert trim(store, "shop", "prod", NAMESPACE, keep=1) == 3
    assert [r.number for r in list_revisions(store, "shop", "prod", NAMESPACE)] == [4]
    with pytest.raises(UsageError, match="at least 1"):
        trim(store, "shop", "prod", NAMESPACE, keep=0)


def test_a_revision_too_large_for_a_secret_is_refused_before_anything_is_written() -> None:
    store = Secrets()
    noise = base64.b64encode(os.urandom(1_400_000)).decode()  # compresses to more than 1 MB
    big = replace(_draft(), objects=[{"apiVersion": "v1", "kind": "ConfigMap", "data": {"k": noise}}])
    with pytest.raises(ClusterError, match="a Secret holds at most"):
        record(store, big, NAMESPACE)
    assert store.items == {}
