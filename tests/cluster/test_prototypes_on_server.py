"""Every built-in prototype, and each tf-serving option, passes the API server's strict dry run.

`kfkit apply --dry-run` sends each rendered object with dryRun=All and fieldValidation=Strict,
so a misplaced field (say fsGroup on a container) or a missing selector fails here.
"""

from __future__ import annotations

import pytest

from tests.cluster.deploy_support import (  # noqa: F401 - cluster_app_fixture registers the fixture
    ClusterApp,
    cluster_app_fixture,
)

CASES = {
    "configMap": ("configMap", ["--data", '{"a": "x", "n": 3}'], {}),
    "deployed-service": ("deployed-service", ["--image", "nginx:1.27"], {}),
    "namespace": ("namespace", [], {}),
    "single-port-deployment": ("single-port-deployment", ["--image", "nginx:1.27"], {}),
    "single-port-service": ("single-port-service", ["--targetLabelSelector", '{"app": "web"}'], {}),
    "tf-serving-client": ("tf-serving-client", [], {}),
    "tf-serving-client-emptydir": ("tf-serving-client", [], {"hostPath": "null"}),
    "tf-serving": ("tf-serving", [], {}),
    "tf-serving-gpu-proxy": ("tf-serving", [], {"numGpus": "1", "deployHttpProxy": "true"}),
    "tf-serving-gcp": ("tf-serving", [], {"cloud": "gcp", "gcpCredentialSecretName": "sa-key"}),
    "tf-serving-s3": ("tf-serving", [], {"s3Enable": "true", "s3SecretName": "aws"}),
    "tf-serving-nfs": ("tf-serving", [], {"modelStorageType": "nfs", "nfsPVC": "models"}),
    "tf-serving-istio-later-version": ("tf-serving", [], {"deployIstio": "true", "firstVersion": "false"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_strict_server_side_dry_run_accepts_it(cluster_app: ClusterApp, case: str) -> None:
    prototype, flags, params = CASES[case]
    cluster_app.ok("generate", prototype, "unit", *flags)
    if prototype == "tf-serving":
        cluster_app.ok("param", "set", "unit", "modelPath", "gs://models/inception")
    for key, value in params.items():
        cluster_app.ok("param", "set", "unit", key, value)
    result = cluster_app.ok("apply", "default", "--dry-run")
    assert "error" not in result.err
    assert "dry run" in result.err
    # One line per object, and none "not checked": the server dry-ran every one.
    assert result.out
    assert all(line.endswith(" (dry run)") for line in result.out.splitlines()), result.out
