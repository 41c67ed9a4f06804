"""The secretariat's changelists and change pages at real size (make bench seeds 100,000
registrations, 20,000 people, 10,000 publications): their query counts do not grow with the
rows, big relations are searched pickers (autocomplete) instead of selects of every row, and
the registration list is ordered along its own index. Timings belong to `make bench`'s admin
check; here the shape that keeps them flat."""

import pytest
from django.contrib import admin
from django.db import connection

from activity.models import Action
from activity.services import record
from devtools.factories.events import EventFactory, RegistrationFactory, past_event
from devtools.factories.members import (
    AffiliationFactory,
    OrganisationFactory,
    UserFactory,
    staff_with_totp,
)
from devtools.factories.projects import ProjectFactory
from devtools.factories.publications import PublicationFactory
from devtools.factories.strategy import FocusAreaFactory
from events.models import Event, Registration
from members.models import User
from outbox.models import OutboxMessage
from publications.models import Publication
from strategy.models import FocusArea

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat(client):
    client.force_login(staff_with_totp(is_superuser=True))
    return client


def _count(client, url, django_assert_max_num_queries, bound):
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/events/registration/",
        "/admin/events/registration/?q=jensen",
        "/admin/events/registration/?status__exact=confirmed",
        "/admin/members/user/",
        "/admin/members/user/?q=jensen",
        "/admin/members/affiliation/?q=jensen",
        "/admin/members/seat/?q=jensen",
        "/admin/publications/publication/?q=tryghed",
        "/admin/events/registration/?q=s%C3%B8rensen+seminar",
        "/admin/members/user/?q=boligselskabet",
        "/admin/outbox/outboxmessage/",
        "/admin/outbox/outboxmessage/?q=person",
        "/admin/activity/action/",
        "/admin/activity/action/?q=person",
    ],
)
def test_changelists_ask_the_same_number_of_queries_however_many_rows(
    secretariat, url, django_assert_max_num_queries
):
    def rows(events, per_event, others):
        for event in EventFactory.create_batch(events):
            for registration in RegistrationFactory.create_batch(per_event, event=event):
                _mail_and_log(registration)
        AffiliationFactory.create_batch(others)
        PublicationFactory.create_batch(others)

    rows(1, 3, 3)
    small = _count(secretariat, url, django_assert_max_num_queries, 12)
    rows(3, 10, 20)
    assert _count(secretariat, url, django_assert_max_num_queries, small) <= small


def _mail_and_log(registration):
    """What a sign-up leaves in the delivery log and the action log."""
    OutboxMessage.objects.create(
        to=registration.user.email,
        user=registration.user,
        template="events/mail/confirmation",
        subject=f"Bekræftelse: {registration.event.title}",
        body_text="x",
        language="da",
        message_id=f"<{registration.pk}@example.dk>",
    )
    record(registration.user, "registration.signed_up", registration)


@pytest.mark.parametrize("kind", ["organisation", "event"])
def test_change_pages_ask_the_same_number_of_queries_however_many_people_they_list(
    secretariat, kind, django_assert_max_num_queries
):
    """An organisation's affiliations and an event's participants are listed with their
    people and organisations in one query (it was one query per row)."""
    if kind == "organisation":
        parent = OrganisationFactory()
        url = f"/admin/members/organisation/{parent.pk}/change/"
        grow = lambda n: AffiliationFactory.create_batch(n, organisation=parent)  # noqa: E731
    else:
        parent = EventFactory(capacity=100)
        url = f"/admin/events/event/{parent.pk}/change/"
        grow = lambda n: RegistrationFactory.create_batch(n, event=parent)  # noqa: E731
    grow(2)
    small = _count(secretariat, url, django_assert_max_num_queries, 40)
    grow(20)
    assert _count(secretariat, url, django_assert_max_num_queries, small) <= small


def test_an_organisation_page_lists_its_newest_fifty_people_and_links_to_all(secretariat):
    organisation = OrganisationFactory()
    AffiliationFactory.create_batch(55, organisation=organisation)
    response = secretariat.get(
        f"/admin/members/organisation/{organisation.pk}/change/", HTTP_ACCEPT_LANGUAGE="da"
    )
    assert response.status_code == 200
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "affiliations"
    )
    assert len(formset.formset.forms) == 50
    page = response.content.decode()
    assert f"/admin/members/affiliation/?organisation__id__exact={organisation.pk}" in page
    assert "Alle tilknytninger" in page
    listed = secretariat.get(
        f"/admin/members/affiliation/?organisation__id__exact={organisation.pk}"
    )
    assert listed.context["cl"].result_count == 55


def _event_choices(response) -> list[str]:
    (spec,) = [
        s
        for s in response.context["cl"].filter_specs
        if getattr(s, "parameter_name", "") == "event__id__exact"
    ]
    return [label for _value, label in spec.lookup_choices]


def test_the_registration_list_offers_the_next_events_and_still_filters_on_any(secretariat):
    soon = EventFactory(title="Næste seminar")
    old = past_event(title="Gammelt seminar")
    RegistrationFactory(event=soon)
    RegistrationFactory(event=old)
    url = "/admin/events/registration/"
    assert _event_choices(secretariat.get(url)) == ["Næste seminar"]
    # The event page's link to its participant list, for a past event too.
    chosen = secretariat.get(url, {"event__id__exact": old.pk})
    assert [r.event for r in chosen.context["cl"].result_list] == [old]
    assert _event_choices(chosen) == ["Gammelt seminar", "Næste seminar"]


@pytest.fixture
def danes():
    """People whose names have æ, ø and å, registered for an event and in the log."""
    event = EventFactory(title="Fællesskab i boligområdet")
    people = [
        UserFactory(first_name="Søren", last_name="Østergård", email="soeren@example.dk"),
        UserFactory(first_name="Åse", last_name="Ærenlund", email="aase@example.dk"),
        UserFactory(first_name="Bo", last_name="Hansen", email="bo@example.dk"),
    ]
    for person in people:
        _mail_and_log(RegistrationFactory(event=event, user=person))
        AffiliationFactory(user=person)
    return people


@pytest.mark.parametrize(
    ("url", "query", "expected"),
    [
        ("/admin/members/user/", "østergård", ["soeren@example.dk"]),
        ("/admin/members/user/", "ÆRENLUND", ["aase@example.dk"]),
        ("/admin/members/user/", "søren østergård", ["soeren@example.dk"]),
        ("/admin/members/user/", "søren hansen", []),  # every word must match
        ("/admin/events/registration/", "åse", ["aase@example.dk"]),
        (
            "/admin/events/registration/",
            "fællesskab",
            ["aase@example.dk", "bo@example.dk", "soeren@example.dk"],
        ),
        ("/admin/events/registration/", "bo@", ["bo@example.dk"]),
        ("/admin/members/affiliation/", "Østergård", ["soeren@example.dk"]),
        ("/admin/activity/action/", "østergård", ["soeren@example.dk"]),
        ("/admin/activity/action/", "aase@example", ["aase@example.dk"]),
        (
            "/admin/outbox/outboxmessage/",
            "fællesskab",
            ["aase@example.dk", "bo@example.dk", "soeren@example.dk"],
        ),
    ],
)
def test_searches_find_danish_names_in_any_case_through_related_tables(
    secretariat, danes, url, query, expected
):
    response = secretariat.get(url, {"q": query})
    assert response.status_code == 200
    found = set()
    for row in response.context["cl"].result_list:
        person = getattr(row, "user", None) or getattr(row, "actor", None) or row
        found.add(person.email if isinstance(person, User) else row.to)
    assert sorted(found) == expected


def test_a_user_found_through_an_organisation_is_listed_once(secretariat):
    organisation = OrganisationFactory(name="Boligselskabet Ærø")
    person = UserFactory()
    AffiliationFactory.create_batch(2, user=person, organisation=organisation)
    response = secretariat.get("/admin/members/user/", {"q": "ærø"})
    assert list(response.context["cl"].result_list) == [person]


def test_an_action_is_found_by_its_objects_id_exactly(secretariat, danes):
    registration = Registration.objects.order_by("pk").first()
    response = secretariat.get("/admin/activity/action/", {"q": str(registration.pk)})
    assert {a.target_id for a in response.context["cl"].result_list} == {str(registration.pk)}


# The searches' trigram indexes: present, and what PostgreSQL picks for the expression the
# admin's search runs (with sequential scans off, as a small test table would otherwise win).
TRIGRAM_INDEXES = [
    (User, "email", "user_email_trgm"),
    (User, "first_name", "user_first_name_trgm"),
    (User, "last_name", "user_last_name_trgm"),
    (Event, "title", "event_title_trgm"),
    (Publication, "title", "publication_title_trgm"),
    (Publication, "summary", "publication_summary_trgm"),
    (Publication, "authors", "publication_authors_trgm"),
    (OutboxMessage, "to", "outbox_to_trgm"),
    (OutboxMessage, "subject", "outbox_subject_trgm"),
    (OutboxMessage, "message_id", "outbox_message_id_trgm"),
    (Action, "target_label", "action_target_label_trgm"),
    (Action, "target_id", "action_target_id_trgm"),
]


@pytest.mark.parametrize(("model", "field", "index"), TRIGRAM_INDEXES)
def test_the_admin_searches_use_their_trigram_indexes(model, field, index):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        (definition,) = cursor.fetchone()
        assert "gin" in definition and "gin_trgm_ops" in definition and "upper" in definition
        cursor.execute("SET LOCAL enable_seqscan = off")
    # Without the model's order: a tiny table is otherwise read along the order's index.
    plan = model.objects.filter(**{f"{field}__icontains": "søren"}).order_by().explain()
    assert index in plan, plan


def test_a_search_over_several_fields_ors_their_indexes():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    admin_search = admin.site._registry[Publication].get_search_fields(None)
    from django.db.models import Q

    condition = Q()
    for field in admin_search:
        condition |= Q(**{f"{field}__icontains": "tryghed"})
    plan = Publication.objects.filter(condition).order_by().explain()
    assert "BitmapOr" in plan and "Seq Scan" not in plan, plan


def test_the_delivery_logs_kinds_of_mail_are_read_by_a_skip_scan():
    for n, template in enumerate(["b/mail", "a/mail", "b/mail", "c/mail"]):
        OutboxMessage.objects.create(
            to="a@example.dk", template=template, subject="x", body_text="x",
            language="da", message_id=f"<{n}@example.dk>",
        )  # fmt: skip
    assert OutboxMessage.objects.templates_used() == ["a/mail", "b/mail", "c/mail"]


def test_the_registration_list_is_newest_first_along_its_index_without_a_full_count(
    secretariat,
):
    model_admin = admin.site._registry[Registration]
    assert model_admin.get_ordering(None) == ["-created_at", "-pk"]
    assert model_admin.show_full_result_count is False
    assert not model_admin.date_hierarchy  # the distinct days of every registration
    index = {tuple(i.fields) for i in Registration._meta.indexes}
    assert ("created_at", "id") in index


@pytest.mark.parametrize("model", [OutboxMessage, Action])
def test_the_logs_are_newest_first_along_an_index_without_a_date_hierarchy(model):
    model_admin = admin.site._registry[model]
    assert not model_admin.date_hierarchy  # the distinct days of every mail or action
    assert model_admin.show_full_result_count is False
    assert list(model._meta.ordering) == ["-created_at", "-id"]
    assert ("created_at", "id") in {tuple(i.fields) for i in model._meta.indexes}


@pytest.mark.parametrize(
    ("model", "fields"),
    [
        (Publication, {"events", "projects", "organisations", "tags"}),
        (FocusArea, {"events", "projects", "publications"}),
    ],
)
def test_big_relations_are_searched_pickers(model, fields):
    assert fields <= set(admin.site._registry[model].autocomplete_fields)


@pytest.mark.parametrize("kind", ["publication", "focusarea", "project"])
def test_change_pages_do_not_list_every_event_or_publication(
    secretariat, kind, django_assert_max_num_queries
):
    obj = {
        "publication": PublicationFactory,
        "focusarea": FocusAreaFactory,
        "project": ProjectFactory,
    }[kind]()
    app = {"publication": "publications", "focusarea": "strategy", "project": "projects"}[kind]
    url = f"/admin/{app}/{kind}/{obj.pk}/change/"
    EventFactory.create_batch(2, title="Seminar om fugt")
    first = secretariat.get(url)
    assert first.status_code == 200
    small = _count(secretariat, url, django_assert_max_num_queries, 30)
    EventFactory.create_batch(15, title="Seminar om fugt")
    PublicationFactory.create_batch(15)
    response = secretariat.get(url)
    # An autocomplete select lists only what is chosen, never every event.
    assert "Seminar om fugt" not in response.content.decode()
    assert _count(secretariat, url, django_assert_max_num_queries, small) <= small


def test_the_selection_checkbox_is_djangos_html_without_its_template():
    """almennet.admin.action_checkbox_install writes each row's checkbox directly (a template
    render per row cost 100 ms of a page of registrations); the HTML is Django's own."""
    from django.contrib.admin import ModelAdmin

    organisation = OrganisationFactory(name='Bolig & Co "Ærø" <1>')
    model_admin = admin.site._registry[type(organisation)]
    ours = model_admin.action_checkbox(organisation)
    assert ours == ModelAdmin.action_checkbox.django_version(model_admin, organisation)
    assert "&amp; Co &quot;Ærø&quot; &lt;1&gt;" in ours


@pytest.mark.parametrize(
    ("model", "field", "make"),
    [
        (Publication, "published_on", lambda day: PublicationFactory(published_on=day)),
        (
            "members.Affiliation",
            "starts_on",
            lambda day: AffiliationFactory(starts_on=day),
        ),
    ],
)
def test_publications_and_affiliations_filter_by_year_without_a_date_hierarchy(
    secretariat, model, field, make
):
    """A date hierarchy runs a search twice more (first and last date, distinct days); the
    year filter's choices are the years of the whole table, asked once."""
    import datetime

    from django.apps import apps

    model = apps.get_model(model) if isinstance(model, str) else model
    model_admin = admin.site._registry[model]
    assert not model_admin.date_hierarchy
    old, new = make(datetime.date(2023, 5, 1)), make(datetime.date(2025, 3, 1))
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    page = secretariat.get(url).content.decode()
    assert f"?{field}__year=2025" in page and f"?{field}__year=2023" in page
    listed = secretariat.get(url, {f"{field}__year": "2023"}).context["cl"].result_list
    assert [row.pk for row in listed] == [old.pk]
    for junk in ("abc", "20231", "<b>"):
        response = secretariat.get(url, {f"{field}__year": junk})
        assert response.status_code == 200
        assert {row.pk for row in response.context["cl"].result_list} == {old.pk, new.pk}
