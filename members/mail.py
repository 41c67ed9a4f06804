"""members' mail, queued through the outbox: the secretariat hears of a new affiliation
request, the person of its confirmation or refusal."""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse

from .models import Affiliation, User

REQUEST = "members/mail/affiliation_request"
CONFIRMED = "members/mail/affiliation_confirmed"
REFUSED = "members/mail/affiliation_refused"


def staff_with_permission(codename: str, app_label: str) -> list[User]:
    """Active staff who hold the permission (directly, through a group, or as superusers)."""
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    holds = Q(is_superuser=True)
    if permission is not None:
        holds |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    return list(User.objects.filter(holds, is_active=True, is_staff=True).distinct().order_by("pk"))


def _message_queue():
    from outbox.services import message_queue

    return message_queue


def affiliation_request_queue(*, affiliation: Affiliation) -> int:
    """Tell everyone who may confirm affiliations that a person has asked for one."""
    url = settings.SITE_URL + reverse("admin:members_affiliation_change", args=[affiliation.pk])
    recipients = staff_with_permission("change_affiliation", "members")
    for recipient in recipients:
        _message_queue()(
            to=recipient,
            template=REQUEST,
            context={
                "person_name": affiliation.user.get_full_name() or affiliation.user.email,
                "person_email": affiliation.user.email,
                "organisation_name": affiliation.organisation.name,
                "role": affiliation.get_role_display(),
                "admin_url": url,
            },
            dedup_key=f"members.affiliation_request:{affiliation.pk}:{recipient.pk}",
        )
    return len(recipients)


def _person_context(affiliation: Affiliation) -> dict:
    return {
        "person_name": affiliation.user.get_full_name() or affiliation.user.email,
        "organisation_name": affiliation.organisation.name,
        "me_url": settings.SITE_URL + reverse("members:me"),
    }


def affiliation_confirmed_queue(*, affiliation: Affiliation) -> None:
    _message_queue()(
        to=affiliation.user,
        template=CONFIRMED,
        context=_person_context(affiliation),
        dedup_key=f"members.affiliation_confirmed:{affiliation.pk}",
    )


def affiliation_refused_queue(*, affiliation: Affiliation, reason: str = "") -> None:
    # No dedup key: the refused request is deleted, and its id may come back.
    _message_queue()(
        to=affiliation.user,
        template=REFUSED,
        context={**_person_context(affiliation), "reason": reason},
    )
