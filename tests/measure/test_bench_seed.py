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
        "newsletters", "search_index", "sessions",
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


def plan_ids(plan):
    return [session["user"] for session in plan["sessions"]]
