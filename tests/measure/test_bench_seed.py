"""`make bench` seeds by COPY with explicit ids, bypassing save(); this runs its seeder at a
small scale against the test database so a model change that breaks a part (which the bench
would only report as SKIPPED) fails here, and the seeded rows read back through the models."""

import pytest

from devtools.bench.seed import Seeder

pytestmark = pytest.mark.django_db


def test_every_part_of_the_bench_seed_runs_and_reads_back():
    from events.models import Event, Registration
    from members.models import Organisation, User
    from publications.models import Publication
    from search.models import SearchDocument

    plan = Seeder(scale=0.02).run()
    parts = {
        "organisations", "users", "seats", "events", "projects", "publications", "strategy",
        "newsletters", "search_index", "sessions", "mail_log", "action_log", "staff",
    }  # fmt: skip
    assert parts <= set(plan["counts"]), f"skipped: {parts - set(plan['counts'])}"
    skipped = {k: v for k, v in plan["counts"]["search_index"].items() if isinstance(v, str)}
    assert not skipped, skipped

    assert Organisation.objects.members().count() >= 54
    assert User.objects.count() >= 400
    assert 0 < Registration.objects.count() <= 2000  # capped by each event's capacity
    # Seats are never sold twice over, and the sequences moved past the copied ids.
    for event in Event.objects.with_seat_counts():
        assert event.confirmed_count <= event.capacity
    assert User.objects.create_user("after-seed@example.dk").pk > max(plan_ids(plan))
    assert SearchDocument.objects.filter(kind="publication").count() == Publication.objects.count()
    assert plan["sessions"] and plan["signup_events"] and plan["paths"]["event_detail"]
    # The secretariat's logs at the size the sign-ups make them, and a staff user with TOTP
    # for the admin measurement (devtools/bench/admin.py).
    from activity.models import Action
    from outbox.models import OutboxMessage

    assert OutboxMessage.objects.count() == Registration.objects.count()
    assert (
        Action.objects.filter(verb="registration.signed_up").count() == Registration.objects.count()
    )
    staff = User.objects.get(email=plan["staff"]["email"])
    assert staff.is_staff and staff.check_password(plan["staff"]["password"])
    assert _totp_accepts(staff, plan["staff"]["totp_secret"])


def _totp_accepts(user, secret) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    return TOTP(Authenticator.objects.get(user=user, type="totp")).validate_code(code)


def plan_ids(plan):
    return [session["user"] for session in plan["sessions"]]
