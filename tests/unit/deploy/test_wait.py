"""Readiness rules (kubectl rollout status), durations, and the wait loop's timeout report."""

from __future__ import annotations

from typing import Any

import pytest

from kfkit.deploy import format_duration, parse_duration, wait_ready
from kfkit.deploy._wait import not_ready
from kfkit.errors import ClusterError, UsageError
from kfkit.testing import FakeCluster


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("1.5m", 90), ("45", 45)],
)
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5 m", "m", "5x", "1h-3m", "0s", "-1"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(UsageError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"), [(300, "5m"), (90, "1m30s"), (3600, "1h"), (0.5, "0.5s"), (1, "1s")]
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def _deployment(generation: int = 1, want: int = 2, **status: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "ns", "generation": generation},
        "spec": {"replicas": want},
        "status": status,
    }


def test_deployment_readiness_follows_rollout_status() -> None:
    assert not_ready(_deployment()) == "generation 1 not yet observed by its controller"
    assert not_ready(_deployment(observedGeneration=1, updatedReplicas=1)) == "1 of 2 replicas updated"
    assert (
        not_ready(_deployment(observedGeneration=1, updatedReplicas=2, replicas=3))
        == "1 old replicas pending termination"
    )
    assert (
        not_ready(_deployment(observedGeneration=1, updatedReplicas=2, replicas=2, availableReplicas=1))
        == "1 of 2 updated replicas available"
    )
    assert (
        not_ready(_deployment(observedGeneration=1, updatedReplicas=2, replicas=2, availableReplicas=2))
        is None
    )


def test_failed_job_is_an_error_not_a_wait() -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "once", "namespace": "ns"},
        "status": {"conditions": [{"type": "Failed", "status": "True", "message": "BackoffLimitExceeded"}]},
    }
    with pytest.raises(ClusterError, match="Job ns/once failed: BackoffLimitExceeded"):
        not_ready(job)
    job["status"] = {"conditions": [{"type": "Complete", "status": "True"}]}
    assert not_ready(job) is None


class _Clock:
    """Time that moves only when slept."""

    def __init__(self) -> None:
        self.now = 0.0

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_wait_times_out_naming_what_is_not_ready() -> None:
    cluster = FakeCluster(ready=False, namespaces=["ns"])  # no controller observes the Deployment
    cluster.add(_deployment())
    clock = _Clock()
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "ns"},
    }
    with pytest.raises(ClusterError) as err:
        wait_ready(
            cluster,
            [_deployment(), config_map],
            timeout=3,
            clock=lambda: clock.now,
            sleep=clock.sleep,
        )
    assert str(err.value) == (
        "timed out after 3s waiting for 1 object to be ready: "
        "Deployment ns/web: generation 1 not yet observed by its controller"
    )
    assert cluster.requests["get"] == 4  # at 0, 1, 2 and 3 seconds; the ConfigMap is never waited for
