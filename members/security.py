"""Second factors for staff, per session.

allauth records in the session how it was authenticated (password, mfa, ...). A staff session
counts as two-factor only when that record holds an "mfa" step; an account that merely *has*
an authenticator is not enough, because a session that logged in with the password before the
factor was set up never proved the factor.

Adding or removing a factor ends the user's other sessions: `User.get_session_auth_hash`
includes the ids of the user's factors (see members.models), so Django logs out every session
whose stored hash no longer matches; the receivers below keep the session that made the change.
"""

from django.contrib.auth import update_session_auth_hash

# allauth's recovery codes come and go with TOTP and are regenerated on request; the factors
# themselves are what a session proves.
FACTOR_TYPES = ("totp", "webauthn")


def second_factor_ids(*, user) -> list[int]:
    from allauth.mfa.models import Authenticator

    if user.pk is None:
        return []
    return list(
        Authenticator.objects.filter(user_id=user.pk, type__in=FACTOR_TYPES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def second_factors_sync(*, user_id: int) -> str:
    """Store the user's current second factors on the user row (``User.second_factors``, which
    the session check reads) and return them. Called when a factor is saved or deleted."""
    from .models import User

    factors = ",".join(map(str, second_factor_ids(user=User(pk=user_id))))
    User.objects.filter(pk=user_id).exclude(second_factors=factors).update(second_factors=factors)
    return factors


def on_authenticator_saved(sender, instance, **kwargs):
    factors = second_factors_sync(user_id=instance.user_id)
    # The caller's user object (allauth's, a test's) checks sessions with the new value too.
    if sender.user.is_cached(instance):
        instance.user.second_factors = factors


def session_passed_second_factor(*, request) -> bool:
    """True when this session's login (or a later re-authentication) included a second
    factor of the logged-in user."""
    from allauth.account.authentication import get_authentication_records

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    records = get_authentication_records(request, user)
    return any(record.get("method") == "mfa" for record in records)


def needs_second_factor(*, user) -> bool:
    """Staff work in the admin and on staff pages; every such session needs the factor."""
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def on_authenticator_added(sender, request=None, user=None, authenticator=None, **kwargs):
    if request is None or user is None or not getattr(request, "user", None):
        return
    if request.user.pk != user.pk:
        return
    if authenticator is not None and authenticator.type in FACTOR_TYPES:
        # Setting up the factor proved it in this session (the form checks a code).
        from allauth.account.internal.flows.login import record_authentication

        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    user.second_factors = second_factors_sync(user_id=user.pk)
    update_session_auth_hash(request, user)


def on_authenticator_removed(sender, request=None, user=None, **kwargs):
    if request is None or user is None or not getattr(request, "user", None):
        return
    if request.user.pk != user.pk:
        return
    user.second_factors = second_factors_sync(user_id=user.pk)
    update_session_auth_hash(request, user)
