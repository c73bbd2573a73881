"""The Kubernetes client as kfkit/cluster/_k8s.py imports it, on the real server.

Cluster commands load only the client parts kfkit runs (#12 goal 7: ~0.2 s CPU each), and
every kind of kubeconfig credential still reaches the server. Each command runs in a fresh
interpreter: this one has the whole client already (the cluster fixtures use its dynamic
client), and then kfkit leaves it as it is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cluster.conftest import cp
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
)

pytestmark = pytest.mark.cluster

NOT_LOADED = (
    "kubernetes.dynamic",
    "kubernetes.watch",
    "kubernetes.stream",
    "kubernetes.informer",
    "kubernetes.leaderelection",
    "kubernetes.client.api_response",
    "kubernetes_validate",
    "websocket",
    "requests",
    "requests_oauthlib",
    "oauthlib.oauth2",
    "pydantic",
    "dateutil.parser",
)
"""What ``kfkit apply`` and ``kfkit diff`` never run: the client's other sub-packages (the dynamic
one imports kubernetes-validate, whose data files kfkit reads without importing it), and what the
client uses only for OIDC refresh (requests, oauthlib) or typed API responses (pydantic, dateutil)."""


def _in_fresh_process(app: ClusterApp, *argv: str, kubeconfig: Path | None = None) -> set[str]:
    """Run ``kfkit --dir <app> argv`` in a new interpreter, asserting exit 0; the modules it loaded."""
    script = (
        "import json, sys\nfrom kfkit.cli.main import run\n"
        f"code = run({['--dir', str(app.root), *argv]!r})\n"
        "sys.stdout.write('\\n' + json.dumps([code, sorted(sys.modules)]))"
    )
    env = {**os.environ, "KUBECONFIG": str(kubeconfig or app.kubeconfig)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    code, loaded = json.loads(done.stdout.splitlines()[-1])
    assert code == 0, done.stderr
    return set(loaded)


def _unneeded(loaded: set[str]) -> set[str]:
    return {m for m in loaded if m in NOT_LOADED or m.startswith(tuple(f"{n}." for n in NOT_LOADED))}


def test_apply_and_diff_load_only_the_client_parts_kfkit_runs(cluster_app: ClusterApp) -> None:
    app = cluster_app
    app.component("web", config_map("web", k="v"))

    for argv in (("apply", "default", "--yes"), ("diff", "default")):
        loaded = _in_fresh_process(app, *argv)
        assert {"kubernetes.config.kube_config", "kubernetes.client.api_client"} <= loaded
        assert _unneeded(loaded) == set(), argv
    assert app.live("v1", "ConfigMap", "web")["data"] == {"k": "v"}


def test_the_deferred_parts_still_work_when_used() -> None:
    """What kfkit defers is imported when some caller does use it: the same client as ever."""
    script = """
import sys, kfkit.cluster, kubernetes
from kubernetes.client import api_client
from kubernetes.config import kube_config
assert "pydantic" not in sys.modules and "requests" not in sys.modules
assert not isinstance("x", api_client.SecretStr)
response = api_client.ApiResponse(status_code=200, data=None, headers={}, raw_data=b"")
assert type(response).__module__ == "kubernetes.client.api_response"
assert api_client.parse("2026-12-03T05:00:00Z").year == 2026
import pydantic
assert api_client.ApiClient().sanitize_for_serialization(pydantic.SecretStr("s")) == "s"
session = kube_config.OAuth2Session(client_id="kfkit")
assert type(session).__module__ == "requests_oauthlib.oauth2_session", type(session)
assert issubclass(kube_config.oauthlib.oauth2.rfc6749.errors.InvalidClientIdError, Exception)
assert kubernetes.watch.Watch and kubernetes.dynamic.DynamicClient
assert kubernetes.__version__ == kubernetes.client.__version__
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _client_certificate(plane: cp.ControlPlane, work: Path) -> tuple[Path, Path]:
    """A key and a certificate from the plane's client CA for user ``cert-admin`` in system:masters."""
    key, csr, crt = work / "user.key", work / "user.csr", work / "user.crt"
    _openssl(
        "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(key), "-out", str(csr), "-subj", "/O=system:masters/CN=cert-admin",
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", str(csr), "-CA", str(plane.client_ca), "-CAkey", str(plane.client_ca_key),
        "-CAcreateserial", "-out", str(crt), "-days", "1",
    )  # fmt: skip
    return key, crt


def _exec_plugin(work: Path, status: dict[str, Any]) -> dict[str, Any]:
    """A kubeconfig ``exec`` entry running a script that prints an ExecCredential with ``status``."""
    credential = {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": status}
    plugin = work / "credential.json"
    plugin.write_text(json.dumps(credential))
    return {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": sys.executable,
        "args": ["-c", f"import sys; sys.stdout.write(open({str(plugin)!r}).read())"],
        "interactiveMode": "Never",
    }


@pytest.mark.parametrize("credential", ["token", "client certificate", "exec token", "exec certificate"])
def test_each_kind_of_credential_reaches_the_server(
    cluster_app: ClusterApp, control_plane: cp.ControlPlane, tmp_path: Path, credential: str
) -> None:
    app = cluster_app
    config = json.loads(app.kubeconfig.read_text())
    token = next(u["user"]["token"] for u in config["users"] if u["name"] == "admin")
    if credential == "token":
        user: dict[str, Any] = {"token": token}
    elif credential == "client certificate":
        key, crt = _client_certificate(control_plane, tmp_path)
        user = {"client-certificate": str(crt), "client-key": str(key)}
    elif credential == "exec token":
        expires = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        user = {"exec": _exec_plugin(tmp_path, {"token": token, "expirationTimestamp": expires})}
    else:
        key, crt = _client_certificate(control_plane, tmp_path)
        pem = {"clientCertificateData": crt.read_text(), "clientKeyData": key.read_text()}
        user = {"exec": _exec_plugin(tmp_path, pem)}
    config["users"] = [{"name": "admin", "user": user}]
    config["contexts"] = [c for c in config["contexts"] if c["name"] == "admin"]
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(json.dumps(config))
    app.component("web", config_map("web", credential=credential))

    loaded = _in_fresh_process(app, "apply", "default", "--yes", kubeconfig=kubeconfig)

    assert app.live("v1", "ConfigMap", "web")["data"] == {"credential": credential}
    assert _unneeded(loaded) == set()
