"""``App.review`` against a cluster (kfkit.testing.FakeCluster): apply's pre-flight made once,
refusals reported instead of raised. tests/cluster/test_review.py checks it on the real server."""

from __future__ import annotations

from pathlib import Path

import yaml

from kfkit import App, ConnectionOptions
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
