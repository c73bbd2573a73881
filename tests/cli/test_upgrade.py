"""``kfkit upgrade``: older ksonnet apps read as they are, moved to 0.13's shape only on request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kfkit import App
from kfkit.app import apply_upgrade, plan_upgrade
from kfkit.errors import AppError
from tests.cli.support import Kf, tree

SHA = "0123456789abcdef0123456789abcdef01234567"
KS_010 = f"""\
apiVersion: 0.1.0
environments:
  default:
    destination:
      namespace: default
      server: https://1.2.3.4
    k8sVersion: v1.8.0
    path: default
  staging:
    destination:
      namespace: staging
      server: https://1.2.3.4
    k8sVersion: v1.8.0
    path: staging
    targets:
    - /
    - web/frontend
# the team's packages
kind: ksonnet.io/app
libraries:
  tf-serving:
    gitVersion:
      commitSha: {SHA}
      refSpec: v0.2.0
    name: tf-serving
    registry: kubeflow
name: serving
registries:
  kubeflow:
    gitVersion:
      commitSha: {SHA}
      refSpec: v0.2.0
    protocol: github
    uri: github.com/kubeflow/kubeflow/tree/v0.2.0/kubeflow
version: 0.0.1
"""
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"


@pytest.fixture
def ks010(app: Path, kf: Kf) -> Path:
    """An app as ksonnet 0.10 left it: app.yaml 0.1.0, lib/v1.8.0/, an unversioned vendor dir."""
    assert kf("env", "add", "staging", cwd=app).code == 0
    (app / "app.yaml").write_text(KS_010)
    (app / "components" / "settings.yaml").write_text(CM)
    (app / "lib" / "v1.8.0").mkdir(parents=True)
    (app / "lib" / "v1.8.0" / "k.libsonnet").write_text("{}\n")
    pkg = app / "vendor" / "kubeflow" / "tf-serving"
    pkg.mkdir(parents=True)
    (pkg / "parts.yaml").write_text('{"name": "tf-serving", "apiVersion": "0.0.1"}\n')
    return app


def test_older_app_yaml_is_read_as_is_and_never_rewritten(ks010: Path, kf: Kf) -> None:
    before = tree(ks010)
    for args in (("show", "default"), ("env", "list"), ("param", "list"), ("component", "list")):
        result = kf(*args, cwd=ks010)
        assert result.code == 0, result.err
    assert tree(ks010) == before
    warned = kf("show", "default", cwd=ks010).err
    assert "vendor/kubeflow/tf-serving/ holds kubeflow/tf-serving pinned to" in warned
    assert "`kfkit upgrade` moves it to vendor/kubeflow/tf-serving@" in warned


def test_dry_run_says_what_changes_and_changes_nothing(ks010: Path, kf: Kf) -> None:
    before = tree(ks010)
    result = kf("upgrade", "--dry-run", cwd=ks010)
    assert result.code == 0, result.err
    assert result.out.splitlines()[:3] == [
        "would app.yaml: apiVersion 0.1.0 -> 0.3.0",
        "would move lib/v1.8.0/ to lib/ksonnet-lib/v1.8.0/ (ksonnet-lib's location since ksonnet 0.11)",
        f"would move vendor/kubeflow/tf-serving/ to vendor/kubeflow/tf-serving@{SHA}/ "
        f"(kubeflow/tf-serving is pinned to {SHA})",
    ]
    assert "-apiVersion: 0.1.0\n+apiVersion: 0.3.0\n" in result.out
    assert tree(ks010) == before


def test_upgrade_changes_only_the_upgraded_fields_and_moves_old_layouts(ks010: Path, kf: Kf) -> None:
    shown = kf("show", "default", cwd=ks010).out
    result = kf("upgrade", cwd=ks010)
    assert result.code == 0, result.err
    assert (ks010 / "app.yaml").read_text() == KS_010.replace(
        "apiVersion: 0.1.0", "apiVersion: 0.3.0"
    ).replace("    - web/frontend", "    - web.frontend").replace(
        f"""  tf-serving:
    gitVersion:
      commitSha: {SHA}
      refSpec: v0.2.0
    name: tf-serving
    registry: kubeflow
""",
        f"""  kubeflow/tf-serving:
    name: tf-serving
    registry: kubeflow
    version: {SHA}
""",
    ).replace(
        f"""    gitVersion:
      commitSha: {SHA}
      refSpec: v0.2.0
    protocol: github""",
        "    protocol: github",
    )
    assert (ks010 / "lib" / "ksonnet-lib" / "v1.8.0" / "k.libsonnet").is_file()
    assert not (ks010 / "lib" / "v1.8.0").exists()
    assert (ks010 / "vendor" / "kubeflow" / f"tf-serving@{SHA}" / "parts.yaml").is_file()
    assert not (ks010 / "vendor" / "kubeflow" / "tf-serving").exists()
    assert kf("show", "default", cwd=ks010).out == shown
    again = kf("upgrade", cwd=ks010)
    assert (again.code, again.out) == (0, "")
    assert "nothing to upgrade: the app is at apiVersion 0.3.0" in again.err


def test_upgrade_to_0_2_0_keeps_bare_library_keys(ks010: Path, kf: Kf) -> None:
    assert kf("upgrade", "--to", "0.2.0", cwd=ks010).code == 0
    data = yaml.safe_load((ks010 / "app.yaml").read_text())
    assert data["apiVersion"] == "0.2.0"
    assert data["libraries"] == {"tf-serving": {"name": "tf-serving", "registry": "kubeflow", "version": SHA}}


def test_no_downgrade_and_unknown_targets_are_one_line_errors(app: Path, kf: Kf) -> None:
    before = tree(app)
    for args, message in (
        (("upgrade", "--to", "0.2.0"), "is already at apiVersion 0.3.0; kfkit does not downgrade to 0.2.0"),
        (("upgrade", "--to", "0.4.0"), "cannot upgrade to apiVersion '0.4.0': use one of 0.2.0, 0.3.0"),
    ):
        result = kf(*args, cwd=app)
        assert result.code != 0 and message in result.err
        assert result.err.count("\n") == 1 and result.err.startswith("error: ")
    assert tree(app) == before


def _ks001(app: Path) -> Path:
    """The same app as ksonnet 0.9 wrote it: server and namespace in environments/<env>/spec.json."""
    data = yaml.safe_load((app / "app.yaml").read_text())
    data["apiVersion"] = "0.0.1"
    del data["environments"]
    (app / "app.yaml").write_text(yaml.safe_dump(data))
    (app / "environments" / "default" / "spec.json").write_text(
        json.dumps({"server": "https://1.2.3.4", "namespace": "ml"})
    )
    meta = app / "environments" / "default" / ".metadata"
    meta.mkdir()
    (meta / "swagger.json").write_text(json.dumps({"info": {"version": "v1.7.0"}}))
    (app / "components" / "settings.yaml").write_text(CM)
    return app


def test_pre_0_1_app_says_run_kfkit_upgrade_and_upgrade_folds_its_env_specs(app: Path, kf: Kf) -> None:
    _ks001(app)
    refused = kf("show", "default", cwd=app)
    assert refused.code == 1 and "pre-0.1 layout" in refused.err and "run `kfkit upgrade`" in refused.err
    result = kf("upgrade", cwd=app)
    assert result.code == 0, result.err
    assert "delete environments/default/spec.json (now in app.yaml)" in result.out
    assert "environments/default/.metadata/ (0.0.1's ksonnet-lib) is no longer read" in result.err
    env = yaml.safe_load((app / "app.yaml").read_text())["environments"]["default"]
    assert env == {
        "destination": {"namespace": "ml", "server": "https://1.2.3.4"},
        "k8sVersion": "v1.7.0",
        "path": "default",
    }
    assert not (app / "environments" / "default" / "spec.json").exists()
    shown = kf("show", "default", cwd=app)
    assert shown.code == 0, shown.err
    assert "name: settings" in shown.out


def test_unreadable_env_spec_is_one_line_error_and_nothing_changes(app: Path, kf: Kf) -> None:
    _ks001(app)
    (app / "environments" / "default" / "spec.json").write_text("{not json")
    before = tree(app)
    result = kf("upgrade", cwd=app)
    assert result.code == 1
    assert result.err.startswith(f"error: cannot read {app}/environments/default/spec.json: ")
    assert result.err.count("\n") == 1
    assert tree(app) == before


def test_upgrade_refuses_a_plan_whose_app_yaml_changed_meanwhile(ks010: Path) -> None:
    plan = plan_upgrade(ks010)
    (ks010 / "app.yaml").write_text(KS_010 + "description: edited\n")
    with pytest.raises(AppError, match="changed since the upgrade was planned"):
        apply_upgrade(plan)
    assert (ks010 / "lib" / "v1.8.0").is_dir()


def test_library_upgrade_returns_the_plan(ks010: Path) -> None:
    plan = App.upgrade(ks010, dry_run=True)
    assert (plan.from_version, plan.to_version, plan.changes) == ("0.1.0", "0.3.0", True)
    assert (ks010 / "app.yaml").read_text() == KS_010
    assert App.upgrade(ks010).after == (ks010 / "app.yaml").read_text()
    assert not App.upgrade(ks010).changes


def test_ksonnet_registry_cache_is_tolerated_and_named(ks010: Path, kf: Kf) -> None:
    cache = ks010 / ".ksonnet" / "registries" / "kubeflow"
    cache.mkdir(parents=True)
    (cache / "registry.yaml").write_text("apiVersion: 0.2.0\nkind: ksonnet.io/registry\nlibraries: {}\n")
    assert kf("show", "default", cwd=ks010).code == 0
    result = kf("upgrade", "--dry-run", cwd=ks010)
    assert "note: .ksonnet/registries/ is ksonnet's registry cache" in result.err
    assert cache.is_dir()


def test_override_file_is_upgraded_alongside(ks010: Path, kf: Kf) -> None:
    override = (
        "apiVersion: 0.2.0\nkind: ksonnet.io/app-override\n# mine\nenvironments:\n  staging:\n"
        "    destination:\n      namespace: mine\n      server: https://10.0.0.1\n    path: staging\n"
        "    targets:\n    - web/frontend\n"
    )
    (ks010 / "app.override.yaml").write_text(override)
    dry = kf("upgrade", "--dry-run", cwd=ks010)
    assert "would app.override.yaml: its environments and registries in 0.3.0's shape" in dry.out
    assert "+++ app.override.yaml\n" in dry.out
    assert (ks010 / "app.override.yaml").read_text() == override
    assert kf("upgrade", cwd=ks010).code == 0
    assert (ks010 / "app.override.yaml").read_text() == override.replace("0.2.0", "0.3.0").replace(
        "web/frontend", "web.frontend"
    )
