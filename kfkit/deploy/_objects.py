"""Naming objects in reports, collecting per-object failures, and bounded parallelism."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TypeVar

from kfkit._types import Obj
from kfkit.errors import ClusterError, Conflict, Forbidden, Invalid
from kfkit.manifests import COMPONENT_LABEL

__all__ = [
    "DEFAULT_PARALLELISM",
    "ObjectErrors",
    "ObjectFailure",
    "ObjectRef",
    "ObjectResult",
    "Recorder",
    "for_each",
]

DEFAULT_PARALLELISM = 5
"""Requests in flight at once: qbec's and kapp's figure, gentle on a shared API server."""

_PER_OBJECT = (Forbidden, Conflict, Invalid)
"""Errors that concern one object; anything else (unreachable server, 401) stops everything."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class ObjectRef:
    """How reports name an object: ``Deployment my-ns/inception-v1`` of ``model-server``."""

    api_version: str
    kind: str
    namespace: str
    name: str
    component: str = ""

    @classmethod
    def of(cls, obj: Obj) -> ObjectRef:
        meta = obj.get("metadata") or {}
        return cls(
            obj.get("apiVersion", ""),
            obj.get("kind", ""),
            meta.get("namespace", "") or "",
            meta.get("name", "") or "",
            (meta.get("labels") or {}).get(COMPONENT_LABEL, ""),
        )

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace}/{self.name}" if self.namespace else f"{self.kind} {self.name}"


@dataclass(frozen=True)
class ObjectFailure:
    """One object the server (or kfkit) refused, and why."""

    ref: ObjectRef
    error: ClusterError

    def __str__(self) -> str:
        where = f'component "{self.ref.component}": ' if self.ref.component else ""
        return f"{where}{self.ref}: {self.error}"


@dataclass(frozen=True)
class ObjectResult:
    """What happened to an object: created, configured, unchanged, pruned, deleted, ready…"""

    ref: ObjectRef
    action: str
    dry_run: bool = False
    note: str = ""


class Recorder:
    """Collects results and passes each on to an optional callback (the CLI's printer)."""

    def __init__(self, on_result: Callable[[ObjectResult], None] | None = None) -> None:
        self.results: list[ObjectResult] = []
        self._on_result = on_result

    def __call__(self, item: ObjectResult) -> None:
        self.results.append(item)
        if self._on_result is not None:
            self._on_result(item)


class ObjectErrors(ClusterError):
    """Some objects failed; ``str()`` is the summary, :attr:`failures` has one per object."""

    def __init__(self, summary: str, failures: Sequence[ObjectFailure]) -> None:
        super().__init__(summary)
        self.failures = list(failures)


def for_each(
    work: Callable[[T], R],
    items: Sequence[T],
    ref: Callable[[T], ObjectRef],
    *,
    on_done: Callable[[R], None] | None = None,
) -> tuple[list[R | None], list[ObjectFailure]]:
    """Run ``work`` on every item, DEFAULT_PARALLELISM at a time.

    Returns the results in item order (None where it failed) and the per-object failures;
    ``on_done`` sees each result as it arrives, on the calling thread. An error that is not
    about one object stops everything: no further item is started, and it is raised once
    the items in flight have finished.
    """
    results: list[R | None] = [None] * len(items)
    failures: dict[int, ObjectFailure] = {}
    with ThreadPoolExecutor(DEFAULT_PARALLELISM) as pool:
        futures: dict[Future[R], int] = {pool.submit(work, item): i for i, item in enumerate(items)}
        try:
            for future in as_completed(futures):
                index = futures[future]
                try:
                    results[index] = result = future.result()
                except _PER_OBJECT as exc:
                    failures[index] = ObjectFailure(ref(items[index]), exc)
                    continue
                if on_done is not None:
                    on_done(result)
        except BaseException:
            pool.shutdown(cancel_futures=True)  # (Ctrl-C too) start nothing more
            raise
    return results, [failures[i] for i in sorted(failures)]
