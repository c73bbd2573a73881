"""Apply history in the cluster, and rollback to a recorded revision.

Every non-dry-run apply, delete and rollback records a :class:`Revision` (who, when,
which commit and command, the objects sent with Secret values hashed, the params, the
per-object outcomes) as a Secret in the environment's namespace, keeping the newest
``max_history``; :func:`rollback_objects` turns a revision back into objects to apply.
"""

from kfkit.history._revision import (
    ObjectOutcome,
    Revision,
    app_commit,
    hash_secrets,
    now,
    restore_secret,
    who,
)
from kfkit.history._rollback import RollbackObjects, rollback_objects
from kfkit.history._store import (
    DEFAULT_MAX_HISTORY,
    HistoryCluster,
    get_revision,
    list_revisions,
    record,
    revision_name,
    trim,
)

__all__ = [
    "DEFAULT_MAX_HISTORY",
    "HistoryCluster",
    "ObjectOutcome",
    "Revision",
    "RollbackObjects",
    "app_commit",
    "get_revision",
    "hash_secrets",
    "list_revisions",
    "now",
    "record",
    "restore_secret",
    "revision_name",
    "rollback_objects",
    "trim",
    "who",
]
