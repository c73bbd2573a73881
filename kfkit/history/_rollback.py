"""Which objects a rollback to a revision sends, and what it must leave alone or refuse.

A revision holds its objects as they were sent, except Secret values (only salted
hashes): a Secret is sent again only when the live one holds exactly the recorded
values, i.e. when sending it changes nothing but its metadata; otherwise it is left as
it is and said so. A revision whose objects use an API the server no longer serves
cannot be re-applied at all (kfkit's removed-API table and the server's discovery say so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kfkit._model import ObjectId
from kfkit._types import Obj
from kfkit.deploy import Cluster
from kfkit.errors import UsageError, ValidationError
from kfkit.history._revision import Revision, restore_secret
from kfkit.manifests import removed_api

__all__ = ["RollbackObjects", "rollback_objects"]


@dataclass(frozen=True)
class RollbackObjects:
    """What to send, and the Secrets left alone (with why)."""

    objects: list[Obj]
    kept: dict[ObjectId, str] = field(default_factory=dict)


def rollback_objects(revision: Revision, client: Cluster) -> RollbackObjects:
    """The revision's objects as they can be sent now; refuses delete revisions and removed APIs."""
    if revision.operation == "delete":
        raise UsageError(
            f"revision {revision.number} deleted objects; roll back to the revision before it instead"
        )
    defined = {  # kinds whose CRD the revision itself creates
        (o["spec"].get("group", ""), o["spec"].get("names", {}).get("kind", ""))
        for o in revision.objects
        if o.get("kind") == "CustomResourceDefinition" and isinstance(o.get("spec"), dict)
    }
    reasons = sorted(
        {
            _why_unserved(obj, client)
            for obj in revision.objects
            if (ObjectId.of(obj).group, obj.get("kind")) not in defined
        }
        - {""}
    )
    if reasons:
        raise ValidationError(
            [],
            f"cannot roll back to revision {revision.number}: {'; '.join(reasons)}; nothing was changed",
        )
    objects, kept = [], {}
    for obj in revision.objects:
        if (obj.get("apiVersion"), obj.get("kind")) != ("v1", "Secret"):
            objects.append(obj)
            continue
        live = client.get(obj)
        restored = restore_secret(obj, live, revision.salt)
        if restored is not None:
            objects.append(restored)
            continue
        why = "it no longer exists" if live is None else "its live values are not those"
        kept[ObjectId.of(obj)] = (
            f"left as it is: {why} of revision {revision.number} (history keeps only hashes of Secret values)"
        )
    return RollbackObjects(objects, kept)


def _why_unserved(obj: Obj, client: Cluster) -> str:
    """Why the server cannot take ``obj`` any more (a removed API, a kind it lacks), or ``""``."""
    api_version, kind = str(obj.get("apiVersion", "")), str(obj.get("kind", ""))
    removed = removed_api(api_version, kind)
    if removed is not None:
        return removed.message()
    if client.is_namespaced(api_version, kind) is None:
        return f"the server does not serve {api_version} {kind}"
    return ""
