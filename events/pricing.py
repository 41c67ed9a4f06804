"""Prices: what a sign-up costs and for which organisation (the members rule, the invoice
details), and prices that change after the sign-up: a person whose affiliation is confirmed
after they signed up at the non-member price.

members calls `registrations_reprice_for_affiliation` (registered in events/apps.py through
members/registry.py) inside the transaction that confirms the affiliation. A sign-up made while
the request waited, for an event that has not ended, gets the member price if it has not been
invoiced; an invoiced one is left as it is and flagged to the secretariat (the action log and a
mail), who credit the difference by hand.
"""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.services import record
from members.models import Affiliation, Organisation
from members.selectors import Standing, user_is_member, user_standing
from members.validators import validate_ean

from .models import Event, Registration
from .registry import registrations_invoiced

PRICE_REVIEW_MAIL = "events/mail/price_review"


# --- at sign-up ----------------------------------------------------------------------------------


def user_signup_organisations(*, user):
    """Organisations the user may sign up on behalf of: their current confirmed affiliations."""
    ids = Affiliation.objects.current().filter(user=user).values("organisation_id")
    return Organisation.objects.filter(id__in=ids).order_by("name")


def signup_organisation(*, user, chosen, standing: Standing | None = None) -> Organisation | None:
    standing = standing or user_standing(user=user)
    if chosen in (None, ""):
        return standing.default_organisation
    chosen_id = chosen.pk if isinstance(chosen, Organisation) else chosen
    organisation = next((o for o in standing.organisations if str(o.pk) == str(chosen_id)), None)
    if organisation is None:
        raise ValidationError(
            _("Choose one of the organisations you are affiliated with."), code="organisation"
        )
    return organisation


def signup_price(*, event: Event, user, standing: Standing | None = None) -> tuple[str, Decimal]:
    """The price category and price for this user, by the members rule, never from input."""
    is_member = standing.is_member if standing is not None else user_is_member(user=user)
    if is_member:
        return Registration.PriceCategory.MEMBER, event.member_price
    return Registration.PriceCategory.NON_MEMBER, event.non_member_price


def signup_default_organisation(*, user, standing: Standing | None = None) -> Organisation | None:
    """The organisation a sign-up is made for when the person does not choose: a member
    organisation first, then by name."""
    return signup_organisation(user=user, chosen=None, standing=standing)


def signup_billing_initial(*, organisation: Organisation | None, user=None) -> dict[str, str]:
    """What the sign-up form pre-fills for a paid seat: the organisation's EAN, invoice contact
    and invoice address (the person's own address when there is no organisation)."""
    if organisation is None:
        return {
            "billing_ean": "",
            "billing_reference": "",
            "billing_email": getattr(user, "email", "") or "",
        }
    return {
        "billing_ean": organisation.ean,
        "billing_reference": organisation.invoice_contact_name,
        "billing_email": organisation.invoice_contact_email,
    }


def signup_billing(*, organisation, price: Decimal, answers: Mapping[str, Any]) -> dict:
    """The invoice details stored on a paid seat (nothing for a free one): the answers, or the
    organisation's EAN and invoice contact where the participant left them empty."""
    if not price:
        return {}
    initial = signup_billing_initial(organisation=organisation)
    ean = "".join(str(answers.get("billing_ean") or initial["billing_ean"]).split())
    if ean:
        validate_ean(ean)
    email = str(answers.get("billing_email") or initial["billing_email"]).strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"billing_email": _("Enter a valid e-mail address for the invoice.")}
            ) from None
    return {
        "billing_ean": ean,
        "requisition_number": str(answers.get("requisition_number") or "").strip()[:50],
        "billing_reference": str(
            answers.get("billing_reference") or initial["billing_reference"]
        ).strip()[:100],
        "billing_email": email[:254],
    }


# --- after sign-up -------------------------------------------------------------------------------


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
