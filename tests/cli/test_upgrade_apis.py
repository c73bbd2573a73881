"""--upgrade-apis on show, the environment setting that makes it stick, and `kfkit upgrade-apis`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.cli.support import Kf

OLD_DEPLOYMENT = """\
apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - {name: web, image: nginx:1.27}
"""
PSP = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: restricted\nspec: {}\n"


def _shown(kf: Kf, app: Path, *args: str) -> list[dict[str, Any]]:
    result = kf("show", "default", *args, cwd=app)
    assert result.code == 0, result.err
    return [d for d in yaml.safe_load_all(result.out) if d]


def test_show_upgrades_only_when_asked_or_set(app: Path, kf: Kf) -> None:
    (app / "components" / "web.yaml").write_text(OLD_DEPLOYMENT)
    (plain,) = _shown(kf, app)
    assert plain["apiVersion"] == "extensions/v1beta1"
    (upgraded,) = _shown(kf, app, "--upgrade-apis")
    assert upgraded["apiVersion"] == "apps/v1"
    assert upgraded["spec"]["selector"] == {"matchLabels": {"app": "web"}}

    assert kf("env", "set", "default", "--upgrade-apis", cwd=app).code == 0
    assert yaml.safe_load((app / "app.yaml").read_text())["environments"]["default"]["upgradeApis"] is True
    assert _shown(kf, app)[0]["apiVersion"] == "apps/v1"
    assert _shown(kf, app, "--no-upgrade-apis")[0]["apiVersion"] == "extensions/v1beta1"
    assert kf("env", "set", "default", "--no-upgrade-apis", cwd=app).code == 0
    assert "upgradeApis" not in yaml.safe_load((app / "app.yaml").read_text())["environments"]["default"]


def test_upgrade_apis_lists_each_change(app: Path, kf: Kf) -> None:
    (app / "components" / "web.yaml").write_text(OLD_DEPLOYMENT)
    result = kf("upgrade-apis", "default", cwd=app)
    assert result.code == 0, result.err
    assert result.out == (
        "Deployment web: extensions/v1beta1 → apps/v1 (spec.selector from the template labels)\n"
    )
    diff = kf("upgrade-apis", "default", "--diff", cwd=app).out
    assert "--- Deployment web (extensions/v1beta1)\n+++ Deployment web (apps/v1)\n" in diff
    assert "-apiVersion: extensions/v1beta1\n+apiVersion: apps/v1\n" in diff
    assert "+  selector:\n+    matchLabels:\n+      app: web\n" in diff


def test_nothing_to_upgrade_says_so(app: Path, kf: Kf) -> None:
    result = kf("upgrade-apis", "default", cwd=app)
    assert (result.code, result.out) == (0, "")
    assert "no object uses a removed Kubernetes API" in result.err


def test_pod_security_policy_is_refused_with_the_reason(app: Path, kf: Kf) -> None:
    (app / "components" / "psp.yaml").write_text(PSP)
    result = kf("show", "default", "--upgrade-apis", cwd=app)
    assert result.code == 1
    assert result.err.startswith(
        "error: cannot upgrade policy/v1beta1 PodSecurityPolicy restricted (component 'psp'): "
        "policy/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.25 and has no successor: "
        "use Pod Security Admission"
    )
