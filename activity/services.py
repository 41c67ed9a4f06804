"""The one write of the action log."""

from __future__ import annotations

import ipaddress
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from .context import client_address_of
from .models import Action
from .verbs import Verb


def _address(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def record(actor, verb: str, target, /, *, at=None, **data) -> Action:
    """Write who (None or an anonymous user: the system) did what (a Verb) to target (a model
    instance, or None), with data as JSON. An unknown verb is refused with ValueError. at sets
    the time (default: now); strategy uses it to date 'ballot.cast' rows at the round's close.
    The client address is kept only when the actor is the person making the current request."""
    if verb not in Verb.values:
        raise ValueError(f"Unknown action verb {verb!r}; add it to activity/verbs.py first.")
    actor = actor if actor is not None and actor.is_authenticated else None
    action = Action(
        actor=actor,
        verb=verb,
        data=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
        client_address=_address(client_address_of(actor)),
    )
    if target is not None:
        action.target_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
        action.target_id = str(target.pk)
        action.target_label = str(target)[:300]
    if at is not None:
        action.created_at = at
    action.save()
    return action


def actions_scrub(*, model, ids, keys) -> int:
    """Erase personal data from the log rows about these objects (a person's data deleted):
    the given data keys and the label (which may name the person). The rows stay."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    actions = Action.objects.filter(target_type=content_type, target_id__in=[str(i) for i in ids])
    count = 0
    for action in actions.iterator():
        for key in keys:
            action.data.pop(key, None)
        action.target_label = f"{model._meta.verbose_name} #{action.target_id}"
        action.save(update_fields=["data", "target_label"])
        count += 1
    return count


def actions_delete(*, model, ids) -> int:
    """Delete the log rows about these objects (a person's account deleted with its
    affiliations and seats: the rows would still tie them to organisations and dates)."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    deleted, _by_model = Action.objects.filter(
        target_type=content_type, target_id__in=[str(i) for i in ids]
    ).delete()
    return deleted
