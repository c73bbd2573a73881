"""API discovery: which kinds a server serves, cached in memory and on disk like kubectl.

kubectl keeps discovery under ~/.kube/cache/discovery/<host_port>/ for 6 hours and drops it
when a kind is not found in it; kfkit does the same under its own cache dir. A server with
aggregated discovery (Kubernetes 1.26+, GA in 1.30) answers everything in two requests
(``/api`` and ``/apis``); an older one is asked ``/api``, ``/apis`` and every group version.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from kfkit._atomic import replace_file

__all__ = ["AGGREGATED", "DISCOVERY_PARALLELISM", "TTL", "ApiResource", "Discovery", "group_version_path"]

TTL = 6 * 3600.0
"""Seconds a cached discovery is trusted: kubectl's default."""
DISCOVERY_PARALLELISM = 5
AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
"""Accept header asking for aggregated discovery, with plain JSON as the fallback."""
_FORMAT = 1

Fetch = Callable[[str, str], Any]
"""``fetch(path, accept)``: the decoded JSON answer to a GET, None for 404."""


@dataclass(frozen=True)
class ApiResource:
    """One resource type from discovery: its REST name and whether objects live in namespaces."""

    group_version: str
    kind: str
    name: str
    namespaced: bool
    verbs: frozenset[str]

    @property
    def group(self) -> str:
        """The API group: ``apps`` for ``apps/v1``, empty for the core ``v1``."""
        return self.group_version.rpartition("/")[0]

    def path(self, namespace: str = "", name: str = "") -> str:
        base = group_version_path(self.group_version)
        if self.namespaced and namespace:
            base += f"/namespaces/{quote(namespace, safe='')}"
        base += f"/{self.name}"
        return base + (f"/{quote(name, safe='')}" if name else "")


@dataclass(frozen=True)
class _Tables:
    resources: dict[str, dict[str, ApiResource]]
    """Group version → kind → resource."""
    preferred: list[str]
    """Each group's preferred version, core first."""


class Discovery:
    """What one server serves; thread-safe, fetched at most once at a time.

    ``cache_file`` (None: memory only) is reused while younger than :data:`TTL`. A kind
    missing from a cached answer makes one fresh fetch per :class:`Discovery` (a CRD
    created since); :meth:`forget` forces the next lookup to ask the server.
    """

    def __init__(
        self, fetch: Fetch, cache_file: Path | None, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._fetch = fetch
        self._cache_file = cache_file
        self._clock = clock
        self._tables: _Tables | None = None
        self._fresh = False
        """Whether the tables were fetched by this instance (not read from disk)."""
        self._lock = threading.Lock()

    def resource(self, api_version: str, kind: str) -> ApiResource | None:
        """The resource serving ``kind`` in ``api_version``, or None when the server has none."""
        found = self._load().resources.get(api_version, {}).get(kind)
        if found is None and not self._fresh:
            found = self._load(refresh=True).resources.get(api_version, {}).get(kind)
        return found

    def preferred(self) -> list[ApiResource]:
        """Every resource type at its group's preferred version."""
        tables = self._load()
        return [r for gv in tables.preferred for r in tables.resources.get(gv, {}).values()]

    def forget(self) -> None:
        """Ask the server again on the next lookup, e.g. once new CRDs are established."""
        with self._lock:
            self._tables, self._fresh = None, False
        if self._cache_file is not None:
            with contextlib.suppress(OSError):
                self._cache_file.unlink()

    def _load(self, *, refresh: bool = False) -> _Tables:
        with self._lock:
            if self._tables is not None and not (refresh and not self._fresh):
                return self._tables
            tables = None if refresh else self._read_cache()
            if tables is None:
                tables, self._fresh = self._fetch_all(), True
                self._write_cache(tables)
            self._tables = tables
            return tables

    def _fetch_all(self) -> _Tables:
        core = self._fetch("/api", AGGREGATED) or {}
        groups = self._fetch("/apis", AGGREGATED) or {}
        if core.get("kind") == groups.get("kind") == "APIGroupDiscoveryList":
            return _aggregated([*core.get("items", []), *groups.get("items", [])])
        versions = list(core.get("versions", []))
        preferred = list(versions)
        for group in groups.get("groups", []):
            versions += [v["groupVersion"] for v in group.get("versions", [])]
            if group.get("preferredVersion"):
                preferred.append(group["preferredVersion"]["groupVersion"])
        with ThreadPoolExecutor(DISCOVERY_PARALLELISM) as pool:
            lists = list(
                pool.map(lambda gv: self._fetch(group_version_path(gv), "application/json"), versions)
            )
        resources = {gv: _legacy(gv, body or {}) for gv, body in zip(versions, lists, strict=True)}
        return _Tables(resources, preferred)

    def _read_cache(self) -> _Tables | None:
        if self._cache_file is None:
            return None
        try:
            if self._clock() - self._cache_file.stat().st_mtime >= TTL:
                return None
            data = json.loads(self._cache_file.read_text())
            if data.get("format") != _FORMAT:
                return None
            resources = {
                gv: {
                    r["kind"]: ApiResource(gv, r["kind"], r["name"], r["namespaced"], frozenset(r["verbs"]))
                    for r in table
                }
                for gv, table in data["resources"].items()
            }
            return _Tables(resources, list(data["preferred"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # absent, stale or damaged: ask the server

    def _write_cache(self, tables: _Tables) -> None:
        """Atomically, and never fatally: a read-only cache dir only costs the next run requests."""
        if self._cache_file is None:
            return
        data = {
            "format": _FORMAT,
            "preferred": tables.preferred,
            "resources": {
                gv: [
                    {"kind": r.kind, "name": r.name, "namespaced": r.namespaced, "verbs": sorted(r.verbs)}
                    for r in table.values()
                ]
                for gv, table in tables.resources.items()
            },
        }
        with contextlib.suppress(OSError):
            replace_file(self._cache_file, json.dumps(data).encode(), prefix=".discovery-")


def cache_file(cache_dir: Path, server: str) -> Path:
    """Where one server's discovery is kept: ``<cache_dir>/<host_port>/resources.json`` (kubectl's layout)."""
    parts = urlsplit(server)
    host = re.sub(r"[^A-Za-z0-9._-]", "_", parts.netloc or server)
    return cache_dir / host / "resources.json"


def group_version_path(group_version: str) -> str:
    """Where a group version is served: ``/api/v1`` for the core group, else ``/apis/<gv>``."""
    return "/api/v1" if group_version == "v1" else f"/apis/{group_version}"


def _aggregated(groups: list[Any]) -> _Tables:
    """Tables from APIGroupDiscovery items; versions come in order of preference."""
    resources: dict[str, dict[str, ApiResource]] = {}
    preferred = []
    for group in groups:
        name = group.get("metadata", {}).get("name", "")
        for index, version in enumerate(group.get("versions", [])):
            gv = f"{name}/{version['version']}" if name else version["version"]
            if index == 0:
                preferred.append(gv)
            resources[gv] = {
                r["responseKind"]["kind"]: ApiResource(
                    gv,
                    r["responseKind"]["kind"],
                    r["resource"],
                    r.get("scope") == "Namespaced",
                    frozenset(r.get("verbs", [])),
                )
                for r in version.get("resources", [])
                if r.get("responseKind", {}).get("kind")
            }
    return _Tables(resources, preferred)


def _legacy(group_version: str, body: Any) -> dict[str, ApiResource]:
    """A table from one APIResourceList, without subresources such as deployments/status."""
    return {
        r["kind"]: ApiResource(
            group_version, r["kind"], r["name"], bool(r.get("namespaced")), frozenset(r.get("verbs", []))
        )
        for r in body.get("resources", [])
        if "/" not in r["name"]
    }
