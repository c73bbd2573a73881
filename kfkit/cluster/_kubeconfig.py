"""Kubeconfig reading through the official client: contexts, clusters, servers, API clients."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from kubernetes import config as k8s_config
from kubernetes.config.config_exception import ConfigException

from kfkit.errors import ClusterError

__all__ = ["ContextInfo", "api_client", "kube_contexts", "kubeconfig_path"]

DEFAULT_KUBECONFIG = "~/.kube/config"


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
    """The kubeconfig to read: the given one, else ``$KUBECONFIG`` (may list several), else ~/.kube/config.

    Always passed explicitly: the client reads ``$KUBECONFIG`` once, at import time.
    """
    return kubeconfig or os.environ.get("KUBECONFIG") or DEFAULT_KUBECONFIG


def kube_contexts(kubeconfig: str | None = None) -> list[ContextInfo]:
    """Every context of the kubeconfig (``$KUBECONFIG`` or ~/.kube/config when not given)."""
    try:
        loader = k8s_config.kube_config._get_kube_config_loader(filename=kubeconfig_path(kubeconfig))
        contexts, current = loader.list_contexts(), loader.current_context
        servers = {c["name"]: c["cluster"].safe_get("server") or "" for c in loader._config.safe_get("clusters") or []}
    except (ConfigException, OSError, TypeError) as exc:
        raise ClusterError(f"cannot read kubeconfig: {exc}") from exc
    result = []
    for ctx in contexts:
        body = ctx.get("context") or {}
        cluster = body.get("cluster", "")
        result.append(
            ContextInfo(
                name=ctx["name"],
                cluster=cluster,
                server=servers.get(cluster, ""),
                namespace=body.get("namespace", "") or "",
                current=bool(current) and ctx["name"] == current["name"],
                user=body.get("user", "") or "",
            )
        )
    return result


def api_client(kubeconfig: str | None, context: str) -> Any:
    """A ``kubernetes.client.ApiClient`` for one context: its TLS, tokens and exec plugins."""
    try:
        return k8s_config.new_client_from_config(config_file=kubeconfig_path(kubeconfig), context=context)
    except (ConfigException, OSError, TypeError, ValueError) as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ClusterError(f"cannot use kubeconfig context {context!r}: {message}") from exc
