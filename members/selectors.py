"""Who someone is and what they may do. Every other app asks these functions."""

import datetime

from django.utils import timezone

from .models import Affiliation, Organisation, Seat, User


def _is_real_user(user) -> bool:
    return bool(user and user.is_authenticated)


def user_is_member(*, user, on: datetime.date | None = None) -> bool:
    """A member is a user with a current, confirmed affiliation to an organisation whose
    membership is active on the day (default today)."""
    if not _is_real_user(user):
        return False
    return Affiliation.objects.counting_as_member(on).filter(user=user).exists()


def user_member_organisations(*, user, on: datetime.date | None = None):
    """The member organisations the user currently acts for."""
    if not _is_real_user(user):
        return Organisation.objects.none()
    ids = Affiliation.objects.counting_as_member(on).filter(user=user).values("organisation_id")
    return Organisation.objects.filter(id__in=ids)


def user_current_seats(*, user, body: str | None = None, on: datetime.date | None = None):
    if not _is_real_user(user):
        return Seat.objects.none()
    seats = Seat.objects.current(on).filter(user=user)
    return seats.filter(body=body) if body else seats


def user_is_board_member(*, user, on: datetime.date | None = None) -> bool:
    """Holds a board seat on the day, substitutes included."""
    return user_current_seats(user=user, body=Seat.Body.BOARD, on=on).exists()


def user_is_advisory_member(*, user, on: datetime.date | None = None) -> bool:
    return user_current_seats(user=user, body=Seat.Body.ADVISORY, on=on).exists()


def user_can_see_contact_details(*, user) -> bool:
    if not _is_real_user(user):
        return False
    return user.is_staff or user_is_member(user=user)


def board_members(*, on: datetime.date | None = None):
    return User.objects.filter(seats__in=Seat.objects.current(on).board()).distinct()


def today() -> datetime.date:
    return timezone.localdate()
