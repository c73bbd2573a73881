"""app.yaml edits are lossless: only changed lines differ, the version stays, edits merge."""

from __future__ import annotations

import difflib
from pathlib import Path

from kfkit.app import AppDir
from tests.cli.support import Kf

KS_020 = """\
apiVersion: 0.2.0
environments:
  default:
    destination:
      namespace: "default"
      server: 'https://1.2.3.4'
    k8sVersion: v1.10.4
    path: default
# kept: a comment
kind: ksonnet.io/app
libraries:
  tf-serving:
    name: tf-serving
    registry: kubeflow
    version: 0123456789abcdef0123456789abcdef01234567
name: "serving"
registries:
  kubeflow:
    protocol: github
    uri: github.com/kubeflow/kubeflow/tree/v0.2.0/kubeflow
version: 0.0.1
"""


def _app(tmp_path: Path) -> Path:
    root = tmp_path / "serving"
    (root / "environments").mkdir(parents=True)
    (root / "app.yaml").write_text(KS_020)
    return root


def _changes(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_env_add_changes_only_its_own_lines(tmp_path: Path, kf: Kf) -> None:
    root = _app(tmp_path)
    assert kf("env", "add", "prod", "--server", "https://5.6.7.8", cwd=root).code == 0
    assert _changes(KS_020, (root / "app.yaml").read_text()) == [
        "+  prod:",
        "+    destination:",
        "+      namespace: default",
        "+      server: https://5.6.7.8",
        "+    path: prod",
    ]


def test_env_set_and_rm_keep_version_quotes_and_comments(tmp_path: Path, kf: Kf) -> None:
    root = _app(tmp_path)
    assert kf("env", "set", "default", "--namespace", "serving", cwd=root).code == 0
    text = (root / "app.yaml").read_text()
    assert _changes(KS_020, text) == ['-      namespace: "default"', '+      namespace: "serving"']
    assert kf("env", "add", "prod", cwd=root).code == 0
    assert kf("env", "rm", "prod", cwd=root).code == 0
    assert (root / "app.yaml").read_text() == text


def test_concurrent_edits_of_different_fields_both_survive(tmp_path: Path) -> None:
    root = _app(tmp_path)
    first, second = AppDir.load(root), AppDir.load(root)
    first.add_env("staging")
    second.update_env("default", server="https://9.9.9.9")
    again = AppDir.load(root)
    assert sorted(again.spec.environments) == ["default", "staging"]
    assert again.spec.environments["default"].destination.server == "https://9.9.9.9"
    assert again.spec.api_version == "0.2.0"


def test_older_library_forms_are_read(tmp_path: Path) -> None:
    root = _app(tmp_path)
    text = KS_020.replace("apiVersion: 0.2.0", "apiVersion: 0.1.0").replace(
        "    version: 0123456789abcdef0123456789abcdef01234567",
        "    gitVersion:\n      commitSha: 0123456789abcdef0123456789abcdef01234567\n      refSpec: master",
    )
    (root / "app.yaml").write_text(text)
    lib = AppDir.load(root).spec.libraries["kubeflow/tf-serving"]
    assert lib.version == "0123456789abcdef0123456789abcdef01234567"
