"""Discovery cached on disk with kubectl's TTL, and retries of 429/5xx, on a real kube-apiserver.

Retries are provoked by a plain-HTTP front that answers chosen requests with an error
first and forwards everything else to the real server.
"""

from __future__ import annotations

import json
import os
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit import ApiError, App, ConnectionOptions
from kfkit._connection import Target
from kfkit.cluster import ClusterClient
from kfkit.cluster._discovery import TTL, Discovery
from kfkit.cluster._kubeconfig import api_client
from tests.cluster.conftest import cp
from tests.cluster.deploy_support import client_of, config_map, widget_crd

pytestmark = pytest.mark.cluster


def _cache_file() -> Path:
    (found,) = (Path.home() / ".cache" / "kfkit" / "discovery").glob("*/resources.json")
    return found


def _discovery_requests(control_plane: cp.ControlPlane, root: Path) -> int:
    """Discovery requests of one ``plan_apply`` by a new client (a new kfkit process)."""
    connection = ConnectionOptions(kubeconfig=str(control_plane.kubeconfig), context="admin")
    with App.load(root, connection=connection) as kf:
        kf.plan_apply("default")
        return client_of(kf).requests["discovery"]


def test_discovery_is_cached_for_six_hours_and_refetched_for_an_unknown_kind(
    control_plane: cp.ControlPlane, namespace: str, admin: Any, tmp_path: Path
) -> None:
    root = tmp_path / "app"
    App.init(root, server=control_plane.server, namespace=namespace)
    (root / "components" / "web.yaml").write_text(yaml.safe_dump(config_map("a", k="1")))

    assert _discovery_requests(control_plane, root) == 2  # aggregated: /api and /apis
    assert _discovery_requests(control_plane, root) == 0
    hours_ago = time.time() - TTL - 60
    os.utime(_cache_file(), (hours_ago, hours_ago))
    assert _discovery_requests(control_plane, root) == 2

    group = f"{namespace}.example.com"
    crd = widget_crd(group)
    admin.resources.get(api_version="apiextensions.k8s.io/v1", kind="CustomResourceDefinition").create(
        body=crd
    )
    widget = {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 1}}
    (root / "components" / "widget.yaml").write_text(yaml.safe_dump(widget))
    deadline = time.monotonic() + 30
    while True:  # until the CRD is established and served; each try refetches once
        try:
            assert _discovery_requests(control_plane, root) == 2
            break
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    assert _discovery_requests(control_plane, root) == 0  # the refetched answer was cached


def test_servers_without_aggregated_discovery_give_the_same_answers(control_plane: cp.ControlPlane) -> None:
    with ClusterClient.connect(_target(control_plane)) as client:
        aggregated = Discovery(client._discover, None)
        legacy = Discovery(lambda path, _: client._discover(path, "application/json"), None)
        assert {(r.group_version, r.kind) for r in legacy.preferred()} == {
            (r.group_version, r.kind) for r in aggregated.preferred()
        }
        for api_version, kind in [
            ("v1", "ConfigMap"),
            ("apps/v1", "Deployment"),
            ("autoscaling/v1", "HorizontalPodAutoscaler"),
        ]:
            assert legacy.resource(api_version, kind) == aggregated.resource(api_version, kind) is not None
        assert client.requests["discovery"] > 10  # one per group version


class _Front(ThreadingHTTPServer):
    """Plain HTTP in front of the API server: the first requests matching a fault get its status."""

    def __init__(self, upstream: str, ca: str) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.context = ssl.create_default_context(cafile=ca)
        self.faults: list[tuple[str, str, int]] = []
        """(method, path prefix, status) answered once each, in order."""
        self.seen: list[tuple[str, str, int]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Front

    def _any(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fault = next(
            (f for f in self.server.faults if self.command == f[0] and self.path.startswith(f[1])), None
        )
        if fault is not None:
            self.server.faults.remove(fault)
            status, headers, data = (
                fault[2],
                {"Retry-After": "0"},
                json.dumps({"kind": "Status", "code": fault[2]}),
            )
            payload = data.encode()
        else:
            request = urllib.request.Request(
                self.server.upstream + self.path,
                data=body or None,
                method=self.command,
                headers={
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
                },
            )
            try:
                with urllib.request.urlopen(request, context=self.server.context) as answer:
                    status, headers, payload = answer.status, {}, answer.read()
            except urllib.error.HTTPError as error:
                status, headers, payload = error.code, {}, error.read()
        self.server.seen.append((self.command, self.path.split("?")[0], status))
        self.send_response(status)
        for key, value in {**headers, "Content-Type": "application/json"}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_PATCH = do_POST = do_DELETE = _any

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def front(control_plane: cp.ControlPlane, tmp_path: Path) -> Iterator[tuple[_Front, ClusterClient]]:
    config = json.loads(Path(control_plane.kubeconfig).read_text())
    cluster = config["clusters"][0]["cluster"]
    server = _Front(cluster["server"], cluster["certificate-authority"])
    config["clusters"][0]["cluster"] = {"server": server.url}
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(json.dumps(config))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    target = Target("default", "admin", server.url, "default", str(kubeconfig))
    try:
        with ClusterClient(api_client(str(kubeconfig), "admin"), target) as client:
            yield server, client
    finally:
        server.shutdown()
        server.server_close()


def test_reads_are_retried_on_5xx_and_429_with_backoff(
    front: tuple[_Front, ClusterClient], namespace: str
) -> None:
    server, client = front
    path = f"/api/v1/namespaces/{namespace}/configmaps"
    server.faults = [("GET", path, 503), ("GET", path, 429), ("GET", path, 500)]

    assert client.list_kind("v1", "ConfigMap", namespace=namespace, selector="") == []

    assert [s for m, p, s in server.seen if (m, p) == ("GET", path)] == [503, 429, 500, 200]
    assert client.requests["list"] == 1


def test_writes_are_retried_on_429_only(front: tuple[_Front, ClusterClient], namespace: str) -> None:
    server, client = front
    path = f"/api/v1/namespaces/{namespace}/configmaps/a"
    obj = {**config_map("a", k="1"), "metadata": {"name": "a", "namespace": namespace}}
    server.faults = [("PATCH", path, 429)]
    assert client.apply(obj)["data"] == {"k": "1"}  # refused unprocessed by API Priority and Fairness: resent

    server.faults = [("PATCH", path, 503)]
    with pytest.raises(ApiError) as caught:
        client.apply({**obj, "data": {"k": "2"}})  # may or may not have happened: never resent

    assert caught.value.status == 503
    assert [s for m, p, s in server.seen if (m, p) == ("PATCH", path)] == [429, 201, 503]


def _target(control_plane: cp.ControlPlane) -> Target:
    return Target("default", "admin", control_plane.server, "default", str(control_plane.kubeconfig))
