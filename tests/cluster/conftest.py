"""Fixtures for tests against a real kube-apiserver + etcd (see scripts/control_plane.py).

One plane serves the whole session (start-up costs seconds); each test gets its own namespace
because without controllers nothing is ever cleaned up.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes import config
from kubernetes.dynamic import DynamicClient

# scripts/ is not a package; the plane's code lives there so it also runs as a plain CLI.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import control_plane as cp

__all__ = ["cp"]  # test modules name the plane's types through this module, whose import sets the path


@pytest.fixture(scope="session")
def control_plane(request: pytest.FixtureRequest) -> Iterator[cp.ControlPlane]:
    """A started plane; skipped locally without binaries, but failed in CI, which must run it."""
    try:
        bin_dir = cp.ensure_binaries()
    except (cp.ControlPlaneError, OSError) as err:
        reason = f"no control-plane binaries ({err}); install Go and run scripts/build-control-plane"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with cp.ControlPlane(bin_dir) as plane:
        # A benchmark figure, not an assertion; capture is suspended so it always shows.
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():
                reporter.write_line(f"control plane: {plane.server} ready in {plane.startup_seconds:.1f} s")
        yield plane


def _dynamic_client(plane: cp.ControlPlane, context: str, cache: Path) -> Any:
    """A DynamicClient for one kubeconfig context, caching discovery under ``cache``."""
    # The Kubernetes client ships py.typed but leaves these unannotated.
    api = config.new_client_from_config(  # type: ignore[no-untyped-call]
        config_file=str(plane.kubeconfig), context=context
    )
    return DynamicClient(api, cache_file=str(cache / f"{context}-discovery.json"))  # type: ignore[no-untyped-call]


@pytest.fixture(scope="session")
def admin(control_plane: cp.ControlPlane, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """DynamicClient as ``admin`` (system:masters)."""
    return _dynamic_client(control_plane, "admin", tmp_path_factory.mktemp("kube"))


@pytest.fixture(scope="session")
def limited(control_plane: cp.ControlPlane, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """DynamicClient as ``limited``: authenticated, but granted nothing by RBAC."""
    return _dynamic_client(control_plane, "limited", tmp_path_factory.mktemp("kube"))


@pytest.fixture
def namespace(admin: Any) -> Iterator[str]:
    """A fresh namespace per test, since deleted ones stay Terminating and names can't be reused."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    namespaces = admin.resources.get(api_version="v1", kind="Namespace")
    namespaces.create(body={"metadata": {"name": name}})
    yield name
    namespaces.delete(name=name)  # no namespace controller: never completes, so don't wait
