"""Bad input at scale: hypothesis feeds every public form and query parameter with random and
hostile text (very long, control characters, NUL, SQL, HTML, template syntax, invalid UTF-8
percent-escapes) and the portal answers without a 5xx and stores nothing it refused."""

import urllib.parse

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m\x07\x08",
    "\r\nSet-Cookie: pwned=1",
    "' OR 1=1 --",
    "'; DROP TABLE members_user; --",
    '" OR ""="',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "../../../../etc/passwd",
    "%00%ff%fe",
    "\\",
    "\u202egnp.exe",
    "\ufeff\u200b\u200d",
    "²³¹",
    "١٢٣",
    "-1",
    "0",
    "1e309",
    "99999999999999999999999999",
    "NaN",
    "😀" * 200,
    "a" * 10_000,
    "tryghed & | ! : * ( ) <-> '",
    "@@@",
    "x@y",
    "a@b.c" * 100,
]
texts = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
)
raw_bytes = st.binary(max_size=40)
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


def _counts():
    from django.contrib.auth import get_user_model

    from events.models import Registration
    from members.models import Affiliation
    from newsletters.models import Subscriber
    from outbox.models import OutboxMessage

    return {
        "users": get_user_model().objects.count(),
        "registrations": Registration.objects.count(),
        "subscribers": Subscriber.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "affiliations": Affiliation.objects.count(),
    }


def _get_pages(world):
    """Public GET pages and the query parameters each reads (filters included)."""
    from events.filters import EventFilter
    from members.filters import DirectoryFilter
    from projects.filters import ProjectFilter
    from publications.filters import PublicationFilter

    return [
        (reverse("search"), ["q", "type", "year", "focus", "org", "page", "sort"]),
        (reverse("events:list"), [*EventFilter.base_filters, "past", "page"]),
        (reverse("publications:list"), [*PublicationFilter.base_filters, "page"]),
        (reverse("projects:list"), [*ProjectFilter.base_filters, "page"]),
        (reverse("members:list"), [*DirectoryFilter.base_filters, "page"]),
        (reverse("home"), ["q"]),
        (reverse("newsletters:archive"), ["page"]),
        (reverse("events:detail", kwargs={"slug": world.objects["event"].slug}), ["q"]),
    ]


def _no_server_error(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


def test_query_parameters_survive_hostile_text(world):
    client = world.client_for("visitor")
    pages = _get_pages(world)
    before = _counts()

    @SETTINGS
    @given(page=st.sampled_from(pages), data=st.data())
    def check(page, data):
        path, params = page
        chosen = data.draw(st.lists(st.sampled_from(params), min_size=1, max_size=3))
        query = {name: data.draw(texts) for name in chosen}
        response = client.get(path, query)
        _no_server_error(response, f"GET {path} {query!r}"[:400])

    check()
    assert _counts() == before


def test_every_hostile_value_in_every_parameter_of_every_page(world):
    """The fixed list, deterministically: each value in all of a page's parameters at once."""
    client = world.client_for("member")
    problems = []
    for path, params in _get_pages(world):
        for value in HOSTILE:
            response = client.get(path, dict.fromkeys(params, value))
            if response.status_code >= 500:
                problems.append(f"GET {path} with every parameter = {value[:40]!r}")
    assert not problems, "\n".join(problems)


def test_query_strings_with_invalid_utf8_escapes(world):
    client = world.client_for("member")
    pages = _get_pages(world)

    @SETTINGS
    @given(page=st.sampled_from(pages), value=raw_bytes)
    def check(page, value):
        path, params = page
        raw = urllib.parse.quote_from_bytes(value)
        query = "&".join(f"{name}={raw}" for name in params[:4])
        response = client.get(f"{path}?{query}")
        _no_server_error(response, f"GET {path}?{query}")

    check()


def test_newsletter_subscription_refuses_bad_input_and_stores_nothing(world):
    client = world.client_for("visitor")
    path = reverse("newsletters:subscribe")
    from newsletters.models import Subscriber

    @SETTINGS
    @given(email=texts, name=texts, consent=st.sampled_from(["", "on", "\x00", "yes"]))
    def check(email, name, consent):
        before = Subscriber.objects.count()
        response = client.post(path, {"email": email, "name": name, "consent": consent})
        _no_server_error(response, f"subscribe {email!r:.80}")
        if response.status_code != 302:  # refused: the form again, nothing stored
            assert Subscriber.objects.count() == before

    check()


def test_event_signup_answers_are_refused_or_stored_safely(world):
    from devtools.factories.events import EventFactory
    from events.models import Registration

    client = world.client_for("user")
    user = world.users["user"]
    serial = iter(range(10_000))

    @SETTINGS
    @given(dietary=texts, comment=texts, organisation=texts)
    def check(dietary, comment, organisation):
        event = EventFactory(slug=f"hostile-{next(serial)}")
        path = reverse("events:signup", kwargs={"slug": event.slug})
        response = client.post(
            path, {"dietary_needs": dietary, "comment": comment, "organisation": organisation}
        )
        _no_server_error(response, f"sign-up {dietary!r:.60} {comment!r:.60}")
        stored = Registration.objects.filter(event=event, user=user)
        if response.status_code == 302:
            registration = stored.get()
            assert "\x00" not in registration.dietary_needs + registration.comment
        else:
            assert not stored.exists()

    check()


def test_profile_and_affiliation_forms_refuse_bad_input(world):
    from members.models import Affiliation

    client = world.client_for("member")
    member = world.users["member"]

    @SETTINGS
    @given(first=texts, last=texts, phone=texts, org=texts, starts=texts)
    def check(first, last, phone, org, starts):
        before = Affiliation.objects.filter(user=member).count()
        response = client.post(
            reverse("members:affiliation_request"),
            {"organisation": org, "role": "employee", "starts_on": starts},
        )
        _no_server_error(response, f"affiliation {org!r:.60} {starts!r:.60}")
        if response.status_code not in (302, 303):
            assert Affiliation.objects.filter(user=member).count() == before
        response = client.post(
            reverse("members:me"), {"first_name": first, "last_name": last, "phone": phone}
        )
        _no_server_error(response, f"profile {first!r:.60}")
        member.refresh_from_db()
        assert "\x00" not in member.first_name + member.last_name + member.phone

    check()


def test_login_and_signup_forms_refuse_bad_input(world):
    from django.contrib.auth import get_user_model

    client = world.client_for("visitor")
    User = get_user_model()

    @SETTINGS
    @given(email=texts, password=texts, first=texts)
    def check(email, password, first):
        response = client.post(reverse("account_login"), {"login": email, "password": password})
        _no_server_error(response, f"login {email!r:.60}")
        response = client.post(reverse("account_reset_password"), {"email": email})
        _no_server_error(response, f"password reset {email!r:.60}")
        before = User.objects.count()
        response = client.post(
            reverse("account_signup"),
            {
                "email": email,
                "password1": password,
                "password2": password,
                "first_name": first,
                "last_name": first,
            },
        )
        _no_server_error(response, f"signup {email!r:.60}")
        if response.status_code == 200:  # the form again: refused
            assert User.objects.count() == before

    check()


def test_strategy_forms_refuse_bad_input(world):
    """Proposals, comments and pledges from a member; ballots from the board."""
    focus_area = world.objects["focus_area"]
    voting_round = world.objects["voting_round"]
    from strategy.models import Ballot, Comment, FocusArea, Pledge

    member = world.client_for("member")
    board = world.client_for("board")
    item_ids = list(voting_round.items.values_list("pk", flat=True))

    @SETTINGS
    @given(
        title=texts,
        body=texts,
        number=texts,
        choice=texts,
        rank_key=st.sampled_from(["rank_", "rank_x", "rank_-1", "rank_99999999999999999999"]),
    )
    def check(title, body, number, choice, rank_key):
        counts = (FocusArea.objects.count(), Comment.objects.count(), Pledge.objects.count())
        responses = [
            member.post(
                reverse("strategy:propose"),
                {"title": title, "problem": body, "why_now": body, "ambitions": choice},
            ),
            member.post(
                reverse("strategy:comment", kwargs={"slug": focus_area.slug}), {"body": body}
            ),
            member.post(
                reverse("strategy:pledge", kwargs={"slug": focus_area.slug}),
                {
                    "summit": choice,
                    "organisation": choice,
                    "assessment": choice,
                    "amount": number,
                    "comment": body,
                },
            ),
        ]
        for response in responses:
            _no_server_error(response, f"strategy form {title!r:.40} {body!r:.40}")
        if all(r.status_code not in (301, 302, 303) for r in responses):
            assert counts == (
                FocusArea.objects.count(),
                Comment.objects.count(),
                Pledge.objects.count(),
            )
        ballot = {f"rank_{pk}": number for pk in item_ids}
        ballot.update({rank_key: choice, "item": [choice, *item_ids[:1]]})
        before = Ballot.objects.count()
        response = board.post(
            reverse("strategy:vote_detail", kwargs={"pk": voting_round.pk}), ballot
        )
        _no_server_error(response, f"ballot {number!r:.40} {choice!r:.40}")
        if response.status_code == 400:
            assert Ballot.objects.count() == before

    check()


def test_hostile_tokens_in_newsletter_links(world):
    """The confirm and unsubscribe links carry a signed token in the path; a forged or mangled
    one is refused (GET and the one-click POST) and unsubscribes nobody."""
    from newsletters.models import Subscriber

    client = world.client_for("visitor")
    Subscriber.objects.get_or_create(email="abonnent@example.dk")
    before = list(Subscriber.objects.values_list("email", flat=True).order_by("email"))

    @SETTINGS
    @given(token=texts)
    def check(token):
        quoted = urllib.parse.quote(token.replace("/", ""), safe="") or "x"
        for name in ("newsletters:confirm", "newsletters:unsubscribe"):
            path = reverse(name, kwargs={"token": "placeholder"}).replace("placeholder", quoted)
            for response in (
                client.get(path),
                client.post(path, {"List-Unsubscribe": "One-Click"}),
            ):
                _no_server_error(response, f"{path[:120]}")

    check()
    after = list(Subscriber.objects.values_list("email", flat=True).order_by("email"))
    assert after == before
