"""Diff, apply and delete rendered objects: orchestration over a cluster client passed in.

Nothing here imports the Kubernetes client or prints; :class:`Cluster` is the interface
deploy needs, and :class:`kfkit.cluster.ClusterClient` implements it.
"""

from kfkit.deploy._apply import ApplyOptions, ApplyPlan, apply_plan, plan_apply
from kfkit.deploy._delete import delete
from kfkit.deploy._diff import (
    DiffResult,
    ObjectDiff,
    SecretMask,
    Side,
    diff_changes,
    diff_live,
    diff_sides,
)
from kfkit.deploy._labels import label_value, owner_labels, owner_selector, with_owner
from kfkit.deploy._objects import ObjectResult, Recorder
from kfkit.deploy._order import Tier, tier_of
from kfkit.deploy._plan import Change, Scope, dry_run_all, live_objects, prune_candidates
from kfkit.deploy._protocol import Cluster
from kfkit.deploy._wait import DEFAULT_TIMEOUT, format_duration, parse_duration, wait_ready
from kfkit.errors import ObjectErrors, ObjectFailure

__all__ = [
    "DEFAULT_TIMEOUT",
    "ApplyOptions",
    "ApplyPlan",
    "Change",
    "Cluster",
    "DiffResult",
    "ObjectDiff",
    "ObjectErrors",
    "ObjectFailure",
    "ObjectResult",
    "Recorder",
    "Scope",
    "SecretMask",
    "Side",
    "Tier",
    "apply_plan",
    "delete",
    "diff_changes",
    "diff_live",
    "diff_sides",
    "dry_run_all",
    "format_duration",
    "label_value",
    "live_objects",
    "owner_labels",
    "owner_selector",
    "parse_duration",
    "plan_apply",
    "prune_candidates",
    "tier_of",
    "wait_ready",
    "with_owner",
]
