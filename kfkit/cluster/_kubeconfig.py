"""Kubeconfig reading through the official client: contexts, clusters, servers, API clients."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import yaml
from kubernetes import config as k8s_config
from kubernetes.client import ApiClient, Configuration
from kubernetes.config.config_exception import ConfigException
from urllib3.util.retry import Retry

from kfkit.errors import ClusterError

__all__ = ["RETRIES", "ContextInfo", "api_client", "first_line", "kube_contexts", "kubeconfig_path"]

DEFAULT_KUBECONFIG = "~/.kube/config"


class _Retry(Retry):
    """urllib3's retries, plus any method on 429: API Priority and Fairness refused it unprocessed."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code == 429 and self.total:
            return True
        return super().is_retry(method, status_code, has_retry_after)


RETRIES = _Retry(
    total=5,
    connect=0,
    read=2,
    status=5,
    backoff_factor=0.25,
    backoff_max=8.0,
    status_forcelist=(500, 502, 503, 504),
    raise_on_status=False,
)
"""Idempotent requests (GET, PUT, DELETE) retry 5xx and dropped connections with exponential
backoff (0, 0.5, 1, 2, 4 s; a ``Retry-After`` is obeyed); any request retries 429. A refused
connection fails at once, and an apply PATCH that failed with 5xx is never repeated."""


@dataclass(frozen=True)
class ContextInfo:
    """A kubeconfig context with the server of its cluster."""

    name: str
    cluster: str
    server: str
    namespace: str
    current: bool
    user: str = ""


def kubeconfig_path(kubeconfig: str | None = None) -> str:
    """The kubeconfig: the given one, else ``$KUBECONFIG`` (may list several), else ~/.kube/config.

    Always passed on explicitly: the client reads ``$KUBECONFIG`` once, at import time.
    """
    return kubeconfig or os.environ.get("KUBECONFIG") or DEFAULT_KUBECONFIG


def kube_contexts(kubeconfig: str | None = None) -> list[ContextInfo]:
    """Every context of the kubeconfig (``$KUBECONFIG`` or ~/.kube/config when not given).

    Read with the client's merger rather than its loader, which refuses a kubeconfig
    without a current context.
    """
    path = kubeconfig_path(kubeconfig)
    try:
        merged = _merged(path).config
        if merged is None:
            raise ConfigException("no configuration found")
        current = merged.safe_get("current-context") or ""
        servers = {
            c["name"]: c["cluster"].safe_get("server") or "" for c in merged.safe_get("clusters") or []
        }
        contexts = [(c["name"], c.value.get("context") or {}) for c in merged.safe_get("contexts") or []]
    except (ConfigException, OSError, TypeError, KeyError, yaml.YAMLError) as exc:
        raise ClusterError(f"cannot read kubeconfig {path}: {first_line(exc)}") from exc
    return [
        ContextInfo(
            name=name,
            cluster=body.get("cluster", ""),
            server=servers.get(body.get("cluster", ""), ""),
            namespace=body.get("namespace", "") or "",
            current=name == current,
            user=body.get("user", "") or "",
        )
        for name, body in contexts
    ]


def api_client(kubeconfig: str | None, context: str) -> Any:
    """A ``kubernetes.client.ApiClient`` for one context (its TLS, tokens, exec plugins), with RETRIES."""
    configuration = Configuration()
    configuration.retries = RETRIES
    try:
        # What the client's new_client_from_config does, with the files read for the context.
        merged = _merged(kubeconfig_path(kubeconfig))
        if merged.config is None:
            raise ConfigException("Invalid kube-config file. No configuration found.")
        loader = k8s_config.kube_config.KubeConfigLoader(  # type: ignore[no-untyped-call]
            config_dict=merged.config,
            config_base_path=None,
            active_context=context,
            config_persister=merged.save_changes,
        )
        loader.load_and_set(configuration)  # type: ignore[no-untyped-call]
    except (ConfigException, OSError, TypeError, ValueError) as exc:
        raise ClusterError(f"cannot use kubeconfig context {context!r}: {first_line(exc)}") from exc
    # Before every request the loader's token hook sets the server again, and that setter reads
    # the proxy variables of the whole environment again (~0.2 ms CPU a request). Setting the
    # proxy it found (the environment's, or the kubeconfig's proxy-url) keeps it for the client.
    configuration.proxy = configuration.proxy
    return ApiClient(configuration=configuration)


_MERGED: dict[str, tuple[tuple[tuple[int, int, int] | None, ...], Any]] = {}


def _merged(path: str) -> Any:
    """The client's merge (``KubeConfigMerger``) of the kubeconfig files at ``path``, read again
    only when one changed: picking the context and connecting read the same files, and the
    client's pure-Python YAML takes ~70 ms for a 100 KB kubeconfig (20 contexts, certificates)."""
    stamp = tuple(_stamp(p) for p in path.split(os.pathsep) if p)
    known = _MERGED.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    merged = k8s_config.kube_config.KubeConfigMerger(path)  # type: ignore[no-untyped-call]
    _MERGED[path] = (stamp, merged)
    return merged


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        found = os.stat(os.path.expanduser(path))
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size, found.st_ino


def first_line(exc: BaseException) -> str:
    """A third-party message cut to one line, for kfkit's one-line errors."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
