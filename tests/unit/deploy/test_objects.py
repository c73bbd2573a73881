"""for_each: parallel within a tier, failures per object, and a fatal error stops the rest."""

from __future__ import annotations

import threading
import time

import pytest

from kfkit import ObjectId
from kfkit.deploy._objects import DEFAULT_PARALLELISM, for_each
from kfkit.errors import ClusterError, Invalid


def _ref(i: int) -> ObjectId:
    return ObjectId("", "ConfigMap", "ns", f"c{i}", "v1")


def test_items_run_in_parallel_and_results_keep_item_order() -> None:
    # Every item waits for all of them: one at a time, the barrier would break.
    barrier = threading.Barrier(DEFAULT_PARALLELISM, timeout=5)

    def work(i: int) -> int:
        barrier.wait()
        return i * 10

    done: list[int] = []
    results, failures = for_each(work, range(DEFAULT_PARALLELISM), _ref, on_done=done.append)

    assert results == [i * 10 for i in range(DEFAULT_PARALLELISM)]
    assert done == results
    assert failures == []


def test_results_are_reported_in_item_order_whatever_finishes_first() -> None:
    def work(i: int) -> int:
        time.sleep(0.05 * (DEFAULT_PARALLELISM - i))  # the last item finishes first
        if i == 1:
            raise Invalid("bad 1")
        return i

    done: list[int] = []
    for_each(work, range(DEFAULT_PARALLELISM), _ref, on_done=done.append)

    assert done == [i for i in range(DEFAULT_PARALLELISM) if i != 1]


def test_object_failures_are_collected_in_item_order_and_the_rest_still_runs() -> None:
    def work(i: int) -> int:
        if i % 2:
            raise Invalid(f"bad {i}")
        return i

    results, failures = for_each(work, range(6), _ref)

    assert results == [0, None, 2, None, 4, None]
    assert all(f.error.object_id == f.object_id for f in failures)
    assert [(f.object_id.name, str(f.error)) for f in failures] == [
        ("c1", "bad 1"),
        ("c3", "bad 3"),
        ("c5", "bad 5"),
    ]


def test_an_error_about_the_cluster_starts_nothing_more() -> None:
    started: list[int] = []

    def work(i: int) -> int:
        if i == 0:
            raise ClusterError("cannot reach the server")
        started.append(i)
        time.sleep(0.5)  # keep the other workers busy while the error arrives
        return i

    with pytest.raises(ClusterError, match="cannot reach the server"):
        for_each(work, range(20), _ref)

    # Those in flight (and at most one the freed worker took) finish; the queue is dropped.
    assert len(started) <= DEFAULT_PARALLELISM


def test_local_items_run_on_the_calling_thread_in_the_same_order_and_failure_handling() -> None:
    caller = threading.get_ident()
    threads: dict[int, int] = {}

    def work(i: int) -> int:
        threads[i] = threading.get_ident()
        if i == 3:
            raise Invalid("bad 3")
        time.sleep(0.02 if i % 2 else 0)
        return i

    done: list[int] = []
    results, failures = for_each(work, range(6), _ref, on_done=done.append, local=lambda i: i % 2 == 0)

    assert results == [0, 1, 2, None, 4, 5]
    assert done == [0, 1, 2, 4, 5]
    assert [f.object_id.name for f in failures] == ["c3"]
    assert {i for i, thread in threads.items() if thread == caller} == {0, 2, 4}
