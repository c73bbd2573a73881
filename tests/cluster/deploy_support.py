"""An app whose environment points at the control plane, driven through the real CLI.

Test modules import ``cluster_app_fixture`` to register the ``cluster_app`` fixture (the
CLI tests' fixtures live in tests/cli/conftest.py, which tests here cannot see).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from kfkit import App
from kfkit.cli.main import run
from kfkit.cluster import ClusterClient
from tests.cli.support import Result
from tests.cluster.conftest import cp

SEED_STEPS = (
    ("generate", "tf-serving", "model-server", "--name=inception"),
    ("param", "set", "model-server", "modelPath", "/serving/inception-export"),
    ("param", "set", "model-server", "modelServerImage", "katacoda/tensorflow_serving"),
)


@dataclass
class ClusterApp:
    """``cluster_app("apply", "default")`` runs ``kfkit --dir <app> apply default``."""

    root: Path
    name: str
    namespace: str
    server: str
    kubeconfig: Path
    admin: Any
    """A DynamicClient as admin, to look at (and fake controller work on) live objects."""
    capsys: pytest.CaptureFixture[str] = field(repr=False)

    def __call__(self, *args: str) -> Result:
        self.capsys.readouterr()
        code = run(["--dir", str(self.root), *args])
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str) -> Result:
        """Run, asserting exit 0."""
        result = self(*args)
        assert result.code == 0, result.err
        return result

    def seed(self) -> None:
        """The serving tutorial's component: tf-serving generated, its two params set."""
        for step in SEED_STEPS:
            self.ok(*step)

    def component(self, name: str, *objects: dict[str, Any]) -> None:
        """Write ``components/<name>.yaml`` holding ``objects``."""
        text = yaml.safe_dump_all(objects, sort_keys=False)
        (self.root / "components" / f"{name}.yaml").write_text(text)

    def live(self, api_version: str, kind: str, name: str, *, namespace: str | None = None) -> Any:
        """The live object as a dict, or None; in the app's namespace unless told."""
        from kubernetes.dynamic.exceptions import NotFoundError

        resource = self.admin.resources.get(api_version=api_version, kind=kind)
        ns = self.namespace if namespace is None and resource.namespaced else namespace
        try:
            return resource.get(name=name, namespace=ns).to_dict()
        except NotFoundError:
            return None


def client_of(kf: App, env: str = "default") -> ClusterClient:
    """The client ``kf`` opened for ``env``: the real one, whose ``requests`` count what it sent."""
    client = kf.cluster(env)
    assert isinstance(client, ClusterClient)
    return client


def config_map(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def deployment(name: str) -> dict[str, Any]:
    """One replica of nginx: never scheduled here, as no controller runs."""
    labels = {"app": name}
    pod = {
        "metadata": {"labels": labels},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"selector": {"matchLabels": labels}, "template": pod},
    }


def widget_crd(group: str) -> dict[str, Any]:
    """A namespaced CRD of kind Widget (``spec.size``: integer) in ``group``; one group per test."""
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"widgets.{group}"},
        "spec": {
            "group": group,
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {
                                    "type": "object",
                                    "properties": {"size": {"type": "integer"}},
                                }
                            },
                        }
                    },
                }
            ],
        },
    }


@pytest.fixture(name="cluster_app")
def cluster_app_fixture(
    control_plane: cp.ControlPlane,
    namespace: str,
    admin: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> ClusterApp:
    """A fresh app (``kfkit init``) whose environment ``default`` is a fresh namespace."""
    monkeypatch.setenv("KUBECONFIG", str(control_plane.kubeconfig))
    # A name per test: the app name is part of what marks objects as this app's.
    root = tmp_path / f"app-{namespace}"
    app = ClusterApp(
        root, root.name, namespace, control_plane.server, control_plane.kubeconfig, admin, capsys
    )
    code = run(["init", str(root), "--server", control_plane.server, "--namespace", namespace])
    assert code == 0, capsys.readouterr().err
    return app
