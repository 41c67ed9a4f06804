"""devtools/bench/admin.py, the admin part of `make bench`: the pages it opens are read from
the admin's own changelists (each filter's first choice), and its table marks what misses
300 ms. The timings themselves come from make bench on the seeded data."""

import pytest

from devtools.bench import admin as bench_admin
from devtools.factories.events import EventFactory, RegistrationFactory
from devtools.factories.members import staff_with_totp

pytestmark = pytest.mark.django_db


def test_each_filters_first_choice_is_read_from_the_changelist(client):
    client.force_login(staff_with_totp(is_superuser=True))
    RegistrationFactory(event=EventFactory(title="Næste seminar"))
    page = client.get("/admin/events/registration/").content.decode()
    choices = bench_admin.filter_choices(page)
    assert "?status__exact=confirmed" in choices
    assert any(c.startswith("?event__id__exact=") for c in choices)
    assert all(c.startswith("?") and "&amp;" not in c for c in choices)
    for choice in choices:
        assert client.get("/admin/events/registration/" + choice).status_code == 200


def test_the_table_marks_pages_over_300_ms_and_failures():
    rows = [
        {"model": "people", "what": "changelist", "median_ms": 120.0, "max_ms": 150.0,
         "status": 200, "over_target": False},
        {"model": "people", "what": "search: name", "median_ms": 420.0, "max_ms": 500.0,
         "status": 200, "over_target": True},
        {"model": "admin", "what": "login", "error": "refused", "over_target": True},
    ]  # fmt: skip
    text = bench_admin.table(rows)
    assert "people: search: name" in text and "OVER" in text
    assert "error: refused" in text
    assert "2 of 3 admin pages over 300 ms" in text
