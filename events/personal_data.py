"""What events contributes to members' pages, report and the person's data (members.registry)."""

from django.utils import timezone

from . import selectors, services


def organisation_panel_context(*, organisation, user=None) -> dict | None:
    events = selectors.organisation_event_participation(organisation=organisation)
    if not events:
        return None
    return {"participation": events}


def my_page_panel_context(*, user) -> dict | None:
    if not user.is_authenticated:
        return None
    now = timezone.now()
    registrations = [
        r
        for r in selectors.user_registration_list(user=user).exclude(status="cancelled")
        if r.event_end and r.event_end >= now
    ]
    registrations.reverse()
    return {"registrations": registrations[:10]}


def registrations_export(user) -> list[dict]:
    return [
        {
            "event": registration.event.title,
            "event_start": registration.event_start.isoformat()
            if registration.event_start
            else None,
            "status": registration.status,
            "organisation": registration.organisation.name if registration.organisation else None,
            "price_category": registration.price_category,
            "price": str(registration.price),
            "dietary_needs": registration.dietary_needs,
            "comment": registration.comment,
            "motivation": registration.motivation,
            "signed_up": registration.created_at.isoformat(),
            "cancelled": registration.cancelled_at.isoformat()
            if registration.cancelled_at
            else None,
            "late_cancellation_liability": registration.liability,
        }
        for registration in selectors.user_registrations(user=user)
    ]


def registrations_erase(user) -> None:
    services.registrations_erase_user(user=user)
