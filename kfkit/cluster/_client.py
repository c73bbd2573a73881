"""ClusterClient: discovery, get, server-side apply, delete and list over the official client.

Requests go through ``ApiClient.param_serialize``/``call_api``, so kubeconfig TLS, tokens
and exec plugins behave as the client implements them; bodies go out as JSON and come
back as plain dicts. Every HTTP status and transport failure becomes a one-line
:class:`~kfkit.errors.ClusterError` here, and nowhere else.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import Any

import urllib3
from kubernetes.client.exceptions import OpenApiException
from kubernetes.config.config_exception import ConfigException

from kfkit._connection import FIELD_MANAGER, Target
from kfkit._model import ObjectId
from kfkit._types import Obj
from kfkit.cluster._discovery import (
    DISCOVERY_PARALLELISM,
    ApiResource,
    Discovery,
    cache_file,
)
from kfkit.cluster._kubeconfig import api_client, first_line
from kfkit.errors import FORCE_CONFLICTS_HINT, ApiError, ClusterError, Conflict, Forbidden, Invalid

__all__ = ["FIELD_MANAGER", "ClusterClient"]

DEFAULT_REQUEST_TIMEOUT = (10.0, 60.0)
"""Seconds to connect, seconds to read: an unreachable server fails fast, a slow one gets time."""
_PAGE_SIZE = 500
_APPLY_PATCH = "application/apply-patch+yaml"
_TYPED_PATCH_ERROR = "failed to create typed patch object"
"""How SSA reports an unknown field (with HTTP 500): the object is invalid, the server is fine."""


class ClusterClient:
    """The cluster behind one kubeconfig context; thread-safe, so tiers apply in parallel.

    ``ClusterClient.connect(select_target(...))`` opens it; use it as a context manager.
    """

    def __init__(self, api: Any, target: Target, *, discovery_cache: Path | None = None) -> None:
        self._api = api
        self.target = target
        self._discovery = Discovery(
            self._discover, None if discovery_cache is None else cache_file(discovery_cache, target.server)
        )
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        """Requests sent (retries not included), by what they were for: ``discovery``, ``get``,
        ``list``, ``apply``, ``apply-dry-run``, ``create``, ``delete`` (as on the fake cluster),
        ``openapi``."""

    @classmethod
    def connect(cls, target: Target, *, discovery_cache: Path | None = None) -> ClusterClient:
        """A client for ``target``; ``discovery_cache``: a directory to keep discovery in (kubectl's TTL)."""
        return cls(api_client(target.kubeconfig, target.context), target, discovery_cache=discovery_cache)

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> ClusterClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- discovery -------------------------------------------------------------------------

    def resource(self, api_version: str, kind: str) -> ApiResource | None:
        """The resource serving ``kind`` in ``api_version``, or None when the server has none."""
        return self._discovery.resource(api_version, kind)

    def is_namespaced(self, api_version: str, kind: str) -> bool | None:
        """Whether ``kind`` objects live in namespaces; None for a kind the server lacks."""
        resource = self.resource(api_version, kind)
        return None if resource is None else resource.namespaced

    def forget_discovery(self) -> None:
        """Drop cached discovery, e.g. once new CRDs are established."""
        self._discovery.forget()

    def listable_resources(self) -> list[ApiResource]:
        """Every listable resource type, at each API group's preferred version."""
        return [r for r in self._discovery.preferred() if "list" in r.verbs]

    def _discover(self, path: str, accept: str) -> Any:
        return self._request("GET", path, purpose="discovery", accept=accept, missing_ok=True)

    def openapi_v2(self) -> tuple[str, Obj]:
        """The server's Kubernetes version (``/version``) and OpenAPI (swagger 2.0) spec (``/openapi/v2``).

        For generating ksonnet-lib from what the cluster serves, its CRDs included; the spec
        itself says only ``unversioned`` since Kubernetes 1.18.
        """
        version = str(self._request("GET", "/version", purpose="openapi").get("gitVersion", ""))
        spec: Obj = self._request("GET", "/openapi/v2", purpose="openapi")
        return version, spec

    # --- objects ---------------------------------------------------------------------------

    def get(self, obj: Obj) -> Obj | None:
        """The live object with ``obj``'s identity, or None."""
        found: Obj | None = self._request("GET", self._object_path(obj), purpose="get", missing_ok=True)
        return found

    def apply(self, obj: Obj, *, dry_run: bool = False, force: bool = False) -> Obj:
        """Server-side apply ``obj`` as field manager ``kfkit``, with strict field validation."""
        query = [("fieldManager", FIELD_MANAGER), ("fieldValidation", "Strict")]
        if force:
            query.append(("force", "true"))
        if dry_run:
            query.append(("dryRun", "All"))
        try:
            applied: Obj = self._request(
                "PATCH",
                self._object_path(obj),
                purpose="apply-dry-run" if dry_run else "apply",
                query=query,
                body=json.dumps(obj),  # serialized: the client sends it as is, without walking it
                content_type=_APPLY_PATCH,
            )
        except Conflict as exc:
            raise Conflict(
                f"{exc}; {FORCE_CONFLICTS_HINT}",
                status=exc.status,
                reason=exc.reason,
            ) from exc
        return applied

    def create(self, obj: Obj) -> Obj:
        """Create ``obj`` (POST); Conflict when an object of that name exists already."""
        path = self._object_path({**obj, "metadata": {**obj.get("metadata", {}), "name": ""}})
        query = [("fieldManager", FIELD_MANAGER), ("fieldValidation", "Strict")]
        created: Obj = self._request("POST", path, purpose="create", query=query, body=obj)
        return created

    def delete(self, obj: Obj, *, dry_run: bool = False, uid: str = "") -> bool:
        """Delete in the background (no controller needed to finish it); False when already gone.

        ``uid`` makes the server refuse if the object was replaced since it was read.
        """
        options: Obj = {
            "apiVersion": "v1",
            "kind": "DeleteOptions",
            "propagationPolicy": "Background",
        }
        if uid:
            options["preconditions"] = {"uid": uid}
        if dry_run:
            options["dryRun"] = ["All"]
        return (
            self._request("DELETE", self._object_path(obj), purpose="delete", body=options, missing_ok=True)
            is not None
        )

    def list_objects(self, resource: ApiResource, *, selector: str, namespace: str = "") -> list[Obj]:
        """Objects of one type matching a label selector, in ``namespace`` or all namespaces."""
        items: list[Obj] = []
        query = [("labelSelector", selector), ("limit", str(_PAGE_SIZE))]
        while True:
            page = self._request("GET", resource.path(namespace), purpose="list", query=query)
            for item in page.get("items", []):
                item.setdefault("apiVersion", resource.group_version)
                item.setdefault("kind", resource.kind)
                items.append(item)
            token = page.get("metadata", {}).get("continue")
            if not token:
                return items
            query = [*query[:2], ("continue", token)]

    def list_kind(self, api_version: str, kind: str, *, namespace: str, selector: str) -> list[Obj]:
        """Objects of one kind matching ``selector`` in ``namespace``; none if the kind is not served."""
        resource = self.resource(api_version, kind)
        return [] if resource is None else self.list_objects(resource, selector=selector, namespace=namespace)

    def list_labelled(
        self, selector: str, namespaces: Sequence[str], *, skip: Collection[tuple[str, str]] = ()
    ) -> list[Obj]:
        """Objects of every listable type matching ``selector``, each once.

        Namespaced types are listed in ``namespaces`` only (never cluster-wide: another
        namespace is someone else's), cluster-scoped types everywhere; types the user may
        not list, and the ``(group, kind)`` pairs in ``skip``, are not listed.
        """

        def one_type(resource: ApiResource) -> list[Obj]:
            found = []
            for namespace in namespaces if resource.namespaced else [""]:
                with contextlib.suppress(Forbidden):
                    found += self.list_objects(resource, selector=selector, namespace=namespace)
            return found

        wanted = [r for r in self.listable_resources() if (r.group, r.kind) not in skip]
        with ThreadPoolExecutor(DISCOVERY_PARALLELISM) as pool:
            batches = list(pool.map(one_type, wanted))
        unique: dict[str, Obj] = {}
        for obj in (o for batch in batches for o in batch):
            unique.setdefault(obj.get("metadata", {}).get("uid", id(obj)), obj)
        return list(unique.values())

    def _object_path(self, obj: Obj) -> str:
        api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
        resource = self.resource(api_version, kind)
        if resource is None:
            raise Invalid(f"the server has no kind {kind} in {api_version}")
        meta = obj.get("metadata", {})
        namespace = meta.get("namespace", "") if resource.namespaced else ""
        if resource.namespaced and not namespace:
            raise Invalid(f"{ObjectId.of(obj)} is namespaced but has no namespace")
        return resource.path(namespace, meta.get("name", ""))

    # --- HTTP ------------------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        purpose: str,
        query: Sequence[tuple[str, str]] = (),
        body: Any = None,
        content_type: str = "application/json",
        accept: str = "application/json",
        missing_ok: bool = False,
    ) -> Any:
        """The decoded JSON answer; None for 404 when ``missing_ok``; ClusterError otherwise.

        ``purpose`` counts the request in :attr:`requests`.
        """
        headers = {"Accept": accept, "Content-Type": content_type}
        with self._lock:
            self.requests[purpose] += 1
        try:
            request = self._api.param_serialize(
                method,
                path,
                query_params=list(query),
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
            )
            response = self._api.call_api(*request, _request_timeout=DEFAULT_REQUEST_TIMEOUT)
            data = response.read()
        except urllib3.exceptions.HTTPError as exc:
            raise ClusterError(
                f"cannot reach {self.target.server} ({self._where()}): {_reason(exc)}"
            ) from exc
        except (OpenApiException, ConfigException, OSError) as exc:
            raise ClusterError(
                f"request to {self.target.server} failed ({self._where()}): {first_line(exc)}"
            ) from exc
        if 200 <= response.status < 300:
            return json.loads(data) if data else {}
        if response.status == 404 and missing_ok:
            return None
        raise self._error(response.status, response.reason or "", data)

    def _error(self, status: int, reason: str, data: bytes) -> ClusterError:
        """The error for an HTTP status; ``reason`` is the Status body's (``Forbidden``, ``Invalid``…)."""
        message, reason = _status_message(data) or reason or f"HTTP {status}", _status_reason(data) or reason
        if status == 401:
            return ApiError(
                f"{self.target.server} rejected the credentials of {self._where()} (401)",
                status=status,
                reason=reason,
            )
        if status == 403:
            return Forbidden(message, status=status, reason=reason)
        if status == 409:
            return Conflict(message, status=status, reason=reason)
        if status in (400, 404, 422) or (status == 500 and message.startswith(_TYPED_PATCH_ERROR)):
            return Invalid(message, status=status, reason=reason)
        return ApiError(
            f"{self.target.server} answered {status} {reason}: {message}", status=status, reason=reason
        )

    def _where(self) -> str:
        return f'context "{self.target.context}"'


def _status_message(data: bytes) -> str:
    """The ``message`` of a ``Status`` body (or the body's first line), on one line."""
    text = data.decode("utf-8", "replace").strip()
    try:
        body = json.loads(text)
    except ValueError:
        return text.splitlines()[0] if text else ""
    message = body.get("message", "") if isinstance(body, dict) else ""
    return " ".join(str(message).split())


def _status_reason(data: bytes) -> str:
    """The ``reason`` of a ``Status`` body (``Forbidden``, ``Conflict``, ``Invalid``…), if any."""
    try:
        body = json.loads(data)
    except ValueError:
        return ""
    return str(body.get("reason", "")) if isinstance(body, dict) else ""


def _reason(exc: urllib3.exceptions.HTTPError) -> str:
    """``Connection refused`` rather than urllib3's nested repr of the connection object."""
    text = str(getattr(exc, "reason", None) or exc)
    if "] " in text:
        return text.rsplit("] ", 1)[1].rstrip("')\"")
    return text.rsplit(": ", 1)[-1].rstrip("')\"")
