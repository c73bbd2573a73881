"""Jsonnet evaluations in worker processes of their own: how a large render uses every core.

Threads in one process share one Go runtime, whose collector already keeps a second core
busy; separate processes each get their own, and Go reads ``GOGC`` only from the environment
a process starts with, so only a worker can be given a collector tuned for one short
evaluation (``GOGC=400``: a quarter of the collections, for more memory), unless the user set
``GOGC`` themselves. Measured on 2 cores, 800 tf-serving components: 0.54-0.63x the wall time
of one evaluation, against 0.79-0.81x for two threads (docs/rendering.md).

A worker reads one job (JSON) on stdin and writes the engine's JSON text on stdout. Any
failure is only a non-zero exit: the caller evaluates in its own process again, which gives
the error exactly as it would have been without workers (or the value, if the worker died
of something else).

A worker starts with ``python -P`` and kfkit's own directory first on its path: no Python
file in an app's directory (the working directory of most commands) is ever imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kfkit._types import JsonValue
from kfkit.evaluator import Evaluation, evaluate_snippet_json

__all__ = ["Job", "WorkerFailed", "cores", "decode", "encode", "evaluate_in_workers", "serve"]

GOGC = "400"
"""The workers' collector setting when the user's environment has none."""

_START = "import sys; sys.path.insert(0, sys.argv[1]); from kfkit._workers import serve; serve()"


class Job(NamedTuple):
    """One evaluation of Jsonnet source text: what :func:`evaluator.evaluate_snippet` takes."""

    name: str
    code: str
    evaluation: Evaluation


class WorkerFailed(Exception):
    """A worker did not answer with a value: evaluate in this process instead."""


def cores() -> int:
    """The cores this process may use: its affinity (taskset, cpusets), lowered to its cgroup's
    CPU quota, so a CI job limited to 2 CPUs on a 64-core node starts 2 workers, not 64."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    quota = _cpu_quota()
    return count if quota is None else max(1, min(count, quota))


CGROUP = Path("/sys/fs/cgroup")
"""Where a container sees its own cgroup (v2: ``cpu.max``; v1: ``cpu/cpu.cfs_quota_us``)."""


def _cpu_quota() -> int | None:
    """The cgroup's CPU quota in whole cores, rounded up; None: no quota, or none readable."""
    try:
        quota, period = (CGROUP / "cpu.max").read_text().split()
    except (OSError, ValueError):
        try:
            quota = (CGROUP / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (CGROUP / "cpu" / "cpu.cfs_period_us").read_text().strip()
        except OSError:
            return None
    try:
        q, p = int(quota), int(period)
    except ValueError:  # "max": no quota
        return None
    return -(-q // p) if q > 0 and p > 0 else None  # v1 says -1 for none


def evaluate_in_workers(jobs: Sequence[Job]) -> Iterator[JsonValue]:
    """Each job's value, in order, each evaluated in a worker process of its own.

    Raises :class:`WorkerFailed` when a worker cannot start or does not answer; workers still
    running then are stopped.
    """
    environment = {"GOGC": GOGC, **os.environ}
    command = [sys.executable, "-P", "-c", _START, str(Path(__file__).resolve().parents[1])]
    pipe = subprocess.PIPE
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for _ in jobs:  # all started first: their interpreters start up side by side
            workers.append(
                subprocess.Popen(command, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL, env=environment)
            )
        for job, worker in zip(jobs, workers, strict=True):
            assert worker.stdin is not None
            # A worker reads its whole job before it writes anything: no deadlock.
            worker.stdin.write(json.dumps(encode(job)).encode())
            worker.stdin.close()
        for worker in workers:
            assert worker.stdout is not None
            output = worker.stdout.read()
            if worker.wait() != 0:
                raise WorkerFailed(f"a render worker exited with status {worker.returncode}")
            value: JsonValue = json.loads(output)
            yield value
    # No interpreter to start, a pipe closed by a dying worker, or not JSON from it.
    except (OSError, ValueError) as exc:
        raise WorkerFailed(f"a render worker failed: {exc}") from exc
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            if worker.stdout is not None:
                worker.stdout.close()


def serve() -> None:
    """A worker's whole life: one job from stdin, its value to stdout.

    Any exception ends it with status 1, its traceback unread: the caller evaluates again.
    """
    name, code, evaluation = decode(json.loads(sys.stdin.buffer.read()))
    sys.stdout.buffer.write(evaluate_snippet_json(name, code, evaluation).encode())


def encode(job: Job) -> dict[str, Any]:
    """The job as JSON data (paths as text)."""
    e = job.evaluation
    return {
        "name": job.name,
        "code": job.code,
        "jpath": [str(p) for p in e.jpath],
        "ext_strs": dict(e.ext_strs),
        "ext_codes": dict(e.ext_codes),
        "tla_strs": dict(e.tla_strs),
        "tla_codes": dict(e.tla_codes),
        "root": None if e.root is None else str(e.root),
        "confine": None if e.confine is None else [str(p) for p in e.confine],
        "overrides": {str(path): text for path, text in e.overrides.items()},
        "max_output_bytes": e.max_output_bytes,
    }


def decode(data: Mapping[str, Any]) -> Job:
    """The job :func:`encode` made this data of."""
    evaluation = Evaluation(
        jpath=tuple(Path(p) for p in data["jpath"]),
        ext_strs=data["ext_strs"],
        ext_codes=data["ext_codes"],
        tla_strs=data["tla_strs"],
        tla_codes=data["tla_codes"],
        root=None if data["root"] is None else Path(data["root"]),
        confine=None if data["confine"] is None else tuple(Path(p) for p in data["confine"]),
        overrides={Path(path): text for path, text in data["overrides"].items()},
        max_output_bytes=data["max_output_bytes"],
    )
    return Job(data["name"], data["code"], evaluation)
