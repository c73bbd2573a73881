"""Choosing the kubeconfig context from the environment's server, and refusing the wrong one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kfkit.cluster import normalize_server, select_target
from kfkit.errors import ClusterError, ClusterMismatch, UsageError

PROD = "https://prod.example.com:6443"
DEV = "https://dev.example.com"


def _kubeconfig(tmp_path: Path, contexts: dict[str, tuple[str, str]], current: str = "") -> str:
    """``contexts``: name → (server, user); one cluster per distinct server."""
    servers = sorted({server for server, _ in contexts.values()})
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": f"c{i}", "cluster": {"server": s}} for i, s in enumerate(servers)],
        "users": [{"name": u, "user": {"token": "t"}} for u in sorted({u for _, u in contexts.values()})],
        "contexts": [
            {"name": name, "context": {"cluster": f"c{servers.index(server)}", "user": user}}
            for name, (server, user) in contexts.items()
        ],
        "current-context": current,
    }
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps(config))
    return str(path)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://Prod.Example.com:443/", "https://prod.example.com"),
        ("prod.example.com", "https://prod.example.com:443"),
        ("http://h", "http://h:80"),
    ],
)
def test_equivalent_server_urls(a: str, b: str) -> None:
    assert normalize_server(a) == normalize_server(b)


def test_the_context_at_the_environments_server_wins_over_the_current_one(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path, {"dev": (DEV, "me"), "prod": (PROD, "me")}, current="dev")
    target = select_target("prod", PROD + "/", "serving", kubeconfig=path)
    assert (target.context, target.server, target.namespace) == ("prod", PROD, "serving")


def test_several_contexts_for_one_server(tmp_path: Path) -> None:
    same_user = _kubeconfig(tmp_path, {"b": (PROD, "me"), "a": (PROD, "me")})
    assert select_target("prod", PROD, "ns", kubeconfig=same_user).context == "a"

    current = _kubeconfig(tmp_path, {"admin": (PROD, "root"), "viewer": (PROD, "view")}, current="viewer")
    assert select_target("prod", PROD, "ns", kubeconfig=current).context == "viewer"

    ambiguous = _kubeconfig(
        tmp_path, {"admin": (PROD, "root"), "viewer": (PROD, "view"), "dev": (DEV, "me")}, "dev"
    )
    with pytest.raises(ClusterMismatch) as err:
        select_target("prod", PROD, "ns", kubeconfig=ambiguous)
    assert str(err.value) == (
        f'several contexts point at environment "prod"\'s server {PROD} as different users: '
        '"admin" (user "root"), "viewer" (user "view"); pick one with --context'
    )


def test_a_named_context_must_agree_unless_forced(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path, {"dev": (DEV, "me"), "prod": (PROD, "me")}, current="dev")
    with pytest.raises(ClusterMismatch, match=f'is at {PROD} but context "dev" is at {DEV}'):
        select_target("prod", PROD, "ns", kubeconfig=path, context="dev")

    forced = select_target("prod", PROD, "ns", kubeconfig=path, context="dev", force_context=True)
    assert forced.context == "dev"
    assert forced.warning == f'--force-context: environment "prod" is at {PROD} but context "dev" is at {DEV}'
    assert select_target("prod", PROD, "ns", kubeconfig=path, force_context=True).context == "dev"  # current


def test_no_context_at_the_server(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path, {"dev": (DEV, "me")}, current="dev")
    with pytest.raises(ClusterMismatch) as err:
        select_target("prod", PROD, "ns", kubeconfig=path)
    assert str(err.value) == (
        f'no kubeconfig context points at environment "prod"\'s server {PROD}; contexts: "dev" ({DEV}); '
        "re-point the environment (kfkit env set prod --server URL) or use one with --context NAME --force-context"
    )


def test_unknown_context_and_missing_server(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path, {"dev": (DEV, "me")})
    with pytest.raises(UsageError, match="context 'nope' not in kubeconfig; known: dev"):
        select_target("dev", DEV, "ns", kubeconfig=path, context="nope")
    with pytest.raises(ClusterError, match="set one with `kfkit env set dev --server URL`"):
        select_target("dev", "", "ns", kubeconfig=path)


def test_the_kubeconfig_is_read_once_for_the_context_and_the_client_and_again_once_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kubernetes.config import kube_config

    from kfkit.cluster._kubeconfig import api_client

    reads: list[str] = []
    real = kube_config.KubeConfigMerger.load_config

    def load_config(merger: kube_config.KubeConfigMerger, path: str) -> None:
        reads.append(path)
        real(merger, path)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(kube_config.KubeConfigMerger, "load_config", load_config)
    path = _kubeconfig(tmp_path, {"dev": (DEV, "me"), "prod": (PROD, "me")}, current="dev")

    target = select_target("prod", PROD, "serving", kubeconfig=path)
    client = api_client(path, target.context)
    assert (client.configuration.host, reads) == (PROD, [path])

    _kubeconfig(tmp_path, {"dev": (DEV, "me"), "prod": (PROD + "0", "me")}, current="dev")
    assert api_client(path, "prod").configuration.host == PROD + "0"
    assert reads == [path, path]
