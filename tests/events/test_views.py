"""The events pages through the test client: content, status, and who may see what."""

import datetime
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar
from pypdf import PdfReader

from devtools.factories.events import EventFactory, RegistrationFactory, event_today, past_event
from devtools.factories.members import AffiliationFactory, UserFactory, staff_with_totp
from events.models import Event, Registration
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
Status = Registration.Status


def en(name, *args, **kwargs):
    """The English URL, so assertions read the English text."""
    with translation.override("en"):
        return reverse(name, args=args, kwargs=kwargs)


# --- list --------------------------------------------------------------------------------------


def test_list_shows_upcoming_published_events_with_places_left(client):
    open_event = EventFactory(title="Åbent seminar", capacity=10)
    RegistrationFactory.create_batch(3, event=open_event)
    full = EventFactory(title="Fuldt kursus", capacity=1)
    RegistrationFactory(event=full)
    EventFactory(title="Kladde", is_published=False)
    past_event(title="Sidste år")
    response = client.get(en("events:list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Åbent seminar" in text and "7 places left" in text
    assert "Fuldt kursus" in text and "Full: waiting list" in text
    assert "Kladde" not in text and "Sidste år" not in text


def test_list_in_danish_by_default(client):
    EventFactory(capacity=5)
    with translation.override("da"):
        text = client.get(reverse("events:list")).content.decode()
    assert "5 pladser tilbage" in text


def test_past_events_on_request(client):
    past_event(title="Sidste år")
    EventFactory(title="Næste måned")
    text = client.get(en("events:list") + "?past=1").content.decode()
    assert "Sidste år" in text and "Næste måned" not in text


def test_filters(client):
    course = EventFactory(title="Kurset", kind=Event.Kind.COURSE, region="hovedstaden")
    EventFactory(title="Seminaret", kind=Event.Kind.SEMINAR, region="nordjylland", capacity=1)
    RegistrationFactory(event=Event.objects.get(title="Seminaret"))

    def titles(query):
        text = client.get(en("events:list") + query).content.decode()
        return {t for t in ("Kurset", "Seminaret") if t in text}

    assert titles("?kind=course") == {"Kurset"}
    assert titles("?region=nordjylland") == {"Seminaret"}
    assert titles("?free_places=on") == {"Kurset"}
    month = timezone.localtime(course.sessions.get().starts_at).strftime("%Y-%m")
    assert titles(f"?month={month}") == {"Kurset", "Seminaret"}
    far = (timezone.localdate() + datetime.timedelta(days=200)).strftime("%Y-%m")
    assert titles(f"?month={far}") == set()


def test_focus_area_filter_registered_by_strategy(client):
    """strategy adds the filter through almennet/related.py; events never names strategy."""
    from strategy.models import FocusArea

    area = FocusArea.objects.create(title="Klima", slug="klima")
    linked = EventFactory(title="Klimaseminar")
    area.events.add(linked)
    EventFactory(title="Andet seminar")
    text = client.get(en("events:list") + "?focus_area=klima").content.decode()
    assert "Klimaseminar" in text and "Andet seminar" not in text


def test_month_filter_offers_only_months_with_events(client):
    soon = EventFactory(title="Snart")
    later = EventFactory(title="Senere")
    later.sessions.update(
        starts_at=soon.sessions.get().starts_at + datetime.timedelta(days=95),
        ends_at=soon.sessions.get().ends_at + datetime.timedelta(days=95),
    )
    past_event(title="Sidste år")
    EventFactory(title="Kladde", is_published=False)

    def months(query=""):
        response = client.get(en("events:list") + query)
        return [value for value, _label in response.context["filter"].form.fields["month"].choices][
            1:
        ]

    def month_of(event):
        return timezone.localtime(event.sessions.order_by("starts_at")[0].starts_at).strftime(
            "%Y-%m"
        )

    assert months() == [month_of(soon), month_of(later)]  # no empty months between them
    assert months("?past=1") == [month_of(Event.objects.get(title="Sidste år"))]
    # A month chosen by a link stays selectable and shows no events rather than every event.
    empty = (timezone.localdate() + datetime.timedelta(days=400)).strftime("%Y-%m")
    response = client.get(en("events:list") + f"?month={empty}")
    assert empty in months(f"?month={empty}")
    assert "Snart" not in response.content.decode()


def test_month_filter_labels_the_months_in_danish(client):
    event = EventFactory()
    starts = timezone.localtime(event.sessions.get().starts_at)
    html = client.get(reverse("events:list")).content.decode()
    label = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
             "september", "oktober", "november", "december"][starts.month - 1]  # fmt: skip
    assert (
        f'<option value="{starts:%Y-%m}">{label.capitalize()} {starts.year}</option>' in html
        or (f'<option value="{starts:%Y-%m}">{label} {starts.year}</option>' in html)
    )


@pytest.mark.parametrize("query", ["?kind=nonsense", "?month=2026-99", "?month=x", "?page=999"])
def test_bad_filter_values_never_500(client, query):
    EventFactory()
    assert client.get(en("events:list") + query).status_code == 200


def test_list_query_count_is_constant_however_many_events(client, django_assert_max_num_queries):
    member = AffiliationFactory().user
    client.force_login(member)
    EventFactory()
    # The months that have events (the month filter), the footer's member figures and its
    # site settings (siteinfo).
    with django_assert_max_num_queries(9) as small:
        client.get(en("events:list"))
    for _ in range(30):
        event = EventFactory()
        RegistrationFactory.create_batch(4, event=event)
        RegistrationFactory(event=event, status=Status.WAITING, waiting_position=1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(en("events:list") + "?free_places=on&region=midtjylland")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 24


# --- detail ------------------------------------------------------------------------------------


def test_detail_for_a_visitor_asks_to_log_in(client):
    event = EventFactory(body="<p>Program</p>", contact=UserFactory(email="kontakt@almennet.dk"))
    response = client.get(en("events:detail", event.slug))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Log in to sign up" in text and 'id="signup-form"' not in text
    assert "<p>Program</p>" in text and "kontakt@almennet.dk" in text
    assert event.venue_address in text and "500" in text and "900" in text
    # "No account? Create one" links to sign-up and back to the event (it was plain text).
    danish = Client().get(f"/events/{event.slug}/").content.decode()
    signup = f'<a href="/accounts/signup/?next=/events/{event.slug}/">Opret en</a>'
    assert f"Ingen konto? {signup}; medlemmer" in danish


def test_detail_for_a_member_shows_the_form_and_the_member_price(client):
    member = AffiliationFactory().user
    client.force_login(member)
    text = client.get(en("events:detail", EventFactory().slug)).content.decode()
    assert 'id="signup-form"' in text
    assert "Your price: DKK 500.00" in text  # the English way under /en/
    assert 'name="motivation"' not in text and 'name="organisation"' not in text


def test_detail_asks_for_motivation_and_organisation_when_they_apply(client):
    member = AffiliationFactory().user
    AffiliationFactory(user=member)
    client.force_login(member)
    text = client.get(en("events:detail", EventFactory(requires_approval=True).slug))
    text = text.content.decode()
    assert 'name="motivation"' in text and 'name="organisation"' in text


def test_multi_date_course_lists_every_session(client):
    start = timezone.now() + datetime.timedelta(days=10)
    sessions = [
        (start + datetime.timedelta(days=7 * i), start + datetime.timedelta(days=7 * i, hours=5))
        for i in range(3)
    ]
    event = EventFactory(kind=Event.Kind.COURSE, sessions=sessions)
    text = client.get(en("events:detail", event.slug)).content.decode()
    assert "over 3 dates" in text
    assert text.count('bi bi-calendar-event" aria-hidden="true"') == 3


def test_draft_is_404_for_visitors_and_members_but_visible_to_staff(client):
    draft = EventFactory(is_published=False)
    assert client.get(en("events:detail", draft.slug)).status_code == 404
    client.force_login(AffiliationFactory().user)
    assert client.get(en("events:detail", draft.slug)).status_code == 404
    assert client.get(en("events:ics", draft.slug)).status_code == 404
    client.force_login(staff_with_totp())
    assert client.get(en("events:detail", draft.slug)).status_code == 200


def test_unknown_event_is_404(client):
    assert client.get(en("events:detail", "findes-ikke")).status_code == 404


def test_detail_shows_related_projects_publications_and_focus_areas(client):
    event = EventFactory()
    related = {}
    for name in ("projects", "publications", "focus_areas"):
        model = Event._meta.get_field(name).related_model
        fields = {"title": f"Relateret {name}", "slug": f"relateret-{name.replace('_', '-')}"}
        if name != "focus_areas":
            fields["is_published"] = True
        related[name] = model.objects.create(**fields)
        getattr(event, name).add(related[name])
    text = client.get(en("events:detail", event.slug)).content.decode()
    for item in related.values():
        assert item.title in text


def test_detail_shows_my_registration_instead_of_the_form(client):
    registration = RegistrationFactory(status=Status.WAITING, waiting_position=4)
    client.force_login(registration.user)
    text = client.get(en("events:detail", registration.event.slug)).content.decode()
    assert "You are on the waiting list (number 1)" in text
    assert 'id="signup-form"' not in text


def test_closed_event_says_why(client):
    client.force_login(UserFactory())
    event = EventFactory(signup_closes_at=timezone.now() - datetime.timedelta(hours=1))
    text = client.get(en("events:detail", event.slug)).content.decode()
    assert "Sign-up closed" in text and 'id="signup-form"' not in text


# --- sign-up -----------------------------------------------------------------------------------


def test_sign_up_post(client):
    member = AffiliationFactory().user
    client.force_login(member)
    event = EventFactory()
    response = client.post(
        en("events:signup", event.slug), {"dietary_needs": "Vegan", "comment": "Hej"}, follow=True
    )
    registration = Registration.objects.get(event=event, user=member)
    assert registration.status == Status.CONFIRMED and registration.dietary_needs == "Vegan"
    assert "You are signed up" in response.content.decode()


def test_forged_price_and_event_id_are_ignored(client):
    client.force_login(UserFactory())
    event, other = EventFactory(), EventFactory()
    client.post(
        en("events:signup", event.slug),
        {"event": other.pk, "event_id": other.pk, "price": "0", "price_category": "member"},
    )
    registration = Registration.objects.get()
    assert registration.event == event and registration.price == event.non_member_price
    assert registration.price_category == Registration.PriceCategory.NON_MEMBER


def test_foreign_organisation_in_the_form_is_refused(client):
    member = AffiliationFactory().user
    AffiliationFactory(user=member)
    client.force_login(member)
    stranger = AffiliationFactory().organisation
    event = EventFactory()
    response = client.post(en("events:signup", event.slug), {"organisation": stranger.pk})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_signing_up_twice_through_the_page_says_so(client):
    registration = RegistrationFactory()
    client.force_login(registration.user)
    response = client.post(en("events:signup", registration.event.slug), follow=True)
    assert "already signed up" in response.content.decode()
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    "make_event",
    [
        lambda: past_event(),
        lambda: EventFactory(signup_opens_at=timezone.now() + datetime.timedelta(days=2)),
        lambda: EventFactory(signup_closes_at=timezone.now() - datetime.timedelta(days=1)),
    ],
    ids=["past", "not-open", "closed"],
)
def test_sign_up_refused_through_the_page(client, make_event):
    client.force_login(UserFactory())
    event = make_event()
    response = client.post(en("events:signup", event.slug), follow=True)
    assert response.status_code == 200
    assert response.context["messages"]
    assert not Registration.objects.exists()


def test_sign_up_to_a_draft_is_404(client):
    client.force_login(UserFactory())
    assert (
        client.post(en("events:signup", EventFactory(is_published=False).slug)).status_code == 404
    )
    assert not Registration.objects.exists()


def test_visitor_sign_up_goes_to_login_and_get_is_not_allowed(client):
    event = EventFactory()
    response = client.post(en("events:signup", event.slug))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(en("events:signup", event.slug)).status_code == 405
    assert not Registration.objects.exists()


def test_sign_up_needs_the_csrf_token():
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(UserFactory())
    assert csrf_client.post(en("events:signup", EventFactory().slug)).status_code == 403
    assert not Registration.objects.exists()


# --- calendar files ----------------------------------------------------------------------------


def test_ics_for_an_event_has_a_reminder_alarm(client):
    start = timezone.now() + datetime.timedelta(days=10)
    event = EventFactory(
        title="Kursus",
        sessions=[
            (start, start + datetime.timedelta(hours=3)),
            (start + datetime.timedelta(days=7), start + datetime.timedelta(days=7, hours=3)),
        ],
    )
    response = client.get(en("events:ics", event.slug))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == 2
    assert str(vevents[0]["SUMMARY"]) == "Kursus (1/2)"
    assert vevents[0].walk("VALARM")[0]["TRIGGER"].dt == -datetime.timedelta(days=1)
    assert vevents[0]["DTSTART"].dt == event.sessions.first().starts_at.replace(microsecond=0)


def test_feed_has_all_published_events_and_no_drafts(client):
    EventFactory(title="Offentligt")
    past_event(title="Sidste måned")
    EventFactory(title="Hemmeligt", is_published=False)
    response = client.get(reverse("events:feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert summaries == {"Offentligt", "Sidste måned"}


# --- my registrations and cancel ---------------------------------------------------------------


def test_mine_needs_login(client):
    response = client.get(en("events:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_mine_lists_my_registrations_only(client):
    mine = RegistrationFactory(event=EventFactory(title="Mit seminar"))
    RegistrationFactory(event=EventFactory(title="Andres seminar"))
    client.force_login(mine.user)
    text = client.get(en("events:mine")).content.decode()
    assert "Mit seminar" in text and "Andres seminar" not in text
    assert en("events:cancel", mine.pk) in text


def test_cancel_asks_for_confirmation_then_cancels_on_post(client):
    event = EventFactory(capacity=1)
    mine = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITING, waiting_position=1)
    client.force_login(mine.user)
    confirm = client.get(en("events:cancel", mine.pk))
    assert confirm.status_code == 200 and "Yes, cancel my registration" in confirm.content.decode()
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED  # a GET changes nothing
    response = client.post(en("events:cancel", mine.pk))
    assert response.status_code == 302
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Status.CANCELLED and waiting.status == Status.CONFIRMED


def test_cancel_page_warns_about_the_full_price_after_the_deadline(client):
    event = EventFactory(cancellation_deadline=timezone.now() - datetime.timedelta(hours=1))
    mine = RegistrationFactory(event=event)
    client.force_login(mine.user)
    assert "full price" in client.get(en("events:cancel", mine.pk)).content.decode()


def test_cancelling_someone_elses_registration_is_404(client):
    other = RegistrationFactory()
    client.force_login(UserFactory())
    assert client.get(en("events:cancel", other.pk)).status_code == 404
    assert client.post(en("events:cancel", other.pk)).status_code == 404
    other.refresh_from_db()
    assert other.status == Status.CONFIRMED


def test_cancel_needs_csrf_and_login():
    mine = RegistrationFactory()
    anonymous = Client()
    assert anonymous.post(en("events:cancel", mine.pk)).status_code == 302
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(mine.user)
    assert csrf_client.post(en("events:cancel", mine.pk)).status_code == 403
    mine.refresh_from_db()
    assert mine.status == Status.CONFIRMED


def test_cancelling_twice_through_the_page_says_so(client):
    mine = RegistrationFactory(status=Status.CANCELLED)
    client.force_login(mine.user)
    response = client.post(en("events:cancel", mine.pk), follow=True)
    assert "already cancelled" in response.content.decode()


# --- the secretariat's pages -------------------------------------------------------------------

STAFF_PAGES = ["events:check_in", "events:badges", "events:certificates"]


@pytest.mark.parametrize("name", [*STAFF_PAGES, "events:statistics"])
def test_staff_pages_are_closed_to_visitors_members_and_plain_staff(client, name):
    event = EventFactory()
    url = en(name) if name == "events:statistics" else en(name, event.slug)
    assert client.get(url).status_code in (302, 403)
    client.force_login(AffiliationFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(staff_with_totp())  # staff without the event rights
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("name", [*STAFF_PAGES, "events:statistics"])
def test_staff_pages_open_for_the_secretariat(client, secretary, name):
    event = EventFactory(kind=Event.Kind.COURSE)
    url = en(name) if name == "events:statistics" else en(name, event.slug)
    client.force_login(secretary)
    assert client.get(url).status_code == 200


def test_check_in_search_and_one_tap(client, secretary):
    event = event_today()
    anna = RegistrationFactory(event=event, user=UserFactory(first_name="Anna", last_name="Holm"))
    RegistrationFactory(event=event, user=UserFactory(first_name="Bo", last_name="Lund"))
    RegistrationFactory(
        event=event,
        status=Status.WAITING,
        waiting_position=1,
        user=UserFactory(first_name="Ventende"),
    )
    client.force_login(secretary)
    url = en("events:check_in", event.slug)
    text = client.get(url + "?q=anna").content.decode()
    assert "Anna Holm" in text and "Bo Lund" not in text and "Ventende" not in text
    response = client.post(url, {"registration": anna.pk, "q": "anna"})
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.status == Status.ATTENDED
    # again: a clear message, no change
    response = client.post(url, {"registration": anna.pk}, follow=True)
    assert "already checked in" in response.content.decode()
    # htmx swaps only the rows
    partial = client.post(
        url, {"registration": anna.pk, "undo": "1"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.content.decode() and "check-in-list" in partial.content.decode()
    anna.refresh_from_db()
    assert anna.status == Status.CONFIRMED


def test_check_in_of_another_events_registration_is_404(client, secretary):
    event = EventFactory()
    other = RegistrationFactory()
    client.force_login(secretary)
    assert (
        client.post(en("events:check_in", event.slug), {"registration": other.pk}).status_code
        == 404
    )
    other.refresh_from_db()
    assert other.status == Status.CONFIRMED


def test_badges_and_certificates(client, secretary):
    event = past_event(kind=Event.Kind.COURSE, title="Kursus i beboerdemokrati")
    attended = RegistrationFactory(
        event=event, status=Status.ATTENDED, user=UserFactory(first_name="Karen", last_name="Holm")
    )
    RegistrationFactory(
        event=event, status=Status.NO_SHOW, user=UserFactory(first_name="Udeblevet")
    )
    client.force_login(secretary)
    response = client.get(en("events:badges", event.slug))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    badges = pdf_text(response.content)
    assert "Karen Holm" in badges and "Udeblevet" in badges
    response = client.get(en("events:certificates", event.slug))
    assert response["Content-Type"] == "application/pdf"
    certificates = pdf_text(response.content)
    assert "Karen Holm" in certificates and "Udeblevet" not in certificates
    assert "Certificate of attendance" in certificates
    one = client.get(en("events:certificates", event.slug) + f"?registration={attended.pk}")
    assert len(PdfReader(io.BytesIO(one.content)).pages) == 1


def test_statistics_per_event_and_organisation(client, secretary):
    event = past_event(title="Statistikseminar")
    affiliation = AffiliationFactory()
    RegistrationFactory(
        event=event,
        status=Status.ATTENDED,
        user=affiliation.user,
        organisation=affiliation.organisation,
    )
    RegistrationFactory(event=event, status=Status.NO_SHOW, organisation=affiliation.organisation)
    client.force_login(secretary)
    response = client.get(en("events:statistics"))
    event_row = next(e for e in response.context["events"] if e.pk == event.pk)
    assert (event_row.signups, event_row.attended, event_row.no_shows) == (2, 1, 1)
    row = next(
        r
        for r in response.context["organisations"]
        if r["organisation"] == affiliation.organisation
    )
    assert (row["signups"], row["attended"], row["no_shows"]) == (2, 1, 1)


def test_signup_queues_nothing_when_refused(client):
    client.force_login(UserFactory())
    client.post(en("events:signup", past_event().slug))
    assert not OutboxMessage.objects.exists()


def test_no_inline_scripts_or_styles_on_the_pages(client, secretary):
    event = EventFactory()
    registration = RegistrationFactory(event=event, user=secretary)
    client.force_login(secretary)
    for url in [
        en("events:list"),
        en("events:detail", event.slug),
        en("events:mine"),
        en("events:cancel", registration.pk),
        en("events:check_in", event.slug),
        en("events:statistics"),
    ]:
        text = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), url
        assert " style=" not in text, url


def test_detail_query_count_does_not_grow_with_registrations(client, django_assert_max_num_queries):
    member = AffiliationFactory().user
    client.force_login(member)
    event = EventFactory()
    RegistrationFactory(event=event)
    with django_assert_max_num_queries(30) as small:
        client.get(en("events:detail", event.slug))
    RegistrationFactory.create_batch(40, event=event)
    RegistrationFactory.create_batch(5, event=event, status=Status.WAITING, waiting_position=1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(en("events:detail", event.slug)).status_code == 200


def test_past_event_detail_says_it_was_held(client):
    client.force_login(UserFactory())
    text = client.get(en("events:detail", past_event().slug)).content.decode()
    assert "Held" in text and "places left" not in text and 'id="signup-form"' not in text


@pytest.mark.parametrize(
    "name", ["admin:events_event_changelist", "admin:events_registration_changelist"]
)
def test_admin_lists_are_closed_to_visitors_and_members(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(AffiliationFactory().user)
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"]


def test_statistics_for_a_period(client, secretary):
    old = past_event(title="Gammelt seminar")
    RegistrationFactory(
        event=old, status=Status.ATTENDED, organisation=AffiliationFactory().organisation
    )
    client.force_login(secretary)
    today = timezone.localdate()
    response = client.get(
        en("events:statistics") + f"?from={today}&to={today + datetime.timedelta(days=400)}"
    )
    assert old not in list(response.context["events"])
    assert response.context["organisations"] == []
    response = client.get(en("events:statistics") + "?from=nonsense&to=2026-13-45")
    assert response.status_code == 200 and old in list(response.context["events"])


def test_sign_up_with_htmx_swaps_the_sign_up_box(client):
    client.force_login(UserFactory())
    event = EventFactory(capacity=0)
    response = client.post(en("events:signup", event.slug), headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and 'id="signup"' in text
    assert (
        "you are on the waiting list" in text and "You are on the waiting list (number 1)" in text
    )
    again = client.post(en("events:signup", event.slug), headers={"HX-Request": "true"})
    assert (
        "already signed up" in again.content.decode() and "alert-danger" in again.content.decode()
    )
    assert Registration.objects.count() == 1


def test_sign_up_form_posts_with_htmx_and_without(client):
    client.force_login(UserFactory())
    event = EventFactory()
    text = client.get(en("events:detail", event.slug)).content.decode()
    action = en("events:signup", event.slug)
    assert f'action="{action}"' in text and f'data-hx-post="{action}"' in text


def test_check_in_tap_updates_the_count_and_shows_its_message_at_once(client, secretary):
    """The count sat outside the rows htmx swaps, so it stayed at "0 of 3" all day, and each
    tap's message piled up in the session until some later full page showed them all."""
    event = event_today()
    anna = RegistrationFactory(event=event, user=UserFactory(first_name="Anna", last_name="Holm"))
    RegistrationFactory(event=event, user=UserFactory(first_name="Bo", last_name="Lund"))
    client.force_login(secretary)
    url = en("events:check_in", event.slug)
    partial = client.post(
        url, {"registration": anna.pk, "q": "anna"}, headers={"HX-Request": "true"}
    ).content.decode()
    # Counted over the whole event, not just the search matches.
    assert "1 of 2 checked in" in partial
    assert "Anna Holm is checked in" in partial
    assert "is checked in" not in client.get(url).content.decode()
    assert "1 of 2 checked in" in client.get(url + "?q=bo").content.decode()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
