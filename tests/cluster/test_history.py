"""History and rollback on a real kube-apiserver: revisions written, listed, bounded; rollbacks."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from typing import Any

import pytest

from kfkit import App
from kfkit.history import Revision, record
from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
    config_map,
)

pytestmark = pytest.mark.cluster


def _history_secrets(app: ClusterApp) -> list[dict[str, Any]]:
    secrets = app.admin.resources.get(api_version="v1", kind="Secret")
    found = secrets.get(namespace=app.namespace, label_selector="kfkit.io/history").to_dict()["items"]
    return sorted(found, key=lambda s: int(s["metadata"]["labels"]["kfkit.io/revision"]))


def _secret(name: str, **values: str) -> dict[str, Any]:
    data = {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, "data": data}


def _image(app: ClusterApp) -> str:
    deployment = app.live("apps/v1", "Deployment", "inception-v1")
    image: str = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    return image


def test_applies_and_deletes_are_recorded_listed_and_bounded(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.ok("env", "current", "--set", "default")  # so that `history 3` means revision 3
    app.seed()
    app.component("creds", _secret("creds", password="hunter2"))
    app.ok("apply", "default", "--dry-run")
    assert _history_secrets(app) == []  # a dry run records nothing

    first = app.ok("apply", "default")
    assert "recorded as revision 1" in first.err
    app.ok("param", "set", "model-server", "modelServerImage", "other:1")
    app.ok("apply", "default", "-c", "model-server", "--max-history", "2")
    app.ok("apply", "default", "--max-history", "2", "--prune", "--yes")
    assert [s["metadata"]["name"] for s in _history_secrets(app)] == [
        f"kfkit.{app.name}.default.v2",
        f"kfkit.{app.name}.default.v3",
    ]

    listing = app.ok("history", "default")
    rows = listing.out.splitlines()
    assert rows[0].split() == ["REV", "TIME", "OPERATION", "STATUS", "USER", "COMMIT", "COMMAND"]
    assert [row.split()[0] for row in rows[2:]] == ["2", "3"]
    assert rows[2].endswith(f"kfkit --dir {app.root} apply default -c model-server --max-history 2")

    revisions = json.loads(app.ok("history", "-o", "json").out)
    assert [(r["number"], r["operation"], r["status"]) for r in revisions] == [
        (2, "apply", "succeeded"),
        (3, "apply", "succeeded"),
    ]
    assert revisions[0]["components"] == ["model-server"] and revisions[1]["components"] == []

    shown = app.ok("history", "default", "3")
    assert "operation   apply" in shown.out
    assert ["Deployment", f"{ns}/inception-v1", "unchanged"] in [
        line.split() for line in shown.out.splitlines()
    ]
    full = json.loads(app.ok("history", "3", "-o", "json").out)
    assert full["params"]["model-server"]["modelServerImage"] == "other:1"
    assert "@" in full["user"] and full["kfkitVersion"]
    (creds,) = [o for o in full["objects"] if o["kind"] == "Secret"]
    assert creds["data"]["password"].startswith("sha256:")
    assert "hunter2" not in json.dumps(full) and base64.b64encode(b"hunter2").decode() not in json.dumps(full)

    app.ok("delete", "default", "-c", "creds", "--yes")
    deleted = json.loads(app.ok("history", "default", "4", "-o", "json").out)
    assert deleted["operation"] == "delete"
    assert deleted["outcomes"] == [{"object": f"Secret {ns}/creds", "action": "deleted", "note": ""}]

    trimmed = app.ok("history", "default", "--max-history", "1")
    assert "deleted 2 old revisions" in trimmed.err
    assert [r.number for r in App.load(app.root).history("default")] == [4]  # the library, too


def test_history_survives_prune_and_is_this_environments_own(cluster_app: ClusterApp) -> None:
    app = cluster_app
    app.component("a", config_map("a-config", k="v"))
    app.ok("apply", "default")
    other = f"{app.namespace}-2"
    app.admin.resources.get(api_version="v1", kind="Namespace").create(body={"metadata": {"name": other}})
    app.ok("env", "add", "second", "--server", app.server, "--namespace", other)
    app.ok("apply", "second")
    app.ok("apply", "default", "--prune", "--yes")
    assert [r.number for r in App.load(app.root).history("default")] == [1, 2]
    assert [r.number for r in App.load(app.root).history("second")] == [1]
    missing = app("history", "default", "7")
    assert missing.code == 2
    assert f'environment "default" of app "{app.name}" has no revision 7' in missing.err
    assert "kept: 1, 2" in missing.err


def test_rollback_of_a_param_change_restores_the_object_and_is_recorded(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.ok("env", "current", "--set", "default")
    app.seed()
    app.ok("apply", "default")
    app.ok("param", "set", "model-server", "modelServerImage", "other:1")
    app.ok("apply", "default")
    assert _image(app) == "other:1"

    planned = json.loads(app.ok("rollback", "default", "1", "--dry-run", "-o", "json").out)
    assert (planned["reportVersion"], planned["dryRun"], planned["recordedRevision"]) == (1, True, None)
    assert (planned["target"]["number"], planned["target"]["operation"]) == (1, "apply")
    assert planned["plan"] == {"create": 0, "configure": 1, "unchanged": 1, "prune": 0}
    (deployment,) = [o for o in planned["objects"] if o["kind"] == "Deployment"]
    assert (deployment["object"], deployment["action"]) == (f"Deployment {ns}/inception-v1", "configure")
    assert "+        image: katacoda/tensorflow_serving" in deployment["diff"].splitlines()
    assert planned["results"] == [] and planned["keptSecrets"] == []

    preview = app.ok("rollback", "default", "1", "--dry-run")
    changed = [
        line for line in preview.out.splitlines() if line.startswith(("-  ", "+  ")) and "image:" in line
    ]
    assert changed == ["-        image: other:1", "+        image: katacoda/tensorflow_serving"]
    assert "rolling back to revision 1" in preview.err
    assert _image(app) == "other:1" and len(_history_secrets(app)) == 2

    done = app.ok("rollback", "1", "--yes")
    assert f"Deployment {ns}/inception-v1 configured" in done.out
    assert "recorded as revision 3" in done.err
    assert _image(app) == "katacoda/tensorflow_serving"
    (latest,) = json.loads(app.ok("history", "-o", "json").out)[-1:]
    assert (latest["number"], latest["operation"], latest["rollbackOf"]) == (3, "rollback", 1)
    listing = app.ok("history").out
    assert "rollback to 1" in listing

    # the library: roll forward again to revision 2
    result = App.load(app.root).rollback("default", 2)
    assert result.revision is not None and result.revision.number == 4
    assert (result.to_json()["recordedRevision"], result.to_json()["dryRun"]) == (4, False)
    assert _image(app) == "other:1"


def test_rollback_with_prune_removes_objects_added_after_the_revision(cluster_app: ClusterApp) -> None:
    app = cluster_app
    app.ok("env", "current", "--set", "default")
    app.component("a", config_map("a-config", k="1"))
    app.ok("apply", "default")
    app.component("a", config_map("a-config", k="2"))
    app.component("b", config_map("b-config", k="v"))
    app.ok("apply", "default")

    kept = app.ok("rollback", "1")
    assert app.live("v1", "ConfigMap", "b-config") is not None  # without --prune, added objects stay
    assert app.live("v1", "ConfigMap", "a-config")["data"] == {"k": "1"}
    assert "0 to prune" in kept.err

    pruned = app.ok("rollback", "1", "--prune", "--yes", "-o", "json")
    assert "will prune ConfigMap" in pruned.err
    report = json.loads(pruned.out)  # stdout is the report alone
    assert (report["prune"], report["dryRun"], report["recordedRevision"]) == (True, False, 4)
    assert {(r["name"], r["action"], r["done"]) for r in report["results"]} == {
        ("a-config", "unchanged", "unchanged"),
        ("b-config", "prune", "pruned"),
    }
    assert {(o["name"], o["action"]) for o in report["objects"]} == {
        ("a-config", "unchanged"),
        ("b-config", "prune"),
    }
    assert app.live("v1", "ConfigMap", "b-config") is None
    assert app.live("v1", "ConfigMap", "a-config") is not None
    assert [r.operation for r in App.load(app.root).history()] == ["apply", "apply", "rollback", "rollback"]


def test_rollback_restores_a_secret_only_if_its_values_still_match(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.ok("env", "current", "--set", "default")
    app.component("creds", _secret("creds", password="hunter2"), _secret("token", value="t1"))
    app.ok("apply", "default")
    secrets = app.admin.resources.get(api_version="v1", kind="Secret")
    changed = base64.b64encode(b"rotated").decode()
    secrets.patch(name="token", namespace=ns, body={"data": {"value": changed}})
    secrets.patch(name="creds", namespace=ns, body={"metadata": {"labels": {"extra": "x"}}})

    planned = json.loads(app.ok("rollback", "1", "--dry-run", "-o", "json").out)
    assert [(k["object"], k["reason"]) for k in planned["keptSecrets"]] == [
        (
            f"Secret {ns}/token",
            "left as it is: its live values are not those of revision 1 "
            "(history keeps only hashes of Secret values)",
        )
    ]
    assert [o["name"] for o in planned["objects"]] == ["creds"]  # token: neither sent nor pruned
    assert "hunter2" not in json.dumps(planned)

    done = app.ok("rollback", "1", "--prune", "--yes")
    assert f"Secret {ns}/token: left as it is: its live values are not those of revision 1" in done.err
    assert f"Secret {ns}/token " not in done.out  # neither sent nor pruned
    assert f"Secret {ns}/creds" in done.out  # sent again: its values are those recorded
    assert app.live("v1", "Secret", "token")["data"] == {"value": changed}  # neither restored nor pruned
    assert app.live("v1", "Secret", "creds")["data"]["password"] == base64.b64encode(b"hunter2").decode()
    assert "hunter2" not in done.out + done.err


def test_rollback_refuses_a_revision_using_removed_apis(cluster_app: ClusterApp) -> None:
    app, ns = cluster_app, cluster_app.namespace
    app.ok("env", "current", "--set", "default")
    old = {
        "apiVersion": "extensions/v1beta1",
        "kind": "Deployment",
        "metadata": {"name": "legacy", "namespace": ns},
        "spec": {},
    }
    draft = Revision(0, app.name, "default", "apply", "2019-01-01T00:00:00Z", "old@box", "0.0.1", "ks apply")
    with App.load(app.root) as kf:
        record(kf.cluster("default"), Revision(**{**draft.__dict__, "objects": [old]}), ns)
    refused = app("rollback", "1", "--yes")
    assert refused.code == 1
    assert (
        "cannot roll back to revision 1: extensions/v1beta1 Deployment was removed in Kubernetes 1.16"
        in refused.err
    )
    assert "nothing was changed" in refused.err
    assert app.live("apps/v1", "Deployment", "legacy") is None


def test_two_applies_at_once_both_record_a_revision(cluster_app: ClusterApp) -> None:
    app = cluster_app
    app.component("a", config_map("a-config", k="v"))
    app.component("b", config_map("b-config", k="v"))
    env = {**os.environ, "KUBECONFIG": str(app.kubeconfig)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "kfkit", "--dir", str(app.root), "apply", "default", "-c", name],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    revisions = App.load(app.root).history("default")
    assert [r.number for r in revisions] == [1, 2]
    assert sorted(r.components for r in revisions) == [("a",), ("b",)]
