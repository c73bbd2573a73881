"""Everything that talks to a Kubernetes cluster; the only package importing the client.

Import it lazily (inside functions): ``kfkit show`` and ``kfkit --help`` never pay for it.
"""

from kfkit.cluster import _k8s  # noqa: F401  # first: imports only the client parts kfkit runs
from kfkit.cluster._client import FIELD_MANAGER, ClusterClient
from kfkit.cluster._discovery import ApiResource
from kfkit.cluster._kubeconfig import ContextInfo, kube_contexts, kubeconfig_path
from kfkit.cluster._select import Target, normalize_server, select_target

__all__ = [
    "FIELD_MANAGER",
    "ApiResource",
    "ClusterClient",
    "ContextInfo",
    "Target",
    "kube_contexts",
    "kubeconfig_path",
    "normalize_server",
    "select_target",
]
