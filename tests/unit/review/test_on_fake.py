"""``App.review`` against a cluster (kfkit.testing.FakeCluster): apply's pre-flight made once,
refusals reported instead of raised. tests/cluster/test_review.py checks it on the real server."""

from __future__ import annotations

from pathlib import Path

import yaml

from kfkit import App, ClusterError, ConnectionOptions, EnvironmentSpec
from kfkit.testing import FakeCluster


def test_each_object_is_dry_run_once_and_refusals_are_in_the_report(tmp_path: Path) -> None:
    fake = FakeCluster()
    kf = App.init(tmp_path / "app", server=fake.server, connection=ConnectionOptions(factory=fake.connect))
    objects = {
        "fine": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fine"}, "data": {"k": "v"}},
        "legacy": {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "legacy"}},
        "bad": {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bad"}, "data": {"k": "v"}},
    }
    for name, obj in objects.items():
        (kf.root / "components" / f"{name}.yaml").write_text(yaml.safe_dump(obj))
    fake.reject("bad", "data.k: Invalid value: the server says no", dry_run=True)

    report = kf.review()
    assert {o.object_id.name: o.status for o in report.objects} == {
        "fine": "create",
        "legacy": "refused",
        "bad": "refused",
    }
    assert report.server_validated
    assert [f.code for f in report.removed_apis] == ["removed-api"]  # said once, offline and by pre-flight
    assert [(f.code, f.message) for f in report.findings if f.code == "server"] == [
        ("server", "data.k: Invalid value: the server says no")
    ]
    # each refusal is both a finding and a refused object: one problem, counted once
    assert report.verdict() == (False, "kfkit apply would stop: 2 refused objects.")
    # one dry run per object the pre-flight could send (the fake counts the refused dry run of
    # "bad" as not served), none for the removed API, none again for validation; nothing written
    assert (fake.requests["apply-dry-run"], fake.requests["apply"]) == (1, 0)


class _Resources(FakeCluster):
    """A fake that can be asked for CRDs (a :class:`~kfkit.validate.SchemaCluster`): it has none."""

    def resource(self, api_version: str, kind: str) -> None:
        return None


def test_against_another_cluster_the_environments_own_cluster_is_asked_for_crds(tmp_path: Path) -> None:
    """The review is for ``default``: its cluster (not ``prod``'s, compared with) is the target and
    has the CRDs custom resources are checked against; one that cannot be reached is said so."""
    own, other = (
        _Resources(server="https://own.example:6443"),
        _Resources(server="https://other.example:6443"),
    )
    clusters = {"default": own, "prod": other}

    def factory(env: EnvironmentSpec, options: ConnectionOptions) -> FakeCluster:
        if env.name not in clusters:
            raise ClusterError(f"no context for environment {env.name}")
        return clusters[env.name].connect(env, options)

    kf = App.init(tmp_path / "app", server=own.server, connection=ConnectionOptions(factory=factory))
    kf.add_env("prod", server=other.server, namespace="prod")
    kf.add_env("unreachable", server="https://nowhere.example:6443", namespace="x")

    report = kf.review("default", against="remote:prod")
    assert report.crds_from == report.target == own.target.describe()
    assert "custom resources also against the CRDs of the cluster at" in report.checks()
    assert own.target.server in report.checks() and other.target.server not in report.checks()

    elsewhere = kf.review("unreachable", against="remote:prod").to_json()
    assert (elsewhere["crdsFrom"], elsewhere["crdsUnread"]) == ("", "no context for environment unreachable")
    assert (
        "was not asked for CRDs: no context for environment unreachable"
        in kf.review("unreachable", against="remote:prod").checks()
    )
