"""Prices that change after the sign-up: a person whose affiliation is confirmed after they
signed up at the non-member price.

members calls `registrations_reprice_for_affiliation` (registered in events/apps.py through
members/registry.py) inside the transaction that confirms the affiliation. A sign-up made while
the request waited, for an event that has not ended, gets the member price if it has not been
invoiced; an invoiced one is left as it is and flagged to the secretariat (the action log and a
mail), who credit the difference by hand.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from activity.services import record
from members.selectors import user_is_member

from .models import Event, Registration
from .registry import registrations_invoiced

PRICE_REVIEW_MAIL = "events/mail/price_review"


def _candidates(*, affiliation):
    upcoming = Event.objects.upcoming().values("pk")
    return (
        Registration.objects.active()
        .filter(
            user_id=affiliation.user_id,
            price_category=Registration.PriceCategory.NON_MEMBER,
            created_at__gte=affiliation.created_at,
            event__in=upcoming,
        )
        .select_related("event")
        .select_for_update(of=("self",))
        .order_by("pk")
    )


@transaction.atomic
def registrations_reprice_for_affiliation(*, affiliation, actor=None) -> dict[str, list[int]]:
    """Re-price (or flag) the person's non-member sign-ups made since they asked to be
    affiliated. Returns the ids {"repriced": [...], "flagged": [...]}."""
    done: dict[str, list[int]] = {"repriced": [], "flagged": []}
    if not user_is_member(user=affiliation.user):
        return done  # a partner organisation, or a membership that has lapsed
    registrations = list(_candidates(affiliation=affiliation))
    invoiced = registrations_invoiced([r.pk for r in registrations])
    for registration in registrations:
        old_price = registration.price
        new_price = registration.event.member_price
        facts = {
            "event": registration.event_id,
            "from_status": registration.status,
            "to_status": registration.status,
            "old_price": old_price,
            "member_price": new_price,
            "affiliation": affiliation.pk,
        }
        if registration.pk in invoiced:
            record(actor, "registration.price_review", registration, **facts)
            _price_review_mail(registration=registration, new_price=new_price)
            done["flagged"].append(registration.pk)
            continue
        registration.price_category = Registration.PriceCategory.MEMBER
        registration.price = new_price
        fields = ["price_category", "price"]
        if registration.organisation_id is None:
            registration.organisation_id = affiliation.organisation_id
            fields.append("organisation")
        registration.save(update_fields=fields)
        record(actor, "registration.repriced", registration, **facts)
        done["repriced"].append(registration.pk)
    return done


def _price_review_mail(*, registration, new_price) -> None:
    from members.mail import staff_with_permission
    from outbox.services import message_queue

    url = settings.SITE_URL + reverse("admin:events_registration_change", args=[registration.pk])
    for recipient in staff_with_permission("change_registration", "events"):
        message_queue(
            to=recipient,
            template=PRICE_REVIEW_MAIL,
            context={
                "person_name": registration.user.get_full_name() or registration.user.email,
                "event_title": registration.event.title,
                "old_price": registration.price,
                "member_price": new_price,
                "admin_url": url,
                "when": timezone.localtime(registration.created_at),
            },
            dedup_key=f"events.price_review:{registration.pk}:{recipient.pk}",
        )
