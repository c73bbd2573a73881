"""Which kubeconfig context an environment deploys through.

The environment's ``destination.server`` picks the context, never the current context
alone: "to make dead sure nobody ever applies to the wrong cluster" (Tanka #77). An
explicit ``--context`` must agree with the environment unless forced, loudly.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from kfkit._connection import Target
from kfkit.cluster._kubeconfig import ContextInfo, kube_contexts, kubeconfig_path
from kfkit.errors import ClusterError, ClusterMismatch, UsageError

__all__ = ["Target", "normalize_server", "select_target"]

_DEFAULT_PORTS = {"https": 443, "http": 80}


def normalize_server(url: str) -> str:
    """``HTTPS://Host:443/`` and ``https://host`` are the same server; a bare host means https."""
    text = url.strip()
    parts = urlsplit(text if "://" in text else f"https://{text}")
    scheme = parts.scheme.lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return text.lower()
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}{parts.path.rstrip('/')}"


def select_target(
    env: str,
    server: str,
    namespace: str,
    *,
    kubeconfig: str | None = None,
    context: str | None = None,
    force_context: bool = False,
) -> Target:
    """The context for environment ``env`` whose destination is ``server``/``namespace``.

    **Parameters:**

    * ``context`` — a context the user named; it must point at ``server``.
    * ``force_context`` — use ``context`` (or the current one) even when it points elsewhere.
    """
    if not server and not force_context:
        raise ClusterError(
            f'environment "{env}" has no server; set one with `kfkit env set {env} --server URL`'
        )
    path = kubeconfig_path(kubeconfig)
    contexts = kube_contexts(path)
    if not contexts:
        raise ClusterError(f"kubeconfig {path} has no contexts")
    chosen = _named(contexts, context) if context else None
    if force_context:
        chosen = chosen or _current(contexts, path)
        warning = ""
        if normalize_server(chosen.server) != normalize_server(server):
            warning = (
                f'--force-context: environment "{env}" is at {server or "(no server)"} '
                f'but context "{chosen.name}" is at {chosen.server}'
            )
        return Target(env, chosen.name, chosen.server, namespace, path, warning)
    if chosen is None:
        chosen = _by_server(env, server, contexts)
    elif normalize_server(chosen.server) != normalize_server(server):
        raise ClusterMismatch(
            f'environment "{env}" is at {server} but context "{chosen.name}" is at '
            f"{chosen.server}; pick a context for that server or pass --force-context, or re-point the "
            f"environment: kfkit env set {env} --server {chosen.server}"
        )
    return Target(env, chosen.name, chosen.server, namespace, path)


def _named(contexts: list[ContextInfo], name: str) -> ContextInfo:
    for ctx in contexts:
        if ctx.name == name:
            return ctx
    raise UsageError(f"context {name!r} not in kubeconfig; known: {', '.join(c.name for c in contexts)}")


def _current(contexts: list[ContextInfo], path: str) -> ContextInfo:
    for ctx in contexts:
        if ctx.current:
            return ctx
    raise UsageError(f"kubeconfig {path} has no current context; name one with --context")


def _by_server(env: str, server: str, contexts: list[ContextInfo]) -> ContextInfo:
    """The context at ``server``: the current one if several, or one of several alike."""
    wanted = normalize_server(server)
    matches = [c for c in contexts if normalize_server(c.server) == wanted]
    if not matches:
        known = ", ".join(f'"{c.name}" ({c.server})' for c in contexts)
        raise ClusterMismatch(
            f'no kubeconfig context points at environment "{env}"\'s server {server}; contexts: {known}; '
            f"re-point the environment (kfkit env set {env} --server URL) or use one with "
            "--context NAME --force-context"
        )
    current = [c for c in matches if c.current]
    if current:
        return current[0]
    if len({(c.cluster, c.user) for c in matches}) > 1:
        names = ", ".join(f'"{c.name}" (user "{c.user}")' for c in matches)
        raise ClusterMismatch(
            f'several contexts point at environment "{env}"\'s server {server} as different users: '
            f"{names}; pick one with --context"
        )
    return sorted(matches, key=lambda c: c.name)[0]
